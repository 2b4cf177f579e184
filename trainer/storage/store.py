"""The progress store: one SQLite file holding cards, reviews and settings, written one review at a time.

Storage layer. Opens a path (or `:memory:`) through sqlite-utils, refuses a file that is not a
healthy trainer database without touching it, opens a file it cannot write (read-only file, folder
or mount; full disk) for reading, applies migrations, and runs every write in a `BEGIN IMMEDIATE`
transaction on a WAL database with `synchronous=FULL`, so an acknowledged review survives a crash
and a second trainer on the same file waits (busy timeout) instead of failing. Failures are raised
as the classes of `trainer.storage.errors` (re-exported here). It never decides where the file
lives and never reads the clock: times come in as arguments.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO


from trainer.core.scheduling import (
    DEFAULT_SETTINGS,
    STATE_CODES,
    CardState,
    iso,
    parse_time,
    validate_setting,
)
from trainer.storage.errors import (
    SQLITE_BUSY,
    SQLITE_CANTOPEN,
    SQLITE_CORRUPT,
    SQLITE_FULL,
    SQLITE_IOERR,
    SQLITE_LOCKED,
    SQLITE_NOTADB,
    SQLITE_READONLY,
    CannotOpenDatabaseError,
    ConflictError,
    CorruptDatabaseError,
    DiskFullError,
    NewerSchemaError,
    NotADatabaseError,
    NotTrainerDatabaseError,
    ReadOnlyDatabaseError,
    StoreError,
    classify,
    result_code,
)
from trainer.storage.codec import (
    before_values,
    card_before,
    day_number,
    day_text,
    from_us,
    pack_flags,
    pack_text,
    store_before,
    time_us,
    uid_key,
    uid_text,
    unpack_text,
)
from trainer.storage.records import CardRecord, ImplicitRecord, ReviewRecord
from trainer.storage.schema import (APPLICATION_ID, KNOWN, SCHEMA_VERSION, applied_names, identify, migrations,
                                    REVIEW_STORED_COLUMNS, prune_states)
from trainer.storage.schema import write_implicit_v8 as write_implicit

BUSY_TIMEOUT_S = 5.0
SQLITE_HEADER = b"SQLite format 3\x00"
BACKUP_FORMAT = "trainer-backup"
BACKUP_PREFIX = "trainer-"
#: The `settings` row holding the placement record (not a user setting: `settings()` leaves it out).
PLACEMENT_KEY = "placement"

_CARD_COLUMNS = ("template_id", "card_id", "equation", "topic", "state", "step", "stability", "difficulty",
                 "due", "last_review", "reps", "lapses", "leech", "suspended", "buried_until")
#: The fields of a review as the store hands it out and as a JSON backup carries it (schema version 1's
#: columns); the table itself stores them compactly (see `_review_values` and docs/data.md).
_REVIEW_FIELDS = ("uid", "template_id", "seed", "params", "answer", "verdict", "correct", "score",
                  "diagnosis_id", "rating", "auto_rating", "decided", "hint_used", "response_ms",
                  "reviewed_at", "day", "review_state", "state_before", "state_after", "topic")
_STORED_COLUMNS = REVIEW_STORED_COLUMNS
_INSERT_REVIEW = (f"INSERT INTO reviews ({', '.join(_STORED_COLUMNS)}) "
                  f"VALUES ({', '.join('?' for _ in _STORED_COLUMNS)})")
#: Days before the card's previous latest review from which a commit looks for states to prune.
_PRUNE_SLACK_DAYS = 3
#: How many of the latest reviews `correct_times_among` reads before it falls back on the index.
RECENT_WINDOW = 5000
#: A review row joined with its card, topic and diagnosis: what `_review_dict` reads.
_SELECT_REVIEW = ("SELECT r.*, c.template_id, t.name AS topic, d.diagnosis_id, d.message FROM reviews r "
                  "JOIN cards c ON c.card_id = r.card_id LEFT JOIN topics t ON t.id = r.topic_id "
                  "LEFT JOIN diagnoses d ON d.id = r.diagnosis")
#: Columns of `implicit_reviews` a backup carries (its cause by uid: row ids differ between files).
_IMPLICIT_COLUMNS = ("uid", "cause_uid", "cause_template", "template_id", "kind", "weight", "reviewed_at",
                     "state_before", "state_after")




def _card_from_row(row: sqlite3.Row | dict) -> CardRecord:
    return CardRecord(
        template_id=row["template_id"],
        card_id=row["card_id"],
        equation=row["equation"],
        topic=row["topic"],
        card=CardState(state=row["state"], step=row["step"], stability=row["stability"],
                       difficulty=row["difficulty"], due=parse_time(row["due"]),
                       last_review=parse_time(row["last_review"]), reps=row["reps"], lapses=row["lapses"],
                       leech=bool(row["leech"])),
        suspended=bool(row["suspended"]),
        buried_until=parse_time(row["buried_until"]),
    )


def _card_values(card: CardState) -> dict[str, Any]:
    return {"state": card.state, "step": card.step, "stability": card.stability,
            "difficulty": card.difficulty, "due": iso(card.due), "last_review": iso(card.last_review),
            "reps": card.reps, "lapses": card.lapses, "leech": int(card.leech)}


def _update_card(conn: sqlite3.Connection, template_id: str, card: CardState, *also: str, **params: Any) -> None:
    """Write a card's schedule columns; `also` adds `column = expression` clauses bound to `params`."""
    values = _card_values(card)
    sets = ", ".join([f"{column} = :{column}" for column in values] + list(also))
    conn.execute(f"UPDATE cards SET {sets} WHERE template_id = :template_id",
                 dict(values, template_id=template_id, **params))


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise CannotOpenDatabaseError(f"{path}: cannot read the progress database ({exc.strerror or exc})") from None
    if head and head != SQLITE_HEADER:
        raise NotADatabaseError(f"{path}: not an SQLite database (left untouched); "
                                "point --db or TRAINER_DB at a trainer database or a new file")


#: Below this much free space the database is opened for reading: a review's WAL frames, the
#: checkpoint and the daily backup all need room, and a write that fails half way helps no one.
MIN_FREE_BYTES = 1 << 20

#: The SQLite result codes that say something about the file or the disk (the rest, e.g. a
#: constraint violation, are a caller's bug and keep their own type).
_STORAGE_CODES = {SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL,
                  SQLITE_CANTOPEN, SQLITE_NOTADB}


def unwritable(file: Path) -> StoreError | None:
    """Why an existing database file cannot be written, found without writing to it.

    Checks, in order, that the file opens for writing (an `open(O_RDWR)` probe: unlike `os.access`
    it also catches read-only mounts and immutable files for root), that its folder takes new files
    (the write-ahead log and its index live beside it), and that the disk has `MIN_FREE_BYTES` free.

    Args:
        file: the database file (it exists).

    Returns:
        A ReadOnlyDatabaseError or DiskFullError (not raised) saying why, or None when writable.
    """
    try:
        os.close(os.open(file, os.O_RDWR))
    except OSError as exc:
        return ReadOnlyDatabaseError(f"{file}: the file is read-only ({exc.strerror or exc})")
    folder = file.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return ReadOnlyDatabaseError(f"{file}: its folder {folder} is read-only (SQLite keeps its "
                                     "write-ahead log beside the file)")
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return None
    if free < MIN_FREE_BYTES:
        return DiskFullError(f"{file}: the disk is full ({free // 1024} KiB free)")
    return None


def _connect_read_only(file: Path) -> sqlite3.Connection:
    """A read-only connection; `immutable=1` when even reading needs a file SQLite cannot create.

    A WAL database read without its `-shm` index needs to create one; in a read-only folder or on a
    full disk it cannot, so the file is then read as immutable (no locks, no index). Nobody can be
    writing it in that case: a writer would need the same index.
    """
    uri = file.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                           check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.Error as exc:
        conn.close()
        if result_code(exc) not in (SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL):
            raise
    return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None,
                           check_same_thread=False)


