"""The /sparql endpoint's own readers, which replace slower library calls: they must read what those read."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import pyoxigraph as ox
import pytest

from api.negotiation import SOLUTION_FORMATS
from api.query_processes import AnswerWriter, Message
from api.routers.sparql import _fields
from kg.errors import BadInputError, ResultTooLargeError

FORMS = [
    urlencode({"query": "PREFIX ex: <http://example.org/#>\nSELECT * WHERE { ?s ex:p 'é ü 😀' } LIMIT 10"}),
    urlencode({"query": "ASK {}", "default-graph-uri": "http://a/", "named-graph-uri": "http://b/"}, doseq=True),
    "query=a+b%20c&query=second&empty=&bare&&=nameless",
    "query=back%5Cslash\\x41\\n%25",
    "query=%zz%4&q2=100%&q3=%",
    "query=%E2%82%AC%e2%82%ac",
    "query=raw é + ü",
    "",
]


@pytest.mark.parametrize("form", FORMS)
def test_fields_read_a_form_as_parse_qs_does(form: str) -> None:
    assert _fields(form.encode("utf-8")) == parse_qs(form, keep_blank_values=True, errors="strict")


@pytest.mark.parametrize("form", [b"query=%FF", b"query=%C3", b"query=ok&x=%E2%82", b"query=\xff"])
def test_fields_refuse_text_that_is_not_utf8(form: bytes) -> None:
    with pytest.raises(BadInputError, match="UTF-8"):
        _fields(form)


def _answer(rows: int, max_rows: int) -> list[Message]:
    """The messages of a SELECT of `rows` rows, written in JSON under a cap of `max_rows` rows."""
    store = ox.Store()
    node = ox.NamedNode("http://example.org/s")
    store.extend(ox.Quad(node, node, ox.Literal(f"value {i}")) for i in range(rows))
    messages: list[Message] = []
    writer = AnswerWriter(messages.append, max_rows)
    writer.serialise(store.query("SELECT ?o WHERE { ?s ?p ?o }"), SOLUTION_FORMATS[0].media_type)
    return messages


def test_rows_are_counted_across_the_engines_writes() -> None:
    """A few thousand rows come in several writes, so markers split between two writes count once."""
    messages = _answer(5_000, 5_000)
    assert [kind for kind, _, _ in messages] == ["whole"]
    assert messages[0][2].count(b'{"o":') == 5_000
    with pytest.raises(ResultTooLargeError):
        _answer(5_001, 5_000)
