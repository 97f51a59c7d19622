"""Stable IRIs: the same real-world thing gets the same IRI in every document and every run."""

from __future__ import annotations

import hashlib
import re
import unicodedata

BASE = "https://w3id.org/ffkg/"
ONTOLOGY = BASE + "ontology#"
ID = BASE + "id/"
GRAPH = BASE + "graph/"
GEONAMES = "https://sws.geonames.org/"


def normalise_key(text: str) -> str:
    """Accent-, case- and punctuation-insensitive key: "Ciudad Juárez" -> "ciudad-juarez"."""
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


def key_of(iri: str) -> str:
    """The short key of an ffkg IRI (what follows `id/`), or the IRI itself for foreign IRIs."""
    if iri.startswith(ID):
        return iri[len(ID) :]
    if iri.startswith(GEONAMES):
        return "geonames/" + iri[len(GEONAMES) :].strip("/")
    return iri
