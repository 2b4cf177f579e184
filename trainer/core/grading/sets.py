"""Set answers: the typed values matched to the expected ones in any order.

Core layer, grading. Each expected value takes the closest unused typed value within the answer's
stated precision (see `trainer.core.grading.precision`); partial credit is the share matched out of
the larger of the two counts.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainer.core.grading.measure import describe
from trainer.core.grading.precision import precision_of
from trainer.core.grading.verdict import PartResult


def check_set(ans: Any, exp: np.ndarray, typed: np.ndarray) -> PartResult:
    """Check typed values against an unordered set of expected values.

    Args:
        ans: the answer (its precision).
        exp: the expected values.
        typed: the typed values (a vector).

    Returns:
        The result with the share matched as score; never raises.
    """
    exp = exp.reshape(-1)
    if typed.ndim != 1:
        return PartResult(False, 0.0, f"Expected {exp.size} values, got {describe(typed)}.")
    policy = precision_of(ans)
    scale = float(np.max(np.abs(exp))) if exp.size else 0.0
    used = [False] * typed.size
    matched = 0
    for e in np.sort(exp):
        tol = float(policy.tolerance(e, scale))
        best, best_d = None, None
        for j, t in enumerate(typed):
            d = abs(t - e)
            if not used[j] and d <= tol and (best_d is None or d < best_d):
                best, best_d = j, d
        if best is not None:
            used[best] = True
            matched += 1
    total = max(exp.size, typed.size)
    score = matched / total if total else 1.0
    if matched == exp.size == typed.size:
        return PartResult(True, 1.0, "Correct.")
    if typed.size != exp.size:
        return PartResult(False, score, f"Expected {exp.size} values, got {typed.size} "
                                        f"({matched} of them right).")
    return PartResult(False, score, f"{matched} of {exp.size} values are right (any order is fine; "
                                    f"each is judged to {policy.text}).")
