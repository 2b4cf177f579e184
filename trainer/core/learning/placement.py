"""Placement: a short diagnostic that walks the prerequisite graph by bisection, and the schedule it seeds.

Core layer, pure: the graph, the templates and a seeded `numpy.random.Generator` come in. Knowledge is
assumed closed under prerequisites, so a right answer on an equation passes it and every prerequisite,
and a wrong one fails it and everything built on it. Each question goes to the equation whose answer
settles the most undecided equations either way: the largest min(|undecided ancestors ∪ itself|,
|undecided descendants ∪ itself|). On a chain of n equations that halves the undecided run, so it
takes at most ⌈log2(n + 1)⌉ questions; equations unrelated to the rest cost one question each.
Placed-out templates become review cards (`seeded_cards`); failed and undecided ones stay new.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil
from typing import TYPE_CHECKING, Any

from trainer.core.learning.graph import Graph
from trainer.core.scheduling.card import CardState
from trainer.core.scheduling.days import require_utc

if TYPE_CHECKING:
    import numpy as np

#: Exclusive upper bound of a question's instance seed (the review queue's bound).
SEED_BOUND = 2**31 - 1
#: Placed-out cards coming back per day at most (the rest are due on later days), foundations first.
PLACED_PER_DAY = 15
#: ... but all of them within this many days, however many were placed.
MAX_SPREAD_DAYS = 14


class PlacementError(ValueError):
    """Placement cannot run or continue (nothing to ask, no question pending, a finished walk)."""


@dataclass(frozen=True)
class Question:
    """One placement question: an instance of a representative template of one equation.

    Attributes:
        equation: the equation it decides.
        template_id: the template to generate.
        seed: the instance seed.
    """

    equation: str
    template_id: str
    seed: int


@dataclass(frozen=True)
class PlacementResult:
    """What a placement decided.

    Attributes:
        passed: equations placed out of (prerequisites first).
        failed: equations answered wrong, or built on one that was (they stay new).
        undecided: equations the walk did not reach (question cap, or no template to ask); they stay new.
        questions: how many questions were answered.
        asked: (equation, right) per question, in order.
    """

    passed: tuple[str, ...]
    failed: tuple[str, ...]
    undecided: tuple[str, ...]
    questions: int
    asked: tuple[tuple[str, bool], ...]

    def to_dict(self) -> dict[str, Any]:
        """{"passed", "failed", "undecided", "questions", "asked": [{"equation", "correct"}]}."""
        return {"passed": list(self.passed), "failed": list(self.failed), "undecided": list(self.undecided),
                "questions": self.questions,
                "asked": [{"equation": e, "correct": c} for e, c in self.asked]}


def _rank(template: Any) -> int:
    """How well a template tests its equation (lower is better): a compute item at level 1–2 asks for
    the computation itself at an everyday size; recall asks for the formula; a concept item is a
    choice, which a guess can pass."""
    kind, level = getattr(template, "kind", ""), getattr(template, "level", 1)
    if kind == "compute":
        return 0 if level in (1, 2) else 1
    return 2 if kind == "recall" else 3


def representatives(templates: Iterable[Any]) -> dict[str, list[Any]]:
    """Per equation, its best-ranked templates (compute at level 1–2 first), in the order given.

    Args:
        templates: objects with `id`, `equation`, `kind` and `level` (bank templates or headers).

    Returns:
        {equation id: the templates of the best rank it has}.
    """
    best: dict[str, tuple[int, list[Any]]] = {}
    for template in templates:
        rank = _rank(template)
        held = best.get(template.equation)
        if held is None or rank < held[0]:
            best[template.equation] = (rank, [template])
        elif rank == held[0]:
            held[1].append(template)
    return {equation: chosen for equation, (_, chosen) in best.items()}


class _Walk:
    """The bisection itself, over equations only (no templates): shared by `Placement` and the estimate."""

    def __init__(self, graph: Graph, askable: Iterable[str]):
        self.graph = graph
        self.order = graph.order()
        self.up = {n: graph.ancestors(n) | {n} for n in graph.nodes}
        self.down = {n: graph.descendants(n) | {n} for n in graph.nodes}
        self.askable = set(askable) & set(graph.nodes)
        self.undecided = set(graph.nodes)
        self.passed: set[str] = set()
        self.failed: set[str] = set()

    def best(self) -> list[str]:
        """The askable undecided equations that settle the most either way (graph order; [] when done)."""
        scored = []
        for node in self.order:
            if node in self.undecided and node in self.askable:
                up, down = len(self.up[node] & self.undecided), len(self.down[node] & self.undecided)
                scored.append(((min(up, down), up + down), node))
        if not scored:
            return []
        top = max(score for score, _ in scored)
        return [node for score, node in scored if score == top]

    def settle(self, equation: str, correct: bool) -> None:
        settled = (self.up if correct else self.down)[equation] & self.undecided
        (self.passed if correct else self.failed).update(settled)
        self.undecided -= settled


class Placement:
    """A placement run: `next_question()`, then `answer(right)`, until `next_question()` is None.

    The walk is deterministic given the generator: it breaks ties between equally good questions and
    picks each question's template and seed. Asking `next_question()` again before answering returns
    the same question (an unreadable answer is asked again, never counted).
    """

    def __init__(self, graph: Graph, templates: Iterable[Any], *, rng: np.random.Generator,
                 max_questions: int | None = None):
        """
        Args:
            graph: the prerequisite graph over equations.
            templates: the bank's templates (`id`, `equation`, `kind`, `level`); an equation of the graph
                with none is never asked, only inferred.
            rng: breaks ties and draws templates and seeds.
            max_questions: stop after this many answers (None: when every equation is decided).

        Raises:
            PlacementError: `max_questions` below 1, or no equation of the graph has a template.
        """
        if max_questions is not None and max_questions < 1:
            raise PlacementError("a placement needs at least one question")
        self._choices = {e: ts for e, ts in representatives(templates).items() if e in set(graph.nodes)}
        if not self._choices:
            raise PlacementError("no equation of the graph has a template to ask")
        self._walk = _Walk(graph, self._choices)
        self._rng = rng
        self._cap = max_questions
        self._pending: Question | None = None
        self._asked: list[tuple[str, bool]] = []

    @property
    def questions(self) -> int:
        """Questions answered so far."""
        return len(self._asked)

    @property
    def done(self) -> bool:
        """No question is left to ask (everything askable decided, or the cap reached). Draws nothing."""
        if self._pending is not None:
            return False
        if self._cap is not None and len(self._asked) >= self._cap:
            return True
        return not self._walk.best()

    def _next_equation(self) -> str | None:
        if self._cap is not None and len(self._asked) >= self._cap:
            return None
        best = self._walk.best()
        if not best:
            return None
        return best[int(self._rng.integers(len(best)))] if len(best) > 1 else best[0]

    def next_question(self) -> Question | None:
        """The question to ask now (the pending one again if it is not answered yet), or None when done."""
        if self._pending is None:
            equation = self._next_equation()
            if equation is None:
                return None
            choices = self._choices[equation]
            template = choices[int(self._rng.integers(len(choices)))] if len(choices) > 1 else choices[0]
            self._pending = Question(equation, template.id, int(self._rng.integers(0, SEED_BOUND)))
        return self._pending

    def unusable(self, template_id: str) -> None:
        """Drop a template that could not generate a problem; the pending question is replaced by
        another template of its equation, or the equation is no longer asked."""
        for equation, choices in list(self._choices.items()):
            kept = [t for t in choices if t.id != template_id]
            if kept:
                self._choices[equation] = kept
            else:
                del self._choices[equation]
                self._walk.askable.discard(equation)
        if self._pending is not None and self._pending.template_id == template_id:
            self._pending = None

    def answer(self, correct: bool) -> None:
        """Record the answer to the pending question and settle what it implies.

        Raises:
            PlacementError: no question is pending.
        """
        if self._pending is None:
            raise PlacementError("no placement question is waiting for an answer")
        equation = self._pending.equation
        self._pending = None
        self._asked.append((equation, bool(correct)))
        self._walk.settle(equation, bool(correct))

    def result(self) -> PlacementResult:
        """What is decided so far (equations in prerequisite order)."""
        walk = self._walk

        def ordered(nodes: set[str]) -> tuple[str, ...]:
            return tuple(n for n in walk.order if n in nodes)

        return PlacementResult(ordered(walk.passed), ordered(walk.failed), ordered(walk.undecided),
                               len(self._asked), tuple(self._asked))


def estimate_questions(graph: Graph, templates: Iterable[Any]) -> int:
    """About how many questions a placement takes: the mean over simulated learners who know nothing,
    everything, or exactly the prerequisites of one equation and it (ties broken by graph order).

    Args:
        graph: the prerequisite graph.
        templates: the bank's templates (only equations that have one are asked).

    Returns:
        The rounded mean number of questions (0 when nothing can be asked).
    """
    askable = set(representatives(templates)) & set(graph.nodes)
    if not askable:
        return 0
    knowns = [set(), set(graph.nodes)] + [graph.ancestors(n) | {n} for n in graph.nodes]
    total = 0
    for known in knowns:
        walk = _Walk(graph, askable)
        while best := walk.best():
            walk.settle(best[0], best[0] in known)
            total += 1
    return max(1, round(total / len(knowns)))


def seed_state(now: datetime, due: datetime) -> CardState:
    """The card of a placed-out template: in review since `now`, with the memory FSRS gives a first
    review rated Hard (stability w₁ ≈ 1.3 days and that rating's initial difficulty, default parameters).

    Conservative on purpose: one right answer on an equation (or on one that builds on it) is the
    evidence, and the learner has never seen this template; a too-low stability costs one early
    review, a too-high one a forgotten equation.

    Args:
        now: when the placement ended (the card's last review; UTC-aware).
        due: when it is first due.

    Returns:
        The CardState (state "review", no reps or lapses: no review of it is recorded).

    Raises:
        ValueError: a naive time.
    """
    from trainer.core.scheduling.fsrs_adapter import review
    from trainer.core.scheduling.rating import HARD

    now = require_utc(now)
    first = review(CardState(), HARD, now, rng=None, fuzz=False)
    return CardState(state="review", step=None, stability=first.stability, difficulty=first.difficulty,
                     due=require_utc(due), last_review=now, reps=0, lapses=0)


def seeded_cards(result: PlacementResult, templates: Sequence[Any], now: datetime) -> list[tuple[Any, CardState]]:
    """The review cards a placement seeds: every template of a passed equation.

    They fall due from tomorrow on, at most PLACED_PER_DAY a day (more only if MAX_SPREAD_DAYS days
    would not hold them), prerequisites first, so a learner placed out of much does not meet it all
    on one day. Templates of failed and undecided equations get no card: they stay new.

    Args:
        result: the placement's result.
        templates: the bank's templates, in bank order.
        now: when the placement ended (UTC-aware).

    Returns:
        [(template, CardState)] in the order they fall due.
    """
    rank = {e: i for i, e in enumerate(result.passed)}
    placed = sorted((t for t in templates if t.equation in rank), key=lambda t: rank[t.equation])
    if not placed:
        return []
    days = min(MAX_SPREAD_DAYS, ceil(len(placed) / PLACED_PER_DAY))
    per_day = ceil(len(placed) / days)
    return [(t, seed_state(now, now + timedelta(days=1 + i // per_day))) for i, t in enumerate(placed)]
