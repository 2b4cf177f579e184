"""The progress commands end to end: where, config, stats, export/import, backup/restore, and bad files."""

import csv
import io
import json
import os
import shutil
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.core.scheduling import CardState
from trainer.storage import ReviewRecord, Store

T0 = datetime(2025, 3, 10, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TRAINER_DB", raising=False)
    return tmp_path / "home"


def seed_reviews(path, n=3, start=0):
    with Store.open(path) as store:
        for i in range(start, start + n):
            when = T0 + timedelta(minutes=i)

            stored = store.card("gone-template")
            store.record_review(ReviewRecord(
                uid=f"u{i}", template_id="gone-template", equation="e", topic="t", seed=i, params="{}", answer="1",
                verdict="{}", correct=True, score=1.0, diagnosis_id=None, rating=3, auto_rating=3, decided="auto",
                hint_used=False, response_ms=1500, reviewed_at=when, day="2025-03-10",
                card_before=stored.card if stored else CardState(),
                card_after=CardState(state="learning", step=0, stability=1.0, difficulty=5.0, due=when,
                                     last_review=when, reps=i + 1)))


def test_where_json_lists_every_path(home, capsys, tmp_path):
    assert main(["where", "--json"]) == 0
    paths = json.loads(capsys.readouterr().out)
    assert paths["database"] == str(home / "trainer.db")
    assert paths["backups_dir"] == str(home / "backups")
    assert paths["user_problems"] == str(home / "problems")
    assert paths["bank_index"] == str(home / "cache" / "bank-index.json")
    assert main(["--db", str(tmp_path / "x.db"), "where", "--json"]) == 0
    paths = json.loads(capsys.readouterr().out)
    assert paths["database"] == str(tmp_path / "x.db") and paths["database_source"] == "--db"


def test_config_show_and_set(home, capsys):
    assert main(["config", "desired_retention", "0.85"]) == 0
    assert main(["config", "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out[out.index("{"):])["desired_retention"] == 0.85
    assert main(["config", "new_per_day", "lots"]) == 2
    assert "new_per_day" in capsys.readouterr().err


def test_export_csv_and_json_then_import_idempotent(home, capsys, tmp_path):
    seed_reviews(home / "trainer.db")
    out_csv = tmp_path / "log.csv"
    assert main(["export", "--format", "csv", "-o", str(out_csv)]) == 0
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text())))
    assert [r["review_rating"] for r in rows] == ["3", "3", "3"]
    assert rows[0]["review_state"] == "0" and rows[1]["review_state"] == "1"
    assert rows[0]["review_duration"] == "1500"
    backup = tmp_path / "full.json"
    assert main(["export", "--format", "json", "-o", str(backup)]) == 0
    other = tmp_path / "other.db"
    assert main(["--db", str(other), "import", str(backup)]) == 0
    assert main(["--db", str(other), "import", str(backup)]) == 0
    out = capsys.readouterr().out
    assert "imported 3 reviews" in out and "imported 0 reviews (3 already present)" in out
    with Store.open(other) as store:
        assert store.counts()["reviews"] == 3


def test_import_rejects_non_backup(home, capsys, tmp_path):
    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    assert main(["import", str(junk)]) == 1
    assert "junk.json:1: not valid JSON" in capsys.readouterr().err


def test_backup_and_restore_need_confirmation(home, capsys, tmp_path):
    db = home / "trainer.db"
    seed_reviews(db, 2)
    snap = tmp_path / "snap.db"
    assert main(["backup", str(snap)]) == 0
    seed_reviews(db, 3, start=2)  # three more reviews
    assert main(["restore", str(snap)]) == 1
    assert "--yes" in capsys.readouterr().err
    with Store.open(db) as store:
        assert store.counts()["reviews"] == 5
    assert main(["restore", str(snap), "--yes"]) == 0
    with Store.open(db) as store:
        assert store.counts()["reviews"] == 2
    safety = list((home / "backups").glob("pre-restore-*.db"))
    assert len(safety) == 1
    with Store.open(safety[0]) as store:
        assert store.counts()["reviews"] == 5


def test_corrupt_database_gives_message_and_exit_code(home, capsys, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("hello")
    assert main(["--db", str(bad), "stats"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("trainer: ") and "not an SQLite database" in err and "Traceback" not in err
    assert bad.read_text() == "hello"
    assert main(["restore", str(bad), "--yes"]) == 1


def test_stats_json_reports_orphans(home, capsys):
    seed_reviews(home / "trainer.db")
    assert main(["stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["totals"]["reviews"] == 3
    assert [o["template_id"] for o in stats["orphaned"]] == ["gone-template"]
    assert main(["stats"]) == 0
    assert "Orphaned" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["where", "stats", "export", "import", "backup", "restore", "config"])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    assert len(capsys.readouterr().out) > 100


@pytest.fixture
def read_only_db(home, tmp_path, monkeypatch):
    """The home database with three reviews, seen as being in a read-only folder (the tests run as
    root, for whom permissions do not apply, so the operating system's answer is simulated)."""
    from trainer.storage import ReadOnlyDatabaseError
    from trainer.storage import store as store_module

    db = home / "trainer.db"
    seed_reviews(db)
    monkeypatch.setattr(store_module, "unwritable",
                        lambda file: ReadOnlyDatabaseError(f"{file}: its folder {file.parent} is read-only"))
    return db


def test_read_only_database_reads_and_refuses_writes_with_the_reason(read_only_db, capsys, tmp_path):
    before = read_only_db.read_bytes()
    assert main(["stats", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["totals"]["reviews"] == 3
    assert "reading only" in captured.err and "read-only" in captured.err
    out = tmp_path / "log.csv"
    assert main(["export", "--format", "csv", "-o", str(out)]) == 0
    assert len(out.read_text().splitlines()) == 4  # header + 3 reviews
    assert main(["config", "new_per_day", "5"]) == 1
    err = capsys.readouterr().err
    assert "cannot save" in err and "read-only" in err and "Traceback" not in err
    assert "restore" not in err  # a read-only file is not damaged
    assert main(["config", "new_per_day"]) == 0
    assert capsys.readouterr().out.strip() == "new_per_day = 10"  # the default: nothing was written
    assert read_only_db.read_bytes() == before


def test_full_disk_database_reads_and_says_why_writes_fail(home, capsys, monkeypatch):
    import shutil

    db = home / "trainer.db"
    seed_reviews(db)
    usage = shutil.disk_usage(home)
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage._replace(free=0))
    assert main(["stats"]) == 0
    assert "disk is full" in capsys.readouterr().err
    assert main(["config", "new_per_day", "5"]) == 1
    err = capsys.readouterr().err
    assert "disk is full" in err and "Free some disk space" in err and "Traceback" not in err


def test_another_programs_database_is_refused_and_untouched(home, capsys, tmp_path):
    import sqlite3

    theirs = tmp_path / "theirs.db"
    conn = sqlite3.connect(theirs)
    conn.execute("CREATE VIEW v AS SELECT 1")
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()
    before = (theirs.read_bytes(), theirs.stat().st_mtime_ns)
    for command in (["stats"], ["config", "new_per_day", "5"], ["backup", str(tmp_path / "copy.db")]):
        assert main(["--db", str(theirs), *command]) == 1
    err = capsys.readouterr().err
    assert "not a trainer progress database" in err and "Traceback" not in err
    assert (theirs.read_bytes(), theirs.stat().st_mtime_ns) == before
    assert not (tmp_path / "theirs.db-wal").exists() and not (tmp_path / "copy.db").exists()


NOBODY = 65534


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("setpriv") is None,
                    reason="needs root and setpriv to run a step as an unprivileged user")
def test_read_only_folder_for_a_real_unprivileged_user(tmp_path):
    """Without simulation: the database in a folder nobody may write, read by user `nobody`."""
    import subprocess
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="trainer-ro-"))
    try:
        base.chmod(0o755)
        data = base / "data"
        data.mkdir()
        db = data / "p.db"
        seed_reviews(db)  # closed cleanly: no -wal/-shm left, so reading must not need to create them
        os.chown(db, NOBODY, NOBODY)
        db.chmod(0o644)
        data.chmod(0o555)  # root-owned, read-only for everyone else
        before = db.read_bytes()
        script = ("import sys; from trainer.cli import main; "
                  f"sys.exit(10 * main(['--db', {str(db)!r}, 'stats', '--json']) + "
                  f"main(['--db', {str(db)!r}, 'config', 'new_per_day', '4']))")
        env = dict(os.environ, TRAINER_HOME=str(base / "home"), HOME=str(base))
        result = subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                                 sys.executable, "-c", script], capture_output=True, text=True, env=env,
                                cwd=Path(__file__).resolve().parents[2], timeout=120)
        assert result.returncode == 1, result.stderr  # stats 0, config 1
        assert json.loads(result.stdout)["totals"]["reviews"] == 3
        assert "folder" in result.stderr and "read-only" in result.stderr and "cannot save" in result.stderr
        assert "Traceback" not in result.stderr and "restore" not in result.stderr
        assert db.read_bytes() == before and sorted(p.name for p in data.iterdir()) == ["p.db"]
    finally:
        (base / "data").chmod(0o755)
        shutil.rmtree(base)
