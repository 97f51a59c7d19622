"""The RDF serialisations we read and write: one table from names, extensions and media types."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import UnsupportedFormatError


@dataclass(frozen=True)
class RdfFormat:
    name: str
    extensions: tuple[str, ...]
    media_type: str
    oxigraph: ox.RdfFormat
    quads: bool


FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("turtle", (".ttl",), "text/turtle", ox.RdfFormat.TURTLE, False),
    RdfFormat("ntriples", (".nt",), "application/n-triples", ox.RdfFormat.N_TRIPLES, False),
    RdfFormat("nquads", (".nq",), "application/n-quads", ox.RdfFormat.N_QUADS, True),
    RdfFormat("trig", (".trig",), "application/trig", ox.RdfFormat.TRIG, True),
    RdfFormat("jsonld", (".jsonld", ".json"), "application/ld+json", ox.RdfFormat.JSON_LD, True),
    RdfFormat("rdfxml", (".rdf", ".owl", ".xml"), "application/rdf+xml", ox.RdfFormat.RDF_XML, False),
)


def _supported() -> str:
    return ", ".join(f"{f.name} ({' '.join(f.extensions)})" for f in FORMATS)


def by_name(name: str) -> RdfFormat:
    for fmt in FORMATS:
        if fmt.name == name.lower():
            return fmt
    raise UnsupportedFormatError(f"unknown RDF format {name!r}; supported: {_supported()}")


def by_path(path: Path) -> RdfFormat:
    suffix = path.suffix.lower()
    for fmt in FORMATS:
        if suffix in fmt.extensions:
            return fmt
    raise UnsupportedFormatError(
        f"{path}: cannot tell the RDF format from extension {suffix or '(none)'!r}; supported: {_supported()}"
    )


def by_media_type(media_type: str) -> RdfFormat:
    base = media_type.split(";")[0].strip().lower()
    for fmt in FORMATS:
        if fmt.media_type == base:
            return fmt
    raise UnsupportedFormatError(
        f"unsupported RDF media type {base!r}; supported: {', '.join(f.media_type for f in FORMATS)}"
    )
