"""The database file's failures say what happened: read-only, disk full, locked, damaged, not ours.

Real SQLite faults where SQLite can make them (a write on a `mode=ro` connection, `PRAGMA
max_page_count` for a full disk, a second connection holding the write lock); the operating system's
view (permissions, free space) through monkeypatching, because the tests run as root, for whom file
permissions do not apply. Files that are not trainer's are compared byte for byte (and by mtime)
before and after.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.support.fakes import Clock, fake_generate, fake_grade, make_bank
from tests.support.paths import DATA as FIXTURES
from trainer.core.scheduling import CardState, iso
from trainer.session import Session
from trainer.storage import (
    CannotOpenDatabaseError,
    CorruptDatabaseError,
    DatabaseLockedError,
    DiskFullError,
    NotADatabaseError,
    NotTrainerDatabaseError,
    ReadOnlyDatabaseError,
    ReviewRecord,
    Store,
    StoreError,
    check_file,
    list_backups,
)
from trainer.storage import store as store_module
from trainer.storage.errors import classify
from trainer.storage.schema import APPLICATION_ID, SCHEMA_VERSION

T0 = datetime(2025, 3, 10, 9, 0, tzinfo=timezone.utc)
TRNR = 0x74726E72  # b"trnr" read as a big-endian 32-bit integer


def add(store, tid, when, *, answer="x", uid=None):
    """Record one review with a hand-made card state (a long `answer` needs new pages)."""
    after = CardState(state="learning", step=1, stability=2.0, difficulty=5.0,
                      due=when + timedelta(minutes=10), last_review=when, reps=1)
    stored = store.card(tid)
    return store.record_review(ReviewRecord(
        uid=uid or f"{tid}-{iso(when)}", template_id=tid, equation="eq", topic="t", seed=1, params="{}",
        answer=answer, verdict=json.dumps({"correct": True}), correct=True, score=1.0, diagnosis_id=None, rating=3,
        auto_rating=3, decided="auto", hint_used=False, response_ms=1000, reviewed_at=when,
        day=when.date().isoformat(), card_before=stored.card if stored else CardState(), card_after=after))


def snapshot(path: Path) -> tuple[bytes, int, list[str]]:
    """Bytes, mtime and the sibling files of a database: all three must survive a refusal."""
    return path.read_bytes(), path.stat().st_mtime_ns, sorted(p.name for p in path.parent.iterdir())


def full_at_next_page(store: Store) -> None:
    """Make SQLite report SQLITE_FULL once the file would need one more page."""
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "progress.db"
    with Store.open(path) as st:
        add(st, "a", T0)
    return path


# --------------------------------------------------------------------- the sqlite code mapping
def sqlite_error(make) -> sqlite3.Error:
    with pytest.raises(sqlite3.Error) as info:
        make()
    return info.value


def test_each_sqlite_failure_maps_to_its_own_class(tmp_path, db):
    ro = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    readonly = sqlite_error(lambda: ro.execute("DELETE FROM settings"))
    ro.close()

    full = sqlite3.connect(tmp_path / "full.db")
    full.execute("CREATE TABLE t (x)")
    full.execute("PRAGMA max_page_count = 2")
    disk_full = sqlite_error(lambda: full.execute("INSERT INTO t VALUES (zeroblob(100000))"))
    full.close()

    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(db, timeout=0, isolation_level=None)
    locked = sqlite_error(lambda: waiter.execute("BEGIN IMMEDIATE"))
    holder.execute("ROLLBACK")
    holder.close()
    waiter.close()

    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"x" * 4096)
    not_db = sqlite_error(lambda: sqlite3.connect(notes).execute("SELECT * FROM sqlite_master").fetchall())
    cant_open = sqlite_error(lambda: sqlite3.connect(tmp_path / "missing" / "x.db"))

    cases = [(readonly, ReadOnlyDatabaseError, "read-only"), (disk_full, DiskFullError, "disk is full"),
             (locked, DatabaseLockedError, "locked"), (not_db, CorruptDatabaseError, "damaged"),
             (cant_open, CannotOpenDatabaseError, "cannot open")]
    advice = set()
    for exc, cls, words in cases:
        error = classify(exc, db, "save")
        assert type(error) is cls and isinstance(error, StoreError)
        assert words in str(error) and str(db) in str(error)
        advice.add(error.advice)
    assert len(advice) == len(cases)  # each cause has its own advice
    # Only damage sends the learner to a backup: following that advice replaces a good file.
    for exc, cls, _ in cases:
        assert ("trainer restore" in str(classify(exc, db))) == (cls is CorruptDatabaseError)


def test_message_fallback_without_result_code():
    class Old(sqlite3.OperationalError):  # what Python < 3.11 gives: text only
        sqlite_errorcode = None

    assert type(classify(Old("attempt to write a readonly database"), "x.db")) is ReadOnlyDatabaseError
    assert type(classify(Old("database or disk is full"), "x.db")) is DiskFullError
    assert type(classify(Old("database is locked"), "x.db")) is DatabaseLockedError


# --------------------------------------------------------------------- read-only and full databases
def test_read_only_folder_opens_for_reading(db, monkeypatch):
    """A non-root user in a read-only folder: os.access says no (root is simulated the same way)."""
    folder = str(db.parent)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if os.fspath(p) == folder else real_access(p, mode))
    before = db.read_bytes()
    with Store.open(db) as st:
        assert st.read_only and "folder" in st.read_only_reason and "read-only" in st.read_only_reason
        assert st.counts()["reviews"] == 1 and st.settings()["new_per_day"] == 10
        assert st.stats_rows("2025-01-01")["by_template"] == {"a": (1, 1, "2025-03-10")}
        with pytest.raises(ReadOnlyDatabaseError, match="cannot save") as info:
            add(st, "b", T0 + timedelta(minutes=1))
        assert "trainer restore" not in str(info.value) and info.value.retryable
        with pytest.raises(ReadOnlyDatabaseError):
            st.set_setting("new_per_day", 3)
    assert db.read_bytes() == before


def test_read_only_file_found_by_a_write_probe(db, monkeypatch):
    """What a read-only file (or mount) does to an open for writing, for root and non-root alike."""
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):
        if os.fspath(path) == os.fspath(db) and flags & os.O_RDWR:
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    with Store.open(db) as st:
        assert st.read_only and "file is read-only" in st.read_only_reason
        assert st.card("a").card.reps == 1
        with pytest.raises(ReadOnlyDatabaseError):
            st.bury("a", T0)


def test_read_only_request_uses_a_read_only_connection(db):
    with Store.open(db, read_only=True) as st:
        assert st.read_only
        with pytest.raises(sqlite3.OperationalError, match="readonly"):  # SQLite itself refuses
            st.conn.execute("DELETE FROM reviews")
    with Store.open(db) as st:
        assert st.counts()["reviews"] == 1


def test_full_disk_opens_for_reading_and_saves_once_space_is_freed(db, monkeypatch):
    usage = shutil.disk_usage(db.parent)
    free = {"bytes": 4096}
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage._replace(free=free["bytes"]))
    with Store.open(db) as st:
        assert st.read_only and "disk is full" in st.read_only_reason
        assert st.counts()["reviews"] == 1  # the trainer can start and read
        with pytest.raises(DiskFullError, match="disk is full") as info:
            add(st, "b", T0 + timedelta(minutes=1))
        assert "Free some disk space" in str(info.value) and "restore" not in str(info.value)
        free["bytes"] = 10 << 30
        add(st, "b", T0 + timedelta(minutes=1))  # the retry after the fault clears
        assert not st.read_only and st.counts()["reviews"] == 2
    with Store.open(db) as st:
        assert st.counts()["reviews"] == 2


def test_disk_full_during_a_write_loses_nothing_and_the_retry_saves_once(db):
    with Store.open(db) as st:
        full_at_next_page(st)
        with pytest.raises(DiskFullError):
            add(st, "b", T0 + timedelta(minutes=1), answer="y" * 20_000)
        assert st.counts() == {"cards": 1, "reviews": 1, "settings": 0}
        st.conn.execute("PRAGMA max_page_count = 1073741823")
        add(st, "b", T0 + timedelta(minutes=1), answer="y" * 20_000)
        assert st.counts()["reviews"] == 2 and st.integrity_check() == ["ok"]


def test_locked_database_is_its_own_error(db):
    with Store.open(db) as st:
        st.conn.execute("PRAGMA busy_timeout = 0")
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(DatabaseLockedError, match="locked") as info:
                add(st, "b", T0)
            assert info.value.retryable and "another program" in str(info.value).lower()
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        add(st, "b", T0)
        assert st.counts()["reviews"] == 2


def test_read_only_database_that_needs_an_upgrade_says_so(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "trainer-v1.db", path)
    before = path.read_bytes()
    monkeypatch.setattr(store_module, "unwritable",
                        lambda file: ReadOnlyDatabaseError(f"{file}: the file is read-only"))
    with pytest.raises(ReadOnlyDatabaseError, match="upgrade"):
        Store.open(path)
    assert path.read_bytes() == before


# --------------------------------------------------------------------- not ours
def sqlite_utils_file(path: Path, migration_set: str) -> None:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    other = Migrations(migration_set)

    @other()
    def m001_initial(db):  # the same step name as trainer's, in another program's set
        db["cards"].create({"id": int, "front": str})
        db["reviews"].create({"id": int, "card": int})

    db = Database(path)
    other.apply(db)
    db.close()


def view_and_user_version(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE VIEW answer AS SELECT 42 AS value")
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()


def other_application_id(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1598903374")  # 'MPBN', as another program would set
    conn.commit()
    conn.close()


def only_user_version(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("make", [
    pytest.param(lambda path: sqlite_utils_file(path, "flashcards"), id="sqlite-utils-other-set"),
    pytest.param(view_and_user_version, id="view-and-user-version"),
    pytest.param(other_application_id, id="other-application-id"),
    pytest.param(only_user_version, id="only-user-version"),
])
def test_other_programs_files_are_refused_and_never_modified(tmp_path, make):
    path = tmp_path / "theirs.db"
    make(path)
    before = snapshot(path)
    with pytest.raises(NotTrainerDatabaseError, match="not a trainer progress database") as info:
        Store.open(path)
    assert isinstance(info.value, NotADatabaseError) and "has not changed it" in str(info.value)
    with pytest.raises(NotTrainerDatabaseError):
        check_file(path)
    assert snapshot(path) == before


def test_new_files_and_old_trainer_files_get_the_application_id(tmp_path):
    assert APPLICATION_ID == TRNR
    fresh = tmp_path / "new.db"
    with Store.open(fresh):
        pass
    empty = tmp_path / "empty.db"
    empty.touch()  # a zero-byte file is an empty database: trainer may claim it
    with Store.open(empty):
        pass
    old = tmp_path / "v1.db"
    shutil.copy(FIXTURES / "trainer-v1.db", old)
    with Store.open(old) as st:
        assert st.schema_version == SCHEMA_VERSION and st.counts()["reviews"] == 4
    for path in (fresh, empty, old):
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA application_id").fetchone()[0] == TRNR
    # an up-to-date file from before the id existed is marked on its next open
    unmarked = tmp_path / "unmarked.db"
    with Store.open(unmarked) as st:
        add(st, "a", T0)
        st.conn.execute("PRAGMA application_id = 0")
    with Store.open(unmarked) as st:
        assert st.counts()["reviews"] == 1
    with sqlite3.connect(unmarked) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == TRNR


def test_unmarked_old_file_in_a_read_only_folder_still_opens(tmp_path, monkeypatch):
    """Marking the id is a write: when it fails the file is opened for reading, not refused."""
    path = tmp_path / "unmarked.db"
    with Store.open(path) as st:
        add(st, "a", T0)
        st.conn.execute("PRAGMA application_id = 0")
    monkeypatch.setattr(store_module, "unwritable",
                        lambda file: ReadOnlyDatabaseError(f"{file}: its folder is read-only"))
    with Store.open(path) as st:
        assert st.read_only and st.counts()["reviews"] == 1


# --------------------------------------------------------------------- the daily backup
def break_an_index(path: Path) -> None:
    """Damage that `quick_check` does not see: an index whose entries no longer match its table."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX cards_due ON cards (due, suspended)' "
                 "WHERE name = 'cards_due'")
    conn.commit()
    conn.close()


