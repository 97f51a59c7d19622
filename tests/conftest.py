"""Shared test worlds: a small hand-written graph of two documents, an app over it, a live server.

`small_store` is built the way ingest builds a store (records -> `kg.ingest.write_extraction`), so
every layer above the store sees real data shapes. What it holds:

- doc `mexico-sues-gunmakers` (2021-08-04): Mexico sues Smith & Wesson and Colt in Boston;
  a flow of guns from the United States to Mexico (straw purchasing, "70 to 90 percent");
  Alejandro Celorio of the Mexican Foreign Ministry is quoted; Smith & Wesson makes the AR-15.
- doc `sonora-seizure` (2019-05-10): Sinaloa Cartel rifles made by Colt seized in Sonora
  (which lies in Mexico); a flow from Arizona to Sonora; ATF agent John Smith is quoted.

"Smith" is an alias of both Smith & Wesson and John Smith, so it is ambiguous on purpose.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from servers import fresh, oxigraph_settings, virtuoso_settings  # noqa: F401 - fixtures used by name

from api.app import create_app
from kg.iris import entity_iri, geonames_iri, local_iri
from kg.mapping import extraction_triples
from kg.records import DocumentInfo, EntityRecord, Extraction, RelationRecord, Span
from kg.settings import Settings
from kg.store import BaseStore, Store

TOKEN = "test-write-token-3f9a"

MEXICO = geonames_iri(3996063)
USA = geonames_iri(6252001)
SONORA = geonames_iri(3982846)
ARIZONA = geonames_iri(5551752)
BOSTON = geonames_iri(4930956)
SMITH_WESSON = entity_iri("org", "Smith & Wesson")
COLT = entity_iri("org", "Colt")
SINALOA = entity_iri("org", "Sinaloa Cartel")
FOREIGN_MINISTRY = entity_iri("org", "Mexican Foreign Ministry")
ATF = entity_iri("org", "ATF")
CELORIO = entity_iri("person", "Alejandro Celorio")
JOHN_SMITH = entity_iri("person", "John Smith")
AR15 = entity_iri("weapon", "AR-15")

LAWSUIT_TEXT = (
    "Mexico sued Smith & Wesson and Colt in a federal court in Boston on August 4, 2021. "
    "The suit says guns flow from the United States to Mexico through straw purchasing, "
    "70 to 90 percent of traced guns. "
    "Alejandro Celorio, a lawyer for the Mexican Foreign Ministry, said the companies knew. "
    "Smith & Wesson makes the AR-15 rifle."
)
SEIZURE_TEXT = (
    "Soldiers seized Colt rifles from the Sinaloa Cartel in Sonora on May 10, 2019. "
    "Sonora is a state of Mexico. "
    "The rifles came from Arizona to Sonora, said John Smith, an ATF agent. "
    "Smith said more seizures would follow."
)
LAWSUIT = local_iri("mexico-sues-gunmakers", "event", "lawsuit", "0")
FLOW_US_MX = local_iri("mexico-sues-gunmakers", "flow", USA, MEXICO)
SEIZURE = local_iri("sonora-seizure", "event", "seizure", "0")
FLOW_AZ_SONORA = local_iri("sonora-seizure", "flow", ARIZONA, SONORA)


@dataclass(frozen=True)
class World:
    """The two extractions of the small world, for tests that want to compare against them."""

    lawsuit: Extraction
    seizure: Extraction


def span(text: str, phrase: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return Span(start, start + len(phrase), phrase)


def sentence(text: str, phrase: str) -> Span:
    """The sentence of `text` that contains `phrase`."""
    at = text.index(phrase)
    start = text.rfind(". ", 0, at) + 2 if text.rfind(". ", 0, at) >= 0 else 0
    end = text.index(".", at) + 1
    return Span(start, end, text[start:end])


def entity(text: str, iri: str, label: str, type_: str, *phrases: str, **attributes: object) -> EntityRecord:
    mentions = [span(text, phrase) for phrase in phrases or (label,)]
    return EntityRecord(iri, label, type_, mentions, attributes=dict(attributes))


def relation(text: str, subject: str, predicate: str, obj: str, phrase: str, confidence: float = 0.9) -> RelationRecord:
    return RelationRecord(subject, predicate, obj, confidence, sentence(text, phrase))


def lawsuit_extraction() -> Extraction:
    t = LAWSUIT_TEXT
    info = DocumentInfo("mexico-sues-gunmakers", "Mexico sues US gunmakers in Boston", "2021-08-04", t, "lawsuit.txt")
    lawsuit = entity(t, LAWSUIT, "Mexico v. Smith & Wesson", "Lawsuit", "sued")
    lawsuit.date = "2021-08-04"
    entities = [
        entity(t, MEXICO, "Mexico", "Country", "Mexico", geonames_id=3996063, lat=23.0, lon=-102.0),
        entity(t, USA, "United States", "Country", "United States", geonames_id=6252001, lat=39.76, lon=-98.5),
        entity(t, BOSTON, "Boston", "City", geonames_id=4930956),
        entity(t, SMITH_WESSON, "Smith & Wesson", "Gunmaker", "Smith & Wesson", aliases=["S&W", "Smith"]),
        entity(t, COLT, "Colt", "Gunmaker", aliases=["Colt's Manufacturing Company"]),
        entity(t, FOREIGN_MINISTRY, "Mexican Foreign Ministry", "GovernmentBody", aliases=["SRE"]),
        entity(t, CELORIO, "Alejandro Celorio", "Person"),
        entity(t, AR15, "AR-15", "WeaponType"),
        lawsuit,
        entity(
            t,
            FLOW_US_MX,
            "United States to Mexico",
            "FirearmsFlow",
            "flow",
            method="straw purchasing",
            share="70 to 90 percent",
        ),
    ]
    relations = [
        relation(t, LAWSUIT, "plaintiff", MEXICO, "Mexico sued"),
        relation(t, LAWSUIT, "defendant", SMITH_WESSON, "Mexico sued"),
        relation(t, LAWSUIT, "defendant", COLT, "Mexico sued", 0.8),
        relation(t, LAWSUIT, "occurredIn", BOSTON, "Mexico sued"),
        relation(t, FLOW_US_MX, "origin", USA, "guns flow"),
        relation(t, FLOW_US_MX, "destination", MEXICO, "guns flow"),
        relation(t, USA, "firearmsFlow", MEXICO, "guns flow", 0.85),
        relation(t, CELORIO, "affiliatedWith", FOREIGN_MINISTRY, "Alejandro Celorio"),
        relation(t, SMITH_WESSON, "manufactures", AR15, "makes the AR-15"),
    ]
    return Extraction(info, entities, relations, "test-0")


def seizure_extraction() -> Extraction:
    t = SEIZURE_TEXT
    info = DocumentInfo("sonora-seizure", "Cartel rifles seized in Sonora", "2019-05-10", t, "seizure.txt")
    seizure = entity(t, SEIZURE, "Seizure in Sonora", "Seizure", "seized")
    seizure.date = "2019-05-10"
    entities = [
        entity(t, MEXICO, "Mexico", "Country", geonames_id=3996063, lat=23.0, lon=-102.0),
        entity(t, SONORA, "Sonora", "Region", geonames_id=3982846),
        entity(t, ARIZONA, "Arizona", "Region", geonames_id=5551752),
        entity(t, COLT, "Colt", "Gunmaker"),
        entity(t, SINALOA, "Sinaloa Cartel", "CriminalGroup", aliases=["Cartel de Sinaloa"]),
        entity(t, ATF, "ATF", "GovernmentBody", aliases=["Bureau of Alcohol, Tobacco, Firearms and Explosives"]),
        entity(t, JOHN_SMITH, "John Smith", "Person", aliases=["Smith"]),
        seizure,
        entity(t, FLOW_AZ_SONORA, "Arizona to Sonora", "FirearmsFlow", "came from"),
    ]
    relations = [
        relation(t, SEIZURE, "occurredIn", SONORA, "Soldiers seized"),
        relation(t, SEIZURE, "weaponFrom", COLT, "Soldiers seized", 0.7),
        relation(t, SEIZURE, "perpetrator", SINALOA, "Soldiers seized", 0.6),
        relation(t, SONORA, "locatedIn", MEXICO, "Sonora is a state"),
        relation(t, FLOW_AZ_SONORA, "origin", ARIZONA, "came from"),
        relation(t, FLOW_AZ_SONORA, "destination", SONORA, "came from"),
        relation(t, JOHN_SMITH, "affiliatedWith", ATF, "an ATF agent"),
    ]
    return Extraction(info, entities, relations, "test-0")


def fill(store: BaseStore, *extractions: Extraction) -> BaseStore:
    for extraction in extractions:
        store.write_documents([extraction_triples(extraction)])
    return store


@pytest.fixture
def world() -> World:
    return World(lawsuit_extraction(), seizure_extraction())


@pytest.fixture(params=["embedded", "oxigraph", "virtuoso"])
def small_store(request: pytest.FixtureRequest, world: World) -> Iterator[BaseStore]:
    """A fresh store holding the two documents of the small world, on every backend.

    The API's tests run against the embedded store and, through the remote backend, against a real
    `oxigraph serve` and a real Virtuoso, so the service works unchanged on a shared SPARQL server.
    """
    store = (
        Store.memory() if request.param == "embedded" else fresh(request.getfixturevalue(f"{request.param}_settings"))
    )
    with fill(store, world.lawsuit, world.seizure) as filled:
        yield filled


def app_settings(**overrides: object) -> Settings:
    """Settings for a test app: in memory, no environment, small limits unless overridden; the query
    deadline (which bounds every route that reads) is generous, so no test depends on the machine's speed."""
    values: dict[str, object] = {"in_memory": True, "write_token": None, "query_timeout": 60.0}
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def client(small_store: Store) -> Iterator[TestClient]:
    """A read-only app over `small_store`."""
    with TestClient(create_app(app_settings(), small_store)) as test_client:
        yield test_client


