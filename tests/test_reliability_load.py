"""A short smoke run of `bench/load.py` against a live server, and a pathological query meeting the timeout.

The full minute of load lives in `bench/load.py` (numbers in BENCHMARKS.md); here a few seconds
prove the harness and the server agree: every kind of everyday request answered 200.
"""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from bench.load import PATHOLOGICAL_QUERIES, build_store, everyday_requests, run_load, serve


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("load")
    build_store(folder, triples=3_000)
    return folder


def test_a_short_mixed_load_gets_no_errors(data_dir: Path) -> None:
    with serve(data_dir) as (url, _):
        tallies = run_load(url, seconds=4, clients=2, hostile=0)
    kinds = set(everyday_requests(["a", "b"], ["d"]))
    assert set(tallies) <= kinds and len(tallies) >= len(kinds) // 2
    for name, tally in tallies.items():
        assert dict(tally.statuses) == {200: len(tally.latencies)}, name


def test_a_pathological_query_meets_the_timeout_while_other_requests_are_answered(data_dir: Path) -> None:
    # The deadline also bounds the REST read below, so it is a few seconds: the hostile query needs
    # hours (3,000 triples cubed), the list of documents milliseconds even on a loaded machine.
    with serve(data_dir, query_timeout="5") as (url, _), httpx.Client(base_url=url, timeout=60) as client:
        answers: dict[str, httpx.Response] = {}
        hostile = threading.Thread(
            target=lambda: answers.update(sparql=client.post("/sparql", data={"query": PATHOLOGICAL_QUERIES[0]}))
        )
        hostile.start()
        answers["documents"] = client.get("/api/documents", params={"limit": 5})
        answers["health"] = client.get("/health")
        hostile.join()
    problem = answers["sparql"].json()
    assert answers["sparql"].status_code == 503 and problem["limit"] == "query_timeout"
    assert answers["documents"].status_code == 200 and answers["documents"].json()["items"]
    assert answers["health"].status_code == 200
