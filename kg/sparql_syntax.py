"""The one place that looks into SPARQL text before the engine does, in linear time.

The server has to know a few things about text a client sent before handing it to the engine:
is it a query or an update, which query form, where the prologue (BASE/PREFIX) ends, does it
use LOAD or SERVICE (which make the engine fetch URLs), which graphs it names, where a group's
braces close. Regular expressions with nested repetition answered these by backtracking
exponentially on hostile text (a run of `#`, indented PREFIX lines: issue 13), so this is a
small scanner instead. Each token is consumed by one anchored match of a pattern with a single
repetition, or a `str.find`; no character is looked at more than a bounded number of times.
Comments, the four string forms and IRIs are skipped as wholes, so a keyword inside them
never counts. It does not check the grammar: the engine's parser has the last word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, NamedTuple

QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
UPDATE_OPERATIONS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
#: Keywords that make the engine fetch a URL named in the text.
FETCHING = frozenset({"LOAD", "SERVICE"})
#: Keywords after which an IRI names a graph the text reads or writes (`SILENT` in between does not count).
GRAPH_NAMING = frozenset({"GRAPH", "INTO", "WITH", "TO", "MOVE", "COPY", "ADD"})

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[\w:.\-]+")
_VARIABLE = re.compile(r"\w+")
_LANGUAGE = re.compile(r"[A-Za-z0-9\-]*")
_IRI_BODY = re.compile(r"[^<>\"{}|^`\\\x00-\x20]*")
#: Runs of characters that cannot end a string, per quote character and length.
_STRING_RUN = {
    ('"', True): re.compile(r'[^"\\]+'),
    ("'", True): re.compile(r"[^'\\]+"),
    ('"', False): re.compile(r'[^"\\\r\n]+'),
    ("'", False): re.compile(r"[^'\\\r\n]+"),
}

TokenKind = Literal["word", "iri", "string", "variable", "language", "punct"]


class Token(NamedTuple):
    """One lexical unit: its kind and where it sits in the text (`text[start:end]`)."""

    kind: TokenKind
    start: int
    end: int


def tokens(text: str, start: int = 0) -> Iterator[Token]:
    """The tokens of `text` from `start` on, comments and white space left out."""
    end = len(text)
    at = start
    while at < end:
        char = text[at]
        if char.isspace():
            at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
        elif char == "#":
            newline = text.find("\n", at)
            at = end if newline < 0 else newline + 1
        elif char in "\"'":
            close = _string_end(text, at)
            yield Token("string", at, close)
            at = close
        elif char == "<":
            body = _IRI_BODY.match(text, at + 1).end()  # type: ignore[union-attr]
            is_iri = body < end and text[body] == ">"
            yield Token("iri", at, body + 1) if is_iri else Token("punct", at, at + 1)
            at = body + 1 if is_iri else at + 1
        elif char in "?$":
            name = _VARIABLE.match(text, at + 1)
            close = name.end() if name else at + 1
            yield Token("variable" if name else "punct", at, close)
            at = close
        elif char == "@":
            close = _LANGUAGE.match(text, at + 1).end()  # type: ignore[union-attr]
            yield Token("language", at, close)
            at = close
        elif char.isalnum() or char in "_:":
            close = _WORD.match(text, at).end()  # type: ignore[union-attr]
            while text[close - 1] == ".":  # a dot ending a prefixed name ends the triple instead
                close -= 1
            yield Token("word", at, close)
            at = close
        else:
            yield Token("punct", at, at + 1)
            at += 1


def _string_end(text: str, start: int) -> int:
    """Where the string literal opening at `start` ends (the end of the text if it never closes)."""
    quote = text[start]
    long = text.startswith(quote * 3, start)
    at = start + (3 if long else 1)
    run = _STRING_RUN[quote, long]
    end = len(text)
    while at < end:
        ordinary = run.match(text, at)
        if ordinary:
            at = ordinary.end()
            continue
        char = text[at]
        if char == "\\":
            at += 2
        elif not long:
            return at + 1 if char == quote else at  # a line break ends a broken short string
        elif text.startswith(quote * 3, at):
            return at + 3
        else:
            at += 1
    return end


def keyword(text: str, token: Token) -> str | None:
    """The token as an upper-case keyword, or None when it is not a bare word (prefixed names, numbers...)."""
    if token.kind != "word":
        return None
    word = text[token.start : token.end]
    return word.upper() if word.isascii() and word.isalpha() else None


@dataclass(frozen=True)
class Shape:
    """What the text is, as far as the server needs to know before the engine parses it.

    `kind` is None when the text starts with neither a query form nor an update operation
    (after its prologue); `form` is then None too. `body_start` is where the prologue ends.
    """

    kind: Literal["query", "update"] | None
    form: str | None
    body_start: int
    keywords: frozenset[str]
    ordered: bool
    named_graphs: tuple[str, ...]

    @property
    def fetches(self) -> list[str]:
        """The keywords used that make the engine fetch URLs (LOAD, SERVICE), sorted."""
        return sorted(self.keywords & FETCHING)

    @property
    def dataset_clauses(self) -> list[str]:
        """The keywords an update uses to pick its own dataset (USING, WITH), sorted."""
        return sorted(self.keywords & {"USING", "WITH"})


def classify(text: str) -> Shape:
    """Scan `text` once: its kind and form, where its prologue ends, its keywords, the graphs it names."""
    kind: Literal["query", "update"] | None = None
    form: str | None = None
    body_start = len(text)
    in_prologue = True
    expect: list[str] = []  # what the prologue clause being read still needs
    keywords: set[str] = set()
    named: list[str] = []
    previous: str | None = None
    ordered = False
    for token in tokens(text):
        word = keyword(text, token)
        if word is not None:
            keywords.add(word)
        if in_prologue:
            in_prologue, expect = _prologue_step(text, token, word, expect)
            if not in_prologue:
                body_start = token.start
                if word in QUERY_FORMS:
                    kind, form = "query", word
                elif word in UPDATE_OPERATIONS:
                    kind, form = "update", word
        if token.kind == "iri" and previous in GRAPH_NAMING:
            named.append(text[token.start + 1 : token.end - 1])
        ordered = ordered or (previous == "ORDER" and word == "BY")
        previous = previous if word == "SILENT" else word
    return Shape(kind, form, body_start, frozenset(keywords), ordered, tuple(dict.fromkeys(named)))


def _prologue_step(text: str, token: Token, word: str | None, expect: list[str]) -> tuple[bool, list[str]]:
    """One token of the prologue: (still in the prologue, what the current clause still needs)."""
    if expect:
        wanted = expect[0]
        fits = token.kind == "iri" if wanted == "iri" else text[token.start : token.end].endswith(":")
        return fits, expect[1:] if fits else []
    if word == "BASE":
        return True, ["iri"]
    if word == "PREFIX":
        return True, ["prefix", "iri"]
    return False, []


def group_end(text: str, start: int) -> int:
    """Where the group opened just before `start` closes (the offset of its `}`)."""
    depth = 1
    for token in tokens(text, start):
        if token.kind == "punct":
            depth += {"{": 1, "}": -1}.get(text[token.start], 0)
            if depth == 0:
                return token.start
    raise SyntaxError("unbalanced braces in the query")


def where_group(text: str) -> int | None:
    """The offset just inside the query's first `WHERE {`, or else its first `{`; None without braces."""
    first_brace = None
    after_where = False
    for token in tokens(text):
        if token.kind == "punct" and text[token.start] == "{":
            if after_where:
                return token.end
            first_brace = token.end if first_brace is None else first_brace
        after_where = keyword(text, token) == "WHERE"
    return first_brace


