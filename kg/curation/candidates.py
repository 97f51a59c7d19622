"""The review queue: what a curator should look at first.

Likely duplicates are entities of one type whose names look alike (rapidfuzz), ranked up when
they share neighbours and sit in the same places, down when their places differ. Names look
alike when they are close both as written and as sets of words, so two names that merely share
a word ("U.S. Army", "U.S. Senate") are not offered; events, whose labels are built from a
template, must also share an argument. Pairs a
curator already kept apart are left out, and so are flows: an ffkg:FirearmsFlow is one story's
statement of a route, which the routes already count together, so two stories' flows are never
one node. Weak facts are those one story states with low confidence and nobody has confirmed or
rejected yet. Both come with their evidence, so the review page can show each side as the
documents state it.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
import pyoxigraph as ox
from rapidfuzz import fuzz, process, utils

from kg.analytics.projection import node_info, project, select_rows
from kg.curation.resolver import resolution
from kg.iris import FACTS_GRAPH, ONTOLOGY, key_of
from kg.records import EVENT_TYPES, FLOW_TYPE
from kg.revision_cache import RevisionCache
from kg.store import BaseStore

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#: Least name similarity (0-100) for a pair: the lower of rapidfuzz's WRatio (a short name inside a long one
#: scores high) and its token-set ratio (one shared word out of several scores low, where WRatio gives 85.5).
NAME_CUTOFF = 85
#: Larger groups of one type are compared in blocks of this many names (memory of the score matrix).
BLOCK = 2000
#: Weights of name similarity, shared neighbours and shared places in a duplicate's score.
WEIGHTS = (0.65, 0.25, 0.10)
#: A fact stated by one story whose best evidence is below this confidence is weak.
WEAK_CONFIDENCE = 0.75
_PLACE_EDGES = frozenset({"locatedIn", "basedIn", "occurredIn"})
_EVIDENCE_SHOWN = 3
_queues = RevisionCache(limit=4)


def duplicates(store: BaseStore, *, limit: int = 50) -> list[dict[str, Any]]:
    """Pairs of entities that may be one, best first: `score`, its parts, and both sides with evidence."""
    graph = project(store)
    simple = nx.Graph(graph)
    neighbours = {node: set(simple[node]) for node in simple}
    places = {node: _places(graph, node) for node in graph}
    resolved = resolution(store)
    by_type: dict[str, list[str]] = {}
    for node, data in graph.nodes(data=True):
        if data.get("type") != FLOW_TYPE:
            by_type.setdefault(data.get("type") or "", []).append(node)
    scored = []
    for nodes in by_type.values():
        for start in range(0, len(nodes), BLOCK):
            block = nodes[start : start + BLOCK]
            names = [utils.default_process(str(graph.nodes[n].get("label", ""))) for n in block]
            matrix = _name_similarity(names)
            for i, j in zip(*matrix.nonzero(), strict=True):
                a, b = block[i], block[j]
                if i >= j or resolved.kept_apart(a, b):
                    continue
                if graph.nodes[a].get("type") in EVENT_TYPES and not neighbours[a] & neighbours[b]:
                    continue
                scored.append(_pair(graph, neighbours, places, (a, b), float(matrix[i, j]) / 100))
    scored.sort(key=lambda pair: (-pair["score"], pair["a"]["label"], pair["b"]["label"]))
    return [_with_evidence(store, graph, pair) for pair in scored[:limit]]


def _name_similarity(names: list[str]) -> np.ndarray:
    """Each pair's name similarity, zero below the cutoff."""
    written = process.cdist(names, names, scorer=fuzz.WRatio, score_cutoff=NAME_CUTOFF, workers=1)
    as_words = process.cdist(names, names, scorer=fuzz.token_set_ratio, score_cutoff=NAME_CUTOFF, workers=1)
    return np.minimum(written, as_words)


def _pair(
    graph: nx.MultiDiGraph,
    neighbours: dict[str, set[str]],
    places: dict[str, set[str]],
    pair: tuple[str, str],
    name: float,
) -> dict[str, Any]:
    """A candidate pair, the better attested entity first (the one a merge from the queue keeps)."""
    a, b = sorted(pair, key=lambda n: (-graph.nodes[n].get("documents", 0), str(graph.nodes[n].get("label")), n))
    ours, theirs = neighbours[a] - {b}, neighbours[b] - {a}
    shared = len(ours & theirs) / len(ours | theirs) if ours | theirs else 0.0
    here, there = places[a], places[b]
    place = 0.5 if not here or not there else 1.0 if here & there else 0.0
    score = WEIGHTS[0] * name + WEIGHTS[1] * shared + WEIGHTS[2] * place
    return {
        "a": node_info(graph, a),
        "b": node_info(graph, b),
        "score": round(score, 3),
        "name_similarity": round(name, 3),
        "shared_neighbours": sorted(ours & theirs),
        "places_compatible": place > 0,
    }


