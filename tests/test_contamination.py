"""The test split stays unseen: no eight consecutive words of a test text may appear in `kg/` or `tests/`.

Words are compared lower-cased with punctuation stripped, so a quote re-punctuated in a
docstring still counts. Sequences the train or dev texts also contain are allowed: those are
stock phrases ("of the Bureau of Alcohol, Tobacco, Firearms and Explosives"), and train and
dev text may be quoted. The check reports only our file and line, never the test text.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path

from kg.corpus import REPOSITORY_ROOT, split_texts

WINDOW = 8
SCANNED = ("kg", "tests")
SKIPPED_DIRS = {"__pycache__"}


def words(text: str) -> list[str]:
    """Lower-case words with every punctuation mark dropped (apostrophes join: "mexico's" is "mexicos")."""
    return re.sub(r"[^\w\s]", "", text.lower().replace("\u2019", "'")).split()


def windows(tokens: list[str]) -> Iterator[tuple[int, tuple[str, ...]]]:
    for i in range(len(tokens) - WINDOW + 1):
        yield i, tuple(tokens[i : i + WINDOW])


def file_text(path: Path) -> str | None:
    """A file's text (gzip unpacked), or None for a binary file."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def scanned_files() -> Iterator[Path]:
    for top in SCANNED:
        for path in sorted((REPOSITORY_ROOT / top).rglob("*")):
            if path.is_file() and not SKIPPED_DIRS & set(path.parts):
                yield path


def test_no_eight_words_of_a_test_text_appear_in_the_code_or_the_tests() -> None:
    forbidden = {w for text in split_texts("test") for _, w in windows(words(text.info.text))}
    forbidden -= {
        w for split in ("train", "dev") for text in split_texts(split) for _, w in windows(words(text.info.text))
    }
    assert forbidden, "the test split has no text to protect"
    found = []
    for path in scanned_files():
        text = file_text(path)
        if text is None:
            continue
        tokens: list[str] = []
        line_of: list[int] = []
        for number, line in enumerate(text.splitlines(), 1):
            line_words = words(line)
            tokens += line_words
            line_of += [number] * len(line_words)
        lines = sorted({line_of[i] for i, w in windows(tokens) if w in forbidden})
        found += [f"{path.relative_to(REPOSITORY_ROOT)}:{number}" for number in lines]
    assert not found, f"eight consecutive words of a test-split text appear at: {', '.join(found[:40])}"


def test_the_check_catches_a_reworded_quote() -> None:
    quote = "Agents SEIZED, on Tuesday, twelve rifles bound for the border at Nogales!"
    assert words(quote)[:8] == ["agents", "seized", "on", "tuesday", "twelve", "rifles", "bound", "for"]
    assert set(windows(words(quote))) & set(windows(words("agents seized on tuesday twelve rifles bound for the")))
