"""Full-text search over document text, evidence sentences, entity labels and aliases (SQLite FTS5).

The index is a cache of the store, never a second source of truth: before each search it
catches up with `store.revision()`, whatever wrote (ingest, a SPARQL update, another
process on the same data dir). Catching up compares the stored documents' graphs and content
hashes with the indexed ones and re-reads only the documents that changed; entities are
compared by a digest of their label, aliases and types. The first search of a process does
the same comparison whatever the revision, so an index left by an older store is put right.

The index file lives beside an on-disk store's data dir (`<data dir>.search.sqlite3`); an
in-memory or remote store gets an in-memory index.

User text is matched as words by default: each word is a quoted phrase, the last one also a
prefix (typeahead), so no input can be an FTS5 syntax error. `syntax="fts5"` passes the text
to FTS5 as written (AND, OR, NOT, NEAR, "phrases", prefix*); a malformed one is a 400.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import sqlite3
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from kg.errors import BadInputError
from kg.iris import ONTOLOGY, key_of
from kg.ontology import most_specific, node_classes
from kg.store import BaseStore, Store

Syntax = Literal["words", "fts5"]
MAX_LIMIT = 100
MAX_OFFSET = 10_000
MAX_QUERY_CHARS = 500
#: Up to this many matches the page is ranked by relevance (BM25, titles and names weigh 4x).
RANK_LIMIT = 1000
#: Matches are counted up to this many; a search that matches more says "at least".
COUNT_LIMIT = 10_000
#: Up to this many matches the facets count them all; past it they count this many.
FACET_LIMIT = 1000
#: Bumped when the tables change shape; an index file of another version is rebuilt.
SCHEMA_VERSION = 3
#: Markers FTS5 puts around matched words; swapped for <mark> after the snippet is HTML-escaped.
_OPEN, _CLOSE = "\x02", "\x03"
_WORD = re.compile(r"\w+", re.UNICODE)
_F = f"<{ONTOLOGY}"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS state(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources(source TEXT PRIMARY KEY, digest TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS hits(
    id INTEGER PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL, type TEXT NOT NULL, key TEXT NOT NULL,
    label TEXT NOT NULL, date TEXT, year TEXT, document TEXT, start INTEGER, "end" INTEGER);
CREATE INDEX IF NOT EXISTS hits_source ON hits(source);
CREATE VIRTUAL TABLE IF NOT EXISTS words
    USING fts5(title, body, type, year, tokenize = 'unicode61 remove_diacritics 2');
"""
_DROP = (
    "DROP TABLE IF EXISTS state; DROP TABLE IF EXISTS sources; DROP TABLE IF EXISTS hits; DROP TABLE IF EXISTS words;"
)
_DOCUMENTS = f"SELECT ?g ?hash WHERE {{ GRAPH ?g {{ ?d a {_F}Document> ; {_F}contentHash> ?hash }} }}"
_DOCUMENT = (
    f"SELECT ?d ?title ?date ?content WHERE {{{{ GRAPH <{{graph}}> {{{{ ?d a {_F}Document> "
    f"OPTIONAL {{{{ ?d {_F}title> ?title }}}} OPTIONAL {{{{ ?d {_F}date> ?date }}}} "
    f"OPTIONAL {{{{ ?d {_F}content> ?content }}}} }}}} }}}}"
)
_SENTENCES = (
    f"SELECT DISTINCT ?sentence ?start ?end WHERE {{{{ GRAPH <{{graph}}> {{{{ ?ev a {_F}Evidence> ; "
    f"{_F}sentence> ?sentence OPTIONAL {{{{ ?ev {_F}startOffset> ?start ; {_F}endOffset> ?end }}}} }}}} }}}}"
)
_ENTITIES = (
    "SELECT ?e (SAMPLE(?k) AS ?key) (MIN(?l) AS ?label) (MIN(?dt) AS ?date) "
    "(GROUP_CONCAT(DISTINCT STR(?t); separator=' ') AS ?types) "
    "(GROUP_CONCAT(DISTINCT STR(?alt); separator='\\n') AS ?aliases) WHERE { "
    f"?e {_F}key> ?k ; <http://www.w3.org/2000/01/rdf-schema#label> ?l ; a ?t . "
    f"FILTER(STRSTARTS(STR(?t), '{ONTOLOGY}')) "
    "OPTIONAL { ?e <http://www.w3.org/2004/02/skos/core#altLabel> ?alt } "
    f"OPTIONAL {{ ?e {_F}date> ?dt }} }} GROUP BY ?e"
)


