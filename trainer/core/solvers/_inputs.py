"""Input checks shared by the solver modules: coerce to float arrays, bound sizes, name bad shapes.

Core layer (private: not an area, so nothing here is callable from expressions, and `check` does not
count these helpers among what an answer computed). Solvers receive whatever a template or a learner
passes, so every one of them starts by calling `as_array`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

MAX_ELEMENTS = 10_000  # largest array any solver accepts (eig/SVD of a 100×100 matrix is still instant)


def shape_text(a: np.ndarray) -> str:
    """`2×3`, or `scalar` for a 0-d array."""
    return "×".join(map(str, a.shape)) or "scalar"


def as_array(x: Any, name: str, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """`x` as a float array, checked for size and (optionally) number of dimensions.

    Raises:
        ValueError: not numbers, more than MAX_ELEMENTS entries, or the wrong number of dimensions.
    """
    try:
        a = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers, a vector or a matrix") from None
    if a.size > MAX_ELEMENTS:
        raise ValueError(f"{name} has {a.size} entries; at most {MAX_ELEMENTS} are allowed")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if a.ndim not in allowed:
            kinds = {0: "a number", 1: "a vector", 2: "a matrix"}
            want = " or ".join(kinds.get(d, f"{d}-D") for d in allowed)
            raise ValueError(f"{name} must be {want}, got shape {shape_text(a)}")
    return a


def symmetric(a: np.ndarray) -> bool:
    """Whether finite square `a` equals its transpose up to round-off (1e-12 of its largest entry).

    Exactly np.allclose(a, aᵀ, rtol=0, atol=tol) for finite entries, at a fraction of its cost:
    isclose tests |x − y| <= atol + rtol·|y| (here atol + 0) or x == y, which that test covers.

    Args:
        a: a non-empty square matrix with finite entries.

    Returns:
        True when every |aᵢⱼ − aⱼᵢ| <= 1e-12 · max(1, max |aᵢⱼ|).
    """
    return bool((np.abs(a - a.T) <= 1e-12 * max(1.0, float(np.abs(a).max()))).all())
