"""Direction answers: a vector right up to a nonzero scale and either sign.

Core layer, grading. Judged by the angle between the typed and the expected vector, against the
angle the answer's stated precision allows: rounding each typed entry to that precision turns the
vector by at most ‖entry tolerances‖ / ‖typed‖ (a unit vector at 2 decimals: about 0.3°), so an
honestly rounded direction passes and a wrong eigenvector a few degrees off does not.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainer.core.grading.measure import describe
from trainer.core.grading.precision import CLOSE_FACTOR, direction_tolerance, precision_of
from trainer.core.grading.verdict import PartResult


def check_direction(ans: Any, exp: np.ndarray, typed: np.ndarray) -> PartResult:
    """Check a typed vector as a direction (any nonzero multiple, either sign).

    Args:
        ans: the answer (its precision decides the accepted angle).
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
    if ne == 0:
        return PartResult(False, 0.0, "Not the same direction.")
    u, w = typed / nt, exp / ne
    if float(u @ w) < 0:
        w = -w
    # Stable for tiny angles, where the decision is made (acos of a cosine near 1 is not).
    angle = 2 * math.atan2(float(np.linalg.norm(u - w)), float(np.linalg.norm(u + w)))
    allowed = direction_tolerance(ans, typed)
    if angle <= allowed:
        return PartResult(True, 1.0, "Correct (any nonzero multiple, either sign, is the same direction).")
    degrees = math.degrees(angle)
    if angle <= CLOSE_FACTOR * allowed:
        return PartResult(False, 0.0, f"Close: {degrees:.2g}° away, more than rounding the entries to "
                                      f"{precision_of(ans).text} explains ({math.degrees(allowed):.2g}°): "
                                      "keep more digits.")
    return PartResult(False, 0.0, f"Not the same direction: it is {degrees:.1f}° away.")
