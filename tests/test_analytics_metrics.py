"""Centrality, communities, neighbourhoods and paths on tiny hand-built graphs with hand-computed answers,
and the igraph backend checked against NetworkX's own numbers."""

from __future__ import annotations

import doctest

import networkx as nx
import pytest

from kg.analytics import centrality as centrality_module
from kg.analytics import communities as communities_module
from kg.analytics import flows, paths, projection
from kg.analytics.centrality import METRICS, centrality, ranking
from kg.analytics.communities import communities, neighbourhood
from kg.analytics.paths import shortest_paths
from kg.errors import BadInputError


def network(edges: list[tuple[str, str]], types: dict[str, str] | None = None) -> nx.MultiDiGraph:
    """A frozen projection-like graph: every node labelled by its name, every edge a `rel` fact."""
    graph = nx.MultiDiGraph()
    for u, v in edges:
        for node in (u, v):
            graph.add_node(node, label=node, key=node, type=(types or {}).get(node, "Person"))
        graph.add_edge(u, v, key="rel", predicate="rel", confidence=1.0, documents=1)
    return nx.freeze(graph)


# a - b - c - d - e, plus f hanging off c. Of the 10 pairs of other nodes, c lies between 8
# ({a,b}x{d,e}, {a,b}x{f}, {d,e}x{f}); b between 4 (a and each of c, d, e, f).
KITE = network([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("c", "f")])
# Two triangles joined by the bridge c - d.
BARBELL = network([("a", "b"), ("b", "c"), ("c", "a"), ("d", "e"), ("e", "f"), ("f", "d"), ("c", "d")])


@pytest.mark.parametrize("backend", ["networkx", "igraph"])
def test_exact_betweenness_matches_the_hand_count(backend):
    scores = centrality(KITE, metric="betweenness", backend=backend)
    pairs = 5 * 4 / 2  # pairs not involving the node itself, n = 6
    assert scores.exact and scores.k is None
    assert scores.values["c"] == pytest.approx(8 / pairs)
    assert scores.values["b"] == pytest.approx(4 / pairs)
    assert scores.values["a"] == 0.0


@pytest.mark.parametrize("metric", ["degree", "pagerank", "eigenvector"])
@pytest.mark.parametrize("backend", ["networkx", "igraph"])
def test_the_hub_of_a_kite_is_the_most_central(metric, backend):
    scores = centrality(KITE, metric=metric, backend=backend)
    assert max(scores.values, key=scores.values.get) == "c"


def test_degree_centrality_is_the_share_of_other_nodes_touched():
    assert centrality(KITE, metric="degree").values == pytest.approx(
        {"a": 0.2, "b": 0.4, "c": 0.6, "d": 0.4, "e": 0.2, "f": 0.2}
    )


def test_igraph_agrees_with_networkx_exact_and_sampled():
    graph = nx.gnm_random_graph(80, 160, seed=3)
    projected = network([(str(u), str(v)) for u, v in graph.edges()])
    for metric, options in (
        ("betweenness", {}),
        ("betweenness", {"k": 12, "seed": 5}),
        ("pagerank", {}),
        ("eigenvector", {}),
    ):
        reference = centrality(projected, metric=metric, backend="networkx", **options)
        fast = centrality(projected, metric=metric, backend="igraph", **options)
        assert fast.k == reference.k
        assert fast.values == pytest.approx(reference.values, abs=1e-5), metric


@pytest.mark.parametrize("backend", ["networkx", "igraph"])
def test_eigenvector_centrality_accepts_disconnected_graphs(backend):
    scores = centrality(
        network([("a", "b"), ("b", "c"), ("c", "a"), ("d", "e")]), metric="eigenvector", backend=backend
    ).values
    assert scores["a"] == pytest.approx(3**-0.5, abs=1e-6)
    assert scores["d"] == pytest.approx(0.0, abs=1e-6)


def test_large_graphs_sample_betweenness_and_say_so():
    path = network([(str(i), str(i + 1)) for i in range(30)])
    scores = centrality(path, metric="betweenness", exact_max_nodes=10, default_k=8, seed=1)
    assert not scores.exact and scores.k == 8 and scores.seed == 1
    assert scores.values == centrality(path, metric="betweenness", exact_max_nodes=10, default_k=8, seed=1).values


def test_ranking_one_type_counts_subclasses():
    graph = network(
        [("maker", "attack"), ("attack", "city"), ("org", "attack")],
        {"maker": "Gunmaker", "attack": "Attack", "city": "City", "org": "Organization"},
    )
    scores = centrality(graph, metric="degree")
    assert [row["iri"] for row in ranking(graph, scores)][:1] == ["attack"]
    organisations = ranking(graph, scores, type="Organization")
    assert {row["iri"] for row in organisations} == {"maker", "org"}
    assert [row["rank"] for row in organisations] == [1, 2]
    assert ranking(graph, scores, type="event", limit=1)[0]["iri"] == "attack"


def test_unknown_metric_or_type_lists_the_valid_ones():
    with pytest.raises(BadInputError) as metric_error:
        centrality(KITE, metric="closeness")
    assert all(metric in str(metric_error.value) for metric in METRICS)
    with pytest.raises(BadInputError, match="Gunmaker"):
        ranking(KITE, centrality(KITE, metric="degree"), type="Gunsmith")


@pytest.mark.parametrize("backend", ["networkx", "igraph"])
def test_louvain_finds_the_two_triangles_the_same_way_every_time(backend):
    first = communities(BARBELL, seed=7, backend=backend)
    assert first.communities == [["a", "b", "c"], ["d", "e", "f"]]
    assert first.modularity == pytest.approx(
        nx.community.modularity(nx.Graph(BARBELL.to_undirected()), [{"a", "b", "c"}, {"d", "e", "f"}])
    )
    assert communities(BARBELL, seed=7, backend=backend) == first


def test_neighbourhood_grows_with_depth_and_can_be_capped():
    one = neighbourhood(KITE, "c", depth=1)
    assert {n["iri"]: n["distance"] for n in one["nodes"]} == {"c": 0, "b": 1, "d": 1, "f": 1}
    assert {(e["source"], e["target"]) for e in one["edges"]} == {("b", "c"), ("c", "d"), ("c", "f")}
    two = neighbourhood(KITE, "c", depth=2)
    assert len(two["nodes"]) == 6 and not two["truncated"]
    capped = neighbourhood(KITE, "c", depth=2, limit=2)
    assert capped["truncated"] and [n["distance"] for n in capped["nodes"]] == [0, 1]


def test_shortest_paths_read_edges_both_ways_and_list_alternatives():
    assert shortest_paths(BARBELL, "a", "e") == [["a", "c", "d", "e"]]
    assert shortest_paths(BARBELL, "a", "e", k=3) == [
        ["a", "c", "d", "e"],
        ["a", "b", "c", "d", "e"],
        ["a", "c", "d", "f", "e"],
    ]
    apart = network([("a", "b"), ("c", "d")])
    assert shortest_paths(apart, "a", "d") == []


@pytest.mark.parametrize("module", [projection, paths, centrality_module, communities_module, flows])
def test_docstring_examples_run(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
