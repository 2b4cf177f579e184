"""Shared vocabulary of the value checkers: answer kinds, tolerances, shapes in words.

Core layer, grading. A leaf module: the per-type checkers (`number`, `cells`, `sets`, `direction`),
the diagnosis and the formula feedback describe values the same way through it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

ARRAY_TYPES = frozenset({"vector", "matrix", "set", "direction"})
KIND = {"number": "scalar", "integer": "scalar", "vector": "vector", "matrix": "matrix",
        "set": "set", "direction": "direction"}


def describe(v: np.ndarray) -> str:
    """A value's shape in words: "a single number", "a vector of 3 entries", "a 2×3 matrix"."""
    if v.ndim == 0:
        return "a single number"
    if v.ndim == 1:
        return f"a vector of {v.size} entr{'y' if v.size == 1 else 'ies'}"
    return f"a {'×'.join(map(str, v.shape))} array" if v.ndim != 2 else \
        f"a {v.shape[0]}×{v.shape[1]} matrix"


def tolerance(ans: Any) -> tuple[float, float]:
    """(rtol, atol) of an answer, with the defaults of an answer that declares none."""
    return float(getattr(ans, "rtol", 1e-3)), float(getattr(ans, "atol", 1e-9))


def as_vector(v: np.ndarray) -> np.ndarray:
    """A row or column matrix read as the vector it spells; anything else unchanged."""
    if v.ndim == 2 and 1 in v.shape:
        return v.reshape(-1)
    return v


def shape_text(shape: tuple[int, ...]) -> str:
    """A shape as `2×3`."""
    return "×".join(map(str, shape))
