"""One typed settings object, read from `FFKG_*` environment variables at the entry points only."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything a run of ffkg can be configured with.

    Built by the CLI and by `api.create_app`, then passed down; library code never
    reads the environment itself.
    """

    model_config = SettingsConfigDict(env_prefix="FFKG_", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Folder of the embedded on-disk store.")
    in_memory: bool = Field(False, description="Keep the store in memory (tests, throw-away runs).")
    write_token: SecretStr | None = Field(
        None, description="Bearer token that enables SPARQL Update, the Graph Store protocol and ingest over HTTP."
    )
    query_timeout: float = Field(
        30.0,
        gt=0,
        description="Seconds a SPARQL query (over HTTP or `ffkg query`) may run before it is stopped, and a REST, "
        "analytics or view request that reads the store before it is answered with a 503.",
    )
    query_workers: int = Field(
        4,
        gt=0,
        description="Most SPARQL queries run at once (worker processes for the on-disk store, killed and replaced "
        "at the timeout; threads otherwise).",
    )
    max_result_rows: int = Field(100_000, gt=0, description="Most rows a SELECT may return over HTTP.")
    allow_service: bool = Field(
        False,
        description="Let SPARQL SERVICE clauses fetch other endpoints; off so anonymous clients cannot make the server "
        "send requests.",
    )
    allow_remote_fetch: bool = Field(
        False,
        description="Let SPARQL Update over HTTP use LOAD and SERVICE, which make the server fetch URLs the update "
        "names; off so a write token cannot be used to reach other hosts.",
    )
    max_body_bytes: int = Field(20_000_000, gt=0, description="Largest request body or upload accepted.")
    max_document_bytes: int = Field(20_000_000, gt=0, description="Largest article file ingest accepts.")
    host: str = Field("127.0.0.1", description="Address `ffkg serve` binds to.")
    port: int = Field(8000, ge=0, le=65535, description="Port `ffkg serve` listens on.")
    max_path_k: int = Field(10, gt=0, description="Most alternative paths a path query may ask for.")
    max_depth: int = Field(3, gt=0, description="Deepest neighbourhood a view or query may ask for.")
    store: Literal["embedded", "sparql"] = Field(
        "embedded",
        description="Where the data lives: the embedded Oxigraph store, or a shared SPARQL 1.1 server (`sparql`).",
    )
    sparql_query_url: str | None = Field(None, description="SPARQL query endpoint of the shared server.")
    sparql_update_url: str | None = Field(
        None, description="SPARQL Update endpoint of the shared server (default: the query endpoint)."
    )
    sparql_graph_store_url: str | None = Field(
        None, description="Graph Store Protocol endpoint of the shared server; each document's graph is PUT there."
    )
    sparql_auth: Literal["none", "basic", "digest", "bearer"] = Field(
        "none", description="How ffkg authenticates to the shared server."
    )
    sparql_user: str | None = Field(None, description="User name for basic or digest auth to the shared server.")
    sparql_password: SecretStr | None = Field(
        None, description="Password (basic, digest) or token (bearer) for the shared server."
    )
    sparql_page_size: int = Field(
        10_000, gt=0, description="Rows per page when reading large results from the shared server."
    )
    sparql_timeout: float = Field(120.0, gt=0, description="Seconds one HTTP request to the shared server may take.")
    sparql_union_default_graph: bool = Field(
        False,
        description="The server's default graph is already the union of its named graphs and it holds only ffkg's "
        "data (e.g. `oxigraph serve --union-default-graph` on a database of its own): queries go out without "
        "listing ffkg's graphs, which is much faster there; ffkg's bookkeeping graph is then visible to queries.",
    )
    exact_betweenness_max_nodes: int = Field(
        5000, ge=0, description="Largest network whose betweenness is computed exactly; above it sources are sampled."
    )
    betweenness_samples: int = Field(
        256, ge=2, description="Sources sampled (seeded) to estimate betweenness on networks above the exact limit."
    )

    example_queries_dir: Path = Field(
        Path(str(resources.files("kg").joinpath("example_queries"))),
        description="Folder of `.rq` research questions the /query page offers as examples.",
    )

    @property
    def store_path(self) -> Path:
        return self.data_dir / "store"

    @property
    def on_disk(self) -> bool:
        """The store is the embedded one in files under the data dir: the only kind a command can find missing,
        and the only kind a worker process can open."""
        return self.store == "embedded" and not self.in_memory
