"""The exception tree. Each class carries the HTTP status the API answers with.

Messages say what was wrong and how to fix it; the CLI prints them on one line and
the API turns them into `application/problem+json`.
"""

from __future__ import annotations


class FfkgError(Exception):
    """Base of every error ffkg raises on purpose."""

    status: int = 500
    title: str = "Internal error"


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


class DocumentError(BadInputError):
    """An input document cannot be read as article text; names the file and the reason."""

    status = 422
    title = "Unreadable document"

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
