"""The trained entity-type decision: which type a found name has, given how the text uses it.

The gazetteer, spaCy and the rules propose a type for each entity (`entities.rule_entities`);
a multinomial model over readable features of its mentions (the words of the name and its head
word, its last letters, spaCy's label, the gazetteer's reading, the words around each mention,
a "City, State" apposition, capitalisation) says which type it is. The model learns from the
train split which proposals hold for names the gazetteer does not know (its types are curated
and stay): a named man spaCy calls ORG, a district or suburb it calls a person, a police
force. A proposal is replaced only when the model is surer than the threshold chosen by
cross-validation inside the training texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc

from kg.corpus import folds
from kg.extract.entities import Entity, records, rule_entities
from kg.extract.multiclass import MulticlassModel, fit
from kg.extract.training import Example, Trained, model, shipped, trainer
from kg.records import ENTITY_TYPES

TYPE_MODEL = "entity_types"
FOLDS = 5
C = 0.3
#: The model overrides the rules only when it is at least 3:1 sure: on dev, thresholds from 0.65 to
#: 0.85 type as well as the rules (typed F1 0.9155) and fix other names, 0.5 loses (0.9134).
THRESHOLDS = (0.75, 0.8, 0.85, 0.9, 0.95, 1.01)
#: Types the model may assign; an entity whose gold match has none of them is not used to learn.
TYPES = tuple(t for t in ENTITY_TYPES if t != "WeaponType")


def type_features(doc: Doc, entity: Entity) -> dict[str, float]:
    """What the text says about an entity's kind, over all its mentions."""
    features: dict[str, float] = {f"proposed={entity.type}": 1.0}
    entry = entity.entry
    features[f"gazetteer={entry.type if entry else 'none'}"] = 1.0
    for mention in entity.mentions:
        span = doc[mention.start : mention.end]
        words = [t for t in span if t.is_alpha]
        head = words[-1] if words else span[-1]
        features[f"head={head.lower_}"] = 1.0
        features[f"suffix={head.lower_[-3:]}"] = 1.0
        features.update({f"word={t.lower_}": 1.0 for t in words})
        features[f"spacy={span.root.ent_type_ or 'none'}"] = 1.0
        features[f"tokens={min(len(span), 4)}"] = 1.0
        if span.text.isupper() and len(span.text) > 1:
            features["acronym"] = 1.0
        before = doc[mention.start - 1] if mention.start > 0 else None
        after = doc[mention.end] if mention.end < len(doc) else None
        if before is not None:
            features[f"before={before.lemma_.lower()}"] = 1.0
        if after is not None:
            features[f"after={after.lower_}"] = 1.0
            if after.text == "," and mention.end + 1 < len(doc) and doc[mention.end + 1].ent_type_ == "GPE":
                features["after=, GPE"] = 1.0
        features[f"dep={span.root.dep_}"] = 1.0
    return features


@dataclass(frozen=True)
class Typer:
    """The type model and the probability above which its answer replaces the proposed type."""

    model: MulticlassModel
    threshold: float

    def type_of(self, doc: Doc, entity: Entity) -> str:
        """The model's type where it is sure; a gazetteer entry's type is curated and stays."""
        if entity.entry is not None or entity.type not in TYPES:
            return entity.type
        kind, probability = self.model.predict(type_features(doc, entity))
        return kind if probability >= self.threshold else entity.type


def _examples(example: Example) -> list[tuple[dict[str, float], str, str]]:
    """(features, gold type, proposed type) of each entity of a text that matches a gold entity and
    is not in the gazetteer (the names the model will be asked about)."""
    from kg.evaluate import match_entities
    from kg.extract import GAZETTEER_PIPE

    entities = rule_entities(example.doc, example.nlp.get_pipe(GAZETTEER_PIPE).gazetteer)
    found, _ = records(example.doc, entities)
    labels = match_entities(found, example.gold["entities"])
    gold_type = {g["label"]: g["type"] for g in example.gold["entities"]}
    rows = []
    for entity, record in zip(sorted(entities, key=lambda e: e.mentions[0].start), found, strict=True):
        kind = gold_type.get(labels.get(record.id, ""))
        if kind in TYPES and entity.type in TYPES and entity.entry is None:
            rows.append((type_features(example.doc, entity), kind, entity.type))
    return rows


def _accuracy(rows: Sequence[tuple[dict[str, float], str, str]], typer_: Typer) -> float:
    right = 0
    for features, kind, proposed in rows:
        guess, probability = typer_.model.predict(features)
        right += (guess if probability >= typer_.threshold else proposed) == kind
    return right / len(rows) if rows else 0.0


@trainer(TYPE_MODEL)
def train(examples: Sequence[Example], seed: int) -> Trained:
    """Fit the type model; the threshold is the one with the best cross-validated accuracy."""
    texts = [_examples(example) for example in examples]
    fold_of = {i: fold for fold, members in enumerate(folds(range(len(texts)), FOLDS, seed=seed)) for i in members}
    scores = dict.fromkeys(THRESHOLDS, 0.0)
    for fold in range(FOLDS):
        inside = [row for i, rows in enumerate(texts) for row in rows if fold_of[i] != fold]
        held = [row for i, rows in enumerate(texts) for row in rows if fold_of[i] == fold]
        fold_model = fit([r[0] for r in inside], [r[1] for r in inside], c=C, seed=seed)
        for threshold in THRESHOLDS:
            scores[threshold] += _accuracy(held, Typer(fold_model, threshold)) * len(held)
    rows = [row for rows in texts for row in rows]
    threshold = max(THRESHOLDS, key=lambda t: (scores[t], -t))
    result = fit([r[0] for r in rows], [r[1] for r in rows], c=C, seed=seed)
    kept = scores[1.01] / len(rows)
    report = [
        f"{len(rows)} entities; threshold {threshold}: cross-validated type accuracy "
        f"{scores[threshold] / len(rows):.3f} (rules alone {kept:.3f})",
        *result.top_features(6),
    ]
    return Trained(Typer(result, threshold), {**result.to_json(), "threshold": threshold}, report)


@cache  # one model object per process: rebuilding its weight table per document cost a millisecond each
def _shipped(name: str) -> Typer:
    data = shipped(name)
    return Typer(MulticlassModel.from_json(data), float(data["threshold"]))


def typer() -> Typer:
    """The type model: a cross-validation fold's inside `training.using()`, else the shipped one."""
    return model(TYPE_MODEL, _shipped)
