"""The projection, explained paths and flow routes on a real store holding the hand-built world."""

from __future__ import annotations

import threading

import networkx as nx
import pytest
from analytics_world import AR, AZ, CJNG, MX, MXC, SW, US, A, F, P, build_world, extractions

from kg.analytics.centrality import centrality, ranking
from kg.analytics.flows import places_within, routes
from kg.analytics.paths import explain_paths
from kg.analytics.projection import project
from kg.analytics.reports import Filters, path_report
from kg.errors import BadInputError, NotFoundError
from kg.mapping import document_graph, extraction_triples
from kg.settings import Settings
from kg.store import Store


@pytest.fixture
def store() -> Store:
    return build_world(Store.memory())


def test_projection_has_typed_labelled_nodes_and_attested_edges(store):
    graph = project(store)
    assert set(graph) == {SW, AR, A, MXC, MX, US, CJNG, P, F, AZ}
    assert graph.nodes[SW] == {
        "label": "Smith & Wesson",
        "type": "Gunmaker",
        "key": "org/smith-and-wesson",
        "documents": 1,
    }
    assert graph.nodes[A]["date"] == "2020-06"
    assert graph.nodes[MXC]["lat"] == pytest.approx(19.43) and graph.nodes[MXC]["type"] == "City"
    assert graph.nodes[US]["documents"] == 2
    assert graph.number_of_edges() == 10
    assert graph.edges[A, SW, "weaponFrom"] == {
        "predicate": "weaponFrom",
        "confidence": 0.8,
        "documents": 1,
        "corroboration": 1,
    }
    assert graph.edges[US, MX, "firearmsFlow"] == {
        "predicate": "firearmsFlow",
        "confidence": 0.9,
        "documents": 2,
        "corroboration": 2,
    }


def test_filters_drop_types_events_outside_the_dates_and_weak_facts(store):
    places = project(store, types=["City", "Country", "Region"])
    assert set(places) == {MXC, MX, US, AZ}
    assert set(places.edges(keys=True)) == {(MXC, MX, "locatedIn"), (US, MX, "firearmsFlow")}
    assert A not in project(store, date_to="2020-05")
    assert A in project(store, date_from="2020-06-30", date_to="2020")
    assert set(project(store, min_documents=2).edges(keys=True)) == {(US, MX, "firearmsFlow")}
    confident = project(store, min_confidence=0.8)
    assert not confident.has_edge(A, CJNG) and not confident.has_edge(P, CJNG) and confident.has_edge(A, SW)


def test_bad_filters_are_refused_with_the_valid_choices(store):
    with pytest.raises(BadInputError, match="Gunmaker"):
        project(store, types=["Gunsmith"])
    with pytest.raises(BadInputError, match="YYYY"):
        project(store, date_from="June 2020")
    with pytest.raises(BadInputError, match="empty"):
        project(store, date_from="2021", date_to="2020")


def test_projection_is_cached_until_the_store_changes(store):
    first = project(store)
    assert project(store) is first
    with pytest.raises(nx.NetworkXError, match="Frozen"):
        first.add_node("intruder")
    store.remove_graph(document_graph(extractions()[1]))
    after = project(store)
    assert after is not first and F not in after and AZ not in after
    assert after.edges[US, MX, "firearmsFlow"]["documents"] == 1


def test_the_attack_is_the_broker_of_the_world(store):
    graph = project(store)
    scores = centrality(graph, metric="betweenness")
    assert scores.exact
    top = ranking(graph, scores, limit=1)[0]
    assert top["iri"] == A and top["score"] == pytest.approx(24 / 36)
    organisations = ranking(graph, scores, type="Organization")
    assert [(row["label"], row["score"]) for row in organisations] == [
        ("CJNG", pytest.approx(8 / 36)),
        ("Smith & Wesson", pytest.approx(8 / 36)),
    ]


def test_a_path_explains_each_hop_with_direction_and_evidence(store):
    report = explain_paths(store, project(store), SW, MX)
    assert report["found"] and report["message"] is None
    [path] = report["paths"]
    assert [n["iri"] for n in path["nodes"]] == [SW, A, MXC, MX]
    hops = [(r["predicate"], r["direction"]) for hop in path["hops"] for r in hop["relations"]]
    assert hops == [("weaponFrom", "backward"), ("occurredIn", "forward"), ("locatedIn", "forward")]
    first = path["hops"][0]["relations"][0]
    assert first["subject"] == A and first["object"] == SW and first["label"] == "weapon from"
    assert first["evidence"] == [
        {
            "sentence": "The attackers used Smith & Wesson rifles.",
            "document": "https://w3id.org/ffkg/id/doc/d1",
            "title": "Attack in Mexico City",
            "date": "2020-07-01",
            "confidence": 0.8,
            "start": 40,
            "end": 81,
        }
    ]
    assert all(r["evidence"] for hop in path["hops"] for r in hop["relations"])


