"""Grading a value answer (number, integer, vector, matrix, set, direction) that has been read.

Core layer, grading. The value comes evaluated from `trainer.core.grading.reading`; this module checks
it by type and, when it is wrong, asks the diagnosis which mistake it is.
"""

from __future__ import annotations

from typing import Any

from trainer.core.grading.checks import check_value
from trainer.core.grading.diagnosis import diagnose_value
from trainer.core.grading.reading import PartReading
from trainer.core.grading.verdict import PartResult


def grade_value(instance: Any, ans: Any, reading: PartReading, part: int | None) -> PartResult:
    """Grade one read value.

    Args:
        instance: the instance (mistakes and parameters for the diagnosis).
        ans: the answer or part.
        reading: its reading (`value` set).
        part: the part index, or None.

    Returns:
        The result; a wrong value carries the diagnosis' message when one is found.
    """
    typed = reading.value
    outcome = check_value(ans.type, ans, ans.value, typed)
    if outcome.correct:
        return PartResult(True, 1.0, "Correct.", reading.shown)
    diagnosis = diagnose_value(instance, ans, typed, part)
    feedback = outcome.feedback if diagnosis is None else diagnosis.message
    return PartResult(False, outcome.score, feedback, reading.shown, diagnosis)
