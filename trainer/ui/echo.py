"""Live echo of a typed answer: how the learner-input parser reads it, or where it stops reading.

UI layer adapter over `trainer.core.language.mathinput` (the grading helper's parser, pure core). Called on
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


ARRAY_TYPES = ("vector", "matrix", "set", "direction")


def read_answer(text: str, instance: Any) -> Reading:
    """Parse `text` as an answer to `instance` for display only (never graded here).

    Multi-part answers are read part by part (separated by `|`), positions staying those of the
    whole text; a choice is echoed as the option it names.
    """
    if not text.strip() or len(text) > MAX_ECHO:
        return Reading()
    try:
        from trainer.core.language import mathinput
    except ImportError:  # the parser is not there: echo nothing rather than fail
        return Reading(shown=text.strip())
    answer = getattr(instance, "answer", None)
    if getattr(answer, "type", None) == "multi" and getattr(answer, "parts", ()):
        shown, offset = [], 0
        for i, chunk in enumerate(text.split("|")):
            part = answer.parts[min(i, len(answer.parts) - 1)]
            reading = _read_one(mathinput, chunk, part)
            if not reading.ok:
                pos = None if reading.position is None else reading.position + offset
                return Reading(message=reading.message, position=pos, hint=reading.hint)
            shown.append(reading.shown)
            offset += len(chunk) + 1
        return Reading(shown="  |  ".join(shown))
    return _read_one(mathinput, text, answer)


def _read_one(mathinput: Any, text: str, answer: Any) -> Reading:
    atype = getattr(answer, "type", "number")
    if atype == "choice":
        options = getattr(answer, "options", ()) or ()
        key = text.strip().lower()
        letters = "abcdefghijklmnopqrstuvwxyz"
        index = letters.index(key) if len(key) == 1 and key in letters else (
            int(key) - 1 if key.isdigit() else -1)
        if 0 <= index < len(options):
            return Reading(shown=f"({letters[index]}) {options[index]}")
        return Reading(message=f"choose one of a–{letters[max(0, len(options) - 1)]}", position=0)
    variables = tuple(getattr(answer, "variable_names", ())) if atype == "formula" else ()
    try:
        node = mathinput.parse_answer(text, variables=variables, percent=bool(getattr(answer, "percent", False)),
                                      arrays=atype in ARRAY_TYPES)
        return Reading(shown=mathinput.echo(node))
    except ValueError as exc:  # MathInputError carries message, position and hint
        return Reading(message=getattr(exc, "message", None) or str(exc),
                       position=getattr(exc, "position", None), hint=getattr(exc, "hint", None))
    except Exception:  # an echo must never crash the screen; grading reports properly
        return Reading(shown=text.strip())
