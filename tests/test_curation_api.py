"""`/api/curation` on the real app: writes need the token, a rejected flow leaves `/api/flows` and comes back on
undo, a merged entity answers under its old key, bad decisions are problems and change nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import COLT, MEXICO, TOKEN, USA, app_settings, fill, lawsuit_extraction, seizure_extraction
from fastapi.testclient import TestClient
from test_curation import COLTS, report_extraction, same_state, snapshot

from api.app import create_app
from kg.iris import graph_iri
from kg.store import Store

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def store() -> Iterator[Store]:
    with Store.memory() as memory:
        yield fill(memory, lawsuit_extraction(), seizure_extraction(), report_extraction())


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings(write_token=TOKEN), store)) as test_client:
        yield test_client


def us_to_mexico(client: TestClient, **params: str) -> list[dict]:
    answer = client.get("/api/flows", params=params)
    assert answer.status_code == 200, answer.text
    return [r for r in answer.json()["routes"] if r["origin"]["iri"] == USA and r["destination"]["iri"] == MEXICO]


def test_writes_need_the_token(client: TestClient) -> None:
    body = {"action": "merge", "target": "Colt", "other": "org/colts-manufacturing"}
    assert client.post("/api/curation/decisions", json=body).status_code == 401
    wrong = client.post("/api/curation/decisions", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    assert client.delete("/api/curation/decisions/abc").status_code == 401
    assert client.get("/api/curation/decisions").json() == []


def test_a_rejected_flow_leaves_api_flows_and_comes_back_on_undo(client: TestClient) -> None:
    assert us_to_mexico(client)
    taken = []
    for body in (
        {"action": "reject", "subject": "United States", "predicate": "firearmsFlow", "object": "Mexico"},
        {"action": "reject", "target": "United States to Mexico", "note": "the article states no such flow"},
    ):
        answer = client.post("/api/curation/decisions", json={**body, "author": "ana"}, headers=AUTH)
        assert answer.status_code == 201, answer.text
        taken.append(answer.json()["id"])
    assert not us_to_mexico(client)
    assert us_to_mexico(client, include_rejected="true")
    card = client.get("/api/entities/United States").json()
    statuses = {(f["predicate"], f["object"]["iri"]): f["status"] for f in card["out"]}
    assert statuses[("firearmsFlow", MEXICO)] == "rejected"
    log = client.get("/api/curation/decisions").json()
    assert [d["id"] for d in log] == taken and {d["author"] for d in log} == {"ana"}
    for decision in taken:
        assert client.delete(f"/api/curation/decisions/{decision}", headers=AUTH).status_code == 200
    assert us_to_mexico(client)


def facts(card: dict) -> set[tuple[str, str, str]]:
    """An entity card's facts as (direction, predicate, the other end)."""
    return {("out", f["predicate"], f["object"]["iri"]) for f in card["out"]} | {
        ("in", f["predicate"], f["subject"]["iri"]) for f in card["in"]
    }


def test_a_merged_entity_answers_under_its_old_key_and_iri(client: TestClient) -> None:
    before = [facts(client.get(f"/api/entities/{name}").json()) for name in ("org/colt", "org/colts-manufacturing")]
    body = {"action": "merge", "target": "org/colt", "other": "org/colts-manufacturing"}
    assert client.post("/api/curation/decisions", json=body, headers=AUTH).status_code == 201
    for name in ("org/colts-manufacturing", COLTS):
        card = client.get(f"/api/entities/{name}").json()
        assert card["iri"] == COLT and card["same_as"] == [COLTS]
        assert "doc/colt-report" in {d["key"] for d in card["documents"]}
        # every fact of both, and none of the decision's bookkeeping (owl:sameAs, the decision's target)
        assert facts(card) == before[0] | before[1]


