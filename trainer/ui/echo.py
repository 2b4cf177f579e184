"""Live echo of a typed answer: how the learner-input parser reads it, or where it stops reading.

UI layer adapter over `trainer.core.mathinput` (the grading helper's parser, pure core). Called on
every keystroke on the UI thread, so it only parses (microseconds), never grades.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_ECHO = 2000  # longer text is not echoed live (grading still bounds and reports it)


@dataclass(frozen=True)
class Reading:
    """What the parser made of the text: `shown` on success, else `message` at `position`."""

    shown: str = ""
    message: str = ""
    position: int | None = None
    hint: str | None = None

    @property
    def ok(self) -> bool:
        return not self.message


def _parser():
    try:
        from trainer.core import mathinput
    except ImportError:  # the parser is not installed yet: echo nothing rather than fail
        return None
    return mathinput


def read_answer(text: str, instance: Any) -> Reading:
    """Parse `text` as an answer to `instance` for display only (never graded here)."""
    text = text.strip()
    if not text or len(text) > MAX_ECHO:
        return Reading()
    module = _parser()
    if module is None:
        return Reading(shown=text)
    answer = getattr(instance, "answer", None)
    spec = getattr(answer, "spec", None) or answer
    try:
        parse = getattr(module, "parse_answer", None)
        parsed = parse(text, spec) if parse is not None else module.parse(text)
    except ValueError as exc:  # ExprError / InputError carry message, position and hint
        return Reading(
            message=getattr(exc, "message", None) or str(exc),
            position=getattr(exc, "position", None),
            hint=getattr(exc, "hint", None),
        )
    except Exception:  # an echo must never crash the screen; grading reports properly
        return Reading(shown=text)
    return Reading(shown=_shown(parsed, text))


def _shown(parsed: Any, text: str) -> str:
    for attr in ("display", "text", "shown"):
        value = getattr(parsed, attr, None)
        if isinstance(value, str):
            return value
    if isinstance(parsed, str):
        return parsed
    try:
        from trainer.core.expr import to_text

        return to_text(parsed)
    except Exception:
        return text
