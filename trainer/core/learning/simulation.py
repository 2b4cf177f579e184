"""Simulated learners: review logs produced by a known FSRS-6 memory, for tests and benchmarks.

Core layer, pure: the start time and the generator come in. The model, documented so a figure
built on it can be judged:
- the learner's memory of each card follows FSRS-6 with the *true* parameters (their memory);
- the schedule follows FSRS-6 with the *scheduler's* parameters (what the app believes), at the
  desired retention, whole-day intervals, no fuzz;
- `new_per_day` new cards start each day until `cards` have started; every due card is reviewed
  on its due day, at 09:00 UTC plus up to 10 hours;
- a first review is rated from `first_ratings`; a later one is recalled with the true recall
  probability, then rated Again on a lapse, else Hard/Good/Easy from `pass_ratings`;
- after an Again the card is seen once more the same day, 10 minutes later, and rated Good
  (a relearning step, which is what FSRS's same-day parameters describe).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from trainer.core.learning import memory
from trainer.core.learning.fitting import LoggedReview

if TYPE_CHECKING:
    import numpy as np

FIRST_RATINGS = (0.25, 0.10, 0.55, 0.10)
PASS_RATINGS = (0.10, 0.80, 0.10)


def simulated_log(true_parameters: Sequence[float], *, cards: int, days: int, rng: np.random.Generator,
                  start: datetime, scheduler_parameters: Sequence[float], desired_retention: float = 0.9,
                  new_per_day: int = 10, first_ratings: Sequence[float] = FIRST_RATINGS,
                  pass_ratings: Sequence[float] = PASS_RATINGS) -> list[LoggedReview]:
    """The explicit reviews of a simulated learner over `days` days (see the module docstring).

    Args:
        true_parameters: the learner's memory, 21 FSRS-6 parameters.
        cards: how many cards the learner starts in all.
        days: days simulated.
        rng: the only source of randomness.
        start: midnight UTC of the first day (UTC-aware).
        scheduler_parameters: the parameters the schedule is computed with.
        desired_retention: the schedule's target recall.
        new_per_day: new cards started per day.
        first_ratings: probabilities of Again, Hard, Good, Easy at a first review.
        pass_ratings: probabilities of Hard, Good, Easy when a later review is recalled.

    Returns:
        The log, oldest first; card ids are "c0", "c1", ….
    """
    true_w = [float(x) for x in true_parameters]
    plan_w = [float(x) for x in scheduler_parameters]
    state: dict[int, list] = {}  # card → [true S, true D, plan S, plan D, last review time, due day]
    log: list[LoggedReview] = []
    started = 0
    for day in range(days):
        due = [card for card, s in state.items() if s[5] <= day]
        fresh = list(range(started, min(cards, started + new_per_day)))
        started += len(fresh)
        for card in due + fresh:
            at = start + timedelta(days=day, hours=9, minutes=int(rng.integers(0, 600)))
            if card not in state:
                rating = int(rng.choice(4, p=first_ratings)) + 1
                s = [float(memory.initial_stability(true_w, rating)), float(memory.initial_difficulty(true_w, rating)),
                     float(memory.initial_stability(plan_w, rating)), float(memory.initial_difficulty(plan_w, rating)),
                     at, day]
                state[card] = s
            else:
                s = state[card]
                elapsed = (at - s[4]).days
                recalled = rng.random() < float(memory.retrievability(true_w, elapsed, s[0]))
                rating = int(rng.choice(3, p=pass_ratings)) + 2 if recalled else 1
                _step(s, true_w, plan_w, elapsed, rating, at)
            log.append(LoggedReview(f"c{card}", at, rating))
            if rating == 1:
                at = at + timedelta(minutes=10)
                _step(s, true_w, plan_w, 0, 3, at)
                log.append(LoggedReview(f"c{card}", at, 3))
            s[5] = day + max(1, round(float(memory.interval(plan_w, s[2], desired_retention))))
    return log


def _step(s: list, true_w: list[float], plan_w: list[float], elapsed: int, rating: int, at: datetime) -> None:
    s[0], s[1] = (float(memory.next_stability(true_w, s[0], s[1], elapsed, rating)),
                  float(memory.next_difficulty(true_w, s[1], rating)))
    s[2], s[3] = (float(memory.next_stability(plan_w, s[2], s[3], elapsed, rating)),
                  float(memory.next_difficulty(plan_w, s[3], rating)))
    s[4] = at
