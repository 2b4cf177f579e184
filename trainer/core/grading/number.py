"""Number and integer answers: within tolerance or to significant figures; integers exactly.

Core layer, grading. A near miss (within 2 %) is told apart from a wrong value, so a learner who
rounded too early hears that rather than "not correct".
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainer.core.grading.measure import describe, tolerance
from trainer.core.grading.verdict import PartResult


def check_number(atype: str, ans: Any, exp: np.ndarray, typed: np.ndarray) -> PartResult:
    """Check one typed number against the expected one.

    Args:
        atype: "number" or "integer".
        ans: the answer (its `rtol`, `atol` and `sigfigs` are read).
        exp: the expected value (a single number).
        typed: the typed value.

    Returns:
        The result with feedback; never raises.
    """
    if typed.size != 1:
        return PartResult(False, 0.0, f"Expected one number, got {describe(typed)}.")
    x, b = float(typed.reshape(-1)[0]), float(exp.reshape(-1)[0])
    if atype == "integer":
        if abs(x - round(x)) > 1e-9:
            return PartResult(False, 0.0, "Expected a whole number.")
        ok = abs(x - b) < 1e-9
        return PartResult(ok, float(ok), "Correct." if ok else "Not correct.")
    sigfigs = getattr(ans, "sigfigs", None)
    rtol, atol = tolerance(ans)
    if sigfigs:
        unit = 10.0 ** (math.floor(math.log10(abs(b))) - int(sigfigs) + 1) if b != 0 else atol
        ok = abs(x - b) <= 0.5 * unit * (1 + 1e-9) + 1e-15
    else:
        ok = abs(x - b) <= atol + rtol * abs(b)
    if ok:
        return PartResult(True, 1.0, "Correct.")
    rel = abs(x - b) / abs(b) if b else math.inf
    if rel < 0.02:
        how = f"to {sigfigs} significant figures" if sigfigs else f"within {rtol:.2g} relative"
        return PartResult(False, 0.0, f"Close, but not {how} (off by {rel:.2%}): keep more digits "
                                      "and round only at the end.")
    return PartResult(False, 0.0, "Not correct.")
