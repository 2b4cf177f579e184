"""One entry point for the value checkers: a typed value against an expected value, by answer type.

Core layer, grading. Used to grade a value answer and, by the diagnosis, to test whether a typed
value is one of the anticipated mistakes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainer.core.grading.cells import check_cells
from trainer.core.grading.direction import check_direction
from trainer.core.grading.measure import as_vector
from trainer.core.grading.number import check_number
from trainer.core.grading.precision import precision_of
from trainer.core.grading.sets import check_set
from trainer.core.grading.verdict import PartResult


def check_value(atype: str, ans: Any, expected: Any, typed: np.ndarray) -> PartResult:
    """Check a typed value against `expected` as an answer of type `atype`.

    Args:
        atype: number, integer, vector, matrix, set or direction.
        ans: the answer (tolerances, significant figures).
        expected: the value to compare with (the answer's, or a mistake's).
        typed: the typed value.

    Returns:
        The result; an unknown type gives a result that is not correct. Never raises.
    """
    exp = np.asarray(expected, dtype=float)
    if atype in ("number", "integer"):
        return check_number(atype, ans, exp, typed)
    if atype == "vector":
        return check_cells(ans, exp, as_vector(typed))
    if atype == "matrix":
        return check_cells(ans, exp, typed)
    if atype == "set":
        return check_set(ans, exp, as_vector(typed))
    if atype == "direction":
        return check_direction(ans, exp, as_vector(typed))
    return PartResult(False, 0.0, f"answers of type {atype!r} cannot be graded")


def accepts(atype: str, ans: Any, expected: Any, typed: np.ndarray) -> bool:
    """`check_value(atype, ans, expected, typed).correct`, without writing the feedback.

    The diagnosis and `trainer check` ask this of every anticipated mistake; most are wrong, and
    explaining how (cells named, a reordering looked for, how close) cost more than the verdict.

    Args:
        atype: number, integer, vector, matrix, set or direction.
        ans: the answer (tolerances, significant figures).
        expected: the value to compare with.
        typed: the typed value.

    Returns:
        Whether the typed value is accepted for `expected`. Never raises.
    """
    if atype == "number" or atype == "vector" or atype == "matrix":
        exp = np.asarray(expected, dtype=float)
        if atype == "number":
            if typed.size != 1:
                return False
            return bool(precision_of(ans).within(float(typed.reshape(-1)[0]), float(exp.reshape(-1)[0])))
        cells = as_vector(typed) if atype == "vector" else typed
        if cells.shape != exp.shape:
            return False
        scale = float(np.max(np.abs(exp))) if exp.size else 0.0
        return bool(precision_of(ans).within(cells, exp, scale).all())
    return check_value(atype, ans, expected, typed).correct