class Store:
    """The progress database. Use `Store.open(path)`; close it with `close()` or a `with` block.

    Attributes:
        path: the file (None for `:memory:`).
        read_only: True when the store was opened for reading only.
        read_only_reason: why ("…: the disk is full", "…: the file is read-only"), or None.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None, *,
                 unwritable: StoreError | None = None):
        self.conn = conn
        self.conn.row_factory = sqlite3.Row
        self.path = path
        self._db = None
        self._closed = False
        self._unwritable = unwritable
        self._migrate_on_reopen = True
        self._may_regain = True  # False when reading only was asked for, not found

    @property
    def read_only(self) -> bool:
        """True when writes are refused (see `read_only_reason`)."""
        return self._unwritable is not None

    @property
    def read_only_reason(self) -> str | None:
        """Why the store is read-only (the file, its folder or the disk), or None when writable."""
        return None if self._unwritable is None else self._unwritable.reason

    @property
    def db(self):
        """The sqlite-utils view of the connection (imported on first use: migrations, ad-hoc tables)."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn, execute_plugins=False)
        return self._db

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | os.PathLike = ":memory:", *, migrate: bool = True,
             read_only: bool = False) -> Store:
        """Open (creating if absent) a progress database and bring its schema up to date.

        A file that cannot be written (read-only file, folder or mount; a full disk) is opened for
        reading: `read_only` is then True, `read_only_reason` says why, and every write raises
        ReadOnlyDatabaseError or DiskFullError before touching the file.

        Args:
            path: a file path, or ":memory:" for a throwaway database (tests).
            migrate: apply pending migrations (False only for inspecting old fixtures).
            read_only: open for reading only even if the file could be written.

        Returns:
            An open Store.

        Raises:
            NotADatabaseError: the file is not SQLite.
            NotTrainerDatabaseError: an SQLite database of another program (left untouched).
            CorruptDatabaseError: `PRAGMA quick_check` fails.
            NewerSchemaError: the file has migrations this version does not know.
            ReadOnlyDatabaseError, DiskFullError: the file needs an upgrade (or creating) and cannot be written.
            DatabaseLockedError: another program holds the file locked past the busy timeout.
            StoreError: the file or its folder cannot be created or read.
        """
        memory = str(path) == ":memory:"
        file = None if memory else Path(path)
        blocked: StoreError | None = None
        if file is not None:
            if file.is_dir():
                raise CannotOpenDatabaseError(f"{file}: is a folder, not a database file",
                                              "Point --db or TRAINER_DB at a file.")
            if file.exists():
                _check_header(file)
                blocked = (ReadOnlyDatabaseError(f"{file}: opened for reading only")
                           if read_only else unwritable(file))
            elif read_only:
                raise CannotOpenDatabaseError(f"{file}: no such file")
            else:
                try:
                    file.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise CannotOpenDatabaseError(f"{file.parent}: cannot create the data folder "
                                                  f"({exc.strerror or exc})") from None
                if not os.access(file.parent, os.W_OK | os.X_OK):
                    raise ReadOnlyDatabaseError(f"{file}: cannot create the database: its folder "
                                                f"{file.parent} is read-only")
        try:
            if blocked is not None:
                conn = _connect_read_only(file)
            else:
                conn = sqlite3.connect(":memory:" if memory else str(file), timeout=BUSY_TIMEOUT_S,
                                       isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise classify(exc, file, "open the database") from None
        try:
            store = cls._configure(conn, file, migrate, blocked)
        except StoreError:
            conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise classify(exc, file, "open the database") from None
        store._migrate_on_reopen = migrate
        store._may_regain = not read_only
        return store

    @classmethod
    def _configure(cls, conn: sqlite3.Connection, file: Path | None, migrate: bool,
                   blocked: StoreError | None) -> Store:
        label = file or ":memory:"
        # Everything up to the identity check only reads: a file that is not ours is never written.
        result = [row[0] for row in conn.execute("PRAGMA quick_check")]
        if result != ["ok"]:
            raise CorruptDatabaseError(f"{label}: failed its integrity check ({'; '.join(map(str, result[:3]))})")
        not_ours = identify(conn)
        if not_ours is not None:
            raise NotTrainerDatabaseError(f"{label}: an SQLite database, but not a trainer progress database: "
                                          f"{not_ours}")
        applied = applied_names(conn)
        unknown = [name for name in applied if name not in KNOWN]
        if unknown:
            raise NewerSchemaError(f"{label}: written by a newer trainer (schema step {unknown[-1]!r}); "
                                   "upgrade trainer to use it")
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        store = cls(conn, file, unwritable=blocked)
        pending = migrate and len(applied) < SCHEMA_VERSION
        if blocked is not None:
            if pending:
                raise type(blocked)(f"{blocked.reason}; it needs a one-time upgrade to be read by this trainer")
            return store
        if file is not None:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"{label}: could not switch to write-ahead logging (got {mode})")
        conn.execute("PRAGMA synchronous = FULL")
        unmarked = conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID
        if migrate and (pending or unmarked):
            try:
                store._migrate(pending)
            except (ReadOnlyDatabaseError, DiskFullError) as exc:
                if pending or file is None:
                    raise
                # Only the id could not be written: the file is fine to read, so it is opened for that.
                conn.close()
                return cls(_connect_read_only(file), file, unwritable=exc)
            if pending and file is not None:
                store._compact()
        return store

    def _compact(self) -> None:
        """Give back the pages a migration freed (m003 rebuilds the reviews table), when they are
        more than a quarter of the file: VACUUM rewrites the file once, outside any transaction.
        A VACUUM that cannot run (no room for the copy, another trainer reading) leaves the file
        as it was, only larger than it needs to be."""
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        free = self.conn.execute("PRAGMA freelist_count").fetchone()[0]
        if free * 4 <= pages:
            return
        try:
            self.conn.execute("VACUUM")
        except sqlite3.Error:
            pass

    def _migrate(self, pending: bool = True) -> None:
        # Under one immediate transaction, so two trainers opening an old file at once migrate it
        # once: the second waits, then finds nothing pending (each step becomes a savepoint).
        with self.write() as conn:
            if pending:
                migrations().apply(self.db)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def _regain_write(self) -> None:
        """Reopen for writing if the cause of read-only has gone (space freed, permissions fixed)."""
        if self.path is None or self._unwritable is None or not self._may_regain:
            return
        if unwritable(self.path) is not None:
            return
        try:
            fresh = Store.open(self.path, migrate=self._migrate_on_reopen)
        except StoreError:
            return
        if fresh.read_only:
            fresh.close()
            return
        self.conn.close()
        self.conn, self._db, self._unwritable = fresh.conn, None, None

    def close(self) -> None:
        """Checkpoint the write-ahead log into the database file, then close the connection.

        A TRUNCATE checkpoint leaves the `-wal` file empty, so the `.db` file alone (the one
        `trainer where` names) carries every review when copied. Closing twice is harmless.
        """
        if self._closed:
            return
        self._closed = True
        if self.path is not None:
            try:
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:  # another process holds the log: SQLite checkpoints on its last close
                pass
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """How many of trainer's migrations this file has applied."""
        return len(applied_names(self.conn))

    def journal_mode(self) -> str:
        """The journal mode in force ('wal' for files, 'memory' for :memory:)."""
        return str(self.conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()

    def integrity_check(self) -> list[str]:
        """`PRAGMA integrity_check` rows (['ok'] when healthy)."""
        return [str(row[0]) for row in self.conn.execute("PRAGMA integrity_check")]

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken immediately so concurrent writers queue on the busy timeout.

        Yields:
            The connection, inside BEGIN IMMEDIATE; committed on success, rolled back on error.

        Raises:
            ReadOnlyDatabaseError, DiskFullError: the store was opened read-only (raised before any
                write), or SQLite reported it; nothing was written.
            DatabaseLockedError: another program kept the file locked past the busy timeout.
            CorruptDatabaseError, DiskError, StoreError: other failures of the file or the disk.
        """
        if self._unwritable is not None:
            self._regain_write()
            if self._unwritable is not None:
                raise type(self._unwritable)(f"cannot save: {self._unwritable.reason}")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._storage_error(exc) from exc
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:  # SQLite itself rolls back on some errors (a full disk)
                try:
                    self.conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            if isinstance(exc, sqlite3.Error) and result_code(exc) in _STORAGE_CODES:
                raise self._storage_error(exc) from exc
            raise

    def _storage_error(self, exc: sqlite3.Error) -> StoreError:
        return classify(exc, self.path, "save")

    # ------------------------------------------------------------------ settings
    def settings(self) -> dict[str, Any]:
        """Every setting: stored values over the defaults."""
        out = dict(DEFAULT_SETTINGS)
        for row in self.conn.execute("SELECT key, value FROM settings"):
            if row["key"] in out:
                out[row["key"]] = json.loads(row["value"])
        return out

    def set_setting(self, key: str, value: Any) -> Any:
        """Validate and store one setting.

        Returns:
            The stored (normalised) value.

        Raises:
            ValueError: unknown key or bad value.
        """
        value = validate_setting(key, value)
        with self.write() as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, json.dumps(value)))
        return value

    def raw_setting(self, key: str) -> str | None:
        """A stored value as its JSON text, unchecked (None when absent), for values outside
        DEFAULT_SETTINGS that their owner validates, such as the fitted FSRS parameters."""
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def put_raw_setting(self, key: str, value: Any) -> None:
        """Store `value` as JSON under `key` (the caller has validated it), or delete the key when None."""
        with self.write() as conn:
            if value is None:
                conn.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, json.dumps(value)))

    # ------------------------------------------------------------------ cards
    def card(self, template_id: str) -> CardRecord | None:
        """The card of a template, or None if it was never reviewed, suspended or buried."""
        row = self.conn.execute("SELECT * FROM cards WHERE template_id = ?", (template_id,)).fetchone()
        return _card_from_row(row) if row else None

    def cards(self) -> list[CardRecord]:
        """Every card, by template id."""
        return [_card_from_row(r) for r in self.conn.execute("SELECT * FROM cards ORDER BY template_id")]

    def queue_cards(self, horizon: datetime, now: datetime) -> tuple[list[CardRecord], set[str]]:
        """What the queue needs, in two indexed reads.

        Args:
            horizon: cards due up to this time are returned (now + learn-ahead).
            now: buried cards whose time has not come are left out.

        Returns:
            (unsuspended, unburied cards due by `horizon`; ids of every template that is not
            available as a new card: already started, suspended or buried).
        """
        rows = self.conn.execute(
            "SELECT * FROM cards WHERE suspended = 0 AND due <= ? "
            "AND (buried_until IS NULL OR buried_until <= ?)", (iso(horizon), iso(now))).fetchall()
        blocked = {r[0] for r in self.conn.execute(
            "SELECT template_id FROM cards WHERE state != 'new' OR suspended = 1 OR buried_until > ?",
            (iso(now),))}
        return [_card_from_row(r) for r in rows], blocked

    def _ensure_card(self, conn: sqlite3.Connection, template_id: str, equation: str | None,
                     topic: str | None) -> None:
        conn.execute(
            "INSERT OR IGNORE INTO cards (template_id, card_id, equation, topic) "
            "VALUES (?, (SELECT coalesce(max(card_id), 0) + 1 FROM cards), ?, ?)",
            (template_id, equation, topic))

    def set_suspended(self, template_id: str, suspended: bool, *, equation: str | None = None,
                      topic: str | None = None) -> None:
        """Suspend or unsuspend a template (a new template gets a card so the flag sticks)."""
        with self.write() as conn:
            self._ensure_card(conn, template_id, equation, topic)
            conn.execute("UPDATE cards SET suspended = ? WHERE template_id = ?", (int(suspended), template_id))

    def bury(self, template_id: str, until: datetime, *, equation: str | None = None,
             topic: str | None = None) -> None:
        """Keep a template out of the queue until `until`."""
        with self.write() as conn:
            self._ensure_card(conn, template_id, equation, topic)
            conn.execute("UPDATE cards SET buried_until = ? WHERE template_id = ?", (iso(until), template_id))

    # ------------------------------------------------------------------ reviews
    def record_review(self, record: ReviewRecord) -> int:
        """Write one graded answer: the review row and the card update, in one committed transaction.

        The card is read again inside the transaction: if it is no longer `record.card_before`
        (another trainer reviewed the template since the record was computed), nothing is written
        and ConflictError is raised, so the caller recomputes from the new state and a fresh clock.

        Args:
            record: the review, computed completely before the write.

        Returns:
            The new review's id. The transaction is committed when this returns.

        Raises:
            ConflictError: the card changed since `record.card_before` was read.
            sqlite3.IntegrityError: the uid is already stored (nothing written).
        """
        tid = record.template_id
        with self.write() as conn:
            self._ensure_card(conn, tid, record.equation, record.topic)
            current = _card_from_row(conn.execute("SELECT * FROM cards WHERE template_id = ?", (tid,)).fetchone())
            if current.card != record.card_before:
                raise ConflictError(f"{tid} was reviewed elsewhere meanwhile; its card has changed")
            verdict = json.loads(record.verdict) if record.verdict else {}
            fields = {"uid": record.uid, "seed": int(record.seed), "params": record.params,
                      "answer": record.answer, "verdict": verdict, "correct": int(record.correct),
                      "score": float(record.score), "diagnosis_id": record.diagnosis_id, "rating": record.rating,
                      "auto_rating": record.auto_rating, "decided": record.decided,
                      "hint_used": int(record.hint_used), "response_ms": record.response_ms,
                      "reviewed_at": record.reviewed_at, "day": record.day,
                      "review_state": STATE_CODES[record.card_before.state],
                      "topic": record.topic or current.topic}
            last_day = conn.execute("SELECT max(day) FROM reviews WHERE card_id = ?", (current.card_id,)).fetchone()[0]
            values = _review_values(conn, fields, current.card_id, record.card_before)
            cur = conn.execute(_INSERT_REVIEW, values)
            _update_card(conn, tid, record.card_after, "buried_until = NULL",
                         "equation = coalesce(:equation, equation)", "topic = coalesce(:topic, topic)",
                         "suspended = suspended OR :suspend",
                         equation=record.equation, topic=record.topic, suspend=int(record.suspend))
            review_id = int(cur.lastrowid)
            self._apply_implicit(conn, review_id, record.uid, tid, record.reviewed_at, record.implicit)
            if last_day is not None:
                # Only reviews since the card's previous latest one can still hold a state (the older
                # ones were pruned when they left the window); a few days' slack for a changed day start.
                prune_states(conn, current.card_id, review_id, values[_STORED_COLUMNS.index("reviewed_at")],
                             since_day=last_day - _PRUNE_SLACK_DAYS)
            return review_id

    @staticmethod
    def _apply_implicit(conn: sqlite3.Connection, review_id: int, cause_uid: str, cause_template: str,
                        at: datetime, implicit: Iterable[ImplicitRecord]) -> None:
        """Write the implicit reviews of one explicit review: each card re-checked, updated, logged.

        Raises:
            ConflictError: a receiving card is not the `card_before` its update was computed from.
        """
        for imp in implicit:
            found = conn.execute("SELECT * FROM cards WHERE template_id = ?", (imp.template_id,)).fetchone()
            if found is None or _card_from_row(found).card != imp.card_before:
                raise ConflictError(f"{imp.template_id} changed meanwhile; its implicit {imp.kind} is stale")
            _update_card(conn, imp.template_id, imp.card_after)
            write_implicit(conn, review_id, found["card_id"], {
                "uid": f"{cause_uid}/{imp.template_id}", "cause_uid": cause_uid, "cause_template": cause_template,
                "template_id": imp.template_id, "kind": imp.kind, "weight": float(imp.weight),
                "reviewed_at": iso(at), "state_before": imp.card_before.to_dict(),
                "state_after": imp.card_after.to_dict()})

    @staticmethod
    def _revert_implicit(conn: sqlite3.Connection, review_id: int) -> None:
        """Remove the implicit reviews an explicit review caused, putting each card back as it was
        before, unless that card changed since (then it is left as it is: its newer state came from
        a later review, which undo must not lose)."""
        rows = conn.execute("SELECT id, template_id, state_before, state_after FROM implicit_reviews "
                            "WHERE cause_id = ? ORDER BY id DESC", (review_id,)).fetchall()
        for r in rows:
            if r["state_before"] is None or r["state_after"] is None:
                continue  # no longer kept (its cause left the undo window): the card stays as it is
            found = conn.execute("SELECT * FROM cards WHERE template_id = ?", (r["template_id"],)).fetchone()
            if found is not None and _card_from_row(found).card == CardState.from_dict(json.loads(r["state_after"])):
                _update_card(conn, r["template_id"], CardState.from_dict(json.loads(r["state_before"])))
        conn.execute("DELETE FROM implicit_rows WHERE cause_id = ?", (review_id,))

    def implicit_for(self, review_id: int) -> list[dict]:
        """The implicit reviews one explicit review caused, in write order, card states decoded."""
        return [_implicit_dict(r) for r in self.conn.execute(
            "SELECT * FROM implicit_reviews WHERE cause_id = ? ORDER BY id", (review_id,))]

    def implicit_history(self, template_id: str) -> list[dict]:
        """Every implicit review a template's card received, oldest first (commit order of the
        causing reviews), card states decoded: {"id", "cause_id", "cause_uid", "cause_template",
        "template_id", "kind", "weight", "reviewed_at", "state_before", "state_after", "uid"}."""
        return [_implicit_dict(r) for r in self.conn.execute(
            "SELECT * FROM implicit_reviews WHERE template_id = ? ORDER BY cause_id, id", (template_id,))]

    def review(self, review_id: int) -> dict | None:
        """One review as a dict with the keys of a backup's review (JSON decoded), or None.

        Returns:
            {"id", "uid", "template_id", "seed", "params", "answer", "verdict" ({"correct", "score",
            "diagnosis"}), "correct", "score", "diagnosis_id", "rating", "auto_rating", "decided",
            "hint_used", "response_ms", "reviewed_at" (ISO text), "day" ('YYYY-MM-DD'), "review_state",
            "state_before", "state_after" (card dicts; the card after is the next review's card
            before, or the card as it is now for its latest review), "topic"}, or None.
        """
        row = self.conn.execute(f"{_SELECT_REVIEW} WHERE r.id = ?", (review_id,)).fetchone()
        if row is None:
            return None
        later = self.conn.execute("SELECT * FROM reviews WHERE id = (SELECT min(id) FROM reviews "
                                  "WHERE card_id = ? AND id > ?)", (row["card_id"], review_id)).fetchone()
        found, after = self._implicit_after(row["template_id"], review_id, None if later is None else later["id"])
        return _review_dict(row, after if found else self._card_after(row["template_id"], later))

    def _implicit_after(self, template_id: str, review_id: int, next_id: int | None) -> tuple[bool, CardState | None]:
        """The card after a review when an implicit review changed it before its next explicit one:
        (True, the card before the first such implicit review, or None when no longer kept), else (False, None)."""
        found = self.conn.execute(
            "SELECT state_before FROM implicit_reviews WHERE template_id = ? AND cause_id > ? AND cause_id < ? "
            "ORDER BY cause_id, id LIMIT 1",
            (template_id, review_id, next_id if next_id is not None else 2**63 - 1)).fetchone()
        if found is None:
            return False, None
        return True, None if found[0] is None else CardState.from_dict(json.loads(found[0]))

    def _card_after(self, template_id: str, later: sqlite3.Row | None) -> CardState | None:
        """The card after a review: the card before the card's next review (None when no longer
        kept), else the card as it is."""
        if later is not None:
            return card_before(later, later["review_state"])
        current = self.card(template_id)
        return current.card if current is not None else CardState()

    def rerate(self, review_id: int, rating: int, *, before: CardState, after: CardState,
               implicit: Iterable[ImplicitRecord] = (), at: datetime | None = None) -> None:
        """Change the rating of a review that is still its card's latest, with the card recomputed.

        The implicit reviews the old rating caused are reverted as by `undo`, and `implicit` (computed
        for the new rating from the cards as they are once those are reverted) is written instead,
        all in one transaction: a pass re-rated to Again swaps its credit for penalties.

        Args:
            review_id: the review.
            rating: the new rating 1..4.
            before: the review's card state before (what `after` was computed from).
            after: the card after that review at the new rating.
            implicit: the implicit reviews of the new rating.
            at: the review's time (the implicit rows' time); required when `implicit` is not empty.

        Raises:
            ConflictError: the review is gone, its card has been reviewed since (commit order), its
                state before is not `before`, or a card of `implicit` is not its `card_before`.
        """
        implicit = tuple(implicit)
        if implicit and at is None:
            raise ValueError("implicit reviews need the review's time")
        with self.write() as conn:
            row, stored_before = self._latest_review(conn, review_id)
            if stored_before != before:
                raise ConflictError(f"review {review_id} was computed from another card state")
            conn.execute("UPDATE reviews SET flags = ? WHERE id = ?",
                         (pack_flags(row["correct"], rating, row["auto_rating"], int(rating != row["auto_rating"]),
                                     row["hint_used"], row["review_state"]), review_id))
            _update_card(conn, row["template_id"], after)
            self._revert_implicit(conn, review_id)
            if implicit:
                self._apply_implicit(conn, review_id, uid_text(row["uid"]), row["template_id"], at, implicit)

    def _latest_review(self, conn: sqlite3.Connection, review_id: int) -> tuple[sqlite3.Row, CardState]:
        """The review row and its card state before, if it is still its card's latest review.

        "Latest" is commit order (the row id), not `reviewed_at`: two trainers' clocks may disagree.
        """
        row = conn.execute("SELECT r.*, c.template_id FROM reviews r JOIN cards c ON c.card_id = r.card_id "
                           "WHERE r.id = ?", (review_id,)).fetchone()
        if row is None:
            raise ConflictError(f"review {review_id} no longer exists")
        newer = conn.execute("SELECT 1 FROM reviews WHERE card_id = ? AND id > ? LIMIT 1",
                             (row["card_id"], row["id"])).fetchone()
        # An implicit credit or penalty from a later review changed the card too: it is newer.
        newer = newer or conn.execute("SELECT 1 FROM implicit_reviews WHERE template_id = ? AND cause_id > ? "
                                      "LIMIT 1", (row["template_id"], row["id"])).fetchone()
        if newer:
            raise ConflictError(f"{row['template_id']} has been reviewed since; only its latest review can change")
        before = card_before(row, row["review_state"])
        if before is None:  # pruned: only a review older than its card's undo window (m008)
            raise ConflictError(f"review {review_id} is too old to change: its card state before is no longer kept")
        return row, before

    def undo(self, review_id: int) -> str:
        """Delete a review and put its card back as it was before it, with its implicit reviews.

        Each card the review credited or penalised goes back to its state before that implicit
        review, in the same transaction. A card that has changed since (reviewed again, or credited
        by a later review) is left as it is and the undo still succeeds: its newer state came from
        a later review, which undo must not lose.

        Returns:
            The template id.

        Raises:
            ConflictError: the review is gone or is not its card's latest (commit order).
        """
        with self.write() as conn:
            row, before = self._latest_review(conn, review_id)
            self._revert_implicit(conn, review_id)
            conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
            _update_card(conn, row["template_id"], before)
            return str(row["template_id"])

    # ------------------------------------------------------------------ placement
    def schedule_started(self, conn: sqlite3.Connection | None = None) -> str | None:
        """Why this database already has a schedule a placement would overwrite, or None.

        Returns:
            "it has N reviews" or "N cards already have a schedule", or None for a database where
            every card is still new and no review is stored.
        """
        q = (conn or self.conn).execute
        reviews = q("SELECT count(*) FROM reviews").fetchone()[0]
        if reviews:
            return f"it has {reviews} review{'s' if reviews != 1 else ''}"
        started = q("SELECT count(*) FROM cards WHERE state != 'new'").fetchone()[0]
        if started:
            return f"{started} cards already have a schedule" if started != 1 else "1 card already has a schedule"
        return None

    def placement(self) -> dict | None:
        """The placement record (the `placement` row of `settings`, outside the user's settings), or None.

        Returns:
            {"status": "placed" | "declined", "at": ISO time, ...}; a placed record also has
            "questions", "passed", "failed", "undecided", "cards".
        """
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (PLACEMENT_KEY,)).fetchone()
        if row is None:
            return None
        try:
            value = json.loads(row[0])
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def decline_placement(self, at: datetime) -> None:
        """Remember that the placement offer was declined (it is not offered again); a placement
        already recorded is kept."""
        with self.write() as conn:
            conn.execute("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
                         (PLACEMENT_KEY, json.dumps({"status": "declined", "at": iso(at)})))

    def seed_placement(self, cards: Iterable[tuple[str, str | None, str | None, CardState]], record: dict) -> int:
        """Write the cards a placement seeds and its record, in one transaction; no review is written.

        Args:
            cards: (template id, equation, topic, card) for each placed-out template.
            record: what to keep of the placement (stored as JSON with "status": "placed").

        Returns:
            The number of cards written.

        Raises:
            ConflictError: the database has reviews or started cards (checked inside the transaction,
                so a review recorded meanwhile by another trainer wins); nothing is written.
        """
        n = 0
        with self.write() as conn:
            started = self.schedule_started(conn)
            if started:
                raise ConflictError(f"placement is only for a new database, and {started}")
            for template_id, equation, topic, card in cards:
                self._ensure_card(conn, template_id, equation, topic)
                _update_card(conn, template_id, card, "equation = coalesce(:equation, equation)",
                             "topic = coalesce(:topic, topic)", equation=equation, topic=topic)
                n += 1
            conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                         (PLACEMENT_KEY, json.dumps({**record, "status": "placed", "cards": n})))
        return n

    def recent(self, template_id: str, limit: int = 20) -> list[dict]:
        """The latest reviews of a template, newest first: seed, correct, response_ms, hint_used."""
        # The inner query sorts index entries (card, day, row id) only, so just `limit` rows are fetched.
        return [dict(r) for r in self.conn.execute(
            "SELECT seed, correct, response_ms, hint_used FROM reviews WHERE id IN (SELECT id FROM reviews "
            "WHERE card_id = (SELECT card_id FROM cards WHERE template_id = ?) ORDER BY id DESC LIMIT ?) "
            "ORDER BY id DESC", (template_id, limit))]

    def history(self, template_id: str) -> list[dict]:
        """Every review of a template, oldest first (commit order), as `review` gives each."""
        rows = self.conn.execute(f"{_SELECT_REVIEW} WHERE r.card_id = (SELECT card_id FROM cards "
                                 "WHERE template_id = ?) ORDER BY r.id", (template_id,)).fetchall()
        if not rows:
            return []
        afters = [card_before(r, r["review_state"]) for r in rows[1:]] + [self._card_after(template_id, None)]
        nexts = [r["id"] for r in rows[1:]] + [None]
        # An implicit review between two explicit ones changed the card: the first one's card after
        # is the card before that implicit review.
        found = [self._implicit_after(template_id, r["id"], n) for r, n in zip(rows, nexts)]
        afters = [imp if hit else after for (hit, imp), after in zip(found, afters)]
        return [_review_dict(r, after) for r, after in zip(rows, afters)]

    def correct_times(self, template_id: str, limit: int = 20) -> list[int]:
        """Response times of the latest correct, unhinted answers on a template, oldest first."""
        return self.correct_times_among([template_id], limit)

    def correct_times_among(self, template_ids: Iterable[str], limit: int = 20) -> list[int]:
        """Response times of the latest correct, unhinted answers on any of these templates (one kind
        of answer, say), oldest first.

        Args:
            template_ids: the templates whose answers count.
            limit: how many of the latest answers.

        Returns:
            Up to `limit` times in milliseconds, oldest first.
        """
        ids = json.dumps(sorted(set(template_ids)))
        # Read back from the newest row, first over the latest RECENT_WINDOW reviews only: when they
        # hold `limit` answers those are the latest of all. Through the index instead, SQLite fetches
        # and sorts every review of every template of the kind (0.4 s at 100,000 reviews, for a
        # third of the templates), on each submit.
        query = ("SELECT response_ms FROM reviews WHERE +card_id IN (SELECT card_id FROM cards "
                 "WHERE template_id IN (SELECT value FROM json_each(?))) AND id > ? "
                 "AND correct = 1 AND hint_used = 0 AND response_ms IS NOT NULL ORDER BY id DESC LIMIT ?")
        newest = self.conn.execute("SELECT max(id) FROM reviews").fetchone()[0] or 0
        rows = self.conn.execute(query, (ids, newest - RECENT_WINDOW, limit)).fetchall()
        if len(rows) < limit and newest > RECENT_WINDOW:
            rows = self.conn.execute(query.replace("+card_id", "card_id"), (ids, 0, limit)).fetchall()
        return [r[0] for r in rows][::-1]

    def day_counts(self, day: str) -> dict[str, int]:
        """One learning day's tallies (by the `day` column as recorded, see docs/data.md): reviews,
        new cards introduced, review-state cards reviewed."""
        row = self.conn.execute("SELECT coalesce(sum(reviews), 0), coalesce(sum(new_cards), 0), "
                                "coalesce(sum(review_cards), 0) FROM card_days WHERE day = ?", (day_number(day),)).fetchone()
        return {"reviews": row[0], "new_cards": row[1], "review_cards": row[2]}

    def day_practice(self, day: str) -> dict[str, int]:
        """One learning day's practice: {"reviews", "correct", "time_ms" (answer time summed)}."""
        row = self.conn.execute("SELECT coalesce(sum(reviews), 0), coalesce(sum(correct), 0), "
                                "coalesce(sum(time_ms), 0) FROM card_days WHERE day = ?", (day_number(day),)).fetchone()
        return {"reviews": row[0], "correct": row[1], "time_ms": row[2]}

    def recent_new_topics(self, limit: int) -> list[str]:
        """Topics of the latest first reviews (new cards introduced), oldest first, at most `limit`.

        The queue uses them to keep a run of new cards of one topic short, across restarts and undo.
        """
        rows = self.conn.execute("SELECT coalesce(t.name, '') FROM reviews r LEFT JOIN topics t ON t.id = r.topic_id "
                                 "WHERE r.review_state = 0 ORDER BY r.id DESC LIMIT ?", (limit,)).fetchall()
        return [r[0] for r in rows][::-1]

    def active_days(self, limit: int = 3650) -> list[str]:
        """Days with at least one review, newest first (at most `limit`)."""
        return [r[0] for r in self.conn.execute(
            "SELECT day FROM day_totals ORDER BY day DESC LIMIT ?", (limit,))]

    def reviews_by_template(self) -> dict[str, int]:
        """Number of reviews per template id."""
        return {r[0]: r[1] for r in self.conn.execute("SELECT template_id, reviews FROM template_totals")}

    # ------------------------------------------------------------------ statistics reads
    def stats_rows(self, since_day: str) -> dict[str, Any]:
        """The raw aggregates behind `trainer stats`, all read from the summary tables and cards.

        Args:
            since_day: first day of the heatmap window ('YYYY-MM-DD').

        Returns:
            dict with keys days (day → (reviews, correct) since since_day), active_days (every day
            with reviews, newest first), retention (month → (count, passed) of first-of-day reviews of
            review-state cards), retention_days (day → (count, passed), since since_day), by_topic
            (topic → (reviews, correct)), time_hist (topic → {bucket: count}), by_template
            (template → (reviews, correct, last day)), mistakes (top rows), time_days (day → answer
            time in ms, since since_day), cards (every CardRecord).
        """
        q = self.conn.execute
        days = {r[0]: (r[1], r[2]) for r in q(
            "SELECT day, reviews, correct FROM day_totals WHERE day >= ?", (since_day,))}
        active = [r[0] for r in q("SELECT day FROM day_totals ORDER BY day DESC")]
        retention = {r[0]: (r[1], r[2]) for r in q(
            "SELECT substr(day, 1, 7), sum(retention_count), sum(retention_passed) FROM day_totals "
            "GROUP BY 1 HAVING sum(retention_count) > 0")}
        retention_days = {r[0]: (r[1], r[2]) for r in q(
            "SELECT day, retention_count, retention_passed FROM day_totals WHERE retention_count > 0 AND day >= ?",
            (since_day,))}
        by_template = {r[0]: (r[1], r[2], r[3]) for r in q(
            "SELECT template_id, reviews, correct, last_day FROM template_totals")}
        by_topic = {r[0]: (r[1], r[2]) for r in q(
            "SELECT coalesce(c.topic, '?'), sum(t.reviews), sum(t.correct) FROM template_totals t "
            "LEFT JOIN cards c ON c.template_id = t.template_id GROUP BY 1")}
        time_hist: dict[str, dict[int, int]] = {}
        for r in q("SELECT topic, bucket, reviews FROM review_times"):
            time_hist.setdefault(r[0], {})[r[1]] = r[2]
        mistakes = [dict(r) for r in q(
            "SELECT template_id, diagnosis_id, reviews AS count, message FROM review_mistakes "
            "ORDER BY reviews DESC, template_id, diagnosis_id LIMIT 10")]
        time_days = {r[0]: r[1] for r in q(
            "SELECT date(day * 86400, 'unixepoch'), sum(time_ms) FROM card_days WHERE day >= ? GROUP BY day",
            (day_number(since_day),))}
        return {"days": days, "active_days": active, "retention": retention, "retention_days": retention_days,
                "by_topic": by_topic, "time_hist": time_hist, "by_template": by_template,
                "mistakes": mistakes, "time_days": time_days, "cards": self.cards()}

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables."""
        return {t: self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("cards", "reviews", "settings")}

    # ------------------------------------------------------------------ export / import / backup
    def export_csv(self, out: TextIO) -> int:
        """Write the review log in the FSRS optimizer's layout.

        Columns: card_id, review_time (ms since the epoch, UTC), review_rating (1-4), review_state
        (0 new, 1 learning, 2 review, 3 relearning, before the review), review_duration (ms).

        Returns:
            Rows written.
        """
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["card_id", "review_time", "review_rating", "review_state", "review_duration"])
        n = 0
        for r in self.conn.execute(
                "SELECT card_id, reviewed_at, rating, review_state, response_ms FROM reviews "
                "ORDER BY reviewed_at, id"):
            when = from_us(r[1])
            writer.writerow([r[0], round(when.timestamp() * 1000), r[2], r[3], "" if r[4] is None else r[4]])
            n += 1
        return n

    def export_json(self, now: datetime) -> dict:
        """A full backup as JSON-able data: settings, cards, every review, and every implicit review
        ("implicit_reviews", each naming its cause by the cause's uid)."""
        rows = self.conn.execute(f"{_SELECT_REVIEW} ORDER BY r.id").fetchall()
        card_now = {r.card_id: r.card for r in self.cards()}
        afters: dict[int, CardState | None] = {}
        following: dict[int, CardState | None] = {}  # card number → card before its next review (walking back)
        for r in reversed(rows):
            afters[r["id"]] = following.get(r["card_id"], card_now.get(r["card_id"], CardState()))
            following[r["card_id"]] = card_before(r, r["review_state"])
        rows.sort(key=lambda r: (r["reviewed_at"], r["id"]))
        reviews = [{k: v for k, v in _review_dict(r, afters[r["id"]]).items() if k in _REVIEW_FIELDS}
                   for r in rows]
        cards = [dict(r) for r in self.conn.execute(f"SELECT {', '.join(_CARD_COLUMNS)} FROM cards ORDER BY card_id")]
        stored = {r[0]: json.loads(r[1]) for r in self.conn.execute("SELECT key, value FROM settings")}
        implicit = [_implicit_dict(r) for r in self.conn.execute(
            f"SELECT {', '.join(_IMPLICIT_COLUMNS)} FROM implicit_reviews ORDER BY cause_id, id")]
        imported = [dict(r) for r in self.conn.execute(
            f"SELECT {', '.join(_IMPORTED_COLUMNS)} FROM imported_reviews ORDER BY review_time, id")]
        return {"format": BACKUP_FORMAT, "version": 1, "schema_version": self.schema_version,
                "exported_at": iso(now), "settings": stored, "cards": cards, "reviews": reviews,
                "implicit_reviews": implicit, "imported_reviews": imported}

    def import_json(self, data: dict) -> dict[str, int]:
        """Merge a JSON backup: reviews are added unless already present (by uid), so importing twice
        changes nothing; a card is taken from the backup when it is absent here or was reviewed later
        there; settings from the backup fill in keys not set here.

        Implicit reviews in the backup are added (by uid, so also idempotently) when their cause
        review is present here; the cards already carry their effect.

        Returns:
            {"reviews_added", "reviews_skipped", "cards_updated"}, plus "implicit_added" when the
            backup carries implicit reviews.

        Raises:
            ValueError: the data is not a trainer backup (message names the problem).
        """
        if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT:
            raise ValueError("not a trainer JSON backup (missing \"format\": \"trainer-backup\")")
        if not isinstance(data.get("reviews"), list) or not isinstance(data.get("cards"), list):
            raise ValueError("backup lacks its \"cards\" or \"reviews\" list")
        added = skipped = updated = 0
        added_cards: set[int] = set()
        with self.write() as conn:
            for i, card in enumerate(data["cards"]):
                try:
                    tid = str(card["template_id"])
                    incoming = CardState.from_dict(card)
                except (KeyError, TypeError, ValueError) as exc:
                    raise ValueError(f"cards[{i}]: {exc}") from None
                current = conn.execute("SELECT last_review FROM cards WHERE template_id = ?", (tid,)).fetchone()
                self._ensure_card(conn, tid, card.get("equation"), card.get("topic"))
                newer = current is None or (incoming.last_review is not None and (
                    current[0] is None or iso(incoming.last_review) > current[0]))
                if newer:
                    _update_card(conn, tid, incoming, "suspended = :suspended", "buried_until = :buried",
                                 suspended=int(bool(card.get("suspended"))), buried=card.get("buried_until"))
                    updated += 1
            for i, review in enumerate(data["reviews"]):
                try:
                    row = {c: review[c] for c in _REVIEW_FIELDS if c not in ("topic", "state_after")}
                    row["topic"] = review.get("topic")  # absent in backups of schema version 1
                    if not isinstance(row["params"], str):
                        row["params"] = json.dumps(row["params"])
                    for key in ("verdict", "state_before"):  # JSON text in backups of schema version 1
                        if isinstance(row[key], str):
                            row[key] = json.loads(row[key])
                    # null: a state no longer kept (schema version 8 prunes states outside the undo window)
                    before = None if row["state_before"] is None else CardState.from_dict(row["state_before"])
                    tid = str(row["template_id"])
                    self._ensure_card(conn, tid, None, None)
                    card_id = conn.execute("SELECT card_id FROM cards WHERE template_id = ?", (tid,)).fetchone()[0]
                    values = _review_values(conn, row, card_id, before)
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    raise ValueError(f"reviews[{i}]: bad or missing field ({type(exc).__name__}: {exc})") from None
                if _review_id(conn, values[0]) is not None:
                    skipped += 1
                    continue
                conn.execute(_INSERT_REVIEW, values)
                added_cards.add(card_id)
                added += 1
            implicit = data.get("implicit_reviews")
            implicit_added = 0
            for i, imp in enumerate(implicit if isinstance(implicit, list) else []):
                try:
                    row = {c: imp[c] for c in _IMPLICIT_COLUMNS}
                except (KeyError, TypeError) as exc:
                    raise ValueError(f"implicit_reviews[{i}]: missing field {exc}") from None
                for key in ("state_before", "state_after"):
                    if row[key] is not None and not isinstance(row[key], str):
                        row[key] = json.dumps(row[key])
                cause = _review_id(conn, uid_key(row["cause_uid"]))
                if cause is None:  # its cause is not in this file: an orphan row would never be undone
                    continue
                self._ensure_card(conn, str(row["template_id"]), None, None)
                # Already here (the same uid for the same cause): importing twice adds nothing.
                if any(r[0] == row["uid"] for r in conn.execute(
                        "SELECT uid FROM implicit_reviews WHERE cause_id = ?", (cause,))):
                    continue
                card_id = conn.execute("SELECT card_id FROM cards WHERE template_id = ?",
                                       (str(row["template_id"]),)).fetchone()[0]
                if conn.execute("SELECT before IS NULL FROM reviews WHERE id = ?", (cause,)).fetchone()[0]:
                    row["state_before"] = row["state_after"] = None  # its cause left the undo window
                write_implicit(conn, cause, card_id, row)
                implicit_added += 1
                added_cards.add(conn.execute("SELECT card_id FROM reviews WHERE id = ?", (cause,)).fetchone()[0])
            imported = data.get("imported_reviews")
            imported_added = 0
            for i, imp in enumerate(imported if isinstance(imported, list) else []):
                try:
                    values = _imported_values(imp)
                except (KeyError, TypeError, ValueError) as exc:
                    raise ValueError(f"imported_reviews[{i}]: bad or missing field ({type(exc).__name__}: {exc})") \
                        from None
                cur = conn.execute(
                    f"INSERT OR IGNORE INTO imported_reviews ({', '.join(_IMPORTED_COLUMNS)}) "
                    f"VALUES ({', '.join('?' for _ in _IMPORTED_COLUMNS)})", values)
                imported_added += cur.rowcount
            for key, value in (data.get("settings") or {}).items():
                if key in DEFAULT_SETTINGS:
                    conn.execute("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
                                 (key, json.dumps(validate_setting(key, value))))
            # The undo window's rule, as a commit applies it (m008): states older than it are dropped.
            for card_id in sorted(added_cards):
                latest = conn.execute("SELECT id, reviewed_at FROM reviews WHERE id = (SELECT max(id) FROM reviews "
                                      "WHERE card_id = ?)", (card_id,)).fetchone()
                prune_states(conn, card_id, latest[0], latest[1])
        result = {"reviews_added": added, "reviews_skipped": skipped, "cards_updated": updated}
        if implicit:
            result["implicit_added"] = implicit_added
        if imported:
            result["imported_added"] = imported_added
        return result

    def import_reviews(self, rows: Iterable[Any], template_ids: Iterable[str]) -> dict[str, int]:
        """Add reviews from another program's log (`trainer.core.learning.history.ImportedReview`s),
        all in one transaction.

        A row whose card id is a template id here is linked to that template; any other card is
        foreign (kept for fitting, never served). A row already stored (same card id and time) is
        skipped, and so is one that is this database's own review as `export_csv` writes it (its
        card number, time to the millisecond and rating), so re-importing an export adds nothing.

        Args:
            rows: the parsed rows (card_id, review_time ms, rating, state, duration_ms).
            template_ids: the ids of the templates in the bank.

        Returns:
            {"added", "skipped", "linked" (added rows of a template), "foreign_cards" (distinct
            foreign card ids among the added rows)}.
        """
        known = set(template_ids)
        added = skipped = linked = 0
        foreign: set[str] = set()
        with self.write() as conn:
            for row in rows:
                us = row.review_time * 1000
                # export_csv writes the card number and the time rounded to the millisecond.
                if row.card_id.isdigit() and conn.execute(
                        "SELECT 1 FROM reviews WHERE card_id = ? AND rating = ? AND reviewed_at >= ? AND reviewed_at < ? "
                        "LIMIT 1", (int(row.card_id), row.rating, us - 500, us + 500)).fetchone():
                    skipped += 1
                    continue
                template = row.card_id if row.card_id in known else None
                cur = conn.execute(
                    "INSERT OR IGNORE INTO imported_reviews (card_id, template_id, review_time, rating, review_state, "
                    "duration_ms) VALUES (?, ?, ?, ?, ?, ?)",
                    (row.card_id, template, row.review_time, row.rating, row.state, row.duration_ms))
                if not cur.rowcount:
                    skipped += 1
                    continue
                added += 1
                if template is None:
                    foreign.add(row.card_id)
                else:
                    linked += 1
        return {"added": added, "skipped": skipped, "linked": linked, "foreign_cards": len(foreign)}

    def review_log(self) -> list[tuple[str, datetime, int]]:
        """Every explicit review for fitting: trainer's own and the imported ones, oldest first.

        Returns:
            (card, reviewed at (UTC), rating) rows; a card is a template id, or "import:<card id>"
            for an imported card that matches no template.
        """
        rows = self.conn.execute(
            "SELECT c.template_id, r.reviewed_at, r.rating FROM reviews r JOIN cards c ON c.card_id = r.card_id "
            "UNION ALL SELECT coalesce(template_id, 'import:' || card_id), review_time * 1000, rating "
            "FROM imported_reviews ORDER BY 2")
        return [(r[0], from_us(r[1]), r[2]) for r in rows]

    def backup_to(self, target: str | os.PathLike, *, verify: bool = False) -> Path:
        """Copy the database to `target` through SQLite's online backup API (consistent even while
        another trainer writes), via a temporary file renamed into place.

        Args:
            target: the backup file (replaced if it exists).
            verify: run `PRAGMA integrity_check` on the copy before it replaces anything; a copy that
                fails is deleted, so `target` (e.g. an earlier good backup) is never replaced by it.

        Returns:
            The target path.

        Raises:
            CorruptDatabaseError: `verify` found the copy damaged (the database itself is).
            DiskFullError, ReadOnlyDatabaseError, StoreError: the target cannot be written.
        """
        target = Path(target)
        tmp = target.with_name(target.name + ".part")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if tmp.exists():
                tmp.unlink()
            dest = sqlite3.connect(str(tmp))
            try:
                self.conn.backup(dest)
                damage = ([str(r[0]) for r in dest.execute("PRAGMA integrity_check")] if verify else ["ok"])
            finally:
                dest.close()
            if damage != ["ok"]:
                tmp.unlink()
                raise CorruptDatabaseError(
                    f"{self.path or ':memory:'}: failed the full integrity check ({'; '.join(damage[:3])}); "
                    f"no backup was taken today, so the earlier good backups are kept")
            os.replace(tmp, target)
        except OSError as exc:
            _discard(tmp)
            if exc.errno == errno.ENOSPC:
                raise DiskFullError(f"{target}: backup failed: the disk is full") from None
            if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise ReadOnlyDatabaseError(f"{target}: backup failed: cannot write there ({exc.strerror})",
                                            "Make the backups folder writable.") from None
            raise StoreError(f"{target}: backup failed ({exc.strerror or exc})") from None
        except sqlite3.Error as exc:
            _discard(tmp)
            error = classify(exc, target, "write the backup")
            raise type(error)(f"{target}: backup failed ({exc})") from None
        return target

    def auto_backup(self, folder: str | os.PathLike, day: str, keep: int) -> Path | None:
        """The daily backup: `<folder>/trainer-<day>.db` unless it exists; keeps the newest `keep`.

        The copy must pass `PRAGMA integrity_check` (which, unlike the `quick_check` at open, reads
        every page); one that fails is thrown away and no older backup is pruned.

        Args:
            folder: the backups folder.
            day: today, 'YYYY-MM-DD' (from the caller's clock).
            keep: how many daily backups to keep.

        Returns:
            The new backup's path, or None when today's already existed.

        Raises:
            CorruptDatabaseError: the database failed the full check (the earlier backups are kept).
            DiskFullError, ReadOnlyDatabaseError, StoreError: the backup could not be written.
        """
        folder = Path(folder)
        target = folder / f"{BACKUP_PREFIX}{day}.db"
        made = None
        if not target.exists():
            made = self.backup_to(target, verify=True)
        for old in list_backups(folder)[keep:]:
            try:
                old.unlink()
            except OSError:
                pass
        return made


#: The columns of `imported_reviews` a JSON backup carries (another program's log, kept for fitting).
_IMPORTED_COLUMNS = ("card_id", "template_id", "review_time", "rating", "review_state", "duration_ms")


def _imported_values(imp: Mapping[str, Any]) -> list[Any]:
    """One backed-up imported review as row values, checked (a bad field raises, naming nothing else)."""
    card_id, template_id = str(imp["card_id"]), imp.get("template_id")
    review_time, rating = int(imp["review_time"]), int(imp["rating"])
    if not card_id or rating not in (1, 2, 3, 4):
        raise ValueError(f"card id {card_id!r}, rating {rating!r}")
    state, duration = imp.get("review_state"), imp.get("duration_ms")
    return [card_id, None if template_id is None else str(template_id), review_time, rating,
            None if state is None else int(state), None if duration is None else int(duration)]


def _discard(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def list_backups(folder: str | os.PathLike) -> list[Path]:
    """Daily backups in a folder, newest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{BACKUP_PREFIX}????-??-??*.db"), reverse=True)


def _interned(conn: sqlite3.Connection, table: str, where: str, columns: str, values: tuple) -> int:
    """The id of the row of a small lookup table (`topics`, `diagnoses`) holding `values`, added if new."""
    row = conn.execute(f"SELECT id FROM {table} WHERE {where}", values).fetchone()
    if row is not None:
        return int(row[0])
    return int(conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' for _ in values)})",
                            values).lastrowid)


def _review_values(conn: sqlite3.Connection, fields: dict, card_id: int, before: CardState | None) -> list:
    """The stored columns (`_STORED_COLUMNS` order) of a review given with the fields of a backup's
    review (`_REVIEW_FIELDS`; verdict decoded, params as JSON text, times as datetimes or ISO text).

    Raises:
        ValueError: a time or a day that cannot be read.
    """
    verdict = fields.get("verdict") or {}
    diagnosis = None
    if fields.get("diagnosis_id") is not None:
        found = verdict.get("diagnosis") if isinstance(verdict, dict) else None
        message = found.get("message") if isinstance(found, dict) else None
        diagnosis = _interned(conn, "diagnoses", "diagnosis_id = ? AND message IS ?", "diagnosis_id, message",
                              (str(fields["diagnosis_id"]), message))
    topic = fields.get("topic")
    topic_id = None if topic is None else _interned(conn, "topics", "name = ?", "name", (str(topic),))
    reviewed_at = time_us(fields["reviewed_at"])
    if reviewed_at is None:
        raise ValueError("reviewed_at is empty")
    review_state = int(fields["review_state"])
    flags = pack_flags(int(fields["correct"]), int(fields["rating"]), int(fields["auto_rating"]),
                       int(fields["decided"] == "overridden"), int(fields["hint_used"]), review_state)
    return [uid_key(fields["uid"]), card_id, int(fields["seed"]), pack_text(fields["params"]),
            pack_text(fields["answer"]), flags, fields["score"], diagnosis, fields["response_ms"], reviewed_at,
            day_number(fields["day"]), topic_id,
            None if before is None else store_before(before_values(before, review_state), reviewed_at)]


def _review_id(conn: sqlite3.Connection, key: bytes | str) -> int | None:
    """The id of the review with this stored uid (`uid_key`), or None, through the index of the
    uid's first four bytes (`m007_pack_reviews`)."""
    row = conn.execute("SELECT id FROM reviews WHERE substr(uid, 1, 4) = substr(?1, 1, 4) AND uid = ?1",
                       (key,)).fetchone()
    return None if row is None else int(row[0])


def _implicit_dict(row: sqlite3.Row) -> dict:
    """One `implicit_reviews` row as a dict, its two card states decoded."""
    out = dict(row)
    for key in ("state_before", "state_after"):
        if key in out and isinstance(out[key], str):
            out[key] = json.loads(out[key])
    return out


def _state_dict(card: CardState | None) -> dict | None:
    return None if card is None else card.to_dict()


def _review_dict(row: sqlite3.Row, after: CardState | None) -> dict:
    """A stored review (`_SELECT_REVIEW` row) with the fields of a backup's review, JSON decoded."""
    diagnosis = None if row["diagnosis_id"] is None else {"id": row["diagnosis_id"], "message": row["message"]}
    return {
        "id": row["id"], "uid": uid_text(row["uid"]), "template_id": row["template_id"], "seed": row["seed"],
        "params": json.loads(unpack_text(row["params"])), "answer": unpack_text(row["answer"]),
        "verdict": {"correct": bool(row["correct"]), "score": row["score"], "diagnosis": diagnosis},
        "correct": row["correct"], "score": row["score"], "diagnosis_id": row["diagnosis_id"],
        "rating": row["rating"], "auto_rating": row["auto_rating"],
        "decided": "overridden" if row["overridden"] else "auto", "hint_used": row["hint_used"],
        "response_ms": row["response_ms"], "reviewed_at": iso(from_us(row["reviewed_at"])),
        "day": day_text(row["day"]), "review_state": row["review_state"],
        "state_before": _state_dict(card_before(row, row["review_state"])),
        "state_after": _state_dict(after),
        "topic": row["topic"],
    }


def check_file(path: str | os.PathLike, *, full: bool = False) -> int:
    """Check that a file is a healthy trainer database without changing it.

    Args:
        path: the file.
        full: run `PRAGMA integrity_check` (reads every page) instead of `quick_check`, which
            misses some damage, such as a truncated end of file.

    Returns:
        Its number of reviews.

    Raises:
        NotADatabaseError, NotTrainerDatabaseError, CorruptDatabaseError, NewerSchemaError: as for `Store.open`.
    """
    path = Path(path)
    if not path.is_file():
        raise CannotOpenDatabaseError(f"{path}: no such file")
    _check_header(path)
    try:
        conn = _connect_read_only(path)
    except sqlite3.Error as exc:
        raise classify(exc, path, "open the database") from None
    try:
        result = [str(r[0]) for r in conn.execute(f"PRAGMA {'integrity_check' if full else 'quick_check'}")]
        if result != ["ok"]:
            raise CorruptDatabaseError(f"{path}: failed its integrity check ({'; '.join(result[:3])})")
        not_ours = identify(conn)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not_ours is None and not {"reviews", "cards"} <= tables:
            not_ours = "it has no trainer tables"
        if not_ours is not None:
            raise NotTrainerDatabaseError(f"{path}: not a trainer progress database: {not_ours}")
        if any(n not in KNOWN for n in applied_names(conn)):
            raise NewerSchemaError(f"{path}: written by a newer trainer")
        return int(conn.execute("SELECT count(*) FROM reviews").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise classify(exc, path, "read the database") from None
    finally:
        conn.close()


def restore(source: str | os.PathLike, target: str | os.PathLike) -> int:
    """Replace the database at `target` with the backup `source`, through the backup API.

    The caller is responsible for confirmation and a safety backup of `target` first.

    Returns:
        The number of reviews restored.

    Raises:
        StoreError (or a subclass): `source` is not a healthy trainer database; `target` untouched.
    """
    n = check_file(source)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_S)
        try:
            src.backup(dest)
        finally:
            dest.close()
    except sqlite3.Error as exc:
        error = classify(exc, target, "restore the backup")
        raise type(error)(f"{target}: restore failed ({exc})") from None
    finally:
        src.close()
    Store.open(target).close()  # bring an older backup's schema up to date
    return n
