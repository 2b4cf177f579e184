"""Scheduling policy: rating derivation, FSRS properties, fuzz bounds, queue order, seeds, day boundaries."""

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from fsrs import Card, Scheduler, State

from trainer.core import scheduling as s
from trainer.core.scheduling import AGAIN, EASY, GOOD, HARD, Candidate, CardState

NOW = datetime(2025, 3, 10, 9, 0, tzinfo=timezone.utc)


def rng(seed=0):
    return np.random.default_rng(seed)


# (correct, hint, ms, prior times, expected rating, why)
RATINGS = [
    (False, False, 5_000, [], AGAIN, "wrong is Again whatever the time"),
    (False, True, 5_000, [], AGAIN, "wrong with hint is still Again"),
    (True, True, 5_000, [], HARD, "a hint caps the rating at Hard"),
    (True, False, 30_000, [], GOOD, "no history: 30 s lies between 10 s and 120 s"),
    (True, False, 9_999, [], EASY, "no history: under the 10 s absolute fast limit"),
    (True, False, 120_001, [], HARD, "no history: over the 120 s absolute slow limit"),
    (True, False, 9_000, [40_000, 50_000], EASY, "two priors are too few: absolute limits apply"),
    (True, False, 41_000, [10_000, 20_000, 30_000], HARD, "median 20 s; 41 s > 2 × 20 s"),
    (True, False, 40_000, [10_000, 20_000, 30_000], GOOD, "exactly 2 × median is not slow"),
    (True, False, 9_000, [10_000, 20_000, 30_000], EASY, "9 s < 0.5 × 20 s"),
    (True, False, 10_000, [10_000, 20_000, 30_000], GOOD, "exactly half the median is not fast"),
    (True, False, 150_000, [100_000, 100_000, 100_000], GOOD, "slow template: own median 100 s, 150 s is fine"),
    (True, False, None, [], GOOD, "unknown time: neither fast nor slow"),
]


@pytest.mark.parametrize("correct,hint,ms,prior,expected,why", RATINGS, ids=[r[-1] for r in RATINGS])
def test_derive_rating(correct, hint, ms, prior, expected, why):
    assert s.derive_rating(correct, hint_used=hint, response_ms=ms, prior_times_ms=prior) == expected


def test_typical_time_uses_last_twenty():
    times = [1_000_000] * 5 + [10_000] * 20  # the five old outliers fall out of the window
    assert s.typical_time(times) == 10_000
    assert s.typical_time([1, 2]) is None


def test_new_card_learning_steps_are_the_library_defaults():
    # FSRS library default learning steps: 1 min then 10 min.
    again = s.review(CardState(), AGAIN, NOW, rng=rng())
    good = s.review(CardState(), GOOD, NOW, rng=rng())
    assert again.state == "learning" and again.due == NOW + timedelta(minutes=1)
    assert good.state == "learning" and good.due == NOW + timedelta(minutes=10)
    hard = s.review(CardState(), HARD, NOW, rng=rng())
    assert hard.due == NOW + timedelta(minutes=5.5)  # (1 + 10) / 2 minutes on the first step
    easy = s.review(CardState(), EASY, NOW, rng=rng())
    assert easy.state == "review" and easy.due - NOW >= timedelta(days=1)
    for card in (again, good, hard):
        assert card.due - NOW < timedelta(days=1)  # learning steps stay under a day


def test_again_sooner_than_good_sooner_than_easy_for_review_card():
    card = s.review(s.review(CardState(), GOOD, NOW, rng=rng()), GOOD, NOW + timedelta(minutes=10), rng=rng())
    assert card.state == "review"
    later = card.due
    dues = {r: s.review(card, r, later, rng=rng(), fuzz=False).due for r in (AGAIN, HARD, GOOD, EASY)}
    assert dues[AGAIN] < dues[HARD] < dues[GOOD] < dues[EASY]


def test_intervals_grow_with_successive_good_reviews():
    card = s.review(CardState(), EASY, NOW, rng=rng(), fuzz=False)
    intervals = []
    for _ in range(5):
        when = card.due
        card = s.review(card, GOOD, when, rng=rng(), fuzz=False)
        intervals.append(card.due - when)
    assert all(b > a for a, b in zip(intervals, intervals[1:]))
    assert card.reps == 6 and card.lapses == 0


