"""Naming the mistake: the template's own anticipated mistakes first, then the generic slips.

Core layer, grading. A wrong value is compared with each mistake the template lists for this part and
then with the candidates of `trainer.core.grading.slips` (sign, reciprocal, transposed, n − 1, …);
a wrong formula with the same slips at every test point and with two variables swapped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from trainer.core.grading import equivalence as fm
from trainer.core.grading.checks import acceptor, accepts
from trainer.core.grading.measure import KIND, as_vector
from trainer.core.grading.slips import SLIPS, SWAPPED, instance_ints, slip_candidates
from trainer.core.grading.verdict import Diagnosis


def own_mistakes(mistakes: Sequence[Any], part: int | None) -> list[Any]:
    """The template's mistakes that belong to `part` (None: a single-part answer)."""
    return [m for m in mistakes if getattr(m, "part", None) == part]


def diagnose_value(instance: Any, ans: Any, typed: np.ndarray, part: int | None) -> Diagnosis | None:
    """The named mistake a wrong typed value is, or None.

    Args:
        instance: the instance (its `mistakes` and `params` are read).
        ans: the answer or part being graded.
        typed: the typed value.
        part: the part index, or None.

    Returns:
        The template's own mistake if the value matches one, else a generic slip that explains it
        (and does not also explain the right answer), else None.
    """
    takes = acceptor(ans.type, ans, typed)
    accepted = [m for m in own_mistakes(getattr(instance, "mistakes", ()), part)
                if getattr(m, "option", None) is None and m.value is not None and takes(m.value)]
    if accepted:
        # Two mistakes may both lie within the stated precision of a rounded value: the nearer one
        # is what the learner did (the first of equally near ones; a lone one needs no measuring).
        best = accepted[0]
        if len(accepted) > 1:
            best_d = _distance(best.value, typed)
            for m in accepted[1:]:
                d = _distance(m.value, typed)
                if d < best_d:
                    best, best_d = m, d
        return Diagnosis(best.id, best.message)
    kind = KIND[ans.type]
    if kind == "direction":
        return None
    exp = np.asarray(ans.value, dtype=float)
    ints = sample_sizes(instance, ans)
    for slip, cand, fields in slip_candidates(kind, exp, as_vector(typed) if kind != "matrix" else typed,
                                              ints):
        if not np.all(np.isfinite(cand)):
            continue
        if takes(cand) and not accepts(ans.type, ans, cand, exp):
            return Diagnosis(slip.id, slip.message.format(**{"what": context(instance, ans), **fields}))
    return None


def sample_sizes(instance: Any, ans: Any) -> list[int]:
    """The sample size the answer (or, for a part, the whole answer) declares: [n], or [] if none.

    The n versus n − 1 slip means something only where the computation divides by a sample size;
    any other whole number of the instance (a mean of 200, a height of 170) is not one.
    """
    n = getattr(ans, "sample_size", None)
    if n is None:
        n = getattr(getattr(instance, "answer", None), "sample_size", None)
    return [int(n)] if isinstance(n, (int, np.integer)) and not isinstance(n, bool) else []


def context(instance: Any, ans: Any) -> str:
    """What the answer is, for a slip's message: a part's label, else the problem named by its title."""
    label = getattr(ans, "label", "") or ""
    if label:
        return label
    title = str(getattr(instance, "title", "") or "").strip()
    return f"answer (“{title}”)" if title else "one"


def _distance(value: Any, typed: np.ndarray) -> float:
    try:
        v = np.asarray(value, dtype=float)
        t = as_vector(typed) if v.ndim == 1 else typed
        if v.shape != t.shape:  # a direction or set: any order or scale matched; no ranking
            return 0.0
        return float(np.max(np.abs(t - v) / np.maximum(np.abs(v), 1e-300)))
    except (TypeError, ValueError):
        return 0.0


def formula_slip(instance: Any, ref: fm.Reference, vals: Sequence[np.ndarray]) -> Diagnosis | None:
    """The generic slip a wrong formula's values show at every test point, or None.

    Args:
        instance: the instance (its `params` are read for integer slips such as n − 1).
        ref: the formula's grading reference.
        vals: the typed formula's values at the reference's points.

    Returns:
        A slip that turns the reference's values into the typed ones at every point (and not into
        the reference's own), or the swapped-arguments slip, or None.
    """
    shape = ref.values[0].shape
    if len(vals) != len(ref.values) or any(v.shape != r.shape for v, r in zip(vals, ref.values)):
        return None
    kind = {0: "scalar", 1: "vector", 2: "matrix"}.get(len(shape))
    # A formula's sample size is the length of its vector variables at each point (not whatever whole
    # numbers the instance mentions).
    ints = [instance_ints({k: env[k] for k in ref.variables if np.ndim(env[k]) == 1}) for env in ref.points]
    if kind is not None:
        for slip in SLIPS:
            if kind not in slip.kinds:
                continue
            per_point = [list(slip.candidates(r, t, n)) for r, t, n in zip(ref.values, vals, ints)]
            width = len(per_point[0])
            if width == 0 or any(len(c) != width for c in per_point):
                continue
            for j in range(width):
                cands = [np.asarray(c[j][0], dtype=float) for c in per_point]
                if fm.matches(ref, vals, cands) and not fm.matches(ref, ref.values, cands):
                    fields = {"what": context(instance, getattr(instance, "answer", None)),
                              **per_point[0][j][1]}
                    return Diagnosis(slip.id, slip.message.format(**fields))
    for a, b, svals in ref.swapped():
        if fm.matches(ref, vals, svals):
            return Diagnosis(SWAPPED.id, SWAPPED.message.format(a=a, b=b))
    return None
