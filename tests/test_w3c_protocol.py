"""The W3C SPARQL 1.1 Protocol and Graph Store Protocol tests, run over HTTP against the app.

Each test is a conversation of HTTP requests written down in RDF (`ht:Request`s with the status,
headers, answer or graph expected back). The protocol manifest addresses one `/sparql/` endpoint;
ours answers queries at `/sparql` and updates at `/update`, so a request goes to the one its
operation belongs to. Graph Store tests address `/gsp`, here `/graph-store`; the ones that need
direct graph identification (a graph named by the request path) are left out: we identify graphs
with `?graph=`, as the protocol allows. The graphs the protocol tests name as their dataset are
loaded over the Graph Store Protocol first, from the suite's data files.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from urllib.parse import quote

import pytest
import rdflib
from conftest import TOKEN, app_settings
from fastapi.testclient import TestClient
from httpx import Response
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.query import Result
from shared_data import shared_path

from api.app import create_app
from api.negotiation import GRAPH_FORMATS, SOLUTION_FORMATS
from kg.store import Store

SUITE = shared_path("w3c-sparql11")
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
HTS = rdflib.Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
STATUS = {"OK": "200", "Created": "201", "NoContent": "204", "NotFound": "404"}
#: The protocol tests' datasets, by the IRIs they use for them: the suite ships the data as files.
DATASETS = {f"http://kasei.us/2009/09/sparql/data/data{n}.rdf": f"data{n}.nt" for n in (1, 2, 3)}
AUTH = {"authorization": f"Bearer {TOKEN}"}


@dataclass(frozen=True)
class Exchange:
    """One request of a test and what must come back."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[str]
    boolean: bool | None = None
    result_format: str | None = None
    content_type: str | None = None
    graph: str | None = None
    location: str | None = None


@dataclass(frozen=True)
class Conversation:
    name: str
    exchanges: tuple[Exchange, ...]


def _headers(graph: rdflib.Graph, node: rdflib.term.Node) -> dict[str, str]:
    head = graph.value(node, HT.headers)
    if head is None:
        return {}
    return {
        str(graph.value(h, HT.fieldName)).lower(): str(graph.value(h, HT.fieldValue)) for h in Collection(graph, head)
    }


def _body(graph: rdflib.Graph, node: rdflib.term.Node) -> tuple[str | None, str]:
    body = graph.value(node, HT.body)
    if body is None:
        return None, "utf-8"
    return str(graph.value(body, CNT.chars)), str(graph.value(body, CNT.characterEncoding) or "utf-8")


def exchange(graph: rdflib.Graph, request: rdflib.term.Node) -> Exchange:
    response = graph.value(request, HT.resp)
    text, encoding = _body(graph, request)
    expected, _ = _body(graph, response)
    statuses = frozenset(
        STATUS.get(str(s).rsplit("#", 1)[-1]) or str(s).rsplit("StatusCode", 1)[-1]
        for s in graph.objects(response, MF.expectedStatus)
    )
    boolean = graph.value(response, MF.expectedBoolean)
    result_format = graph.value(response, MF.expectedFormat)
    location = graph.value(response, MF.expectedLocation)
    return Exchange(
        str(graph.value(request, HT.methodName)),
        str(graph.value(request, HT.absolutePath)),
        _headers(graph, request),
        None if text is None else text.encode(encoding),
        statuses,
        None if boolean is None else bool(boolean.toPython()),
        None if result_format is None else str(result_format),
        _headers(graph, response).get("content-type"),
        expected,
        None if location is None else str(location),
    )


def conversations(manifest_path: str) -> list[Conversation]:
    path = SUITE / manifest_path
    graph = rdflib.Graph().parse(path, format="turtle", publicID=path.as_uri())
    head = graph.value(rdflib.URIRef(path.as_uri()), MF.entries)
    found = []
    for test in Collection(graph, head):
        if MF.DirectGraphIdentification in set(graph.objects(test, MF.requires)):
            continue
        requests = graph.value(graph.value(test, MF.action), HT.requests)
        exchanges = tuple(exchange(graph, request) for request in Collection(graph, requests))
        found.append(Conversation(f"{path.parent.name}/{str(test).rsplit('#', 1)[-1]}", exchanges))
    return found


def is_update(sent: Exchange) -> bool:
    media_type = sent.headers.get("content-type", "").split(";")[0].strip()
    in_form = media_type == "application/x-www-form-urlencoded" and re.match(rb"(.*&)?update=", sent.body or b"")
    return media_type == "application/sparql-update" or bool(in_form) or "update=" in sent.path


def our_path(sent: Exchange) -> str:
    """The request path on our endpoints: `/sparql/` is `/sparql` or `/update`, `/gsp` is `/graph-store`."""
    if sent.path.startswith("/gsp"):
        return "/graph-store" + sent.path[len("/gsp") :]
    endpoint = "/update" if is_update(sent) else "/sparql"
    return endpoint + sent.path[len("/sparql/") :]


def load_datasets(client: TestClient) -> None:
    for iri, name in DATASETS.items():
        response = client.put(
            "/graph-store",
            params={"graph": iri},
            content=(SUITE / "protocol" / name).read_bytes(),
            headers={**AUTH, "content-type": "application/n-triples"},
        )
        assert response.status_code in (201, 204), response.text


def status_matches(status: int, expected: frozenset[str]) -> bool:
    return str(status) in expected or f"{str(status)[0]}xx" in expected


def check(response: Response, sent: Exchange) -> None:
    assert status_matches(response.status_code, sent.statuses), (response.status_code, response.text[:300])
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    if sent.content_type is not None:
        assert media_type == sent.content_type.split(";")[0].strip()
    if sent.result_format in ("boolean", "tabular"):
        assert media_type in {fmt.media_type for fmt in SOLUTION_FORMATS}
    if sent.result_format == "RDF":
        assert media_type in {fmt.media_type for fmt in GRAPH_FORMATS}
    if sent.boolean is not None:
        parser = "xml" if media_type.endswith("xml") else "json"
        assert Result.parse(io.BytesIO(response.content), format=parser).askAnswer is sent.boolean
    if sent.graph is not None:
        expected = rdflib.Graph().parse(data=sent.graph, format="turtle")
        assert isomorphic(rdflib.Graph().parse(data=response.content, format=media_type), expected)


CONVERSATIONS = (
    conversations("protocol/manifest.ttl")
    + conversations("graph-store-protocol/manifest-indirect.ttl")
    + conversations("graph-store-protocol/manifest-direct.ttl")
)


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=lambda conversation: conversation.name)
def test_protocol_conversation(conversation: Conversation) -> None:
    with TestClient(create_app(app_settings(write_token=TOKEN), Store.memory())) as client:
        load_datasets(client)
        template: dict[str, str] = {}
        for sent in conversation.exchanges:
            path = our_path(sent)
            for name, value in template.items():
                path = path.replace(name, quote(value, safe=""))
            response = client.request(sent.method, path, content=sent.body, headers={**sent.headers, **AUTH})
            check(response, sent)
            if sent.location is not None:
                template[sent.location] = response.headers["location"]
