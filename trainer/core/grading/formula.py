"""Formula answers: the read tree evaluated at the reference's test points and compared there.

Core layer, grading. Equivalence by evaluation (see `trainer.core.grading.equivalence`); a formula
that is not equivalent is compared with the template's mistakes, then the generic slips, and
otherwise told where it differs (and which variable it does not use).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from trainer.core.grading import equivalence as fm
from trainer.core.grading.diagnosis import formula_slip, own_mistakes
from trainer.core.grading.measure import describe
from trainer.core.grading.reading import PartReading
from trainer.core.grading.verdict import Diagnosis, PartResult
from trainer.core.language.names import free_names
from trainer.core.language.nodes import EvalError, Node


def grade_formula(instance: Any, ans: Any, reading: PartReading, part: int | None) -> PartResult:
    """Grade a read formula.

    Args:
        instance: the instance (mistakes, parameters).
        ans: the formula answer.
        reading: its reading (`node` and `reference` set).
        part: the part index, or None.

    Returns:
        The result; a formula that cannot be evaluated at a test point is wrong (not refused).
    """
    ref, node, parsed = reading.reference, reading.node, reading.shown
    mistakes = [m for m in own_mistakes(getattr(instance, "mistakes", ()), part) if m.value is not None]
    try:
        vals = ref.values_of(node)
    except EvalError as exc:
        for m in mistakes:
            if m.value == node:
                return PartResult(False, 0.0, m.message, parsed, Diagnosis(m.id, m.message))
        return PartResult(False, 0.0, f"Your formula cannot be evaluated: {exc}.", parsed)
    if fm.matches(ref, vals, ref.values):
        return PartResult(True, 1.0, f"Correct (it agrees with the reference at {len(vals)} test points).",
                          parsed)
    for m in mistakes:
        if m.value == node:  # the mistake's own tree: no need of its values
            return PartResult(False, 0.0, m.message, parsed, Diagnosis(m.id, m.message))
        mvals = ref.memo_values(m.value)
        if mvals is not None and fm.matches(ref, vals, mvals):
            return PartResult(False, 0.0, m.message, parsed, Diagnosis(m.id, m.message))
    diagnosis = formula_slip(instance, ref, vals)
    if diagnosis is not None:
        return PartResult(False, 0.0, diagnosis.message, parsed, diagnosis)
    return PartResult(False, 0.0, _feedback(ref, node, vals), parsed)


def _feedback(ref: fm.Reference, node: Node, vals: Sequence[np.ndarray]) -> str:
    want, got = ref.values[0], vals[0]
    if got.shape != want.shape:
        return (f"Your formula gives {describe(got)}; the answer is {describe(want)} "
                f"(at {ref.describe(ref.points[0])}).")
    unused = [v for v in ref.variables if v not in free_names(node)]
    detail = ""
    if unused and len(ref.variables) > 1:
        detail = f" It does not use {', '.join(unused)}."
    bad = next(i for i, (t, r) in enumerate(zip(vals, ref.values)) if not fm.close(t, r, ref.rtol, ref.atol))
    if ref.base and bad >= ref.base:
        sizes = sorted({int(np.size(ref.points[0][v])) for v in ref.variables if np.ndim(ref.points[0][v]) == 1})
        return ("It agrees while the vectors have " + ", ".join(map(str, sizes)) + " entries, but not at "
                f"other lengths (at {ref.describe(ref.points[bad])}): a formula must hold for vectors "
                "of any length — write the length as len(x), or use mean, rather than a number." + detail)
    if want.ndim == 0:
        where = (f" At {ref.describe(ref.points[bad])} it gives {float(vals[bad]):.4g}, "
                 f"the answer is {float(ref.values[bad]):.4g}.")
    else:
        where = f" It differs from the reference at {ref.describe(ref.points[bad])}."
    return "Not equivalent to the expected formula." + where + detail
