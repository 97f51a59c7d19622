"""Stable IRIs: the same real-world thing gets the same IRI in every document and every run."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

BASE = "https://w3id.org/ffkg/"
ONTOLOGY = BASE + "ontology#"
ID = BASE + "id/"
GRAPH = BASE + "graph/"
#: Every entity's description (type, label, aliases, external ids), stated once for all documents.
ENTITIES_GRAPH = GRAPH + "_entities"
#: Every extracted fact, stated once, with a `ffkg:Fact` node that its evidence records support.
FACTS_GRAPH = GRAPH + "_facts"
#: Graphs the store derives from the documents' graphs: exported and restored, but not sources.
DERIVED_GRAPHS = frozenset({ENTITIES_GRAPH, FACTS_GRAPH})
GEONAMES = "https://sws.geonames.org/"


@lru_cache(maxsize=8192)
def normalise_key(text: str) -> str:
    """Accent-, case- and punctuation-insensitive key: "Ciudad Juárez" -> "ciudad-juarez".

    Remembered: a document's key is normalised again for each of its hundreds of mention and
    evidence nodes, and the same names recur in every document."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    folded = folded.replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def geonames_iri(geonames_id: int | str) -> str:
    return f"{GEONAMES}{geonames_id}/"


def entity_iri(kind: str, key: str) -> str:
    """IRI of a non-place entity; `kind` is e.g. "person", "org", "weapon"."""
    return f"{ID}{kind}/{normalise_key(key)}"


def document_iri(doc_key: str) -> str:
    return f"{ID}doc/{normalise_key(doc_key)}"


def graph_iri(doc_key: str) -> str:
    """The named graph that holds one source's facts."""
    return f"{GRAPH}{normalise_key(doc_key)}"


def local_iri(doc_key: str, kind: str, *parts: str) -> str:
    """IRI of a node that only exists within one document (an event, a flow, an evidence record)."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]
    return f"{ID}{kind}/{normalise_key(doc_key)}/{digest}"


def fact_iri(subject: str, predicate: str, obj: str) -> str:
    """The node of one fact `subject predicate obj`: the same in every document that states it."""
    digest = hashlib.sha1("\x1f".join((subject, predicate, obj)).encode("utf-8")).hexdigest()[:20]
    return f"{ID}fact/{digest}"


def story_iri(doc_key: str) -> str:
    """A group of near-duplicate documents, named after the first of them the store received."""
    return f"{ID}story/{normalise_key(doc_key)}"


def key_of(iri: str) -> str:
    """The short key of an ffkg IRI (what follows `id/`), or the IRI itself for foreign IRIs."""
    if iri.startswith(ID):
        return iri[len(ID) :]
    if iri.startswith(GEONAMES):
        return "geonames/" + iri[len(GEONAMES) :].strip("/")
    return iri
