"""The database file is self-contained: after a clean close (session, every CLI command, TUI quit)
copying `trainer.db` alone — without its `-wal` — carries every review.

The copy is read with plain sqlite3 in a fresh folder, so nothing of the original's log can help.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from tests.support.fakes import Clock, fake_generate, fake_grade, make_bank
from tests.support.ui import ANSWERS, make_app, run_async, settle, write_bank
from trainer.cli import main
from trainer.session import Session
from trainer.storage import Store


def copy_db_alone(db: Path, folder: Path) -> Path:
    folder.mkdir()
    target = folder / db.name
    shutil.copyfile(db, target)  # only the .db: no -wal, no -shm
    return target


def review_uids(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT uid FROM review_log ORDER BY id")]
    finally:
        conn.close()


def test_a_closed_session_leaves_every_review_in_the_db_file(tmp_path):
    db = tmp_path / "data" / "trainer.db"
    db.parent.mkdir()
    clock = Clock()
    session = Session(make_bank([("p1", "bayes", "probability"), ("p2", "variance", "probability")]),
                      Store.open(db), clock=clock, seed=3, generate=fake_generate, grade=fake_grade)
    for _ in range(3):
        item = session.next_item()
        clock.advance(seconds=20)
        assert session.submit(item, str(item.instance.answer.value)).recorded
    written = review_uids(db)  # read through the live log while the session is open
    session.close()
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    copy = copy_db_alone(db, tmp_path / "elsewhere")
    assert len(written) == 3 and review_uids(copy) == written


def test_a_cli_command_that_writes_leaves_the_db_file_complete(tmp_path, capsys):
    source = tmp_path / "source.db"
    clock = Clock()
    with Store.open(source) as store:
        session = Session(make_bank([("p1", "bayes", "probability")]), store, clock=clock, seed=1,
                          generate=fake_generate, grade=fake_grade)
        item = session.next_item()
        session.submit(item, str(item.instance.answer.value))
    backup = tmp_path / "backup.json"
    assert main(["--db", str(source), "export", "--format", "json", "-o", str(backup)]) == 0
    uid = json.loads(backup.read_text())["reviews"][0]["uid"]

    db = tmp_path / "data" / "trainer.db"
    assert main(["--db", str(db), "import", str(backup)]) == 0
    assert main(["--db", str(db), "config", "new_per_day", "7"]) == 0
    copy = copy_db_alone(db, tmp_path / "elsewhere")
    assert review_uids(copy) == [uid]
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT value FROM settings WHERE key = 'new_per_day'").fetchone()[0] == "7"
    conn.close()


@run_async
async def test_quitting_the_tui_leaves_the_reviews_in_the_db_file(tmp_path: Path) -> None:
    bank = write_bank(tmp_path / "bank")
    db = tmp_path / "data" / "progress.db"
    app = make_app(db, [bank])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        first = app.screen.item.instance.template_id
        await pilot.press(*ANSWERS[first][2], "enter")
        await settle(pilot, app, lambda: app.screen.state == "feedback")
        await pilot.press("ctrl+q")
    copy = copy_db_alone(db, tmp_path / "elsewhere")
    conn = sqlite3.connect(copy)
    assert [tuple(r) for r in conn.execute("SELECT template_id, correct FROM review_log")] == [(first, 1)]
    conn.close()
