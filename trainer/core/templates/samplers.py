"""Parameter samplers: how a template's random values (and a formula's test points) are drawn.

Core layer. A sampler is built once from its YAML mapping (validated, with errors naming the option)
and then draws from a `numpy.random.Generator` that the caller owns, so an instance is a pure function
of (template, seed). Every size is bounded and every rejection loop has a fixed number of tries.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from trainer.core.language.evaluate import Compiled, compile_node
from trainer.core.language.names import free_names
from trainer.core.language.nodes import ExprError, Node
from trainer.core.language.template_syntax import parse_template

KINDS = ("int", "float", "choice", "simplex", "vector", "matrix", "expr", "value")
OPTIONS = {
    "int": {"step", "not"},
    "float": {"decimals", "step"},
    "choice": set(),
    "simplex": {"decimals", "min"},
    "vector": {"int", "float", "decimals", "nonzero"},
    "matrix": {"int", "float", "decimals", "property", "max_cond"},
    "expr": set(),
    "value": set(),
}
PROPERTIES = ("symmetric", "spd", "invertible", "diagonalizable-real", "integer-eigenvalues")
MAX_LEN = 20
MAX_CELLS = 100
PROPERTY_TRIES = 200
INT_LIMIT = 10**15  # integers stay exact as floats (2**53 ≈ 9e15) wherever an expression uses them
MAX_EXCLUDED = 1000
MAX_FLOAT_STEPS = 2**62  # rng.integers takes an int64 bound
# Work units approximate one scalar draw (~10 µs). A single draw may spend at most MAX_DRAW_WORK of
# them, so a retried matrix property gives up in milliseconds rather than seconds.
MAX_DRAW_WORK = 2000
_SIGNS = (-1, 1)  # the signs of an integer-eigenvalues shear, indexed by a draw


def _tries(unit: int) -> int:
    """How many tries a retrying draw gets when each costs `unit` work units."""
    return max(1, min(PROPERTY_TRIES, MAX_DRAW_WORK // unit))


class SpecError(ValueError):
    """A sampler mapping that cannot be used. `key` names the offending option when known."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.message = message
        self.key = key


class DrawError(ValueError):
    """A draw that failed for these values (e.g. no matrix with the property in the allowed tries).

    `fixed` is true when the failure follows from the sampler's inputs alone (an empty range, a shape
    too large), so drawing again with the same inputs cannot succeed; false when it was bad luck.
    """

    def __init__(self, message: str, fixed: bool = True, work: int = 1):
        super().__init__(message)
        self.fixed = fixed
        self.work = work  # what the failed draw cost, in scalar-draw units (see Sampler.measured_draw)


@dataclass(frozen=True)
class _Num:
    """A number given literally or as an expression of earlier parameters."""

    run: Compiled
    names: frozenset[str]

    def __call__(self, env: Mapping[str, Any]) -> Any:
        return self.run(env)


def _num(value: Any, key: str, functions: Mapping[str, Any] | None) -> _Num:
    if isinstance(value, bool):
        raise SpecError(f"'{key}' must be a number or an expression, not true/false", key)
    if isinstance(value, (int, float)):
        return _Num(lambda env, v=value: v, frozenset())
    if isinstance(value, str):
        try:
            node = parse_template(value)
        except ExprError as exc:
            raise SpecError(f"'{key}': {exc.message}", key) from None
        return _Num(compile_node(node, functions, guard=False), frozenset(free_names(node)))
    raise SpecError(f"'{key}' must be a number or an expression", key)


def _range(value: Any, key: str, functions: Mapping[str, Any] | None) -> tuple[_Num, _Num]:
    if not isinstance(value, list) or len(value) != 2:
        raise SpecError(f"'{key}' must be a range [low, high]", key)
    lo, hi = (_num(v, key, functions) for v in value)
    if not lo.names and not hi.names and lo({}) > hi({}):
        raise SpecError(f"'{key}' range [{value[0]}, {value[1]}] is empty (low > high)", key)
    return lo, hi


def _whole(value: Any, what: str, lo: int = 0, hi: int | None = None) -> int:
    if type(value) is int and lo <= value and (hi is None or value <= hi):  # the common case, at once
        return value
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise DrawError(f"{what} must be a whole number, got {value!r}")
    value = int(value)
    if value < lo or (hi is not None and value > hi):
        raise DrawError(f"{what} must be from {lo} to {hi}, got {value}")
    return value


