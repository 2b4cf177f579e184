"""Formula answers: equivalence by evaluation at random admissible points, plus a sympy converter.

Core layer. A typed formula is right when it agrees with the template's reference at every one of a
dozen points drawn from the variables' declared domains (positive σ, probability vectors, matrices
of the declared shape), with an RNG seeded from the instance so a verdict never changes between
runs. The compiled reference, the points and the values of the reference and of each anticipated
mistake are cached per instance, so grading a formula costs one evaluation of the typed tree per
point. `to_sympy` turns a parsed tree into a sympy expression node by node (never through text); it
is used by the benchmark's symbolic baseline only.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from trainer.core._memo import ByIdentity
from trainer.core.language.evaluate import compile_node
from trainer.core.language.names import free_names
from trainer.core.language.nodes import BinOp, Call, EvalError, ListLit, Name, Node, Num, Transpose, Unary

POINTS = 10  # test points per formula
MAX_DRAWS = 40  # draws tried to find POINTS points where the reference is finite
MIN_POINTS = 4  # fewer usable points than this and the formula cannot be judged
CACHE_SIZE = 128  # references kept (one per recently graded instance)
LENGTH_POINTS = 2  # points also tried with the vectors one entry longer and one shorter
PRINTED_PER_REFERENCE = 64  # trees' values kept per reference (the answer's mistakes, what was typed)
_SALT = 0x6772_6164  # separates the grading points' stream from the instance's own draws

EVAL_ERRORS = (EvalError, ArithmeticError, ValueError, TypeError, IndexError, KeyError,
               np.linalg.LinAlgError, RecursionError, MemoryError)


def evaluate(fn: Callable[[Mapping[str, Any]], Any], env: Mapping[str, Any]) -> np.ndarray:
    """Run a compiled tree and return a float array.

    Args:
        fn: a closure from `compile_node`.
        env: names to values.

    Returns:
        The value as a float array (0-d for a scalar).

    Raises:
        EvalError: the value cannot be computed or is not numeric (any evaluation failure).
    """
    with np.errstate(all="ignore"):
        return _evaluate(fn, env)


def _evaluate(fn: Callable[[Mapping[str, Any]], Any], env: Mapping[str, Any]) -> np.ndarray:
    """`evaluate` for a caller already inside `np.errstate(all="ignore")` (entered once for many
    points: entering it cost more than evaluating a small formula)."""
    try:
        return np.asarray(fn(env), dtype=float)
    except EvalError:
        raise
    except EVAL_ERRORS as exc:
        raise EvalError(_failure(exc)) from None


def _failure(exc: BaseException) -> str:
    if isinstance(exc, OverflowError):
        return "a number in it is too large"
    if isinstance(exc, (RecursionError, MemoryError)):
        return "it is too large to evaluate"
    return str(exc) or type(exc).__name__


def close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    """Whether a matches b (same shape, finite, |a − b| ≤ atol + rtol·|b| entrywise)."""
    if a.shape != b.shape:
        return False
    if not a.shape:  # one number: the same IEEE arithmetic in Python floats, without NumPy's calls
        x, y = float(a), float(b)
        return math.isfinite(x) and abs(x - y) <= atol + rtol * abs(y)
    if not np.isfinite(a).all():
        return False
    if a is b and atol >= 0 and rtol >= 0:  # |a − a| = 0 is within any tolerance of finite values
        return True
    with np.errstate(all="ignore"):
        return bool((np.abs(a - b) <= atol + rtol * np.abs(b)).all())


@dataclass
class Reference:
    """A formula answer made ready for grading: points, and reference values at each.

    Attributes:
        names: the names a typed formula may use (the variables, then parameters the reference reads).
        variables: the declared variables, in order.
        points: environments (parameters and a draw of each variable).
        values: the reference's value at each point.
        rtol, atol: the comparison tolerance.
    """

    names: tuple[str, ...]
    variables: tuple[str, ...]
    points: list[dict[str, Any]]
    values: list[np.ndarray]
    rtol: float
    atol: float
    ndims: dict[str, int] = field(default_factory=dict)
    base: int = 0  # points[:base] are drawn as declared; the rest vary the vectors' length
    _by_printed: dict[str, list[np.ndarray] | str] = field(default_factory=dict)  # see `values_of`
    _swapped: list[tuple[str, str, list[np.ndarray]]] | None = None

    def values_of(self, node: Node) -> list[np.ndarray]:
        """Values of another tree at the same points.

        Raises:
            EvalError: it cannot be evaluated at some point (the message names the point).
        """
        # Evaluating a tree is a function of the tree alone, and its printed form (`repr`) shows
        # every node and each number's type: trees printed alike have the same values at these
        # points. So the reference's own tree typed back has the reference's values, and a mistake
        # typed, then compared as the template's own tree, is evaluated once.
        printed = _printed(node)
        if self.node is not None and printed == _printed(self.node):
            return list(self.values)
        known = self._by_printed.get(printed)
        if known is None:
            known = self._evaluate_all(node)
            if len(self._by_printed) >= PRINTED_PER_REFERENCE:
                self._by_printed.clear()
            self._by_printed[printed] = known
        if isinstance(known, str):
            raise EvalError(known)
        return list(known)

    def _evaluate_all(self, node: Node) -> list[np.ndarray] | str:
        """The tree's values at every point, or the message of the first failure (naming its point)."""
        fn = compiled(node)
        out = []
        with np.errstate(all="ignore"):
            for env in self.points:
                try:
                    out.append(_evaluate(fn, env))
                except EvalError as exc:
                    return f"{exc} (at {self.describe(env)})"
        return out

    def memo_values(self, node: Node) -> list[np.ndarray] | None:
        """Values of a template's own tree (a mistake), cached; None when it cannot be evaluated."""
        try:
            return self.values_of(node)
        except EvalError:
            return None

    def swapped(self) -> list[tuple[str, str, list[np.ndarray]]]:
        """Reference values with two same-shaped variables exchanged (the swapped-arguments slip).

        Typing f(b, a) for f(a, b) gives, at any point, the reference at the point with a and b
        exchanged, so the check needs only that both have the same shape there.
        """
        if self._swapped is not None:
            return self._swapped
        out = []
        names = self.variables
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if any(np.shape(env[a]) != np.shape(env[b]) for env in self.points):
                    continue
                vals = []
                try:
                    for env in self.points:
                        swapped = dict(env)
                        swapped[a], swapped[b] = env[b], env[a]
                        vals.append(evaluate(self.fn, swapped))
                except EvalError:
                    continue
                if not all(np.isfinite(v).all() for v in vals):
                    continue
                if all(close(v, r, self.rtol, self.atol) for v, r in zip(vals, self.values)):
                    continue  # symmetric in a and b: swapping them is not a mistake
                out.append((a, b, vals))
        self._swapped = out
        return out

    def describe(self, env: Mapping[str, Any]) -> str:
        parts = []
        for name in self.variables:
            v = np.asarray(env[name])
            parts.append(f"{name} = {float(v):.3g}" if v.ndim == 0 else
                         f"{name} of shape {'×'.join(map(str, v.shape))}")
        return ", ".join(parts) or "the test point"

    fn: Callable[[Mapping[str, Any]], Any] = field(default=lambda env: None, repr=False)
    node: Node | None = field(default=None, repr=False)  # the reference tree `fn` was compiled from


