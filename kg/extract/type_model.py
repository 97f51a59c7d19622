"""The trained entity-type decision: which type a found name has, given how the text uses it.

The gazetteer, spaCy and the rules propose a type for each entity (`entities.rule_entities`);
a multinomial model over readable features of its mentions (the words of the name and its head
word, its last letters, spaCy's label, the gazetteer's reading, the words around each mention,
a "City, State" apposition, capitalisation) says which type it is. The model learns from the
train split which proposals hold for names the gazetteer does not know (its types are curated
and stay): a named man spaCy calls ORG, a district or suburb it calls a person, a police
force. A proposal is replaced only when the model is surer than the threshold chosen by
cross-validation inside the training texts. The model also learns the names no gold entity
matches (class `none`: capitalised generic groups, facilities, headings) and drops such a name
when sure, unless a word of it marks a body, group, maker or area (`_may_drop`). Word lists
give it cues unseen names share; features seen in one training text only are not learned from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc

from kg.corpus import folds
from kg.extract.context import gazetteer_hits
from kg.extract.entities import Entity, records, rule_entities
from kg.extract.multiclass import NONE, MulticlassModel, fit
from kg.extract.rules import (
    AREA_WORDS,
    CRIME_CONTEXT_WORDS,
    CRIMINAL_WORDS,
    GENERIC_WORDS,
    GOVERNMENT_WORDS,
    GROUP_ARTICLES,
    GUNMAKER_WORDS,
    NON_ENTITY_HEADS,
    ORG_HINT_WORDS,
    REGION_WORDS,
)
from kg.extract.training import Example, Trained, model, shipped, trainer
from kg.records import ENTITY_TYPES

TYPE_MODEL = "entity_types"
FOLDS = 5
#: Word lists whose words in a name, or as its last word, hint at its kind (unseen names share them).
CUES = (
    ("government", GOVERNMENT_WORDS),
    ("criminal", CRIMINAL_WORDS),
    ("maker", GUNMAKER_WORDS),
    ("organisation", ORG_HINT_WORDS - GOVERNMENT_WORDS - CRIMINAL_WORDS - GUNMAKER_WORDS),
    ("not_an_entity", NON_ENTITY_HEADS),
    ("generic", GENERIC_WORDS),
    ("area", frozenset(w.lower() for w in AREA_WORDS) | REGION_WORDS),
)
#: Features of a name that mark it as some entity's: the model may not drop such a name.
KIND_MARKS = frozenset(
    {*(f"word_cue={cue}" for cue in ("government", "criminal", "maker", "organisation", "area"))}
    | {f"first={article}" for article in GROUP_ARTICLES}
)
#: The head-word cue that, when the rules proposed this type from it, the model may not overrule:
#: gunmakers are gazetteer entries, which the model never sees, so it cannot tell an unlisted
#: "X Arms" from a person the way the head word does. (Bodies and groups it does see: forcing
#: their head cues cost CriminalGroup F1 .749 -> .718 in cross-validation.)
HEAD_CUE_OF = {"Gunmaker": "maker"}
#: A feature is learned from only when this many training texts show it.
MIN_TEXTS = 2
C = 0.3
#: The model overrides the rules only when it is at least 3:1 sure: on dev, thresholds from 0.65 to
#: 0.85 type as well as the rules (typed F1 0.9155) and fix other names, 0.5 loses (0.9134).
THRESHOLDS = (0.75, 0.8, 0.85, 0.9, 0.95, 1.01)
#: Types the model may assign; an entity whose gold match has none of them is not used to learn.
TYPES = tuple(t for t in ENTITY_TYPES if t != "WeaponType")
#: The model drops a found name (its class `none`: no gold entity) only when at least this sure.
DROP_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)
#: Listed names of these kinds are learned from too, without the readings that gave them away (their
#: proposed and gazetteer types): how bodies, groups and organisations are named and used in text.
LISTED_KINDS = frozenset({"Organization", "GovernmentBody", "CriminalGroup", "Gunmaker"})
LISTED = "listed"
_READINGS = ("proposed=", "gazetteer=")


def type_features(doc: Doc, entity: Entity) -> dict[str, float]:
    """What the text says about an entity's kind, over all its mentions."""
    features: dict[str, float] = {f"proposed={entity.type}": 1.0}
    entry = entity.entry
    features[f"gazetteer={entry.type if entry else 'none'}"] = 1.0
    hits = gazetteer_hits(doc)
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
        features[f"first={words[0].lower_ if words else span[0].lower_}"] = 1.0
        features.update({f"head_cue={cue}": 1.0 for cue, listed in CUES if head.lower_ in listed})
        features.update({f"word_cue={cue}": 1.0 for cue, listed in CUES for t in words if t.lower_ in listed})
        if head.tag_ in ("NNS", "NNPS"):
            features["plural"] = 1.0
        if span.start == span.sent.start:
            features["sentence_start"] = 1.0
        if any(t.lower_ in CRIME_CONTEXT_WORDS for t in span.sent if t.i not in range(span.start, span.end)):
            features["crime_sentence"] = 1.0
        for start, end, kind in hits:  # "NSW Police Force", "Ohio Arms": a listed name inside
            if mention.start <= start and end <= mention.end and end - start < len(span):
                features[f"contains={kind}"] = 1.0
    features[f"mentions={min(len(entity.mentions), 3)}"] = 1.0
    return features


