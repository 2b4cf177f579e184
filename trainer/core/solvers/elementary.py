"""Elementary functions every expression may call: exp, log, sums, norms, matrix basics.

Core layer. These are the whitelisted building blocks shared by template expressions and typed
answers. Each one accepts scalars, lists or arrays, bounds what it may allocate, and raises
`ValueError` with a plain message on bad input (the evaluator turns it into an EvalError).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

MAX_SIZE = 100  # largest n for eye/ones/zeros
MAX_FACTORIAL = 170  # the largest n whose factorial is a finite float
# Fast paths. A float (or float64) goes to a ufunc as the 0-d array `_arr` would make of it, and its
# float64 result is what `_out` returns as a float: the same loop on the same value, minus two calls.
# A float64 array is what `_arr` returns unchanged. Neither path could count as a helper performing
# something in `check`'s tally (an unchanged argument performs nothing), so skipping them is invisible.
_FLOATS = (float, np.float64)
_F64 = np.dtype(np.float64)

__all__ = [
    "exp", "log", "ln", "log2", "log10", "sqrt", "cbrt", "sign", "sin", "cos", "tan", "tanh", "sinh", "cosh",
    "sigmoid", "softplus", "relu", "mean", "prod", "floor",
    "ceil", "clip", "dot", "outer", "norm", "T", "transpose", "inv", "det", "trace", "diag", "eye",
    "ones", "zeros", "sort", "argmax", "argmin", "cumsum", "factorial", "comb", "erf", "vector",
    "isclose",
]
ALIASES = {
    "array": "vector", "matrix": "vector",
    "abs": "abs_", "max": "max_", "min": "min_", "sum": "sum_", "len": "len_", "round": "round_",
    "all": "all_", "any": "any_", "int": "int_", "float": "float_", "range": "range_"}


def _arr(x: Any) -> np.ndarray:
    try:
        a = np.asarray(x, dtype=float)
    except (ValueError, TypeError):
        raise ValueError("expected numbers, a vector or a matrix") from None
    return a


def _out(a: Any) -> Any:
    """Return 0-d results as plain floats so scalars print and compare as scalars."""
    if isinstance(a, np.ndarray) and a.ndim == 0:
        return float(a)
    if isinstance(a, np.generic):
        return a.item()
    return a


def exp(x):
    """e raised to x, elementwise."""
    if type(x) in _FLOATS:
        return float(np.exp(x))
    if type(x) is np.ndarray and x.dtype is _F64 and x.ndim:
        return np.exp(x)
    return _out(np.exp(_arr(x)))


def log(x, base=None):
    """Natural logarithm (ML convention), or log to `base` when given."""
    if base is None:
        if type(x) in _FLOATS:
            return float(np.log(x))
        if type(x) is np.ndarray and x.dtype is _F64 and x.ndim:
            return np.log(x)
    val = np.log(_arr(x))
    if base is not None:
        val = val / np.log(_arr(base))
    return _out(val)


def ln(x):
    """Natural logarithm."""
    return _out(np.log(_arr(x)))


def log2(x):
    """Logarithm base 2 (information in bits)."""
    if type(x) in _FLOATS:
        return float(np.log2(x))
    if type(x) is np.ndarray and x.dtype is _F64 and x.ndim:
        return np.log2(x)
    return _out(np.log2(_arr(x)))


def log10(x):
    """Logarithm base 10."""
    return _out(np.log10(_arr(x)))


def sqrt(x):
    """Square root, elementwise."""
    if type(x) in _FLOATS:
        return float(np.sqrt(x))
    if type(x) is np.ndarray and x.dtype is _F64 and x.ndim:
        return np.sqrt(x)
    return _out(np.sqrt(_arr(x)))


def cbrt(x):
    """Cube root, elementwise."""
    return _out(np.cbrt(_arr(x)))


def abs_(x):
    """Absolute value, elementwise."""
    if type(x) in _FLOATS:
        return float(np.abs(x))
    if type(x) is np.ndarray and x.dtype is _F64 and x.ndim:
        return np.abs(x)
    return _out(np.abs(_arr(x)))


def sign(x):
    """Sign (−1, 0 or 1), elementwise."""
    return _out(np.sign(_arr(x)))


def sin(x):
    """Sine, elementwise."""
    return _out(np.sin(_arr(x)))


def cos(x):
    """Cosine, elementwise."""
    return _out(np.cos(_arr(x)))


def tan(x):
    """Tangent, elementwise."""
    return _out(np.tan(_arr(x)))


def tanh(x):
    """Hyperbolic tangent, elementwise."""
    return _out(np.tanh(_arr(x)))


def sinh(x):
    """Hyperbolic sine, elementwise."""
    return _out(np.sinh(_arr(x)))


def cosh(x):
    """Hyperbolic cosine, elementwise."""
    return _out(np.cosh(_arr(x)))


def sigmoid(x):
    """Logistic sigmoid 1/(1+e^−x), computed without overflow for large |x|."""
    # e^−|x| once: the three identical ufunc calls gave the same values. A float stays a float64 scalar,
    # whose arithmetic is the 0-d arrays' (and flags the same), with both branches computed as np.where does.
    if type(x) in _FLOATS:
        e = np.exp(-np.abs(x))
        pos, neg = 1 / (1 + e), e / (1 + e)
        return float(pos if x >= 0 else neg)
    a = _arr(x)
    e = np.exp(-np.abs(a))
    return _out(np.where(a >= 0, 1 / (1 + e), e / (1 + e)))


def softplus(x):
    """ln(1 + e^x), stable for large x."""
    a = _arr(x)
    return _out(np.logaddexp(0.0, a))


def relu(x):
    """max(0, x), elementwise."""
    return _out(np.maximum(_arr(x), 0.0))


def max_(x, *rest):
    """One argument: the largest entry. Several: the elementwise maximum."""
    if rest:
        out = _arr(x)
        for r in rest:
            out = np.maximum(out, _arr(r))
        return _out(out)
    a = x if type(x) is np.ndarray and x.dtype is _F64 else _arr(x)
    if a.size == 0:
        raise ValueError("max of an empty vector")
    return _out(a.max())  # the array's own reduction: np.max's, minus its dispatch


def min_(x, *rest):
    """One argument: the smallest entry. Several: the elementwise minimum."""
    if rest:
        out = _arr(x)
        for r in rest:
            out = np.minimum(out, _arr(r))
        return _out(out)
    a = x if type(x) is np.ndarray and x.dtype is _F64 else _arr(x)
    if a.size == 0:
        raise ValueError("min of an empty vector")
    return _out(a.min())


def sum_(x, axis=None):
    """Sum of all entries, or along `axis`."""
    if axis is None and type(x) is np.ndarray and x.dtype is _F64:
        return np.add.reduce(x, axis=None).item()  # what ndarray.sum() calls, to a float as `_out` makes it
    return _out(_arr(x).sum(axis=_axis(axis)))


def mean(x, axis=None):
    """Arithmetic mean of all entries, or along `axis`."""
    if axis is None and type(x) is np.ndarray and x.dtype is _F64 and x.size:
        # ndarray.mean(): the add.reduce sum over the count, both as doubles (count < 2**53 is exact).
        return np.add.reduce(x, axis=None).item() / x.size
    a = _arr(x)
    if a.size == 0:
        raise ValueError("mean of an empty vector")
    return _out(a.mean(axis=_axis(axis)))


def prod(x, axis=None):
    """Product of all entries, or along `axis`."""
    return _out(_arr(x).prod(axis=_axis(axis)))


def len_(x):
    """Number of entries of a vector (rows of a matrix)."""
    a = np.asarray(x) if isinstance(x, (list, tuple)) else _arr(x)
    if a.ndim == 0:
        raise ValueError("len() needs a vector")
    return int(a.shape[0])


def round_(x, decimals=0):
    """Round half to even at `decimals` places, elementwise."""
    return _out(_arr(x).round(int(decimals)))  # what np.round calls, minus its dispatch


def floor(x):
    """Largest integer ≤ x, elementwise (an int for a scalar)."""
    v = _out(np.floor(_arr(x)))
    return int(v) if isinstance(v, float) and math.isfinite(v) else v


def ceil(x):
    """Smallest integer ≥ x, elementwise (an int for a scalar)."""
    v = _out(np.ceil(_arr(x)))
    return int(v) if isinstance(v, float) and math.isfinite(v) else v


def clip(x, lo, hi):
    """Limit entries to [lo, hi]."""
    return _out(np.clip(_arr(x), _arr(lo), _arr(hi)))


def dot(a, b):
    """Dot product of two vectors (or matrix product)."""
    try:
        return _out(np.dot(_arr(a), _arr(b)))
    except ValueError:
        raise ValueError(f"cannot take the dot product of shapes {np.shape(a)} and {np.shape(b)}") from None


def outer(a, b):
    """Outer product a bᵀ of two vectors."""
    return _out(np.outer(_arr(a), _arr(b)))


def norm(x, ord=2):  # noqa: A002
    """Euclidean norm of a vector (Frobenius for a matrix); `ord=1` for L1."""
    a = _arr(x)
    if ord == 2 and a.ndim == 2:
        return float(np.linalg.norm(a))
    return _out(np.linalg.norm(a.reshape(-1), ord=ord))


def transpose(x):
    """Matrix transpose; a vector is returned unchanged."""
    a = _arr(x)
    return a if a.ndim < 2 else a.T


T = transpose


def _square(a: np.ndarray, what: str) -> np.ndarray:
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"{what} needs a square matrix, got shape {'×'.join(map(str, a.shape)) or 'scalar'}")
    return a


def inv(x):
    """Matrix inverse."""
    a = _square(_arr(x), "inv()")
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        raise ValueError("the matrix is singular") from None


def det(x):
    """Determinant of a square matrix."""
    return float(np.linalg.det(_square(_arr(x), "det()")))


def trace(x):
    """Sum of the diagonal of a square matrix."""
    return float(np.trace(_square(_arr(x), "trace()")))


def diag(x):
    """Vector → diagonal matrix; matrix → its diagonal."""
    a = _arr(x)
    if a.ndim == 1 and a.size > MAX_SIZE:
        raise ValueError(f"diag() of more than {MAX_SIZE} entries")
    return np.diag(a)


def _size(n: Any) -> int:
    if isinstance(n, float) and n.is_integer():
        n = int(n)
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or not 0 <= n <= MAX_SIZE:
        raise ValueError(f"size must be a whole number from 0 to {MAX_SIZE}")
    return int(n)


def eye(n):
    """n×n identity matrix (n ≤ 100)."""
    return np.eye(_size(n))


def ones(n):
    """Vector of n ones (n ≤ 100)."""
    return np.ones(_size(n))


def zeros(n):
    """Vector of n zeros (n ≤ 100)."""
    return np.zeros(_size(n))


def range_(n):
    """The vector [0, 1, …, n−1] (n ≤ 100)."""
    return np.arange(_size(n), dtype=float)


def sort(x):
    """Entries in increasing order."""
    return np.sort(_arr(x).reshape(-1))


def argmax(x):
    """Index of the largest entry."""
    return int(np.argmax(_arr(x)))


def argmin(x):
    """Index of the smallest entry."""
    return int(np.argmin(_arr(x)))


def cumsum(x):
    """Running sums."""
    return np.cumsum(_arr(x))


def factorial(n):
    """n! for whole n from 0 to 170 (larger would not be a finite float)."""
    if isinstance(n, float) and n.is_integer():
        n = int(n)
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or not 0 <= n <= MAX_FACTORIAL:
        raise ValueError(f"factorial needs a whole number from 0 to {MAX_FACTORIAL}")
    return math.factorial(int(n))


def comb(n, k):
    """Binomial coefficient C(n, k) for whole 0 ≤ k ≤ n ≤ 1000."""
    ints = []
    for v in (n, k):
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or not 0 <= v <= 1000:
            raise ValueError("comb needs whole numbers from 0 to 1000")
        ints.append(int(v))
    return math.comb(*ints)


def erf(x):
    """The error function, elementwise."""
    if type(x) in _FLOATS:
        return math.erf(x)
    a = _arr(x)
    return _out(np.vectorize(math.erf, otypes=[float])(a)) if a.ndim else math.erf(float(a))


def vector(x):
    """A list (or nested list) as a vector (or matrix)."""
    return _arr(x)


def isclose(a, b, rtol=1e-9, atol=0.0):
    """Whether every entry of a and b agree within tolerance."""
    return bool(np.allclose(_arr(a), _arr(b), rtol=rtol, atol=atol))


def all_(x):
    """Whether every entry is true (nonzero)."""
    return bool(np.all(_arr(x)))


def any_(x):
    """Whether some entry is true (nonzero)."""
    return bool(np.any(_arr(x)))


def int_(x):
    """Truncate a number to a whole number."""
    v = float(_arr(x))
    if not math.isfinite(v):
        raise ValueError("int() of a non-finite number")
    return math.trunc(v)


def float_(x):
    """A number as a decimal (float)."""
    return _out(_arr(x).astype(np.float64))


def _axis(axis: Any) -> Any:
    if axis is None:
        return None
    if isinstance(axis, (bool, np.bool_)) or axis not in (0, 1, -1):
        raise ValueError("axis must be 0, 1 or -1")
    return axis
