"""Study controls in the TUI (issue 13): `trainer --topic` and Home → `s` study one part of the bank
with the normal schedule; the status line names the scope; the empty state sums up today.

The real app, session, store and grader, driven by Pilot over the tiny bank of tests/support/ui.py:
one information template (ui-entropy, first in curriculum order) and one calculus template
(ui-sigmoid-slope), so a calculus-only study is told apart from the normal order by its first problem.
"""

from __future__ import annotations

import sqlite3
from datetime import timezone
from pathlib import Path

import pytest

from tests.support.ui import ANSWERS, make_app, run_async, settle, write_bank


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    return write_bank(tmp_path / "bank")


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def reviewed(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT template_id FROM review_log")}


async def answer_until_empty(pilot, app, expected_id: str) -> int:
    """Answer every problem served right until nothing is left; each must be `expected_id`."""
    served = 0
    while app.screen.state != "empty":
        assert app.screen.item.instance.template_id == expected_id
        served += 1
        assert served <= 4, "the study scope kept serving"
        await pilot.press(*ANSWERS[expected_id][2], "enter")
        await settle(pilot, app, lambda: app.screen.state == "feedback")
        shown = app.problems_shown
        await pilot.press("enter")
        await settle(pilot, app, lambda: app.problems_shown > shown or app.screen.state == "empty")
    return served


@run_async
async def test_trainer_topic_serves_only_that_topic(tmp_path: Path, bank: Path) -> None:
    from trainer.cli import build_parser
    from trainer.cli.tui import session_factory, study_filter
    from trainer.ui.app import TrainerApp

    db = tmp_path / "progress.db"
    args = build_parser().parse_args(["--db", str(db), "--topic", "calculus"])
    app = TrainerApp(session_factory(db, [bank], 1, study_filter(args)), tz=timezone.utc)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        await settle(pilot, app, lambda: "studying topic calculus" in text_of(app, "#status-line"))
        served = await answer_until_empty(pilot, app, "ui-sigmoid-slope")
        assert served >= 1
        empty = text_of(app, "#empty-state")
        assert "Studying topic calculus" in empty
        assert f"Today: {served} review" in empty and "100% right" in empty
    assert reviewed(db) == {"ui-sigmoid-slope"}  # entropy, first in curriculum order, never served


def test_unknown_topic_is_a_usage_error_listing_the_known(tmp_path: Path, bank: Path) -> None:
    from trainer.cli import UserError, build_parser
    from trainer.cli.tui import session_factory, study_filter

    args = build_parser().parse_args(["tui", "--topic", "calculsu"])
    with pytest.raises(UserError) as exc:
        session_factory(tmp_path / "p.db", [bank], 1, study_filter(args))()
    assert exc.value.code == 2
    assert str(exc.value) == "unknown topic 'calculsu' (known topics: calculus, information)"


@run_async
async def test_home_study_modal_picks_a_topic(tmp_path: Path, bank: Path) -> None:
    from textual.widgets import SelectionList

    db = tmp_path / "progress.db"
    app = make_app(db, [bank])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        assert app.screen.item.instance.template_id == "ui-entropy"  # the whole bank, curriculum order
        await pilot.press("escape")
        await settle(pilot, app, lambda: type(app.screen).__name__ == "HomeScreen")
        await pilot.press("s")
        await settle(pilot, app, lambda: type(app.screen).__name__ == "StudyScopeModal"
                     and app.screen.query_one(SelectionList).option_count > 0)
        scope = app.screen.query_one(SelectionList)
        assert scope.get_option_at_index(0).value == "topic:calculus"
        scope.highlighted = 0
        await pilot.press("space")
        await settle(pilot, app, lambda: scope.selected == ["topic:calculus"])
        await pilot.click("#study-start")
        await settle(pilot, app, lambda: type(app.screen).__name__ == "ReviewScreen" and app.problems_shown >= 2)
        assert app.screen.item.instance.template_id == "ui-sigmoid-slope"
        await settle(pilot, app, lambda: "studying topic calculus" in text_of(app, "#status-line"))
        await answer_until_empty(pilot, app, "ui-sigmoid-slope")
        await pilot.press("escape")
        await settle(pilot, app, lambda: "studying topic calculus" in text_of(app, "#next-due"))
    assert reviewed(db) == {"ui-sigmoid-slope"}