def test_daily_backup_refuses_a_copy_that_fails_the_full_check(tmp_path):
    path = tmp_path / "live.db"
    folder = tmp_path / "backups"
    with Store.open(path) as st:
        for i in range(3):
            add(st, f"t{i}", T0 + timedelta(minutes=i))
        st.auto_backup(folder, "2025-03-09", keep=1)
    break_an_index(path)
    with Store.open(path) as st:  # quick_check passes: the file opens
        assert st.integrity_check() != ["ok"]
        with pytest.raises(CorruptDatabaseError, match="earlier good backups are kept"):
            st.auto_backup(folder, "2025-03-10", keep=1)
    assert [p.name for p in folder.iterdir()] == ["trainer-2025-03-09.db"]  # kept, not pruned
    assert check_file(folder / "trainer-2025-03-09.db", full=True) == 3


def test_session_open_warns_instead_of_failing(tmp_path, monkeypatch):
    path = tmp_path / "live.db"
    with Store.open(path) as st:
        add(st, "a", T0)
    break_an_index(path)
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage._replace(free=0))
    session = Session.open(path, bank_paths=[], clock=lambda: T0, seed=0,
                           backups_dir=tmp_path / "backups")
    try:
        assert session.store.read_only
        assert any(n.startswith("Read only") and "disk is full" in n for n in session.notices)
        assert any("backup was not taken" in n and "integrity check" in n for n in session.notices)
        assert list_backups(tmp_path / "backups") == []
    finally:
        session.store.close()


