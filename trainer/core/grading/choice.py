"""Choice answers: the option the reading names, checked against the correct one as shown.

Core layer, grading. A wrong option the template anticipates carries its own message.
"""

from __future__ import annotations

from typing import Any

from trainer.core.grading.diagnosis import own_mistakes
from trainer.core.grading.reading import PartReading
from trainer.core.grading.verdict import Diagnosis, PartResult


def grade_choice(instance: Any, ans: Any, reading: PartReading, part: int | None) -> PartResult:
    """Grade a read choice.

    Args:
        instance: the instance (its `mistakes` are read).
        ans: the choice answer.
        reading: its reading (`choice` is the 0-based option index as shown).
        part: the part index, or None.

    Returns:
        The result.
    """
    idx = reading.choice
    if idx == ans.correct:
        return PartResult(True, 1.0, "Correct.", reading.shown)
    for m in own_mistakes(getattr(instance, "mistakes", ()), part):
        if getattr(m, "option", None) == idx:
            return PartResult(False, 0.0, m.message, reading.shown, Diagnosis(m.id, m.message))
    return PartResult(False, 0.0, "Not this one.", reading.shown)
