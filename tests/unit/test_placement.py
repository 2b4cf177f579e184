"""Placement by bisection over hand-drawn graphs, against simulated learners who know exactly a known
prerequisite-closed set of equations; and the review cards a placement seeds."""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import numpy as np
import pytest

from trainer.core.learning import (
    Edge,
    Graph,
    Placement,
    PlacementError,
    estimate_questions,
    representatives,
    seed_state,
    seeded_cards,
)

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def tpl(tid: str, equation: str, kind: str = "compute", level: int = 1):
    return SimpleNamespace(id=tid, equation=equation, kind=kind, level=level)


def one_each(nodes):
    return [tpl(f"{n}-compute", n) for n in nodes]


CHAIN = [f"c{i}" for i in range(8)]  # c1 builds on c0, c2 on c1, …


def chain_graph() -> Graph:
    return Graph.build(CHAIN, [Edge(CHAIN[i + 1], CHAIN[i]) for i in range(7)])


# A small DAG: softmax and matmul under attention, exp under softmax, log under cross-entropy
# and entropy, cross-entropy under the transformer loss; "mean" stands alone.
DAG_NODES = ["exp", "log", "matmul", "mean", "softmax", "entropy", "cross-entropy", "attention", "lm-loss"]
DAG_EDGES = [Edge("softmax", "exp"), Edge("attention", "softmax"), Edge("attention", "matmul"),
             Edge("entropy", "log"), Edge("cross-entropy", "log"), Edge("cross-entropy", "softmax"),
             Edge("lm-loss", "cross-entropy"), Edge("lm-loss", "attention")]


def run(graph: Graph, known: set[str], seed: int = 0, templates=None, **kw):
    """Place a simulated learner who answers right exactly on the equations in `known`."""
    placement = Placement(graph, templates or one_each(graph.nodes), rng=np.random.default_rng(seed), **kw)
    while (question := placement.next_question()) is not None:
        placement.answer(question.equation in known)
    return placement.result()


@pytest.mark.parametrize("k", range(9))
def test_a_chain_of_eight_is_placed_in_at_most_four_questions(k):
    known = set(CHAIN[:k])  # knows the first k links: prerequisite-closed
    result = run(chain_graph(), known, seed=k)
    assert set(result.passed) == known
    assert set(result.failed) == set(CHAIN) - known
    assert result.undecided == ()
    # 9 possible learners (k = 0..8) need ⌈log2 9⌉ = 4 yes/no answers to tell apart, and bisection does it.
    assert result.questions <= 4 == math.ceil(math.log2(9))
    assert result.passed == tuple(CHAIN[:k])  # prerequisites first


# Every prerequisite-closed set below was drawn by hand on the DAG above.
DAG_LEARNERS = {
    "nothing": set(),
    "everything": set(DAG_NODES),
    "only-foundations": {"exp", "log", "matmul", "mean"},
    "softmax-no-attention": {"exp", "softmax", "log", "entropy", "mean"},
    "all-but-the-top": {"exp", "log", "matmul", "mean", "softmax", "entropy", "cross-entropy", "attention"},
    "attention-only-branch": {"exp", "softmax", "matmul", "attention"},
}


@pytest.mark.parametrize("name", sorted(DAG_LEARNERS))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_dag_learner_is_placed_exactly_in_fewer_questions_than_equations(name, seed):
    graph = Graph.build(DAG_NODES, DAG_EDGES)
    known = DAG_LEARNERS[name]
    assert all(graph.ancestors(n) <= known for n in known)  # the learner is prerequisite-closed
    result = run(graph, known, seed=seed)
    assert set(result.passed) == known
    assert set(result.failed) == set(DAG_NODES) - known
    assert result.undecided == ()
    assert result.questions < len(DAG_NODES)
    order = graph.order()
    assert list(result.passed) == [n for n in order if n in known]


def test_the_walk_is_deterministic_for_a_seed():
    graph = Graph.build(DAG_NODES, DAG_EDGES)
    known = DAG_LEARNERS["softmax-no-attention"]

    def questions(seed):
        placement = Placement(graph, one_each(DAG_NODES), rng=np.random.default_rng(seed))
        out = []
        while (q := placement.next_question()) is not None:
            out.append(q)
            placement.answer(q.equation in known)
        return out

    assert questions(7) == questions(7)


def test_asking_whether_it_is_done_draws_nothing():
    graph = Graph.build(DAG_NODES, DAG_EDGES)
    known = DAG_LEARNERS["softmax-no-attention"]

    def questions(check_done):
        placement = Placement(graph, one_each(DAG_NODES), rng=np.random.default_rng(11))
        out = []
        while not (check_done and placement.done) and (q := placement.next_question()) is not None:
            out.append(q)
            placement.answer(q.equation in known)
            if check_done:
                for _ in range(3):
                    placement.done
        return out

    assert questions(True) == questions(False)


def test_the_first_question_on_a_chain_is_in_its_middle():
    placement = Placement(chain_graph(), one_each(CHAIN), rng=np.random.default_rng(0))
    # c3 settles 4 either way (c0..c3 / c3..c7 has 5), c4 likewise; anything else settles fewer.
    assert placement.next_question().equation in {"c3", "c4"}


