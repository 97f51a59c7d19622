"""The exception tree. Each class carries the HTTP status the API answers with.

Messages say what was wrong and how to fix it; the CLI prints them on one line and
the API turns them into `application/problem+json`.
"""

from __future__ import annotations

from typing import Any


class FfkgError(Exception):
    """Base of every error ffkg raises on purpose."""

    status: int = 500
    title: str = "Internal error"

    def details(self) -> dict[str, Any]:
        """Extra members of the problem+json body (the limit hit, the candidates...); none by default."""
        return {}


class BadInputError(FfkgError):
    """The caller sent something we cannot use."""

    status = 400
    title = "Bad input"


class RdfParseError(BadInputError):
    """An RDF file or payload does not parse; names the source, line and problem."""

    title = "RDF syntax error"

    def __init__(self, source: str, message: str, line: int | None = None, column: int | None = None):
        where = source if line is None else f"{source}:{line}" + ("" if column is None else f":{column}")
        super().__init__(f"{where}: {message}")
        self.source = source
        self.line = line
        self.column = column


class SparqlSyntaxError(BadInputError):
    """A SPARQL query or update does not parse; carries the engine's message and position."""

    title = "SPARQL syntax error"

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column

    def details(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column}


class UnsupportedFormatError(BadInputError):
    """A format name, file extension or media type we do not handle."""

    status = 415
    title = "Unsupported format"


class NotFoundError(FfkgError):
    status = 404
    title = "Not found"


class StoreLockedError(FfkgError):
    """Another process holds the on-disk store."""

    status = 503
    title = "Store busy"


class StoreBusyError(FfkgError):
    """A write is already running; writes are serialised."""

    status = 503
    title = "Store busy"


class RemoteStoreError(FfkgError):
    """The shared SPARQL server is unreachable, refused a request, or answered incompletely; names the URL."""

    status = 502
    title = "Store server error"

    def __init__(self, url: str, message: str):
        super().__init__(f"{url}: {message}")
        self.url = url


class UnsupportedUpdateError(BadInputError):
    """An update this store cannot run safely as written (the remote store's bookkeeping); says what to write."""

    status = 422
    title = "Update not supported by this store"


class DocumentError(BadInputError):
    """An input document cannot be read as article text; names the file and the reason."""

    status = 422
    title = "Unreadable document"

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class TableSpecError(BadInputError):
    """A table mapping file is missing, does not parse, or names fields or values it cannot have."""

    title = "Bad table mapping"


class TableLayoutError(BadInputError):
    """A sheet is not laid out as its mapping says; names the sheet and the cell where the layout breaks."""

    status = 422
    title = "Unexpected table layout"

    def __init__(self, file: str, sheet: str, cell: str, reason: str):
        super().__init__(f"{file}, sheet {sheet!r}, cell {cell}: {reason}")
        self.file, self.sheet, self.cell = file, sheet, cell

    def details(self) -> dict[str, Any]:
        return {"file": self.file, "sheet": self.sheet, "cell": self.cell}


class TableImportError(BadInputError):
    """A table's cells could not all be read (non-numeric counts, unknown places, totals that differ);
    nothing of it was stored, and `problems` lists each with its sheet and cell."""

    status = 422
    title = "Table not imported"

    def __init__(self, file: str, problems: list[dict[str, Any]]):
        shown = "; ".join(f"{p['sheet']}!{p['cell']}: {p['problem']}" for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"{file}: {len(problems)} problem(s), nothing stored: {shown}{more}")
        self.file = file
        self.problems = problems

    def details(self) -> dict[str, Any]:
        return {"file": self.file, "problems": self.problems}


class AmbiguousNameError(FfkgError):
    """A label or alias names several entities; the caller must pick one of the candidates."""

    status = 409
    title = "Ambiguous name"

    def __init__(self, name: str, candidates: list[dict[str, Any]]):
        shown = "; ".join(
            f"{c['label']} ({', '.join([*c.get('types', []), *filter(None, [c.get('where')])])}, key {c['key']})"
            for c in candidates
        )
        super().__init__(f"{name!r} names {len(candidates)} entities: {shown}; ask again by key or IRI")
        self.candidates = candidates

    def details(self) -> dict[str, Any]:
        return {"candidates": self.candidates}


class NotAcceptableError(FfkgError):
    """No representation we offer matches the Accept header."""

    status = 406
    title = "Not acceptable"

    def __init__(self, accept: str, offered: list[str]):
        super().__init__(f"cannot answer with {accept!r}; this resource is offered as: {', '.join(offered)}")
        self.offered = offered

    def details(self) -> dict[str, Any]:
        return {"offered": self.offered}


class LimitError(FfkgError):
    """A configured limit was hit; `limit` names the setting so the operator knows what to raise."""

    status = 503
    title = "Limit reached"

    def __init__(self, message: str, limit: str, value: float | int):
        super().__init__(message)
        self.limit = limit
        self.value = value

    def details(self) -> dict[str, Any]:
        return {"limit": self.limit, "value": self.value}


class QueryTimeoutError(LimitError):
    status = 503
    title = "Query timeout"


class ResultTooLargeError(LimitError):
    status = 422
    title = "Result too large"


class PayloadTooLargeError(LimitError):
    status = 413
    title = "Payload too large"


class UnauthorizedError(FfkgError):
    """A write came without a bearer token."""

    status = 401
    title = "Unauthorized"


class ForbiddenError(FfkgError):
    """A write came with a wrong token, or writes are switched off."""

    status = 403
    title = "Forbidden"


class MethodNotAllowedError(FfkgError):
    status = 405
    title = "Method not allowed"

    def __init__(self, message: str, allow: list[str]):
        super().__init__(message)
        self.allow = allow


class CurationError(BadInputError):
    """A curation decision the store's state refuses (nothing was changed); says why and what to do."""

    status = 409
    title = "Decision refused"


class IncompatibleTypesError(CurationError):
    """A merge of entities whose types cannot be one thing (a Person and a Country)."""

    title = "Incompatible types"


class ContradictoryDecisionError(CurationError):
    """A decision that contradicts an earlier one; names it, so it can be undone first."""

    title = "Contradicts an earlier decision"

    def __init__(self, message: str, decision: str):
        super().__init__(message)
        self.decision = decision

    def details(self) -> dict[str, Any]:
        return {"decision": self.decision}
