"""The TUI when the progress database cannot be written: a failed save keeps the answer, the focus and
the reason on screen, Enter retries; a read-only database is announced when the app starts.

Behaviour tests with Pilot over the real app, session, store and grader. The fault is SQLite's own:
`PRAGMA query_only` makes every write on the session's connection fail with SQLITE_READONLY, and
turning it off is the fault clearing. H([0.5, 0.25, 0.25]) = 1.5 ln 2 = 1.0397 nats (hand calculation).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.support.ui import ANSWERS, make_app, run_async, settle, write_bank
from trainer.storage import Store
from trainer.storage import store as store_module
from trainer.storage.errors import ReadOnlyDatabaseError


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    return write_bank(tmp_path / "bank")


def review_count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM reviews").fetchone()[0]


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def set_fault(app, on: bool) -> None:
    # The session thread is idle between calls; the connection is shared with it on purpose.
    app.runner.session.store.conn.execute(f"PRAGMA query_only = {'ON' if on else 'OFF'}")


@run_async
async def test_failed_save_keeps_answer_and_focus_and_enter_retries(tmp_path: Path, bank: Path) -> None:
    db = tmp_path / "progress.db"
    app = make_app(db, [bank])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        template = app.screen.item.instance.template_id
        right = ANSWERS[template][2]
        set_fault(app, True)
        await pilot.press(*right, "enter")
        await settle(pilot, app, lambda: any("read-only" in m for m in messages(app)))
        shown = next(m for m in messages(app) if "read-only" in m)
        assert "could not grade" not in shown and "press Enter to try again" in shown
        assert "trainer restore" not in shown  # a read-only file is not damaged
        await settle(pilot, app, lambda: app.screen.state == "answering")
        answer = app.screen.query_one("#answer", Input)
        assert answer.value == right and answer.has_focus and not answer.disabled
        assert review_count(db) == 0

        set_fault(app, False)
        await pilot.press("enter")  # the retry
        await settle(pilot, app, lambda: app.screen.state == "feedback")
        assert review_count(db) == 1
        await pilot.press("ctrl+q")
    assert review_count(db) == 1


@run_async
async def test_read_only_database_is_announced_at_start(tmp_path: Path, bank: Path, monkeypatch) -> None:
    db = tmp_path / "progress.db"
    Store.open(db).close()
    monkeypatch.setattr(store_module, "unwritable",
                        lambda file: ReadOnlyDatabaseError(f"{file}: its folder {file.parent} is read-only"))
    app = make_app(db, [bank])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1 and messages(app))
        assert any(m.startswith("Read only") and "folder" in m for m in messages(app))
        await pilot.press("ctrl+q")
