"""The learner-graph benchmark's parts: its written-out FSRS-6 memory agrees with the `fsrs`
library, its error measures give hand-computed values, and a simulated learner replays exactly."""

import math
from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Card, Rating, Scheduler, State

from benchmarks.learner_graph import Skill, at_retention, exercise, log_loss, rmse_bins, simulate

AT = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("recalled, rating", [(True, Rating.Good), (False, Rating.Again)])
def test_the_true_memory_is_fsrs6(recalled, rating):
    last = AT - timedelta(days=9)
    skill = Skill(stability=12.0, difficulty=6.0, last=last)
    exercise(skill, recalled, AT)
    lib = Card(card_id=1, state=State.Review, step=None, stability=12.0, difficulty=6.0, due=AT, last_review=last)
    after, _ = Scheduler(enable_fuzzing=False).review_card(lib, rating, review_datetime=AT)
    assert skill.stability == pytest.approx(after.stability, rel=1e-9)
    assert skill.difficulty == pytest.approx(after.difficulty, rel=1e-9)


def test_error_measures_by_hand():
    pairs = [(0.9, 1), (0.9, 0), (0.5, 1), (0.5, 1)]
    # Bins 18 and 10: (0.9 − 0.5)² · 2 and (0.5 − 1)² · 2 over 4 answers.
    assert rmse_bins(pairs) == pytest.approx(math.sqrt((0.16 * 2 + 0.25 * 2) / 4))
    assert log_loss(pairs) == pytest.approx(-(math.log(0.9) + math.log(0.1) + 2 * math.log(0.5)) / 4)
    assert at_retention([(0.9, 10.0), (0.8, 6.0)], 0.85) == pytest.approx(8.0)
    assert at_retention([(0.9, 10.0), (0.8, 6.0)], 0.95) is None


def test_a_simulated_learner_replays_exactly():
    first, second = simulate(3, True, days=30), simulate(3, True, days=30)
    assert first == second and first.reviews > first.started > 0
