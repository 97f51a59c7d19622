"""Network analytics over the store: a NetworkX projection, explained paths, centrality,
communities, neighbourhoods and firearms-flow routes.

`projection.project` turns the RDF graph into a frozen `nx.MultiDiGraph` (cached per store
revision); the other modules take that graph first, networkx-style.
"""
