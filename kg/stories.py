"""Near-duplicate documents: the same story under another header, or a wire copy in two outlets.

Corroboration counts stories, not files, so that a story ingested twice does not look twice
as well attested. Each document gets a bottom-k MinHash sketch of its word 5-shingles; a new
document joins the story of the most similar stored one when their estimated Jaccard
similarity reaches `SAME_STORY`, otherwise it starts a story of its own.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterable

#: Words per shingle: long enough that two different articles on one topic share few of them.
SHINGLE_WORDS = 5
#: Hashes kept per sketch (the k smallest): the estimate's error is about 1/sqrt(k).
SKETCH_SIZE = 64
#: Estimated Jaccard similarity from which two documents tell the same story.
SAME_STORY = 0.5

_WORD = re.compile(r"\w+")

Sketch = tuple[int, ...]


def sketch(text: str) -> Sketch:
    """The `SKETCH_SIZE` smallest hashes of the text's word shingles, sorted."""
    words = [word.lower() for word in _WORD.findall(text)]
    width = min(SHINGLE_WORDS, len(words)) or 1
    hashes = {zlib.crc32(" ".join(words[i : i + width]).encode("utf-8")) for i in range(max(1, len(words) - width + 1))}
    return tuple(sorted(hashes)[:SKETCH_SIZE])


def similarity(a: Sketch, b: Sketch) -> float:
    """Estimated Jaccard similarity of the two texts (exact when both have fewer shingles than k)."""
    if not a or not b:
        return 0.0
    union = sorted(set(a) | set(b))[:SKETCH_SIZE]
    shared = set(a) & set(b)
    return sum(1 for value in union if value in shared) / len(union)


def encode(value: Sketch) -> str:
    """The sketch as the literal stored on the document node."""
    return " ".join(f"{h:08x}" for h in value)


def decode(text: str) -> Sketch:
    return tuple(int(part, 16) for part in text.split())


class StoryIndex:
    """Stored documents' sketches, looked up by shared hashes so a new document is compared with few."""

    def __init__(self, stored: Iterable[tuple[Sketch, str]] = ()) -> None:
        self._sketches: list[tuple[Sketch, str]] = []
        self._by_hash: dict[int, list[int]] = {}
        for value, story in stored:
            self.add(value, story)

    def add(self, value: Sketch, story: str) -> None:
        index = len(self._sketches)
        self._sketches.append((value, story))
        for h in value:
            self._by_hash.setdefault(h, []).append(index)

    def story_of(self, value: Sketch) -> str | None:
        """The story of the most similar stored document, if it is similar enough."""
        shared = Counter(index for h in value for index in self._by_hash.get(h, ()))
        best, best_score = None, SAME_STORY
        for index, _ in shared.most_common(20):
            candidate, story = self._sketches[index]
            score = similarity(value, candidate)
            if score >= best_score:
                best, best_score = story, score
        return best
