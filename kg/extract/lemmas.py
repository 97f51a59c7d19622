"""spaCy's rule lemmatizer, run once per distinct word, part of speech and morphology instead of once per token.

The stock component visits every token in Python (a Token object, a cache key, a string set):
4-5 % of the parse's CPU time once its own cache is warm, a tenth from a cold start. A rule
lemma is a function of the word, its part of speech and its morphology alone, so each distinct
triple is lemmatised once per process, by the stock component's own rules and tables, and a
document's lemmas are written back in one array call: the same lemmas, token for token.
"""

from __future__ import annotations

from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

#: The stock component this one stands in for (kept in the pipeline, disabled, for its tables).
STOCK_LEMMATIZER = "lemmatizer"


class MemoLemmatizer:
    """Sets `token.lemma` as `lemmatizer` would, asking it once per (word, part of speech, morphology)."""

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self._lemmatizer = lemmatizer
        self._lemmas: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = rows[:, 3].copy()
        overwrite = self._lemmatizer.overwrite
        strings = doc.vocab.strings
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma and not overwrite:
                continue  # set before us (the attribute ruler's exceptions), as the stock component leaves it
            key = (orth, pos, morph)
            found = self._lemmas.get(key)
            if found is None:
                found = self._lemmas[key] = strings.add(self._lemmatizer.lemmatize(doc[i])[0])
            lemmas[i] = found
        doc.from_array([LEMMA], lemmas)  # `to_array`'s uint64 column, as `from_array` takes it
        return doc


@Language.factory("ffkg_lemmatizer_v1")
def make_memo_lemmatizer(nlp: Language, name: str) -> MemoLemmatizer:
    """The memoised lemmatizer over the pipeline's stock one."""
    return MemoLemmatizer(nlp.get_pipe(STOCK_LEMMATIZER))
