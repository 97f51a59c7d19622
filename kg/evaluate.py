"""Score extraction against gold files, exactly as the dev corpus README describes.

Entities align one-to-one when a system label or mention equals a gold label or alias
after normalisation; relations and event arguments are then compared as triples over
aligned labels; events match a gold event of the same type sharing a filler.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from kg.documents import read_document
from kg.errors import DocumentError
from kg.extract import extract, load_pipeline
from kg.records import ENTITY_TYPES, EVENT_TYPES, FLOW_TYPE, Extraction

TITLES = (
    "judge",
    "sen",
    "senator",
    "rep",
    "representative",
    "gov",
    "governor",
    "president",
    "vice president",
    "ambassador",
    "director",
    "attorney general",
    "secretary of state",
    "secretary",
    "sgt",
    "sergeant",
    "special agent",
    "agent",
    "dr",
    "mr",
    "mrs",
    "ms",
    "chief",
    "mayor",
    "minister",
    "prosecutor",
)
_TITLE = re.compile(r"^(?:" + "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True)) + r")\.?\s+")


def normalise(text: str) -> str:
    """Case, accents, punctuation, possessive 's and a leading "the" ignored; "&" is "and"."""
    text = text.replace("\u2019", "'")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    folded = folded.replace("&", " and ")
    folded = re.sub(r"'s\b", "", folded)
    folded = re.sub(r"^\s*the\s+", "", folded)
    return re.sub(r"[^a-z0-9]+", "", folded)


