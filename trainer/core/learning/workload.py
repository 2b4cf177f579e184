"""The workload simulator: expected reviews per day at each desired retention (Anki's "Help me decide").

Core layer, pure: the learner's cards, parameters and a seeded generator come in. The model:
- the learner's memory follows FSRS-6 with the given parameters, and the schedule uses the same
  parameters (the simulator asks "if these parameters are right, what does retention r cost?");
- started cards keep their stability and difficulty; each falls due S/F·(r^(1/D) − 1) days
  after its last review (rounded, at least 1), so a change of r moves today's due dates too;
- `new_per_day` not-yet-started templates start each day until none are left;
- a due card is reviewed on its due day: recalled with its FSRS recall probability, then rated
  Hard/Good/Easy from `pass_ratings`; forgotten means Again plus one same-day relearning review
  (rated Good), which also counts as a review; a first review is rated from `first_ratings`;
- every retention is simulated with the same random numbers (common random numbers), so the
  curve's shape is the retention's doing, not noise.
Reviews per day are averaged over the horizon and over `REPLICATES` copies; "memorized" is the expected number of cards
recalled at its end (the sum of recall probabilities).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from trainer.core.learning import memory
from trainer.core.learning.simulation import FIRST_RATINGS, PASS_RATINGS

#: Desired retentions shown by default: Anki's "Help me decide" range, in steps of 0.03 then 0.02.
RETENTIONS = (0.70, 0.73, 0.76, 0.79, 0.82, 0.85, 0.88, 0.90, 0.92, 0.94, 0.95, 0.96, 0.97)


#: Independent copies of the learner simulated side by side; the figures are their mean, which
#: smooths one run's luck out of the curve at little cost (the copies share each numpy call).
REPLICATES = 16


@dataclass(frozen=True)
class WorkloadCard:
    """A started card: its memory state and how many days ago it was last reviewed (≥ 0)."""

    stability: float
    difficulty: float
    days_since_review: float


def workload_by_retention(parameters: Sequence[float], cards: Sequence[WorkloadCard], *, new_cards: int,
                          rng: np.random.Generator, new_per_day: int = 10, days: int = 365,
                          retentions: Sequence[float] = RETENTIONS,
                          first_ratings: Sequence[float] = FIRST_RATINGS,
                          pass_ratings: Sequence[float] = PASS_RATINGS) -> list[dict]:
    """Simulate the coming `days` at each desired retention (see the module docstring).

    Args:
        parameters: 21 FSRS-6 parameters (the learner's, or the defaults).
        cards: the started cards.
        new_cards: templates not yet started.
        rng: the only source of randomness (one draw seeds every retention's run).
        new_per_day: new cards started per day.
        days: the horizon.
        retentions: desired retentions to simulate, each in (0, 1).
        first_ratings: probabilities of Again, Hard, Good, Easy at a first review.
        pass_ratings: probabilities of Hard, Good, Easy when a review is recalled.

    Returns:
        [{"retention", "reviews_per_day", "memorized"}] in the order of `retentions`.

    Raises:
        ValueError: a retention outside (0, 1), or days < 1.
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    for r in retentions:
        if not 0 < r < 1:
            raise ValueError(f"desired retention must be between 0 and 1, got {r!r}")
    w = [float(x) for x in parameters]
    seed = int(rng.integers(2**63))
    return _run(w, cards, new_cards, [float(r) for r in retentions], np.random.default_rng(seed), new_per_day, days,
                first_ratings, pass_ratings)


def _due(w: list[float], stability: np.ndarray, r) -> np.ndarray:
    return np.maximum(1.0, np.round(memory.interval(w, stability, r)))


def _rate(u: np.ndarray, cumulative: np.ndarray) -> np.ndarray:
    """Index of the category each uniform draw falls in (0-based), by cumulative probability."""
    return np.minimum(np.searchsorted(cumulative, u, side="right"), len(cumulative) - 1)


def _relearn(w: list[float], s: np.ndarray, d: np.ndarray, rating: np.ndarray) -> np.ndarray:
    """The same-day relearning review, rated Good, after each Again in `rating`: applied to `s` and `d`
    in place. Returns which reviews were an Again (each adds that review)."""
    failed = rating == 1
    if failed.any():
        s[failed] = memory.next_stability(w, s[failed], d[failed], 0, 3)
        d[failed] = memory.next_difficulty(w, d[failed], 3)
    return failed


def _tally(idx: np.ndarray, failed: np.ndarray, n: int, runs: int) -> np.ndarray:
    """Reviews per retention of the cards `idx` (n to a retention), each Again counting twice."""
    return np.bincount(idx // n, minlength=runs) + np.bincount(idx[failed] // n, minlength=runs)


def _run(w, cards, new_cards, retentions, rng, new_per_day, days, first_ratings, pass_ratings) -> list[dict]:
    """Every retention's simulation at once, as one array of cards per (retention, copy), taken a
    review at a time rather than a day at a time.

    Cards do not interact: a card is reviewed on the first day on or after its due date (day 0 if
    overdue), and what happens to it depends on its own state and its own random numbers on that
    day alone. So each step reviews every card that still has a review within the horizon, each on
    its own day: the same reviews, in the same order for each card, as walking the days would give,
    in as many numpy calls as the busiest card has reviews instead of one set per day; and one
    array serves every retention, each reading the same numbers for the same card on the same day."""
    per_copy = len(cards) + new_cards
    n = per_copy * REPLICATES  # the cards of one retention
    runs = len(retentions)
    if n == 0:  # nothing started and nothing to start: no review at any retention
        return [{"retention": r, "reviews_per_day": 0.0, "memorized": 0.0} for r in retentions]
    # One uniform per (day, card) for recall and one for the rating (column = index mod n).
    recall_u = rng.random((days, n))
    rating_u = rng.random((days, n))
    total = n * runs
    r_of = np.repeat(np.asarray(retentions, dtype=float), n)  # each card's desired retention
    s = np.zeros(total)
    d = np.zeros(total)
    last = np.zeros(total)
    due = np.full(total, np.inf)
    copies = np.arange(REPLICATES * runs) * per_copy
    pass_ratings, first_ratings = np.cumsum(pass_ratings), np.cumsum(first_ratings)
    reviews = np.zeros(runs, dtype=np.int64)
    if cards:
        k = np.add.outer(copies, np.arange(len(cards))).ravel()
        s[k] = np.tile([c.stability for c in cards], REPLICATES * runs)
        d[k] = np.tile([c.difficulty for c in cards], REPLICATES * runs)
        last[k] = np.tile([-c.days_since_review for c in cards], REPLICATES * runs)
        due[k] = last[k] + _due(w, s[k], r_of[k])
    # The templates not yet started: `new_per_day` of them start each day, in order, with a first review.
    start = np.arange(new_cards) // new_per_day
    start = start[start < days]
    if start.size:
        fresh = np.add.outer(copies, len(cards) + np.arange(start.size)).ravel()
        day = np.tile(start, REPLICATES * runs)
        rating = _rate(rating_u[day, fresh % n], first_ratings) + 1
        s_new, d_new = memory.initial_stability(w, rating), memory.initial_difficulty(w, rating)
        failed = _relearn(w, s_new, d_new, rating)
        s[fresh], d[fresh], last[fresh] = s_new, d_new, day
        due[fresh] = day + _due(w, s_new, r_of[fresh])
        reviews += _tally(fresh, failed, n, runs)
    # The day each card is next reviewed (inf: not started); a review sets a whole day, so only the
    # started cards' first due dates need rounding up.
    on = np.maximum(0.0, np.ceil(due))
    idx = np.flatnonzero(on < days)
    while idx.size:
        day = on[idx].astype(np.intp)
        col = idx % n
        elapsed = np.floor(day - last[idx])
        recalled = recall_u[day, col] < memory.retrievability(w, elapsed, s[idx])
        rating = np.where(recalled, _rate(rating_u[day, col], pass_ratings) + 2, 1)
        s_new = memory.next_stability(w, s[idx], d[idx], elapsed, rating)
        d_new = memory.next_difficulty(w, d[idx], rating)
        failed = _relearn(w, s_new, d_new, rating)
        s[idx], d[idx], last[idx] = s_new, d_new, day
        on[idx] = day + _due(w, s_new, r_of[idx])
        reviews += _tally(idx, failed, n, runs)
        idx = idx[on[idx] < days]  # the cards with a review left within the horizon
    begun = np.isfinite(on)
    recall = memory.retrievability(w, days - last[begun], s[begun])
    # Each retention's begun cards are a run of `recall`, summed alone (as its own simulation would).
    bounds = [0, *np.cumsum(begun.reshape(runs, n).sum(axis=1)).tolist()]
    return [{"retention": r, "reviews_per_day": int(reviews[k]) / days / REPLICATES,
             "memorized": float(recall[bounds[k]:bounds[k + 1]].sum()) / REPLICATES}
            for k, r in enumerate(retentions)]
