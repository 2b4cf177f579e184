"""Grading: read a typed answer, check it against the instance's answer, and name the mistake.

Core layer, grading. `grade(instance, text)` reads the text with the one reader of typed answers
(`trainer.core.grading.reading`, the same the live echo shows; nothing typed is ever executed) and
grades exactly that reading by answer type: `values` (number, integer, vector, matrix, set,
direction), `choice`, `formula` and `multi`. Before it calls an answer wrong it asks the diagnosis
which anticipated mistake or generic slip it is. A text that cannot be read gives a verdict with
`error` set: it is never graded and never counts as a lapse. `answer_text` and `expected_text` say
what a right answer looks like, typed and shown.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainer.core._memo import ByIdentity
from trainer.core.grading.choice import grade_choice
from trainer.core.grading.formula import grade_formula
from trainer.core.grading.multi import grade_multi
from trainer.core.grading.reading import LETTERS, PartReading, read_instance_answer
from trainer.core.grading.values import grade_value
from trainer.core.grading.verdict import InputError, PartResult, Verdict
from trainer.core.language.printing import to_input_text, to_text


def grade(instance: Any, text: str) -> Verdict:
    """Grade what a learner typed for an instance.

    Args:
        instance: a `trainer.core.templates.generation.Instance` (its `answer`, `mistakes`, `params`,
            `seed`, `solution` are read).
        text: the typed answer, any text at all.

    Returns:
        The verdict, carrying the reading it graded; an unreadable answer gives `error` set,
        `correct` False and no diagnosis. Never raises for any text.
    """
    ans = instance.answer
    expected = expected_text(ans)
    solution = getattr(instance, "solution", "") or ""
    reading = read_instance_answer(instance, text)
    error = reading.error
    if error is None:
        try:
            if ans.type == "multi":
                result = grade_multi(instance, ans, reading, _grade_part)
            else:
                result = _grade_part(instance, ans, reading.parts[0], None)
        except (RecursionError, MemoryError):  # defence in depth: reading bounds depth and size
            error = InputError("the answer is too complex to grade")
    if error is not None:
        feedback = f"Could not read the answer: {error.message}" + (f" ({error.hint})" if error.hint else "")
        return Verdict(False, 0.0, None, feedback, expected, None, solution, error, reading)
    return Verdict(result.correct, float(result.score), result.diagnosis, result.feedback, expected,
                   reading.shown, solution, None, reading)


def _grade_part(instance: Any, ans: Any, part_reading: PartReading, part: int | None) -> PartResult:
    if ans.type == "choice":
        return grade_choice(instance, ans, part_reading, part)
    if ans.type == "formula":
        return grade_formula(instance, ans, part_reading, part)
    return grade_value(instance, ans, part_reading, part)


def expected_text(answer: Any) -> str:
    """The expected answer as shown to the learner.

    Args:
        answer: the instance's `Answer`.

    Returns:
        Its display form; for a choice, the letter as shown and the option text.
    """
    if answer.type == "choice":
        return f"{LETTERS[answer.correct]}: {answer.options[answer.correct]}"
    return str(answer.display)


def answer_text(instance: Any, mistake: Any = None) -> str:
    """What a learner would type for the instance's answer (or for one of its mistakes).

    Full precision, in a form `parse_answer` reads back; used by the self-grading tests and the UI.

    Args:
        instance: the instance.
        mistake: one of `instance.mistakes`, to type that mistake instead of the answer.

    Returns:
        The text.
    """
    ans = instance.answer
    if ans.type == "choice":
        return LETTERS[mistake.option if mistake is not None else ans.correct]
    if ans.type == "multi":
        return " | ".join(
            _value_text(p.type, mistake.value if mistake is not None and mistake.part == i else p.value)
            for i, p in enumerate(ans.parts))
    return _value_text(ans.type, mistake.value if mistake is not None else ans.value)


#: A formula tree's typed text: a formula answer's and its mistakes' trees are the template's own,
#: the same on every seed.
_TYPED: ByIdentity[str] = ByIdentity(512)


def _typed_text(value: Any) -> str:
    try:
        return to_input_text(value)
    except ValueError:
        return to_text(value)


def _value_text(atype: str, value: Any) -> str:
    if atype == "formula":
        return _TYPED.get(value, _typed_text)
    if type(value) is float:  # one number (most answers and mistakes): already the float written
        return str(int(round(value))) if atype == "integer" else repr(value)
    arr = np.asarray(value, dtype=float)
    if atype == "integer":
        return str(int(round(float(arr))))
    if arr.ndim == 0:
        return repr(float(arr))
    # `tolist` gives each entry as the Python float `float(entry)` is, without a NumPy scalar apiece.
    if arr.ndim == 1:
        return "[" + ", ".join(map(repr, arr.tolist())) + "]"
    if arr.ndim == 2:
        return "[" + ", ".join("[" + ", ".join(map(repr, row)) + "]" for row in arr.tolist()) + "]"
    return "[" + ", ".join("[" + ", ".join(repr(float(x)) for x in row) + "]" for row in arr) + "]"
