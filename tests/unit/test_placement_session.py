"""Placement through the session and the store: graded questions, unreadable answers asked again,
the seeded schedule written in one transaction without reviews, refusal on a used database, the
offer remembered once declined; and a simulated learner on the bundled bank graded by the real grader."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from tests.support.fakes import Clock, fake_generate, fake_grade, make_bank
from tests.support.paths import PROBLEMS
from trainer.core.learning import Edge, Graph, PlacementError
from trainer.session import Session
from trainer.storage import ConflictError, Store

# d builds on c, c on b, b on a; two templates each.
CHAIN = ["a", "b", "c", "d"]
SPEC = [(f"{eq}{i}", eq, "probability") for eq in CHAIN for i in (1, 2)]
GRAPH = Graph.build(CHAIN, [Edge("b", "a"), Edge("c", "b"), Edge("d", "c")])
#: FSRS-6's published default w1: the initial stability of a first review rated Hard.
W1 = 1.2931


def make(seed=0, store=None):
    clock = Clock()
    session = Session(make_bank(SPEC), store or Store.open(":memory:"), clock=clock, seed=seed,
                      generate=fake_generate, grade=fake_grade, graph=GRAPH)
    return session, clock


def dump(store):
    return list(store.conn.iterdump())


def place(session, known, unreadable_first=False):
    """Answer every question as a learner who knows exactly `known` (fake answers: seed mod 97)."""
    run = session.start_placement()
    while (item := run.next_item()) is not None:
        value = item.instance.answer.value
        if unreadable_first:
            verdict = run.submit(item, "not a number")
            assert verdict.error is not None
            assert run.next_item() is item  # the same problem again, not counted
            unreadable_first = False
        run.submit(item, str(value if item.instance.equation in known else value + 1))
    return run


def test_a_learner_who_knows_a_and_b_is_placed_out_of_them_only():
    session, clock = make()
    run = place(session, {"a", "b"}, unreadable_first=True)
    assert run.summary()["questions"] <= math.ceil(math.log2(len(CHAIN) + 1))  # 5 possible learners → 3
    out = run.finish()
    assert out["passed"] == ["a", "b"] and out["failed"] == ["c", "d"] and out["cards"] == 4
    cards = {c.template_id: c for c in session.store.cards()}
    assert set(cards) == {"a1", "a2", "b1", "b2"}  # c and d templates stay new: no card row
    for rec in cards.values():
        assert rec.card.state == "review" and rec.card.stability == pytest.approx(W1)
        assert rec.card.last_review == clock.now and rec.card.due == clock.now + timedelta(days=1)
        assert rec.equation in {"a", "b"} and rec.topic == "probability"
    assert session.store.counts()["reviews"] == 0  # no fake reviews
    record = session.store.placement()
    assert record["status"] == "placed" and record["passed"] == ["a", "b"] and record["cards"] == 4
    # New templates now come from c (the first failed equation in curriculum order) onwards.
    assert session.next_item().instance.equation in {"c", "d"}


def test_an_unfinished_placement_writes_nothing():
    session, clock = make()
    before = dump(session.store)
    run = session.start_placement()
    item = run.next_item()
    run.submit(item, str(item.instance.answer.value))
    assert dump(session.store) == before
    with pytest.raises(PlacementError, match="still has questions"):
        run.finish()
    assert dump(session.store) == before


def test_a_database_with_reviews_refuses_placement():
    session, clock = make()
    item = session.next_item()
    session.submit(item, str(item.instance.answer.value))
    assert session.placement_offer() is None
    with pytest.raises(PlacementError, match=r"already has a schedule \(it has 1 review\)"):
        session.start_placement()


def test_a_review_recorded_during_the_placement_wins():
    session, clock = make()
    run = place(session, set(CHAIN))
    other, _ = make(store=session.store)  # another trainer on the same file reviews meanwhile
    item = other.next_item()
    other.submit(item, str(item.instance.answer.value))
    before = dump(session.store)
    with pytest.raises(ConflictError, match="only for a new database"):
        run.finish()
    assert dump(session.store) == before


def test_the_offer_is_made_once_and_not_after_declining_or_placing():
    session, _ = make()
    estimate = session.placement_offer()
    assert estimate is not None and 1 <= estimate <= 3  # a chain of 4 takes 2 or 3 questions
    session.decline_placement()
    assert session.placement_offer() is None
    assert session.store.placement()["status"] == "declined"
    assert session.store.settings() == Store.open(":memory:").settings()  # not a user setting
    place(session, {"a"}).finish()  # `trainer place` is still allowed after declining the offer
    assert session.placement_offer() is None
    with pytest.raises(PlacementError, match=r"already has a schedule \(2 cards already have a schedule\)"):
        session.start_placement()


# --- the bundled bank, graded by the real grader -------------------------------------------------

@pytest.fixture(scope="module")
def bundled():
    from trainer.core.templates import load_bank

    return load_bank([PROBLEMS])


def test_a_simulated_learner_on_the_bundled_bank_is_placed_exactly(bundled):
    from trainer.core.grading.grader import answer_text
    from trainer.session import learning_graph

    store = Store.open(":memory:")
    graph = learning_graph(bundled.templates.values(), [PROBLEMS])  # problems/graph.yaml
    assert len(graph.edges) >= 20 and len(graph.nodes) == 30
    session = Session(bundled, store, clock=Clock(), seed=5, graph=graph)
    order = graph.order()
    # Knows exactly the first third of the equations in prerequisite order and what they build on.
    known = set()
    for equation in order[:len(order) // 3]:
        known |= graph.ancestors(equation) | {equation}
    assert all(graph.ancestors(e) <= known for e in known)
    run = session.start_placement()
    while (item := run.next_item()) is not None:
        instance = item.instance
        if instance.equation in known:
            text = answer_text(instance)
        else:
            assert instance.mistakes, f"{instance.template_id}: no listed mistake to answer wrong with"
            text = answer_text(instance, instance.mistakes[0])
        verdict = run.submit(item, text)
        assert verdict.error is None and verdict.correct == (instance.equation in known), instance.template_id
    out = run.finish()
    assert set(out["passed"]) == known
    assert set(out["failed"]) == set(graph.nodes) - known
    # Each answer settles at least the equation asked, and the graph lets most settle more.
    assert out["questions"] < len(graph.nodes)
    placed = {t.id for t in session.templates if t.equation in known}
    assert {c.template_id for c in store.cards()} == placed