def test_higher_desired_retention_gives_shorter_intervals():
    card = s.review(CardState(), EASY, NOW, rng=rng(), fuzz=False)
    hi = s.review(card, GOOD, card.due, rng=rng(), desired_retention=0.95, fuzz=False)
    lo = s.review(card, GOOD, card.due, rng=rng(), desired_retention=0.85, fuzz=False)
    assert hi.due < lo.due


def test_lapses_and_leech_threshold():
    card = CardState(state="review", stability=10.0, difficulty=5.0, due=NOW, last_review=NOW - timedelta(days=10),
                     reps=20, lapses=7)
    lapsed = s.review(card, AGAIN, NOW, rng=rng(), leech_threshold=8)
    assert lapsed.lapses == 8 and lapsed.leech and lapsed.state == "relearning"
    assert lapsed.due == NOW + timedelta(minutes=10)  # library default relearning step
    kept = s.review(card, GOOD, NOW, rng=rng(), leech_threshold=8)
    assert kept.lapses == 7 and not kept.leech
    # Again during learning is not a lapse (nothing was learned yet).
    assert s.review(CardState(), AGAIN, NOW, rng=rng()).lapses == 0


def test_fuzz_stays_in_the_library_range_and_is_deterministic():
    # Library fuzz for a 10-day interval: delta = 1 + 0.15·(7 − 2.5) + 0.1·(10 − 7) = 1.975,
    # so min = round(8.025) = 8, max = round(11.975) = 12, and the library draws uniform·(12 − 8 + 1) + 8
    # and rounds: any of 8 … 13 days (13 when the draw lands in [12.5, 13)).
    seen = set()
    for seed in range(200):
        sch = s.make_scheduler(0.9, rng=rng(seed))
        days = sch._get_fuzzed_interval(interval=timedelta(days=10)).days
        assert 8 <= days <= 13
        seen.add(days)
    assert seen == {8, 9, 10, 11, 12, 13}
    card = s.review(CardState(), EASY, NOW, rng=rng(), fuzz=False)
    a = s.review(card, GOOD, card.due, rng=rng(7))
    b = s.review(card, GOOD, card.due, rng=rng(7))
    assert a == b


def test_retrievability_is_ninety_percent_after_stability_days():
    # FSRS defines stability S as the time at which recall probability falls to 90 %.
    card = CardState(state="review", stability=12.0, difficulty=5.0, due=NOW, last_review=NOW - timedelta(days=12))
    assert s.retrievability(card, NOW) == pytest.approx(0.9)
    assert s.retrievability(CardState(), NOW) == 0.0
    fresh = CardState(state="review", stability=12.0, difficulty=5.0, due=NOW, last_review=NOW)
    assert s.retrievability(fresh, NOW) == 1.0
    lib = Scheduler().get_card_retrievability(
        Card(card_id=1, state=State.Review, stability=3.0, difficulty=5.0, due=NOW,
             last_review=NOW - timedelta(days=7)), NOW)
    card7 = CardState(state="review", stability=3.0, difficulty=5.0, due=NOW, last_review=NOW - timedelta(days=7))
    assert s.retrievability(card7, NOW) == pytest.approx(lib)


def _review_card(tid, eq, stability, days_ago, due_delta=timedelta(0)):
    return Candidate(tid, eq, CardState(state="review", stability=stability, difficulty=5.0, due=NOW + due_delta,
                                        last_review=NOW - timedelta(days=days_ago)))


