"""The trained decision for `affiliatedWith`, `locatedIn` and `manufactures`: which mention pairs of a
sentence the text ties together.

Candidates come from the syntax: every ordered pair of mentions in one sentence whose types may
stand at the two ends of a predicate (`candidate_types` in `kg/data/lexicon/relations.json`, within
the ontology's domain and range). The types choose the predicate; one multinomial model over
readable features (the dependency path with its words, the words between, appositions, possessives,
prepositions, distance, clause boundaries, negation, cue words, and whether a hand rule of
`kg.extract.relations` reads the pair so) says whether the pair is that predicate or none. The
regularisation, a threshold per predicate, and whether a predicate is better left to its hand rule
are chosen by document-grouped cross-validation inside the training texts, so dev stays a fair check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from spacy.tokens import Doc, Token

from kg.corpus import folds
from kg.extract.base import ResolvedMention
from kg.extract.context import (
    PLACE_TYPES,
    Sentence,
    dependency_path,
    governing_preposition,
    head_token,
    lemma_of,
    sentences,
)
from kg.extract.lexicon import lexicon, words
from kg.extract.multiclass import NONE, MulticlassModel, fit
from kg.extract.training import Example, Trained, model, shipped, trainer
from kg.records import EntityRecord, RelationRecord

RELATION_MODEL = "relations"
FOLDS = 5
C_GRID = (0.1, 0.3, 1.0, 3.0)
THRESHOLDS = tuple(round(0.15 + 0.05 * i, 2) for i in range(17))
#: Who decides a predicate: the model alone, the model or the hand rule, the hand rule alone.
MODES = ("model", "either", "rules")
#: (subject type, object type) -> the predicate a pair of mentions of those types may state.
PREDICATE_OF = {
    (subject, obj): predicate
    for predicate, table in lexicon("relations")["candidate_types"].items()
    for subject, objects in table.items()
    for obj in objects
}
PREDICATES = tuple(sorted(set(PREDICATE_OF.values())))
_CUES = {name: frozenset(lemmas) for name, lemmas in lexicon("relations")["cues"].items() if name != "_about"}
_TITLES = words("relations", "titles")
_CLAUSE_DEPS = frozenset({"conj", "ccomp", "advcl", "relcl", "xcomp", "acl", "parataxis"})
_PATH_STEPS = 5
#: Features also kept per family of a predicate (`_family`).
_SHARED = ("path", "between", "order", "gap")

Triple = tuple[str, str, str]


@dataclass
class Candidate:
    """An ordered pair of mentions in one sentence that may state `predicate`, with its features."""

    subject: ResolvedMention
    object: ResolvedMention
    predicate: str
    sentence: Sentence
    features: dict[str, float] = field(default_factory=dict)
    #: A hand rule of `kg.extract.relations` states this triple in this sentence.
    rule: bool = False

    @property
    def negated(self) -> bool:
        return f"{self.predicate}|negated" in self.features

    @property
    def triple(self) -> Triple:
        return self.subject.entity.id, self.predicate, self.object.entity.id


@dataclass(frozen=True)
class RelationClassifier:
    """The pair model, and per predicate its threshold and who decides (`MODES`), as cross-validation
    inside the training texts chose them."""

    model: MulticlassModel
    thresholds: dict[str, float]
    modes: dict[str, str]

    def probability(self, candidate: Candidate) -> float:
        return self.model.probabilities(candidate.features).get(candidate.predicate, 0.0)

    def accepts(self, candidate: Candidate) -> bool:
        predicate = candidate.predicate
        mode, threshold = self.modes.get(predicate, "model"), self.thresholds.get(predicate, 0.5)
        return _decides(mode, candidate, lambda: self.probability(candidate) >= threshold)


def _decides(mode: str, candidate: Candidate, above: Callable[[], bool]) -> bool:
    """A pair is stated when the mode's deciders accept it, and never when the path between its ends
    is negated ("was never a member of"): too rare in the corpus for the model to learn, and always
    a denial."""
    if candidate.negated:
        return False
    if mode == "rules":
        return candidate.rule
    return above() or (mode == "either" and candidate.rule)


def _classes(token: Token) -> tuple[str, ...]:
    """The cue classes a word belongs to ("title" for "agent", "base" for "based")."""
    return _cue_classes(lemma_of(token), token.lower_)


@cache
def _cue_classes(lemma: str, lower: str) -> tuple[str, ...]:
    """`_classes` by the word's forms: every pair of mentions asks again for the same words."""
    found = [name for name, lemmas in _CUES.items() if lemma in lemmas or lower in lemmas]
    if lemma in _TITLES or lower in _TITLES:
        found.append("title")
    return tuple(found)