@dataclass(frozen=True)
class Typer:
    """The type model, the probability above which its type replaces the proposed one, and the one
    above which its `none` (a capitalised phrase the guidelines do not annotate) drops the name."""

    model: MulticlassModel
    threshold: float
    drop: float

    def type_of(self, doc: Doc, entity: Entity) -> str:
        """The model's type, or `none`, where it is sure; a gazetteer entry's type is curated and stays,
        and so does the type the syntax gave a place ("the suburb of X")."""
        if entity.entry is not None or entity.type not in TYPES or any(m.cued for m in entity.mentions):
            return entity.type
        return self.decide(type_features(doc, entity), entity.type)

    def decide(self, features: dict[str, float], proposed: str) -> str:
        """The model's answer where it is sure enough (and may drop the name), else the proposed type."""
        cue = HEAD_CUE_OF.get(proposed)
        if cue is not None and f"head_cue={cue}" in features:
            return proposed  # "Acme Arms": the head word names the kind, as proposed
        probabilities = self.model.probabilities(features)
        kind = max(self.model.classes, key=probabilities.__getitem__)
        if kind == NONE:
            if probabilities[NONE] >= self.drop and _may_drop(features):
                return NONE
            if proposed != "Organization":  # a keyword or context gave the proposal: it stands
                return proposed
            # "Organization" is the rules' default for an unknown name: given that the name is an
            # entity, which type (the other classes' share of the rest).
            kind = max((k for k in self.model.classes if k != NONE), key=probabilities.__getitem__)
            return kind if probabilities[kind] >= self.threshold * (1.0 - probabilities[NONE]) else proposed
        return kind if probabilities[kind] >= self.threshold else proposed


def _may_drop(features: dict[str, float]) -> bool:
    """Whether the model may call a name no entity: a plural ("Drug Trafficking Organizations",
    "Member States"), or a name with no word that marks a body, group, maker or area, no place
    inside and never the subject of a clause ("Haskell Free Library", "Export Control"). The corpus
    has few unlisted organisations, so the model alone would also drop an association or a gang
    the gazetteer does not list."""
    if "plural" in features:
        return True
    # The subject of a clause acts in the story ("Ollanta Humala declared a curfew"): an actor, kept.
    return not any(name in KIND_MARKS or name.startswith("contains=") or name == "dep=nsubj" for name in features)


Rows = list[tuple[dict[str, float], str, str]]


