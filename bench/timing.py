"""Interleaved timing: every subject runs once per round, so machine noise hits all of them alike."""

from __future__ import annotations

import math
import os
import statistics
import time
from collections.abc import Callable
from typing import TypeVar

#: Shortest sample worth timing; quicker calls are repeated within a sample and averaged.
MIN_SAMPLE_SECONDS = 0.02
#: Calls slower than this are timed once: repeating them would cost minutes and tell little more.
ONCE_SECONDS = 10.0

T = TypeVar("T")


def interleaved_medians(subjects: dict[str, Callable[[], object]], *, repeats: int) -> dict[str, float]:
    """Median seconds per call of each subject over `repeats` rounds; the order rotates each round.

    Untimed calls first warm each subject up and size its inner loop, so that
    sub-millisecond calls are not lost in timer and scheduler noise. A subject whose
    first call takes over `ONCE_SECONDS` is not repeated: that call is its figure.
    """
    loops: dict[str, int] = {}
    samples: dict[str, list[float]] = {}
    for name, action in subjects.items():
        cold = timed(action)[0]
        if cold >= ONCE_SECONDS:
            samples[name] = [cold]
        else:
            warm = cold if cold >= MIN_SAMPLE_SECONDS else timed(action)[0]
            loops[name] = max(1, math.ceil(MIN_SAMPLE_SECONDS / max(warm, 1e-9)))
            samples[name] = []
    names = list(loops)
    for round_ in range(repeats):
        shift = round_ % len(names) if names else 0
        for name in names[shift:] + names[:shift]:
            action, count = subjects[name], loops[name]
            start = time.perf_counter()
            for _ in range(count):
                action()
            samples[name].append((time.perf_counter() - start) / count)
    return {name: statistics.median(values) for name, values in samples.items()}


def timed(action: Callable[[], object]) -> tuple[float, object]:
    """Seconds one call takes, and what it returned."""
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def cpu_seconds() -> float:
    """CPU seconds this process and its finished children have used."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def cpu_timed(action: Callable[[], T]) -> tuple[float, T]:
    """CPU seconds one call takes (its threads included), and what it returned: on a shared machine
    the wall time of a stage mostly measures the other jobs."""
    before = cpu_seconds()
    result = action()
    return cpu_seconds() - before, result
