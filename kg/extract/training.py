"""Trained extraction components: a registry of trainers and the models they ship.

A component that learns a decision registers a trainer here under its model's name; the
trainer turns parsed training texts into a model, the model's JSON form (readable weights of
named features) and a few lines of report (the top-weighted features). `ffkg train` runs every
trainer on the train split and writes the JSON to `kg/data/models/NAME.json`; `ffkg eval --cv K`
runs them on each fold's training part and swaps the fold's models in with `using()`. Trainers
run in registration order, and each later trainer sees the models trained before it, so an
argument model can rely on a trigger model. Components read their model with
`model(NAME, load)`, where `load` reads the shipped file once per process.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg.records import DocumentInfo

MODELS_DIR = Path(__file__).resolve().parents[1] / "data" / "models"
#: Seed of every trainer, unless a caller asks for another.
SEED = 20261207


@dataclass(frozen=True)
class Example:
    """One training text: the document, its finished parse, its gold annotation and the pipeline."""

    info: DocumentInfo
    doc: Doc
    gold: dict[str, Any]
    nlp: Language


@dataclass
class Trained:
    """A trainer's result: the model components use, its JSON form to ship, the report's lines."""

    model: Any
    data: dict[str, Any]
    report: list[str] = field(default_factory=list)


Trainer = Callable[[Sequence[Example], int], Trained]
_TRAINERS: dict[str, Trainer] = {}
_OVERRIDES: list[dict[str, Any]] = []


def trainer(name: str) -> Callable[[Trainer], Trainer]:
    """Register `fn(examples, seed) -> Trained` as the trainer of model `name`."""

    def register(fn: Trainer) -> Trainer:
        _TRAINERS[name] = fn
        return fn

    return register


def trainers() -> dict[str, Trainer]:
    """Every registered trainer, in registration order (importing `kg.extract` registers them all)."""
    import kg.extract  # noqa: F401  (the components register their trainers on import)

    return dict(_TRAINERS)


def train_all(examples: Sequence[Example], *, seed: int = SEED) -> dict[str, Trained]:
    """Run every trainer; each later one sees the models trained before it."""
    trained: dict[str, Trained] = {}
    for name, fn in trainers().items():
        with using({k: t.model for k, t in trained.items()}):
            trained[name] = fn(examples, seed)
    return trained


def save(trained: dict[str, Trained], directory: Path = MODELS_DIR) -> list[Path]:
    """Write each model to `directory/NAME.json`, sorted, so a retrain on the same data is byte-equal."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, result in trained.items():
        path = directory / f"{name}.json"
        text = json.dumps(result.data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    model_hashes.cache_clear()
    return paths


@contextmanager
def using(models: dict[str, Any]) -> Iterator[None]:
    """Within the block, `model(name, ...)` answers these models (cross-validation folds, training)."""
    _OVERRIDES.append(models)
    try:
        yield
    finally:
        _OVERRIDES.pop()


def model(name: str, load: Callable[[str], Any]) -> Any:
    """The model `name`: a fold's model inside `using()`, else `load(name)`, the one shipped in the package."""
    for models in reversed(_OVERRIDES):
        if name in models:
            return models[name]
    return load(name)


@cache
def shipped(name: str) -> dict[str, Any]:
    """The JSON form of model `name` as shipped in the package, read once per process."""
    from kg.extract.lexicon import package_json

    return package_json(MODELS_DIR / f"{name}.json", "run `ffkg train` to build it from the corpus")


@cache
def model_hashes() -> str:
    """Short content hashes of the shipped models ("events=1a2b3c4d,..."), for the extractor version."""
    return ",".join(
        f"{path.stem}={hashlib.sha256(path.read_bytes()).hexdigest()[:8]}" for path in sorted(MODELS_DIR.glob("*.json"))
    )
