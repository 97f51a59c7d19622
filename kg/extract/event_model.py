"""Trained event decisions: which word announces which kind of event, and which role each entity fills.

Candidates come from syntax: every verb and common noun of a sentence that names at least one
entity is a trigger candidate; a linear model over readable features (lemma, part of speech,
dependency label, the lemmas around it in the tree, the entity types of the sentence, negation,
the event word lists of `kg/data/lexicon/events.json`) gives it an event type or `none`. Each
(trigger, entity mention) pair of the sentence then gets a role or `none` from a second model
over the dependency path between them, the entity type, the trigger's lemma and event type, and
their order. Both learn from the gold annotation of the train split (`ffkg train`):

* a candidate's type is that of a gold event with a filler in its sentence whose label uses the
  candidate's lemma, else the verb nearest (in the tree) to that event's fillers;
* a pair's role is the filler's role in the gold event of the trigger's type that shares most
  fillers with the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc, Token

from kg.extract.base import ResolvedMention
from kg.extract.context import (
    Sentence,
    dependency_path,
    doc_text,
    governing_preposition,
    head_token,
    lemma_of,
    sentences,
)
from kg.extract.lexicon import lexicon
from kg.extract.multiclass import NONE, Features, MulticlassModel, fit
from kg.extract.roles import gathering_roles, lawsuit_roles, smuggling_roles, violence_roles
from kg.extract.training import Example, Trained, model, trainer
from kg.extract.triggers import lawful_trade, trigger_type
from kg.records import EVENT_TYPES

TRIGGER_MODEL = "event_triggers"
ROLE_MODEL = "event_roles"
#: A candidate announces an event when its likeliest event type has at least this probability, and
#: both models are fitted with this inverse L2 strength. Chosen on dev (events F1 0.71 at 0.3 and
#: C=0.1; 0.66 at C=0.5, 0.56 at C=0.03; 0.69 at 0.35): a strong prior keeps the rare event types
#: close to what the word classes and the hand rules' answers say.
TRIGGER_THRESHOLD = 0.3
REGULARISATION = 0.1
#: Event types whose triggers the hand rules of `kg.extract.triggers` still decide: they beat the model on dev.
RULE_TYPES = frozenset({"Attack", "Event", "PolicyAction"})
#: Roles whose fillers come as lists of parties, each of which the role's filler's conjuncts share.
_LISTED_ROLES = frozenset({"defendant", "plaintiff"})
#: Who takes part is told in more ways than the model learns from one corpus, so it under-proposes
#: participants: a mention fills one of these roles when the role's probability reaches this, even
#: where `none` is likelier. Chosen in 5-fold CV (events F1 0.721 -> 0.734, arguments 0.612 -> 0.614)
#: and dev (events 0.805 -> 0.811, arguments 0.695 -> 0.702); perpetrator too cost its precision,
#: 0.35 for every role cost argument precision, and a trigger threshold of 0.25 event precision.
EAGER_ROLES = {"participant": 0.3}
#: Roles the corpus too rarely annotates to learn (one plaintiff: most of its cases are criminal), which
#: the hand rules of `kg.extract.roles` fill where the model has nothing to say.
RULE_ROLES = frozenset({"plaintiff"})
_CANDIDATE_POS = frozenset({"VERB", "NOUN"})
#: Statistics and habits ("each year", "70 percent") are flows, not events: a feature of the trigger model.
_STATISTICAL = re.compile(
    r"\b(?:percent|each year|every year|annually|per year|a year|majority|estimated|average|often|usually)\b|%", re.I
)
#: Tree distance within which a verb may stand for an event whose label does not name it.
_NEAR = 4
#: The word classes of `events.json` whose words announce each event type.
_CLASSES_OF = {
    "Lawsuit": ("lawsuit", "prison", "arrest"),
    "Smuggling": ("smuggling", "move", "illegal"),
    "Seizure": ("seizure",),
    "Attack": ("attack",),
    "PolicyAction": ("policy",),
    "Event": ("meeting",),
}
#: Gold roles as the extraction contract writes them.
_ROLE_NAME = {"place": "occurredIn"}


@cache
def _lexicon() -> dict[str, frozenset[str]]:
    """Event word lists by name (`kg/data/lexicon/events.json`): features, not decisions."""
    classes = {name: frozenset(words) for name, words in lexicon("events").items() if isinstance(words, list)}
    classes["weapon"] = frozenset(lexicon("flows")["weapons"])
    return classes


@cache
def _fillers() -> dict[str, frozenset[str]]:
    """The entity types each role admits (`kg/data/lexicon/event_fillers.json`): a city is never
    the accused, a person never a place, whatever the features of one sentence suggest."""
    return {role: frozenset(types) for role, types in lexicon("event_fillers").items() if isinstance(types, list)}


@cache
def _word_classes(lemma: str) -> tuple[str, ...]:
    """The word classes a lemma belongs to; cached, as every candidate asks for itself, its head and children."""
    return tuple(name for name, words in _lexicon().items() if lemma in words)


def candidates(sentence: Sentence) -> Iterator[Token]:
    """Trigger candidates: verbs and common nouns outside the names of a sentence that names something."""
    if not sentence.mentions:
        return
    for token in sentence.span:
        if token.pos_ in _CANDIDATE_POS and sentence.mention_at(token) is None and token.is_alpha:
            yield token


def sentence_context(sentence: Sentence) -> tuple[Features, set[str]]:
    """What the whole sentence contributes to each of its candidates (entity types, word classes,
    statistical wording), and its lemmas, which the hand rules read; computed once per sentence."""
    features: dict[str, float] = {f"sent_ent={m.entity.type}": 1.0 for m in sentence.mentions}
    words = {lemma_of(token) for token in sentence.span}
    for word in words:
        for name in _word_classes(word):
            features[f"sent_class={name}"] = 1.0
    if _STATISTICAL.search(sentence.text):
        features["statistical"] = 1.0
    return features, words


def _argument_types(token: Token, sentence: Sentence) -> Iterator[str]:
    """The entity types the candidate governs, by relation: "nsubjpass:Person", "prep_to:Country"."""
    for child in token.children:
        mention = sentence.mention_at(child)
        if mention is not None:
            yield f"{child.dep_}:{mention.entity.type}"
        elif child.dep_ in ("prep", "agent"):
            for grandchild in child.children:
                mention = sentence.mention_at(grandchild)
                if grandchild.dep_ == "pobj" and mention is not None:
                    yield f"prep_{child.lower_}:{mention.entity.type}"


def rule_roles(doc: Doc, sentence: Sentence, trigger: Token, kind: str) -> dict[int, str]:
    """The role the hand rules of `kg.extract.roles` give each mention (by id), a feature of the role model."""
    if kind == "Lawsuit":
        found = lawsuit_roles(doc, sentence, trigger, trigger)
    elif kind == "Smuggling":
        found = smuggling_roles(doc, sentence, trigger, trigger)
    elif kind in ("Seizure", "Attack"):
        found = violence_roles(doc, sentence, trigger, trigger, kind)
    else:
        found = gathering_roles(doc, sentence, trigger, trigger, kind)
    return {id(m): role for role, mentions in found.items() for m in mentions}


def trigger_features(
    token: Token, sentence: Sentence, context: tuple[Features, set[str]], rule: str | None
) -> dict[str, float]:
    """Readable features of one trigger candidate; `rule`, the hand rule's answer (`kg.extract.triggers`), is one."""
    lemma = lemma_of(token)
    head = token.head
    features: dict[str, float] = {
        f"lemma={lemma}": 1.0,
        f"pos={token.pos_}": 1.0,
        f"tag={token.tag_}": 1.0,
        f"dep={token.dep_}": 1.0,
        f"head={lemma_of(head)}": 1.0,
        f"head_dep={token.dep_}>{head.pos_}": 1.0,
        **context[0],
    }
    if rule is not None:
        features[f"rule={rule}"] = 1.0
    if token.tag_ in ("VBZ", "VBP") or any(
        c.tag_ in ("VBZ", "VBP") for c in token.children if c.dep_.startswith("aux")
    ):
        features["present_tense"] = 1.0
    for name in _word_classes(lemma):
        features[f"class={name}"] = 1.0
        features[f"class={name}|pos={token.pos_}"] = 1.0
    for child in token.children:
        if child.dep_ in ("neg",):
            features["negated"] = 1.0
        elif child.dep_ in ("aux", "auxpass") and child.lower_ in ("will", "would", "could", "may", "might"):
            features["modal"] = 1.0
        elif child.dep_ not in ("punct", "det", "cc"):
            features[f"child={child.dep_}:{lemma_of(child)}"] = 1.0
            for name in _word_classes(lemma_of(child)):
                features[f"child_class={name}"] = 1.0
    for name in _word_classes(lemma_of(head)):
        features[f"head_class={name}"] = 1.0
    for argument in _argument_types(token, sentence):
        features[f"arg={argument}"] = 1.0
        features[f"lemma={lemma}|arg={argument}"] = 1.0
    return features


