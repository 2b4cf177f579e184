"""Implicit credit through the session and the store: written with its cause, undone and re-rated
with it, kept out of every count, shown in the card history; the queue's coverage and unlock.

Cards are placed by hand (through a backup import) with known stabilities and dates. Expected
stabilities come from the `fsrs` library's scheduler called here directly, and due dates from the
documented rules worked by hand, never from the code under test.
"""

import json
from datetime import timedelta

import pytest
from fsrs import Card, Rating, Scheduler, State

from tests.support.fakes import Clock, fake_generate, fake_grade, make_bank
from trainer.core.learning import Edge, Graph
from trainer.core.scheduling import CardState
from trainer.session import Item, Session
from trainer.storage import ConflictError, Store

SETTINGS = {"timezone": "UTC", "next_day_starts_at": 0, "new_per_day": 20}
# transformer builds on attention (every instance), attention on softmax (half of the instances).
GRAPH = Graph.build(["softmax", "attention", "transformer"],
                    [Edge("transformer", "attention", 1.0), Edge("attention", "softmax", 0.5)])
SPEC = [("tr1", "transformer", "dl"), ("att1", "attention", "dl"), ("sm1", "softmax", "dl")]


def place(store, cards):
    """Put cards into the store exactly as given (a backup with cards and no reviews)."""
    rows = [{"template_id": tid, **card.to_dict()} for tid, card in cards.items()]
    store.import_json({"format": "trainer-backup", "cards": rows, "reviews": []})


def make(cards, spec=SPEC, graph=GRAPH):
    clock = Clock()
    store = Store.open(":memory:")
    session = Session(make_bank(spec), store, clock=clock, seed=0, settings=SETTINGS, generate=fake_generate,
                      grade=fake_grade, graph=graph)
    place(store, {tid: make_card(clock.now, **kw) for tid, kw in cards.items()})
    return session, clock


def make_card(now, stability=10.0, elapsed=8, due_in=2):
    return CardState(state="review", stability=stability, difficulty=5.0, reps=3,
                     last_review=now - timedelta(days=elapsed), due=now + timedelta(days=due_in))


STANDARD = {"att1": {"elapsed": 10, "due_in": 0}, "sm1": {}, "tr1": {"stability": 20.0, "elapsed": 5, "due_in": 15}}


def card(session, tid):
    return session.store.card(tid).card


def implicit_rows(session):
    return [dict(r) for r in session.store.conn.execute(
        "SELECT template_id, kind, weight, cause_template FROM implicit_reviews ORDER BY id")]


def answer(session, clock, tid, *, right=True):
    item = session.next_item()
    assert item.instance.template_id == tid
    clock.advance(seconds=30)  # 30 s, right, no hint: Good
    value = item.instance.answer.value
    return session.submit(item, str(value if right else value + 1))


def good_stability(card_state, at):
    lib = Card(card_id=1, state=State.Review, step=None, stability=card_state.stability,
               difficulty=card_state.difficulty, due=card_state.due, last_review=card_state.last_review)
    good, _ = Scheduler(enable_fuzzing=False).review_card(lib, Rating.Good, review_datetime=at)
    return good


def test_a_pass_credits_the_prerequisite_and_undo_restores_it_exactly():
    session, clock = make(STANDARD)
    sm_before, tr_before, att_before = card(session, "sm1"), card(session, "tr1"), card(session, "att1")
    out = answer(session, clock, "att1")
    assert out.rating == 3
    at = out.reviewed_at
    good = good_stability(sm_before, at)
    credited = card(session, "sm1")
    # Weight 0.5: S' = S·(S_good/S)^0.5; last review and due halfway to the Good review's.
    assert credited.stability == pytest.approx(10.0 * (good.stability / 10.0) ** 0.5, rel=1e-9)
    assert credited.last_review == sm_before.last_review + (at - sm_before.last_review) / 2
    assert credited.due == sm_before.due + (good.due - sm_before.due) / 2
    assert (credited.reps, credited.difficulty) == (3, 5.0)
    assert card(session, "tr1") == tr_before  # what builds on attention gets nothing from a pass
    assert implicit_rows(session) == [{"template_id": "sm1", "kind": "credit", "weight": 0.5, "cause_template": "att1"}]
    assert session.store.counts()["reviews"] == 1

    assert session.undo() == "att1"
    assert card(session, "sm1") == sm_before and card(session, "att1") == att_before
    assert implicit_rows(session) == [] and session.store.counts()["reviews"] == 0