def _path(first: Token, second: Token) -> tuple[list[str], list[Token], Token | None]:
    """The dependency path between two tokens: its steps ("<compound" up, ">appos" down), the
    tokens strictly inside it, and the lowest common ancestor (None across sentences)."""
    path = dependency_path(first, second)
    if path is None:
        return [], [], None
    rising, common, falling = path
    steps = [f"<{t.dep_}" for t in rising] + [f">{t.dep_}" for t in falling]
    inside = [t for t in rising[1:] + [common] + falling[:-1] if t.i not in (first.i, second.i)]
    return steps, inside, common


def _side(doc: Doc, sentence: Sentence, mention: ResolvedMention, name: str) -> dict[str, float]:
    """What sits around one end: its preposition, its dependency, the word before and after, a list."""
    features: dict[str, float] = {}
    governed = governing_preposition(doc, mention)
    features[f"{name}.prep={governed[0] if governed else 'none'}"] = 1.0
    features[f"{name}.dep={head_token(doc, mention).dep_}"] = 1.0
    before = doc[mention.token_start - 1] if mention.token_start > sentence.span.start else None
    after = doc[mention.token_end] if mention.token_end < sentence.span.end else None
    for where, token in (("before", before), ("after", after)):
        if token is None:
            features[f"{name}.{where}=edge"] = 1.0
            continue
        if token.is_punct or token.lower_ in ("and", "or", "of", "in", "'s", "’s", "at", "with", "by"):
            features[f"{name}.{where}={token.lower_}"] = 1.0
        for cls in _classes(token):
            features[f"{name}.{where}_class={cls}"] = 1.0
    return features


def _between(doc: Doc, sentence: Sentence, first: ResolvedMention, second: ResolvedMention) -> dict[str, float]:
    """The words between two mentions: the short ones verbatim (other mentions as their type), their
    cue classes, and the other names that stand in between."""
    features: dict[str, float] = {}
    index, end, shown = first.token_end, second.token_start, []
    while index < end:
        other = sentence.by_token.get(index)
        if other is not None:
            shown.append(other.entity.type)
            features[f"between_type={other.entity.type}"] = 1.0
            index = max(other.token_end, index + 1)
            continue
        token = doc[index]
        shown.append(token.lower_)
        for cls in _classes(token):
            features[f"between_class={cls}"] = 1.0
        if token.text in (",", "(", ")", "-", "–"):
            features[f"between_has={token.text}"] = 1.0
        index += 1
    gap = len(shown)
    features[f"gap={next(b for b in (0, 1, 2, 4, 8, 16, 10**6) if gap <= b)}"] = 1.0
    if gap <= 4:
        features["between=" + " ".join(shown)] = 1.0
    return features