def _path(trigger: Token, target: Token) -> tuple[str, int]:
    """The dependency path from trigger to target ("<nsubj" up, ">dobj" down) and its length."""
    path = dependency_path(trigger, target)
    if path is None:
        return "none", 99
    rising, _, falling = path
    steps = [f"<{t.dep_}" for t in rising] + [f">{t.dep_}" for t in falling]
    return "".join(steps[:5]), len(steps)


def role_features(
    doc: Doc, trigger: Token, kind: str, mention: ResolvedMention, rules: dict[int, str]
) -> dict[str, float]:
    """Readable features of one (trigger, entity mention) pair; `rules` are the hand rules' roles."""
    target = head_token(doc, mention)
    path, length = _path(trigger, target)
    entity_type = mention.entity.type
    prep = governing_preposition(doc, mention)
    side = "before" if mention.token_end <= trigger.i else "after"
    features = {
        f"type={entity_type}": 1.0,
        f"kind={kind}|type={entity_type}": 1.0,
        f"path={path}": 1.0,
        f"kind={kind}|path={path}": 1.0,
        f"type={entity_type}|path={path}": 1.0,
        f"len={min(length, 6)}": 1.0,
        f"kind={kind}|len={min(length, 6)}": 1.0,
        f"side={side}": 1.0,
        f"kind={kind}|type={entity_type}|side={side}": 1.0,
        f"lemma={lemma_of(trigger)}|type={entity_type}": 1.0,
        f"dep={target.dep_}": 1.0,
        f"type={entity_type}|dep={target.dep_}": 1.0,
        f"tokens={min(abs(trigger.i - target.i) // 3, 6)}": 1.0,
    }
    rule = rules.get(id(mention))
    if rule is not None:
        features[f"rule={rule}"] = 1.0
        features[f"kind={kind}|rule={rule}"] = 1.0
    if prep is not None:
        features[f"prep={prep[0]}"] = 1.0
        features[f"kind={kind}|prep={prep[0]}|type={entity_type}"] = 1.0
    before = doc[mention.token_start - 1] if mention.token_start > 0 else None
    if before is not None and before.is_alpha:
        features[f"word_before={before.lower_}"] = 1.0
    if (
        before is not None
        and before.lower_ == "of"
        and mention.token_start > 1
        and doc[mention.token_start - 2].text == ","
    ):
        features["residence"] = 1.0
    line_start = doc_text(doc).rfind("\n", 0, mention.start_char) + 1
    if re.match(r"\s*(?:,[^–—\n]{1,25})?\s*[–—-]\s", doc_text(doc)[mention.end_char : mention.end_char + 40]) and not (
        doc_text(doc)[line_start : mention.start_char].strip()
    ):
        features["dateline"] = 1.0
    if target.dep_ == "poss" or (mention.token_end < len(doc) and doc[mention.token_end].tag_ == "POS"):
        features["possessor"] = 1.0
    return features


