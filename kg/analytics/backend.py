"""igraph behind the heavy metrics: the projection is converted once and the copy cached with it.

NetworkX stays the interface (graphs in, node-keyed dicts out); igraph's C code does the
sums when the graph is large. Vertex order follows the NetworkX node order, so a seeded
sample of sources is the same sample NetworkX would draw.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import igraph as ig
import networkx as nx

from kg.analytics.projection import derived

_rng_lock = threading.Lock()


@dataclass(frozen=True)
class IGraphView:
    """An undirected igraph copy of a graph and the node behind each vertex id."""

    graph: ig.Graph
    nodes: list[str]


def igraph_view(simple: nx.Graph) -> IGraphView:
    """The cached igraph copy of a simple undirected NetworkX graph."""

    def build() -> IGraphView:
        nodes = list(simple)
        index = {node: i for i, node in enumerate(nodes)}
        edges = [(index[u], index[v]) for u, v in simple.edges()]
        return IGraphView(ig.Graph(n=len(nodes), edges=edges, directed=False), nodes)

    return derived(simple, "igraph", build)


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Run igraph's randomised algorithms on a generator seeded with `seed`, then restore the default."""
    with _rng_lock:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            ig.set_random_number_generator(random)
