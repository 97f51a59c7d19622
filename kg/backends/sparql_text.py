"""The SPARQL text a remote store has to look into or rewrite, since the protocol has no parameter for it.

Query options of the embedded engine (prefixes, base IRI, substitutions) become SPARQL text,
and a default-graph data update is aimed at a named graph. No full parser: the scanner of
`kg.sparql_syntax` finds the groups, skipping strings, IRIs and comments.
"""

from __future__ import annotations

from typing import Any

from kg.sparql_syntax import first_keyword, group_end, keyword, tokens, where_group


def into_default_graph(update: str, default_graph: str) -> str:
    """The update with what it does to the default graph aimed at `default_graph` instead: the data of
    `INSERT DATA` / `DELETE DATA` operations that name no graph (and of `INSERT { } WHERE {}`, how data
    with blank nodes is inserted), and `DROP` / `CLEAR DEFAULT`."""
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), in text order
    depth = 0
    words: list[str] = []  # the keywords of the current operation so far
    for token in tokens(update):
        char = update[token.start] if token.kind == "punct" else ""
        word = keyword(update, token)
        if depth == 0:
            if char == ";":
                words = []
            elif word == "DEFAULT" and [w for w in words if w != "SILENT"][-1:] in (["DROP"], ["CLEAR"]):
                edits.append((token.start, token.end, f"GRAPH <{default_graph}>"))
            elif char == "{" and (words[-2:] in (["INSERT", "DATA"], ["DELETE", "DATA"]) or _lone_insert(words)):
                close = group_end(update, token.end)
                names_graph = any(keyword(update, inner) == "GRAPH" for inner in tokens(update[:close], token.end))
                if not names_graph and (words[-1] == "DATA" or _matches_nothing(update, close + 1)):
                    edits += [(token.end, token.end, f" GRAPH <{default_graph}> {{"), (close, close, " } ")]
            if word is not None:
                words.append(word)
        depth += {"{": 1, "}": -1}.get(char, 0)
    return _applied(update, edits)


def _lone_insert(words: list[str]) -> bool:
    """The operation so far is `INSERT` (after its prologue): a template is about to open."""
    return [word for word in words if word not in ("PREFIX", "BASE")] == ["INSERT"]


def _matches_nothing(update: str, start: int) -> bool:
    """The text from `start` goes on with `WHERE {}`: a template whose blank nodes are the data."""
    following = tokens(update, start)
    shown = [update[token.start : token.end].upper() for token in (next(following, None) for _ in range(3)) if token]
    return shown == ["WHERE", "{", "}"]


def _applied(text: str, edits: list[tuple[int, int, str]]) -> str:
    """`text` with each span `start:end` (in text order, not overlapping) replaced."""
    pieces, done = [], 0
    for start, end, replacement in edits:
        pieces += [text[done:start], replacement]
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def with_options(sparql: str, options: dict[str, Any]) -> str:
    """Apply the engine's query options the protocol has no parameter for, as SPARQL text."""
    known = {"base_iri", "prefixes", "substitutions", "default_graph", "named_graphs", "use_default_graph_as_union"}
    unknown = set(options) - known
    if unknown:
        raise TypeError(f"query options not supported by a remote store: {', '.join(sorted(unknown))}")
    prologue = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in (options.get("prefixes") or {}).items())
    if options.get("base_iri"):
        prologue = f"BASE <{options['base_iri']}>\n{prologue}"
    substitutions = options.get("substitutions") or {}
    if not substitutions:
        return prologue + sparql
    names = " ".join(str(variable) for variable in substitutions)
    values = " ".join(str(term) for term in substitutions.values())
    cut = where_group(sparql)
    if cut is None:
        raise SyntaxError("substitutions need a query with a WHERE group")
    bind = f" VALUES ({names}) {{ ({values}) }} "
    if first_keyword(sparql, cut) != "SELECT":
        return f"{prologue}{sparql[:cut]}{bind}{sparql[cut:]}"
    end = group_end(sparql, cut)
    return f"{prologue}{sparql[:cut]}{bind}{{ {sparql[cut:end]} }}{sparql[end:]}"