_CACHE: OrderedDict[int, tuple[weakref.ref, Reference]] = OrderedDict()


def reference(answer: Any, seed: int) -> Reference:
    """The grading reference of a formula answer, built once per answer object.

    Args:
        answer: an `Answer` of type formula (value: reference tree; variables: (name, sampler) pairs;
            env: the instance's parameters; `sample_points(rng, count)`).
        seed: the instance seed; grading points come from a generator derived from it.

    Returns:
        The reference with its points and values.

    Raises:
        EvalError: the reference cannot be evaluated at enough points of its domain.
    """
    key = id(answer)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is answer:
        _CACHE.move_to_end(key)
        return hit[1]
    ref = _build(answer, seed)
    try:
        _CACHE[key] = (weakref.ref(answer), ref)
    except TypeError:  # an answer object without weak references is simply not cached
        return ref
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return ref


#: A tree's compiled closure: the reference, the mistakes and (parsed once) a typed formula are the
#: same trees on every instance of a template.
_COMPILED: ByIdentity[Callable[[Mapping[str, Any]], Any]] = ByIdentity(512)


#: A tree's full printed form (`repr`), for the trees `values_of` compares.
_PRINTED: ByIdentity[str] = ByIdentity(512)


def _printed(node: Node) -> str:
    return _PRINTED.get(node, repr)


