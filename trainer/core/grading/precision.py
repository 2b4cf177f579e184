"""The precision policy of numeric answers: how close a typed value must be, and how to say so.

Core layer, grading. Every numeric answer (number, vector, matrix, set, direction, the parts of a
multi) states its precision: by default 3 significant figures; a template may demand more with
`sigfigs:` or state an absolute precision with `decimals:` ("to 0.01"). A typed value t is right
for an expected v when |t − v| ≤ max(half a unit in the last required place of v, rtol·|v|, atol);
the relative term counts only under the default policy, since a stated `sigfigs`/`decimals` is the
whole of the demand. Half a unit means that v correctly rounded (and anything more precise) passes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

DEFAULT_SIGFIGS = 3
CLOSE_FACTOR = 10.0  # beyond the tolerance but within this many times it: "close, not precise enough"
# Relative slack on the bound: 0.124 − 0.1235 is 5.000000000000004e-4 in floating point, and a value
# exactly half a unit away rounds either way, so both neighbours count as correctly rounded.
_SLACK = 1e-9
# In a vector or matrix, an entry tiny next to the largest (numerical noise around 0) is judged at
# this share of the largest entry's magnitude, so its significant figures never decide.
SIG_FLOOR = 1e-2
REL_FLOOR = 1e-2
# The plain float and the NumPy paths take their powers of ten from the decimal literal (correctly
# rounded) and so agree to the bit: NumPy's `power` gives 10**-5 as 9.999999999999999e-06, one unit
# in the last place below Python's 1e-05. Beyond ±400 a float is 0 or inf anyway.
_POW10_LOW, _POW10_HIGH = -400, 400
_POW10_KNOWN: dict[int, float] = {}


def _pow10(k: int) -> float:
    """10**k, correctly rounded (0.0 and inf beyond a float's range)."""
    p = _POW10_KNOWN.get(k)
    if p is None:
        p = _POW10_KNOWN[k] = float(f"1e{min(max(k, _POW10_LOW), _POW10_HIGH)}")
    return p


@cache
def _pow10_table() -> np.ndarray:
    """`_pow10(k)` for k from `_POW10_LOW` to `_POW10_HIGH`, built on the first array graded (not at import)."""
    return np.array([_pow10(k) for k in range(_POW10_LOW, _POW10_HIGH + 1)])


@dataclass(frozen=True)
class Precision:
    """How precise a numeric answer must be.

    Attributes:
        sigfigs: significant figures required (None when `decimals` states an absolute precision).
        decimals: decimal places required (absolute precision 0.5·10^−decimals), or None.
        rtol: relative tolerance that also counts (0 when a precision is stated explicitly).
        atol: absolute tolerance that always counts.
    """

    sigfigs: int | None = DEFAULT_SIGFIGS
    decimals: int | None = None
    rtol: float = 0.0
    atol: float = 0.0

    def __post_init__(self) -> None:
        # Tolerances worked out for this policy, by expected value: an answer and its mistakes are
        # judged again and again against every typed value of an instance. Not fields, so no part
        # of the policy's equality, hash or repr.
        object.__setattr__(self, "_scalar_tolerances", {})
        object.__setattr__(self, "_cell_tolerances", {})

    @property
    def text(self) -> str:
        """The precision in words: "3 significant figures" or "to 0.01"."""
        if self.decimals is not None:
            return "to " + (f"{10.0 ** -self.decimals:.{self.decimals}f}" if self.decimals > 0 else "the unit")
        s = self.sigfigs or DEFAULT_SIGFIGS
        return f"{s} significant figure{'s' if s != 1 else ''}"

    def tolerance(self, expected: Any, scale: float | None = None) -> np.ndarray:
        """The largest accepted |t − v| for each entry of an expected value.

        Args:
            expected: the expected value (a number or an array).
            scale: the magnitude of the largest entry of the whole value (arrays: entries far below
                it are judged at a share of it); None: each entry on its own.

        Returns:
            A float array of the expected value's shape.
        """
        big = float(scale) if scale is not None else 0.0
        if isinstance(expected, float) and math.isfinite(expected) and math.isfinite(big):
            return np.asarray(self._scalar_tolerance(abs(float(expected)), big))
        e = np.asarray(expected, dtype=float)
        # The same expected value is judged again and again (an answer and each listed mistake
        # against every typed value of an instance), and the NumPy arithmetic below cost more than
        # the comparison it serves: remember it for the exact value (bytes, shape, scale's bits).
        key = (self.sigfigs, self.decimals, self.rtol, self.atol, big.hex(), e.shape, e.tobytes())
        known = _TOLERANCES.get(key)
        if known is None:
            known = self._array_tolerance(e, big)
            if isinstance(known, np.ndarray):  # shared between callers: nobody may write to it
                known.setflags(write=False)
            if len(_TOLERANCES) >= _TOLERANCES_SIZE:
                _TOLERANCES.clear()
            _TOLERANCES[key] = known
        return known

    def _array_tolerance(self, e: np.ndarray, big: float) -> np.ndarray:
        """`tolerance` of an array (or a non-finite value), entrywise in NumPy."""
        v = np.abs(e)
        if self.decimals is not None:
            place = np.full(v.shape, 0.5 * _pow10(-self.decimals))
        else:
            mag = np.maximum(v, SIG_FLOOR * big)
            # Only positive magnitudes reach log10 (0 and nan read as 1): nothing to divide by zero.
            exponent = np.floor(np.log10(np.where(mag > 0, mag, 1.0)))
            k = np.clip(exponent - (self.sigfigs or DEFAULT_SIGFIGS) + 1, _POW10_LOW, _POW10_HIGH) - _POW10_LOW
            place = np.where(mag > 0, 0.5 * _pow10_table()[k.astype(np.intp)], 0.0)
        rel = self.rtol * np.maximum(v, REL_FLOOR * big)
        return np.maximum(np.maximum(place, rel), self.atol) * (1 + _SLACK)

    def _scalar_tolerance(self, v: float, big: float) -> float:
        """`tolerance` of one finite |expected| in plain floats: the same arithmetic (C `log10`, the same
        powers of ten) without NumPy's per-call cost, which dominated grading a number."""
        if self.decimals is not None:
            place = 0.5 * _pow10(-self.decimals)
        else:
            mag = max(v, SIG_FLOOR * big)
            place = 0.5 * _pow10(math.floor(math.log10(mag)) - (self.sigfigs or DEFAULT_SIGFIGS) + 1) \
                if mag > 0 else 0.0
        rel = self.rtol * max(v, REL_FLOOR * big)
        return max(max(place, rel), self.atol) * (1 + _SLACK)

    def within(self, typed: Any, expected: Any, scale: float | None = None) -> np.ndarray:
        """Entrywise: whether each typed entry is right for the expected one at this precision."""
        fast = _scalars(typed, expected, scale)
        if fast is not None:
            return np.bool_(abs(fast[0] - fast[1]) <= self._scalar_tolerance(abs(fast[1]), fast[2]))
        t, e = np.asarray(typed, dtype=float), np.asarray(expected, dtype=float)
        with np.errstate(invalid="ignore"):
            return np.abs(t - e) <= self.tolerance(e, scale)

    def accepts_number(self, typed: float, expected: float) -> bool:
        """`bool(within(typed, expected))` for two floats, the tolerance of a finite expected value
        remembered (see `__post_init__`).

        Args:
            typed: the typed number.
            expected: the expected number.

        Returns:
            Whether the typed number is right for the expected one at this precision.
        """
        if not (math.isfinite(typed) and math.isfinite(expected)):
            return bool(self.within(typed, expected))
        v = abs(expected)
        known: dict[float, float] = self._scalar_tolerances  # type: ignore[attr-defined]
        tol = known.get(v)
        if tol is None:
            if len(known) >= _TOLERANCES_SIZE:
                known.clear()
            tol = known[v] = self._scalar_tolerance(v, 0.0)
        return abs(typed - expected) <= tol

    def cells_within(self, typed: np.ndarray, expected: np.ndarray) -> list[bool]:
        """`within(typed, expected, scale)` entry by entry (in C order), at the scale vectors and
        matrices are judged at: the largest |entry| of `expected` (0 when it is empty).

        The same expected value is judged again and again (an answer and each listed mistake against
        every typed value of an instance): its tolerances are worked out once for the exact value,
        and the comparison |t − v| ≤ tolerance runs in Python floats, the same IEEE arithmetic as
        NumPy's entrywise, without the cost of a NumPy call per operation on a handful of entries.

        Args:
            typed: the typed array, of the expected array's shape.
            expected: the expected float array.

        Returns:
            One verdict per entry.
        """
        tol, exp = self._cells(expected)
        if typed.dtype != np.float64:
            typed = typed.astype(float)
        return [abs(t - v) <= c for t, v, c in zip(typed.reshape(-1).tolist(), exp, tol)]

    def cells_accept(self, typed: np.ndarray, expected: np.ndarray) -> bool:
        """`all(cells_within(typed, expected))`, stopping at the first entry that is off.

        Args:
            typed: the typed array, of the expected array's shape.
            expected: the expected float array.

        Returns:
            Whether every entry is within its tolerance.
        """
        tol, exp = self._cells(expected)
        if typed.dtype != np.float64:
            typed = typed.astype(float)
        return all(abs(t - v) <= c for t, v, c in zip(typed.reshape(-1).tolist(), exp, tol))

    def _cells(self, expected: np.ndarray) -> tuple[list[float], list[float]]:
        """(tolerances, entries) of an expected array as floats, in C order, remembered for the exact
        value (`cells_within`)."""
        key = (expected.shape, expected.tobytes())
        remembered: dict[Any, tuple[list[float], list[float]]] = self._cell_tolerances  # type: ignore[attr-defined]
        known = remembered.get(key)
        if known is None:
            scale = float(np.max(np.abs(expected))) if expected.size else 0.0
            if len(remembered) >= _TOLERANCES_SIZE:
                remembered.clear()
            known = remembered[key] = (np.reshape(self._array_tolerance(expected, scale), -1).tolist(),
                                       expected.reshape(-1).tolist())
        return known

    def close(self, typed: Any, expected: Any, scale: float | None = None) -> np.ndarray:
        """Entrywise: whether each entry is within `CLOSE_FACTOR` times the tolerance."""
        fast = _scalars(typed, expected, scale)
        if fast is not None:
            return np.bool_(abs(fast[0] - fast[1]) <= CLOSE_FACTOR * self._scalar_tolerance(abs(fast[1]), fast[2]))
        t, e = np.asarray(typed, dtype=float), np.asarray(expected, dtype=float)
        with np.errstate(invalid="ignore"):
            return np.abs(t - e) <= CLOSE_FACTOR * self.tolerance(e, scale)


#: (policy's fields, scale's bits, shape, bytes) of an expected value → its tolerance array, read-only (see `tolerance`).
_TOLERANCES: dict[tuple[Any, ...], np.ndarray] = {}
_TOLERANCES_SIZE = 4096


def _scalars(typed: Any, expected: Any, scale: float | None) -> tuple[float, float, float] | None:
    """(typed, expected, scale) as finite Python floats when both values are single numbers, else None
    (arrays and non-finite values take the NumPy path, which defines their semantics)."""
    if not (isinstance(typed, float) and isinstance(expected, float)):  # np.float64 is a float too
        return None
    typed, expected = float(typed), float(expected)
    big = float(scale) if scale is not None else 0.0
    if not (math.isfinite(typed) and math.isfinite(expected) and math.isfinite(big)):
        return None
    return typed, expected, big


def precision_of(ans: Any) -> Precision:
    """The precision an answer (or a part) states.

    Args:
        ans: an `Answer` (its `sigfigs`, `decimals`, `rtol` and `atol` are read when present).

    Returns:
        The policy: the stated `decimals` or `sigfigs`, else 3 significant figures together with
        the answer's relative tolerance.
    """
    sigfigs = getattr(ans, "sigfigs", None)
    decimals = getattr(ans, "decimals", None)
    rtol = getattr(ans, "rtol", 0.0)
    atol = getattr(ans, "atol", 0.0)
    try:
        key = (sigfigs, decimals, rtol, atol)
        known = _POLICIES.get(key)
    except TypeError:  # an unhashable setting: worked out, not remembered
        return _policy(sigfigs, decimals, rtol, atol)
    if known is None:
        if len(_POLICIES) >= _TOLERANCES_SIZE:
            _POLICIES.clear()
        known = _POLICIES[key] = _policy(sigfigs, decimals, rtol, atol)
    return known


#: An answer's precision settings → its policy (`precision_of`): answers state a few settings, and
#: building the frozen policy cost more than the check it serves.
_POLICIES: dict[tuple[Any, ...], Precision] = {}


def _policy(sigfigs: Any, decimals: Any, rtol: Any, atol: Any) -> Precision:
    atol = float(atol or 0.0)
    if decimals is not None:
        return Precision(None, int(decimals), 0.0, atol)
    if sigfigs:
        return Precision(int(sigfigs), None, 0.0, atol)
    return Precision(DEFAULT_SIGFIGS, None, float(rtol or 0.0), atol)


def precision_text(ans: Any) -> str:
    """What the answer bar says about precision: "3 significant figures", "to 0.01", or "".

    Args:
        ans: an `Answer`; a multi answer names each part's precision when they differ.

    Returns:
        The text; empty for answers that are not numeric approximations (integer, choice, formula).
    """
    atype = getattr(ans, "type", "number")
    if atype == "multi":
        texts = [(getattr(p, "label", "") or f"part {i + 1}", precision_text(p))
                 for i, p in enumerate(getattr(ans, "parts", ()))]
        shown = {t for _, t in texts if t}
        if len(shown) <= 1:
            return next(iter(shown), "")
        return "; ".join(f"{label}: {t}" for label, t in texts if t)
    if atype not in ("number", "vector", "matrix", "set", "direction"):
        return ""
    return precision_of(ans).text


def direction_tolerance(ans: Any, typed: np.ndarray) -> float:
    """The largest angle (radians) between a typed vector and the expected direction.

    Rounding each entry of the typed vector to the stated precision moves it by at most that
    entry's tolerance; the angle this can turn it through is at most ‖tolerances‖ / ‖typed‖.

    Args:
        ans: the direction answer (its precision).
        typed: the typed vector (nonzero).

    Returns:
        The accepted angle in radians.
    """
    t = np.asarray(typed, dtype=float).reshape(-1)
    norm = float(np.linalg.norm(t))
    if norm == 0:
        return 0.0
    tol = precision_of(ans).tolerance(t, float(np.max(np.abs(t))))
    return float(np.linalg.norm(tol)) / norm + 1e-12


def magnitude_text(x: float) -> str:
    """A difference in words-friendly form: 4.3e-04 → 0.00043."""
    if x == 0 or not math.isfinite(x):
        return str(x)
    return f"{x:.2g}" if 1e-4 <= abs(x) < 1e5 else f"{x:.1e}"
