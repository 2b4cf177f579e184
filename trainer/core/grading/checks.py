"""One entry point for the value checkers: a typed value against an expected value, by answer type.

Core layer, grading. Used to grade a value answer and, by the diagnosis, to test whether a typed
value is one of the anticipated mistakes.
"""

from __future__ import annotations

from collections.abc import Callable
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
    return _judged(atype, ans, expected, typed, False)[0]


def acceptor(atype: str, ans: Any, typed: np.ndarray) -> Callable[[Any], bool]:
    """`lambda expected: accepts(atype, ans, expected, typed)`, with what depends on the typed value
    and the answer alone worked out once: the diagnosis holds one typed value against every listed
    mistake.

    Args:
        atype: number, integer, vector, matrix, set or direction.
        ans: the answer (tolerances, significant figures).
        typed: the typed value.

    Returns:
        The test of an expected value: what `accepts` says of it.
    """
    if atype == "number" and typed.size == 1:  # as `_judged`
        x = float(typed) if typed.ndim == 0 else float(typed.reshape(-1)[0])
        policy = precision_of(ans)

        def number(expected: Any) -> bool:
            b = expected if type(expected) is float else float(np.asarray(expected, dtype=float).reshape(-1)[0])
            return policy.accepts_number(x, b)

        return number
    return lambda expected: _judged(atype, ans, expected, typed, False)[0]


def judge(atype: str, ans: Any, expected: Any, typed: np.ndarray) -> tuple[bool, float]:
    """`check_value`'s (correct, score), without writing the feedback.

    A wrong value that the diagnosis names is told by the diagnosis' message, so the checker's own
    explanation would be written only to be thrown away.

    Args:
        atype: number, integer, vector, matrix, set or direction.
        ans: the answer (tolerances, significant figures).
        expected: the value to compare with.
        typed: the typed value.

    Returns:
        (correct, score) exactly as `check_value(atype, ans, expected, typed)` gives them. Never raises.
    """
    return _judged(atype, ans, expected, typed, True)


def _judged(atype: str, ans: Any, expected: Any, typed: np.ndarray, scored: bool) -> tuple[bool, float]:
    """`judge`; unless `scored`, a wrong value's score is left at 0 (the share of right cells is
    not worked out)."""
    if atype == "number":  # as `check_number`
        if typed.size != 1:
            return False, 0.0
        x = float(typed) if typed.ndim == 0 else float(typed.reshape(-1)[0])
        b = expected if type(expected) is float else float(np.asarray(expected, dtype=float).reshape(-1)[0])
        ok = precision_of(ans).accepts_number(x, b)
        return ok, 1.0 if ok else 0.0
    if atype == "vector" or atype == "matrix":
        exp = np.asarray(expected, dtype=float)
        cells = as_vector(typed) if atype == "vector" else typed  # as `check_cells`
        if cells.shape != exp.shape:
            return False, 0.0
        policy = precision_of(ans)
        if not scored:
            return policy.cells_accept(cells, exp), 0.0
        within = policy.cells_within(cells, exp)
        if all(within):
            return True, 1.0
        return False, sum(within) / len(within)  # `np.mean` of the verdicts
    outcome = check_value(atype, ans, expected, typed)
    return outcome.correct, outcome.score
