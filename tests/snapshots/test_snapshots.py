"""Snapshot tests of the TUI's screens at 100×32 (pytest-textual-snapshot; textual pinned in
pyproject so the SVGs are stable).

Deterministic: a fixed UTC clock, a seeded session, a temporary database and the small test bank of
`ui_support` (so adding templates to the bundled bank does not churn these snapshots).
Update after a deliberate change with `pytest tests/test_snapshots.py --snapshot-update`, then look
at the SVGs.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.support.ui import ANSWERS, NOW, make_app, settle, write_bank  # noqa: E402

SIZE = (100, 32)


@pytest.fixture
def app_factory(tmp_path: Path, monkeypatch):
    from textual.widgets import Input

    # Freeze the cursor blink (as harlequin's functional tests do): the cursor stays drawn, so a
    # screenshot never depends on which half of a blink it lands in.
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    bank = write_bank(tmp_path / "bank", matrix=True)

    def build(history: bool = False):
        now = [NOW]

        def before(session):
            if not history:
                return
            from trainer.core.grading.grader import answer_text

            # Three weeks of practice before today: right on most days, a known slip every third.
            for days_ago in range(21, 0, -1):
                now[0] = NOW - timedelta(days=days_ago, hours=1)
                item = session.next_item()
                if item is None:
                    continue
                instance = item.instance
                mistake = instance.mistakes[0] if days_ago % 3 == 0 else None
                session.submit(item, answer_text(instance, mistake))
            now[0] = NOW

        return make_app(tmp_path / "progress.db", [bank], clock=lambda: now[0], before=before)

    return build


def shows(app, selector: str, text: str) -> bool:
    """The widget is on the current screen and its rendering contains `text`."""
    found = app.screen.query(selector)
    return bool(found) and text in str(found.first().render())


async def ready(pilot) -> None:
    app = pilot.app
    await settle(pilot, app, lambda: app.problems_shown >= 1 or getattr(app.screen, "state", "") == "empty")
    # Once a problem is shown the app compiles the rest of the bank on the session thread; while that
    # runs, a table's idle-time column measurement may lag behind a screenshot.
    await settle(pilot, app, lambda: not any(w.group == "warm-up" and w.is_running for w in app.workers))


def test_review(snap_compare, app_factory):
    assert snap_compare(app_factory(), terminal_size=SIZE, run_before=ready)


def test_feedback_wrong(snap_compare, app_factory):
    async def answer_wrong(pilot):
        await ready(pilot)
        app = pilot.app
        await pilot.press(*ANSWERS[app.screen.item.instance.template_id][0], "enter")
        await settle(pilot, app, lambda: app.screen.state == "feedback")

    assert snap_compare(app_factory(), terminal_size=SIZE, run_before=answer_wrong)


def test_feedback_right(snap_compare, app_factory):
    async def answer_right(pilot):
        await ready(pilot)
        app = pilot.app
        await pilot.press(*ANSWERS[app.screen.item.instance.template_id][2], "enter")
        await settle(pilot, app, lambda: app.screen.state == "feedback")

    assert snap_compare(app_factory(), terminal_size=SIZE, run_before=answer_right)


def test_home(snap_compare, app_factory):
    async def home(pilot):
        await ready(pilot)
        await pilot.press("escape")
        await settle(pilot, pilot.app, lambda: shows(pilot.app, "#next-due", "reviewed today"))

    assert snap_compare(app_factory(history=True), terminal_size=SIZE, run_before=home)


def test_progress(snap_compare, app_factory):
    async def progress(pilot):
        await ready(pilot)
        await pilot.app.action_progress()
        app = pilot.app
        await settle(pilot, app, lambda: shows(app, "#heatmap-numbers", "reviews on"))
        # DataTable sizes its columns on a later refresh: wait until it has.
        await settle(pilot, app, lambda: app.screen.query_one("#equations-table").row_count == 3
                     and app.screen.charts_drawn > 0)

    assert snap_compare(app_factory(history=True), terminal_size=SIZE, run_before=progress)


def test_bank(snap_compare, app_factory):
    async def bank(pilot):
        await ready(pilot)
        await pilot.press("escape", "b")
        app = pilot.app
        await settle(pilot, app, lambda: bool(app.screen.query("#bank-table"))
                     and app.screen.query_one("#bank-table").row_count == 3
                     and app.screen.query_one("#bank-table").columns["id"].content_width >= len("ui-sigmoid-slope"))
        await pilot.press("tab")
        await settle(pilot, app, lambda: "seed 1" in str(app.screen.query_one("#bank-preview").border_title))

    assert snap_compare(app_factory(), terminal_size=SIZE, run_before=bank)


def test_help(snap_compare, app_factory):
    async def help_screen(pilot):
        await ready(pilot)
        await pilot.press("f1")
        await settle(pilot, pilot.app)

    assert snap_compare(app_factory(), terminal_size=SIZE, run_before=help_screen)
