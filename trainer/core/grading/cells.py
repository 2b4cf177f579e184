"""Vector and matrix answers: shape first (naming a transposed shape), then cell by cell.

Core layer, grading. Partial credit is the share of right cells; the feedback names up to four
wrong entries or cells, 1-based as a learner counts them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainer.core.grading.measure import describe, shape_text, tolerance
from trainer.core.grading.verdict import PartResult


def check_cells(ans: Any, exp: np.ndarray, typed: np.ndarray) -> PartResult:
    """Check a typed vector or matrix cell by cell.

    Args:
        ans: the answer (its `rtol` and `atol` are read).
        exp: the expected array.
        typed: the typed array.

    Returns:
        The result with the share of right cells as score; never raises.
    """
    if typed.shape != exp.shape:
        if exp.ndim == 1:
            if typed.ndim == 1:
                return PartResult(False, 0.0, f"Expected {exp.size} entries, got {typed.size}.")
            return PartResult(False, 0.0, f"Expected a vector of {exp.size} entries, got {describe(typed)}.")
        got = shape_text(typed.shape) if typed.ndim == 2 else describe(typed)
        extra = " (that is the shape of the transpose)" if typed.shape == exp.shape[::-1] else ""
        return PartResult(False, 0.0, f"Expected {shape_text(exp.shape)}, got {got}{extra}.")
    rtol, atol = tolerance(ans)
    scale = float(np.max(np.abs(exp))) if exp.size else 0.0
    # Entries tiny next to the largest are judged relative to it, so rounding them never decides.
    tol = atol + rtol * np.maximum(np.abs(exp), 0.1 * scale)
    ok = np.abs(typed - exp) <= tol
    score = float(np.mean(ok)) if ok.size else 1.0
    if ok.all():
        return PartResult(True, 1.0, "Correct.")
    bad = int(ok.size - ok.sum())
    where = ""
    if exp.ndim == 1:
        idx = [str(i + 1) for i in np.flatnonzero(~ok)[:4]]
        where = f" (entr{'y' if len(idx) == 1 else 'ies'} {', '.join(idx)})"
    elif exp.ndim == 2:
        cells = [f"({r + 1},{c + 1})" for r, c in zip(*np.nonzero(~ok))][:4]
        where = f" (cell{'s' if len(cells) > 1 else ''} {', '.join(cells)})"
    return PartResult(False, score, f"{ok.size - bad} of {ok.size} entries are right{where}.")
