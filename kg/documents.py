"""Read input files into `DocumentInfo`: the first stage, before any NLP.

Plain text may start with a header line `date YYYY-MM-DD <title>`. The document text is
then the file with the `date YYYY-MM-DD ` prefix removed, so it starts with the title
line: titles name entities too, and every offset stays a plain index into `text`.
Lines `url:`, `outlet:`, `author:` and `language:` right after the date line say where the
article comes from; in `text` they become as many line breaks (a paragraph break between the
title and the body, as in an article without them), so a span of `text` plus
`DocumentInfo.offset` (the prefix's length) is the same span of the file as given.
Without a header the text is the whole file, the title its first non-empty line, and the
date unknown (None). A first line that tries to be a date line and is not one
(`date 14/03/2024`, `date 2024-02-30`, a `----------` placeholder) is refused, so a typo
never becomes a dateless article or a title. HTML goes through trafilatura; its text is
the title line, a blank line, then the body; its URL, site name, author and language come from
the page's metadata.

Binary files are refused by their content (the signatures in `kg/data/file_signatures.json`,
NUL and control bytes), whatever their extension: a PDF saved as `.txt` is a PDF. Folders
are walked for text and HTML files; any other file in them is reported as `Skipped`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date as calendar_date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import charset_normalizer
import trafilatura

from kg.errors import DocumentError
from kg.records import DocumentInfo

DEFAULT_MAX_BYTES = 20_000_000
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
#: charset-normalizer guesses noisier than this are refused instead of decoded.
MAX_CHAOS = 0.2
#: Fewer words than this after boilerplate removal means the page holds no article.
MIN_HTML_WORDS = 5
PREFERRED_ENCODINGS = frozenset({"cp1252", "latin_1", "iso8859_15", "utf_16", "utf_16_le", "utf_16_be"})

_HEADER = re.compile(r"\A\s*date[ \t]+(\d{4}-\d{2}-\d{2})(?:[ \t]+|[ \t]*\n)")
#: A first line meant as a date line: `date` then a separator, or a placeholder of dashes.
_DATE_LINE_ATTEMPT = re.compile(r"date\b(?:[ \t:=-]|$)|-{4,}$", re.IGNORECASE)
_HTML_START = re.compile(rb"\A\s*(<!doctype\s+html|<html)", re.IGNORECASE)
_CITATION_LINE = re.compile(r"(url|outlet|author|language):(.*)", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s/]+\S*")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
_HTML_LANG = re.compile(r"<html\b[^>]*\blang=[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)", re.IGNORECASE)


def read_document(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> DocumentInfo:
    """Read one file; raise `DocumentError` naming the file when it is not usable text."""
    path = Path(path)
    if not path.exists():
        raise DocumentError(str(path), "no such file")
    if not path.is_file():
        raise DocumentError(str(path), "not a regular file (give a file or a folder)")
    size = path.stat().st_size
    if size > max_bytes:
        raise DocumentError(str(path), f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
    return parse_document(path.read_bytes(), name=path.name, source=str(path), max_bytes=max_bytes)


def parse_document(raw: bytes, *, name: str, source: str = "", max_bytes: int = DEFAULT_MAX_BYTES) -> DocumentInfo:
    """Turn the raw bytes of a file or upload called `name` into a `DocumentInfo`."""
    where = source or name
    if len(raw) > max_bytes:
        raise DocumentError(where, f"input is {len(raw):,} bytes, over the {max_bytes:,}-byte limit")
    if not raw.strip():
        raise DocumentError(where, "file is empty")
    _refuse_binary_formats(raw, where)
    if b"\x00" in raw:
        raise DocumentError(where, "binary file (contains NUL bytes), expected text or HTML")
    text = _decode(raw, where)
    if not text.strip():
        raise DocumentError(where, "file is empty (only whitespace)")
    stem = Path(name).stem
    digest = hashlib.sha256(raw).hexdigest()
    if Path(name).suffix.lower() in HTML_SUFFIXES or _HTML_START.match(raw):
        title, date, body, citation = _html_parts(text, where)
        title = title or stem
        return DocumentInfo(stem, title, date, f"{title}\n\n{body}", source, digest, **citation)
    header = _HEADER.match(text)
    if header:
        _check_date(header.group(1), where)
        given = text[header.end() :]
        body, citation = _citation_lines(given, where, title_on_date_line=not header.group(0).endswith("\n"))
        title = next((line.strip() for line in body.split("\n") if line.strip()), stem)
        prefix = header.end()
        return DocumentInfo(stem, title, header.group(1), body, source, digest, prefix, text, **citation)
    first = text.strip().split("\n", 1)[0].strip()
    if _DATE_LINE_ATTEMPT.match(first):
        raise DocumentError(
            where,
            f"the first line {first[:60]!r} is not a date line: write `date YYYY-MM-DD Title` "
            "(e.g. `date 2024-03-14 Rifles seized in Sonora`), or leave the line out and the date stays unknown",
        )
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), stem)
    return DocumentInfo(stem, first_line, None, text, source, digest)


class Skipped(NamedTuple):
    """A file in a folder that ingest leaves alone, and why; the ingest report lists it."""

    path: str
    reason: str


def another_existing_file(stored: str, given: str) -> bool:
    """Whether `stored` names an existing file other than `given` (a moved or renamed file is not one).

    Two files that map to one stored id would silently replace each other; a stored source that
    no longer exists was moved or renamed, and its new copy may take its place.
    """
    if not stored or not given or stored == given:
        return False
    try:
        return Path(stored).is_file() and not Path(stored).samefile(given)
    except OSError:
        return False


def iter_documents(
    paths: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[DocumentInfo | DocumentError | Skipped]:
    """Yield a document or the error of each input file, so a batch can go on past bad files.

    Folders are walked recursively, in sorted order: text and HTML files are read, any other
    file is yielded as `Skipped` with the reason. A file named on its own is always read.
    """
    for path in paths:
        path = Path(path)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            reason = _skip_reason(file) if file != path else None
            if reason:
                yield Skipped(str(file), reason)
                continue
            try:
                yield read_document(file, max_bytes=max_bytes)
            except DocumentError as error:
                yield error


def _skip_reason(file: Path) -> str | None:
    """Why a file found in a folder is not read as an article, or None to read it."""
    suffix = file.suffix.lower()
    if suffix in TEXT_SUFFIXES | HTML_SUFFIXES:
        return None
    readable = ", ".join(sorted(TEXT_SUFFIXES | HTML_SUFFIXES))
    if not suffix:
        return f"no file extension; articles in a folder are read when named {readable} (or name the file itself)"
    return f"{suffix} is not an article format read from folders ({readable}); name the file itself to try it"


class Signature(NamedTuple):
    magic: bytes
    within: int
    format: str
    advice: str


@cache
def signatures() -> tuple[Signature, ...]:
    """The binary formats refused by content, read once from the package data."""
    data = json.loads(resources.files("kg").joinpath("data", "file_signatures.json").read_text(encoding="utf-8"))
    return tuple(
        Signature(bytes.fromhex(item["hex"]), item["within"], item["format"], item["advice"])
        for item in data["signatures"]
    )


def _refuse_binary_formats(raw: bytes, where: str) -> None:
    """A `DocumentError` naming the format when the bytes are a known binary one, whatever the extension."""
    for signature in signatures():
        if raw.find(signature.magic, 0, signature.within + len(signature.magic)) >= 0:
            raise DocumentError(where, f"{signature.format} is not supported: {signature.advice}")


def _check_date(text: str, where: str) -> None:
    try:
        calendar_date.fromisoformat(text)
    except ValueError:
        raise DocumentError(
            where, f"the date line gives {text}, which is not a calendar date; write `date YYYY-MM-DD Title`"
        ) from None


def _decode(raw: bytes, where: str) -> str:
    """UTF-8 first; otherwise the encoding charset-normalizer is confident about."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        guess = _best_guess(raw)
        if guess is None or guess.chaos > MAX_CHAOS:
            raise DocumentError(where, "not valid UTF-8 and no other text encoding fits; re-save as UTF-8") from None
        text = str(guess)
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(3, len(text) // 100):
        raise DocumentError(where, "binary file (control characters), expected text or HTML")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _best_guess(raw: bytes) -> charset_normalizer.CharsetMatch | None:
    """The least chaotic decoding; on a tie the Western code pages most web text uses."""
    matches = list(charset_normalizer.from_bytes(raw))
    if not matches:
        return None
    return min(matches, key=lambda m: (m.chaos, m.encoding not in PREFERRED_ENCODINGS))


def _citation_lines(body: str, where: str, *, title_on_date_line: bool) -> tuple[str, dict[str, str]]:
    """The `url:`/`outlet:`/`author:`/`language:` lines after the date line, read and blanked to line breaks."""
    lines = body.split("\n")
    citation: dict[str, str] = {}
    for number in range(1 if title_on_date_line else 0, len(lines)):
        match = _CITATION_LINE.fullmatch(lines[number].strip())
        if not match:
            break
        name, value = match.group(1).lower(), match.group(2).strip()
        citation[name] = _citation_value(name, value, citation, where)
        lines[number] = "\n" * len(lines[number])
    return "\n".join(lines), citation


def _citation_value(name: str, value: str, seen: dict[str, str], where: str) -> str:
    """The value of one header line, or a `DocumentError` saying what the line should look like."""
    if name in seen:
        raise DocumentError(where, f"the header line `{name}:` is given twice; keep one")
    if not value:
        raise DocumentError(where, f"the header line `{name}:` is empty; give a value or leave the line out")
    if name == "url" and not _URL.fullmatch(value):
        raise DocumentError(where, f"the header line `url: {value[:60]}` is not an http(s) URL (e.g. `url: https://…`)")
    if name == "language" and not _LANGUAGE.fullmatch(value):
        raise DocumentError(
            where, f"the header line `language: {value[:20]}` is not a language code (e.g. `language: en` or `es-MX`)"
        )
    return value


def _html_parts(html: str, where: str) -> tuple[str, str | None, str, dict[str, str]]:
    extracted = trafilatura.extract(html, output_format="json", with_metadata=True, include_comments=False)
    data = json.loads(extracted) if extracted else {}
    body = (data.get("text") or "").strip()
    if len(body.split()) < MIN_HTML_WORDS:
        raise DocumentError(where, "HTML page has no article text (only navigation or boilerplate)")
    date = data.get("date")
    if date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        date = None
    lang = _HTML_LANG.search(html[:5000])
    found = {
        "url": data.get("source") or data.get("url"),
        "outlet": data.get("source-hostname") or data.get("hostname"),
        "author": data.get("author"),
        "language": data.get("language") or (lang.group(1) if lang else None),
    }
    citation = {name: value.strip() for name, value in found.items() if isinstance(value, str) and value.strip()}
    if "url" in citation and not _URL.fullmatch(citation["url"]):
        del citation["url"]
    return (data.get("title") or "").strip(), date, body, citation
