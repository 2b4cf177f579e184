"""Vector and matrix answers: shape first (naming a transposed shape), then cell by cell.

Core layer, grading. Each entry is judged at the answer's stated precision (see
`trainer.core.grading.precision`). Partial credit is the share of right cells; the feedback names
the wrong entries or cells (up to four, 1-based as a learner counts them), says when a wrong entry
is only not precise enough, and notices the right values in the wrong order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainer.core.grading.measure import describe, shape_text
from trainer.core.grading.number import close_message
from trainer.core.grading.precision import precision_of
from trainer.core.grading.verdict import PartResult


def check_cells(ans: Any, exp: np.ndarray, typed: np.ndarray) -> PartResult:
    """Check a typed vector or matrix cell by cell.

    Args:
        ans: the answer (its precision: `sigfigs`, `decimals`, `rtol`, `atol`).
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
    policy = precision_of(ans)
    scale = float(np.max(np.abs(exp))) if exp.size else 0.0
    ok = policy.within(typed, exp, scale)
    if ok.all():
        return PartResult(True, 1.0, "Correct.")
    score = float(np.mean(ok)) if ok.size else 1.0
    if exp.ndim == 1 and exp.size > 1 and permuted(policy, exp, typed, scale):
        return PartResult(False, score, "These are the right values, but in the wrong order: check "
                                        "which entry belongs where.")
    bad = np.flatnonzero(~ok.reshape(-1))
    names = [entry_name(exp.shape, int(k)) for k in bad]
    near = policy.close(typed, exp, scale).reshape(-1)
    if all(near[k] for k in bad):
        diff = np.abs(typed - exp).reshape(-1)
        k = int(bad[np.argmax(diff[bad])])
        what = _listed(names) if len(names) > 1 else names[0]
        return PartResult(False, score, close_message(policy.text, float(diff[k]), what))
    right = ok.size - bad.size
    noun = "cell" if exp.ndim == 2 else "entry"
    wrong = _listed(names)
    verb = "is" if bad.size == 1 else "are"
    return PartResult(False, score, f"{right} of {ok.size} {noun if ok.size == 1 else _plural(noun)} "
                                    f"{'is' if right == 1 else 'are'} right; {wrong} {verb} wrong.")


def entry_name(shape: tuple[int, ...], flat: int) -> str:
    """An entry as a learner counts it: "entry 2" of a vector, "cell (1,3)" of a matrix."""
    if len(shape) == 2:
        r, c = divmod(flat, shape[1])
        return f"cell ({r + 1},{c + 1})"
    return f"entry {flat + 1}"


def permuted(policy: Any, exp: np.ndarray, typed: np.ndarray, scale: float) -> bool:
    """Whether the typed entries are the expected ones in another order (not the same order)."""
    order_e, order_t = np.argsort(exp, kind="stable"), np.argsort(typed, kind="stable")
    if not bool(np.all(policy.within(typed[order_t], exp[order_e], scale))):
        return False
    return not bool(np.all(policy.within(typed, exp, scale)))


def _plural(noun: str) -> str:
    return "entries" if noun == "entry" else noun + "s"


def _listed(names: list[str]) -> str:
    shown = names[:4] + (["…"] if len(names) > 4 else [])
    if len(names) == 1:
        return shown[0]
    kind = shown[0].split(" ")[0]
    bare = [n.split(" ", 1)[1] if n != "…" else n for n in shown]
    return f"{_plural(kind)} {', '.join(bare[:-1])} and {bare[-1]}"
