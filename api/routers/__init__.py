"""One router per surface: sparql, graph_store, rest, query_page (and analytics, views)."""