def compiled(node: Node) -> Callable[[Mapping[str, Any]], Any]:
    """`compile_node(node, guard=False)`, once per tree object (a compiled closure keeps no state
    between calls). Unguarded: run it through `evaluate`, which enters `np.errstate` itself.

    Args:
        node: an expression tree.

    Returns:
        Its closure over the solver registry.
    """
    return _COMPILED.get(node, _compile_unguarded)


def _compile_unguarded(node: Node) -> Callable[[Mapping[str, Any]], Any]:
    return compile_node(node, guard=False)


#: The names a tree reads: a template's reference is the same tree on every seed.
_FREE: ByIdentity[frozenset[str]] = ByIdentity(512)


def _free(node: Node) -> frozenset[str]:
    return _FREE.get(node, lambda n: frozenset(free_names(n)))


def _build(answer: Any, seed: int) -> Reference:
    node = answer.value
    fn = compiled(node)
    variables = tuple(name for name, _ in answer.variables)
    env_names = set(getattr(answer, "env", {}) or {})
    params = tuple(sorted((_free(node) & env_names) - set(variables)))
    rng = _points_rng(seed)
    points: list[dict[str, Any]] = []
    values: list[np.ndarray] = []
    last = None
    with np.errstate(all="ignore"):  # once for every point below
        for _ in range(MAX_DRAWS):
            if len(points) >= POINTS:
                break
            try:
                env = answer.sample_points(rng, 1)[0]
                val = _evaluate(fn, env)
            except (EvalError, ValueError) as exc:
                last = exc
                continue
            if not (math.isfinite(val) if val.ndim == 0 else np.isfinite(val).all()):
                continue
            points.append(env)
            values.append(val)
        if len(points) < MIN_POINTS:
            detail = f": {last}" if last else ""
            raise EvalError(f"the reference formula is not finite on enough points of its domain{detail}")
        base = len(points)
        for env in _other_lengths(points[:LENGTH_POINTS], variables, params):
            try:
                val = _evaluate(fn, env)
            except EvalError:
                continue
            if np.isfinite(val).all():
                points.append(env)
                values.append(val)
    ndims = {name: int(np.ndim(points[0][name])) for name in variables + params
             if not isinstance(points[0][name], str)}
    return Reference(names=variables + params, variables=variables, points=points, values=values,
                     rtol=float(answer.rtol), atol=max(float(answer.atol), 1e-12), ndims=ndims, fn=fn,
                     base=base, node=node)


#: The grading points' generator state by seed: every formula template is graded at the same seeds
#: (0, 1, 2, … in `check`), and seeding a generator cost more than drawing a reference's points.
_STATES: dict[int, dict[str, Any]] = {}
_STATES_SIZE = 4096
_LOCAL = threading.local()  # each thread's generator, set to a seed's state by `_points_rng`


def _points_rng(seed: int) -> np.random.Generator:
    """A generator in the very state of `np.random.default_rng([seed & 0xFFFF_FFFF, _SALT])`: the
    calling thread's own, set to that state again by its next call (`_build` keeps no draw for
    later)."""
    key = int(seed) & 0xFFFF_FFFF
    state = _STATES.get(key)
    if state is None:
        state = np.random.PCG64([key, _SALT]).state  # what `default_rng` seeds its PCG64 with
        if len(_STATES) >= _STATES_SIZE:
            _STATES.clear()
        _STATES[key] = state
    rng = getattr(_LOCAL, "rng", None)
    if rng is None:
        rng = _LOCAL.rng = np.random.Generator(np.random.PCG64(0))
    rng.bit_generator.state = state
    return rng


