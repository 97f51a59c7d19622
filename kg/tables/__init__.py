"""Tables as sources: flow matrices and lists of flows read from CSV or XLSX, one observation per cell.

read (`sheets`) -> map with a declarative spec (`spec`, `extract`, places via `places`) ->
RDF in the file's own named graph (`rdf`) -> store (`ingest`) -> flows and analytics (`flows`).
"""
