"""Parity of trainer's interval fuzz with the `fsrs` library's own, on the same uniform draws.

trainer copies `fsrs.Scheduler._get_fuzzed_interval` (FUZZ_RANGES, rounding, the 2.5-day cut-off) so
that the draw can come from the session's seeded generator instead of `random.random`. The library's
fuzz depends only on the interval, the maximum interval and the draw (not on elapsed days), so these
are what the cases vary. The library is the reference: its `random` is replaced by the same draw.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import fsrs.scheduler
import numpy as np
import pytest
from fsrs import Card, Rating, Scheduler, State

from trainer.core import scheduling
from trainer.core.scheduling import CardState
from trainer.core.scheduling.fsrs_adapter import make_scheduler

NOW = datetime(2025, 3, 10, 9, 0, tzinfo=timezone.utc)

EDGE_DRAWS = [0.0, 1e-12, 0.25, 0.4999999, 0.5, 0.5000001, 0.75, 0.999999999]
INTERVALS = [1, 2, 3, 4, 5, 6, 7, 8, 10, 15, 19, 20, 21, 25, 30, 50, 99, 100, 365, 1000, 36_499, 36_500, 40_000]


def library_fuzz(monkeypatch, interval: timedelta, maximum: int, draw: float) -> timedelta:
    monkeypatch.setattr(fsrs.scheduler, "random", lambda: draw)
    return Scheduler(maximum_interval=maximum)._get_fuzzed_interval(interval=interval)


class _Draw:
    """A stand-in generator whose `random()` returns one chosen draw."""

    def __init__(self, draw: float):
        self.draw = draw

    def random(self) -> float:
        return self.draw


def cases():
    rng = np.random.default_rng(20250310)
    out = [(days, maximum, draw) for days in INTERVALS for maximum in (36_500, 100) for draw in EDGE_DRAWS]
    for _ in range(2_000):
        out.append((int(rng.integers(1, 40_000)), int(rng.choice([36_500, 1_000, 100, 30])), float(rng.random())))
    return out


def test_fuzzed_interval_matches_the_library_on_the_same_draw(monkeypatch):
    mismatches = []
    for days, maximum, draw in cases():
        reference = library_fuzz(monkeypatch, timedelta(days=days), maximum, draw)
        ours = make_scheduler(0.9, rng=_Draw(draw))  # type: ignore[arg-type]
        ours.maximum_interval = maximum
        if ours._get_fuzzed_interval(interval=timedelta(days=days)) != reference:
            mismatches.append((days, maximum, draw))
        if days >= 3 and timedelta(days=scheduling.fuzzed_interval_days(days, maximum, draw)) != reference:
            mismatches.append(("pure", days, maximum, draw))
    assert mismatches == []


@pytest.mark.parametrize("hours", [0, 1, 23])
def test_fractional_intervals_are_cut_off_like_the_library(monkeypatch, hours):
    # 2 days and some hours is under the 2.5-day cut-off by whole days: returned unfuzzed by both.
    interval = timedelta(days=2, hours=hours)
    ours = make_scheduler(0.9, rng=_Draw(0.9))  # type: ignore[arg-type]
    assert ours._get_fuzzed_interval(interval=interval) == library_fuzz(monkeypatch, interval, 36_500, 0.9) == interval


@pytest.mark.parametrize("stability,elapsed_days", [(3.0, 3), (12.0, 10), (40.0, 35), (300.0, 200)])
def test_a_whole_review_matches_the_library_with_the_same_draw(monkeypatch, stability, elapsed_days):
    # The draw our generator will produce is fed to the library's `random` for the same review.
    last = NOW - timedelta(days=elapsed_days)
    card = CardState(state="review", step=None, stability=stability, difficulty=5.0, due=NOW, last_review=last,
                     reps=5)
    draw = float(np.random.default_rng(11).random())
    ours = scheduling.review(card, 3, NOW, rng=np.random.default_rng(11))
    monkeypatch.setattr(fsrs.scheduler, "random", lambda: draw)
    lib_card = Card(card_id=1, state=State.Review, step=None, stability=stability, difficulty=5.0, due=NOW,
                    last_review=last)
    reference, _ = Scheduler(desired_retention=0.9, enable_fuzzing=True).review_card(lib_card, Rating.Good,
                                                                                      review_datetime=NOW)
    assert ours.due == reference.due and ours.stability == reference.stability