def pair_features(
    doc: Doc, sentence: Sentence, subject: ResolvedMention, obj: ResolvedMention, predicate: str
) -> dict[str, float]:
    """Readable features of one candidate pair, each prefixed with its predicate (a path means one
    thing between a person and an agency, another between two places)."""
    features: dict[str, float] = {
        "types=" + subject.entity.type + ">" + obj.entity.type: 1.0,
    }
    nested = subject.token_start < obj.token_end and obj.token_start < subject.token_end
    if nested:
        features["nested"] = 1.0
        first, second = (subject, obj) if subject.token_start <= obj.token_start else (obj, subject)
        features["order=nested-" + ("s" if first is subject else "o")] = 1.0
    else:
        first, second = (subject, obj) if subject.token_start < obj.token_start else (obj, subject)
        features["order=" + ("s<o" if first is subject else "o<s")] = 1.0
        span = (first.token_start, first.token_end, second.token_start, second.token_end)
        features.update(sentence.memo(("between", *span), lambda: _between(doc, sentence, first, second)))
        rivals = [
            m
            for m in sentence.mentions
            if m.entity.type == obj.entity.type
            and m.entity.id != obj.entity.id
            and first.token_end <= m.token_start < second.token_start
        ]
        if rivals:
            features["rival_between"] = 1.0
    steps, inside, common = _path(head_token(doc, subject), head_token(doc, obj))
    if common is None:
        features["path=none"] = 1.0
    else:
        shown = "".join(steps[:_PATH_STEPS]) + ("…" if len(steps) > _PATH_STEPS else "")
        features[f"path={shown or 'same'}"] = 1.0
        features[f"path_len={min(len(steps), 6)}"] = 1.0
        for token in inside:
            features[f"path_word={lemma_of(token)}"] = 1.0
            for cls in _classes(token):
                features[f"path_class={cls}"] = 1.0
        if any(s[1:] in _CLAUSE_DEPS for s in steps):
            features["crosses_clause"] = 1.0
        if any(child.dep_ == "neg" for token in [*inside, common] for child in token.children):
            features["negated"] = 1.0
    for mention, side in ((subject, "s"), (obj, "o")):
        where = (mention.token_start, mention.token_end)
        features.update(sentence.memo(("side", side, *where), lambda m=mention, n=side: _side(doc, sentence, m, n)))
    prefixed = {f"{predicate}|{name}": value for name, value in features.items()}
    prefixed[f"{predicate}|bias"] = 1.0
    family = _family(subject, predicate)
    if family != predicate:
        prefixed.update({f"{family}|{name}": v for name, v in features.items() if name.startswith(_SHARED)})
    return prefixed


def _family(subject: ResolvedMention, predicate: str) -> str:
    """A place in a place and a body based in a place are told by different words ("Laredo, Texas"
    against "the Texas-based group"): their path and between-word features are also kept apart."""
    if predicate == "locatedIn":
        return "locatedIn:" + ("place" if subject.entity.type in PLACE_TYPES else "body")
    return predicate


def _closest(found: Sequence[Candidate], doc: Doc) -> None:
    """Mark the candidates whose object is the subject's nearest one of its kind, by tokens and by the
    parse ("special agent in charge of ICE's Homeland Security Investigations": HSI, not ICE)."""
    groups: dict[tuple[int, str], list[Candidate]] = {}
    for candidate in found:
        groups.setdefault((candidate.subject.token_start, candidate.predicate), []).append(candidate)
    for group in groups.values():
        if len(group) < 2:
            continue
        subject = head_token(doc, group[0].subject)
        tokens = {id(c): _token_gap(c.subject, c.object) for c in group}
        paths = {id(c): len(_path(subject, head_token(doc, c.object))[0]) for c in group}
        for candidate in group:
            prefix = candidate.predicate
            candidate.features[f"{prefix}|several"] = 1.0
            if tokens[id(candidate)] == min(tokens.values()):
                candidate.features[f"{prefix}|closest_tokens"] = 1.0
            if paths[id(candidate)] == min(paths.values()):
                candidate.features[f"{prefix}|closest_path"] = 1.0


def _token_gap(first: ResolvedMention, second: ResolvedMention) -> int:
    return max(first.token_start - second.token_end, second.token_start - first.token_end, 0)


