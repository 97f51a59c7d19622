"""Score extraction against gold files, exactly as the dev corpus README describes.

Entities align one-to-one when a system label or mention equals a gold label or alias
after normalisation; relations and event arguments are then compared as triples over
aligned labels; events match a gold event of the same type sharing a filler.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from kg.corpus import GoldText, cached_docs, folds, split_texts, tuning_texts
from kg.documents import read_document
from kg.errors import DocumentError
from kg.extract import extract, extract_doc, load_pipeline
from kg.extract.training import SEED, Example, train_all, using
from kg.records import ENTITY_TYPES, EVENT_ROLES, EVENT_TYPES, RELATION_PREDICATES, EntityRecord, Extraction

#: Argument roles as the gold names them: the contract's `occurredIn` is scored as `place`.
ROLES = tuple("place" if role == "occurredIn" else role for role in EVENT_ROLES)

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


#: The breakdowns of a report, each a table of scores by kind.
GROUPS = ("entity_types", "predicates", "event_types", "roles")


@dataclass
class FileResult:
    name: str
    scores: dict[str, Score] = field(default_factory=dict)
    #: Scores by entity type, relation predicate, event type and argument role (`GROUPS`).
    groups: dict[str, dict[str, Score]] = field(default_factory=lambda: {g: {} for g in GROUPS})
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    @property
    def by_type(self) -> dict[str, Score]:
        return self.groups["entity_types"]


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


def _align(system: list[dict[str, Any]], gold_entities: list[dict[str, Any]], *, typed: bool) -> dict[int, int]:
    """One-to-one alignment of system entities (JSON contract form) to gold entities, by index."""
    sys_forms = [set().union(*(variants(t) for t in [e["label"], *(m["text"] for m in e["mentions"])])) for e in system]
    gold_forms = [set().union(*(variants(t) for t in [g["label"], *g.get("aliases", [])])) for g in gold_entities]
    pairs = list(zip(sys_forms, system, strict=True))
    golds = list(zip(gold_forms, gold_entities, strict=True))
    return _match(pairs, golds, lambda s, g: bool(s[0] & g[0]) and (not typed or s[1]["type"] == g[1]["type"]))


def match_entities(entities: Sequence[EntityRecord], gold_entities: list[dict[str, Any]]) -> dict[str, str]:
    """The gold label each system entity names (untyped alignment, as the scorer aligns), by system id."""
    system = [
        {"id": e.id, "label": e.label, "type": e.type, "mentions": [{"text": m.text} for m in e.mentions]}
        for e in entities
        if e.type in ENTITY_TYPES
    ]
    return {system[i]["id"]: gold_entities[j]["label"] for i, j in _align(system, gold_entities, typed=False).items()}


def score_file(name: str, gold: dict[str, Any], extraction: Extraction) -> FileResult:
    """Every metric of one document."""
    out = extraction.to_json()
    result = FileResult(name)
    system = [e for e in out["entities"] if e["type"] in ENTITY_TYPES]
    gold_entities = gold["entities"]
    untyped = _align(system, gold_entities, typed=False)
    typed = _align(system, gold_entities, typed=True)
    result.scores["entities (typed)"] = Score(len(gold_entities), len(system), len(typed))
    result.scores["entities (untyped)"] = Score(len(gold_entities), len(system), len(untyped))
    result.groups["entity_types"] = _by_kind(
        ENTITY_TYPES, gold_entities, system, [gold_entities[j] for j in typed.values()], lambda e: e["type"]
    )
    result.missed = [f"{g['type']}:{g['label']}" for j, g in enumerate(gold_entities) if j not in typed.values()]
    result.spurious = [f"{e['type']}:{e['label']}" for i, e in enumerate(system) if i not in typed]
    label_of = {system[i]["id"]: gold_entities[j]["label"] for i, j in untyped.items()}
    result.scores["relations"] = _relations(gold, out, label_of, result.groups["predicates"])
    result.scores["relations: firearmsFlow"] = result.groups["predicates"]["firearmsFlow"]
    events, arguments, dates = _events(gold, out, label_of, result.groups)
    result.scores["events"], result.scores["event arguments"], result.scores["event dates"] = events, arguments, dates
    gold_date = gold.get("document", {}).get("date")
    sys_date = out["document"]["date"]
    result.scores["document date"] = Score(
        int(bool(gold_date)), int(bool(sys_date)), int(bool(gold_date) and gold_date == sys_date)
    )
    return result


def _by_kind(
    kinds: Iterable[str],
    gold: Iterable[Any],
    system: Iterable[Any],
    hits: Iterable[Any],
    kind_of: Callable[[Any], str],
) -> dict[str, Score]:
    """Scores per kind, where `kind_of(item)` names the kind of a gold, system or matched item."""
    table = {kind: Score() for kind in kinds}
    for items, slot in ((gold, "gold"), (system, "sys"), (hits, "tp")):
        for item in items:
            score = table.setdefault(kind_of(item), Score())
            setattr(score, slot, getattr(score, slot) + 1)
    return table


def _relations(
    gold: dict[str, Any], out: dict[str, Any], label_of: dict[str, str], by_predicate: dict[str, Score]
) -> Score:
    gold_triples = {(r["subject"], r["predicate"], r["object"]) for r in gold["relations"]}
    triples = {
        (r["subject"], r["predicate"], r["object"]) for r in out["relations"] if r["predicate"] in RELATION_PREDICATES
    }
    mapped = {(label_of.get(s, s), p, label_of.get(o, o)) for s, p, o in triples}
    implied = _transitive({(s, o) for s, p, o in gold_triples if p == "locatedIn"})
    mapped = {t for t in mapped if t in gold_triples or not (t[1] == "locatedIn" and (t[0], t[2]) in implied)}
    by_predicate.update(_by_kind(RELATION_PREDICATES, gold_triples, mapped, mapped & gold_triples, lambda t: t[1]))
    return Score(len(gold_triples), len(mapped), len(mapped & gold_triples))


def _transitive(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    closure = set(pairs)
    while True:
        more = {(a, d) for a, b in closure for c, d in closure if b == c} - closure
        if not more:
            return closure
        closure |= more


def _events(
    gold: dict[str, Any], out: dict[str, Any], label_of: dict[str, str], groups: dict[str, dict[str, Score]]
) -> tuple[Score, Score, Score]:
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
    groups["event_types"].update(
        _by_kind(EVENT_TYPES, gold_events, sys_events, [sys_events[i] for i in matched], lambda e: e[0])
    )
    gold_triples = {(j, role, f) for j, (_, args, _) in enumerate(gold_events) for role, f in args}
    sys_triples = {
        (("g", matched[i]) if i in matched else ("s", i), role, f)
        for i, (_, args, _) in enumerate(sys_events)
        for role, f in args
    }
    hits = [(who, role, f) for (who, role, f) in sys_triples if who[0] == "g" and (who[1], role, f) in gold_triples]
    groups["roles"].update(_by_kind(ROLES, gold_triples, sys_triples, hits, lambda t: t[1]))
    arguments = Score(len(gold_triples), len(sys_triples), len(hits))
    date_tp = sum(1 for i, j in matched.items() if sys_events[i][2] and sys_events[i][2] == gold_events[j][2])
    dates = Score(sum(1 for g in gold_events if g[2]), sum(1 for s in sys_events if s[2]), date_tp)
    return events, arguments, dates


def evaluate_texts(texts: Sequence[GoldText], run: Callable[[Path], Extraction]) -> dict[str, Any]:
    """Score `run(text_path)` on each annotated text: totals, each breakdown of `GROUPS`, per-file misses."""
    totals: dict[str, Score] = {}
    groups: dict[str, dict[str, Score]] = {g: {} for g in GROUPS}
    files = []
    for text in texts:
        result = score_file(text.name, text.gold, run(text.path))
        for key, score in result.scores.items():
            totals.setdefault(key, Score()).add(score)
        for group, table in result.groups.items():
            for kind, score in table.items():
                groups[group].setdefault(kind, Score()).add(score)
        files.append(
            {
                "name": text.name,
                "scores": {k: v.as_dict() for k, v in result.scores.items()},
                "missed": result.missed,
                "spurious": result.spurious,
            }
        )
    return {
        "totals": {k: v.as_dict() for k, v in totals.items()},
        **{g: {k: v.as_dict() for k, v in table.items()} for g, table in groups.items()},
        "files": files,
    }


def evaluate(gold_dir: str | Path, run: Callable[[Path], Extraction]) -> dict[str, Any]:
    """Score `run(text_path)` on every `NAME.gold.json` with a `NAME.txt` next to it."""
    gold_files = sorted(Path(gold_dir).glob("*.gold.json"))
    if not gold_files:
        raise DocumentError(str(gold_dir), "no *.gold.json files here")
    return evaluate_texts([GoldText(g.with_name(g.name[: -len(".gold.json")] + ".txt")) for g in gold_files], run)


class CachedExtractor:
    """The real extractor over corpus texts, reusing cached parses (`kg.corpus.cached_docs`)."""

    def __init__(self, texts: Sequence[GoldText]):
        self.nlp = load_pipeline()
        docs = cached_docs([t.info.text for t in texts], self.nlp)
        self._docs = {t.path: doc for t, doc in zip(texts, docs, strict=True)}
        self._texts = {t.path: t for t in texts}

    def examples(self, texts: Sequence[GoldText]) -> list[Example]:
        """Training examples of `texts`, which must be among those this extractor was built with."""
        return [Example(t.info, self._docs[t.path].copy(), t.gold, self.nlp) for t in texts]

    def __call__(self, path: Path) -> Extraction:
        return extract_doc(self._docs[path].copy(), self._texts[path].info, self.nlp)


def evaluate_with_pipeline(gold_dir: str | Path) -> dict[str, Any]:
    """The real extractor over the gold folder."""
    nlp = load_pipeline()
    return evaluate(gold_dir, lambda path: extract(read_document(path), nlp))


def evaluate_split(split: str, root: Path | None = None, *, seed: int = SEED) -> dict[str, Any]:
    """The real extractor over one split of the corpus (or `all`).

    The shipped models learn from train and dev (`ffkg train`), so dev is scored by models trained
    in memory on train alone: it stays held out. Every other split is scored by the shipped models.
    """
    texts = split_texts(split, root)
    if split != "dev":
        return evaluate_texts(texts, CachedExtractor(texts))
    training = split_texts("train", root)
    extractor = CachedExtractor([*training, *texts])
    with _trained_on(extractor, training, seed):
        return evaluate_texts(texts, extractor)


@contextmanager
def _trained_on(extractor: CachedExtractor, training: Sequence[GoldText], seed: int) -> Iterator[None]:
    """Within the block, the extractor uses models trained on `training` instead of the shipped ones."""
    trained = train_all(extractor.examples(training), seed=seed)
    with using({name: result.model for name, result in trained.items()}):
        yield


def cross_validate(k: int, *, seed: int = SEED, root: Path | None = None) -> dict[str, Any]:
    """k-fold cross-validation over train+dev: each fold scored by models trained on the other folds.

    Reports each fold's report and, per metric, the mean and sample standard deviation of P, R and F1.
    """
    texts = tuning_texts(root)
    parts = folds(texts, k, seed=seed)
    extractor = CachedExtractor(texts)
    reports = []
    for i, held_out in enumerate(parts):
        training = [t for j, part in enumerate(parts) if j != i for t in part]
        with _trained_on(extractor, training, seed):
            reports.append(evaluate_texts(held_out, extractor))
    summary: dict[str, Any] = {"k": k, "seed": seed, "texts": len(texts)}
    for section in ("totals", *GROUPS):
        metrics = {name for report in reports for name in report[section]}
        summary[section] = {name: fold_spread([r[section].get(name) for r in reports]) for name in sorted(metrics)}
    summary["folds"] = [
        {"texts": [t.name for t in part], "totals": r["totals"]} for part, r in zip(parts, reports, strict=True)
    ]
    return summary


def fold_spread(scores: list[dict[str, Any] | None]) -> dict[str, float]:
    """Mean and sample standard deviation of P, R and F1 over the folds that have the metric."""
    present = [s for s in scores if s is not None and (s["gold"] or s["sys"])]
    out: dict[str, float] = {"folds": len(present), "gold": sum(s["gold"] for s in present)}
    for key in ("p", "r", "f1"):
        values = [s[key] for s in present]
        out[key] = round(statistics.fmean(values), 4) if values else 0.0
        out[f"{key}_sd"] = round(statistics.stdev(values), 4) if len(values) > 1 else 0.0
    return out


def _sections(report: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    yield from report["totals"].items()
    for group in GROUPS:
        yield from ((f"  {group[:-1].replace('_', ' ')} {k}", v) for k, v in report[group].items())


def table_rows(report: dict[str, Any]) -> Iterable[list[str]]:
    """Rows of the printed summary: metric, gold, sys, tp, P, R, F1."""
    for name, s in _sections(report):
        yield [name, str(s["gold"]), str(s["sys"]), str(s["tp"]), f"{s['p']:.4f}", f"{s['r']:.4f}", f"{s['f1']:.4f}"]


def cv_rows(summary: dict[str, Any]) -> Iterable[list[str]]:
    """Rows of the printed cross-validation summary: metric, folds, gold, P, R, F1 as mean ± sd."""
    for name, s in _sections(summary):
        yield [name, str(s["folds"]), str(s["gold"]), *(f"{s[k]:.3f} ± {s[k + '_sd']:.3f}" for k in ("p", "r", "f1"))]
