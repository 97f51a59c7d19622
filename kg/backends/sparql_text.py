"""The SPARQL text a remote store has to look into or rewrite, since the protocol has no parameter for it.

Query options of the embedded engine (prefixes, base IRI, substitutions) become SPARQL text,
and a default-graph data update is aimed at a named graph. No full parser: the scanner of
`kg.sparql_syntax` finds the groups, skipping strings, IRIs and comments.
"""

from __future__ import annotations

from typing import Any

from kg.sparql_syntax import data_block, first_keyword, group_end, where_group


def into_default_graph(update: str, default_graph: str) -> str:
    """One `INSERT DATA`/`DELETE DATA` that names no graph, aimed at `default_graph` instead."""
    block = data_block(update)
    if block is None:
        return update
    start, end = block
    return f"{update[:start]} GRAPH <{default_graph}> {{ {update[start:end]} }} }}"


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
