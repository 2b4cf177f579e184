"""Grading: read a typed answer, compare it with the solver's answer, diagnose a known slip.

Core layer. Uses the expression language; never the template loader. `grade(instance, text)` returns a
`Verdict`; text that cannot be read is refused with an `InputError` (never a lapse)."""

from trainer.core._lazy import lazy_exports

_EXPORTS = {
    "grade": "grade", "Verdict": "grade", "Diagnosis": "grade", "InputError": "grade",
    "answer_text": "grade", "expected_text": "grade",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