@dataclass(frozen=True)
class Hit:
    """One match: a document, an evidence sentence (with its place in the document) or an entity."""

    kind: str
    type: str
    key: str
    label: str
    date: str | None
    document: str | None
    start: int | None
    end: int | None
    snippet: str

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of a hit, with the page that shows it and a snippet safe to put in HTML."""
        plain = self.snippet.replace(_OPEN, "").replace(_CLOSE, "")
        marked = html.escape(self.snippet).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")
        return {
            "kind": self.kind,
            "type": self.type,
            "key": self.key,
            "label": self.label,
            "date": self.date,
            "document": self.document,
            "start": self.start,
            "end": self.end,
            "url": self.url(),
            "snippet": plain,
            "snippet_html": marked,
        }

    def url(self) -> str:
        if self.kind == "entity":
            return f"/view/entity/{self.key}"
        if self.kind == "evidence":
            return f"/view/document/{self.document}#at-{self.start}-{self.end}"
        return f"/view/document/{self.key}"


def match_expression(text: str, syntax: Syntax = "words") -> str:
    """The FTS5 query for `text`: its words as phrases, the last also a prefix; or the text itself for fts5."""
    if len(text) > MAX_QUERY_CHARS:
        raise BadInputError(f"q is {len(text)} characters long; search with at most {MAX_QUERY_CHARS}")
    if syntax == "fts5":
        if not text.strip():
            raise BadInputError("q is empty; give the words to search for")
        return text
    words = _WORD.findall(text)
    if not words:
        raise BadInputError(f"q={text[:60]!r} has no words to search for; give at least one letter or digit")
    phrases = [_phrase(word) for word in words]
    if text[-1:].isalnum():
        phrases[-1] += "*"
    return " ".join(phrases)


class SearchIndex:
    """An FTS5 index of one store, brought up to date with the store's revision before every search."""

    def __init__(self, path: Path | None = None) -> None:
        self._db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False, timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL" if path else "PRAGMA journal_mode=MEMORY")
        if self._db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            self._db.executescript(_DROP)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self._checked = False

    def close(self) -> None:
        self._db.close()

    def search(
        self,
        store: BaseStore,
        text: str,
        *,
        syntax: Syntax = "words",
        types: Iterable[str] = (),
        year: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> dict[str, Any]:
        """One page of the hits for `text`, best first, with counts by type and by year of all its matches.

        Ranking and facet counting cost time per match: past `RANK_LIMIT` matches (a word nearly every
        document has) the page comes newest indexed first (`ranked` false), and past `FACET_LIMIT` the
        facets count that many of the newest indexed matches (`facets_counted` says how many). `total`
        is exact up to `COUNT_LIMIT`, then that number with `total_exact` false.
        """
        if not 1 <= limit <= MAX_LIMIT:
            raise BadInputError(f"limit={limit} is out of range; give 1 to {MAX_LIMIT}")
        if not 0 <= offset <= MAX_OFFSET:
            raise BadInputError(f"offset={offset} is out of range; give 0 to {MAX_OFFSET}")
        if year is not None and not re.fullmatch(r"\d{4}", year):
            raise BadInputError(f"year={year!r} is not a year; give four digits such as 2021")
        types = sorted({name.strip() for name in types if name.strip()})
        words = f"{{title body}} : ({match_expression(text, syntax)})"
        chosen = words
        if types:
            chosen += " AND (" + " OR ".join(f"type : {_phrase(name)}" for name in types) + ")"
        if year:
            chosen += f' AND year : "{year}"'
        self.sync(store)
        with self._lock:
            try:
                matches = self._matches(chosen)
                page, ranked = self._page(chosen, len(matches), limit, offset)
                facets, counted = self._facets(matches if chosen == words else self._matches(words))
            except sqlite3.OperationalError as error:
                raise BadInputError(
                    f"q={text[:80]!r} is not a valid FTS5 query ({error}); drop syntax=fts5 to search for the words"
                ) from None
        return {
            "q": text,
            "syntax": syntax,
            "total": len(matches),
            "total_exact": len(matches) < COUNT_LIMIT,
            "limit": limit,
            "offset": offset,
            "ranked": ranked,
            "items": [hit.as_dict() for hit in page],
            "facets": facets,
            "facets_counted": counted,
        }

    def _matches(self, expression: str) -> list[int]:
        """The rows that match, newest indexed first, no more than `COUNT_LIMIT`: one pass over the index
        gives the count and the sample the facets count."""
        return [
            row[0]
            for row in self._db.execute(
                "SELECT rowid FROM words WHERE words MATCH ? ORDER BY rowid DESC LIMIT ?", [expression, COUNT_LIMIT]
            )
        ]

    def _page(self, expression: str, total: int, limit: int, offset: int) -> tuple[list[Hit], bool]:
        """The hits of one page, and whether the page is ranked by relevance.

        Only the page's rows get a snippet. Sorted by relevance (few matches), the page's rows are picked
        first, then snippeted in one query (in one query with the sort, SQLite would make a snippet of
        every match). In index order, FTS5 walks the matches that way and the query stops at the page.
        """
        snippet = f"snippet(words, -1, '{_OPEN}', '{_CLOSE}', '…', 16)"
        ranked = total <= RANK_LIMIT
        if ranked:
            picked = [
                row[0]
                for row in self._db.execute(
                    "SELECT rowid FROM words WHERE words MATCH ? ORDER BY bm25(words, 4.0, 1.0, 0.0, 0.0) "
                    "LIMIT ? OFFSET ?",
                    [expression, limit, offset],
                )
            ]
            snippets = dict(
                self._db.execute(
                    f"SELECT rowid, {snippet} FROM words "
                    "WHERE words MATCH ? AND rowid IN (SELECT value FROM json_each(?))",
                    [expression, json.dumps(picked)],
                )
            )
        else:
            snippets = dict(
                self._db.execute(
                    f"SELECT rowid, {snippet} FROM words WHERE words MATCH ? ORDER BY rowid DESC LIMIT ? OFFSET ?",
                    [expression, limit, offset],
                )
            )
            picked = list(snippets)
        details = {
            row[0]: row[1:]
            for row in self._db.execute(
                'SELECT id, kind, type, key, label, date, document, start, "end" FROM hits '
                "WHERE id IN (SELECT value FROM json_each(?))",
                [json.dumps(picked)],
            )
        }
        return [Hit(*details[rowid], snippets.get(rowid, "")) for rowid in picked], ranked

    def _facets(self, matches: list[int]) -> tuple[dict[str, dict[str, int]], int]:
        """Matches by type and by year, counted over all of them or over the newest `FACET_LIMIT`."""
        sample = matches[:FACET_LIMIT]
        rows = self._db.execute(
            "SELECT type, year, count(*) FROM hits WHERE id IN (SELECT value FROM json_each(?)) GROUP BY type, year",
            [json.dumps(sample)],
        ).fetchall()
        by_type: dict[str, int] = {}
        by_year: dict[str, int] = {}
        for type_name, hit_year, count in rows:
            by_type[type_name] = by_type.get(type_name, 0) + count
            if hit_year:
                by_year[hit_year] = by_year.get(hit_year, 0) + count
        return {"type": dict(sorted(by_type.items())), "year": dict(sorted(by_year.items()))}, len(sample)

    def sync(self, store: BaseStore) -> None:
        """Catch up with `store`: re-read the documents and entities that changed since the indexed revision."""
        revision = store.revision()
        with self._lock:
            if self._checked and self._indexed_revision() == revision:
                return
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                if self._checked and self._indexed_revision() == revision:
                    return
                self._sync_documents(store)
                self._sync_entities(store)
                self._db.execute("INSERT OR REPLACE INTO state VALUES ('revision', ?)", (str(revision),))
            self._checked = True

    def _indexed_revision(self) -> int | None:
        row = self._db.execute("SELECT value FROM state WHERE name = 'revision'").fetchone()
        return int(row[0]) if row else None

    def _sync_documents(self, store: BaseStore) -> None:
        stored = {row["g"].value: row["hash"].value for row in store.query(_DOCUMENTS)}
        indexed = dict(self._db.execute("SELECT source, digest FROM sources WHERE source NOT LIKE 'entity:%'"))
        for graph in indexed.keys() - stored.keys():
            self._forget(graph)
        for graph, digest in stored.items():
            if indexed.get(graph) != digest:
                self._forget(graph)
                self._index_document(store, graph, digest)

    def _index_document(self, store: BaseStore, graph: str, digest: str) -> None:
        row = next(iter(store.query(_DOCUMENT.format(graph=graph))), None)
        if row is None:
            return
        key = key_of(row["d"].value)
        title = row["title"].value if row["title"] else key
        date = row["date"].value if row["date"] else None
        content = row["content"].value if row["content"] else ""
        self._add(graph, "document", "Document", key, title, date, key, None, None, title, content)
        for sentence in store.query(_SENTENCES.format(graph=graph)):
            start = int(sentence["start"].value) if sentence["start"] else None
            end = int(sentence["end"].value) if sentence["end"] else None
            self._add(graph, "evidence", "Evidence", key, title, date, key, start, end, "", sentence["sentence"].value)
        self._db.execute("INSERT OR REPLACE INTO sources VALUES (?, ?)", (graph, digest))

    def _sync_entities(self, store: BaseStore) -> None:
        indexed = dict(self._db.execute("SELECT source, digest FROM sources WHERE source LIKE 'entity:%'"))
        seen = set()
        classes = node_classes()
        for row in store.query(_ENTITIES):
            types = [t[len(ONTOLOGY) :] for t in row["types"].value.split()]
            types = [t for t in types if t in classes and t != "Document"]
            if not types:
                continue
            type_name = most_specific(types)
            label = row["label"].value
            aliases = row["aliases"].value if row["aliases"] else ""
            date = row["date"].value if row["date"] else None
            source = "entity:" + row["e"].value
            seen.add(source)
            digest = hashlib.sha1("\x1f".join((type_name, label, aliases, date or "")).encode()).hexdigest()
            if indexed.get(source) == digest:
                continue
            self._forget(source)
            key = row["key"].value
            self._add(source, "entity", type_name, key, label, date, None, None, None, label, aliases)
            self._db.execute("INSERT OR REPLACE INTO sources VALUES (?, ?)", (source, digest))
        for source in indexed.keys() - seen:
            self._forget(source)

    def _add(self, source: str, kind: str, type_name: str, key: str, label: str, date: str | None,
             document: str | None, start: int | None, end: int | None, title: str, body: str) -> None:  # fmt: skip
        cursor = self._db.execute(
            'INSERT INTO hits (source, kind, type, key, label, date, year, document, start, "end") '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (source, kind, type_name, key, label, date, date[:4] if date else None, document, start, end),
        )
        self._db.execute(
            "INSERT INTO words (rowid, title, body, type, year) VALUES (?, ?, ?, ?, ?)",
            (cursor.lastrowid, title, body, type_name, date[:4] if date else None),
        )

    def _forget(self, source: str) -> None:
        self._db.execute("DELETE FROM words WHERE rowid IN (SELECT id FROM hits WHERE source = ?)", (source,))
        self._db.execute("DELETE FROM hits WHERE source = ?", (source,))
        self._db.execute("DELETE FROM sources WHERE source = ?", (source,))


def _phrase(text: str) -> str:
    """`text` as one FTS5 string, whatever it holds (a double quote is written twice)."""
    return '"' + text.replace('"', '""') + '"'


def index_path(store: BaseStore) -> Path | None:
    """Where the index of `store` lives: beside an on-disk store's data dir, else in memory (None)."""
    if isinstance(store, Store) and store.path is not None:
        return store.path.with_name(store.path.name + ".search.sqlite3")
    return None


_indexes: weakref.WeakKeyDictionary[BaseStore, SearchIndex] = weakref.WeakKeyDictionary()
_indexes_lock = threading.Lock()


def index_for(store: BaseStore) -> SearchIndex:
    """The search index of `store`, opened once per store object and process."""
    with _indexes_lock:
        index = _indexes.get(store)
        if index is None:
            index = _indexes[store] = SearchIndex(index_path(store))
        return index