def first_keyword(text: str, start: int) -> str | None:
    """The first token from `start` on, as a keyword (None if it is not one or there is none)."""
    for token in tokens(text, start):
        return keyword(text, token)
    return None


def with_dataset(update: str, using: list[str], using_named: list[str]) -> str:
    """The update with the protocol's `using-graph-uri` / `using-named-graph-uri` written in as
    `USING` / `USING NAMED` before the WHERE of each operation that matches patterns (the
    `DELETE WHERE { P }` shorthand becomes `DELETE { P } USING ... WHERE { P }`)."""
    clause = " ".join([f"USING <{iri}>" for iri in using] + [f"USING NAMED <{iri}>" for iri in using_named])
    pieces: list[str] = []
    done = 0
    depth = 0
    previous: Token | None = None
    for token in tokens(update):
        char = update[token.start] if token.kind == "punct" else ""
        if depth == 0 and previous is not None and keyword(update, token) == "WHERE":
            if previous.kind == "punct" and update[previous.start] == "}":
                pieces += [update[done : token.start], f"{clause} "]
                done = token.start
            elif keyword(update, previous) == "DELETE" and (pattern := _group_after(update, token.end)):
                pieces += [update[done : token.start], f"{pattern} {clause} WHERE "]
                done = token.end
        depth += {"{": 1, "}": -1}.get(char, 0)
        previous = token
    return "".join([*pieces, update[done:]])


def _group_after(text: str, start: int) -> str | None:
    """The text of the `{ ... }` group that follows `start`, braces included (None if none follows)."""
    brace = next(tokens(text, start), None)
    if brace is None or text[brace.start : brace.end] != "{":
        return None
    return text[brace.start : group_end(text, brace.end) + 1]