# --------------------------------------------------------------------- the session keeps the answer
def test_failed_save_raises_a_typed_error_and_the_retry_records_exactly_one(tmp_path):
    store = Store.open(tmp_path / "s.db")
    clock = Clock()
    session = Session(make_bank([("p1", "bayes", "probability")]), store, clock=clock,
                      seed=0, generate=fake_generate, grade=fake_grade)
    item = session.next_item()
    clock.advance(seconds=20)
    typed = str(item.instance.answer.value) + " " * 20_000  # a long answer needs new pages
    full_at_next_page(store)
    with pytest.raises(DiskFullError) as info:
        session.submit(item, typed)
    assert info.value.retryable
    assert store.counts()["reviews"] == 0 and session.undo() is None
    store.conn.execute("PRAGMA max_page_count = 1073741823")
    outcome = session.submit(item, typed)
    assert outcome.recorded and outcome.rating == 3  # Good: right in 20 s with no history
    assert store.counts()["reviews"] == 1 and store.review(outcome.review_id)["answer"] == typed
    store.close()


def test_missing_folder_and_directory_paths_are_cannot_open(tmp_path):
    with pytest.raises(CannotOpenDatabaseError, match="is a folder"):
        Store.open(tmp_path)
    with pytest.raises(CannotOpenDatabaseError, match="no such file"):
        Store.open(tmp_path / "absent.db", read_only=True)
