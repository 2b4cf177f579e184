"""Live echo of a typed answer: how the grader will read it, or where it stops reading.

UI layer adapter over `trainer.core.grading.reading.read_answer`, the one reader the grader grades
with, so what the learner sees while typing is exactly what gets graded. Called on every keystroke
on the UI thread: reading parses and evaluates a typed value (bounded, microseconds), never grades.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reading:
    """What the reader made of the text: `shown` on success, else `message` at `position`."""

    shown: str = ""
    message: str = ""
    position: int | None = None
    hint: str | None = None

    @property
    def ok(self) -> bool:
        return not self.message


def read_answer(text: str, instance: Any) -> Reading:
    """Read `text` as an answer to `instance` for display (the grader's own reading).

    Args:
        text: what is in the answer box.
        instance: the instance being answered.

    Returns:
        The printed reading or the refusal with its position and hint; an empty reading for blank
        text, and for anything the reader did not expect (an echo must never crash the screen;
        grading reports properly).
    """
    if not text.strip():
        return Reading()
    try:
        from trainer.core.grading.reading import read_instance_answer

        reading = read_instance_answer(instance, text)
    except Exception:  # noqa: BLE001 - the echo is a courtesy; the grader still reports the answer
        return Reading()
    if reading.error is not None:
        return Reading(message=reading.error.message, position=reading.error.position, hint=reading.error.hint)
    return Reading(shown=reading.shown or "")
