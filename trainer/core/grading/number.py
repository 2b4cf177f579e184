"""Number and integer answers: at the answer's stated precision; integers exactly.

Core layer, grading. A number is right when it is within the precision the answer states (by
default 3 significant figures, see `trainer.core.grading.precision`). A value just outside it (within
ten times the tolerance) is told so, naming the precision, rather than simply "not correct" — the
diagnosis is asked first, so a real slip is never blamed on rounding.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainer.core.grading.measure import describe
from trainer.core.grading.precision import magnitude_text, precision_of
from trainer.core.grading.verdict import PartResult


def check_number(atype: str, ans: Any, exp: np.ndarray, typed: np.ndarray) -> PartResult:
    """Check one typed number against the expected one.

    Args:
        atype: "number" or "integer".
        ans: the answer (its `sigfigs`, `decimals`, `rtol` and `atol` are read).
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
    policy = precision_of(ans)
    if bool(policy.within(x, b)):
        return PartResult(True, 1.0, "Correct.")
    if bool(policy.close(x, b)):
        return PartResult(False, 0.0, close_message(policy.text, abs(x - b)))
    return PartResult(False, 0.0, "Not correct.")


def close_message(precision: str, off: float, what: str = "") -> str:
    """The "close, but not precise enough" message at a stated precision.

    Args:
        precision: the precision in words ("3 significant figures", "to 0.01").
        off: how far the typed value is from the answer.
        what: the entry or cell it concerns ("entry 2"), or "" for a single number.

    Returns:
        The message.
    """
    subject = f"{what[:1].upper()}{what[1:]} is" if what else "Your answer is"
    at = precision if precision.startswith("to ") else f"to {precision}"
    return (f"{subject} close, but not right {at} (off by {magnitude_text(off)}): if you rounded "
            "along the way, keep more digits and round only at the end; if not, check the method.")
