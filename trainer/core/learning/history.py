"""Review history from elsewhere: the FSRS optimizer's CSV layout, read and checked row by row.

Core layer, pure: text in, rows out. The layout (as `trainer export --format csv` writes it and the
FSRS optimizer reads it) has a header naming the columns, in any order: `card_id`, `review_time`
(milliseconds since the epoch, UTC), `review_rating` (1 Again … 4 Easy; 0 marks a manual reschedule,
which is not a review and is skipped), and optionally `review_state` (0 new, 1 learning, 2 review,
3 relearning, 4 filtered) and `review_duration` (milliseconds). A bad row stops the whole read with
an error naming its line and column, so nothing is half-imported.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timezone

REQUIRED = ("card_id", "review_time", "review_rating")
OPTIONAL = ("review_state", "review_duration")
#: review_time bounds: 1990-01-01 and 2200-01-01 in ms; outside them a value is seconds or garbage.
_TIME_MIN, _TIME_MAX = 631_152_000_000, 7_258_118_400_000


class HistoryError(ValueError):
    """A review log that cannot be imported; the message names the line and the column."""

    def __init__(self, line: int, column: str | None, message: str):
        where = f"line {line}" + (f", column {column}" if column else "")
        super().__init__(f"{where}: {message}")
        self.line = line
        self.column = column


@dataclass(frozen=True)
class ImportedReview:
    """One row of an imported log (ratings 1..4 only)."""

    card_id: str
    review_time: int
    rating: int
    state: int | None
    duration_ms: int | None

    @property
    def at(self) -> datetime:
        """The review time, UTC-aware."""
        return datetime.fromtimestamp(self.review_time / 1000, tz=timezone.utc)


def _integer(text: str, line: int, column: str, low: int, high: int, what: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise HistoryError(line, column, f"expected {what}, got {text!r}") from None
    if not low <= value <= high:
        raise HistoryError(line, column, f"expected {what}, got {value}")
    return value


def read_review_csv(text: str) -> tuple[list[ImportedReview], int]:
    """Parse a review log in the FSRS optimizer's CSV layout.

    Args:
        text: the whole file, decoded.

    Returns:
        (the reviews in file order, how many manual-reschedule rows with rating 0 were skipped).

    Raises:
        HistoryError: no header, a missing required column, or a bad value (line and column named).
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise HistoryError(1, None, "the file is empty; expected a header "
                           f"({', '.join(REQUIRED + OPTIONAL)})") from None
    except csv.Error as exc:
        raise HistoryError(1, None, f"not CSV ({exc})") from None
    names = [h.strip().lstrip("\ufeff").lower() for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise HistoryError(1, None, f"the header lacks {', '.join(missing)} (found: {', '.join(names) or 'nothing'})")
    index = {name: names.index(name) for name in REQUIRED + OPTIONAL if name in names}
    rows: list[ImportedReview] = []
    skipped = 0
    try:
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            if len(fields) < len(names):
                raise HistoryError(line, None, f"expected {len(names)} fields, got {len(fields)}")
            card = fields[index["card_id"]].strip()
            if not card:
                raise HistoryError(line, "card_id", "empty")
            when = _integer(fields[index["review_time"]], line, "review_time", _TIME_MIN, _TIME_MAX,
                            "milliseconds since 1970 (a whole number between 1990 and 2200)")
            rating = _integer(fields[index["review_rating"]], line, "review_rating", 0, 4, "a rating 1..4")
            state = duration = None
            if "review_state" in index and fields[index["review_state"]].strip():
                state = _integer(fields[index["review_state"]], line, "review_state", 0, 4, "a state 0..4")
            if "review_duration" in index and fields[index["review_duration"]].strip():
                duration = _integer(fields[index["review_duration"]], line, "review_duration", 0, 86_400_000,
                                    "milliseconds (0 to a day)")
            if rating == 0:
                skipped += 1
                continue
            rows.append(ImportedReview(card, when, rating, state, duration))
    except csv.Error as exc:
        raise HistoryError(reader.line_num, None, f"not CSV ({exc})") from None
    return rows, skipped
