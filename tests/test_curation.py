"""Curation on the real store: decisions as data, re-applied after re-extraction, undone exactly, bad ones refused."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from conftest import (
    AR15,
    BOSTON,
    COLT,
    FLOW_US_MX,
    LAWSUIT,
    MEXICO,
    SEIZURE,
    USA,
    entity,
    fill,
    lawsuit_extraction,
    relation,
    seizure_extraction,
)
from rdflib.compare import isomorphic

from bench import curation as bench_curation
from kg.analytics.flows import routes
from kg.analytics.projection import project
from kg.cli import main
from kg.curation import actions, candidates
from kg.curation.decisions import CURATED_GRAPH, DECISIONS_GRAPH, Decision, read_decisions
from kg.curation.resolver import stale
from kg.errors import BadInputError, ContradictoryDecisionError, IncompatibleTypesError, NotFoundError
from kg.iris import ONTOLOGY, fact_iri, graph_iri, local_iri
from kg.lookup import entity_card, resolve_entity
from kg.records import DocumentInfo, Extraction
from kg.settings import Settings
from kg.store import BaseStore, Store
from kg.validate import validate_store

COLTS = "https://w3id.org/ffkg/id/org/colts-manufacturing"
REPORT_TEXT = (
    "Colt's Manufacturing Company said it makes the AR-15 rifles sold in Mexico. "
    "Investigators said guns flow from the United States to Mexico."
)


def report_extraction(text: str = REPORT_TEXT, version: str = "test-0") -> Extraction:
    """A third article naming Colt by its full name, which extraction keys apart from plain Colt."""
    info = DocumentInfo("colt-report", "Colt report", "2022-03-01", text, "report.txt")
    entities = [
        entity(text, COLTS, "Colt's Manufacturing Company", "Gunmaker"),
        entity(text, AR15, "AR-15", "WeaponType"),
        entity(text, MEXICO, "Mexico", "Country", "Mexico", geonames_id=3996063, lat=23.0, lon=-102.0),
        entity(text, USA, "United States", "Country", "United States", geonames_id=6252001, lat=39.76, lon=-98.5),
    ]
    relations = [
        relation(text, COLTS, "manufactures", AR15, "makes the AR-15", 0.6),
        relation(text, USA, "firearmsFlow", MEXICO, "guns flow", 0.6),
    ]
    return Extraction(info, entities, relations, version)


@pytest.fixture
def store() -> Iterator[BaseStore]:
    with Store.memory() as memory:
        yield fill(memory, lawsuit_extraction(), seizure_extraction(), report_extraction())


def snapshot(store: BaseStore) -> dict[str, rdflib.Graph]:
    """Every graph of the store (the default one as ""), as rdflib graphs to compare."""
    graphs: dict[str, rdflib.Graph] = {}
    for quad in store.quads(None):
        name = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        graph = graphs.setdefault(name, rdflib.Graph())
        text = ox.serialize([ox.Triple(quad.subject, quad.predicate, quad.object)], format=ox.RdfFormat.N_TRIPLES)
        graph.parse(data=text.decode(), format="nt")
    return graphs


def same_state(before: dict[str, rdflib.Graph], after: dict[str, rdflib.Graph]) -> bool:
    return before.keys() == after.keys() and all(isomorphic(before[g], after[g]) for g in before)


def merge(store: BaseStore, kept: str, merged: str, note: str = "") -> Decision:
    return actions.decide(
        store, Decision("merge", actions.entity(store, kept), actions.entity(store, merged), note=note)
    )


def test_a_merge_is_one_node_whose_old_names_resolve_to_it(store: BaseStore) -> None:
    decision = merge(store, "Colt", "org/colts-manufacturing", note="same company")
    graph = project(store)
    assert COLT in graph and COLTS not in graph
    assert graph.nodes[COLT]["same_as"] == [COLTS]
    assert graph.has_edge(COLT, AR15, "manufactures")
    for name in (COLTS, "org/colts-manufacturing", "Colt's Manufacturing Company"):
        assert resolve_entity(store, name) == COLT
    card = entity_card(store, COLT)
    assert card["same_as"] == [COLTS]
    assert {d["key"] for d in card["documents"]} == {
        "doc/mexico-sues-gunmakers",
        "doc/sonora-seizure",
        "doc/colt-report",
    }
    assert any(fact["predicate"] == "manufactures" and fact["evidence"] for fact in card["out"])
    same_as = store.query(
        f"SELECT ?old WHERE {{ GRAPH <{CURATED_GRAPH}> {{ ?old <http://www.w3.org/2002/07/owl#sameAs> <{COLT}> }} }}"
    )
    assert [row["old"].value for row in same_as] == [COLTS]
    logged = store.query(
        f"SELECT ?note WHERE {{ GRAPH <{DECISIONS_GRAPH}> {{ ?d <{ONTOLOGY}action> 'merge' ; "
        "<http://www.w3.org/2000/01/rdf-schema#comment> ?note } }"
    )
    assert [row["note"].value for row in logged] == ["same company"]
    assert decision.id and decision.author and decision.created


def test_a_merge_survives_reingest_of_both_documents_and_a_new_extractor(store: BaseStore) -> None:
    merge(store, "Colt", "org/colts-manufacturing")
    lawsuit = lawsuit_extraction()
    changed = dataclasses.replace(
        lawsuit.document, text=lawsuit.document.text + " Colt declined to comment.", content_hash="changed"
    )
    fill(store, dataclasses.replace(lawsuit, document=changed, extractor_version="test-1"))
    fill(store, report_extraction(REPORT_TEXT + " Colt's Manufacturing Company denied it.", version="test-1"))
    versions = {
        row["v"].value for row in store.query(f"SELECT DISTINCT ?v WHERE {{ ?e <{ONTOLOGY}extractorVersion> ?v }}")
    }
    assert "test-1" in versions
    graph = project(store)
    assert COLT in graph and COLTS not in graph
    assert graph.has_edge(COLT, AR15, "manufactures")
    assert resolve_entity(store, "Colt's Manufacturing Company") == COLT


def test_undo_restores_every_graph_exactly(store: BaseStore) -> None:
    before = snapshot(store)
    decision = merge(store, "Colt", "org/colts-manufacturing")
    assert not same_state(before, snapshot(store))
    actions.undo(store, decision.id)
    assert same_state(before, snapshot(store))
    assert COLTS in project(store)

    first = actions.decide(store, Decision("relabel", COLT, label="Colt's Manufacturing"))
    with_one = snapshot(store)
    second = merge(store, "Colt", "org/colts-manufacturing")
    actions.undo(store, second.id)
    assert same_state(with_one, snapshot(store))
    assert [d.id for d in read_decisions(store)] == [first.id]


def test_a_rejected_flow_leaves_the_routes_and_comes_back_on_undo(store: BaseStore) -> None:
    def us_to_mexico() -> list[dict]:
        return [r for r in routes(store) if r["origin"]["iri"] == USA and r["destination"]["iri"] == MEXICO]

    assert us_to_mexico()
    fact = fact_iri(USA, ONTOLOGY + "firearmsFlow", MEXICO)
    assert actions.claim(store, "United States to Mexico") == FLOW_US_MX
    rejected = [actions.decide(store, Decision("reject", fact))]
    rejected.append(actions.decide(store, Decision("reject", FLOW_US_MX)))
    assert not us_to_mexico()
    assert [r for r in routes(store, include_rejected=True) if r["origin"]["iri"] == USA]
    assert not project(store).has_edge(USA, MEXICO, "firearmsFlow")
    assert project(store, status="rejected").has_edge(USA, MEXICO, "firearmsFlow")
    for decision in rejected:
        actions.undo(store, decision.id)
    assert us_to_mexico()


def test_a_decision_whose_subject_is_gone_is_reported_stale_not_dropped(store: BaseStore) -> None:
    decision = merge(store, "Colt", "org/colts-manufacturing")
    assert stale(store) == []
    store.remove_graph(graph_iri("colt-report"))
    reported = stale(store)
    assert [(d.id, missing) for d, missing in reported] == [(decision.id, [COLTS])]
    assert [d.id for d in read_decisions(store)] == [decision.id]
    fill(store, report_extraction())
    for graph in ("mexico-sues-gunmakers", "sonora-seizure"):
        store.remove_graph(graph_iri(graph))
    assert [missing for _, missing in stale(store)] == [[COLT]]
    assert COLTS in project(store) and resolve_entity(store, COLTS) == COLTS
    fill(store, lawsuit_extraction(), seizure_extraction())
    assert stale(store) == []
    assert COLTS not in project(store)


def test_merging_incompatible_types_is_refused_and_changes_nothing(store: BaseStore) -> None:
    before = snapshot(store)
    with pytest.raises(IncompatibleTypesError, match="Gunmaker.*Country"):
        merge(store, "Colt", "Mexico")
    assert same_state(before, snapshot(store))


def test_a_merge_after_a_distinct_judgement_is_refused_and_changes_nothing(store: BaseStore) -> None:
    distinct = actions.decide(store, Decision("distinct", COLT, COLTS, note="different companies"))
    before = snapshot(store)
    with pytest.raises(ContradictoryDecisionError, match=distinct.id):
        merge(store, "org/colts-manufacturing", "Colt")
    assert same_state(before, snapshot(store))
    merged = actions.decide(store, Decision("relabel", COLT, label="Colt"))
    assert merged


def test_contradicting_claims_and_merges_are_refused(store: BaseStore) -> None:
    fact = fact_iri(USA, ONTOLOGY + "firearmsFlow", MEXICO)
    confirmed = actions.decide(store, Decision("confirm", fact))
    before = snapshot(store)
    with pytest.raises(ContradictoryDecisionError, match=confirmed.id):
        actions.decide(store, Decision("reject", fact))
    merged = merge(store, "Colt", "org/colts-manufacturing")
    with_merge = snapshot(store)
    with pytest.raises(ContradictoryDecisionError, match=merged.id):
        actions.decide(store, Decision("distinct", COLT, COLTS))
    by_name = actions.named(store, "distinct", target="Colt", other="org/colts-manufacturing")
    assert by_name.target == by_name.other == COLT  # the merged-away key resolves to the entity kept
    with pytest.raises(ContradictoryDecisionError, match=merged.id) as error:
        actions.decide(store, by_name)
    assert error.value.details() == {"decision": merged.id}
    with pytest.raises(BadInputError, match="not .*ar-15 twice"):
        actions.decide(store, Decision("distinct", AR15, AR15))
    assert same_state(with_merge, snapshot(store))
    actions.undo(store, merged.id)
    assert same_state(before, snapshot(store))


def test_unknown_names_and_ids_are_clear_errors_and_change_nothing(store: BaseStore) -> None:
    before = snapshot(store)
    with pytest.raises(NotFoundError, match="no entity is called 'Remington'"):
        merge(store, "Colt", "Remington")
    with pytest.raises(NotFoundError, match="fact/0000"):
        actions.claim(store, "fact/0000")
    with pytest.raises(NotFoundError, match="no decision 'abc'"):
        actions.undo(store, "abc")
    with pytest.raises(NotFoundError, match="not in the store"):
        actions.decide(store, Decision("reject", "https://w3id.org/ffkg/id/fact/none"))
    assert same_state(before, snapshot(store))


def test_a_split_gives_the_mentions_of_its_documents_their_own_node(store: BaseStore) -> None:
    document = "https://w3id.org/ffkg/id/doc/sonora-seizure"
    decision = actions.decide(store, Decision("split", COLT, label="Colt (Sonora importer)", documents=(document,)))
    graph = project(store)
    new = decision.split_entity
    assert new in graph and graph.nodes[new]["type"] == "Gunmaker" and graph.nodes[new]["documents"] == 1
    assert validate_store(store).conforms
    assert graph.has_edge(SEIZURE, new, "weaponFrom")
    assert not any(k == "weaponFrom" for _, _, k in graph.in_edges(COLT, keys=True))
    split_off, kept = entity_card(store, new), entity_card(store, COLT)
    assert [(f["predicate"], f["subject"]["iri"]) for f in split_off["in"]] == [("weaponFrom", SEIZURE)]
    assert [e["event"]["iri"] for e in split_off["events"]] == [SEIZURE]
    assert [d["iri"] for d in split_off["documents"]] == [document]
    assert ("weaponFrom", SEIZURE) not in {(f["predicate"], f["subject"]["iri"]) for f in kept["in"]}
    assert ("defendant", LAWSUIT) in {(f["predicate"], f["subject"]["iri"]) for f in kept["in"]}
    assert document not in {d["iri"] for d in kept["documents"]}
    with pytest.raises(ContradictoryDecisionError, match=decision.id):
        merge(store, "Colt", new)


def test_relabel_and_retype_show_in_the_network(store: BaseStore) -> None:
    actions.decide(store, Decision("relabel", COLT, label="Colt's Manufacturing"))
    actions.decide(store, Decision("retype", COLTS, type="organization"))
    graph = project(store)
    assert graph.nodes[COLT]["label"] == "Colt's Manufacturing"
    assert graph.nodes[COLTS]["type"] == "Organization"
    assert entity_card(store, COLTS)["types"] == ["Organization"]


def test_a_relabelled_entity_is_found_by_its_new_label_until_undone(store: BaseStore) -> None:
    decision = actions.decide(store, Decision("relabel", COLT, label="Colt Firearms"))
    assert resolve_entity(store, "colt firearms") == resolve_entity(store, "Colt") == COLT
    actions.undo(store, decision.id)
    with pytest.raises(NotFoundError, match="no entity is called 'Colt Firearms'"):
        resolve_entity(store, "Colt Firearms")


def test_the_review_queue_offers_the_duplicate_with_evidence_and_weak_facts(store: BaseStore) -> None:
    queue = candidates.queue(store)
    pairs = [{p["a"]["iri"], p["b"]["iri"]} for p in queue["duplicates"]]
    assert {COLT, COLTS} in pairs
    pair = queue["duplicates"][pairs.index({COLT, COLTS})]
    assert pair["a"]["evidence"] and pair["b"]["evidence"]
    weak = {(f["subject"]["iri"], f["predicate"], f["object"]["iri"]) for f in queue["weak_facts"]}
    assert (COLTS, "manufactures", AR15) in weak
    actions.decide(store, Decision("distinct", COLT, COLTS))
    assert {COLT, COLTS} not in [{p["a"]["iri"], p["b"]["iri"]} for p in candidates.duplicates(store)]


def test_the_review_queue_leaves_out_each_storys_statement_of_a_route(store: BaseStore) -> None:
    """Two stories stating the same route give two FirearmsFlow nodes of one label; the routes count them together."""
    text = "Guns flow from the United States to Mexico."
    flow = local_iri("flow-report", "flow", USA, MEXICO)
    entities = [
        entity(text, flow, "United States to Mexico", "FirearmsFlow", "Guns flow"),
        entity(text, USA, "United States", "Country", geonames_id=6252001),
        entity(text, MEXICO, "Mexico", "Country", geonames_id=3996063),
    ]
    relations = [
        relation(text, flow, "origin", USA, "Guns flow"),
        relation(text, flow, "destination", MEXICO, "Guns flow"),
    ]
    info = DocumentInfo("flow-report", "Flow report", "2022-04-01", text, "flow.txt")
    fill(store, Extraction(info, entities, relations, "test-0"))
    graph = project(store)
    assert graph.nodes[flow]["label"] == graph.nodes[FLOW_US_MX]["label"]
    queued = [(p["a"]["type"], p["b"]["type"]) for p in candidates.duplicates(store)]
    assert queued and ("FirearmsFlow", "FirearmsFlow") not in queued


def test_the_review_queue_offers_names_alike_not_names_sharing_a_word(store: BaseStore) -> None:
    """A name inside a longer one is offered; two names with one word in common, or two events of one type with
    no argument in common (their labels come from one template), are not."""
    text = (
        "Joaquin Guzman, also called Joaquin El Chapo Guzman Loera, met Brian Terry and Brian Alexis Munoz Castro. "
        "The U.S. Army and the U.S. Court of Appeals for the First Circuit were told. "
        "A seizure in Boston and a seizure in Mexico followed."
    )
    person = "https://w3id.org/ffkg/id/person/"
    iris = {name: person + name.lower().replace(" ", "-") for name in ("Joaquin Guzman", "Brian Terry")}
    iris |= {"Joaquin El Chapo Guzman Loera": person + "el-chapo", "Brian Alexis Munoz Castro": person + "munoz"}
    army, court = "https://w3id.org/ffkg/id/org/us-army", "https://w3id.org/ffkg/id/org/first-circuit"
    in_boston, in_mexico = (local_iri("names-report", "event", "seizure", n) for n in ("0", "1"))
    entities = [entity(text, iri, name, "Person") for name, iri in iris.items()]
    entities += [
        entity(text, army, "U.S. Army", "GovernmentBody"),
        entity(text, court, "U.S. Court of Appeals for the First Circuit", "GovernmentBody"),
        entity(text, in_boston, "seizure in Boston", "Seizure", "seizure"),
        entity(text, in_mexico, "seizure in Mexico", "Seizure", "seizure"),
        entity(text, BOSTON, "Boston", "City"),
        entity(text, MEXICO, "Mexico", "Country", geonames_id=3996063),
    ]
    relations = [
        relation(text, in_boston, "occurredIn", BOSTON, "seizure in Boston"),
        relation(text, in_mexico, "occurredIn", MEXICO, "seizure in Mexico"),
    ]
    info = DocumentInfo("names-report", "Names report", "2022-06-01", text, "names.txt")
    fill(store, Extraction(info, entities, relations, "test-0"))
    offered = [{p["a"]["iri"], p["b"]["iri"]} for p in candidates.duplicates(store, limit=1000)]
    assert {iris["Joaquin Guzman"], iris["Joaquin El Chapo Guzman Loera"]} in offered
    assert {iris["Brian Terry"], iris["Brian Alexis Munoz Castro"]} not in offered
    assert {army, court} not in offered
    assert {in_boston, in_mexico} not in offered


def test_the_review_queue_shows_each_sentence_once(store: BaseStore) -> None:
    """The lawsuit's four facts rest on one sentence; a duplicate lawsuit elsewhere puts it in the queue."""
    text = "Mexico v. Smith & Wesson was heard in Boston."
    suit = local_iri("suit-report", "event", "lawsuit", "0")
    entities = [entity(text, suit, "Mexico v. Smith & Wesson", "Lawsuit"), entity(text, BOSTON, "Boston", "City")]
    info = DocumentInfo("suit-report", "Suit report", "2022-05-01", text, "suit.txt")
    fill(store, Extraction(info, entities, [relation(text, suit, "occurredIn", BOSTON, "heard in Boston")], "test-0"))
    (pair,) = [p for p in candidates.duplicates(store) if {p["a"]["iri"], p["b"]["iri"]} == {LAWSUIT, suit}]
    stated = [e["sentence"] for e in pair["a" if pair["a"]["iri"] == LAWSUIT else "b"]["evidence"]]
    assert stated and len(stated) == len(set(stated))


