"""The review screen's waits (grading, the next problem): drawn only when they last, and keys pressed
meanwhile change nothing that was graded.

Behaviour tests with Pilot over the real app, session, store and grader. The session thread is held
on a `threading.Event` so that "while it grades" is a state, not a moment; `WAIT_SHOWN_AFTER` is set
to a millisecond (a wait is drawn at once) or to an hour (never within a test), so nothing depends on timing.
H([0.5, 0.25, 0.25]) = 1.5 ln 2 = 1.0397 nats (hand calculation).
"""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.support.ui import ANSWERS, make_app, run_async, settle, write_bank
from trainer.ui.screens import review_screen
from trainer.ui.widgets.feedback_panel import FeedbackPanel


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    return write_bank(tmp_path / "bank")


def hold(session, name: str) -> threading.Event:
    """Make `session.<name>` wait on the session thread until the returned event is set."""
    release = threading.Event()
    method = getattr(session, name)

    def held(*args, **kwargs):
        release.wait(timeout=120)
        return method(*args, **kwargs)

    setattr(session, name, held)
    return release


def text(widget) -> str:
    return str(widget.render())


@asynccontextmanager
async def reviewing(tmp_path: Path, bank: Path, monkeypatch, wait_shown_after: float):
    """The app on its first problem, a wait drawn after `wait_shown_after` s: (app, pilot, screen,
    the right answer to type); quits at the end."""
    monkeypatch.setattr(review_screen, "WAIT_SHOWN_AFTER", wait_shown_after)
    app = make_app(tmp_path / "progress.db", [bank])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        screen = app.screen
        yield app, pilot, screen, ANSWERS[screen.item.instance.template_id][2]
        await pilot.press("ctrl+q")


@run_async
async def test_a_grade_is_not_drawn_as_a_wait_and_keys_meanwhile_do_not_change_the_answer(
        tmp_path: Path, bank: Path, monkeypatch) -> None:
    async with reviewing(tmp_path, bank, monkeypatch, 3600.0) as (app, pilot, screen, right):
        release = hold(app.runner.session, "submit")
        await pilot.press(*right, "enter")
        await settle(pilot, app, lambda: screen.state == "grading")
        answer = screen.query_one("#answer", Input)
        # Nothing on screen changed for the wait: the input is as it was, with its focus.
        assert not answer.disabled and answer.has_focus
        assert not screen.query_one("#empty-state").display
        await pilot.press("9", "enter")  # typed while it grades: neither graded nor kept
        release.set()
        await settle(pilot, app, lambda: screen.state == "feedback")
        assert answer.value == right
        shown = text(screen.query_one(FeedbackPanel))
        assert f"you wrote  {right}" in shown and "✓ Right" in shown


@run_async
async def test_a_wait_that_lasts_is_drawn(tmp_path: Path, bank: Path, monkeypatch) -> None:
    async with reviewing(tmp_path, bank, monkeypatch, 0.001) as (app, pilot, screen, right):
        release = hold(app.runner.session, "submit")
        await pilot.press(*right, "enter")
        answer = screen.query_one("#answer", Input)
        await settle(pilot, app, lambda: answer.disabled)  # the input takes no keys while it grades
        assert screen.state == "grading"
        release.set()
        await settle(pilot, app, lambda: screen.state == "feedback")

        release = hold(app.runner.session, "next_item")
        await pilot.press("enter")
        empty = screen.query_one("#empty-state")
        await settle(pilot, app, lambda: empty.display and "Loading problems" in text(empty))
        assert not screen.query_one(FeedbackPanel).display
        release.set()
        await settle(pilot, app, lambda: screen.state in ("answering", "empty"))
        assert not empty.display or screen.state == "empty"


