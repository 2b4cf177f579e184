"""Per-user FSRS parameters: the FSRS-6 formulas against the fsrs library, the scheduler with given
parameters against a hand calculation, held-out evaluation by hand, fitting on a simulated learner,
and the log's health check."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from fsrs import Card, Rating, Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS

from trainer.core.learning import memory
from trainer.core.learning.fitting import (
    MIN_REVIEWS,
    LoggedReview,
    NotEnoughReviews,
    evaluate,
    health,
    optimize,
    rmse_bins,
)
from trainer.core.learning.simulation import simulated_log
from trainer.core.scheduling import CardState, retrievability, review, validate_parameters

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
DEFAULTS = [float(x) for x in DEFAULT_PARAMETERS]
#: Non-default parameters, inside the library's bounds.
W = [0.1, 0.6, 1.5, 5.0, 6.0, 0.7, 2.5, 0.01, 1.4, 0.2, 0.9, 1.6, 0.08, 0.3, 1.5, 0.5, 2.2, 0.4, 0.1, 0.08, 0.35]
#: A learner who forgets faster than the defaults assume: small first stabilities, slow growth, steeper curve.
FORGETFUL = list(DEFAULTS)
FORGETFUL[0:4] = [0.05, 0.3, 0.6, 2.0]
FORGETFUL[8] = 1.0
FORGETFUL[20] = 0.5


def at(days: float, minutes: int = 0) -> datetime:
    return T0 + timedelta(days=days, minutes=minutes)


# --- the formulas ---------------------------------------------------------------------------------

def test_replay_matches_the_fsrs_library_with_non_default_parameters():
    # Same-day steps, a lapse, hard, easy and a long gap: every branch of the stability update.
    steps = [(0, 3), (0, 1), (0, 3), (2, 3), (5, 2), (9, 1), (1, 4), (0, 3), (30, 3)]
    scheduler = Scheduler(parameters=W, enable_fuzzing=False, learning_steps=(), relearning_steps=())
    card, when = Card(), T0
    ours = memory.replay(W, steps)
    for (elapsed, rating), (s, d) in zip(steps, ours):
        when = when + timedelta(days=elapsed, minutes=5)
        card, _ = scheduler.review_card(card, Rating(rating), review_datetime=when)
        assert s == pytest.approx(card.stability, rel=1e-12)
        assert d == pytest.approx(card.difficulty, rel=1e-12)


def test_recall_is_ninety_percent_after_one_stability_and_the_interval_inverts_it():
    # F = 0.9^(1/D) − 1 is chosen so that R(S, S) = 0.9 for any decay.
    for w in (DEFAULTS, W):
        assert float(memory.retrievability(w, 7.0, 7.0)) == pytest.approx(0.9)
        assert float(memory.interval(w, 7.0, 0.9)) == pytest.approx(7.0)
        days = float(memory.interval(w, 7.0, 0.8))
        assert float(memory.retrievability(w, days, 7.0)) == pytest.approx(0.8)


# --- the scheduler with given parameters ------------------------------------------------------------

def test_a_first_good_gives_stability_w2_of_the_given_parameters():
    after = review(CardState(), 3, T0, rng=np.random.default_rng(0), fuzz=False, parameters=W)
    assert after.stability == pytest.approx(1.5)  # W[2]
    assert after.difficulty == pytest.approx(6.0 - math.exp(0.7 * 2) + 1)  # w4 − e^(w5·(G−1)) + 1
    default = review(CardState(), 3, T0, rng=np.random.default_rng(0), fuzz=False)
    assert default.stability == pytest.approx(2.3065)  # the library's default w[2]


@pytest.mark.parametrize("retention, days", [
    # A first Easy leaves learning at once with S = w[3] = 5.0; I = S/F·(r^(1/D) − 1), D = −0.35,
    # F = 0.9^(1/D) − 1 = 0.9^(−2.857) − 1 = 0.35125:
    (0.90, 5),    # 5 (R = 0.9 after one stability)
    (0.80, 13),   # 5 / 0.35125 · (0.8^(−2.857) − 1) = 5 / 0.35125 · 0.89185 = 12.70 → 13
    (0.97, 1),    # 5 / 0.35125 · (0.97^(−2.857) − 1) = 5 / 0.35125 · 0.09093 = 1.29 → 1
])
def test_interval_after_a_first_easy_is_the_hand_calculated_one(retention, days):
    decay = -W[20]
    factor = 0.9 ** (1 / decay) - 1
    assert factor == pytest.approx(0.35125, abs=1e-5)
    expected = max(1, round(W[3] / factor * (retention ** (1 / decay) - 1)))
    after = review(CardState(), 4, T0, rng=np.random.default_rng(0), fuzz=False, parameters=W,
                   desired_retention=retention)
    assert after.state == "review"
    assert after.stability == pytest.approx(W[3])
    assert (after.due - T0).days == expected == days


def test_retrievability_uses_the_given_decay():
    card = CardState(state="review", stability=4.0, difficulty=5.0, due=at(4), last_review=T0, reps=2)
    # One stability later recall is 0.9 whatever the decay; at 12 days it depends on it.
    assert retrievability(card, at(4), W) == pytest.approx(0.9)
    factor = 0.9 ** (1 / -0.35) - 1
    assert retrievability(card, at(12), W) == pytest.approx((1 + factor * 12 / 4) ** -0.35)
    assert retrievability(card, at(12), W) != pytest.approx(retrievability(card, at(12)))


@pytest.mark.parametrize("bad, message", [
    ([0.2] * 20, "21 numbers, got 20"),
    (DEFAULTS[:20] + [float("nan")], "w[20] must be a finite number"),
    (DEFAULTS[:3] + [500.0] + DEFAULTS[4:], "w[3] = 500.0 is outside"),
    ("0.2, 1.2", "must be a list"),
    (DEFAULTS[:5] + [True] + DEFAULTS[6:], "w[5] must be a finite number"),
])
def test_bad_parameters_are_refused_naming_the_position(bad, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        validate_parameters(bad)


# --- evaluation by hand -----------------------------------------------------------------------------

def test_evaluate_on_a_hand_sized_log():
    # Two cards, each Good on day 0, then reviewed 3 days later: a remembers (Good), b forgets (Again).
    # With the defaults, S after a first Good = w[2] = 2.3065, so both are predicted
    # p = (1 + F·3/2.3065)^D with D = −0.1542, F = 0.9^(1/D) − 1 = 0.98035: (1 + 1.27511)^−0.1542.
    log = [LoggedReview("a", at(0), 3), LoggedReview("b", at(0), 3),
           LoggedReview("a", at(3), 3), LoggedReview("b", at(3), 1)]
    decay = -0.1542
    p = (1 + (0.9 ** (1 / decay) - 1) * 3 / 2.3065) ** decay
    assert p == pytest.approx(0.88095, abs=1e-5)
    result = evaluate(DEFAULTS, log, split=at(1))
    assert result["reviews"] == 2
    assert result["log_loss"] == pytest.approx(-(math.log(p) + math.log(1 - p)) / 2)
    # One bin (same elapsed days, same review number, no lapses before): |mean outcome − mean p|.
    assert result["rmse_bins"] == pytest.approx(abs(0.5 - p))


def test_evaluate_predicts_from_the_whole_earlier_history_and_skips_same_day_reviews():
    # Reviews before the split still shape the prediction; the same-day re-review is not scored.
    log = [LoggedReview("a", at(0), 3), LoggedReview("a", at(2), 3),
           LoggedReview("a", at(10), 1), LoggedReview("a", at(10, 10), 3)]
    s1, _ = memory.replay(DEFAULTS, [(0, 3), (2, 3)])[-1]
    p = float(memory.retrievability(DEFAULTS, 8, s1))
    result = evaluate(DEFAULTS, log, split=at(5))
    assert result["reviews"] == 1
    assert result["log_loss"] == pytest.approx(-math.log(1 - p))


def test_rmse_bins_groups_as_the_benchmark_does():
    # elapsed 1 and 2 share a bin (2.48·3.62^0 = 2.48); 4 is in the next (8.98). Review numbers 2 and 3
    # share one (1.99·1.89^1 = 3.76 → 4). Bin A: outcomes 1, 0 and predictions 0.9, 0.7 → means 0.5
    # vs 0.8; bin B: outcome 1, prediction 0.6. RMSE = √((2·0.3² + 1·0.4²)/3).
    rows = [(1, 2, 0, 1, 0.9), (2, 3, 0, 0, 0.7), (4, 2, 0, 1, 0.6)]
    assert rmse_bins(rows) == pytest.approx(math.sqrt((2 * 0.09 + 0.16) / 3))


def test_evaluate_without_a_held_out_review_says_so():
    log = [LoggedReview("a", at(0), 3), LoggedReview("a", at(3), 3)]
    with pytest.raises(NotEnoughReviews):
        evaluate(DEFAULTS, log, split=at(5))


def test_logged_review_refuses_naive_times_and_bad_ratings():
    with pytest.raises(ValueError, match="time zone"):
        LoggedReview("a", datetime(2026, 1, 1), 3)
    with pytest.raises(ValueError, match="rating must be 1..4"):
        LoggedReview("a", T0, 5)


# --- fitting a simulated learner ------------------------------------------------------------------------

def _forgetful_log(seed: int = 0) -> list[LoggedReview]:
    return simulated_log(FORGETFUL, cards=150, days=150, rng=np.random.default_rng(seed), start=T0,
                         scheduler_parameters=DEFAULTS, new_per_day=5)


def test_fitted_parameters_predict_held_out_reviews_better_than_the_defaults():
    log = _forgetful_log()
    result = optimize(log, DEFAULTS)
    # The simulation is sound: the learner's true parameters beat the defaults on the same reviews.
    truth = evaluate(FORGETFUL, log, split=result.held_out_from)
    assert truth["log_loss"] < result.before["log_loss"]
    assert result.after["reviews"] == result.before["reviews"] == truth["reviews"] > 100
    assert result.after["log_loss"] < result.before["log_loss"]
    assert result.after["rmse_bins"] < result.before["rmse_bins"]
    assert len(result.parameters) == 21
    validate_parameters(result.parameters)
    # The forgetful learner's first stabilities are below the defaults; the fit finds that for Good.
    assert result.parameters[2] < DEFAULTS[2]


def test_too_short_a_log_is_refused_saying_how_many_are_needed():
    log = _forgetful_log()[:150]
    with pytest.raises(NotEnoughReviews, match=f"at least {MIN_REVIEWS}") as caught:
        optimize(log, DEFAULTS)
    assert caught.value.need == MIN_REVIEWS and caught.value.have < MIN_REVIEWS


# --- health -------------------------------------------------------------------------------------

def test_health_of_a_log_of_only_good_ratings():
    log = [LoggedReview(f"c{i}", at(day), 3) for i in range(10) for day in (0, 2, 6, 15)]
    warnings = health(log)
    text = "\n".join(warnings)
    assert "Again is rated on only 0.0%" in text
    assert "100% of reviews are rated Good" in text
    # 10 cards × 3 later reviews = 30 predictable reviews: 200 − 30 more are needed.
    assert f"at least {MIN_REVIEWS} are needed ({MIN_REVIEWS - 30} more)" in text


def _second_ratings(ratings: list[int]) -> list[LoggedReview]:
    log = []
    for i, rating in enumerate(ratings):
        log += [LoggedReview(f"c{i}", at(0), 3), LoggedReview(f"c{i}", at(3), rating)]
    return log


def test_health_spots_hard_used_as_a_fail():
    # Hard on 30% of later reviews, Again on 5% (less than a third of Hard): Hard stands in for Again.
    misused = health(_second_ratings([2] * 30 + [3] * 65 + [1] * 5))
    assert any("Hard looks used for failures" in w for w in misused)
    # The same Hard share with Again on 15%: a learner who uses both.
    honest = health(_second_ratings([2] * 30 + [3] * 55 + [1] * 15))
    assert not any("Hard looks" in w for w in honest)


def test_health_of_a_simulated_learner_is_quiet():
    log = _forgetful_log()
    assert health(log) == []


def test_the_rust_optimizer_loads_only_when_fitting():
    from tests.unit.test_architecture import modules_after

    loaded = modules_after("import trainer.session, trainer.core.learning.fitting, trainer.core.learning.workload; "
                           "from trainer.cli import build_parser; build_parser()")
    assert "fsrs_rs_python" not in loaded
