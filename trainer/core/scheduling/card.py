"""The schedule of one template (`CardState`) and its serialisation.

Core layer, pure. A frozen value owning its `to_dict`/`from_dict`, as py-fsrs's `Card` does, so
storage is a thin mapping of it; the state names and their optimizer codes live here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from trainer.core.scheduling.days import iso, parse_time

#: Card states as stored and shown; the numbers are the FSRS optimizer's `review_state` codes.
STATE_CODES = {"new": 0, "learning": 1, "review": 2, "relearning": 3}


@dataclass(frozen=True)
class CardState:
    """The schedule of one template, independent of storage.

    Attributes:
        state: "new" | "learning" | "review" | "relearning".
        step: the learning/relearning step index (None outside those states).
        stability: FSRS stability in days (None while new).
        difficulty: FSRS difficulty 1..10 (None while new).
        due: when the card is next due (None while new).
        last_review: time of the last review (None while new).
        reps: reviews so far.
        lapses: times a card in review state was forgotten (rated Again).
        leech: flagged as a leech (lapses reached the threshold).
    """

    state: str = "new"
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0
    leech: bool = False

    def to_dict(self) -> dict:
        """A JSON-able dict (datetimes as ISO 8601 UTC text)."""
        return {
            "state": self.state,
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": iso(self.due),
            "last_review": iso(self.last_review),
            "reps": self.reps,
            "lapses": self.lapses,
            "leech": self.leech,
        }

    @classmethod
    def from_dict(cls, data: dict) -> CardState:
        """Inverse of `to_dict`.

        Raises:
            ValueError: an unknown state or an unreadable time.
        """
        if data.get("state", "new") not in STATE_CODES:
            raise ValueError(f"unknown card state {data.get('state')!r}")
        return cls(
            state=data.get("state", "new"),
            step=data.get("step"),
            stability=data.get("stability"),
            difficulty=data.get("difficulty"),
            due=parse_time(data.get("due")),
            last_review=parse_time(data.get("last_review")),
            reps=int(data.get("reps") or 0),
            lapses=int(data.get("lapses") or 0),
            leech=bool(data.get("leech")),
        )
