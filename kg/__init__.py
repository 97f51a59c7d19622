"""ffkg: a firearms-flow knowledge graph built from news and reports."""

__version__ = "0.1.0"