def _rule_keys(rules: Iterable[RelationRecord]) -> set[tuple[str, str, str, int]]:
    return {(r.subject, r.predicate, r.object, r.evidence.start) for r in rules}


def weapon_mentions(doc: Doc, entities: Iterable[EntityRecord]) -> list[ResolvedMention]:
    """Mentions of the weapon types the maker rules name (`kg.extract.relations`), so their pairs
    are candidates like any other."""
    found = []
    for entity in entities:
        for mention in entity.mentions:
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is not None:
                found.append(ResolvedMention(mention.start, mention.end, span.start, span.end, mention.text, entity))
    return found


def candidates(doc: Doc, mentions: list[ResolvedMention], rules: Iterable[RelationRecord]) -> list[Candidate]:
    """Every ordered pair of mentions of one sentence whose types may state a predicate; `rules` are
    the hand rules' relations, a feature of the pairs they name."""
    ruled = _rule_keys(rules)
    found = []
    for sentence in sentences(doc, mentions):
        in_sentence: list[Candidate] = []
        for subject in sentence.mentions:
            for obj in sentence.mentions:
                predicate = PREDICATE_OF.get((subject.entity.type, obj.entity.type))
                if predicate is None or subject.entity.id == obj.entity.id:
                    continue
                candidate = Candidate(subject, obj, predicate, sentence)
                candidate.rule = (*candidate.triple, sentence.span.start_char) in ruled
                candidate.features = pair_features(doc, sentence, subject, obj, predicate)
                if candidate.rule:
                    candidate.features[f"{predicate}|rule"] = 1.0
                in_sentence.append(candidate)
        _closest(in_sentence, doc)
        found.extend(in_sentence)
    return found


def decide(found: Sequence[Candidate], accepts: Callable[[Candidate], bool]) -> list[Candidate]:
    """The accepted candidates, one per triple and sentence."""
    seen: set[tuple[str, str, str, int]] = set()
    chosen = []
    for candidate in found:
        key = (*candidate.triple, candidate.sentence.span.start_char)
        if key not in seen and accepts(candidate):
            seen.add(key)
            chosen.append(candidate)
    return chosen


def relations(found: Sequence[Candidate], classifier_: RelationClassifier) -> list[RelationRecord]:
    """The relations the classifier accepts, each with its probability as confidence."""
    return [
        RelationRecord(*c.triple, round(classifier_.probability(c), 4), c.sentence.evidence)
        for c in decide(found, classifier_.accepts)
    ]


# Training ---------------------------------------------------------------------------------------

Text = tuple[list[Candidate], list[Triple], set[Triple]]


def _text(example: Example) -> Text:
    """The candidates of one training text, the gold-label triple of each, and the gold relations."""
    from kg.evaluate import match_entities
    from kg.extract import GAZETTEER_PIPE
    from kg.extract.context import attach_text
    from kg.extract.entities import resolve_entities
    from kg.extract.relations import rule_relations

    attach_text(example.doc, example.info.text)
    entities, mentions = resolve_entities(example.doc, example.info, example.nlp.get_pipe(GAZETTEER_PIPE).gazetteer)
    weapons, rules = rule_relations(example.doc, mentions)
    labels = match_entities([*entities, *weapons], example.gold["entities"])
    found = candidates(example.doc, [*mentions, *weapon_mentions(example.doc, weapons)], rules)
    triples = [(labels.get(s, s), p, labels.get(o, o)) for s, p, o in (c.triple for c in found)]
    gold = {(r["subject"], r["predicate"], r["object"]) for r in example.gold["relations"]}
    return found, triples, gold


