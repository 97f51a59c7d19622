"""Sentence-level views shared by the relation, flow and event rules.

Every rule of those stages reads one sentence at a time: its resolved mentions,
which mention a token belongs to, and the evidence span a fact cites.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from kg.extract.base import ResolvedMention
from kg.extract.gazetteer import SPAN_KEY
from kg.records import Span

PLACE_TYPES = frozenset({"City", "Region", "Country"})
BODY_TYPES = frozenset({"Organization", "GovernmentBody", "CriminalGroup"})
#: Which place types may stand after a place to locate it ("Laredo, Texas", "Texas, USA").
CONTAINERS = {"City": ("Region", "Country"), "Region": ("Country",)}
T = TypeVar("T")


_TEXT_KEY = "ffkg_text"
_LINES_KEY = "ffkg_lines"
_LEMMAS_KEY = "ffkg_lemmas"
_HEADS_KEY = "ffkg_heads"
_HEAD_OF_KEY = "ffkg_head_of"
_HITS_KEY = "ffkg_gazetteer_hits"


def doc_text(doc: Doc) -> str:
    """The document text, built once: spaCy rebuilds `Doc.text` from its tokens on every access."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def attach_text(doc: Doc, text: str) -> None:
    """Give `doc` the text it was parsed from, so `doc_text` never rebuilds it from the tokens
    (a fifth of rule time). spaCy's tokenizer keeps every character, so the two are equal."""
    doc.user_data[_TEXT_KEY] = text


@dataclass
class Sentence:
    """One parsed sentence with the resolved mentions inside it."""

    span: SpacySpan
    #: `span.text`, cut from the document text once (spaCy joins the tokens again on each access).
    text: str
    mentions: list[ResolvedMention]
    by_token: dict[int, ResolvedMention] = field(default_factory=dict)
    _memo: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)

    def memo(self, key: Hashable, make: Callable[[], T]) -> T:
        """`make()`, once per key for this view of the sentence: the pair rules ask the same
        question of each mention for every partner it has (`key` must name all `make` reads
        besides the sentence)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    @property
    def evidence(self) -> Span:
        return Span(self.span.start_char, self.span.end_char, self.text)

    def mention_at(self, token: Token) -> ResolvedMention | None:
        return self.by_token.get(token.i)

    def of_types(self, types: Iterable[str]) -> list[ResolvedMention]:
        wanted = set(types)
        return [m for m in self.mentions if m.entity.type in wanted]


def _lines(doc: Doc) -> Iterator[SpacySpan]:
    """The parser's sentences, cut again at line breaks (a headline has no full stop) and
    glued back where the parser split a line without a full stop ("(CARICOM) | Dialogue on ...")."""
    start = None
    for sent in doc.sents:
        for token in sent:
            if token.is_space and "\n" in token.text:
                if start is not None and token.i > start:
                    yield doc[start : token.i]
                start = None
            elif start is None:
                start = token.i
        last = doc[sent.end - 1]
        if start is not None and _ends_sentence(last):
            yield doc[start : sent.end]
            start = None
    if start is not None:
        yield doc[start : len(doc)]


def _ends_sentence(token: Token) -> bool:
    """A full stop, or a closing quote or bracket right after one."""
    if token.text in (".", "!", "?", "…", ";"):
        return True
    before = token.doc[token.i - 1] if token.i > 0 else None
    return token.is_punct and before is not None and before.text in (".", "!", "?")


def sentences(doc: Doc, mentions: list[ResolvedMention]) -> Iterator[Sentence]:
    """The doc's sentences in order, each with its mentions (mentions sorted by position)."""
    bounds = doc.user_data.get(_LINES_KEY)
    if bounds is None:  # every rule stage walks the sentences: find them once per document
        bounds = doc.user_data[_LINES_KEY] = [(line.start, line.end) for line in _lines(doc)]
    text = doc_text(doc)
    ordered = sorted(mentions, key=lambda m: m.token_start)
    index = 0
    for start, end in bounds:
        sent = doc[start:end]
        while index < len(ordered) and ordered[index].token_start < sent.start:
            index += 1
        inside = []
        cursor = index
        while cursor < len(ordered) and ordered[cursor].token_start < sent.end:
            inside.append(ordered[cursor])
            cursor += 1
        by_token = {i: m for m in inside for i in range(m.token_start, min(m.token_end, sent.end))}
        yield Sentence(sent, text[sent.start_char : sent.end_char], inside, by_token)


def lemma_of(token: Token) -> str:
    """The token's lemma, lower-cased, as every word list is written.

    The rules ask for the same tokens' lemmas over and over (a quarter of a million times for 75
    articles); spaCy decodes a new string on each access, so the document's lemmas are made once."""
    doc = token.doc
    lemmas = doc.user_data.get(_LEMMAS_KEY)
    if lemmas is None:
        lemmas = doc.user_data[_LEMMAS_KEY] = [t.lemma_.lower() for t in doc]
    return lemmas[token.i]


