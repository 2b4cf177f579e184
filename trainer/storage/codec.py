"""The compact forms of review columns (schema version 3) and their inverses.

Storage layer. A review row keeps its uid as 16 bytes, its times as whole microseconds since the
epoch, its learning day as a day number and the card before it as plain columns, because at a
million reviews every byte of a row is a megabyte of file (see docs/data.md, "Version 3"). Each
encoder here has an exact inverse, so a backup exported from the compact file carries the same
text as before, and the migration and the store share one definition.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from trainer.core.scheduling import STATE_CODES, CardState, parse_time

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
EPOCH_DAY = date(1970, 1, 1)
_US = timedelta(microseconds=1)
_HEX_UID = re.compile(r"[0-9a-f]{32}")
STATE_NAMES = {code: name for name, code in STATE_CODES.items()}

#: The card-before columns of `reviews`, in the order `before_values` returns them.
BEFORE_COLUMNS = ("before_state", "before_step", "before_stability", "before_difficulty", "before_due",
                  "before_last_review", "before_reps", "before_lapses", "before_leech")


def uid_key(uid: str) -> bytes | str:
    """The stored form of a review uid: 16 bytes for a lowercase 32-digit hex uid (a uuid4's
    `.hex`, what trainer writes), else the text itself, so any uid from an old file or a backup
    keeps its identity and comes back unchanged from `uid_text`."""
    uid = str(uid)
    return bytes.fromhex(uid) if _HEX_UID.fullmatch(uid) else uid


def uid_text(stored: bytes | str) -> str:
    """Inverse of `uid_key`."""
    return stored.hex() if isinstance(stored, bytes) else str(stored)


def time_us(when: datetime | str | None) -> int | None:
    """Microseconds since 1970-01-01 UTC (exact: every stored time has microsecond resolution).

    Args:
        when: an aware datetime, ISO 8601 text (naive text is UTC, as `parse_time` reads it), or None.

    Returns:
        The integer, or None for None or empty text.

    Raises:
        ValueError: unreadable text.
    """
    if isinstance(when, str) or when is None:
        when = parse_time(when)
        if when is None:
            return None
    return (when - EPOCH) // _US


def from_us(us: int | None) -> datetime | None:
    """Inverse of `time_us`: an aware UTC datetime, or None."""
    return None if us is None else EPOCH + timedelta(microseconds=int(us))


def day_number(day: str) -> int:
    """A learning day 'YYYY-MM-DD' as days since 1970-01-01.

    Raises:
        ValueError: not a date in that form.
    """
    return (date.fromisoformat(str(day)) - EPOCH_DAY).days


def day_text(number: int) -> str:
    """Inverse of `day_number`."""
    return (EPOCH_DAY + timedelta(days=int(number))).isoformat()


def before_values(card: CardState, review_state: int) -> tuple:
    """The card-before columns of a review, in `BEFORE_COLUMNS` order.

    `before_state` is NULL when the state is the review's `review_state` (always so for reviews
    trainer records), so it costs a byte only for rows that disagree.
    """
    code = STATE_CODES[card.state]
    return (None if code == review_state else code, card.step, card.stability, card.difficulty,
            time_us(card.due), time_us(card.last_review), card.reps, card.lapses, int(card.leech))


def card_before(row, review_state: int) -> CardState:
    """Inverse of `before_values`: the card before a review, from a row mapping with the
    `BEFORE_COLUMNS` keys."""
    code = row["before_state"]
    return CardState(state=STATE_NAMES[review_state if code is None else code], step=row["before_step"],
                     stability=row["before_stability"], difficulty=row["before_difficulty"],
                     due=from_us(row["before_due"]), last_review=from_us(row["before_last_review"]),
                     reps=row["before_reps"], lapses=row["before_lapses"], leech=bool(row["before_leech"]))