@pytest.fixture
def writer(small_store: Store) -> Iterator[TestClient]:
    """An app over `small_store` with writes enabled by `TOKEN`."""
    with TestClient(create_app(app_settings(write_token=TOKEN), small_store)) as test_client:
        yield test_client


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """uvicorn serving an app on 127.0.0.1 in a background thread, for real HTTP clients."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 120
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=60)


@pytest.fixture
def live_server(small_store: Store) -> Iterator[LiveServer]:
    """The small world served over real HTTP, writes enabled by `TOKEN`."""
    with LiveServer(create_app(app_settings(write_token=TOKEN), small_store)) as server:
        yield server


def interruptible(command: list[str], **options: Any) -> subprocess.Popen:
    """`command` started so that Ctrl-C (SIGINT) reaches it even when these tests run with SIGINT
    ignored, as a shell's background job does (`pytest &`): an ignored signal stays ignored across
    exec, a handled one is reset to the default, which Python turns into KeyboardInterrupt."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(command, **options)
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def ffkg_serve(ffkg: Path, data_dir: str | Path, *, cwd: Path, env: dict[str, str]) -> Iterator[str]:
    """`ffkg serve` (the program at `ffkg`) in a process of its own, until the block ends; yields its URL."""
    port = free_port()
    command = [str(ffkg), "serve", "--data-dir", str(data_dir), "--port", str(port)]
    server = interruptible(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else "the server died"
            assert time.monotonic() < deadline, "the server did not start"
            try:
                if httpx.get(f"{url}/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=120)
        except subprocess.TimeoutExpired:
            server.kill()