# --- training ---------------------------------------------------------------------------------


@dataclass
class _Sentence:
    sentence: Sentence
    #: gold label of each mention's entity (or its id when it matches no gold entity)
    labels: dict[int, str]
    #: gold events with a filler in this sentence: (type, {filler: role}, label words)
    events: list[tuple[str, dict[str, str], set[str]]]


def _gold_events(gold: dict) -> list[tuple[str, dict[str, str], set[str]]]:
    events = []
    for event in gold["events"]:
        roles: dict[str, str] = {}
        for role, fillers in event.get("args", {}).items():
            for filler in fillers:
                roles.setdefault(filler, _ROLE_NAME.get(role, role))
        if event.get("place"):
            roles.setdefault(event["place"], "occurredIn")
        words = {w.lower() for w in event.get("label", "").replace("-", " ").split()}
        events.append((event["type"], roles, words))
    return events


def _training_sentences(example: Example) -> Iterator[_Sentence]:
    from kg.evaluate import match_entities
    from kg.extract import GAZETTEER_PIPE
    from kg.extract.context import attach_text
    from kg.extract.entities import resolve_entities

    doc = example.doc
    attach_text(doc, example.info.text)
    gazetteer = example.nlp.get_pipe(GAZETTEER_PIPE).gazetteer
    entities, mentions = resolve_entities(doc, example.info, gazetteer)
    label_of = match_entities(entities, example.gold["entities"])
    gold_events = _gold_events(example.gold)
    for sentence in sentences(doc, mentions):
        labels = {id(m): label_of.get(m.entity.id, m.entity.id) for m in sentence.mentions}
        named = set(labels.values())
        events = [e for e in gold_events if named & set(e[1])]
        yield _Sentence(sentence, labels, events)


