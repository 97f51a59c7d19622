"""The trained flow decision: which candidate place pairs (`kg.extract.flows.candidates`) are flows.

Examples are the candidate pairs of every training text; a pair is a `flow` when the gold
annotation states `firearmsFlow` between the gold entities its places align to (aligned as the
scorer aligns them). The regularisation strength and the probability threshold are chosen by
document-grouped cross-validation inside the training texts, so dev stays a fair check, for the
F-beta score with beta 1.5: a missed flow costs the product more than a doubtful one shown with its
evidence (issue 14 asks for recall first).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

from kg.corpus import folds
from kg.extract.base import ResolvedMention
from kg.extract.flows import FLOW, FLOW_MODEL, Candidate, FlowClassifier, decide, document_candidates
from kg.extract.multiclass import NONE, MulticlassModel, fit
from kg.extract.training import Example, Trained, model, shipped, trainer

FOLDS = 5
#: Fold assignments the choice of C and threshold is averaged over: one assignment's F-beta curve
#: is jagged enough that a few candidates more moved the chosen threshold from 0.75 to 0.3.
INNER_SEEDS = 3
C_GRID = (0.1, 0.3, 1.0, 3.0)
THRESHOLDS = tuple(round(0.2 + 0.05 * i, 2) for i in range(14))
#: Recall weighs BETA times precision when C and the threshold are chosen.
BETA = 1.5

Pair = tuple[str, str]


def _candidates(example: Example) -> tuple[list[Candidate], list[Pair], set[Pair]]:
    """The candidates of one training text, the gold-label pair of each, and the gold flows."""
    from kg.evaluate import match_entities
    from kg.extract import GAZETTEER_PIPE
    from kg.extract.context import attach_text
    from kg.extract.entities import resolve_entities

    attach_text(example.doc, example.info.text)
    entities, mentions = resolve_entities(example.doc, example.info, example.nlp.get_pipe(GAZETTEER_PIPE).gazetteer)
    labels = match_entities(entities, example.gold["entities"])

    def label(mention: ResolvedMention) -> str:
        return labels.get(mention.entity.id, mention.entity.id)

    found = document_candidates(example.doc, mentions)
    pairs = [(label(c.origin), label(c.destination)) for c in found]
    gold = {(r["subject"], r["object"]) for r in example.gold["relations"] if r["predicate"] == "firearmsFlow"}
    return found, pairs, gold


def _fbeta(
    texts: Sequence[tuple[list[Candidate], list[Pair], set[Pair]]], accepts: Callable[[Candidate], bool]
) -> float:
    """Document-level F-beta (`BETA`) of the flows `decide` gives (a pair stated twice counts once)."""
    gold = found = correct = 0
    for candidates, pairs, flows in texts:
        pair_of = {id(c): pair for c, pair in zip(candidates, pairs, strict=True)}
        chosen = {pair_of[id(c)] for c in decide(candidates, accepts)}
        gold, found, correct = gold + len(flows), found + len(chosen), correct + len(chosen & flows)
    weight = BETA * BETA
    return (1 + weight) * correct / (weight * gold + found) if gold + found else 0.0


def _fit(texts: Sequence[tuple[list[Candidate], list[Pair], set[Pair]]], c: float, seed: int):
    features = [cand.features for found, _, _ in texts for cand in found]
    labels = [FLOW if pair in flows else NONE for _, pairs, flows in texts for pair in pairs]
    return fit(features, labels, c=c, seed=seed)


def _accepting(probability: dict[int, float], threshold: float) -> Callable[[Candidate], bool]:
    """`FlowClassifier.accepts` with the out-of-fold probabilities of one cross-validation run."""
    return lambda candidate: candidate.rule or probability[id(candidate)] >= threshold


def _inner_scores(
    texts: Sequence[tuple[list[Candidate], list[Pair], set[Pair]]], seed: int, fold_seed: int
) -> list[tuple[float, float, float]]:
    """(C, threshold, F-beta) for every grid point, from out-of-fold probabilities of one fold assignment."""
    fold_of = {i: fold for fold, members in enumerate(folds(range(len(texts)), FOLDS, seed=fold_seed)) for i in members}
    scores = []
    for c in C_GRID:
        probabilities: list[list[float]] = [[0.0] * len(found) for found, _, _ in texts]
        for fold in range(FOLDS):
            inside = [t for i, t in enumerate(texts) if fold_of[i] != fold]
            if not any(pair in flows for _, pairs, flows in inside for pair in pairs):
                continue
            fold_model = _fit(inside, c, seed)
            for i, (found, _, _) in enumerate(texts):
                if fold_of[i] == fold:
                    probabilities[i] = [fold_model.probabilities(cand.features).get(FLOW, 0.0) for cand in found]
        probability = {
            id(cand): p
            for (found, _, _), probs in zip(texts, probabilities, strict=True)
            for cand, p in zip(found, probs, strict=True)
        }
        scores += [(c, threshold, _fbeta(texts, _accepting(probability, threshold))) for threshold in THRESHOLDS]
    return scores


@trainer(FLOW_MODEL)
def train(examples: Sequence[Example], seed: int) -> Trained:
    """Fit the pair model on the examples; C and threshold from grouped CV over them."""
    texts = [_candidates(example) for example in examples]
    scores = {(c, threshold): 0.0 for c in C_GRID for threshold in THRESHOLDS}
    for repeat in range(INNER_SEEDS):
        for c, threshold, score in _inner_scores(texts, seed, seed + repeat):
            scores[(c, threshold)] += score / INNER_SEEDS
    score, c, threshold = max((score, c, threshold) for (c, threshold), score in scores.items())
    result = _fit(texts, c, seed)
    positives = sum(pair in flows for _, pairs, flows in texts for pair in pairs)
    total = sum(len(found) for found, _, _ in texts)
    report = [
        f"{total} candidate pairs, {positives} flows; C={c}, threshold={threshold}, "
        f"inner CV F{BETA} {score:.3f} (mean of {INNER_SEEDS} fold assignments)",
        *result.top_features(12),
    ]
    classifier_ = FlowClassifier(result, threshold)
    return Trained(classifier_, {**result.to_json(), "threshold": threshold, "c": c}, report)


@cache  # one model object per process: rebuilding its weight table per document cost a millisecond each
def _shipped(name: str) -> FlowClassifier:
    data = shipped(name)
    return FlowClassifier(MulticlassModel.from_json(data), float(data["threshold"]))


def classifier() -> FlowClassifier:
    """The flow classifier: a cross-validation fold's inside `training.using()`, else the shipped one."""
    return model(FLOW_MODEL, _shipped)
