"""Shared helpers for the UI tests: a small fake session (same method names as `trainer.session`)
for layout work, and Pilot helpers that wait for the session thread.

Test support, no tests of its own. The flow tests use the real session; the fake keeps widget and
layout tests independent of the bank's contents.
"""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

FIXED_NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


@dataclass(frozen=True)
class FakeAnswer:
    type: str
    value: Any
    display: str


@dataclass(frozen=True)
class FakeMistake:
    id: str
    message: str
    value: Any


@dataclass(frozen=True)
class FakeInstance:
    template_id: str
    seed: int
    title: str
    topic: str
    equation: str
    kind: str
    params: dict
    prompt: str
    answer: FakeAnswer
    mistakes: tuple = ()
    solution: str = ""
    hint: str | None = None


@dataclass(frozen=True)
class FakeDiagnosis:
    id: str
    message: str


@dataclass(frozen=True)
class FakeInputError:
    message: str
    position: int | None
    hint: str | None = None


@dataclass(frozen=True)
class FakeVerdict:
    correct: bool
    score: float
    diagnosis: FakeDiagnosis | None
    feedback: str
    expected: str
    parsed: str | None
    solution: str
    error: FakeInputError | None = None


@dataclass(frozen=True)
class FakeItem:
    instance: FakeInstance
    card_state: str
    due: datetime | None
    is_new: bool
    shown_at: datetime


@dataclass(frozen=True)
class FakeOutcome:
    verdict: FakeVerdict
    rating: int | None
    review_id: int | None
    next_due: datetime | None
    recorded: bool


@dataclass(frozen=True)
class FakeTemplate:
    id: str
    equation: str
    topic: str
    title: str
    kind: str = "compute"
    tags: tuple = ()


@dataclass(frozen=True)
class FakeLoadError:
    path: str
    line: int | None
    message: str


def entropy_instance(seed: int = 1) -> FakeInstance:
    """H(p) for p = [0.5, 0.25, 0.25]: 1.5 ln 2 = 1.0397 nats, 1.5 bits (hand calculation)."""
    return FakeInstance(
        template_id="entropy-discrete", seed=seed, title="Entropy of a discrete distribution",
        topic="information", equation="entropy", kind="compute",
        params={"k": 3, "p": [0.5, 0.25, 0.25]},
        prompt="X takes 3 values with probabilities p = [0.5, 0.25, 0.25].\nCompute the entropy H(X) in nats.",
        answer=FakeAnswer("number", 1.0397, "1.0397"),
        mistakes=(FakeMistake("log-base-2", "That is H(X) in bits (log base 2); this asks for nats.", 1.5),),
        solution="H(X) = −Σ pᵢ ln pᵢ = 0.5 ln 2 + 2 · 0.25 ln 4 = 1.0397 nats",
        hint="Sum −pᵢ ln pᵢ over the 3 outcomes.")


def matrix_instance(seed: int = 2) -> FakeInstance:
    """Aᵀ of [[1, 2], [3, 4]] is [[1, 3], [2, 4]]."""
    return FakeInstance(
        template_id="transpose-2x2", seed=seed, title="Transpose of a matrix", topic="linear-algebra",
        equation="transpose", kind="compute", params={"A": [[1, 2], [3, 4]]},
        prompt="Compute Aᵀ.", answer=FakeAnswer("matrix", [[1, 3], [2, 4]], "[[1, 3], [2, 4]]"),
        mistakes=(FakeMistake("not-transposed", "That is A itself, not its transpose.", [[1, 2], [3, 4]]),),
        solution="Rows become columns: Aᵀ = [[1, 3], [2, 4]]")


class FakeSession:
    """Same method names as `trainer.session.Session`; grades by exact text match."""

    def __init__(self, instances=None, now: datetime = FIXED_NOW):
        self.queue = list(instances if instances is not None else [entropy_instance(), matrix_instance()])
        self.now = now
        self.reviews: list[tuple[str, int]] = []
        self.buried: set[str] = set()
        self.suspended: set[str] = set()
        self.templates = [FakeTemplate(i.template_id, i.equation, i.topic, i.title) for i in self.queue]
        self.bank_errors = [FakeLoadError("/tmp/user/broken.yaml", 3, "mapping values are not allowed here")]

    def summary(self) -> dict:
        return {"due_now": len(self.queue), "new_left_today": 8, "reviewed_today": len(self.reviews),
                "streak": 3, "desired_retention": 0.9, "next_due": self.now + timedelta(hours=2)}

    def next_item(self):
        for inst in self.queue:
            if inst.template_id not in self.buried | self.suspended:
                return FakeItem(inst, "new", None, True, self.now)
        return None

    def submit(self, item, text, *, hint_used=False):
        inst = item.instance
        expected = inst.answer.display
        if text.strip().startswith("("):
            verdict = FakeVerdict(False, 0.0, None, "", expected, None, inst.solution,
                                  FakeInputError("unbalanced parenthesis", 0, "close it with )"))
            return FakeOutcome(verdict, None, None, None, False)
        correct = text.strip() == expected
        diagnosis = None
        if not correct and inst.mistakes:
            diagnosis = FakeDiagnosis(inst.mistakes[0].id, inst.mistakes[0].message)
        verdict = FakeVerdict(correct, 1.0 if correct else 0.0, diagnosis, "", expected, text.strip(),
                              inst.solution)
        rating = (2 if hint_used else 3) if correct else 1
        self.reviews.append((inst.template_id, rating))
        self.queue.remove(inst)
        return FakeOutcome(verdict, rating, len(self.reviews), self.now + timedelta(days=1), True)

    def override(self, outcome, rating):
        tid, _ = self.reviews[-1]
        self.reviews[-1] = (tid, rating)
        return replace(outcome, rating=rating)

    def undo(self):
        return self.reviews.pop()[0] if self.reviews else None

    def bury(self, template_id):
        self.buried.add(template_id)

    def suspend(self, template_id):
        self.suspended.add(template_id)

    def unsuspend(self, template_id):
        self.suspended.discard(template_id)

    def overview(self):
        return [{"topic": t.topic, "equation": t.equation, "title": t.title, "mastery": 0.7, "due": 1,
                 "reviews": 2} for t in self.templates]

    def stats(self):
        return {"reviews_per_day": {}, "streak": 0, "desired_retention": 0.9, "forecast": [],
                "leeches": [], "frequent_mistakes": []}

    def preview(self, template_id, seed):
        inst = next(i for i in [entropy_instance(), matrix_instance()] if i.template_id == template_id)
        return replace(inst, seed=seed)

    def reload(self):
        pass

    def start_quiz(self, count, topics=None, equations=None):
        raise NotImplementedError


