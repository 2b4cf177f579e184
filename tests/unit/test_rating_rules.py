"""Rating rules of issue 13 with hand-set histories: first sightings and copied formulas are never
Easy, thresholds come from the learner's history on the same kind of answer, and every rating says why.

Expected values are hand arithmetic on the documented constants (fast < 0.5 × median, slow > 2 ×
median, 300 ms per typed formula character, 10 s / 120 s without history).
"""

from datetime import timedelta

import pytest

from tests.support.fakes import Clock, fake_generate, fake_grade, make_bank
from trainer.core.scheduling import AGAIN, EASY, GOOD, HARD, CardState, decide_rating
from trainer.core import scheduling as s
from trainer.session import Item, Session
from trainer.storage import Store

# (kwargs, expected rating, expected reason)
CASES = [
    (dict(correct=True, response_ms=2_000, first_sighting=True), GOOD,
     "Good (not Easy): first time you see this card, 2 s"),
    (dict(correct=True, response_ms=2_000), EASY, "Easy: right and fast, 2 s"),
    (dict(correct=True, response_ms=14_000), GOOD, "Good: right, 14 s, no hint"),
    (dict(correct=True, response_ms=14_000, hint_used=True), HARD, "Hard: right with the hint, 14 s"),
    (dict(correct=False, response_ms=3_000), AGAIN, "Again: not right, 3 s"),
    (dict(correct=True, response_ms=125_000), HARD, "Hard: right but slow, 2 min 5 s"),
    # A formula of 20 non-blank characters needs at least 20 × 300 ms = 6 s from memory.
    (dict(correct=True, response_ms=5_900, kind="formula", typed_chars=20), GOOD,
     "Good (not Easy): 20 characters in 5.9 s is faster than a formula can be written from memory"),
    (dict(correct=True, response_ms=6_000, kind="formula", typed_chars=20), EASY, "Easy: right and fast, 6 s"),
    # The typing floor is for formulas only: a 20-character vector typed in 5.9 s is just fast.
    (dict(correct=True, response_ms=5_900, kind="array", typed_chars=20), EASY, "Easy: right and fast, 5.9 s"),
    # Choices answered in 30 s where this learner's choices usually take 8 s: slow (30 > 2 × 8).
    (dict(correct=True, response_ms=30_000, kind="choice", prior_times_ms=[6_000, 8_000, 10_000]), HARD,
     "Hard: right but slow, 30 s; your usual for choices is 8 s"),
    # Numbers usually take 60 s here: 25 s is under half of that, so fast.
    (dict(correct=True, response_ms=25_000, kind="number", prior_times_ms=[50_000, 60_000, 70_000]), EASY,
     "Easy: right and fast, 25 s; your usual for numbers is 1 min"),
]


@pytest.mark.parametrize("kwargs,rating,reason", CASES, ids=[c[2] for c in CASES])
def test_rating_and_reason(kwargs, rating, reason):
    kwargs = dict(kwargs)
    decision = decide_rating(kwargs.pop("correct"), hint_used=kwargs.pop("hint_used", False), **kwargs)
    assert (decision.rating, decision.reason) == (rating, reason)


def test_answer_kinds_group_types():
    assert s.answer_kind("number") == s.answer_kind("integer") == "number"
    assert s.answer_kind("vector") == s.answer_kind("matrix") == "array"
    assert s.answer_kind("choice") == "choice" and s.answer_kind("formula") == "formula"
    assert s.answer_kind(None) == "other"


def test_review_each_draws_nothing_and_matches_review():
    import numpy as np

    now = Clock().now
    card = s.review(CardState(), EASY, now, rng=np.random.default_rng(0), fuzz=False)  # a review card
    later = card.due + timedelta(days=3)
    rng = np.random.default_rng(7)
    state = rng.bit_generator.state
    each = s.review_each(card, later, rng=rng)
    assert rng.bit_generator.state == state  # the session's stream is untouched
    for rating in (AGAIN, HARD, GOOD, EASY):
        assert each[rating] == s.review(card, rating, later, rng=np.random.default_rng(7))
    assert each[AGAIN].due < each[HARD].due < each[GOOD].due < each[EASY].due


