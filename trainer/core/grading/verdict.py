"""What grading returns: the verdict, the named mistake, the refusal of unreadable text.

Core layer, grading. Plain frozen dataclasses that own their JSON form (`trainer grade --json`); the
session and the UI read them. `PartResult` is the grading of one part, before the verdict adds the
expected answer and the worked solution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only for the annotation: reading imports this module
    from trainer.core.grading.reading import Reading


@dataclass(frozen=True)
class Diagnosis:
    """A named mistake: the template's own mistake id, or a generic slip id from `slips.SLIPS`."""

    id: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "message": self.message}


@dataclass(frozen=True)
class InputError:
    """Why a typed answer could not be read: message, 0-based position in the text, and a hint."""

    message: str
    position: int | None = None
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"message": self.message, "position": self.position, "hint": self.hint}


@dataclass(frozen=True)
class Verdict:
    """The outcome of grading one typed answer.

    Attributes:
        correct: whether the answer is right (always False when `error` is set).
        score: 0..1, partial credit per part, per cell or per set element.
        diagnosis: the named mistake, or None.
        feedback: one or a few sentences for the learner.
        expected: the expected answer in display form.
        parsed: the typed answer echoed in mathematical form (None when it could not be read); the
            same text the live echo shows (`reading.shown`).
        solution: the worked solution of the instance.
        error: set when the text could not be read (then nothing was graded).
        reading: what `trainer.core.grading.reading.read_answer` made of the text: exactly what
            was graded (not part of the JSON form).
    """

    correct: bool
    score: float
    diagnosis: Diagnosis | None
    feedback: str
    expected: str
    parsed: str | None
    solution: str
    error: InputError | None = None
    reading: Reading | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (what `trainer grade --json` prints)."""
        return {
            "correct": self.correct, "score": round(float(self.score), 6),
            "diagnosis": self.diagnosis.to_dict() if self.diagnosis else None,
            "feedback": self.feedback, "expected": self.expected, "parsed": self.parsed,
            "solution": self.solution, "error": self.error.to_dict() if self.error else None,
        }


@dataclass
class PartResult:
    """The grading of one part (or of a whole single-part answer)."""

    correct: bool
    score: float
    feedback: str
    parsed: str | None = None
    diagnosis: Diagnosis | None = None
