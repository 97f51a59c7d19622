"""Content negotiation as a table: media type -> the engine's own serialiser.

SELECT/ASK answers and CONSTRUCT/DESCRIBE graphs each have their own table; the first
entry of a table is what `*/*` gets. Aliases are the media types real clients send
(SPARQLWrapper asks for `application/json`, rdflib for `application/xml`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import NotAcceptableError


@dataclass(frozen=True)
class ResultFormat:
    """One way to write an answer: the media type we send and what pyoxigraph writes it with.

    `row_markers` are byte strings that occur once per solution in this format's output, so
    rows can be counted while streaming. Escaping keeps them out of values, except for raw
    `[{}`/`,{}` in JSON strings and line breaks inside quoted CSV values: those only ever
    count too many rows, so the cap can refuse early but never lets more through.
    """

    media_type: str
    engine_format: ox.QueryResultsFormat | ox.RdfFormat
    aliases: tuple[str, ...] = ()
    row_markers: tuple[bytes, ...] = ()
    header_rows: int = 0

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"


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


def _accepted(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header, best first (stable for equal quality)."""
    ranges = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        quality = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((fields[0].lower(), quality))
    return sorted((r for r in ranges if r[1] > 0), key=lambda r: -r[1])


def _matches(media_range: str, fmt: ResultFormat) -> bool:
    if media_range == "*/*":
        return True
    if media_range.endswith("/*"):
        return fmt.media_type.startswith(media_range[:-1])
    return media_range == fmt.media_type or media_range in fmt.aliases


def negotiate(accept: str | None, table: tuple[ResultFormat, ...]) -> ResultFormat:
    """The format the client likes best among `table`; no Accept means the table's first entry."""
    if not accept or not accept.strip():
        return table[0]
    for media_range, _quality in _accepted(accept):
        for fmt in table:
            if _matches(media_range, fmt):
                return fmt
    raise NotAcceptableError(accept, [fmt.media_type for fmt in table])