def dependency_path(first: Token, second: Token) -> tuple[list[Token], Token, list[Token]] | None:
    """The tree path between two tokens: those rising from `first` to below their lowest common
    ancestor, that ancestor, and those falling from it down to `second` (None across sentences).

    Climbs the document's head positions (read once per Doc) rather than `Token.ancestors`, which
    makes a Token object for every step of both climbs; only the path's own tokens are made."""
    doc = first.doc
    heads = doc.user_data.get(_HEAD_OF_KEY)
    if heads is None:
        heads = doc.user_data[_HEAD_OF_KEY] = [t.head.i for t in doc]
    up = _climb(heads, first.i)
    rank = {i: n for n, i in enumerate(up)}
    down = _climb(heads, second.i)
    for n, i in enumerate(down):
        if i in rank:
            return [doc[j] for j in up[: rank[i]]], doc[i], [doc[j] for j in reversed(down[:n])]
    return None


def _climb(heads: list[int], i: int) -> list[int]:
    """Position `i` and those of its ancestors, up to the root of its sentence."""
    chain = [i]
    while heads[i] != i and len(chain) <= len(heads):
        i = heads[i]
        chain.append(i)
    return chain


def gazetteer_hits(doc: Doc) -> list[tuple[int, int, str]]:
    """The gazetteer's hits as (start, end, type) token positions, read once per Doc: each
    entity's type features scan them, and spaCy makes a new Span object per hit on each read."""
    hits = doc.user_data.get(_HITS_KEY)
    if hits is None:
        hits = doc.user_data[_HITS_KEY] = [(span.start, span.end, span.label_) for span in doc.spans[SPAN_KEY]]
    return hits


def head_token(doc: Doc, mention: ResolvedMention) -> Token:
    """The syntactic head of a mention: the token whose head lies outside the mention.

    Found once per mention span and document: spaCy's `Span.root` walks the span on every call
    (5 µs), and the rules ask for the same few mentions' heads tens of thousands of times. The
    position is kept, not the token, which would tie the Doc to itself in a reference cycle."""
    heads = doc.user_data.get(_HEADS_KEY)
    if heads is None:
        heads = doc.user_data[_HEADS_KEY] = {}
    key = (mention.token_start, mention.token_end)
    head = heads.get(key)
    if head is None:
        head = heads[key] = doc[mention.token_start : mention.token_end].root.i
    return doc[head]


def phrase_head(token: Token) -> Token:
    """Climb out of the noun phrase a token sits in ("Phoenix" in "the Phoenix and Tucson area" -> "area")."""
    while token.dep_ in ("compound", "amod", "nmod", "poss", "conj", "appos", "nummod") and token.head.i != token.i:
        token = token.head
    return token


def governing_preposition(doc: Doc, mention: ResolvedMention) -> tuple[str, Token] | None:
    """The preposition a mention is the object of ("from", "into", "out of"), with its token."""
    top = phrase_head(head_token(doc, mention))
    if top.dep_ != "pobj":
        return None
    prep = top.head
    word = prep.lower_
    if word == "of" and prep.head.lower_ in ("out", "outside"):
        return "out of", prep
    return word, prep


def is_within(token: Token, ancestor: Token) -> bool:
    """True when `token` is `ancestor` or lies in its subtree."""
    return token.i == ancestor.i or ancestor.is_ancestor(token)


def in_phrase(token: Token, root: Token) -> bool:
    """`token` is in `root`'s subtree but not in a conjoined sibling ("the meeting and the visit")."""
    if token.i == root.i:
        return True
    node = token
    while node.head.i != node.i:
        if node.head.i == root.i:
            return node.dep_ not in ("conj", "cc")
        node = node.head
    return False


def unique(items: Iterable[str]) -> list[str]:
    """Order-keeping de-duplication."""
    return list(dict.fromkeys(items))


def inside_another(sentence: Sentence, mention: ResolvedMention) -> bool:
    """ "Jamaica" in "Parliament of Jamaica", "U.S." in "U.S. Attorney's Office": a name that is
    part of a longer name in the sentence stands for nothing on its own."""
    size = mention.token_end - mention.token_start
    return any(
        other.token_start <= mention.token_start
        and mention.token_end <= other.token_end
        and other.token_end - other.token_start > size
        for other in sentence.mentions
    )


def locates_previous(previous: ResolvedMention | None, mention: ResolvedMention, text: str) -> bool:
    """ "Buffalo, N.Y.": `mention` only says where the place before it lies; `text` is the document text."""
    if previous is None or mention.entity.type not in CONTAINERS.get(previous.entity.type, ()):
        return False
    return text[previous.end_char : mention.start_char].strip() == ","
