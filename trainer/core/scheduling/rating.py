"""How a graded answer becomes an FSRS rating: right/wrong, hint, and time against the learner's own pace.

Core layer, pure. The thresholds are relative to the learner's median time on the template, with
absolute fallbacks until enough correct answers exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "again", HARD: "hard", GOOD: "good", EASY: "easy"}

#: Rating thresholds, relative to the learner's own median time on the template.
SLOW_FACTOR = 2.0
FAST_FACTOR = 0.5
#: Prior correct answers on a template needed before its own median is trusted.
MIN_PRIOR_TIMES = 3
#: Absolute fallbacks while a template has fewer than MIN_PRIOR_TIMES correct answers.
DEFAULT_SLOW_MS = 120_000
DEFAULT_FAST_MS = 10_000
#: How many recent correct answers make up "the learner's typical time".
TYPICAL_WINDOW = 20


def typical_time(times_ms: Sequence[float]) -> float | None:
    """Median of the recent correct answer times, or None if too few to trust."""
    usable = [t for t in times_ms if t is not None and t > 0]
    if len(usable) < MIN_PRIOR_TIMES:
        return None
    return float(median(usable[-TYPICAL_WINDOW:]))


def derive_rating(correct: bool, *, hint_used: bool, response_ms: float | None,
                  prior_times_ms: Sequence[float] = ()) -> int:
    """The rating a graded answer earns.

    Wrong → Again (1). Right after a hint, or slowly → Hard (2). Right → Good (3). Right and fast →
    Easy (4). Slow means more than SLOW_FACTOR × the learner's median time on this template over its
    last TYPICAL_WINDOW correct answers; fast means under FAST_FACTOR × that median. Until the
    template has MIN_PRIOR_TIMES correct answers, slow is > DEFAULT_SLOW_MS and fast < DEFAULT_FAST_MS.

    Args:
        correct: the verdict.
        hint_used: the learner asked for the hint before answering.
        response_ms: time from the problem being shown to the answer being submitted (None: unknown,
            treated as neither slow nor fast).
        prior_times_ms: response times of earlier correct answers on this template, oldest first.

    Returns:
        1, 2, 3 or 4.
    """
    if not correct:
        return AGAIN
    if hint_used:
        return HARD
    if response_ms is None:
        return GOOD
    typical = typical_time(prior_times_ms)
    slow_limit = DEFAULT_SLOW_MS if typical is None else SLOW_FACTOR * typical
    fast_limit = DEFAULT_FAST_MS if typical is None else FAST_FACTOR * typical
    if response_ms > slow_limit:
        return HARD
    if response_ms < fast_limit:
        return EASY
    return GOOD