def test_k_paths_come_shortest_first_and_a_missing_path_is_an_answer(store):
    report = explain_paths(store, project(store), P, US, k=3)
    assert [len(p["nodes"]) for p in report["paths"]] == [6, 7]
    assert [n["iri"] for n in report["paths"][1]["nodes"]][-3:] == [MX, F, US]
    before_attack = explain_paths(store, project(store, date_to="2020-05"), SW, MX)
    assert before_attack["found"] is False and before_attack["paths"] == []
    assert "no path" in before_attack["message"]


def test_path_report_resolves_names_and_caps_k(store):
    settings = Settings(in_memory=True, max_path_k=2)
    report = path_report(store, settings, "Smith & Wesson", "org/cjng")
    assert [n["label"] for n in report["paths"][0]["nodes"]] == ["Smith & Wesson", "Attack in Mexico City", "CJNG"]
    assert report["filters"]["min_documents"] == 1
    with pytest.raises(BadInputError, match="max_path_k|FFKG_MAX_PATH_K"):
        path_report(store, settings, "Smith & Wesson", "CJNG", k=3)
    with pytest.raises(NotFoundError, match="Smith & Wessen"):
        path_report(store, settings, "Smith & Wessen", "CJNG", filters=Filters())


def test_flows_aggregate_statements_into_routes(store):
    [route] = routes(store)
    assert route["origin"]["label"] == "United States" and route["destination"]["label"] == "Mexico"
    assert [p["label"] for p in route["via"]] == ["Arizona"]
    assert route["methods"] == ["straw purchasing"] and route["shares"] == ["70 percent"]
    assert route["periods"] == ["2019"] and route["quantities"] == []
    assert route["documents"] == 2 and route["statements"] == 3
    assert (route["first_date"], route["last_date"]) == ("2019", "2021-03-15")
    assert [s["title"] for s in route["sources"]] == ["Attack in Mexico City", "Arizona pipeline"]


def test_flows_filter_by_place_and_date(store):
    assert places_within(store, MX) == {MX, MXC}
    assert len(routes(store, places=places_within(store, MX))) == 1
    assert routes(store, places=places_within(store, MXC)) == []
    [recent] = routes(store, date_from="2021")
    assert recent["documents"] == 1 and recent["via"] == [] and recent["first_date"] == "2021-03-15"
    assert routes(store, min_documents=3) == []


def test_concurrent_first_requests_share_one_projection(store):
    start = threading.Barrier(4)
    graphs = []

    def ask() -> None:
        start.wait()
        graphs.append(project(store, min_confidence=0.5))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(graphs) == 4 and all(graph is graphs[0] for graph in graphs)


def test_documents_join_the_network_only_when_asked(store):
    assert not any(data["type"] == "Document" for _, data in project(store).nodes(data=True))
    graph = project(store, with_documents=True)
    documents = {n: d["label"] for n, d in graph.nodes(data=True) if d["type"] == "Document"}
    assert sorted(documents.values()) == ["Arizona pipeline", "Attack in Mexico City"]
    d1 = next(n for n, label in documents.items() if label == "Attack in Mexico City")
    assert graph.has_edge(SW, d1, "mentionedIn") and graph.nodes[d1]["date"] == "2020-07-01"
    assert graph.number_of_edges() == 10 + 8 + 4
    alone = project(store, types=["Gunmaker"], with_documents=True)
    assert set(alone) == {SW, d1}


def test_a_route_two_copies_of_one_story_state_is_corroborated_once() -> None:
    store = Store.memory()
    story = "https://w3id.org/ffkg/id/story/wire"
    store.write_documents([extraction_triples(extraction, story=story) for extraction in extractions()])
    (route,) = [r for r in routes(store) if r["origin"]["iri"] == US and r["destination"]["iri"] == MX]
    assert (route["documents"], route["corroboration"]) == (2, 1)
    assert routes(store, min_corroboration=2) == []
    assert routes(build_world(Store.memory()), min_corroboration=2)  # two stories: kept
