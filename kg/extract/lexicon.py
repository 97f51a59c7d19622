"""Domain vocabulary (word lists and small tables) read from `kg/data/lexicon/*.json`, once.

Knowledge is data: which words move guns, which nouns are weapons, which words make a title.
Each file is a JSON object of named lists; `words(file, name)` gives one list as a frozenset.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

LEXICON_DIR = Path(__file__).resolve().parent.parent / "data" / "lexicon"


def package_json(path: Path, remedy: str) -> dict[str, Any]:
    """A JSON data file the package ships; a missing one is an error saying how to get it back."""
    if not path.is_file():
        raise FileNotFoundError(f"data file {path} is missing: {remedy}")
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def lexicon(name: str) -> dict[str, Any]:
    """The whole `kg/data/lexicon/NAME.json` object (read once per process)."""
    return package_json(LEXICON_DIR / f"{name}.json", "the package data is incomplete (reinstall ffkg)")


def words(name: str, key: str) -> frozenset[str]:
    """One named word list of a lexicon file, as a set."""
    try:
        return frozenset(lexicon(name)[key])
    except KeyError:
        raise KeyError(f"lexicon {name}.json has no list {key!r}") from None