def _places(graph: nx.MultiDiGraph, node: str) -> set[str]:
    return {target for _, target, key in graph.out_edges(node, keys=True) if key in _PLACE_EDGES}


def _with_evidence(store: BaseStore, graph: nx.MultiDiGraph, pair: dict[str, Any]) -> dict[str, Any]:
    for side in ("a", "b"):
        iri = pair[side]["iri"]
        pair[side]["documents"] = graph.nodes[iri].get("documents", 0)
        pair[side]["evidence"] = _sentences(store, iri)
    return pair


def _sentences(store: BaseStore, iri: str) -> list[dict[str, Any]]:
    """A few sentences that state something about `iri`, with their documents: enough to judge a pair."""
    rows: list[Any] = []
    for role in ("subject", "object"):  # one indexed lookup each; a UNION of the two scans the evidence
        rows += store.query(
            f"SELECT DISTINCT ?sentence ?d ?title ?x WHERE {{ ?ev <{RDF}{role}> ?x ; <{ONTOLOGY}sentence> ?sentence ; "
            f"<{ONTOLOGY}document> ?d . OPTIONAL {{ ?d <{ONTOLOGY}title> ?title }} }} LIMIT {_EVIDENCE_SHOWN}",
            substitutions={ox.Variable("x"): ox.NamedNode(iri)},
        )
    shown: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:  # one sentence often states several facts about the entity: show it once
        said = (row["sentence"].value, row["d"].value)
        if said not in shown and len(shown) < _EVIDENCE_SHOWN:
            title = row["title"].value if row["title"] is not None else None
            shown[said] = {"sentence": said[0], "document": {"iri": said[1], "key": key_of(said[1]), "title": title}}
    return list(shown.values())


def weak_facts(store: BaseStore, *, limit: int = 50) -> list[dict[str, Any]]:
    """Facts one story states, at low confidence, not yet confirmed or rejected: the least sure first."""
    resolved = resolution(store)
    rows = select_rows(
        store,
        f"SELECT ?f ?s ?p ?o (MAX(?c) AS ?best) (SAMPLE(?sentence) AS ?said) (SAMPLE(?d) AS ?doc) WHERE {{ "
        f"GRAPH <{FACTS_GRAPH}> {{ ?f <{ONTOLOGY}corroboration> 1 ; <{RDF}subject> ?s ; <{RDF}predicate> ?p ; "
        f"<{RDF}object> ?o }} ?ev <{ONTOLOGY}supports> ?f ; <{ONTOLOGY}confidence> ?c ; "
        f"<{ONTOLOGY}sentence> ?sentence ; <{ONTOLOGY}document> ?d }} "
        f"GROUP BY ?f ?s ?p ?o HAVING(MAX(?c) < {WEAK_CONFIDENCE}) ORDER BY ?best ?f",
    )
    graph = project(store, include_rejected=True)
    found = []
    for fact, subject, predicate, obj, best, sentence, document in rows:
        if resolved.status_of(fact) != "extracted" or len(found) >= limit:
            continue
        found.append(
            {
                "fact": {"iri": fact, "key": key_of(fact)},
                "subject": _described(graph, resolved.find(subject) if subject else None),
                "predicate": predicate[len(ONTOLOGY) :] if predicate.startswith(ONTOLOGY) else predicate,
                "object": _described(graph, resolved.find(obj) if obj else None),
                "confidence": float(best) if best is not None else None,
                "evidence": [{"sentence": sentence, "document": {"iri": document, "key": key_of(document)}}],
            }
        )
    return found


def _described(graph: nx.MultiDiGraph, iri: str | None) -> dict[str, Any]:
    if iri is not None and iri in graph:
        return node_info(graph, iri)
    return {"iri": iri, "key": key_of(iri or ""), "label": key_of(iri or ""), "type": None}


def queue(store: BaseStore, *, limit: int = 50) -> dict[str, Any]:
    """The whole review queue, as the CLI, the REST API and the review page show it; computed once per
    revision (every decision is a write, so the queue a curator sees is never stale)."""
    return _queues.get(
        store,
        ("queue", limit),
        lambda: {"duplicates": duplicates(store, limit=limit), "weak_facts": weak_facts(store, limit=limit)},
    )
