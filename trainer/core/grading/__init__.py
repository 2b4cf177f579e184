"""Grading: read a typed answer, compare it with the solver's answer, diagnose a known slip.

Core layer. Uses the expression language and the solvers; never the template loader. `read_answer`
is the one reader of typed answers (the live echo shows its reading); `grade(instance, text)` grades
that reading and returns a `Verdict`; text that cannot be read is refused with an `InputError`
(never a lapse). One module per answer type (`values`, `choice`, `formula`, `multi`, with the value
checkers `number`, `cells`, `sets`, `direction`), plus `precision` (the stated precision of numeric
answers), `equivalence`, `diagnosis` and `slips`."""

from trainer.core._lazy import lazy_exports

_EXPORTS = {
    "grade": "grader", "answer_text": "grader", "expected_text": "grader",
    "Verdict": "verdict", "Diagnosis": "verdict", "InputError": "verdict",
    "Reading": "reading", "PartReading": "reading", "read_answer": "reading",
    "read_instance_answer": "reading", "Precision": "precision", "precision_of": "precision",
    "precision_text": "precision",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