def test_an_unanswered_question_is_asked_again_unchanged():
    placement = Placement(chain_graph(), one_each(CHAIN), rng=np.random.default_rng(3))
    first = placement.next_question()
    assert placement.next_question() == first
    assert placement.questions == 0
    placement.answer(True)
    assert placement.questions == 1
    with pytest.raises(PlacementError, match="no placement question"):
        placement.answer(True)


def test_the_question_cap_leaves_the_rest_undecided():
    result = run(chain_graph(), set(CHAIN[:5]), max_questions=1)
    assert result.questions == 1
    assert result.undecided  # one answer cannot settle a chain of eight
    assert set(result.passed) | set(result.failed) | set(result.undecided) == set(CHAIN)


def test_equations_without_templates_are_inferred_never_asked():
    templates = [t for t in one_each(CHAIN) if t.equation not in {"c3", "c4"}]
    placement = Placement(chain_graph(), templates, rng=np.random.default_rng(0))
    asked = []
    while (q := placement.next_question()) is not None:
        asked.append(q.equation)
        placement.answer(q.equation in {"c0", "c1", "c2", "c3", "c4", "c5"})
    assert not {"c3", "c4"} & set(asked)
    assert placement.result().passed == tuple(CHAIN[:6])  # c5 right passes c3 and c4 with it


def test_compute_items_at_level_one_or_two_represent_an_equation():
    templates = [tpl("a-concept", "a", "concept"), tpl("a-recall", "a", "recall"), tpl("a-hard", "a", "compute", 3),
                 tpl("a-easy", "a", "compute", 1), tpl("a-mid", "a", "compute", 2),
                 tpl("b-concept", "b", "concept"), tpl("b-recall", "b", "recall"),
                 tpl("c-concept", "c", "concept")]
    chosen = {e: [t.id for t in ts] for e, ts in representatives(templates).items()}
    assert chosen == {"a": ["a-easy", "a-mid"], "b": ["b-recall"], "c": ["c-concept"]}


def test_a_template_that_cannot_generate_is_replaced():
    graph = Graph.build(["a"], [])
    placement = Placement(graph, [tpl("a1", "a"), tpl("a2", "a")], rng=np.random.default_rng(0))
    first = placement.next_question()
    placement.unusable(first.template_id)
    second = placement.next_question()
    assert second.template_id == ({"a1", "a2"} - {first.template_id}).pop()
    placement.unusable(second.template_id)
    assert placement.next_question() is None and placement.result().undecided == ("a",)


def test_a_graph_without_templates_is_refused():
    with pytest.raises(PlacementError, match="no equation"):
        Placement(chain_graph(), [tpl("x", "elsewhere")], rng=np.random.default_rng(0))


def test_the_estimate_on_a_chain():
    # Learners: none, all, and each prefix c0..ci; every one takes 3 or 4 questions on a chain of 8.
    estimate = estimate_questions(chain_graph(), one_each(CHAIN))
    assert 3 <= estimate <= 4
    # Unrelated equations cost one question each, whatever the learner knows.
    flat = Graph.build(["a", "b", "c"], [])
    assert estimate_questions(flat, one_each(["a", "b", "c"])) == 3


# FSRS-6 default parameters as published (py-fsrs DEFAULT_PARAMETERS): w1 = 1.2931 is the initial
# stability of a first review rated Hard; D0(G) = w4 − e^(w5·(G − 1)) + 1 with w4 = 6.4133, w5 = 0.8334.
W1, W4, W5 = 1.2931, 6.4133, 0.8334


def test_a_seeded_card_is_a_review_card_with_the_hard_first_review_memory():
    card = seed_state(NOW, NOW + timedelta(days=2))
    assert card.state == "review" and card.step is None
    assert card.stability == pytest.approx(W1)
    assert card.difficulty == pytest.approx(W4 - math.exp(W5 * (2 - 1)) + 1, abs=1e-3)
    assert card.last_review == NOW and card.due == NOW + timedelta(days=2)
    assert card.reps == 0 and card.lapses == 0


def test_seeded_cards_cover_passed_equations_and_spread_over_days():
    graph = Graph.build(DAG_NODES, DAG_EDGES)
    result = run(graph, DAG_LEARNERS["only-foundations"])
    # 10 templates for each of the 9 equations: 40 for the 4 placed; at most 15 a day → 3 days (14, 14, 12).
    templates = [tpl(f"{n}-{i}", n) for n in DAG_NODES for i in range(10)]
    cards = seeded_cards(result, templates, NOW)
    assert {t.equation for t, _ in cards} == {"exp", "log", "matmul", "mean"}
    assert len(cards) == 40
    per_day = Counter((c.due - NOW).days for _, c in cards)
    assert per_day == {1: 14, 2: 14, 3: 12}
    assert all(c.state == "review" for _, c in cards)


def test_a_failed_placement_seeds_nothing():
    result = run(chain_graph(), set())
    assert seeded_cards(result, one_each(CHAIN), NOW) == []
