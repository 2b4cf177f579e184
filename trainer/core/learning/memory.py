"""The FSRS-6 memory model as formulas of a parameter vector: stability, difficulty, recall.

Core layer, pure. The `fsrs` library computes the same quantities inside its scheduler, bound to
one parameter set and one card at a time; fitting, evaluation, the simulated learners and the
workload simulator need them for any parameters and, in the simulator, for many cards at once, so
the functions here take `w` (21 numbers) and accept floats or numpy arrays alike. A test checks
them against `fsrs.Scheduler` with non-default parameters.

FSRS-6, with D = −w[20] and F = 0.9^(1/D) − 1:
- recall probability after t days at stability S: R = (1 + F·t/S)^D;
- interval for desired retention r: I = S/F · (r^(1/D) − 1) (so R(I) = r, and I = S at r = 0.9);
- first review at rating G: S = w[G−1], D = w[4] − e^(w[5]·(G−1)) + 1;
- later reviews: the library's recall, forget and same-day (short-term) stability updates, and
  the difficulty update with linear damping and mean reversion to D0(Easy).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

STABILITY_MIN = 0.001  # the fsrs library's own floor (fsrs.scheduler.STABILITY_MIN)
DIFFICULTY_MIN, DIFFICULTY_MAX = 1.0, 10.0


def decay(w: Sequence[float]) -> float:
    """The forgetting curve's exponent D = −w[20] (negative)."""
    return -float(w[20])


def factor(w: Sequence[float]) -> float:
    """F = 0.9^(1/D) − 1, chosen so that R = 0.9 when t = S."""
    return 0.9 ** (1 / decay(w)) - 1


def retrievability(w: Sequence[float], elapsed_days, stability):
    """Probability of recall after `elapsed_days` at `stability` (floats or arrays)."""
    return (1 + factor(w) * np.asarray(elapsed_days, dtype=float) / stability) ** decay(w)


def interval(w: Sequence[float], stability, desired_retention):
    """Days until recall falls to `desired_retention` (floats or arrays), unrounded: S/F·(r^(1/D) − 1)."""
    return stability / factor(w) * (desired_retention ** (1 / decay(w)) - 1)


def initial_stability(w: Sequence[float], rating):
    """Stability after a first review at `rating` (1..4): w[rating − 1]."""
    return np.maximum(np.asarray(w, dtype=float)[np.asarray(rating) - 1], STABILITY_MIN)


def _initial_difficulty_raw(w: Sequence[float], rating):
    return w[4] - np.exp(w[5] * (np.asarray(rating, dtype=float) - 1)) + 1


def initial_difficulty(w: Sequence[float], rating):
    """Difficulty after a first review at `rating`: w[4] − e^(w[5]·(rating−1)) + 1, clamped to [1, 10]."""
    return np.clip(_initial_difficulty_raw(w, rating), DIFFICULTY_MIN, DIFFICULTY_MAX)


def next_difficulty(w: Sequence[float], difficulty, rating):
    """Difficulty after a review: a step −w[6]·(G−3), damped by (10−D)/9, reverted towards D0(Easy) by w[7]."""
    delta = -w[6] * (np.asarray(rating, dtype=float) - 3)
    damped = difficulty + (10.0 - difficulty) * delta / 9.0
    reverted = w[7] * _initial_difficulty_raw(w, 4) + (1 - w[7]) * damped
    return np.clip(reverted, DIFFICULTY_MIN, DIFFICULTY_MAX)


def next_stability(w: Sequence[float], stability, difficulty, elapsed_days, rating):
    """Stability after a review `elapsed_days` (whole days) after the previous one.

    Same day (elapsed 0): the short-term update S·e^(w17·(G−3+w18))·S^(−w19), at least ×1 on a pass.
    Later: on a pass the recall update, on Again the smaller of the long-term forget update and
    S / e^(w17·w18), all as in the fsrs library.
    """
    rating = np.asarray(rating)
    stability = np.asarray(stability, dtype=float)
    elapsed = np.asarray(elapsed_days, dtype=float)
    passed = rating > 1
    same_day = elapsed < 1
    # Only the branches some element needs are computed (the workload simulator calls this a lot).
    if same_day.any():
        short = np.exp(w[17] * (rating - 3 + w[18])) * stability ** -w[19]
        short = stability * np.where(passed, np.maximum(short, 1.0), short)
        if same_day.all():
            return np.maximum(short, STABILITY_MIN)
    r = retrievability(w, elapsed, stability)
    hard_penalty = np.where(rating == 2, w[15], 1.0)
    easy_bonus = np.where(rating == 4, w[16], 1.0)
    recall = stability * (1 + math.exp(w[8]) * (11 - difficulty) * stability ** -w[9]
                          * (np.exp((1 - r) * w[10]) - 1) * hard_penalty * easy_bonus)
    if passed.all():
        long_term = recall
    else:
        forget = np.minimum(w[11] * difficulty ** -w[12] * ((stability + 1) ** w[13] - 1) * np.exp((1 - r) * w[14]),
                            stability / math.exp(w[17] * w[18]))
        long_term = np.where(passed, recall, forget)
    if same_day.any():
        long_term = np.where(same_day, short, long_term)
    return np.maximum(long_term, STABILITY_MIN)


def replay(w: Sequence[float], reviews: Sequence[tuple[int, int]]) -> list[tuple[float, float]]:
    """The memory state after each review of one card.

    Args:
        w: the 21 FSRS-6 parameters.
        reviews: (whole days since the previous review, rating 1..4), oldest first; the first
            review's elapsed days are ignored.

    Returns:
        [(stability, difficulty)] after each review, same length as `reviews`.
    """
    out: list[tuple[float, float]] = []
    s = d = 0.0
    for i, (elapsed, rating) in enumerate(reviews):
        if i == 0:
            s, d = float(initial_stability(w, rating)), float(initial_difficulty(w, rating))
        else:
            s, d = (float(next_stability(w, s, d, elapsed, rating)), float(next_difficulty(w, d, rating)))
        out.append((s, d))
    return out
