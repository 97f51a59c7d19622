"""The memoised lemmatizer sets the lemmas spaCy's own lemmatizer sets, token for token."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from kg.extract import LEMMATIZER_PIPE, MODEL, load_pipeline
from kg.extract.lemmas import STOCK_LEMMATIZER, MemoLemmatizer

SENTENCES = [
    "The rifles were smuggled into Mexico by two men who had bought them at gun shows in Texas.",
    "She's been charged; they'd hidden 40 pistols and 3,000 rounds in a truck bound for Monterrey.",
    "Agents seized the AK-47s. The agents are seizing more guns, and the seizures continue.",
    "",
]


def _before_lemmas(nlp: spacy.Language, text: str) -> Doc:
    """`text` parsed up to the lemmatizer: tagged and given the attribute ruler's lemmas, no rule lemmas yet."""
    doc = nlp.make_doc(text)
    for name, component in nlp.pipeline:
        if name == STOCK_LEMMATIZER:
            return doc
        doc = component(doc)
    raise AssertionError("the model has no lemmatizer")


def test_each_token_gets_the_stock_lemmatizers_lemma() -> None:
    nlp = spacy.load(MODEL)
    stock = nlp.get_pipe(STOCK_LEMMATIZER)
    memo = MemoLemmatizer(stock)
    for text in SENTENCES * 2:  # the second pass answers from the memo
        ours = memo(_before_lemmas(nlp, text))
        theirs = stock(_before_lemmas(nlp, text))
        assert [token.lemma_ for token in ours] == [token.lemma_ for token in theirs]
    assert [token.lemma_ for token in memo(_before_lemmas(nlp, SENTENCES[0]))][:4] == ["the", "rifle", "be", "smuggle"]


def test_the_pipeline_runs_the_memoised_lemmatizer_in_place_of_the_stock_one() -> None:
    nlp = load_pipeline()
    assert STOCK_LEMMATIZER not in nlp.pipe_names
    assert nlp.pipe_names.index(LEMMATIZER_PIPE) < nlp.pipe_names.index("ner")
    assert [token.lemma_ for token in nlp("Two men bought rifles.")] == ["two", "man", "buy", "rifle", "."]
