"""Behaviour tests of the TUI: the real app, the real session, store and grader, driven by Pilot.

Clock fixed (UTC), seeded RNG, a temporary database, and a tiny bank written here whose answers are
hand calculations: H([0.5, 0.25, 0.25]) = 1.5 ln 2 = 1.0397 nats (1.5 bits), σ′(0) = 0.25 (σ(0) = 0.5).
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT
from tests.support.ui import ANSWERS, make_app, run_async, settle, write_bank


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    return write_bank(tmp_path / "bank")


def reviews(db: Path) -> list[tuple[str, int, int]]:
    """(template_id, rating, correct) of every stored review, read straight from SQLite."""
    with sqlite3.connect(db) as conn:
        return [tuple(r) for r in conn.execute("SELECT template_id, rating, correct FROM review_log ORDER BY id")]


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


@run_async
async def test_review_flow_keeps_progress_across_restarts(tmp_path: Path, bank: Path) -> None:
    db = tmp_path / "progress.db"
    app = make_app(db, [bank])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        first = app.screen.item.instance.template_id
        wrong, diagnosis, _ = ANSWERS[first]
        await pilot.press(*wrong, "enter")
        await settle(pilot, app, lambda: app.screen.state == "feedback")
        feedback = text_of(app, "#feedback")
        assert "✗ Wrong" in feedback
        assert diagnosis in feedback
        assert "Again (automatic)" in feedback
        assert reviews(db) == [(first, 1, 0)]

        await pilot.press("2")  # override: Hard
        await settle(pilot, app, lambda: "Hard (your choice)" in text_of(app, "#feedback"))
        assert reviews(db) == [(first, 2, 0)]

        await pilot.press("enter")  # next problem
        await settle(pilot, app, lambda: app.problems_shown >= 2)
        second = app.screen.item.instance.template_id
        assert second != first
        await pilot.press(*ANSWERS[second][2], "enter")
        await settle(pilot, app, lambda: app.screen.state == "feedback")
        assert "✓ Right" in text_of(app, "#feedback")
        assert [r[0] for r in reviews(db)] == [first, second]

        await pilot.press("ctrl+z")  # undo the right answer
        await settle(pilot, app, lambda: len(reviews(db)) == 1 and app.screen.state == "answering")
        assert reviews(db) == [(first, 2, 0)]
        await pilot.press("ctrl+q")
    assert app.return_code == 0

    again = make_app(db, [bank], seed=2)
    async with again.run_test(size=(100, 32)) as pilot:
        await settle(pilot, again, lambda: "reviewed today 1" in text_of(again, "#status-line"))
        await pilot.press("escape")  # to Home
        await settle(pilot, again, lambda: "1 reviewed today" in text_of(again, "#next-due"))
    assert reviews(db) == [(first, 2, 0)]


@run_async
async def test_unreadable_answer_shows_position_and_is_not_a_review(tmp_path: Path, bank: Path) -> None:
    db = tmp_path / "progress.db"
    app = make_app(db, [bank])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        await pilot.press(*"2*(1-", "enter")
        await settle(pilot, app, lambda: app.screen.query_one("#echo").has_class("-error")
                     and app.screen.state == "answering")
        echo = text_of(app, "#echo")
        lines = echo.splitlines()
        assert lines[0].strip() == "2*(1-"
        assert "^" in lines[1]
        assert app.screen.query_one("#feedback").display is False
    assert reviews(db) == []


@run_async
async def test_live_echo_reads_unicode_and_powers(tmp_path: Path, bank: Path) -> None:
    app = make_app(tmp_path / "progress.db", [bank])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        await pilot.press(*"1/4")
        await settle(pilot, app)
        assert "read as" in text_of(app, "#echo")
        assert "1/4" in text_of(app, "#echo").replace(" ", "")


@run_async
async def test_broken_user_template_does_not_stop_the_app(tmp_path: Path, bank: Path) -> None:
    user = tmp_path / "user"
    user.mkdir()
    (user / "broken.yaml").write_text("id: broken-one\nequation: entropy\n  title: [unclosed\n")
    app = make_app(tmp_path / "progress.db", [bank, user])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        assert app.screen.item.instance.template_id in ANSWERS
        await pilot.press("escape", "b")
        await settle(pilot, app, lambda: app.screen.query_one("#bank-errors").display)
        errors = text_of(app, "#bank-errors")
        assert "broken.yaml:" in errors
        assert app.screen.query_one("#bank-table").row_count == 2


@run_async
async def test_quiz_leaves_the_schedule_unchanged(tmp_path: Path, bank: Path) -> None:
    db = tmp_path / "progress.db"
    app = make_app(db, [bank])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        await pilot.press(*ANSWERS[app.screen.item.instance.template_id][2], "enter")
        await settle(pilot, app, lambda: app.screen.state == "feedback")
        before = reviews(db)
        with sqlite3.connect(db) as conn:
            cards_before = conn.execute("SELECT * FROM cards ORDER BY template_id").fetchall()
        app.action_quiz()
        await settle(pilot, app, lambda: app.screen.query("#quiz-count"))
        app.screen.query_one("#quiz-count").value = "2"
        await pilot.click("#quiz-start")
        await settle(pilot, app, lambda: getattr(app.screen, "scheduled", True) is False
                     and app.screen.state == "answering")
        for _ in range(2):
            tid = app.screen.item.instance.template_id
            wrong = ANSWERS[tid][0]
            await pilot.press(*wrong, "enter")
            await settle(pilot, app, lambda: app.screen.state == "feedback")
            assert "quiz — not scheduled" in text_of(app, "#feedback")
            await pilot.press("enter")
            await settle(pilot, app, lambda: app.screen.state in ("answering", "empty"))
        assert app.screen.state == "empty"
        summary = text_of(app, "#empty-state")
        assert "Score 0/2" in summary
        assert "Mistakes" in summary
    assert reviews(db) == before
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT * FROM cards ORDER BY template_id").fetchall() == cards_before


def test_interval_text_reads_like_speech() -> None:
    from datetime import datetime, timedelta, timezone

    from trainer.ui.screens.review_screen import interval_text

    t0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
    assert interval_text(t0 + timedelta(minutes=10), t0) == "in 10 min"
    assert interval_text(t0 + timedelta(hours=5), t0) == "in 5 h"
    assert interval_text(t0 + timedelta(days=1), t0) == "in 1 day"
    assert interval_text(t0 + timedelta(days=3, hours=2), t0) == "in 3 days"
    assert interval_text(t0 + timedelta(days=90), t0) == "in 3 months"


def test_param_layout_aligns_matrix_columns() -> None:
    from trainer.ui.widgets.param_grid import value_lines

    assert value_lines([[1, -20], [300, 4]]) == ["⎡   1  -20 ⎤", "⎣ 300    4 ⎦"]
    assert value_lines([0.5, 0.25]) == ["[0.5  0.25]"]
    assert value_lines(3.0) == ["3"]


def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    import os
    import subprocess

    db = tmp_path / "notes.db"
    db.write_text("my notes, not a database\n")
    env = {**os.environ, "TRAINER_HOME": str(tmp_path / "home"), "TRAINER_EXIT_WHEN_READY": "1"}
    proc = subprocess.run([sys.executable, "-m", "trainer", "--db", str(db)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 1
    assert "not an SQLite database" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert db.read_text() == "my notes, not a database\n"


@run_async
async def test_matrix_answer_filled_in_the_grid_is_graded(tmp_path: Path) -> None:
    folder = tmp_path / "bank"
    write_bank(folder, matrix=True)
    for name in ("information/ui-entropy.yaml", "calculus/ui-sigmoid-slope.yaml"):
        (folder / name).unlink()
    app = make_app(tmp_path / "progress.db", [folder])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        await pilot.press("ctrl+g")
        await settle(pilot, app, lambda: bool(app.screen.query("#cell-0-0")))
        # Aᵀ of [[1, 2], [3, 4]] is [[1, 3], [2, 4]], typed cell by cell.
        await pilot.press("1", "tab", "3", "tab", "2", "tab", "4", "enter")
        await settle(pilot, app, lambda: getattr(app.screen, "state", "") == "answering")
        assert app.screen.query_one("#answer").value == "1 3; 2 4"
        await pilot.press("enter")
        await settle(pilot, app, lambda: app.screen.state == "feedback")
        assert "✓ Right" in text_of(app, "#feedback")


@run_async
async def test_nothing_due_says_when_the_next_review_is(tmp_path: Path, bank: Path) -> None:
    db = tmp_path / "progress.db"

    def review_everything(session):
        from trainer.core.grading.grader import answer_text

        while (item := session.next_item()) is not None:
            session.submit(item, answer_text(item.instance))

    app = make_app(db, [bank], before=review_everything)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.screen.state == "empty")
        assert "Nothing due — next review at" in text_of(app, "#empty-state")
    # Each template twice: a first sighting is Good at best (issue 13), so it takes the 10-minute
    # learning step (served at once by learn-ahead), then, seen before and answered at once, Easy.
    assert [r[1] for r in reviews(db)] == [3, 3, 4, 4]


@run_async
async def test_hint_caps_the_rating_at_hard_and_suspend_moves_on(tmp_path: Path, bank: Path) -> None:
    db = tmp_path / "progress.db"
    app = make_app(db, [bank])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        # New templates come in curriculum order: information (entropy, with a hint) before calculus.
        assert app.screen.item.instance.template_id == "ui-entropy"
        await pilot.press("ctrl+t")
        await settle(pilot, app, lambda: app.screen.query_one("#hint").display)
        assert "Sum −pᵢ ln pᵢ" in text_of(app, "#hint")
        await pilot.press(*ANSWERS["ui-entropy"][2], "enter")
        await settle(pilot, app, lambda: app.screen.state == "feedback")
        assert "✓ Right" in text_of(app, "#feedback")
        assert "Hard (after a hint)" in text_of(app, "#feedback")
        await pilot.press("enter")
        await settle(pilot, app, lambda: app.problems_shown >= 2)
        assert app.screen.item.instance.template_id == "ui-sigmoid-slope"
        assert "Hint" not in str(app.screen.active_bindings)  # this template has no hint
        await pilot.press("ctrl+s")
        await settle(pilot, app, lambda: app.problems_shown >= 3)
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT suspended FROM cards WHERE template_id = 'ui-sigmoid-slope'").fetchone() == (1,)
    assert reviews(db)[-1] == ("ui-entropy", 2, 1)
