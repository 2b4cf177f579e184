"""Grading a value answer (number, integer, vector, matrix, set, direction) that has been read.

Core layer, grading. The value comes evaluated from `trainer.core.grading.reading`; this module checks
it by type and, when it is wrong, asks the diagnosis which mistake it is.
"""

from __future__ import annotations

from typing import Any

from trainer.core.grading.checks import check_value, judge
from trainer.core.grading.diagnosis import diagnose_value
from trainer.core.grading.reading import UNITS, PartReading, unit_factor
from trainer.core.grading.verdict import Diagnosis, PartResult

WRONG_UNIT = "wrong-unit"


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
    unit_slip = _unit_slip(ans, reading)
    if unit_slip is not None:
        return PartResult(False, 0.0, unit_slip.message, reading.shown, unit_slip)
    correct, score = judge(ans.type, ans, ans.value, typed)
    if correct:
        return PartResult(True, 1.0, "Correct.", reading.shown)
    diagnosis = diagnose_value(instance, ans, typed, part)
    if diagnosis is not None:  # its message is the feedback: the checker's own is not written
        return PartResult(False, score, diagnosis.message, reading.shown, diagnosis)
    outcome = check_value(ans.type, ans, ans.value, typed)
    return PartResult(False, outcome.score, outcome.feedback, reading.shown, None)


def _unit_slip(ans: Any, reading: PartReading) -> Diagnosis | None:
    """A value typed in another unit than the answer's (bits for nats): named as that slip."""
    want = getattr(ans, "unit", "") or ""
    if not reading.unit or not want or reading.unit == want or reading.unit in UNITS.get(want, ("", ()))[1]:
        return None
    factor = unit_factor(reading.unit, want)
    if factor is None:
        return None
    in_answer_unit = reading.value * factor
    if check_value(ans.type, ans, ans.value, in_answer_unit).correct:
        how = (f"that is the right amount, but the question asks for it in {want}: convert it "
               f"(1 {reading.unit.rstrip('s')} = {factor:.4g} {want})")
    elif check_value(ans.type, ans, ans.value, reading.value).correct:
        how = f"the number is the answer in {want}, so the unit you wrote is wrong"
    else:
        how = f"the question asks for {want}"
    message = f"You gave {reading.unit}, not {want}: {how}."
    if UNITS.get(reading.unit, ("",))[0] == "information":
        message += " Bits come from log base 2, nats from the natural log."
    return Diagnosis(WRONG_UNIT, message)
