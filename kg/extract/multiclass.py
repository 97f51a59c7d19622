"""A multinomial logistic regression over named features: trained with scikit-learn, run without it.

The event decisions have more than two answers (which event type a word announces, which
role an entity fills), so their models keep one weight per feature and class. The JSON form
(`{"classes", "bias", "weights": {feature: {class: weight}}}`) is readable and scored by a
dictionary sum, which is faster for the few candidates of a sentence than scikit-learn's
per-call overhead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

#: The class of candidates that are nothing: no event, no role.
NONE = "none"
#: Weights smaller than this are left out of the shipped model: a quarter of the file, the same answers on dev.
PRUNE = 0.01
Features = Mapping[str, float]


@dataclass(frozen=True)
class MulticlassModel:
    """Per-class weights and biases; `predict` gives the best class and its probability."""

    classes: tuple[str, ...]
    bias: Mapping[str, float]
    weights: Mapping[str, Mapping[str, float]]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MulticlassModel:
        return cls(tuple(data["classes"]), dict(data["bias"]), {k: dict(v) for k, v in data["weights"].items()})

    def to_json(self) -> dict[str, Any]:
        return {"classes": list(self.classes), "bias": dict(self.bias), "weights": dict(self.weights)}

    @cached_property
    def _rows(self) -> tuple[list[str], list[float], dict[str, tuple[tuple[int, float], ...]]]:
        """The weights by class position (bias order): list indexing scores a candidate in a third of
        the time string-keyed dictionaries take, with the same sums in the same order."""
        labels = list(self.bias)
        position = {label: i for i, label in enumerate(labels)}
        rows = {name: tuple((position[label], w) for label, w in row.items()) for name, row in self.weights.items()}
        return labels, list(self.bias.values()), rows

    def probabilities(self, features: Features) -> dict[str, float]:
        labels, bias, rows = self._rows
        scores = list(bias)
        row_of = rows.get
        for name, value in features.items():
            row = row_of(name)
            if row is None:
                continue
            if value == 1.0:  # nearly every feature: the same sums without a multiplication each
                for i, weight in row:
                    scores[i] += weight
            else:
                for i, weight in row:
                    scores[i] += weight * value
        top = max(scores)
        exp = [math.exp(score - top) for score in scores]
        total = sum(exp)
        return {label: e / total for label, e in zip(labels, exp, strict=True)}

    def predict(self, features: Features) -> tuple[str, float]:
        probabilities = self.probabilities(features)
        label = max(self.classes, key=lambda c: probabilities[c])
        return label, probabilities[label]

    def top_features(self, n: int = 8) -> list[str]:
        """The `n` heaviest features of each class other than `none`, for the training report."""
        lines = []
        for label in self.classes:
            if label == NONE:
                continue
            ranked = sorted(((w.get(label, 0.0), f) for f, w in self.weights.items()), reverse=True)[:n]
            lines.append(f"{label}: " + ", ".join(f"{f} {w:+.2f}" for w, f in ranked))
        return lines


def fit(examples: Sequence[Features], labels: Sequence[str], *, c: float = 1.0, seed: int = 0) -> MulticlassModel:
    """An L2 multinomial logistic regression over the examples, seeded."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([dict(e) for e in examples])
    model = LogisticRegression(C=c, max_iter=3000, random_state=seed)
    model.fit(matrix, list(labels))
    classes = [str(c) for c in model.classes_]
    names = vectorizer.get_feature_names_out()
    coef = model.coef_
    if len(classes) == 2:  # scikit-learn keeps one row for two classes: the second class's log-odds
        coef = [-coef[0] / 2, coef[0] / 2]
        intercepts = [-model.intercept_[0] / 2, model.intercept_[0] / 2]
    else:
        intercepts = list(model.intercept_)
    weights: dict[str, dict[str, float]] = {}
    for row, label in zip(coef, classes, strict=True):
        for name, weight in zip(names, row, strict=True):
            if abs(weight) >= PRUNE:
                weights.setdefault(str(name), {})[label] = round(float(weight), 4)
    bias = {label: round(float(b), 4) for label, b in zip(classes, intercepts, strict=True)}
    return MulticlassModel(tuple(classes), bias, dict(sorted(weights.items())))
