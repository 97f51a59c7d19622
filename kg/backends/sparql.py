"""A shared SPARQL 1.1 server as the store, for when one machine is not enough.

Same interface and behaviour as the embedded `kg.store.Store`, spoken over HTTP:

- reads use the SPARQL protocol and come back as pyoxigraph result objects, so callers
  cannot tell the backends apart;
- each source graph is written in bulk through the Graph Store Protocol into a staging
  graph, counted, then put in place by one `MOVE` (a failed PUT on Virtuoso can leave a
  half-written graph, so never PUT onto the live one);
- a bookkeeping graph on the server lists the source graphs and holds the revision, so
  reads are scoped to our graphs (a server also holds others, e.g. Virtuoso's system
  graphs) and every API process over the same server sees every write;
- large reads come in pages checked against a COUNT, and a SELECT the server cut short
  (Virtuoso's `ResultSetMaxRows`) is read again in pages it allows, or raises: never a
  partial answer passed off as the whole one.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import httpx
import pyoxigraph as ox

from kg import sparql_syntax
from kg.backends.base import STAGING_PREFIX, BaseStore, QueryResult
from kg.backends.sparql_text import into_default_graph, with_options
from kg.errors import RemoteStoreError, UnsupportedUpdateError
from kg.iris import DERIVED_GRAPHS, GRAPH
from kg.settings import Settings
from kg.sparql_syntax import classify

STORE_NS = "https://w3id.org/ffkg/store#"
#: The bookkeeping graph: which graphs are ours, and the revision.
META_GRAPH = GRAPH + "_store"
#: Where default-graph quads live: Virtuoso has no plain default graph to write to.
DEFAULT_GRAPH = GRAPH + "_default"

_META = f"<{META_GRAPH}>"
_SOURCE = f"<{STORE_NS}graph>"
_REVISION = f"<{STORE_NS}revision>"
#: An upsert: a missing revision (a server wiped by hand) starts again at 1 instead of staying stuck.
_BUMP = (
    f"DELETE {{ GRAPH {_META} {{ {_META} {_REVISION} ?old }} }} "
    f"INSERT {{ GRAPH {_META} {{ {_META} {_REVISION} ?new }} }} "
    f"WHERE {{ OPTIONAL {{ GRAPH {_META} {{ {_META} {_REVISION} ?old }} }} BIND(COALESCE(?old, 0) + 1 AS ?new) }}"
)
#: Run once per server, by `connect`, so that `_BUMP` has a revision to increment.
_START = f"INSERT DATA {{ GRAPH {_META} {{ {_META} {_REVISION} 1 }} }}"
#: An IRI's scheme: without one, which graph an IRI names depends on the base.
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
#: Virtuoso names blank nodes `nodeID://b1` in JSON results, which is not a valid blank node label.
_VIRTUOSO_BNODE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')
_RESULTS_JSON = "application/sparql-results+json"
_N_TRIPLES = "application/n-triples"
#: Reads of the graph list before a count that keeps changing under it is reported.
REGISTRY_READS = 3
_CREDENTIALS_HINT = "check FFKG_SPARQL_AUTH, FFKG_SPARQL_USER and FFKG_SPARQL_PASSWORD"


class SparqlStore(BaseStore):
    """The store on a SPARQL 1.1 server (Oxigraph, Virtuoso, GraphDB, ...); open with `connect`."""

    def __init__(
        self,
        *,
        query_url: str,
        update_url: str,
        graph_store_url: str,
        client: httpx.Client,
        page_size: int = 10_000,
        basic_auth: tuple[str, str] | None = None,
        union_default_graph: bool = False,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url
        self.graph_store_url = graph_store_url
        self.page_size = page_size
        self._client = client
        self._basic_auth = basic_auth
        self.union_default_graph = union_default_graph
        self._scope: tuple[int, list[str]] | None = None

    @classmethod
    def connect(cls, settings: Settings) -> SparqlStore:
        """Open the server the settings name and check now that it answers queries, updates and GSP."""
        if not settings.sparql_query_url or not settings.sparql_graph_store_url:
            raise RemoteStoreError(
                settings.sparql_query_url or "(no URL)",
                "FFKG_STORE=sparql needs FFKG_SPARQL_QUERY_URL and FFKG_SPARQL_GRAPH_STORE_URL "
                "(and FFKG_SPARQL_UPDATE_URL if updates go elsewhere)",
            )
        client = httpx.Client(auth=_auth(settings), timeout=settings.sparql_timeout)
        store = cls(
            query_url=settings.sparql_query_url,
            update_url=settings.sparql_update_url or settings.sparql_query_url,
            graph_store_url=settings.sparql_graph_store_url,
            client=client,
            page_size=settings.sparql_page_size,
            basic_auth=_basic_pair(settings),
            union_default_graph=settings.sparql_union_default_graph,
        )
        try:
            store._check()
        except BaseException:
            client.close()
            raise
        return store

    def close(self) -> None:
        self._client.close()

    # -- reading -----------------------------------------------------------------------------------------

    def query(self, sparql: str, **options: Any) -> QueryResult:
        """Run SPARQL on the server, seeing only our graphs unless the options name others.

        Only the four query forms are sent: some servers (Virtuoso) would run an update sent as a query.
        """
        text = with_options(sparql, options)
        try:
            shape = classify(text)
            if shape.kind != "query":
                raise SyntaxError("expected a SPARQL query (SELECT, CONSTRUCT, DESCRIBE or ASK) after the prologue")
            params = {"query": text, **self._dataset_params(options)}
            if shape.form in ("CONSTRUCT", "DESCRIBE"):
                response = self._send("POST", self.query_url, "query", data=params, accept=_N_TRIPLES, user_input=True)
                return _as_query_triples(_parse_triples(response))
            return self._results(params, user_input=True)
        except SyntaxError as rejected:
            raise located(sparql, rejected, update=False) from None

    def graphs(self) -> list[str]:
        return [graph for graph in self._registered() if graph != DEFAULT_GRAPH and graph not in DERIVED_GRAPHS]

    def has_graph(self, graph: str) -> bool:
        return bool(self._results({"query": f"ASK {{ GRAPH {_META} {{ {_META} {_SOURCE} <{graph}> }} }}"}))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Graph by graph, each read in pages, so the whole dataset never has to fit one response."""
        for name in self._registered() if graph is None else [graph]:
            target = ox.DefaultGraph() if name == DEFAULT_GRAPH else ox.NamedNode(name)
            for row in self._rows("?s ?p ?o", f"GRAPH <{name}> {{ ?s ?p ?o }}"):
                yield ox.Quad(row["s"], row["p"], row["o"], target)

    def revision(self) -> int:
        rows = list(self._results({"query": f"SELECT ?r WHERE {{ GRAPH {_META} {{ {_META} {_REVISION} ?r }} }}"}))
        return int(rows[0]["r"].value) if rows else 0

    def _count_quads(self) -> int:
        where = f"GRAPH {_META} {{ {_META} {_SOURCE} ?g }} GRAPH ?g {{ ?s ?p ?o }}"
        return self._count(where)

    # -- writing -----------------------------------------------------------------------------------------

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple | ox.Quad]) -> int:
        """Upload to a staging graph, check the server kept every triple, then `MOVE` it in place."""
        given = [ox.Triple(t.subject, t.predicate, t.object) for t in triples]
        unique = set(given)
        if not unique:
            self._write(_drop(graph))
            return 0
        staging = f"{STAGING_PREFIX}{uuid.uuid4().hex}"
        try:
            self._send(
                "PUT",
                self.graph_store_url,
                f"uploading graph {graph}",
                params={"graph": staging},
                content=ox.serialize(list(unique), format=ox.RdfFormat.N_TRIPLES),
                headers={"Content-Type": _N_TRIPLES},
            )
            kept = self._count(f"GRAPH <{staging}> {{ ?s ?p ?o }}")
            if kept != len(unique):
                raise RemoteStoreError(
                    self.graph_store_url,
                    f"the server kept {kept} of the {len(unique)} triples sent for {graph}; nothing was replaced",
                )
            self._write(f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{graph}> ; {_register(graph)}")
        except RemoteStoreError:
            with contextlib.suppress(RemoteStoreError):
                self._send("POST", self.update_url, "cleaning up", data={"update": f"DROP SILENT GRAPH <{staging}>"})
            raise
        return len(given)

    def _atomic_update(self, text: str, *, written: Sequence[str] = (), dropped: Sequence[str] = ()) -> None:
        self._write(" ; ".join([text, *map(_register, written), *map(_unregister, dropped)]))

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL Update, then list or unlist the graphs it names as they now are.

        The server's own default graph is not ours (Virtuoso has none to write to): `INSERT DATA`
        and `DELETE DATA` without a graph go to ffkg's stand-in for it; other updates should
        name their graph with `GRAPH`, `INTO` or `WITH`. Updates that could reach the bookkeeping
        graph, or write graphs that cannot be told from the text, are refused before anything runs.
        The protocol has no base IRI parameter, so `base_iri` becomes a `BASE` line in front.
        """
        refuse_unregistrable(sparql)
        sent = into_default_graph(sparql, DEFAULT_GRAPH)
        if base_iri:
            sent = f"BASE <{base_iri}>\n{sent}"
        shape = classify(sent)
        try:
            if shape.kind == "query":
                raise SyntaxError("expected a SPARQL Update, got a query")
            self._send("POST", self.update_url, "update", data={"update": sent}, user_input=True)
        except SyntaxError as rejected:
            raise located(sparql, rejected, update=True) from None
        named = sorted({iri for iri in shape.named_graphs if not _is_bookkeeping(iri)})
        if not named:
            self._write("")
            return
        values = " ".join(f"<{iri}>" for iri in named)
        filled = {
            row["g"].value
            for row in self._results(
                {"query": f"SELECT ?g WHERE {{ VALUES ?g {{ {values} }} FILTER EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} }} }}"}
            )
        }
        self._write(" ; ".join(_register(g) if g in filled else _unregister(g) for g in named))

    def _add_default_quads(self, quads: list[ox.Quad]) -> None:
        kept = list(self.quads(DEFAULT_GRAPH)) if self.has_graph(DEFAULT_GRAPH) else []
        self.replace_graph(DEFAULT_GRAPH, kept + quads)

    def _replace_all(self, quads: list[ox.Quad]) -> None:
        """Graph by graph (a server has no transaction across requests): new graphs first, then stale ones go."""
        by_graph: dict[str, list[ox.Quad]] = {}
        for quad in quads:
            name = DEFAULT_GRAPH if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
            by_graph.setdefault(name, []).append(quad)
        for graph, members in by_graph.items():
            self.replace_graph(graph, members)
        for graph in set(self._registered()) - set(by_graph):
            self._write(_drop(graph))

    # -- talking to the server ---------------------------------------------------------------------------

    def _check(self) -> None:
        """Fail at start-up, naming the endpoint, if any of the three does not work as configured."""
        revision = f"ASK {{ GRAPH {_META} {{ {_META} {_REVISION} ?r }} }}"
        started = bool(self._results({"query": revision}))
        probe = f"DROP SILENT GRAPH <{STAGING_PREFIX}probe>"
        self._send("POST", self.update_url, "update", data={"update": probe if started else _START})
        self._send("GET", self.graph_store_url, "reading a graph", params={"graph": META_GRAPH}, accept=_N_TRIPLES)

    def _write(self, update: str) -> None:
        """Run our own update together with the revision bump, in one request."""
        statement = f"{update} ; {_BUMP}" if update else _BUMP
        self._send("POST", self.update_url, "update", data={"update": statement})
        self._scope = None

    def _registered(self) -> list[str]:
        """Our graphs (the default-graph stand-in included), sorted.

        Another process may register a graph between the count and the pages (parallel ingest
        does): the list is then read again, and only a mismatch that persists is an error.
        """
        for attempt in range(REGISTRY_READS):
            try:
                return [row["g"].value for row in self._rows("?g", f"GRAPH {_META} {{ {_META} {_SOURCE} ?g }}")]
            except RemoteStoreError:
                if attempt == REGISTRY_READS - 1:
                    raise
        raise AssertionError("unreachable")

    def _dataset_params(self, options: dict[str, Any]) -> dict[str, list[str]]:
        """The protocol's dataset: what the caller asked for, else the union of our graphs."""
        default = options.get("default_graph")
        named = options.get("named_graphs")
        union = options.get("use_default_graph_as_union", True)
        if default is None and named is None and union and self.union_default_graph:
            return {}
        if default is None and named is None:
            ours = self._scoped_graphs()
            return {"default-graph-uri": [*ours, DEFAULT_GRAPH] if union else [DEFAULT_GRAPH], "named-graph-uri": ours}
        if not isinstance(default, list):
            default = [ox.DefaultGraph()] if default is None else [default]
        return {
            "default-graph-uri": [DEFAULT_GRAPH if isinstance(g, ox.DefaultGraph) else g.value for g in default],
            "named-graph-uri": self._scoped_graphs() if named is None else [g.value for g in named],
        }

    def _scoped_graphs(self) -> list[str]:
        """Our named graphs (sources and the graphs derived from them), cached until the revision moves."""
        revision = self.revision()
        if self._scope is None or self._scope[0] != revision:
            self._scope = (revision, [graph for graph in self._registered() if graph != DEFAULT_GRAPH])
        return self._scope[1]

    def _rows(
        self,
        variables: str,
        where: str,
        *,
        prologue: str = "",
        dataset: dict[str, Any] | None = None,
        page_size: int | None = None,
    ) -> Iterator[ox.QuerySolution]:
        """All solutions of a pattern, in ordered pages, checked against a COUNT so none go missing."""
        size = page_size or self.page_size
        expected = self._count(where, prologue=prologue, dataset=dataset)
        seen = 0
        for offset in range(0, expected, size):
            page = f"{prologue}SELECT {variables} WHERE {{ {where} }} ORDER BY {variables} LIMIT {size} OFFSET {offset}"
            for row in self._results({"query": page, **(dataset or {})}):
                seen += 1
                yield row
        if seen != expected:
            raise RemoteStoreError(
                self.query_url,
                f"the server returned {seen} of {expected} rows; raise its result limit (Virtuoso: ResultSetMaxRows) "
                "or lower FFKG_SPARQL_PAGE_SIZE",
            )

    def _count(self, where: str, *, prologue: str = "", dataset: dict[str, Any] | None = None) -> int:
        rows = self._results({"query": f"{prologue}SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", **(dataset or {})})
        return int(next(iter(rows))["n"].value)

    def _results(self, params: dict[str, Any], *, user_input: bool = False) -> ox.QuerySolutions | ox.QueryBoolean:
        response = self._send("POST", self.query_url, "query", data=params, accept=_RESULTS_JSON, user_input=user_input)
        if "x-sparql-maxrows" in response.headers:
            return self._read_again_in_pages(params, response)
        return self._parsed(response)

    def _read_again_in_pages(self, params: dict[str, Any], cut: httpx.Response) -> ox.QuerySolutions:
        """The whole answer to a SELECT the server cut short (Virtuoso's ResultSetMaxRows), in pages it allows.

        An ordered query cannot be paged without losing its order, so that one is an error instead.
        """
        limit = int(cut.headers["x-sparql-maxrows"])
        text = params["query"]
        shape = classify(text)
        if shape.form != "SELECT" or shape.ordered:
            raise RemoteStoreError(
                self.query_url,
                f"the server cut the result at {limit} rows and an ordered query cannot be read in pages; "
                "raise ResultSetMaxRows in virtuoso.ini",
            )
        names = [variable.value for variable in self._parsed(cut).variables]
        variables = " ".join(f"?{name}" for name in names)
        rows = self._rows(
            variables,
            f"{{ {text[shape.body_start :]} }}",
            prologue=text[: shape.body_start],
            dataset={key: value for key, value in params.items() if key != "query"},
            page_size=min(limit, self.page_size),
        )
        lines = ["\t".join(f"?{name}" for name in names)]
        lines += ["\t".join("" if row[name] is None else str(row[name]) for name in names) for row in rows]
        return ox.parse_query_results("\n".join(lines) + "\n", ox.QueryResultsFormat.TSV)

    def _parsed(self, response: httpx.Response) -> ox.QuerySolutions | ox.QueryBoolean:
        try:
            return ox.parse_query_results(_VIRTUOSO_BNODE.sub(rb"\1", response.content), ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as error:
            raise RemoteStoreError(
                self.query_url,
                f"the answer is not SPARQL JSON results ({response.headers.get('content-type')}: {error}); "
                "is FFKG_SPARQL_QUERY_URL a SPARQL endpoint?",
            ) from None

    def _send(
        self,
        method: str,
        url: str,
        what: str,
        *,
        accept: str | None = None,
        user_input: bool = False,
        **request: Any,
    ) -> httpx.Response:
        """One HTTP request; every way it can fail becomes an error naming the URL and what failed.

        A 400 for the caller's own SPARQL is a `SyntaxError`, as the embedded engine raises.
        """
        if accept:
            request["headers"] = {**request.get("headers", {}), "Accept": accept}
        try:
            response = self._client.request(method, url, **request)
        except httpx.TimeoutException:
            raise RemoteStoreError(url, f"{what} took longer than FFKG_SPARQL_TIMEOUT allows") from None
        except httpx.HTTPError as error:
            raise RemoteStoreError(url, f"{what} failed: cannot reach the server ({error}); is it running?") from None
        status = response.status_code
        if status == 401:
            raise RemoteStoreError(url, f"{what} refused with HTTP 401 (not authenticated); {_CREDENTIALS_HINT}")
        if status == 403:
            raise RemoteStoreError(
                url,
                f"{what} refused with HTTP 403 (read-only server, or an account without rights); {_CREDENTIALS_HINT}",
            )
        if status == 400 and user_input:
            raise SyntaxError(f"the SPARQL server rejected it: {_excerpt(response.text)}")
        if status >= 400:
            raise RemoteStoreError(url, f"{what} failed with HTTP {status}: {_excerpt(response.text)}")
        return response


def _auth(settings: Settings) -> httpx.Auth | None:
    secret = settings.sparql_password.get_secret_value() if settings.sparql_password else None
    url = settings.sparql_query_url or ""
    if settings.sparql_auth == "none":
        return None
    if settings.sparql_auth == "bearer":
        if not secret:
            raise RemoteStoreError(url, "bearer auth needs the token in FFKG_SPARQL_PASSWORD")
        return _Bearer(secret)
    if not settings.sparql_user or secret is None:
        raise RemoteStoreError(url, f"{settings.sparql_auth} auth needs FFKG_SPARQL_USER and FFKG_SPARQL_PASSWORD")
    if settings.sparql_auth == "basic":
        return httpx.BasicAuth(settings.sparql_user, secret)
    return httpx.DigestAuth(settings.sparql_user, secret)


class _Bearer(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        request.headers["Authorization"] = self._header
        yield request


def _basic_pair(settings: Settings) -> tuple[str, str] | None:
    if settings.sparql_auth != "basic" or not settings.sparql_user or settings.sparql_password is None:
        return None
    return settings.sparql_user, settings.sparql_password.get_secret_value()


def _register(graph: str) -> str:
    return f"INSERT DATA {{ GRAPH {_META} {{ {_META} {_SOURCE} <{graph}> }} }}"


def refuse_unregistrable(sparql: str) -> None:
    """Refuse an update that would touch the bookkeeping graph, or write graphs this store cannot list.

    Graphs named by absolute IRI are fine; `DROP ALL`, `CLEAR NAMED` and friends would wipe the
    bookkeeping graph, and `GRAPH ?g` lets the server pick graphs that would never be registered.
    A graph named by a prefixed name or a relative IRI is refused too: the text alone does not say
    which graph it is, so it could be the bookkeeping graph, and a graph it writes would go unlisted.
    """
    previous: str | None = None
    for token in sparql_syntax.tokens(sparql):
        text = sparql[token.start : token.end]
        word = sparql_syntax.keyword(sparql, token)
        if token.kind == "iri" and _is_bookkeeping(text[1:-1]):
            raise UnsupportedUpdateError(f"the update names {text}, the remote store's own bookkeeping graph")
        if previous in ("DROP", "CLEAR") and word in ("ALL", "NAMED"):
            raise UnsupportedUpdateError(
                f"{previous} {word} would also wipe the remote store's bookkeeping graph; "
                "drop or clear graphs by name (GRAPH <iri>) or DEFAULT"
            )
        if previous == "GRAPH" and token.kind == "variable":
            raise UnsupportedUpdateError(
                f"GRAPH {text} in an update lets the server choose which graphs it writes, and the remote "
                "store could not list them as its own; name each graph with GRAPH <iri>"
            )
        if previous in sparql_syntax.GRAPH_NAMING and _unresolved_graph_name(text, token.kind, word):
            raise UnsupportedUpdateError(
                f"the graph name {text} in an update is not a full IRI, and the remote store lists the graphs "
                "an update writes (and keeps its own bookkeeping graph apart) by full IRI; write it as "
                "<http://...>"
            )
        previous = previous if word == "SILENT" else word


def _unresolved_graph_name(text: str, kind: str, word: str | None) -> bool:
    """A prefixed name, or an IRI without a scheme: which graph it is depends on the prologue or the base."""
    if kind == "word":
        return word is None
    return kind == "iri" and _ABSOLUTE_IRI.match(text, 1) is None


def _drop(graph: str) -> str:
    return f"DROP SILENT GRAPH <{graph}> ; {_unregister(graph)}"


def _unregister(graph: str) -> str:
    return f"DELETE DATA {{ GRAPH {_META} {{ {_META} {_SOURCE} <{graph}> }} }}"


def _is_bookkeeping(iri: str) -> bool:
    return iri == META_GRAPH or iri.startswith(STAGING_PREFIX)


def _parse_triples(response: httpx.Response) -> list[ox.Triple]:
    try:
        return list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as error:
        raise RemoteStoreError(str(response.url), f"the answer is not N-Triples: {error}") from None


def _as_query_triples(triples: list[ox.Triple]) -> ox.QueryTriples:
    """Real `QueryTriples` (the type the embedded engine returns) holding the server's answer."""
    scratch = ox.Store()
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")


def _excerpt(text: str) -> str:
    """The server's answer as one line of plain text. Servers echo the query in their error pages, so
    the text may be hostile: a tag ends at the next `<` too, which keeps a run of `<` linear."""
    plain = re.sub(r"\s+", " ", re.sub(r"<[^<>]+>", " ", text)).strip()
    return plain[:300] or "(empty answer)"


def located(sparql: str, rejected: SyntaxError, *, update: bool) -> SyntaxError:
    """The server's rejection, or our own parser's error with its line and column where it finds one.

    Servers word syntax errors their own way (Virtuoso gives a line, no column); the embedded
    engine's parser, run on an empty in-memory store, reports the position the embedded backend
    does. Text that could fetch from elsewhere (LOAD, SERVICE) is never run there.
    """
    if classify(sparql).fetches:
        return rejected
    probe = ox.Store()
    try:
        if update:
            probe.update(sparql)
        else:
            probe.query(sparql)
    except SyntaxError as local:
        return local
    except (OSError, RuntimeError, ValueError):
        return rejected
    return rejected
