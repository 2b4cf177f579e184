"""Time on the scheduling side: UTC-only datetimes, their fixed-width text, and learning-day boundaries.

Core layer, pure. fsrs demands `timezone.utc` datetimes; SQL sorts times as text, so every stored
time goes through `iso`. The learning day is a local calendar day that starts at a chosen hour
(Anki's "next day starts at"): the hour and the zone are passed in by the session from the
learner's settings (see docs/data.md); `resolve_timezone` turns the `timezone` setting into a tzinfo.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: The `timezone` setting that means "this machine's zone".
LOCAL_ZONE = "local"


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


def resolve_timezone(name: str) -> tzinfo:
    """The zone a `timezone` setting names.

    Args:
        name: "local" (the machine's zone: `datetime.now().astimezone().tzinfo`, read when called),
            "UTC", or an IANA name such as "America/New_York".

    Returns:
        A tzinfo.

    Raises:
        ValueError: not "local" and not a zone the tz database knows.
    """
    if name == LOCAL_ZONE:
        return datetime.now().astimezone().tzinfo or timezone.utc
    if name.upper() == "UTC":
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone {name!r} (use 'local', 'UTC' or an IANA name "
                         "such as 'Europe/Paris')") from None


def _check_hour(day_start_hour: int) -> int:
    if not isinstance(day_start_hour, int) or not 0 <= day_start_hour <= 23:
        raise ValueError(f"day_start_hour must be a whole hour 0..23, got {day_start_hour!r}")
    return day_start_hour


def day_of(now: datetime, day_start_hour: int = 0, tz: tzinfo = timezone.utc) -> str:
    """The learning day a moment belongs to, 'YYYY-MM-DD'.

    The day named D runs from D at `day_start_hour` (local wall time in `tz`) to the same hour on
    D + 1: with a 04:00 start, 02:30 local still counts as the day before. The defaults (0, UTC)
    are the UTC calendar date, how days were counted before these settings existed.

    Args:
        now: an aware moment.
        day_start_hour: the local hour the day starts at, 0..23.
        tz: the learner's zone.

    Returns:
        The day's date in ISO form.

    Raises:
        ValueError: `now` is naive or the hour is out of range.
    """
    local = require_utc(now).astimezone(tz)
    # Wall-clock arithmetic (aware datetimes subtract in local time), so a DST change does not move the boundary.
    return (local.replace(tzinfo=None) - timedelta(hours=_check_hour(day_start_hour))).date().isoformat()


def day_start(day: str | date, day_start_hour: int = 0, tz: tzinfo = timezone.utc) -> datetime:
    """When the learning day `day` starts, in UTC.

    Args:
        day: 'YYYY-MM-DD' or a date.
        day_start_hour: the local hour the day starts at, 0..23.
        tz: the learner's zone.

    Returns:
        A UTC datetime.
    """
    when = date.fromisoformat(day) if isinstance(day, str) else day
    local = datetime.combine(when, time(_check_hour(day_start_hour)), tzinfo=tz)
    return local.astimezone(timezone.utc)


def next_day_start(now: datetime, day_start_hour: int = 0, tz: tzinfo = timezone.utc) -> datetime:
    """When the learning day after the one holding `now` starts (UTC): buried cards come back and
    daily limits reset.

    Args:
        now: an aware moment.
        day_start_hour: the local hour the day starts at, 0..23.
        tz: the learner's zone.

    Returns:
        A UTC datetime after `now`.

    Raises:
        ValueError: `now` is naive or the hour is out of range.
    """
    today = date.fromisoformat(day_of(now, day_start_hour, tz))
    return day_start(today + timedelta(days=1), day_start_hour, tz)


def interval_words(days: float | None) -> str:
    """An interval as a learner reads it in a history table: "10 min", "5 h", "3 d", "4 mo"."""
    if days is None:
        return "–"
    if days < 1 / 24:
        return f"{max(1, round(days * 1440))} min"
    if days < 1:
        return f"{round(days * 24)} h"
    return f"{days:.0f} d" if days < 100 else f"{days / 30:.0f} mo"