def _counts(texts: Sequence[Text], accepts: Callable[[Candidate], bool]) -> dict[str, list[int]]:
    """Per predicate [gold, found, correct] over the texts, each triple counted once per text."""
    counts = {p: [0, 0, 0] for p in PREDICATES}
    for found, triples, gold in texts:
        label_of = {id(c): t for c, t in zip(found, triples, strict=True)}
        chosen = {label_of[id(c)] for c in found if accepts(c)}
        for predicate in PREDICATES:
            want = {t for t in gold if t[1] == predicate}
            got = {t for t in chosen if t[1] == predicate}
            row = counts[predicate]
            row[0], row[1], row[2] = row[0] + len(want), row[1] + len(got), row[2] + len(want & got)
    return counts


def _f1(row: Sequence[int]) -> float:
    gold, found, correct = row
    return 2 * correct / (gold + found) if gold + found else 0.0


def _fit(texts: Sequence[Text], c: float, seed: int) -> MulticlassModel:
    features = [cand.features for found, _, _ in texts for cand in found]
    labels = [t[1] if t in gold else NONE for _, triples, gold in texts for t in triples]
    return fit(features, labels, c=c, seed=seed)


def _deciding(probability: dict[int, float], threshold: float, mode: str) -> Callable[[Candidate], bool]:
    """`RelationClassifier.accepts` with the out-of-fold probabilities of one cross-validation run."""
    return lambda candidate: _decides(mode, candidate, lambda: probability[id(candidate)] >= threshold)


@trainer(RELATION_MODEL)
def train(examples: Sequence[Example], seed: int) -> Trained:
    """Fit the pair model; C, and per predicate the threshold and the mode (model, model or rule,
    rule), from grouped cross-validation over the examples."""
    texts = [_text(example) for example in examples]
    fold_of = {i: fold for fold, members in enumerate(folds(range(len(texts)), FOLDS, seed=seed)) for i in members}
    rules = _counts(texts, _deciding({}, 1.0, "rules"))
    best_of: dict[float, dict[str, tuple[float, int, float]]] = {}
    for c in C_GRID:
        probability: dict[int, float] = {}
        for fold in range(FOLDS):
            fold_model = _fit([t for i, t in enumerate(texts) if fold_of[i] != fold], c, seed)
            for i, (found, _, _) in enumerate(texts):
                if fold_of[i] == fold:
                    probability.update(
                        {id(cand): fold_model.probabilities(cand.features).get(cand.predicate, 0.0) for cand in found}
                    )
        best = best_of[c] = {p: (_f1(rules[p]), 0, 1.0) for p in PREDICATES}
        for threshold in THRESHOLDS:
            for rank, mode in ((2, "model"), (1, "either")):
                counts = _counts(texts, _deciding(probability, threshold, mode))
                for predicate in PREDICATES:
                    best[predicate] = max(best[predicate], (_f1(counts[predicate]), rank, threshold))
    c = max(C_GRID, key=lambda value: sum(f1 for f1, _, _ in best_of[value].values()))
    best = best_of[c]
    thresholds = {p: best[p][2] for p in PREDICATES}
    modes = {p: MODES[2 - best[p][1]] for p in PREDICATES}
    result = _fit(texts, c, seed)
    report = [
        f"{sum(len(found) for found, _, _ in texts)} candidate pairs; C={c}",
        *(
            f"{p}: inner CV F1 {best[p][0]:.3f} by {modes[p]} (threshold {thresholds[p]}),"
            f" rules alone {_f1(rules[p]):.3f}"
            for p in PREDICATES
        ),
        *result.top_features(10),
    ]
    data: dict[str, Any] = {**result.to_json(), "c": c, "thresholds": thresholds, "modes": modes}
    return Trained(RelationClassifier(result, thresholds, modes), data, report)


@cache  # one model object per process
def _shipped(name: str) -> RelationClassifier:
    data = shipped(name)
    thresholds = {k: float(v) for k, v in data["thresholds"].items()}
    return RelationClassifier(MulticlassModel.from_json(data), thresholds, dict(data["modes"]))


def classifier() -> RelationClassifier:
    """The relation classifier: a cross-validation fold's inside `training.using()`, else the shipped one."""
    return model(RELATION_MODEL, _shipped)
