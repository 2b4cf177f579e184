"""Direction answers: a vector right up to a nonzero scale and either sign.

Core layer, grading. Judged by the angle between the typed and the expected vector; a wrong
direction is told how many degrees away it is.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainer.core.grading.measure import describe, tolerance
from trainer.core.grading.verdict import PartResult


def check_direction(ans: Any, exp: np.ndarray, typed: np.ndarray) -> PartResult:
    """Check a typed vector as a direction (any nonzero multiple, either sign).

    Args:
        ans: the answer (its `rtol` bounds 1 − |cos| of the angle).
        exp: the expected vector.
        typed: the typed vector.

    Returns:
        The result; never raises.
    """
    exp = exp.reshape(-1)
    if typed.ndim != 1 or typed.size != exp.size:
        return PartResult(False, 0.0, f"Expected a vector of {exp.size} entries, got {describe(typed)}.")
    nt, ne = float(np.linalg.norm(typed)), float(np.linalg.norm(exp))
    if nt == 0:
        return PartResult(False, 0.0, "The zero vector has no direction.")
    cos = abs(float(typed @ exp)) / (nt * ne) if ne else 0.0
    rtol, _ = tolerance(ans)
    if 1 - cos <= max(rtol, 1e-9):
        return PartResult(True, 1.0, "Correct (any nonzero multiple, either sign, is the same direction).")
    angle = math.degrees(math.acos(min(1.0, cos)))
    return PartResult(False, 0.0, f"Not the same direction: it is {angle:.1f}° away.")