# --- in the session: kinds come from the bank, intervals from the card before -------------------

class _Typed:
    """A fake template that declares its answer type, as bank templates do."""

    def __init__(self, tid, answer_type):
        self.id, self.equation, self.topic, self.title, self.answer_type = tid, f"eq-{tid}", "t", tid, answer_type


def _session(bank):
    clock = Clock()
    return Session(bank, Store.open(":memory:"), clock=clock, seed=0, generate=fake_generate,
                   grade=fake_grade), clock


def test_thresholds_come_from_the_same_kind_of_answer():
    # "n1" and "n2" are number templates, "c1" a choice one (the fake grader grades all as integers).
    bank = make_bank([])
    bank.templates = {t.id: t for t in (_Typed("n1", "number"), _Typed("n2", "integer"), _Typed("c1", "choice"))}
    session, clock = _session(bank)
    store = session.store

    def history(tid, seconds):
        item = Item(instance=session.preview(tid, 5), card_state="", due=None, is_new=False, shown_at=clock.now)
        clock.advance(seconds=seconds)
        return session.submit(item, str(item.instance.answer.value))

    # Three correct choice answers of 4 s each, then a number template seen before, answered in 9 s.
    for _ in range(3):
        history("c1", 4)
    history("n1", 60)  # first sighting of n1
    assert store.correct_times_among({"c1"}) == [4_000, 4_000, 4_000]
    assert store.correct_times_among({"n1", "n2"}) == [60_000]
    # n1 again after 9 s: numbers have only one prior time (too few), so the 10 s default applies → fast.
    clock.advance(days=1)
    out = history("n1", 9)
    assert (out.rating, out.rating_reason) == (EASY, "Easy: right and fast, 9 s")
    # Choices have three priors at 4 s: 9 s is more than 2 × 4 s, so a choice in 9 s is slow.
    out = history("c1", 9)
    assert (out.rating, out.rating_reason) == (HARD, "Hard: right but slow, 9 s; your usual for choices is 4 s")


def test_outcome_shows_the_due_time_of_each_rating_and_rerating_records_it():
    session, clock = _session(make_bank([("a", "e1", "t")]))
    item = session.next_item()
    clock.advance(seconds=20)
    out = session.submit(item, str(item.instance.answer.value))
    # A new card: FSRS's learning steps are 1 min and 10 min (Again 1 min, Hard 5.5 min, Good 10 min).
    assert out.intervals[AGAIN] == out.reviewed_at + timedelta(minutes=1)
    assert out.intervals[HARD] == out.reviewed_at + timedelta(minutes=5.5)
    assert out.intervals[GOOD] == out.reviewed_at + timedelta(minutes=10) == out.next_due
    assert out.intervals[EASY] - out.reviewed_at >= timedelta(days=1)
    easy = session.override(out, EASY)
    assert easy.next_due == out.intervals[EASY]  # the key records what it showed


def test_undo_serves_the_same_problem_again():
    session, clock = _session(make_bank([("a", "e1", "t"), ("b", "e2", "t")]))
    item = session.next_item()
    clock.advance(seconds=20)
    session.submit(item, str(item.instance.answer.value))
    assert session.undo() == item.instance.template_id
    clock.advance(seconds=30)
    again = session.next_item()
    assert again.instance == item.instance  # same template, seed and numbers
    assert again.shown_at == clock.now  # timed afresh
    assert again.card_state == "new"


def test_set_aside_resumes_the_problem_without_counting_the_time_away():
    session, clock = _session(make_bank([("a", "e1", "t"), ("b", "e2", "t")]))
    item = session.next_item()
    clock.advance(seconds=20)  # 20 s on the problem
    session.set_aside(item)
    clock.advance(minutes=30)  # away
    back = session.next_item()
    assert back.instance == item.instance
    clock.advance(seconds=5)
    out = session.submit(back, str(back.instance.answer.value))
    assert out.response_ms == 25_000
