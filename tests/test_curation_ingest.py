"""Curation over real extraction: spaCy reads two example articles, a curator merges the duplicate the
review queue offers, and the merge stands after both articles change and a new extractor reads them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kg.extract
from kg.analytics.projection import project
from kg.curation import actions, candidates
from kg.curation.decisions import Decision
from kg.curation.resolver import stale
from kg.extract import load_pipeline
from kg.ingest import ingest_paths
from kg.iris import ONTOLOGY
from kg.lookup import resolve_entity
from kg.settings import Settings
from kg.store import Store

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ["001-mexico-sues-us-gunmakers-in-boston.txt", "002-supreme-court-ends-mexico-gun-suit.txt"]


def test_a_merge_from_the_queue_survives_changed_articles_and_a_new_extractor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ARTICLES:
        shutil.copy(ROOT / "examples" / "articles" / name, folder / name)
    nlp = load_pipeline()
    limit = Settings(in_memory=True).max_document_bytes
    with Store.memory() as store:
        ingest_paths(store, [folder], nlp, max_bytes=limit)
        (best, *_) = candidates.duplicates(store)  # what the queue offers first: each article's account of one act
        pair = frozenset((best["a"]["key"], best["b"]["key"]))
        assert sorted(key.split("/")[1] for key in pair) == [Path(name).stem for name in ARTICLES]
        kept, merged = resolve_entity(store, best["a"]["key"]), resolve_entity(store, best["b"]["key"])
        actions.decide(store, Decision("merge", kept, merged, note="one and the same"))

        for name in ARTICLES:
            path = folder / name
            path.write_text(path.read_text(encoding="utf-8") + "\nThe ruling was reported widely.\n")
        monkeypatch.setattr(kg.extract, "EXTRACTOR_VERSION", "ffkg-extract/curation-test")
        ingest_paths(store, [folder], nlp, max_bytes=limit)

        rows = store.query(f"SELECT DISTINCT ?v WHERE {{ ?e <{ONTOLOGY}extractorVersion> ?v }}")
        versions = [row["v"].value for row in rows]
        assert versions and all(v.startswith("ffkg-extract/curation-test") for v in versions)
        graph = project(store)
        assert kept in graph and merged not in graph
        assert resolve_entity(store, best["b"]["key"]) == kept
        assert stale(store) == []
        assert pair not in {frozenset((p["a"]["key"], p["b"]["key"])) for p in candidates.duplicates(store)}