def _examples(example: Example) -> Rows:
    """(features, gold type or `none`, proposed type) of each entity of a text that is not in the
    gazetteer (the names the model will be asked about); `none` where no gold entity matches."""
    from kg.evaluate import match_entities
    from kg.extract import GAZETTEER_PIPE

    entities = rule_entities(example.doc, example.nlp.get_pipe(GAZETTEER_PIPE).gazetteer)
    found, _ = records(example.doc, entities)
    labels = match_entities(found, example.gold["entities"])
    gold_type = {g["label"]: g["type"] for g in example.gold["entities"]}
    rows = []
    for entity, record in zip(sorted(entities, key=lambda e: e.mentions[0].start), found, strict=True):
        kind = gold_type.get(labels.get(record.id, ""), NONE)
        if kind not in (*TYPES, NONE) or entity.type not in TYPES:
            continue
        features = type_features(example.doc, entity)
        if entity.entry is None:
            rows.append((features, kind, entity.type))
        elif entity.type in LISTED_KINDS:
            rows.append(({n: v for n, v in features.items() if not n.startswith(_READINGS)}, kind, LISTED))
    return rows


def _typed_right(rows: Rows, typer_: Typer) -> int:
    """How many of the unlisted names (those the model is asked about) are typed right."""
    return sum(typer_.decide(features, proposed) == kind for features, kind, proposed in rows if proposed != LISTED)


def _common(texts: Iterable[Rows]) -> list[Rows]:
    """The rows with only the features seen in at least `MIN_TEXTS` texts: a word of one name (a
    surname, a town) tells nothing about the next text's names, and weighting it memorises."""
    texts = list(texts)
    seen = Counter(name for rows in texts for name in {n for features, _, _ in rows for n in features})
    return [
        [({n: v for n, v in f.items() if seen[n] >= MIN_TEXTS}, kind, proposed) for f, kind, proposed in rows]
        for rows in texts
    ]


@trainer(TYPE_MODEL)
def train(examples: Sequence[Example], seed: int) -> Trained:
    """Fit the type model; the thresholds are the pair with the best cross-validated accuracy."""
    texts = _common(_examples(example) for example in examples)
    fold_of = {i: fold for fold, members in enumerate(folds(range(len(texts)), FOLDS, seed=seed)) for i in members}
    pairs = [(t, d) for t in THRESHOLDS for d in DROP_THRESHOLDS]
    scores = dict.fromkeys(pairs, 0)
    for fold in range(FOLDS):
        inside = [row for i, rows in enumerate(texts) for row in rows if fold_of[i] != fold]
        held = [row for i, rows in enumerate(texts) for row in rows if fold_of[i] == fold]
        fold_model = fit([r[0] for r in inside], [r[1] for r in inside], c=C, seed=seed)
        for threshold, drop in pairs:
            scores[(threshold, drop)] += _typed_right(held, Typer(fold_model, threshold, drop))
    rows = [row for rows in texts for row in rows]
    asked = sum(row[2] != LISTED for row in rows)
    threshold, drop = max(pairs, key=lambda p: (scores[p], -p[0], -p[1]))
    result = fit([r[0] for r in rows], [r[1] for r in rows], c=C, seed=seed)
    kept = scores[(1.01, 1.01)] / asked
    report = [
        f"{asked} entities ({len(rows) - asked} listed learned from); thresholds {threshold} (type), {drop} (drop): "
        f"cross-validated accuracy {scores[(threshold, drop)] / asked:.3f} (rules alone {kept:.3f})",
        *result.top_features(6),
    ]
    data = {**result.to_json(), "threshold": threshold, "drop_threshold": drop}
    return Trained(Typer(result, threshold, drop), data, report)


@cache  # one model object per process: rebuilding its weight table per document cost a millisecond each
def _shipped(name: str) -> Typer:
    data = shipped(name)
    return Typer(MulticlassModel.from_json(data), float(data["threshold"]), float(data["drop_threshold"]))


def typer() -> Typer:
    """The type model: a cross-validation fold's inside `training.using()`, else the shipped one."""
    return model(TYPE_MODEL, _shipped)