def _other_lengths(points: Sequence[dict[str, Any]], variables: Sequence[str],
                   params: Sequence[str]) -> list[dict[str, Any]]:
    """The same points with every vector variable one entry longer and one entry shorter.

    A recall formula over vectors must hold at any length: `sum(x)/3` agrees with `mean(x)` only
    while x has 3 entries. The last entry is split in two halves (or the last two merged), which
    keeps a probability vector a probability vector and every entry inside a domain that contains
    its halves and sums. Skipped when lengths are tied to something else: a matrix variable, vectors
    of different lengths, or a whole number of the point equal to the length (a declared n).
    """
    out: list[dict[str, Any]] = []
    for env in points:
        vecs = [v for v in variables if isinstance(env[v], np.ndarray) and env[v].ndim >= 1]
        if not vecs or any(env[v].ndim != 1 for v in vecs):
            return []
        lengths = {env[v].size for v in vecs}
        if len(lengths) != 1:
            return []
        size = lengths.pop()
        for name in [*variables, *params]:
            value = env[name]
            if np.ndim(value) == 0 and not isinstance(value, str):
                try:
                    if float(value) == size:
                        return []
                except (TypeError, ValueError):
                    return []
            elif name not in vecs:
                return []  # a vector parameter of the instance: its length is fixed
        for grow in (True, False):
            if not grow and size < 3:
                continue
            variant = dict(env)
            for v in vecs:
                a = np.asarray(env[v], dtype=float)
                variant[v] = (np.concatenate([a[:-1], [a[-1] / 2, a[-1] / 2]]) if grow
                              else np.concatenate([a[:-2], [a[-2] + a[-1]]]))
            out.append(variant)
    return out


def matches(ref: Reference, typed: Sequence[np.ndarray], expected: Sequence[np.ndarray]) -> bool:
    """Whether typed values agree with expected values at every point."""
    return len(typed) == len(expected) and all(
        close(t, e, ref.rtol, ref.atol) for t, e in zip(typed, expected))


# --- sympy (benchmark baseline only) -------------------------------------------------------------


def to_sympy(node: Node, symbols: Mapping[str, Any] | None = None) -> Any:
    """Convert a tree to a sympy expression, node by node (no text is ever parsed).

    Args:
        node: a scalar formula tree (vectors and matrices are not supported).
        symbols: optional mapping of names to sympy symbols (created on demand otherwise).

    Returns:
        The sympy expression.

    Raises:
        ValueError: a construct or function sympy has no counterpart for here.
    """
    import sympy as sp

    table = dict(symbols or {})
    funcs: dict[str, Callable[..., Any]] = {
        "exp": sp.exp, "ln": sp.log, "log": lambda x, b=None: sp.log(x) if b is None else sp.log(x, b),
        "log2": lambda x: sp.log(x, 2), "log10": lambda x: sp.log(x, 10), "sqrt": sp.sqrt,
        "abs": sp.Abs, "tanh": sp.tanh, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan,
        "sigmoid": lambda x: 1 / (1 + sp.exp(-x)), "softplus": lambda x: sp.log(1 + sp.exp(x)),
        "cbrt": sp.cbrt, "erf": sp.erf,
        "normal_pdf": lambda x, mu=0, s=1: sp.exp(-(x - mu) ** 2 / (2 * s ** 2)) / sp.sqrt(2 * sp.pi * s ** 2),
    }

    def go(n: Node) -> Any:
        match n:
            case Num(value=v):
                return sp.Integer(v) if isinstance(v, int) else sp.Float(v)
            case Name(id="pi"):
                return sp.pi
            case Name(id="e"):
                return sp.E
            case Name(id=name):
                if name not in table:
                    table[name] = sp.Symbol(name, real=True)
                return table[name]
            case Unary(op=op, operand=o):
                return -go(o) if op == "-" else go(o)
            case BinOp(op=op, left=l, right=r):
                a, b = go(l), go(r)
                if op == "+":
                    return a + b
                if op == "-":
                    return a - b
                if op == "*":
                    return a * b
                if op == "/":
                    return a / b
                if op == "**":
                    return a ** b
                raise ValueError(f"operator {op} has no sympy form here")
            case Call(func=f, args=args, kwargs=kwargs):
                if f not in funcs:
                    raise ValueError(f"function {f}() has no sympy form here")
                return funcs[f](*[go(a) for a in args], *[go(v) for _, v in kwargs])
            case ListLit() | Transpose():
                raise ValueError("vectors and matrices have no sympy form here")
        raise ValueError(f"{type(n).__name__} has no sympy form here")

    return go(node)