def test_rerating_a_pass_to_again_swaps_credit_for_penalty():
    session, clock = make(STANDARD)
    sm_before, tr_before = card(session, "sm1"), card(session, "tr1")
    out = answer(session, clock, "att1")
    credited = card(session, "sm1")
    again = session.override(out, 1)
    assert again.rating == 1
    assert card(session, "sm1") == sm_before  # the credit is gone
    # The penalty: due' = now + (1 − 1/2)·(due − now) for the weight-1 edge transformer → attention.
    assert card(session, "tr1").due == out.reviewed_at + (tr_before.due - out.reviewed_at) / 2
    assert card(session, "tr1").stability == 20.0
    assert implicit_rows(session) == [{"template_id": "tr1", "kind": "penalty", "weight": 1.0,
                                       "cause_template": "att1"}]
    session.override(again, 3)  # and back: penalty undone, the same credit again
    assert card(session, "tr1") == tr_before and card(session, "sm1") == credited
    session.undo()
    assert card(session, "tr1") == tr_before and card(session, "sm1") == sm_before


def served(session, clock, tid, *, right=True, seconds=30):
    """Answer `tid` now, whatever the queue would serve (a problem the learner opened by hand)."""
    template = session.bank.templates[tid]
    item = Item(instance=fake_generate(template, 5), card_state=card(session, tid).state,
                due=card(session, tid).due, is_new=False, shown_at=clock.now)
    clock.advance(seconds=seconds)
    return session.submit(item, str(5 if right else 6))


def test_undo_leaves_a_credited_card_that_changed_since_and_a_later_credit_blocks_an_earlier_undo():
    session, clock = make(STANDARD)
    out = answer(session, clock, "att1")  # credits sm1
    later = served(session, clock, "sm1")  # then sm1 is reviewed explicitly
    sm_now = card(session, "sm1")
    session.store.undo(out.review_id)  # att1's undo does not fail, and keeps sm1's newer state
    assert card(session, "sm1") == sm_now and implicit_rows(session) == []
    assert later.recorded

    session, clock = make(STANDARD)
    first = served(session, clock, "sm1")  # sm1 reviewed explicitly, then credited by att1
    answer(session, clock, "att1")
    with pytest.raises(ConflictError, match="reviewed since"):
        session.store.undo(first.review_id)
    with pytest.raises(ConflictError):
        session.store.rerate(first.review_id, 1, before=make_card(Clock().now), after=CardState())


def test_implicit_reviews_count_in_no_statistic_and_survive_a_backup():
    session, clock = make(STANDARD)
    answer(session, clock, "att1")  # review-state card, first of the day, passed; credits sm1
    served(session, clock, "sm1", right=False)  # review-state card, first of the day, failed
    # By hand: two explicit first-of-day reviews of review-state cards, one passed.
    stats = session.stats()
    assert stats["true_retention"]["overall_count"] == 2 and stats["true_retention"]["overall"] == 0.5
    assert stats["totals"]["reviews"] == 2
    assert session.store.day_counts(session.day_of(clock.now)) == {"reviews": 2, "new_cards": 0, "review_cards": 2}
    # Two implicit rows (att1's pass credits sm1; sm1's failure pulls att1 forward), counted nowhere.
    assert [r["kind"] for r in implicit_rows(session)] == ["credit", "penalty"]
    out = __import__("io").StringIO()
    assert session.store.export_csv(out) == 2  # the optimizer's log: explicit reviews only

    data = json.loads(json.dumps(session.store.export_json(clock.now)))
    assert len(data["reviews"]) == 2 and len(data["implicit_reviews"]) == 2
    other = Store.open(":memory:")
    assert other.import_json(data)["implicit_added"] == 2
    assert other.import_json(data)["implicit_added"] == 0  # idempotent
    assert other.implicit_history("sm1")[0]["cause_template"] == "att1"


def test_card_history_marks_implicit_rows():
    session, clock = make(STANDARD)
    answer(session, clock, "att1")
    history = session.card_history("sm1")["history"]
    (row,) = history
    assert row["implicit"] and row["label"] == "implicit (credit from att1)" and row["rating"] is None
    assert row["due"] == card(session, "sm1").due


def test_the_queue_serves_a_covering_review_first():
    # Both due; sm1 is more overdue (lower retrievability), so alone it would come first.
    cards = {"att1": {"elapsed": 10, "due_in": 0}, "sm1": {"elapsed": 14, "due_in": -4}}
    spec = SPEC[1:]
    plain, _ = make(cards, spec=spec, graph=None)
    assert plain.next_item().instance.template_id == "sm1"
    graphed, _ = make(cards, spec=spec)
    assert graphed.next_item().instance.template_id == "att1"


