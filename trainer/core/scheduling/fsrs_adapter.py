"""The FSRS-6 memory model as trainer uses it: a seeded scheduler, one review, retrievability.

Core layer, pure. The `fsrs` library does the memory model (the default FSRS-6 parameters unless the
learner's fitted ones are passed in; its learning and relearning steps, fuzz on); this module maps `CardState` to and from the library's `Card`, draws
the interval fuzz from a passed-in generator instead of `random.random`, and counts lapses and leeches.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS, FUZZ_RANGES, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from trainer.core.scheduling.card import CardState
from trainer.core.scheduling.days import require_utc
from trainer.core.scheduling.rating import AGAIN, EASY, RATING_NAMES

if TYPE_CHECKING:
    import numpy as np  # annotations only: `trainer stats` never loads numpy

_FSRS_STATE = {"learning": State.Learning, "review": State.Review, "relearning": State.Relearning}
_DECAY = -DEFAULT_PARAMETERS[20]
_FACTOR = 0.9 ** (1 / _DECAY) - 1


def default_parameters() -> list[float]:
    """The fsrs library's default FSRS-6 parameters (what a learner without a fit is scheduled with)."""
    return [float(x) for x in DEFAULT_PARAMETERS]


def validate_parameters(values: object) -> list[float]:
    """Check a parameter vector before it schedules anything.

    Args:
        values: a sequence of 21 numbers (as stored in settings or returned by a fit).

    Returns:
        The 21 parameters as floats.

    Raises:
        ValueError: not a sequence of 21 finite numbers, or a number outside the fsrs library's
            bounds for its position (the message names the position).
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise ValueError(f"FSRS parameters must be a list of {len(DEFAULT_PARAMETERS)} numbers, got {type(values).__name__}")
    if len(values) != len(DEFAULT_PARAMETERS):
        raise ValueError(f"FSRS parameters must be {len(DEFAULT_PARAMETERS)} numbers, got {len(values)}")
    out = []
    for i, (value, low, high) in enumerate(zip(values, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"FSRS parameter w[{i}] must be a finite number, got {value!r}")
        if not low <= value <= high:
            raise ValueError(f"FSRS parameter w[{i}] = {value} is outside [{low}, {high}]")
        out.append(float(value))
    return out


def fuzzed_interval_days(interval_days: int, maximum_interval: int, draw: float) -> int:
    """The library's interval fuzz for one uniform draw (a copy of `fsrs.Scheduler._get_fuzzed_interval`).

    The fuzz window widens with the interval (FUZZ_RANGES); the draw picks a day in it uniformly.
    A parity test checks this against the installed library on the same draws.

    Args:
        interval_days: the unfuzzed interval, whole days (≥ 3; shorter intervals are not fuzzed).
        maximum_interval: the scheduler's longest allowed interval.
        draw: a uniform number in [0, 1).

    Returns:
        The fuzzed interval in whole days.
    """
    delta = 1.0
    for fuzz_range in FUZZ_RANGES:
        delta += fuzz_range["factor"] * max(min(float(interval_days), fuzz_range["end"]) - fuzz_range["start"], 0.0)
    min_ivl = max(2, round(interval_days - delta))
    max_ivl = min(round(interval_days + delta), maximum_interval)
    min_ivl = min(min_ivl, max_ivl)
    return min(round(draw * (max_ivl - min_ivl + 1) + min_ivl), maximum_interval)


class _SeededScheduler(Scheduler):
    """The fsrs scheduler with its interval fuzz drawn from our generator instead of `random.random`.

    The fuzz range is the library's own (same FUZZ_RANGES and rounding); only the source of the
    uniform draw changes, so a session run with a fixed seed schedules identically every time.
    """

    def __init__(self, *, rng: np.random.Generator, **kwargs):
        super().__init__(**kwargs)
        self._rng = rng

    def _get_fuzzed_interval(self, *, interval: timedelta) -> timedelta:
        if interval.days < 2.5:  # the library's own cut-off: short intervals are not fuzzed
            return interval
        return timedelta(days=fuzzed_interval_days(interval.days, self.maximum_interval, float(self._rng.random())))


def make_scheduler(desired_retention: float = 0.9, *, rng: np.random.Generator | None = None,
                   fuzz: bool = True, parameters: Sequence[float] | None = None) -> Scheduler:
    """The FSRS-6 scheduler with the library's learning/relearning steps.

    Args:
        desired_retention: target probability of recall when a card falls due.
        rng: source of the interval fuzz; required when `fuzz` is on.
        fuzz: spread intervals by a few percent so cards learned together do not stay together.
        parameters: 21 FSRS-6 parameters fitted to the learner; None for the library's defaults.

    Returns:
        An `fsrs.Scheduler`.

    Raises:
        ValueError: fuzz requested without an rng, or parameters the library refuses.
    """
    w = tuple(DEFAULT_PARAMETERS if parameters is None else parameters)
    if fuzz:
        if rng is None:
            raise ValueError("fuzz needs an rng (numpy.random.Generator)")
        return _SeededScheduler(rng=rng, parameters=w, desired_retention=desired_retention, enable_fuzzing=True)
    return Scheduler(parameters=w, desired_retention=desired_retention, enable_fuzzing=False)


def _to_fsrs(card: CardState, now: datetime) -> Card:
    if card.state == "new":
        return Card(card_id=1, state=State.Learning, step=0, due=now)
    return Card(card_id=1, state=_FSRS_STATE[card.state], step=card.step, stability=card.stability,
                difficulty=card.difficulty, due=card.due or now, last_review=card.last_review)


def review(card: CardState, rating: int, now: datetime, *, rng: np.random.Generator,
           desired_retention: float = 0.9, leech_threshold: int = 8, fuzz: bool = True,
           parameters: Sequence[float] | None = None) -> CardState:
    """The card after one review.

    Args:
        card: the schedule before the review (state "new" for a first review).
        rating: 1 Again, 2 Hard, 3 Good, 4 Easy.
        now: review time (UTC-aware).
        rng: source of interval fuzz.
        desired_retention: the learner's target retention.
        leech_threshold: lapses at which the card is flagged as a leech.
        fuzz: apply interval fuzz (on in normal use).
        parameters: the learner's fitted FSRS-6 parameters; None for the defaults.

    Returns:
        A new CardState; `lapses` grows when a review-state card is rated Again.

    Raises:
        ValueError: a rating outside 1..4 or a naive `now`.
    """
    if rating not in RATING_NAMES:
        raise ValueError(f"rating must be 1, 2, 3 or 4, got {rating!r}")
    now = require_utc(now)
    scheduler = make_scheduler(desired_retention, rng=rng, fuzz=fuzz, parameters=parameters)
    after, _log = scheduler.review_card(_to_fsrs(card, now), Rating(rating), review_datetime=now)
    lapses = card.lapses + (1 if card.state == "review" and rating == AGAIN else 0)
    return CardState(
        state=after.state.name.lower(),
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        due=after.due,
        last_review=after.last_review,
        reps=card.reps + 1,
        lapses=lapses,
        leech=card.leech or lapses >= leech_threshold,
    )


def review_each(card: CardState, now: datetime, *, rng: np.random.Generator, desired_retention: float = 0.9,
                leech_threshold: int = 8, fuzz: bool = True,
                parameters: Sequence[float] | None = None) -> dict[int, CardState]:
    """The card after one review at each rating 1..4, without drawing from `rng`.

    Each rating is reviewed with its own copy of `rng`, so each result is exactly what `review`
    with that generator would return next (same fuzz draw): the intervals shown on the four
    rating keys are the ones a key press records.

    Args:
        card: the schedule before the review.
        now: review time (UTC-aware).
        rng: the generator the real review will draw from (left untouched).
        desired_retention: the learner's target retention.
        leech_threshold: lapses at which the card is flagged as a leech.
        fuzz: apply interval fuzz.
        parameters: the learner's fitted FSRS-6 parameters; None for the defaults.

    Returns:
        {rating: CardState after} for ratings 1, 2, 3, 4.

    Raises:
        ValueError: a naive `now`.
    """
    return {rating: review(card, rating, now, rng=_twin(rng), desired_retention=desired_retention,
                           leech_threshold=leech_threshold, fuzz=fuzz, parameters=parameters)
            for rating in range(AGAIN, EASY + 1)}


def _twin(rng: np.random.Generator) -> np.random.Generator:
    """A generator that draws exactly what `rng` would draw next, leaving `rng` as it is.

    Built from the bit generator's state: a fifth of `copy.deepcopy`'s cost (which goes through
    pickling), and the four previews of every answer are on the way to its verdict."""
    twin = type(rng.bit_generator)(0)
    twin.state = rng.bit_generator.state
    return type(rng)(twin)  # numpy is loaded (rng exists), but not imported here: see the top


def retrievability(card: CardState, now: datetime, parameters: Sequence[float] | None = None) -> float:
    """Predicted probability of recall at `now` (0 for a card never reviewed).

    Uses the library's formula, which counts whole elapsed days; `parameters` (None for the
    defaults) set the curve's decay −w[20].
    """
    if card.state == "new" or card.stability is None or card.last_review is None:
        return 0.0
    # Same formula as fsrs.Scheduler.get_card_retrievability, without building a Scheduler per card
    # (the queue evaluates this for every due card).
    elapsed_days = max(0, (require_utc(now) - card.last_review).days)
    if parameters is None:
        decay, factor = _DECAY, _FACTOR
    else:
        decay = -parameters[20]
        factor = 0.9 ** (1 / decay) - 1
    return (1 + factor * elapsed_days / card.stability) ** decay
