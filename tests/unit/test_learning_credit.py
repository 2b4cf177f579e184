"""Implicit credit and penalties on a three-node graph, checked against FSRS-6 worked by hand.

The expected stabilities come from the FSRS-6 formulas written out here with the library's default
parameters (and, for w = 1, from the `fsrs` library's own scheduler), never from `credit` itself.
"""

import math
from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS as W

from trainer.core.learning import (
    Edge,
    Graph,
    Peer,
    coverage,
    implicit_updates,
    is_unlocked,
    penalty,
    recalled_equations,
)
from trainer.core.learning.credit import credit
from trainer.core.scheduling import CardState

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
# attention builds on softmax (every instance computes it) and on matmul (half of them do).
GRAPH = Graph.build(["matmul", "softmax", "attention"],
                    [Edge("attention", "softmax", 1.0), Edge("attention", "matmul", 0.5)])


def review_card(stability=10.0, difficulty=5.0, elapsed_days=8, due_in_days=2):
    last = NOW - timedelta(days=elapsed_days)
    return CardState(state="review", stability=stability, difficulty=difficulty, last_review=last,
                     due=NOW + timedelta(days=due_in_days), reps=4)


def good_stability_by_hand(s, d, elapsed_days):
    """FSRS-6 recall stability after a Good review (long-term formula), from the parameters."""
    decay = -W[20]
    factor = 0.9 ** (1 / decay) - 1
    r = (1 + factor * elapsed_days / s) ** decay
    return s * (1 + math.exp(W[8]) * (11 - d) * s ** -W[9] * (math.exp((1 - r) * W[10]) - 1))


@pytest.mark.parametrize("weight", [1.0, 0.5, 0.25])
def test_credit_interpolates_towards_the_good_review_worked_by_hand(weight):
    card = review_card()
    s_good = good_stability_by_hand(10.0, 5.0, 8)
    # At desired retention 0.9 the FSRS interval equals the stability, rounded to whole days.
    due_good = NOW + timedelta(days=round(s_good))
    after = credit(card, weight, NOW)
    assert after.stability == pytest.approx(10.0 * (s_good / 10.0) ** weight, rel=1e-9)
    assert after.last_review == card.last_review + weight * timedelta(days=8)
    assert after.due == card.due + weight * (due_good - card.due)
    assert (after.difficulty, after.reps, after.state) == (5.0, 4, "review")


def test_a_full_weight_credit_is_the_librarys_good_review():
    card = review_card(stability=3.2, difficulty=6.5, elapsed_days=5, due_in_days=-2)
    lib = Card(card_id=1, state=State.Review, step=None, stability=3.2, difficulty=6.5,
               due=card.due, last_review=card.last_review)
    good, _ = Scheduler(enable_fuzzing=False).review_card(lib, Rating.Good, review_datetime=NOW)
    after = credit(card, 1.0, NOW)
    assert after.stability == pytest.approx(good.stability, rel=1e-12)
    assert after.due == good.due and after.last_review == NOW


def test_early_credit_is_worth_little():
    # Reviewed yesterday with S = 30: R is about 0.997, so FSRS's own gain, and the credit, is tiny.
    early = credit(review_card(stability=30.0, elapsed_days=1, due_in_days=29), 1.0, NOW)
    late = credit(review_card(stability=30.0, elapsed_days=30, due_in_days=0), 1.0, NOW)
    assert early.stability / 30.0 < 1.1 < late.stability / 30.0


def test_only_review_cards_get_credit_or_penalty():
    for card in (CardState(), CardState(state="learning", step=1, stability=1.0, difficulty=5.0,
                                        last_review=NOW, due=NOW + timedelta(minutes=10))):
        assert credit(card, 1.0, NOW) is card
        assert penalty(card, 1.0, NOW) is card
    with pytest.raises(ValueError, match="weight"):
        credit(review_card(), 1.5, NOW)


@pytest.mark.parametrize("weight, left_days", [(1.0, 5.0), (0.5, 7.5), (0.0, 10.0)])
def test_penalty_pulls_the_due_date_forward(weight, left_days):
    card = review_card(due_in_days=10)
    assert penalty(card, weight, NOW).due == NOW + timedelta(days=left_days)
    overdue = review_card(due_in_days=-1)
    assert penalty(overdue, weight, NOW) is overdue


def peers():
    return [Peer("softmax-compute", "softmax", "compute", review_card()),
            Peer("softmax-recall", "softmax", "recall", review_card()),
            Peer("softmax-new", "softmax", "compute", None),
            Peer("matmul-compute", "matmul", "compute", review_card()),
            Peer("attention-compute", "attention", "compute", review_card(due_in_days=10)),
            Peer("attention-other", "attention", "compute", review_card(due_in_days=10))]