def variants(text: str) -> set[str]:
    """The normal form, plus the forms without a plural "s", a "Jr." or a leading title."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower().strip()
    plain = re.sub(r"^the\s+", "", plain)
    forms = {text, re.sub(r",?\s*jr\.?$", "", plain), _TITLE.sub("", plain)}
    out = {normalise(f) for f in forms}
    out |= {f[:-1] for f in out if f.endswith("s") and len(f) > 3}
    return {f for f in out if f}


@dataclass
class Score:
    gold: int = 0
    sys: int = 0
    tp: int = 0

    def add(self, other: Score) -> None:
        self.gold, self.sys, self.tp = self.gold + other.gold, self.sys + other.sys, self.tp + other.tp

    def as_dict(self) -> dict[str, float | int]:
        p = self.tp / self.sys if self.sys else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "gold": self.gold,
            "sys": self.sys,
            "tp": self.tp,
            "p": round(p, 4),
            "r": round(r, 4),
            "f1": round(f1, 4),
        }


@dataclass
class FileResult:
    name: str
    scores: dict[str, Score] = field(default_factory=dict)
    by_type: dict[str, Score] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)


def _match(
    left: list[Any],
    right: list[Any],
    fits: Callable[[Any, Any], bool],
    weight: Callable[[Any, Any], float] = lambda a, b: 1.0,
) -> dict[int, int]:
    """Maximum one-to-one matching of indices of `left` to `right`, ties broken by the heaviest pairs.

    A weighted matching over integer-labelled nodes, so the result does not depend on Python's
    hash seed: the same extraction always gets the same score.
    """
    graph = nx.Graph()
    offset = len(left)
    graph.add_weighted_edges_from(
        (i, offset + j, weight(a, b)) for i, a in enumerate(left) for j, b in enumerate(right) if fits(a, b)
    )
    pairs = nx.max_weight_matching(graph, maxcardinality=True)
    return {min(u, v): max(u, v) - offset for u, v in pairs}


def score_file(name: str, gold: dict[str, Any], extraction: Extraction) -> FileResult:
    """Every metric of one document."""
    out = extraction.to_json()
    result = FileResult(name)
    system = [e for e in out["entities"] if e["type"] in ENTITY_TYPES]
    sys_forms = [set().union(*(variants(t) for t in [e["label"], *(m["text"] for m in e["mentions"])])) for e in system]
    gold_entities = gold["entities"]
    gold_forms = [set().union(*(variants(t) for t in [g["label"], *g.get("aliases", [])])) for g in gold_entities]
    pairs = list(zip(sys_forms, system, strict=True))
    golds = list(zip(gold_forms, gold_entities, strict=True))
    untyped = _match(pairs, golds, lambda s, g: bool(s[0] & g[0]))
    typed = _match(pairs, golds, lambda s, g: bool(s[0] & g[0]) and s[1]["type"] == g[1]["type"])
    result.scores["entities (typed)"] = Score(len(golds), len(pairs), len(typed))
    result.scores["entities (untyped)"] = Score(len(golds), len(pairs), len(untyped))
    for kind in ENTITY_TYPES:
        tp = sum(1 for i, j in typed.items() if gold_entities[j]["type"] == kind)
        result.by_type[kind] = Score(
            sum(1 for g in gold_entities if g["type"] == kind), sum(1 for e in system if e["type"] == kind), tp
        )
    result.missed = [f"{g['type']}:{g['label']}" for j, g in enumerate(gold_entities) if j not in typed.values()]
    result.spurious = [f"{e['type']}:{e['label']}" for i, e in enumerate(system) if i not in typed]
    label_of = {system[i]["id"]: gold_entities[j]["label"] for i, j in untyped.items()}
    result.scores["relations"] = _relations(gold, out, label_of)
    events, arguments, dates = _events(gold, out, label_of)
    result.scores["events"], result.scores["event arguments"], result.scores["event dates"] = events, arguments, dates
    gold_date = gold.get("document", {}).get("date")
    sys_date = out["document"]["date"]
    result.scores["document date"] = Score(
        int(bool(gold_date)), int(bool(sys_date)), int(bool(gold_date) and gold_date == sys_date)
    )
    return result


def _relations(gold: dict[str, Any], out: dict[str, Any], label_of: dict[str, str]) -> Score:
    gold_triples = {(r["subject"], r["predicate"], r["object"]) for r in gold["relations"]}
    flows = {e["id"] for e in out["entities"] if e["type"] == FLOW_TYPE}
    ends: dict[str, dict[str, set[str]]] = {f: {"origin": set(), "destination": set()} for f in flows}
    triples = set()
    for r in out["relations"]:
        if r["subject"] in flows and r["predicate"] in ("origin", "destination"):
            ends[r["subject"]][r["predicate"]].add(r["object"])
        elif r["predicate"] in ("affiliatedWith", "locatedIn", "firearmsFlow", "manufactures"):
            triples.add((r["subject"], r["predicate"], r["object"]))
    for flow in ends.values():
        triples |= {(o, "firearmsFlow", d) for o in flow["origin"] for d in flow["destination"]}
    mapped = {(label_of.get(s, s), p, label_of.get(o, o)) for s, p, o in triples}
    implied = _transitive({(s, o) for s, p, o in gold_triples if p == "locatedIn"})
    mapped = {t for t in mapped if t in gold_triples or not (t[1] == "locatedIn" and (t[0], t[2]) in implied)}
    return Score(len(gold_triples), len(mapped), len(mapped & gold_triples))


def _transitive(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    closure = set(pairs)
    while True:
        more = {(a, d) for a, b in closure for c, d in closure if b == c} - closure
        if not more:
            return closure
        closure |= more


def _events(gold: dict[str, Any], out: dict[str, Any], label_of: dict[str, str]) -> tuple[Score, Score, Score]:
    gold_events = []
    for g in gold["events"]:
        args = {(("place" if role == "occurredIn" else role), f) for role, fs in g.get("args", {}).items() for f in fs}
        if g.get("place"):
            args.add(("place", g["place"]))
        gold_events.append((g["type"], args, g.get("date")))
    system = {e["id"]: e for e in out["entities"] if e["type"] in EVENT_TYPES}
    sys_args: dict[str, set[tuple[str, str]]] = {k: set() for k in system}
    for r in out["relations"]:
        if r["subject"] in system:
            role = "place" if r["predicate"] == "occurredIn" else r["predicate"]
            sys_args[r["subject"]].add((role, label_of.get(r["object"], r["object"])))
    sys_events = [(system[k]["type"], sys_args[k], system[k].get("date")) for k in system]

    def fits(s: tuple, g: tuple) -> bool:
        return s[0] == g[0] and bool({f for _, f in s[1]} & {f for _, f in g[1]})

    def overlap(s: tuple, g: tuple) -> float:
        return 1.0 + len(s[1] & g[1]) + (s[2] is not None and s[2] == g[2])

    matched = _match(sys_events, gold_events, fits, overlap)
    events = Score(len(gold_events), len(sys_events), len(matched))
    gold_triples = {(j, role, f) for j, (_, args, _) in enumerate(gold_events) for role, f in args}
    sys_triples = {
        (("g", matched[i]) if i in matched else ("s", i), role, f)
        for i, (_, args, _) in enumerate(sys_events)
        for role, f in args
    }
    tp = sum(1 for (who, role, f) in sys_triples if who[0] == "g" and (who[1], role, f) in gold_triples)
    arguments = Score(len(gold_triples), len(sys_triples), tp)
    date_tp = sum(1 for i, j in matched.items() if sys_events[i][2] and sys_events[i][2] == gold_events[j][2])
    dates = Score(sum(1 for g in gold_events if g[2]), sum(1 for s in sys_events if s[2]), date_tp)
    return events, arguments, dates


def evaluate(gold_dir: str | Path, run: Callable[[Path], Extraction]) -> dict[str, Any]:
    """Score `run(text_path)` on every `NAME.gold.json` with a `NAME.txt` next to it."""
    gold_files = sorted(Path(gold_dir).glob("*.gold.json"))
    if not gold_files:
        raise DocumentError(str(gold_dir), "no *.gold.json files here")
    totals: dict[str, Score] = {}
    by_type = {kind: Score() for kind in ENTITY_TYPES}
    files = []
    for gold_path in gold_files:
        name = gold_path.name[: -len(".gold.json")]
        text_path = gold_path.with_name(name + ".txt")
        result = score_file(name, json.loads(gold_path.read_text(encoding="utf-8")), run(text_path))
        for key, score in result.scores.items():
            totals.setdefault(key, Score()).add(score)
        for kind, score in result.by_type.items():
            by_type[kind].add(score)
        files.append(
            {
                "name": name,
                "scores": {k: v.as_dict() for k, v in result.scores.items()},
                "missed": result.missed,
                "spurious": result.spurious,
            }
        )
    return {
        "totals": {k: v.as_dict() for k, v in totals.items()},
        "entity_types": {k: v.as_dict() for k, v in by_type.items()},
        "files": files,
    }


def evaluate_with_pipeline(gold_dir: str | Path) -> dict[str, Any]:
    """The real extractor over the gold folder."""
    nlp = load_pipeline()
    return evaluate(gold_dir, lambda path: extract(read_document(path), nlp))


def table_rows(report: dict[str, Any]) -> Iterable[list[str]]:
    """Rows of the printed summary: metric, gold, sys, tp, P, R, F1."""
    for name, s in [*report["totals"].items(), *((f"  {k}", v) for k, v in report["entity_types"].items())]:
        yield [name, str(s["gold"]), str(s["sys"]), str(s["tp"]), f"{s['p']:.4f}", f"{s['r']:.4f}", f"{s['f1']:.4f}"]
