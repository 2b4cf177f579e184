"""The clock of a run: the system's UTC time, or one that starts at `$TRAINER_NOW` and then runs.

CLI layer (the composition root resolves the clock and hands it to the session). `TRAINER_NOW`
holds an ISO 8601 time with its zone (`2026-12-10T09:00:00+00:00`); the run's clock starts there
and advances in real time (a monotonic clock), so response times still mean something while
scheduling over days can be tried without faking the system clock. An unreadable value is a usage
error (exit 2). Days and time zones for display are not decided here.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone

from trainer.cli import UserError

ENV = "TRAINER_NOW"

_resolved: dict[str | None, Callable[[], datetime]] = {}


def parse_now(text: str) -> datetime:
    """The instant a `TRAINER_NOW` value names, in UTC.

    Args:
        text: an ISO 8601 time with a zone, e.g. 2026-12-10T09:00:00+00:00 (or ...Z).

    Returns:
        The instant as a UTC datetime.

    Raises:
        UserError: (exit 2) the text is not such a time, or has no zone.
    """
    value = text.strip()
    example = "e.g. TRAINER_NOW=2026-12-10T09:00:00+00:00"
    try:
        when = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value)
    except ValueError:
        raise UserError(f"{ENV}={text!r} is not an ISO 8601 time ({example})", 2) from None
    if when.tzinfo is None or when.utcoffset() is None:
        raise UserError(f"{ENV}={text!r} has no time zone; add one ({example})", 2)
    return when.astimezone(timezone.utc)


def make_clock(environ: Mapping[str, str] | None = None, *,
               monotonic: Callable[[], float] = time.monotonic) -> Callable[[], datetime]:
    """A clock for this run: `TRAINER_NOW` advancing in real time, or the system's UTC time.

    Args:
        environ: where to read `TRAINER_NOW` (default: the process environment).
        monotonic: seconds from a steady clock (a test passes its own).

    Returns:
        A callable returning UTC-aware datetimes.

    Raises:
        UserError: (exit 2) `TRAINER_NOW` is set but unreadable.
    """
    text = (os.environ if environ is None else environ).get(ENV)
    if not text:
        return lambda: datetime.now(timezone.utc)
    start, origin = parse_now(text), monotonic()
    return lambda: start + timedelta(seconds=monotonic() - origin)


def run_clock() -> Callable[[], datetime]:
    """The clock of this process, made once per `TRAINER_NOW` value (so it keeps running).

    Raises:
        UserError: (exit 2) `TRAINER_NOW` is set but unreadable.
    """
    key = os.environ.get(ENV)
    if key not in _resolved:
        _resolved[key] = make_clock()
    return _resolved[key]