def _trigger_labels(item: _Sentence) -> dict[int, str]:
    """The gold event type of each candidate token of the sentence (absent: none).

    Per gold event with fillers in the sentence, one word stands for it, the one nearest (in the
    tree) to its fillers among the first non-empty of: the words the hand rules give its type,
    the words of its gold label of its type's word classes, the other words of its label, and the
    verbs no further than `_NEAR` from its fillers.
    """
    doc = item.sentence.span.doc
    found: dict[int, str] = {}
    tokens = list(candidates(item.sentence))
    context = sentence_context(item.sentence)
    lexicon_of = _lexicon()
    for kind, roles, words in item.events:
        fillers = [head_token(doc, m) for m in item.sentence.mentions if item.labels[id(m)] in roles]
        kind_words = set().union(*(lexicon_of[name] for name in _CLASSES_OF[kind]))
        labelled = [t for t in tokens if lemma_of(t) in words or t.lower_ in words]
        pools = [
            [t for t in tokens if trigger_type(t, context[1], item.sentence) == kind],
            [t for t in labelled if lemma_of(t) in kind_words],
            [t for t in labelled if lemma_of(t) not in lexicon_of["weapon"]],
        ]
        pool = next((p for p in pools if p), [])
        ranked = sorted((sum(_path(t, f)[1] for f in fillers) / len(fillers), t.i) for t in pool)
        if not ranked:
            verbs = sorted(
                (sum(_path(t, f)[1] for f in fillers) / len(fillers), t.i) for t in tokens if t.pos_ == "VERB"
            )
            ranked = [v for v in verbs if v[0] <= _NEAR]
        if ranked:
            found.setdefault(ranked[0][1], kind)
    return found


def _best_event(item: _Sentence, kind: str) -> dict[str, str]:
    """The fillers and roles of the gold event of `kind` sharing most fillers with the sentence."""
    named = set(item.labels.values())
    options = [roles for k, roles, _ in item.events if k == kind]
    return max(options, key=lambda roles: len(named & set(roles)), default={})


@trainer(TRIGGER_MODEL)
def train_triggers(examples: Sequence[Example], seed: int) -> Trained:
    """Event type (or none) of each trigger candidate, from the gold events of its sentence."""
    rows: list[dict[str, float]] = []
    labels: list[str] = []
    for example in examples:
        for item in _training_sentences(example):
            gold = _trigger_labels(item)
            context = sentence_context(item.sentence)
            for token in candidates(item.sentence):
                rule = trigger_type(token, context[1], item.sentence)
                rows.append(trigger_features(token, item.sentence, context, rule))
                labels.append(gold.get(token.i, NONE))
    result = fit(rows, labels, c=REGULARISATION, seed=seed)
    counts = {kind: labels.count(kind) for kind in (*EVENT_TYPES, NONE)}
    return Trained(result, result.to_json(), [f"examples by class: {counts}", *result.top_features()])


@trainer(ROLE_MODEL)
def train_roles(examples: Sequence[Example], seed: int) -> Trained:
    """Role (or none) of each entity mention for the gold-labelled triggers of its sentence."""
    rows: list[dict[str, float]] = []
    labels: list[str] = []
    for example in examples:
        doc = example.doc
        for item in _training_sentences(example):
            gold = _trigger_labels(item)
            for token in candidates(item.sentence):
                kind = gold.get(token.i)
                if kind is None:
                    continue
                roles = _best_event(item, kind)
                rules = rule_roles(doc, item.sentence, token, kind)
                for mention in item.sentence.mentions:
                    rows.append(role_features(doc, token, kind, mention, rules))
                    labels.append(roles.get(item.labels[id(mention)], NONE))
    result = fit(rows, labels, c=REGULARISATION, seed=seed)
    counts = {role: labels.count(role) for role in sorted(set(labels))}
    return Trained(result, result.to_json(), [f"examples by class: {counts}", *result.top_features()])


# --- inference --------------------------------------------------------------------------------


