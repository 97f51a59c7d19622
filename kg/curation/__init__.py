"""Curation: decisions people take on the graph (merge, distinct, split, reject, confirm, retype, relabel),
kept as data in their own graph and re-applied by the resolver to whatever the extractor produces next."""