def test_bad_decisions_are_problems_naming_the_cause_and_change_nothing(client: TestClient, store: Store) -> None:
    distinct = client.post(
        "/api/curation/decisions", json={"action": "distinct", "target": "org/colt", "other": COLTS}, headers=AUTH
    ).json()
    before = snapshot(store)
    cases = [
        ({"action": "merge", "target": "org/colt", "other": "Mexico"}, 409, "cannot merge a Gunmaker"),
        ({"action": "merge", "target": "org/colt", "other": COLTS}, 409, distinct["id"]),
        ({"action": "merge", "target": "org/colt", "other": "org/remington"}, 404, "org/remington"),
        ({"action": "merge", "target": "org/colt"}, 422, "other"),
        ({"action": "relabel", "target": "org/colt", "label": " "}, 422, "label"),
        ({"action": "retype", "target": "org/colt", "type": "Spaceship"}, 422, "type"),
        ({"action": "confirm", "target": "fact/0000"}, 404, "fact/0000"),
    ]
    for body, status, said in cases:
        answer = client.post("/api/curation/decisions", json=body, headers=AUTH)
        assert answer.status_code == status, (body, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert said in answer.json()["detail"], answer.json()
    assert client.delete("/api/curation/decisions/nothing", headers=AUTH).status_code == 404
    assert same_state(before, snapshot(store))


def test_the_review_queue_and_the_openapi_statuses(client: TestClient) -> None:
    queue = client.get("/api/curation/candidates", params={"limit": 10}).json()
    assert {COLT, COLTS} in [{p["a"]["iri"], p["b"]["iri"]} for p in queue["duplicates"]]
    paths = client.get("/openapi.json").json()["paths"]
    assert {"201", "400", "401", "403", "404", "409", "422"} <= set(
        paths["/api/curation/decisions"]["post"]["responses"]
    )


def flow_edges(client: TestClient, **params: str) -> list[dict]:
    answer = client.get("/view/graph", params={"format": "json", **params})
    assert answer.status_code == 200, answer.text
    return [
        edge
        for edge in answer.json()["network"]["edges"]
        if (edge["from"], edge["to"], edge["predicate"]) == (USA, MEXICO, "firearmsFlow")
    ]


def test_views_and_analytics_hide_rejected_facts_and_filter_by_status_and_corroboration(client: TestClient) -> None:
    body = {"action": "reject", "subject": "United States", "predicate": "firearmsFlow", "object": "Mexico"}
    assert client.post("/api/curation/decisions", json=body, headers=AUTH).status_code == 201
    assert flow_edges(client) == []
    assert flow_edges(client, include_rejected="true") and flow_edges(client, status="rejected")
    assert flow_edges(client, status="extracted") == []
    assert client.get("/view/graph", params={"format": "json", "status": "maybe"}).status_code == 400
    neighbours = client.get("/api/neighbors/United States").json()
    assert MEXICO not in {node["iri"] for node in neighbours["nodes"]}
    shown = client.get("/api/neighbors/United States", params={"include_rejected": "true"}).json()
    assert MEXICO in {node["iri"] for node in shown["nodes"]}
    confirmed = {"action": "confirm", "subject": "Sonora", "predicate": "locatedIn", "object": "Mexico"}
    assert client.post("/api/curation/decisions", json=confirmed, headers=AUTH).status_code == 201
    edges = client.get("/view/graph", params={"format": "json", "status": "confirmed"}).json()["network"]["edges"]
    assert [edge["predicate"] for edge in edges] == ["locatedIn"]
    assert (
        client.get("/view/graph", params={"format": "json", "min_corroboration": "3"}).json()["network"]["edges"] == []
    )


def test_the_entity_view_of_a_merged_away_key_shows_the_merged_entity(client: TestClient) -> None:
    body = {"action": "merge", "target": "org/colt", "other": "org/colts-manufacturing"}
    assert client.post("/api/curation/decisions", json=body, headers=AUTH).status_code == 201
    page = client.get("/view/entity/org/colts-manufacturing", params={"format": "json"}).json()
    assert page["title"] == "Colt"
    assert COLTS not in {node["id"] for node in page["network"]["nodes"]}
    assert client.get("/view/review", params={"format": "json"}).json()["decisions"][0]["other"] == COLTS


def test_the_flows_view_hides_a_rejected_flow_unless_shown(client: TestClient) -> None:
    def drawn(**params: str) -> set[tuple[str, str]]:
        answer = client.get("/view/flows", params={"format": "json", "source": "articles", **params})
        assert answer.status_code == 200, answer.text
        return {(edge["from"], edge["to"]) for edge in answer.json()["network"]["edges"]}

    assert (USA, MEXICO) in drawn()
    for body in (
        {"action": "reject", "subject": "United States", "predicate": "firearmsFlow", "object": "Mexico"},
        {"action": "reject", "target": "United States to Mexico"},
    ):
        assert client.post("/api/curation/decisions", json=body, headers=AUTH).status_code == 201
    assert (USA, MEXICO) not in drawn()
    assert (USA, MEXICO) in drawn(include_rejected="true")
    assert drawn(min_corroboration="5") == set()


def test_the_stale_report_over_rest(client: TestClient, store: Store) -> None:
    body = {"action": "merge", "target": "org/colt", "other": "org/colts-manufacturing"}
    taken = client.post("/api/curation/decisions", json=body, headers=AUTH).json()
    assert client.get("/api/curation/decisions", params={"stale": "true"}).json() == []
    store.remove_graph(graph_iri("colt-report"))
    (stale,) = client.get("/api/curation/decisions", params={"stale": "true"}).json()
    assert stale["id"] == taken["id"] and stale["missing"] == [COLTS]
    assert [d["id"] for d in client.get("/api/curation/decisions").json()] == [taken["id"]]
