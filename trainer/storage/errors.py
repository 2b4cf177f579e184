"""What can go wrong with the progress database, as exception classes that say what happened and what to do.

Storage layer. Each class carries its own advice, so a read-only folder or a full disk is never
reported as damage (whose advice, restoring a backup, would replace a good file). `classify` maps an
`sqlite3.Error` to the right class by SQLite's result code (`sqlite_errorcode`, Python ≥ 3.11), with
the error text as a fallback. Standard library only, so the CLI can import it to report errors cheaply.
"""

from __future__ import annotations

import sqlite3
from os import PathLike

# SQLite primary result codes (https://sqlite.org/rescode.html); extended codes keep them in the low byte.
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26


class StoreError(Exception):
    """The database cannot be used (or not for this); the message says why and names the file.

    Attributes:
        advice: what the learner can do about it ("" when the message says it all).
        retryable: trying the same thing again can succeed once the cause is fixed (nothing was lost).
    """

    advice = ""
    retryable = False

    def __init__(self, message: str, advice: str | None = None):
        if advice is not None:
            self.advice = advice
        super().__init__(f"{message}. {self.advice}" if self.advice and not message.endswith(".")
                         else f"{message} {self.advice}".rstrip())
        self.reason = message


class NotADatabaseError(StoreError):
    """The file exists but is not an SQLite database (or not a trainer one)."""


class NotTrainerDatabaseError(NotADatabaseError):
    """An SQLite database, but another program's: trainer refuses it and never writes to it."""

    advice = ("trainer has not changed it. Point --db (or TRAINER_DB) at a trainer database, "
              "or at a new file to start one.")


class CorruptDatabaseError(StoreError):
    """The file is an SQLite database that fails its integrity check (damaged)."""

    advice = "Left untouched. Restore a backup with `trainer restore` (see `trainer backup --list`)."


class NewerSchemaError(StoreError):
    """The file was written by a newer trainer whose migrations this version does not know."""


class ConflictError(StoreError):
    """A write would act on stale state (e.g. undoing a review the card has moved past)."""


class CannotOpenDatabaseError(StoreError):
    """The file or its folder cannot be opened at all (missing folder, permissions, a path that is not a file)."""

    advice = "Check that the path exists and that you may read it (and its folder)."


class ReadOnlyDatabaseError(StoreError):
    """The database can be read but not written (file, folder or disk read-only); nothing was saved."""

    advice = ("Nothing is lost, and your progress can still be read (`trainer stats`, `trainer export`). "
              "Make the file and its folder writable, then try again.")
    retryable = True


class DiskFullError(StoreError):
    """The disk holding the database is full; nothing was saved, the file is intact."""

    advice = "Nothing is lost and the file is intact. Free some disk space, then try again."
    retryable = True


class DatabaseLockedError(StoreError):
    """Another program holds a lock on the database for longer than trainer waits."""

    advice = ("Nothing was saved and nothing is lost. Another program (or another trainer) is using the "
              "database; close it, then try again.")
    retryable = True


class DiskError(StoreError):
    """The operating system reported an input/output error reading or writing the file."""

    advice = ("The disk or file system reported an error; the file itself may be fine. Check the disk "
              "(and free space), then try again. Restore a backup only if `trainer stats` also fails.")
    retryable = True


def result_code(exc: sqlite3.Error) -> int | None:
    """SQLite's primary result code of an error, read from the exception or, failing that, its text.

    Args:
        exc: an error raised by sqlite3.

    Returns:
        The primary code (e.g. 8 for SQLITE_READONLY), or None when it cannot be told.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    text = str(exc).lower()
    for needle, primary in (("readonly", SQLITE_READONLY), ("read-only", SQLITE_READONLY),
                            ("disk is full", SQLITE_FULL), ("database is locked", SQLITE_BUSY),
                            ("table is locked", SQLITE_LOCKED), ("malformed", SQLITE_CORRUPT),
                            ("not a database", SQLITE_NOTADB), ("unable to open", SQLITE_CANTOPEN),
                            ("disk i/o error", SQLITE_IOERR)):
        if needle in text:
            return primary
    return None


def classify(exc: sqlite3.Error, path: str | PathLike | None, action: str = "use") -> StoreError:
    """The StoreError subclass that says what an sqlite3 error means for the database at `path`.

    Args:
        exc: the error sqlite3 raised.
        path: the database file (None or ":memory:" for an in-memory one).
        action: what was being done, for the message ("save the review", "open", "read").

    Returns:
        A StoreError subclass instance (not raised), naming the file and the cause.
    """
    label = path if path is not None else ":memory:"
    code = result_code(exc)
    if code == SQLITE_READONLY:
        return ReadOnlyDatabaseError(f"{label}: cannot {action}: the database is read-only ({exc})")
    if code == SQLITE_FULL:
        return DiskFullError(f"{label}: cannot {action}: the disk is full ({exc})")
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return DatabaseLockedError(f"{label}: cannot {action}: the database is locked by another program")
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return CorruptDatabaseError(f"{label}: damaged or not a database ({exc})")
    if code == SQLITE_CANTOPEN:
        return CannotOpenDatabaseError(f"{label}: cannot open the database file ({exc})")
    if code == SQLITE_IOERR:
        return DiskError(f"{label}: cannot {action}: input/output error ({exc})")
    return StoreError(f"{label}: cannot {action} ({exc})")