@cache
def _shipped(name: str) -> MulticlassModel:
    import json

    from kg.extract.training import MODELS_DIR

    path = MODELS_DIR / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(f"model file {path} is missing: run `ffkg train` to build it from the corpus")
    return MulticlassModel.from_json(json.loads(path.read_text(encoding="utf-8")))


def triggers(sentence: Sentence) -> list[tuple[str, Token, float]]:
    """The sentence's events: per event type, the candidate the model is surest of, with its probability."""
    classify: MulticlassModel = model(TRIGGER_MODEL, _shipped)
    context = sentence_context(sentence)
    best: dict[str, tuple[float, Token]] = {}
    for token in candidates(sentence):
        if any(child.dep_ == "neg" for child in token.children):
            continue  # "did not seize any guns": what did not happen is no event
        if lawful_trade(lemma_of(token), context[1]):
            continue  # an export or import the sentence does not call unlawful is trade, not a scheme
        rule = trigger_type(token, context[1], sentence)
        if rule in RULE_TYPES:  # the hand rules decide these types: no need to ask the model
            kind, probability = rule, 1.0
        else:
            probabilities = classify.probabilities(trigger_features(token, sentence, context, rule))
            probabilities.pop(NONE)
            kind = max(probabilities, key=probabilities.__getitem__)
            probability = probabilities[kind]
            if kind in RULE_TYPES:
                continue
        if probability >= TRIGGER_THRESHOLD and probability > best.get(kind, (0.0, token))[0]:
            best[kind] = (probability, token)
    return [(kind, token, p) for kind, (p, token) in best.items()]


def arguments(doc: Doc, sentence: Sentence, trigger: Token, kind: str) -> dict[str, list[ResolvedMention]]:
    """The sentence's mentions that fill a role of the event `trigger` announces, by role: the
    likeliest of `none` and the roles the mention's entity type can fill, or an `EAGER_ROLES` role
    likely enough though `none` is likelier. Each role's fillers come
    surest first, so a kind with one place (`kg.extract.cases`) keeps the likeliest."""
    classify: MulticlassModel = model(ROLE_MODEL, _shipped)
    scored: dict[str, list[tuple[float, ResolvedMention]]] = {}
    rules = rule_roles(doc, sentence, trigger, kind)
    admits = _fillers()
    for mention in sentence.mentions:
        probabilities = classify.probabilities(role_features(doc, trigger, kind, mention, rules))
        fitting = {r: p for r, p in probabilities.items() if r == NONE or mention.entity.type in admits.get(r, ())}
        role = max(fitting, key=fitting.__getitem__)
        eager = {r: p for r, p in fitting.items() if p >= EAGER_ROLES.get(r, 1.0)}
        if role == NONE and eager:
            role = max(eager, key=eager.__getitem__)
        rule = rules.get(id(mention), NONE)
        if role == NONE and (kind in RULE_TYPES or rule in RULE_ROLES) and mention.entity.type in admits.get(rule, ()):
            # The corpus has a handful of these arguments (4 attack targets, 1 plaintiff): where the
            # model has nothing to say, the hand rule's reading of the syntax ("attack on X") stands.
            role = rule
        if role != NONE:
            scored.setdefault(role, []).append((fitting.get(role, 0.0), mention))
    found = {role: [m for _, m in sorted(pairs, key=lambda pair: -pair[0])] for role, pairs in scored.items()}
    _share_with_conjuncts(doc, sentence.mentions, found, admits)
    return found


def _share_with_conjuncts(
    doc: Doc,
    mentions: Sequence[ResolvedMention],
    found: dict[str, list[ResolvedMention]],
    admits: dict[str, frozenset[str]],
) -> None:
    """A name coordinated with a party to a case is a party too ("against Glock and Ruger"): the model
    scores each name alone, and the first of a list, far from the trigger, is the one it misses.
    Only the parties: for places and perpetrators, sharing cost precision in cross-validation."""
    placed = {id(m) for fillers in found.values() for m in fillers}
    for role, fillers in list(found.items()):
        if role not in _LISTED_ROLES:
            continue
        heads = {doc[m.token_start : m.token_end].root.i for m in fillers}
        for mention in mentions:
            if id(mention) in placed or mention.entity.type not in admits.get(role, ()):
                continue
            root = doc[mention.token_start : mention.token_end].root
            if any(token.i in heads for token in root.conjuncts):
                fillers.append(mention)
                placed.add(id(mention))