@run_async
async def test_the_feedback_stays_while_the_next_problem_loads_and_takes_no_rating(
        tmp_path: Path, bank: Path, monkeypatch) -> None:
    async with reviewing(tmp_path, bank, monkeypatch, 3600.0) as (app, pilot, screen, right):
        await pilot.press(*right, "enter")
        await settle(pilot, app, lambda: screen.state == "feedback")
        outcome = screen.outcome
        assert outcome.rating == 3  # right, without a hint: Good

        release = hold(app.runner.session, "next_item")
        await pilot.press("enter")
        await settle(pilot, app, lambda: screen.state == "loading")
        panel = screen.query_one(FeedbackPanel)
        assert panel.display and not screen.query_one("#empty-state").display
        await pilot.press("1")  # "Again" while loading: not a rating of the answered problem
        release.set()
        await settle(pilot, app, lambda: screen.state in ("answering", "empty"))
        assert screen.outcome is None and outcome.rating == 3
        ratings = app.runner.session.store.conn.execute("SELECT rating FROM review_log").fetchall()
        assert [r[0] for r in ratings] == [3]


@run_async
async def test_the_input_is_dimmed_after_the_verdict_and_editable_again_for_the_next_problem(
        tmp_path: Path, bank: Path, monkeypatch) -> None:
    async with reviewing(tmp_path, bank, monkeypatch, 3600.0) as (app, pilot, screen, right):
        answer = screen.query_one("#answer", Input)
        await pilot.press(*right, "enter")
        # Disabled just after the verdict's frame (not in it): the panel holds the focus throughout.
        await settle(pilot, app, lambda: screen.state == "feedback" and answer.disabled)
        assert screen.query_one(FeedbackPanel).has_focus
        await pilot.press("enter")
        await settle(pilot, app, lambda: screen.state == "answering" and answer.has_focus)
        assert not answer.disabled
        # A verdict followed at once by the next problem: the late dimming reads the state it finds.
        screen._set_state("feedback")
        screen._set_state("answering")
        await pilot.pause()
        await pilot.pause()
        assert not answer.disabled


@run_async
async def test_the_verdict_is_scrolled_into_view_once_the_panel_is_laid_out(tmp_path: Path, bank: Path) -> None:
    """On a small terminal the verdict sits below the problem. The scroll to it waits for the layout
    that places the panel, however many refreshes that takes (under load, after-refresh callbacks
    could run before it, and the verdict stayed out of sight)."""
    app = make_app(tmp_path / "progress.db", [bank])
    async with app.run_test(size=(60, 16)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        screen = app.screen
        await pilot.press(*ANSWERS[screen.item.instance.template_id][2], "enter")
        await settle(pilot, app, lambda: screen.state == "feedback")
        panel, body = screen.query_one(FeedbackPanel), screen.query_one("#review-body")

        def top_in_view() -> bool:
            return body.scroll_y > 0 and body.region.y <= panel.region.y < body.region.y + 3

        await settle(pilot, app, top_in_view)  # scrolled: the panel's top at the top of the view
        # Again, asked while the panel has no place on the screen yet: it scrolls once it has one.
        panel.display = False
        body.scroll_home(animate=False)
        await pilot.pause()
        assert not panel.region and body.scroll_y == 0
        screen._scroll_to_panel()
        panel.display = True
        await settle(pilot, app, top_in_view)
        await pilot.press("ctrl+q")


@run_async
async def test_the_verdict_and_the_next_problem_are_laid_out_in_the_first_frame_after_them(
        tmp_path: Path, bank: Path, monkeypatch) -> None:
    """The handlers that show a verdict or a new problem leave the screen itself with a layout to do.

    Each widget whose size changed asks for a layout only when its own queue next runs dry, which
    is after the handler; a frame drawn before the last of them showed the old layout, and the
    verdict came one frame (and one full render) later. Read as each handler returns, before any
    widget has run: the screen's next frame lays out whatever arrives first."""
    pending: list[tuple[str, bool]] = []
    for name in ("on_answer_graded", "on_item_loaded"):
        handler = getattr(review_screen.ReviewScreen, name)

        def recorded(screen, message, handler=handler, name=name):
            handler(screen, message)
            pending.append((name, screen._layout_required))

        monkeypatch.setattr(review_screen.ReviewScreen, name, recorded)
    async with reviewing(tmp_path, bank, monkeypatch, 3600.0) as (app, pilot, screen, right):
        pending.clear()  # the first problem's own load
        await pilot.press(*right, "enter")
        await settle(pilot, app, lambda: screen.state == "feedback")
        await pilot.press("enter")
        await settle(pilot, app, lambda: screen.state == "answering" and app.problems_shown >= 2)
    assert pending == [("on_answer_graded", True), ("on_item_loaded", True)]