def test_a_pass_credits_the_compute_cards_of_each_prerequisite_by_its_weight():
    out = implicit_updates(GRAPH, "attention-compute", "attention", 3, peers(), NOW)
    assert [(u.template_id, u.kind, u.weight) for u in out] == [
        ("softmax-compute", "credit", 1.0), ("matmul-compute", "credit", 0.5)]
    assert out[1].after == credit(review_card(), 0.5, NOW)


def test_a_failure_penalises_the_compute_cards_that_build_on_it():
    out = implicit_updates(GRAPH, "softmax-compute", "softmax", 1, peers(), NOW)
    assert [(u.template_id, u.kind, u.weight) for u in out] == [
        ("attention-compute", "penalty", 1.0), ("attention-other", "penalty", 1.0)]
    assert out[0].after.due == NOW + timedelta(days=5)
    assert implicit_updates(None, "attention-compute", "attention", 3, peers(), NOW) == []
    # Failing attention penalises nothing: nothing builds on it.
    assert implicit_updates(GRAPH, "attention-compute", "attention", 1, peers(), NOW) == []


def test_coverage_counts_the_other_due_cards_a_pass_would_credit():
    due = [Peer("attention-compute", "attention", "compute", review_card(due_in_days=0)),
           Peer("softmax-compute", "softmax", "compute", review_card(due_in_days=0)),
           Peer("matmul-compute", "matmul", "compute", review_card(due_in_days=0))]
    assert coverage(GRAPH, due) == {"attention-compute": 1.5}
    assert coverage(None, due) == {}


def test_unlock_waits_for_recalled_prerequisites():
    # R ≥ 0.9 needs elapsed ≤ S (at 0.9 the interval equals S).
    fresh = [Peer("softmax-compute", "softmax", "compute", review_card(stability=10.0, elapsed_days=3))]
    stale = [Peer("softmax-compute", "softmax", "compute", review_card(stability=10.0, elapsed_days=20))]
    taught = {"softmax", "matmul", "attention"}
    assert recalled_equations(fresh, NOW) == {"softmax"} and recalled_equations(stale, NOW) == set()
    assert not is_unlocked(GRAPH, "attention-compute", "attention", {"softmax"}, taught)
    assert is_unlocked(GRAPH, "attention-compute", "attention", {"softmax", "matmul"}, taught)
    # matmul has nothing to study: it does not hold attention back.
    assert is_unlocked(GRAPH, "attention-compute", "attention", {"softmax"}, {"softmax", "attention"})
    assert is_unlocked(GRAPH, "softmax-compute", "softmax", set(), taught)  # a root


def test_an_authored_edge_that_measures_zero_still_holds_a_new_template_back():
    # No instance of this attention template computes a softmax (weight 0: no credit flows), but
    # its equation is authored to build on softmax, so it waits until softmax is recalled.
    graph = Graph.build(["matmul", "softmax", "attention"],
                        [Edge("attention", "softmax", 0.0), Edge("attention", "matmul", 0.0)])
    taught = {"softmax", "matmul", "attention"}
    assert not is_unlocked(graph, "attention-shapes", "attention", {"matmul"}, taught)
    assert is_unlocked(graph, "attention-shapes", "attention", {"matmul", "softmax"}, taught)


def test_only_a_compute_review_gives_credit_or_penalty():
    assert implicit_updates(GRAPH, "attention-recall", "attention", 3, peers(), NOW, kind="recall") == []
    assert implicit_updates(GRAPH, "softmax-concept", "softmax", 1, peers(), NOW, kind="concept") == []
    due = [Peer("attention-recall", "attention", "recall", review_card(due_in_days=0)),
           Peer("softmax-compute", "softmax", "compute", review_card(due_in_days=0))]
    assert coverage(GRAPH, due) == {}


def test_full_credit_with_fitted_parameters_is_the_library_good_review_with_them():
    # A learner whose fitted w8 (the recall-stability growth) is larger than the default.
    fitted = list(W)
    fitted[8] = W[8] + 0.5
    card = review_card(stability=10.0, difficulty=5.0, elapsed_days=8, due_in_days=2)
    lib = Scheduler(parameters=fitted, enable_fuzzing=False)
    lib_card = Card(card_id=1, state=State.Review, step=None, stability=10.0, difficulty=5.0,
                    due=card.due, last_review=card.last_review)
    expected, _ = lib.review_card(lib_card, Rating.Good, review_datetime=NOW)
    got = credit(card, 1.0, NOW, parameters=fitted)
    assert got.stability == pytest.approx(expected.stability, rel=1e-9)
    assert got.stability > credit(card, 1.0, NOW).stability  # the defaults give less