def _real(value: Any, what: str) -> float:
    if type(value) is float:  # the common cases (a float, an int literal), without NumPy's ndim
        if math.isfinite(value):
            return value
    elif type(value) is int:
        out = float(value)
        if math.isfinite(out):
            return out
    if isinstance(value, (bool, np.bool_)) or np.ndim(value) != 0:
        raise DrawError(f"{what} must be one number, got {value!r}")
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise DrawError(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(out):
        raise DrawError(f"{what} must be finite, got {out}")
    return out


class Sampler:
    """Draws one parameter value. `names` are the parameters it reads."""

    kind = ""
    names: frozenset[str] = frozenset()
    # Typical work of one draw, in units of a scalar draw (`check` budgets with it).
    cost = 1
    # Whether a draw consumes randomness (expr and value samplers are functions of their inputs).
    random = True

    def draw(self, rng: np.random.Generator, env: Mapping[str, Any]) -> Any:
        raise NotImplementedError

    def measured_draw(self, rng: np.random.Generator, env: Mapping[str, Any]) -> tuple[Any, int]:
        """Draw, and say what it cost in scalar-draw units; generation spends a bounded budget of them.

        Args:
            rng: the caller's generator.
            env: earlier parameters.

        Returns:
            (value, work); samplers that retry (a matrix with a property) count every try.

        Raises:
            DrawError: as `draw`, with `work` set to what the failed draw cost.
        """
        return self.draw(rng, env), self.cost


class IntSampler(Sampler):
    """Whole numbers lo, lo+step, ... up to hi, minus the `not` values, drawn in O(|not|) at any width.

    The k-th allowed value is computed instead of listed, so a range a trillion wide costs what [1, 5]
    costs; the draw is `rng.integers(count)` mapped to the k-th allowed value, the same stream the
    earlier list-based sampler consumed, so instances of existing templates are unchanged.
    """

    kind = "int"

    def __init__(self, spec: Mapping[str, Any], fns: Mapping[str, Any] | None):
        self.lo, self.hi = _range(spec["int"], "int", fns)
        step = spec.get("step", 1)
        if isinstance(step, float) and step.is_integer():
            step = int(step)
        if isinstance(step, bool) or not isinstance(step, int) or not 1 <= step <= INT_LIMIT:
            raise SpecError("'step' must be a positive whole number", "step")
        self.step = step
        excluded = spec.get("not", [])
        if not isinstance(excluded, list):
            excluded = [excluded]
        if len(excluded) > MAX_EXCLUDED:
            raise SpecError(f"'not' lists more than {MAX_EXCLUDED} values", "not")
        for value in excluded:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise SpecError(f"'not' values must be numbers, got {value!r}", "not")
        # Only whole numbers can be drawn, so a fractional `not` value excludes nothing.
        self.excluded = tuple(sorted({int(v) for v in excluded if math.isfinite(v) and float(v).is_integer()}))
        self.names = self.lo.names | self.hi.names
        self.cost = 3 if self.names else 1  # bounds computed from earlier parameters on every draw
        self._static: tuple[int, int, list[int]] | None = None
        if not self.names:
            try:
                self._static = self._grid(self.lo({}), self.hi({}))
            except DrawError as exc:
                raise SpecError(str(exc), "int") from None

    def _grid(self, lo: Any, hi: Any) -> tuple[int, int, list[int]]:
        """(lo, count on the grid, sorted grid indices of excluded values), refusing an empty set."""
        lo = _whole(lo, "int range low", -INT_LIMIT, INT_LIMIT)
        hi = _whole(hi, "int range high", -INT_LIMIT, INT_LIMIT)
        if lo > hi:
            raise DrawError(f"int range [{lo}, {hi}] is empty (low > high)")
        count = (hi - lo) // self.step + 1
        holes = [(v - lo) // self.step for v in self.excluded if lo <= v <= hi and (v - lo) % self.step == 0]
        if count == len(holes):
            raise DrawError(f"int range [{lo}, {hi}] has no allowed value")
        return lo, count, holes

    def draw(self, rng, env):
        lo, count, holes = self._static or self._grid(self.lo.run(env), self.hi.run(env))
        k = int(rng.integers(count - len(holes)))
        for hole in holes:  # sorted: step over every excluded index at or below the k-th allowed one
            if hole <= k:
                k += 1
            else:
                break
        return lo + k * self.step


class FloatSampler(Sampler):
    kind = "float"

    def __init__(self, spec, fns):
        self.lo, self.hi = _range(spec["float"], "float", fns)
        self.decimals = spec.get("decimals")
        self.step = spec.get("step")
        if self.step is not None and (isinstance(self.step, bool) or not isinstance(self.step, (int, float))
                                      or not 0 < self.step < math.inf):
            raise SpecError("'step' must be a positive number", "step")
        if self.decimals is None and self.step is None:
            self.decimals = 2
        if self.decimals is not None and (not isinstance(self.decimals, int) or not 0 <= self.decimals <= 8):
            raise SpecError("'decimals' must be a whole number from 0 to 8", "decimals")
        self.names = self.lo.names | self.hi.names

    def draw(self, rng, env):
        lo, hi = _real(self.lo.run(env), "float range low"), _real(self.hi.run(env), "float range high")
        if lo > hi:
            raise DrawError(f"float range [{lo}, {hi}] is empty (low > high)")
        if self.step is not None:
            steps = (hi - lo) / self.step + 1e-9
            if not steps < MAX_FLOAT_STEPS:
                raise DrawError(f"float range [{lo}, {hi}] has more than 2**62 steps of {self.step}")
            count = int(math.floor(steps)) + 1
            value = lo + self.step * int(rng.integers(count))
            return round(value, 10)
        if not math.isfinite(hi - lo):
            raise DrawError(f"float range [{lo}, {hi}] is too wide")
        return round(float(rng.uniform(lo, hi)), self.decimals)


class ChoiceSampler(Sampler):
    kind = "choice"

    def __init__(self, spec, fns):
        values = spec["choice"]
        if not isinstance(values, list) or not values:
            raise SpecError("'choice' must be a non-empty list of values", "choice")
        self.values = [_choice_array(v) if isinstance(v, list) else v for v in values]

    def draw(self, rng, env):
        return self.values[int(rng.integers(len(self.values)))]


def _choice_array(value: list) -> np.ndarray:
    """A list among a `choice`'s values is a vector or matrix: numbers only (text goes in a plain value)."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise SpecError(f"a list among the 'choice' values must hold numbers only (a vector or matrix), "
                        f"got {value!r}", "choice") from None


class SimplexSampler(Sampler):
    """A probability vector with `decimals` places, summing to exactly 1 in decimal."""

    kind = "simplex"

    def __init__(self, spec, fns):
        self.n = _num(spec["simplex"], "simplex", fns)
        self.decimals = spec.get("decimals", 2)
        if not isinstance(self.decimals, int) or not 1 <= self.decimals <= 6:
            raise SpecError("'decimals' must be a whole number from 1 to 6", "decimals")
        self.min = spec.get("min", 10 ** -self.decimals)
        if not isinstance(self.min, (int, float)) or not 0 <= self.min < 1:
            raise SpecError("'min' must be a number in [0, 1)", "min")
        self.names = self.n.names
        if not self.names:
            n = _whole(self.n({}), "simplex length", 1, MAX_LEN)
            if n * math.ceil(self.min * 10**self.decimals - 1e-9) > 10**self.decimals:
                raise SpecError(f"{n} entries of at least {self.min} cannot sum to 1", "min")

    def draw(self, rng, env):
        n = _whole(self.n.run(env), "simplex length", 1, MAX_LEN)
        units = 10**self.decimals
        floor_units = math.ceil(self.min * units - 1e-9)
        spare = units - n * floor_units
        if spare < 0:
            raise DrawError(f"{n} entries of at least {self.min} cannot sum to 1")
        parts = rng.multinomial(spare, rng.dirichlet(np.ones(n))) + floor_units
        return (parts / units).round(self.decimals)  # what np.round calls, minus its dispatch


def _entries(spec, fns, default=(-5, 5)) -> tuple[str, tuple[_Num, _Num], int | None]:
    if "int" in spec and "float" in spec:
        raise SpecError("give either 'int' or 'float' entries, not both", "float")
    if "float" in spec:
        decimals = spec.get("decimals", 2)
        if not isinstance(decimals, int) or not 0 <= decimals <= 8:
            raise SpecError("'decimals' must be a whole number from 0 to 8", "decimals")
        return "float", _range(spec["float"], "float", fns), decimals
    if "int" in spec:
        return "int", _range(spec["int"], "int", fns), None
    return "int", (_num(default[0], "int", fns), _num(default[1], "int", fns)), None


def _entry_range(kind, bounds, env) -> tuple[Any, Any]:
    """The checked [low, high] of a vector's or matrix's entries (whole numbers for int entries)."""
    lo, hi = bounds[0].run(env), bounds[1].run(env)
    if kind == "int":
        lo, hi = _whole(lo, "entry low", -10**6, 10**6), _whole(hi, "entry high", -10**6, 10**6)
        if lo > hi:
            raise DrawError(f"entry range [{lo}, {hi}] is empty")
        return lo, hi
    lo, hi = _real(lo, "entry low"), _real(hi, "entry high")
    if lo > hi or not math.isfinite(hi - lo):
        raise DrawError(f"entry range [{lo}, {hi}] is empty or too wide")
    return lo, hi


def _static_entry_range(kind, bounds) -> tuple[Any, Any] | None:
    """The entry range when it names no parameter (the same on every draw), or None: computed per draw,
    where a bad range raises as it always did."""
    if bounds[0].names or bounds[1].names:
        return None
    try:
        return _entry_range(kind, bounds, {})
    except DrawError:
        return None


def _fill(rng, kind, lo, hi, decimals, shape) -> np.ndarray:
    if kind == "int":
        return rng.integers(lo, hi + 1, size=shape).astype(float)
    return rng.uniform(lo, hi, size=shape).round(decimals)  # what np.round calls, minus its dispatch


@cache
def _lower_mask(n: int) -> np.ndarray:
    """Where an n×n matrix is strictly below its diagonal (read-only: shared by every draw)."""
    mask = np.tri(n, n, -1, dtype=bool)
    mask.flags.writeable = False
    return mask


class VectorSampler(Sampler):
    kind = "vector"

    def __init__(self, spec, fns):
        self.n = _num(spec["vector"], "vector", fns)
        self.entry_kind, self.bounds, self.decimals = _entries(spec, fns)
        self.nonzero = bool(spec.get("nonzero", False))
        self.names = self.n.names | self.bounds[0].names | self.bounds[1].names
        # What names no parameter is worked out once: every draw would compute the same.
        self._n: int | None = None
        if not self.n.names:
            try:
                self._n = _whole(self.n.run({}), "vector length", 1, MAX_LEN)
            except DrawError as exc:
                raise SpecError(str(exc), "vector") from None
        self._range = _static_entry_range(self.entry_kind, self.bounds)

    def draw(self, rng, env):
        return self.measured_draw(rng, env)[0]

    def measured_draw(self, rng, env):
        n = self._n or _whole(self.n.run(env), "vector length", 1, MAX_LEN)
        unit = 3 + n // 10
        limit = _tries(unit)
        lo, hi = self._range or _entry_range(self.entry_kind, self.bounds, env)
        for tries in range(1, limit + 1):
            v = _fill(rng, self.entry_kind, lo, hi, self.decimals, n)
            if not self.nonzero or (v != 0).all():  # np.all's reduction, minus its dispatch
                return v, tries * unit
        raise DrawError(f"could not draw a vector without zero entries in {limit} tries", fixed=False,
                        work=limit * unit)


class MatrixSampler(Sampler):
    kind = "matrix"

    def __init__(self, spec, fns):
        shape = spec["matrix"]
        if not isinstance(shape, list) or len(shape) != 2:
            raise SpecError("'matrix' must be a shape [rows, columns]", "matrix")
        self.shape = [_num(s, "matrix", fns) for s in shape]
        self.entry_kind, self.bounds, self.decimals = _entries(spec, fns)
        self.property = spec.get("property")
        if self.property is not None and self.property not in PROPERTIES:
            raise SpecError(f"unknown property {self.property!r}; use one of {', '.join(PROPERTIES)}",
                            "property")
        self.max_cond = spec.get("max_cond", 1e6 if self.property in ("invertible", "spd") else None)
        self.names = (self.shape[0].names | self.shape[1].names | self.bounds[0].names
                      | self.bounds[1].names)
        self.cost = 1 if self.property is None else 20  # property draws test eigenvalues, often retried
        self._static_shape: tuple[int, int] | None = None
        if not self.shape[0].names and not self.shape[1].names:
            try:
                self._static_shape = self._shape({})
            except DrawError as exc:
                raise SpecError(str(exc), "matrix") from None
        self._range = _static_entry_range(self.entry_kind, self.bounds)

    def _shape(self, env: Mapping[str, Any]) -> tuple[int, int]:
        m = _whole(self.shape[0].run(env), "matrix rows", 1, MAX_LEN)
        n = _whole(self.shape[1].run(env), "matrix columns", 1, MAX_LEN)
        if m * n > MAX_CELLS:
            raise DrawError(f"a {m}×{n} matrix is larger than {MAX_CELLS} cells")
        if self.property and m != n:
            raise DrawError(f"property {self.property!r} needs a square matrix, got {m}×{n}")
        return m, n

    def draw(self, rng, env):
        return self.measured_draw(rng, env)[0]

    def measured_draw(self, rng, env):
        m, n = self._static_shape or self._shape(env)
        prop = self.property
        if prop == "integer-eigenvalues":
            return self._integer_eigen(rng, n, env)
        # An eigen-decomposition costs far more than a scalar draw, and more with the size.
        unit = 3 + m * n // 50 if prop is None else 5 + m * n // 2
        limit = _tries(unit)
        lo, hi = self._range or _entry_range(self.entry_kind, self.bounds, env)
        for tries in range(1, limit + 1):
            a = _fill(rng, self.entry_kind, lo, hi, self.decimals, (m, n))
            if prop in ("symmetric", "spd"):
                # np.triu(a) + np.triu(a, 1).T: the upper triangle mirrored, each entry plus a +0
                # (which turns a -0.0 into 0.0), from one cached mask instead of two triu calls.
                a = np.where(_lower_mask(n), a.T, a) + 0.0
            if prop == "spd":
                # Strict diagonal dominance with a positive diagonal guarantees positive definiteness,
                # so the draw succeeds at once instead of by rare rejection.
                off = np.abs(a).sum(axis=1) - np.abs(np.diag(a))
                np.fill_diagonal(a, off + np.abs(np.diag(a)) + 1)
            if prop is None or self._holds(a, prop):
                return a, tries * unit
        raise DrawError(f"no {m}×{n} matrix with property {prop!r} in {limit} tries", fixed=False,
                        work=limit * unit)

    def _holds(self, a: np.ndarray, prop: str) -> bool:
        if prop == "symmetric":
            return True
        if prop == "spd":
            w = np.linalg.eigvalsh(a)
            return w[0] > 1e-9 and (self.max_cond is None or w[-1] / w[0] <= self.max_cond)
        if prop == "invertible":
            if abs(np.linalg.det(a)) < 1e-9:
                return False
            return self.max_cond is None or np.linalg.cond(a) <= self.max_cond
        if prop == "diagonalizable-real":
            w = np.linalg.eigvals(a)
            if np.max(np.abs(w.imag)) > 1e-9:
                return False
            w = np.sort(w.real)
            return bool(np.all(np.diff(w) > 1e-6))
        return True

    def _integer_eigen(self, rng, n, env) -> tuple[np.ndarray, int]:
        """P·D·P⁻¹ with distinct integer eigenvalues and a unimodular integer P: integer entries,
        never triangular (a triangular matrix shows its eigenvalues on its diagonal).

        P is the identity sheared 2n times (a signed column added to another), and P⁻¹ is kept
        alongside by the inverse row operations, so the product is worked out in exact integers
        (no inverse, no rounding) and one try costs a few small draws rather than a dozen calls."""
        lo, hi = self.bounds[0].run(env), self.bounds[1].run(env)
        lo, hi = _whole(lo, "entry low", -100, 100), _whole(hi, "entry high", -100, 100)
        if hi - lo + 1 < n:
            raise DrawError(f"need {n} distinct eigenvalues in [{lo}, {hi}]")
        unit = 10 + 40 * n  # per try, as the work budget has always counted it
        limit = _tries(unit)
        bound = max(abs(lo), abs(hi)) * 2
        span = range(n)
        pairs = max(1, n * (n - 1))  # ordered pairs (i, j), i ≠ j, each with two signs
        for tries in range(1, limit + 1):
            eig = rng.choice(hi - lo + 1, size=n, replace=False).tolist()
            p = [[int(r == c) for c in span] for r in span]
            q = [[int(r == c) for c in span] for r in span]  # P⁻¹
            for op in (rng.integers(2 * pairs, size=2 * n).tolist() if n > 1 else ()):
                sign = 1 if op & 1 else -1
                i, j = divmod(op >> 1, n - 1)
                j += j >= i
                for row in p:  # P·(I + s·E_ij): s × column i added to column j
                    row[j] += sign * row[i]
                qi, qj = q[i], q[j]  # (I − s·E_ij)·P⁻¹: s × row j taken from row i
                for c in span:
                    qi[c] -= sign * qj[c]
            a = [[sum(p[r][k] * (eig[k] + lo) * q[k][c] for k in span) for c in span] for r in span]
            if max(abs(x) for row in a for x in row) <= bound and (
                    n == 1 or (any(a[r][c] for r in span for c in range(r)) and
                               any(a[r][c] for r in span for c in range(r + 1, n)))):
                return np.array(a, dtype=float), tries * unit
        raise DrawError(f"no {n}×{n} integer matrix with small integer eigenvalues in {limit} tries",
                        fixed=False, work=limit * unit)


class ExprSampler(Sampler):
    kind = "expr"
    random = False

    def __init__(self, spec, fns):
        text = spec["expr"]
        if not isinstance(text, (str, int, float)) or isinstance(text, bool):
            raise SpecError("'expr' must be an expression", "expr")
        try:
            self.node: Node = parse_template(str(text))
        except ExprError as exc:
            raise SpecError(f"'expr': {exc.message}", "expr") from None
        self.run = compile_node(self.node, fns, guard=False)
        self.names = frozenset(free_names(self.node))

    def draw(self, rng, env):
        return self.run(env)


class ValueSampler(Sampler):
    kind = "value"
    random = False

    def __init__(self, spec, fns):
        v = spec["value"]
        self.value = np.asarray(v, dtype=float) if isinstance(v, list) else v

    def draw(self, rng, env):
        return self.value


_CLASSES = {"int": IntSampler, "float": FloatSampler, "choice": ChoiceSampler, "simplex": SimplexSampler,
            "vector": VectorSampler, "matrix": MatrixSampler, "expr": ExprSampler, "value": ValueSampler}


def build_sampler(spec: Any, functions: Mapping[str, Any] | None = None) -> Sampler:
    """Build a sampler from its YAML mapping (or a bare string, read as `expr`).

    Args:
        spec: e.g. `{int: [3, 5]}`, `{simplex: k, decimals: 2}`, `"2*k"`.
        functions: the whitelist expressions may call (defaults to the solver registry).

    Returns:
        A sampler whose `draw(rng, env)` returns the value.

    Raises:
        SpecError: not exactly one sampler key, an unknown option, a bad value or an empty range.
    """
    if isinstance(spec, str):
        spec = {"expr": spec}
    elif isinstance(spec, (int, float)) and not isinstance(spec, bool):
        spec = {"value": spec}
    if not isinstance(spec, Mapping):
        raise SpecError(f"a parameter must be a mapping such as {{int: [1, 5]}}, got {type(spec).__name__}")
    kinds = [k for k in spec if k in KINDS]
    if not kinds:
        raise SpecError(f"no sampler: give one of {', '.join(KINDS)}")
    kind = kinds[0]
    if kind in ("vector", "matrix"):
        kinds = [k for k in kinds if k not in ("int", "float")]
        kind = kinds[0] if kinds else kind
    elif len(kinds) > 1:
        raise SpecError(f"one sampler per parameter, got {', '.join(kinds)}", kinds[1])
    if len(kinds) > 1:
        raise SpecError(f"one sampler per parameter, got {', '.join(kinds)}", kinds[1])
    unknown = [k for k in spec if k != kind and k not in OPTIONS[kind]]
    if unknown:
        allowed = ", ".join(sorted(OPTIONS[kind])) or "none"
        raise SpecError(f"unknown option '{unknown[0]}' for {kind} (allowed: {allowed})", unknown[0])
    return _CLASSES[kind](spec, functions)
