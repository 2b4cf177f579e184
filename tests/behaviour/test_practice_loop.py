"""Behaviour tests of an honest practice loop (issue 13), driving the real app with Pilot.

Undo brings back the very problem undone; leaving the review and coming back resumes the problem
and what was typed; a value of the wrong kind is refused and not recorded; a first sighting answered
at once is Good, not Easy, and says why; the feedback shows the interval each rating key gives.
The clock is fixed (so every answer takes 0 ms) and the seed too. The sums' answers are the
problem's own two shown numbers added by the test; the learning steps are FSRS's defaults (1 and
10 minutes; Hard on the first step is their mean, 5.5 minutes).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.support.ui import make_app, run_async, settle, write_bank

SUM = """\
id: pl-sum
equation: pl-sum
topic: probability
title: A sum of two drawn numbers
kind: compute
params:
  a: {int: [100, 999]}
  b: {int: [100, 999]}
prompt: |
  Compute {a} + {b}.
answer:
  type: number
  value: a + b
mistakes:
  - id: off-by-ten
    value: a + b + 10
    message: A carry went astray.
solution: |
  {a} + {b} = {answer}
"""

DIFF = SUM.replace("pl-sum", "pl-diff").replace("A sum", "A difference").replace("+", "-")


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    folder = tmp_path / "bank"
    (folder / "probability").mkdir(parents=True)
    (folder / "probability" / "pl-sum.yaml").write_text(SUM)
    (folder / "probability" / "pl-diff.yaml").write_text(DIFF)
    return folder


def review_rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return [tuple(r) for r in conn.execute("SELECT template_id, seed, rating FROM review_log ORDER BY id")]


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def right_answer(app) -> str:
    params = app.screen.item.instance.params
    a, b = int(params["a"]), int(params["b"])
    return str(a + b if app.screen.item.instance.template_id == "pl-sum" else a - b)


async def first_problem(pilot, app):
    await settle(pilot, app, lambda: app.problems_shown >= 1 and app.screen.state == "answering")


@run_async
async def test_undo_brings_back_the_same_problem_with_the_text_cleared(tmp_path: Path, bank: Path) -> None:
    db = tmp_path / "progress.db"
    app = make_app(db, [bank])
    async with app.run_test(size=(100, 32)) as pilot:
        await first_problem(pilot, app)
        prompt, item = text_of(app, "#prompt"), app.screen.item
        await pilot.press(*right_answer(app), "enter")
        await settle(pilot, app, lambda: app.screen.state == "feedback")
        assert len(review_rows(db)) == 1
        await pilot.press("ctrl+z")
        await settle(pilot, app, lambda: app.screen.state == "answering" and app.problems_shown >= 2)
        assert review_rows(db) == []
        assert text_of(app, "#prompt") == prompt
        assert app.screen.item.instance.seed == item.instance.seed
        assert app.screen.item.instance.params == item.instance.params
        assert app.screen.query_one("#answer").value == ""


@run_async
async def test_leaving_the_review_and_coming_back_resumes_problem_and_typed_text(tmp_path: Path,
                                                                                  bank: Path) -> None:
    db = tmp_path / "progress.db"
    app = make_app(db, [bank])
    async with app.run_test(size=(100, 32)) as pilot:
        await first_problem(pilot, app)
        prompt, seed = text_of(app, "#prompt"), app.screen.item.instance.seed
        await pilot.press(*"12")
        await pilot.press("escape")
        await settle(pilot, app, lambda: type(app.screen).__name__ == "HomeScreen")
        await pilot.press("r")
        await settle(pilot, app, lambda: type(app.screen).__name__ == "ReviewScreen"
                     and app.screen.state == "answering" and app.problems_shown >= 2)
        assert text_of(app, "#prompt") == prompt
        assert app.screen.item.instance.seed == seed
        assert app.screen.query_one("#answer").value == "12"
        assert review_rows(db) == []


@run_async
async def test_a_vector_for_a_number_is_refused_and_not_a_review(tmp_path: Path, bank: Path) -> None:
    db = tmp_path / "progress.db"
    app = make_app(db, [bank])
    async with app.run_test(size=(100, 32)) as pilot:
        await first_problem(pilot, app)
        await pilot.press(*"[1, 2]")
        # The live echo warns before Enter...
        await settle(pilot, app, lambda: "single number" in text_of(app, "#echo"))
        await pilot.press("enter")
        await settle(pilot, app, lambda: app.screen.state == "answering"
                     and app.screen.query_one("#echo").has_class("-error"))
        # ...and Enter records nothing.
        assert "this answer is a single number, not a vector of 2 entries" in text_of(app, "#echo")
        assert app.screen.query_one("#feedback").display is False
    assert review_rows(db) == []


@run_async
async def test_first_sighting_answered_at_once_is_good_with_reason_and_four_intervals(tmp_path: Path,
                                                                                       bank: Path) -> None:
    db = tmp_path / "progress.db"
    app = make_app(db, [bank])
    async with app.run_test(size=(100, 32)) as pilot:
        await first_problem(pilot, app)
        tid, seed = app.screen.item.instance.template_id, app.screen.item.instance.seed
        await pilot.press(*right_answer(app), "enter")  # 0 ms on the fixed clock: as fast as can be
        await settle(pilot, app, lambda: app.screen.state == "feedback")
        feedback = text_of(app, "#feedback")
        assert review_rows(db) == [(tid, seed, 3)]  # Good, never Easy, on a first sighting
        assert "Good (automatic)" in feedback
        assert "Good (not Easy): first time you see this card" in feedback
        assert "1 Again 1m · 2 Hard 6m · 3 Good 10m · 4 Easy " in feedback
        easy = feedback.split("4 Easy ", 1)[1].split()[0]
        assert easy.endswith("d") and int(easy[:-1]) >= 1  # Easy graduates at once: days, not minutes
        await pilot.press("4")  # keys still override
        await settle(pilot, app, lambda: "Easy (your choice)" in text_of(app, "#feedback"))
        assert review_rows(db) == [(tid, seed, 4)]
        assert f"next in {int(easy[:-1])} day" in text_of(app, "#feedback")  # the key recorded what it showed


def test_matrix_bank_refuses_a_number_for_a_matrix(tmp_path: Path) -> None:
    """The reader the echo and the grader share refuses a number, and a 2×3, for the 2×2 transpose."""
    from trainer.core.grading.grader import grade
    from trainer.core.templates import load_bank
    from trainer.core.templates.generation import generate

    bank = load_bank([write_bank(tmp_path / "bank", matrix=True)])
    instance = generate(bank.templates["ui-transpose"], 1)
    assert grade(instance, "5").error.message == "this answer is a 2×2 matrix, not a single number"
    assert grade(instance, "1 2 3; 4 5 6").error.message == "this answer is a 2×2 matrix, not a 2×3 matrix"
    assert grade(instance, "1 3; 2 4").correct  # Aᵀ of [[1, 2], [3, 4]]
