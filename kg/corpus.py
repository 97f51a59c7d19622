"""The annotated corpus in the checkout: which texts are train, dev and test, and their parses.

`corpus/split.json` is not package data: training and evaluation run from a checkout, so the
split is read from a repository root (the checkout this package lives in unless one is given).
Parsing 75 texts with spaCy takes minutes on a small machine, so parses are cached on disk,
keyed by the text and the pipeline they came from; the gazetteer step is applied after loading,
so gazetteer edits never need a fresh parse.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.errors import BadInputError, DocumentError
from kg.records import DocumentInfo

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]
SPLIT_FILE = Path("corpus") / "split.json"
SPLITS = ("train", "dev", "test")
#: Splits one may tune on; `test` is only ever scored, and only when asked for by name.
TUNING_SPLITS = ("train", "dev")
CACHE_DIR = Path(".cache") / "parsed"


@dataclass(frozen=True)
class GoldText:
    """One annotated text: `NAME.txt` with its `NAME.gold.json` beside it, each read when first used."""

    path: Path

    @property
    def name(self) -> str:
        return self.path.name[: -len(".txt")]

    @property
    def gold_path(self) -> Path:
        return self.path.with_name(self.name + ".gold.json")

    @cached_property
    def gold(self) -> dict[str, Any]:
        return json.loads(self.gold_path.read_text(encoding="utf-8"))

    @cached_property
    def info(self) -> DocumentInfo:
        """The document as ingestion reads it."""
        from kg.documents import read_document

        return read_document(self.path)


def split_names(root: Path | None = None) -> dict[str, list[str]]:
    """The split file's lists of text paths (relative to `root`), by split name."""
    path = (root or REPOSITORY_ROOT) / SPLIT_FILE
    if not path.is_file():
        raise DocumentError(str(path), "no split file here; run from a checkout or pass its root (--root)")
    data = json.loads(path.read_text(encoding="utf-8"))
    return {split: list(data[split]) for split in SPLITS}


def split_texts(split: str, root: Path | None = None) -> list[GoldText]:
    """The annotated texts of `split` (train, dev, test, or all three), in the split file's order."""
    root = root or REPOSITORY_ROOT
    names = split_names(root)
    chosen = SPLITS if split == "all" else (split,)
    if any(name not in names for name in chosen):
        raise BadInputError(f"unknown split {split!r}: choose one of {', '.join(SPLITS)} or all")
    texts = [GoldText(root / name) for part in chosen for name in names[part]]
    for text in texts:
        if not text.path.is_file() or not text.gold_path.is_file():
            raise DocumentError(str(text.path), "listed in the split file, but it or its .gold.json is missing")
    return texts


def tuning_texts(root: Path | None = None) -> list[GoldText]:
    """The texts one may tune and train on, train then dev (never test): what the shipped models
    learn from and what cross-validation folds."""
    return [text for split in TUNING_SPLITS for text in split_texts(split, root)]


def folds(texts: Sequence[GoldText], k: int, *, seed: int) -> list[list[GoldText]]:
    """`k` folds of about equal size, shuffled with `seed`, so cross-validation is repeatable."""
    if not 2 <= k <= len(texts):
        raise BadInputError(f"cross-validation needs 2 <= k <= {len(texts)} texts, got k={k}")
    order = list(texts)
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


def cached_docs(texts: Sequence[str], nlp: Language, directory: Path | None = None) -> list[Doc]:
    """`nlp(text)` for each text, from the on-disk cache when the same pipeline parsed it before.

    The gazetteer step is left out of the cached parse and run on each load.
    """
    from kg.extract import GAZETTEER_PIPE

    directory = directory or REPOSITORY_ROOT / CACHE_DIR
    infixes = getattr(nlp.tokenizer.infix_finditer, "__self__", None)
    salt = json.dumps([nlp.meta.get("name"), nlp.meta.get("version"), spacy.__version__, nlp.pipe_names])
    salt += infixes.pattern if infixes is not None else ""
    paths = [directory / f"{hashlib.sha256((salt + chr(0) + t).encode()).hexdigest()[:32]}.spacy" for t in texts]
    missing = [i for i, path in enumerate(paths) if not path.is_file()]
    if missing:
        directory.mkdir(parents=True, exist_ok=True)
        with nlp.select_pipes(disable=[GAZETTEER_PIPE]):
            for i, doc in zip(missing, nlp.pipe(texts[i] for i in missing), strict=True):
                paths[i].write_bytes(doc.to_bytes())
    gazetteer = nlp.get_pipe(GAZETTEER_PIPE)
    return [gazetteer(Doc(nlp.vocab).from_bytes(path.read_bytes())) for path in paths]
