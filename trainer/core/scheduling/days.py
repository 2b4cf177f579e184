"""Time on the scheduling side: UTC-only datetimes, their fixed-width text, and learning-day boundaries.

Core layer, pure. fsrs demands `timezone.utc` datetimes; SQL sorts times as text, so every stored
time goes through `iso`, and the learning day is the UTC calendar date (see docs/data.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


def iso(when: datetime | None) -> str | None:
    """Fixed-width ISO 8601 UTC text (sorts as text in SQL), or None."""
    if when is None:
        return None
    return when.astimezone(timezone.utc).isoformat(timespec="microseconds")


def parse_time(text: str | None) -> datetime | None:
    """Inverse of `iso`; naive text is taken as UTC."""
    if not text:
        return None
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def require_utc(now: datetime) -> datetime:
    """Return `now` as a datetime whose tzinfo is exactly `timezone.utc` (what fsrs demands).

    Raises:
        ValueError: `now` is naive (a local time would silently shift every schedule).
    """
    if now.tzinfo is None:
        raise ValueError("the clock must return timezone-aware datetimes (UTC)")
    return now.astimezone(timezone.utc)


def day_of(now: datetime) -> str:
    """The learning day a moment belongs to: its UTC calendar date, 'YYYY-MM-DD'.

    The day boundary is UTC midnight for everyone (documented in docs/data.md): simple, and the same
    on every machine that shares a database.
    """
    return require_utc(now).date().isoformat()


def next_day_start(now: datetime) -> datetime:
    """UTC midnight after `now`: when buried cards come back and daily limits reset."""
    now = require_utc(now)
    return datetime(now.year, now.month, now.day, tzinfo=timezone.utc) + timedelta(days=1)
