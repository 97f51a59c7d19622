"""Interleaved timing: every subject runs once per round, so machine noise hits all of them alike."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable

#: Shortest sample worth timing; quicker calls are repeated within a sample and averaged.
MIN_SAMPLE_SECONDS = 0.02


def interleaved_medians(subjects: dict[str, Callable[[], object]], *, repeats: int) -> dict[str, float]:
    """Median seconds per call of each subject over `repeats` rounds; the order rotates each round.

    Untimed calls first warm each subject up and size its inner loop, so that
    sub-millisecond calls are not lost in timer and scheduler noise.
    """
    loops = {name: _loop_size(action) for name, action in subjects.items()}
    names = list(subjects)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(repeats):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            action, count = subjects[name], loops[name]
            start = time.perf_counter()
            for _ in range(count):
                action()
            samples[name].append((time.perf_counter() - start) / count)
    return {name: statistics.median(values) for name, values in samples.items()}


def _loop_size(action: Callable[[], object]) -> int:
    """Calls per sample: one for slow subjects (their cold call already shows it), else enough for a sample."""
    cold = timed(action)[0]
    if cold >= MIN_SAMPLE_SECONDS:
        return 1
    return max(1, math.ceil(MIN_SAMPLE_SECONDS / max(timed(action)[0], 1e-9)))


def timed(action: Callable[[], object]) -> tuple[float, object]:
    """Seconds one call takes, and what it returned."""
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result
