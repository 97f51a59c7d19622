"""Content negotiation as a table: media type -> the engine's own serialiser.

SELECT/ASK answers and CONSTRUCT/DESCRIBE graphs each have their own table; the first
entry of a table is what `*/*` gets. Aliases are the media types real clients send
(SPARQLWrapper asks for `application/json`, rdflib for `application/xml`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kg.errors import NotAcceptableError


@dataclass(frozen=True, eq=False)
class ResultFormat:
    """One way to write an answer: the media type we send and what pyoxigraph writes it with.

    `row_markers` are byte strings that occur once per solution in this format's output, so
    rows can be counted while streaming. Escaping keeps them out of values, except for raw
    `[{}`/`,{}` in JSON strings and line breaks inside quoted CSV values: those only ever
    count too many rows, so the cap can refuse early but never lets more through. No two
    occurrences overlap, so an answer holds at most one row per `shortest_row` bytes.

    Formats compare and hash by identity: each is one entry of a table, and `negotiate` hashes its
    table on every call (field by field, that was a tenth of a small query's time in a worker).
    """

    media_type: str
    engine_format: ox.QueryResultsFormat | ox.RdfFormat
    aliases: tuple[str, ...] = ()
    row_markers: tuple[bytes, ...] = ()
    header_rows: int = 0

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"

    @cached_property
    def marker_overlap(self) -> int:
        """Bytes of one write to keep for the next, so that a row marker cut in two is still counted once."""
        return max((len(marker) for marker in self.row_markers), default=1) - 1

    @cached_property
    def shortest_row(self) -> int:
        """Fewest bytes a row takes in this format (that of its shortest marker)."""
        return min((len(marker) for marker in self.row_markers), default=1)


SOLUTION_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat(
        "application/sparql-results+json",
        ox.QueryResultsFormat.JSON,
        ("application/json", "text/javascript", "application/javascript"),
        (b'[{"', b',{"', b"[{}", b",{}"),
    ),
    ResultFormat(
        "application/sparql-results+xml", ox.QueryResultsFormat.XML, ("application/xml", "text/xml"), (b"<result>",)
    ),
    ResultFormat("text/csv", ox.QueryResultsFormat.CSV, (), (b"\n",), header_rows=1),
    ResultFormat("text/tab-separated-values", ox.QueryResultsFormat.TSV, (), (b"\n",), header_rows=1),
)

GRAPH_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("text/turtle", ox.RdfFormat.TURTLE, ("application/x-turtle", "application/turtle")),
    ResultFormat("application/n-triples", ox.RdfFormat.N_TRIPLES, ("text/plain",)),
    ResultFormat("application/ld+json", ox.RdfFormat.JSON_LD, ("application/json",)),
    ResultFormat("application/rdf+xml", ox.RdfFormat.RDF_XML, ("application/xml", "text/xml")),
)


def _without_utf8(media_range: str) -> str:
    """The range without a `charset=utf-8` parameter, which every answer satisfies (werkzeug would
    match the range only to offers with the same parameters)."""
    base, *parameters = (part.strip() for part in media_range.split(";"))
    return base if all(p.lower().replace(" ", "") == "charset=utf-8" for p in parameters) else media_range


@lru_cache(maxsize=64)
def negotiate(accept: str | None, table: tuple[ResultFormat, ...]) -> ResultFormat:
    """The format the client likes best among `table`, by werkzeug's reading of the Accept header
    (qualities, `q=0` exclusions, wildcards); no usable Accept means the table's first entry.
    Aliases count only when named: `text/*` must not pick JSON for being `text/javascript` too. A range
    with `charset=utf-8` matches, since that is the charset every answer is written in.

    Remembered per header: a client sends the same one every time, and reading it took a query
    worker 30 µs, more than the engine needs for a label lookup. (A header with no match raises
    every time: errors are not remembered.)"""
    ranges = MIMEAccept([(_without_utf8(value), quality) for value, quality in parse_accept_header(accept)])
    if not ranges:
        return table[0]
    named = {value.lower() for value, _ in ranges}
    offers = {fmt.media_type: fmt for fmt in table}
    offers |= {alias: fmt for fmt in table for alias in fmt.aliases if alias in named and alias not in offers}
    best = ranges.best_match(list(offers))
    if best is None:
        raise NotAcceptableError(accept or "", [fmt.media_type for fmt in table])
    return offers[best]
