"""Ingest over a real Dask LocalCluster into `oxigraph serve`: as one process would, even when a worker dies."""

from __future__ import annotations

import io
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib
from click.testing import CliRunner
from distributed import Client, LocalCluster
from rdflib.compare import isomorphic
from servers import fresh, oxigraph_settings  # noqa: F401 (fixture)

from kg.backends.base import BaseStore
from kg.cli import main
from kg.distributed import ingest_distributed
from kg.errors import BadInputError
from kg.extract import load_pipeline
from kg.ingest import ingest_paths
from kg.settings import Settings
from kg.store import Store, open_store

ARTICLES = Path(__file__).resolve().parents[1] / "examples" / "articles"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twenty documents: each example article under two names."""
    folder = tmp_path_factory.mktemp("corpus")
    for article in sorted(ARTICLES.glob("*.txt")):
        for copy in ("a", "b"):
            shutil.copy(article, folder / f"{copy}-{article.name}")
    return folder


@pytest.fixture(scope="module")
def expected(corpus: Path) -> rdflib.Dataset:
    """What ingest in one process stores for the corpus."""
    with Store.memory() as local:
        ingest_paths(local, [corpus], load_pipeline(), max_bytes=Settings().max_document_bytes)
        return dataset(local)


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as running:
        yield running


@pytest.fixture
def remote(oxigraph_settings: dict[str, Any]) -> Settings:  # noqa: F811
    fresh(oxigraph_settings).close()
    return Settings(**oxigraph_settings)


def dataset(store: BaseStore) -> rdflib.Dataset:
    out = io.BytesIO()
    store.export(out, "nquads")
    data = rdflib.Dataset()
    data.parse(data=out.getvalue(), format="nquads")
    return data


def stored(settings: Settings) -> rdflib.Dataset:
    with open_store(settings) as shared:
        return dataset(shared)


def same(left: rdflib.Dataset, right: rdflib.Dataset) -> bool:
    names = {g.identifier for g in left.graphs() if len(g)} | {g.identifier for g in right.graphs() if len(g)}
    return all(isomorphic(left.graph(name), right.graph(name)) for name in names)


def test_a_cluster_ingests_like_one_process_and_reruns_change_nothing(
    remote: Settings, corpus: Path, expected: rdflib.Dataset, cluster: LocalCluster
) -> None:
    seen: list[tuple[str, str]] = []
    report = ingest_distributed(
        remote, [corpus], scheduler=cluster.scheduler_address, on_document=lambda *event: seen.append(event)
    )
    assert report.ok and len(report.outcomes["added"]) == 20
    assert sorted(name for name, _ in seen) == sorted(str(p) for p in corpus.iterdir())
    assert same(stored(remote), expected)
    again = ingest_distributed(remote, [corpus], scheduler=cluster.scheduler_address)
    assert len(again.outcomes["unchanged"]) == 20


def test_documents_of_a_dead_worker_are_retried_and_stored_once(
    remote: Settings, corpus: Path, expected: rdflib.Dataset, cluster: LocalCluster
) -> None:
    with Client(cluster) as client:
        victims = list(client.run(os.getpid).values())[:1]

    def kill_once(name: str, outcome: str) -> None:
        while victims:
            os.kill(victims.pop(), signal.SIGKILL)

    report = ingest_distributed(remote, [corpus], scheduler=cluster.scheduler_address, on_document=kill_once)
    assert not victims
    # A document the dead worker had written before dying is found stored, unchanged, when retried.
    assert report.ok and len(report.outcomes["added"]) + len(report.outcomes["unchanged"]) == 20
    assert same(stored(remote), expected)


def test_unreadable_files_are_reported_like_in_a_local_ingest(
    remote: Settings, cluster: LocalCluster, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    article = ARTICLES / "003-gao-report-us-guns-in-mexico.txt"
    seen: dict[str, str] = {}
    report = ingest_distributed(
        remote, [article, empty], scheduler=cluster.scheduler_address, on_document=seen.__setitem__
    )
    assert seen == {str(article): "added", str(empty): "failed"}
    assert not report.ok and "file is empty" in report.errors[0]


def test_ffkg_ingest_with_a_local_scheduler(remote: Settings, oxigraph_settings: dict[str, Any]) -> None:  # noqa: F811
    article = ARTICLES / "001-mexico-sues-us-gunmakers-in-boston.txt"
    env = {f"FFKG_{name.upper()}": value for name, value in oxigraph_settings.items()}
    result = CliRunner().invoke(main, ["ingest", "--scheduler", "local", "-j", "1", str(article)], env=env)
    assert result.exit_code == 0, result.output
    assert "documents: 1 added" in result.output


def test_the_embedded_store_cannot_be_shared_by_workers(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="FFKG_STORE=sparql"):
        ingest_distributed(Settings(data_dir=tmp_path), [ARTICLES], scheduler="local")