def test_decisions_are_part_of_every_backup(store: BaseStore) -> None:
    merge(store, "Colt", "org/colts-manufacturing")
    backup = io.BytesIO()
    store.export(backup, "nquads")
    with Store.memory() as restored:
        restored.restore(io.BytesIO(backup.getvalue()), "nquads")
        assert [d.as_dict() for d in read_decisions(restored)] == [d.as_dict() for d in read_decisions(store)]
        assert COLTS not in project(restored)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    with Store.open(Settings(data_dir=tmp_path).store_path) as disk:
        fill(disk, lawsuit_extraction(), seizure_extraction(), report_extraction())
    return tmp_path


def invoke(data_dir: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["curate", *args, "--data-dir", str(data_dir)])
    return result.exit_code, result.output


def test_the_cli_merges_lists_reports_stale_and_undoes(data_dir: Path) -> None:
    code, output = invoke(data_dir, "merge", "Colt", "org/colts-manufacturing", "--author", "ana", "--note", "same")
    assert code == 0, output
    decision_id = output.split()[0]
    code, output = invoke(data_dir, "list", "--format", "json")
    assert code == 0, output
    (listed,) = json.loads(output)
    assert listed["id"] == decision_id and listed["author"] == "ana" and listed["other"] == COLTS
    code, output = invoke(data_dir, "list", "--stale")
    assert (code, output.strip()) == (0, "no stale decisions")
    code, output = invoke(data_dir, "merge", "Colt", "Mexico")
    assert code == 1 and "cannot merge a Gunmaker" in output
    code, output = invoke(data_dir, "reject", "--subject", "United States", "--predicate", "firearmsFlow")
    assert code == 2 and "all three parts" in output
    code, output = invoke(
        data_dir, "reject", "--subject", "United States", "--predicate", "firearmsFlow", "--object", "Mexico"
    )
    assert code == 0, output
    flows = CliRunner().invoke(main, ["flows", "--status", "rejected", "--json", "--data-dir", str(data_dir)])
    assert flows.exit_code == 0, flows.output
    assert [r["statuses"] for r in json.loads(flows.output)["routes"]] == [["rejected"]]
    shown = CliRunner().invoke(main, ["neighbors", "United States", "--data-dir", str(data_dir), "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert MEXICO not in shown.output
    shown = CliRunner().invoke(
        main, ["neighbors", "United States", "--include-rejected", "--data-dir", str(data_dir), "--format", "json"]
    )
    assert MEXICO in shown.output
    code, output = invoke(data_dir, "candidates", "--format", "json")
    assert code == 0, output
    assert "weak_facts" in json.loads(output)
    code, output = invoke(data_dir, "undo", decision_id)
    assert code == 0 and output.startswith(f"undone {decision_id}")
    code, output = invoke(data_dir, "undo", decision_id)
    assert code == 1 and f"no decision {decision_id!r}" in output


def test_decisions_and_their_undo_on_every_backend(small_store: BaseStore) -> None:
    """The decisions graph and the curated graph are written by one update, so remote stores keep them too."""
    before = snapshot(small_store)
    fact = fact_iri(USA, ONTOLOGY + "firearmsFlow", MEXICO)
    decision = actions.decide(small_store, actions.named(small_store, "reject", target=FLOW_US_MX, note="not stated"))
    actions.decide(small_store, Decision("reject", fact))
    assert not [r for r in routes(small_store) if r["origin"] and r["origin"]["iri"] == USA]
    assert [d.note for d in read_decisions(small_store)] == ["not stated", ""]
    for taken in read_decisions(small_store):
        actions.undo(small_store, taken.id)
    assert decision.id not in {d.id for d in read_decisions(small_store)}
    assert same_state(before, snapshot(small_store))


def test_the_curation_benchmark_runs_at_its_smallest_size() -> None:
    table = bench_curation.run(["10k"], 10)
    assert len(table.rows) == 1 and table.rows[0][0] == "10000"


def test_flow_routes_carry_their_claim_status_and_filter_by_it(store: BaseStore) -> None:
    def route(**options: object) -> list[dict]:
        return [r for r in routes(store, **options) if (r["origin"]["iri"], r["destination"]["iri"]) == (USA, MEXICO)]

    assert route()[0]["statuses"] == ["extracted"]
    actions.decide(store, Decision("confirm", fact_iri(USA, ONTOLOGY + "firearmsFlow", MEXICO)))
    assert route()[0]["statuses"] == ["confirmed", "extracted"]
    (confirmed,) = route(status="confirmed")
    assert confirmed["statuses"] == ["confirmed"] and confirmed["documents"] == 2
    assert route(status="rejected") == []
