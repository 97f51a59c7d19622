"""Query-string values of the views, checked against their allowed ranges.

Views take raw strings so that a bad value gets a 400 page (with the view's table of
allowed values) instead of a validation error written for programs.
"""

from __future__ import annotations

import math

from kg.errors import BadInputError


def number(name: str, raw: str | None, *, low: float, high: float, default: float) -> float:
    """A float in [low, high]; blank means the default."""
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not low <= value <= high:
        raise BadInputError(f"{name} must be a number from {low:g} to {high:g}, not {raw!r}")
    return value


def integer(name: str, raw: str | None, *, low: int, high: int, default: int) -> int:
    """An integer in [low, high]; blank means the default."""
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadInputError(f"{name} must be a whole number from {low} to {high}, not {raw!r}") from None
    if not low <= value <= high:
        raise BadInputError(f"{name} must be a whole number from {low} to {high}, not {raw!r}")
    return value


def choice(name: str, raw: str | None, *, options: tuple[str, ...], default: str) -> str:
    """One of `options`; blank means the default."""
    if raw is None or not raw.strip():
        return default
    if raw not in options:
        raise BadInputError(f"{name} must be one of {', '.join(options)}, not {raw!r}")
    return raw


def text(raw: str | None) -> str | None:
    """A free-text value with blanks treated as absent (an empty form field)."""
    return raw.strip() if raw and raw.strip() else None