def run_async(test):
    """Run an `async def` test with asyncio (no async pytest plugin is installed)."""

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return wrapper


async def settle(pilot, app, predicate=None, timeout: float = 20.0) -> None:
    """Let the session thread and the message queue drain, then until `predicate()` holds.

    Waiting on a state (not a duration) keeps the tests free of timing assumptions; the timeout only
    turns a hang into a failure.
    """
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        await pilot.pause()
        await asyncio.sleep(0.01)
        await pilot.pause()
        if predicate is None or predicate():
            return
        if loop.time() > end:
            raise AssertionError("the app did not reach the expected state")


# --- a tiny real bank whose answers are hand calculations ---------------------------------------

NOW = FIXED_NOW

ENTROPY = """\
id: ui-entropy
equation: entropy
topic: information
title: Entropy of a fixed distribution
kind: compute
params:
  p: {choice: [[0.5, 0.25, 0.25]]}
prompt: |
  X takes three values with probabilities p = {p}. Compute H(X) in nats.
answer:
  type: number
  value: entropy(p)
  rtol: 1e-3
mistakes:
  - id: log-base-2
    value: entropy(p, base=2)
    message: That is H(X) in bits (log base 2); this asks for nats.
hint: Sum −pᵢ ln pᵢ over the three outcomes.
solution: |
  H(X) = −Σ pᵢ ln pᵢ = 0.5 ln 2 + 2 · 0.25 ln 4 = {answer} nats
"""

SIGMOID = """\
id: ui-sigmoid-slope
equation: sigmoid-derivative
topic: calculus
title: Slope of the sigmoid at zero
kind: compute
params:
  z: {choice: [0]}
prompt: |
  Compute σ′(z) at z = {z}.
answer:
  type: number
  value: sigmoid_grad(z)
  rtol: 1e-3
mistakes:
  - id: value-not-slope
    value: sigmoid(z)
    message: That is σ(z) itself; the derivative is σ(z)(1 − σ(z)).
solution: |
  σ′(z) = σ(z)(1 − σ(z)) = 0.5 · 0.5 = {answer}
"""

MATRIX = """\
id: ui-transpose
equation: linear-transformation
topic: linear-algebra
title: Transpose of a 2×2 matrix
kind: compute
params:
  A: {choice: [[[1, 2], [3, 4]]]}
prompt: |
  Compute the transpose Aᵀ.
answer:
  type: matrix
  value: T(A)
mistakes:
  - id: not-transposed
    value: A
    message: That is A itself; the transpose swaps rows and columns.
solution: |
  Rows become columns: Aᵀ = {answer}
"""

# What to type, by template: (wrong answer, its diagnosis message, right answer) — hand calculations.
ANSWERS = {
    "ui-entropy": ("1.5", "bits (log base 2)", "1.0397"),
    "ui-sigmoid-slope": ("0.5", "σ(z) itself", "0.25"),
    "ui-transpose": ("[[1, 2], [3, 4]]", "A itself", "1 3; 2 4"),
}




def write_bank(folder: Path, matrix: bool = False) -> Path:
    """Write the test templates (the matrix one only when asked) under `folder`."""
    for topic, name, text in (("information", "ui-entropy", ENTROPY), ("calculus", "ui-sigmoid-slope", SIGMOID),
                              ("linear-algebra", "ui-transpose", MATRIX)):
        if name == "ui-transpose" and not matrix:
            continue
        (folder / topic).mkdir(parents=True, exist_ok=True)
        (folder / topic / f"{name}.yaml").write_text(text)
    return folder


def make_app(db: Path, folders: list[Path], seed: int = 1, clock=None, before=None):
    """The app as the CLI builds it, with a fixed clock; `before(session)` runs first (history)."""
    import numpy as np

    from trainer.ui.app import TrainerApp

    def factory():
        from trainer.session import Session

        session = Session.open(db, bank_paths=folders, clock=clock or (lambda: NOW),
                               rng=np.random.default_rng(seed))
        if before is not None:
            before(session)
        return session

    return TrainerApp(factory, tz=timezone.utc)
