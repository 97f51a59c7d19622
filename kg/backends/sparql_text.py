"""The SPARQL text a remote store has to look into or rewrite, since the protocol has no parameter for it.

Query options of the embedded engine (prefixes, base IRI, substitutions) become SPARQL text,
and a default-graph data update is aimed at a named graph. No full parser: a prologue-aware
look at how the text starts, and a brace matcher that skips strings, IRIs and comments.
"""

from __future__ import annotations

import re
from typing import Any

_PROLOGUE = r"(?:\s+|#[^\n]*(?:\n|$)|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)*"
QUERY_FORM = re.compile(_PROLOGUE + r"(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", re.IGNORECASE)
#: Where substituted variables are bound: first in the WHERE group, as Virtuoso takes no trailing VALUES.
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
#: A group that is only a sub-SELECT takes nothing beside it, so VALUES then goes around it.
_SUBSELECT = re.compile(r"\s*SELECT\b", re.IGNORECASE)
_TOKENS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*|[{}]'
)
ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
_DATA_UPDATE = re.compile(_PROLOGUE + r"(?:INSERT|DELETE)\s+DATA\s*\{", re.IGNORECASE)
MENTIONED_GRAPH = re.compile(r"\b(?:GRAPH|INTO|WITH|TO)\s*<([^>]+)>", re.IGNORECASE)


def into_default_graph(update: str, default_graph: str) -> str:
    """One `INSERT DATA`/`DELETE DATA` that names no graph, aimed at `default_graph` instead."""
    data = _DATA_UPDATE.match(update)
    if data is None or re.search(r"\bGRAPH\b", update[data.end() :], re.IGNORECASE):
        return update
    end = _group_end(update, data.end())
    if update[end + 1 :].strip():
        return update
    return f"{update[: data.end()]} GRAPH <{default_graph}> {{ {update[data.end() : end]} }} }}"


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
    where = _WHERE.search(sparql)
    cut = where.end() if where else sparql.find("{") + 1
    bind = f" VALUES ({names}) {{ ({values}) }} "
    if not _SUBSELECT.match(sparql, cut):
        return f"{prologue}{sparql[:cut]}{bind}{sparql[cut:]}"
    end = _group_end(sparql, cut)
    return f"{prologue}{sparql[:cut]}{bind}{{ {sparql[cut:end]} }}{sparql[end:]}"


def _group_end(text: str, start: int) -> int:
    """Where the group opened just before `start` closes, skipping braces in strings, IRIs and comments."""
    depth = 1
    for token in _TOKENS.finditer(text, start):
        depth += {"{": 1, "}": -1}.get(token.group(), 0)
        if depth == 0:
            return token.start()
    raise SyntaxError("unbalanced braces in the query")