def test_a_new_template_waits_until_its_prerequisite_is_recalled():
    # Bank order puts attention first; the graph holds it back until softmax is recalled.
    spec = [("att1", "attention", "dl"), ("sm1", "softmax", "dl")]
    session, clock = make({}, spec=spec)
    answer(session, clock, "sm1")  # Good on a new card: a learning step, not yet recalled
    assert card(session, "sm1").state == "learning"
    # attention is still locked: with nothing else to do, sm1's next step is pulled ahead.
    assert session.next_item().instance.template_id == "sm1"
    clock.advance(minutes=10)
    answer(session, clock, "sm1")  # Good on the last learning step: review state, R = 1
    assert card(session, "sm1").state == "review"
    assert session.next_item().instance.template_id == "att1"

    unlocked, _ = make({}, spec=spec, graph=None)
    assert unlocked.next_item().instance.template_id == "att1"


def test_a_stale_implicit_card_refuses_the_whole_review():
    from trainer.storage import ImplicitRecord, ReviewRecord

    session, clock = make(STANDARD)
    store = session.store
    att, sm = card(session, "att1"), card(session, "sm1")
    stale = CardState(state="review", stability=99.0, difficulty=5.0, last_review=clock.now, due=clock.now)
    record = ReviewRecord(
        uid="u1", template_id="att1", equation="attention", topic="dl", seed=1, params="{}", answer="1",
        verdict="{}", correct=True, score=1.0, diagnosis_id=None, rating=3, auto_rating=3, decided="auto",
        hint_used=False, response_ms=1000, reviewed_at=clock.now, day="2025-03-10", card_before=att,
        card_after=CardState(state="review", stability=20.0, difficulty=5.0, last_review=clock.now,
                             due=clock.now + timedelta(days=20)),
        implicit=(ImplicitRecord("sm1", "credit", 0.5, stale, CardState()),))
    with pytest.raises(ConflictError, match="sm1"):
        store.record_review(record)
    # One transaction: neither the review, nor the main card, nor any implicit row was written.
    assert store.counts()["reviews"] == 0 and implicit_rows(session) == []
    assert card(session, "att1") == att and card(session, "sm1") == sm


def test_a_fresh_database_on_the_bundled_bank_offers_only_root_equations(tmp_path):
    from datetime import datetime, timezone

    from tests.support.paths import PROBLEMS

    session = Session.open(tmp_path / "t.db", bank_paths=[PROBLEMS], seed=0, settings={"new_per_day": 1000},
                           clock=lambda: datetime(2026, 1, 5, 9, tzinfo=timezone.utc))
    assert session.graph is not None and session.graph.edges  # problems/graph.yaml is read
    queue, _ = session._queue(session.clock())
    offered = {c.template_id: c.equation for c in queue}
    assert offered  # nothing is recalled yet, yet there is work
    for tid, eq in offered.items():
        assert not any(w > 0 for w in session.graph.exercised(tid, eq).values()), tid
    builds_on = [t.id for t in session.templates
                 if any(w > 0 for w in session.graph.exercised(t.id, t.equation).values())]
    assert builds_on and not set(builds_on) & set(offered)
    session.close()


def test_reading_the_graph_compiles_no_template(tmp_path):
    # A template known from the bank index compiles when anything but its header is read; reading
    # the graph for every template at start-up once cost seconds that way.
    from tests.support.paths import PROBLEMS
    from trainer.core.learning import load_bank_graph
    from trainer.core.templates import load_bank

    index = tmp_path / "index.json"
    load_bank([PROBLEMS], lazy=True, index_path=index)  # writes the index
    bank = load_bank([PROBLEMS], lazy=True, index_path=index)
    assert load_bank_graph([PROBLEMS], list(bank.templates.values())).graph.edges
    assert all(t._template is None for t in bank.templates.values())


def test_a_prerequisite_with_every_template_suspended_holds_nothing_back():
    spec = [("att1", "attention", "dl"), ("sm1", "softmax", "dl")]
    session, clock = make({}, spec=spec)
    session.suspend("sm1")
    assert session.next_item().instance.template_id == "att1"


def test_an_explicit_review_keeps_its_own_card_after_once_credited_later():
    session, clock = make(STANDARD)
    reviewed = served(session, clock, "sm1")  # sm1's own review: the due it set is known
    own_due = card(session, "sm1").due
    clock.advance(days=20)
    served(session, clock, "att1")  # 20 days later att1's pass credits sm1, moving its due
    assert card(session, "sm1").due > own_due
    explicit, implicit = session.card_history("sm1")["history"]
    assert explicit["review_id"] == reviewed.review_id and explicit["due"] == own_due == reviewed.next_due
    assert implicit["implicit"] and implicit["due"] == card(session, "sm1").due
    assert session.store.review(reviewed.review_id)["state_after"]["due"] == own_due.isoformat(timespec="microseconds")