def test_queue_order_due_lowest_retrievability_first_then_new():
    weak = _review_card("weak", "e1", 1.0, 10)       # R low
    strong = _review_card("strong", "e2", 100.0, 10)  # R high
    learning = Candidate("learn", "e3", CardState(state="learning", step=1, stability=1, difficulty=5,
                                                  due=NOW - timedelta(minutes=1), last_review=NOW - timedelta(minutes=9)))
    future = _review_card("future", "e4", 5.0, 1, timedelta(days=3))
    new1, new2, new3 = Candidate("n1", "e5"), Candidate("n2", "e6"), Candidate("n3", "e7")
    susp = Candidate("susp", "e8", weak.card, suspended=True)
    buried = Candidate("bur", "e9", weak.card, buried_until=NOW + timedelta(hours=3))
    queue = s.build_queue([new1, strong, future, new2, weak, learning, new3, susp, buried], NOW,
                          new_left=2, reviews_left=200)
    # learning card: 9 minutes ago, R = 1 (same day) → after the two overdue review cards
    assert [c.template_id for c in queue] == ["weak", "strong", "learn", "n1", "n2"]


def test_review_cap_and_learning_not_capped():
    cards = [_review_card(f"r{i}", f"e{i}", 1.0 + i, 5) for i in range(3)]
    learning = Candidate("learn", "el", CardState(state="relearning", step=0, stability=1, difficulty=5,
                                                  due=NOW, last_review=NOW - timedelta(minutes=10)))
    queue = s.build_queue(cards + [learning], NOW, new_left=0, reviews_left=1)
    assert [c.template_id for c in queue] == ["r0", "learn"]


def test_learn_ahead_only_when_nothing_else():
    soon = Candidate("soon", "e", CardState(state="learning", step=1, stability=1, difficulty=5,
                                            due=NOW + timedelta(minutes=5), last_review=NOW))
    assert [c.template_id for c in s.build_queue([soon], NOW, new_left=0, reviews_left=0)] == ["soon"]
    assert [c.template_id for c in s.build_queue([soon, Candidate("n", "x")], NOW, new_left=1,
                                                 reviews_left=0)] == ["n"]
    late = Candidate("late", "e", CardState(state="learning", step=1, stability=1, difficulty=5,
                                            due=NOW + timedelta(minutes=30), last_review=NOW))
    assert s.build_queue([late], NOW, new_left=0, reviews_left=0) == []


def test_pick_avoids_the_equation_just_served():
    queue = [Candidate("a", "eq1"), Candidate("b", "eq1"), Candidate("c", "eq2")]
    assert s.pick(queue, "eq1").template_id == "c"
    assert s.pick(queue[:2], "eq1").template_id == "a"  # nothing else: repeat rather than stall
    assert s.pick(queue, None).template_id == "a"
    assert s.pick([], "eq1") is None


def test_fresh_seed_skips_recent():
    first, second = (int(x) for x in rng(3).integers(0, s.SEED_BOUND, size=2))
    assert s.fresh_seed(rng(3), []) == first
    assert s.fresh_seed(rng(3), [first]) == second


def test_day_boundaries_are_utc():
    late = datetime(2025, 3, 10, 23, 59, tzinfo=timezone.utc)
    assert s.day_of(late) == "2025-03-10"
    east = datetime(2025, 3, 11, 1, 0, tzinfo=timezone(timedelta(hours=3)))  # 22:00 UTC on the 10th
    assert s.day_of(east) == "2025-03-10"
    assert s.next_day_start(late) == datetime(2025, 3, 11, tzinfo=timezone.utc)
    with pytest.raises(ValueError):
        s.day_of(datetime(2025, 3, 10))


@pytest.mark.parametrize("key,value,expected", [
    ("desired_retention", "0.85", 0.85), ("new_per_day", "0", 0), ("leech_action", "suspend", "suspend"),
    ("backups_keep", 3, 3)])
def test_validate_setting_accepts(key, value, expected):
    assert s.validate_setting(key, value) == expected


@pytest.mark.parametrize("key,value", [("desired_retention", "2"), ("desired_retention", "x"),
                                       ("new_per_day", "-1"), ("new_per_day", 1.5), ("leech_action", "delete"),
                                       ("backups_keep", 0), ("colour", "red")])
def test_validate_setting_rejects(key, value):
    with pytest.raises(ValueError, match=key if key != "colour" else "unknown setting"):
        s.validate_setting(key, value)


def test_card_state_round_trip():
    card = s.review(CardState(), GOOD, NOW, rng=rng())
    assert CardState.from_dict(card.to_dict()) == card
