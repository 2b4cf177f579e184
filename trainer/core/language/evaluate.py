"""Evaluation: a tree compiled to closures over NumPy that call only whitelisted functions.

Core layer, expression language. `compile_node` turns a tree into `f(env) -> value`; the only
functions it can call are those of `trainer.core.solvers.registry()` (or a mapping passed in).
Array sizes and integer sizes are bounded so no expression can hang or exhaust memory; division by
zero and overflow give inf/nan, never warnings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextvars import ContextVar
import operator
from typing import Any

import numpy as np

from trainer.core.language.nodes import (
    CONSTANTS,
    MAX_INT_BITS,
    BinOp,
    BoolOp,
    Call,
    Compare,
    EvalError,
    IfExp,
    Index,
    ListLit,
    Name,
    Node,
    Not,
    Num,
    Slice,
    Str,
    Transpose,
    Unary,
)

MAX_ELEMENTS = 10_000  # elements in any array an expression builds

Env = Mapping[str, Any]
Compiled = Callable[[Env], Any]


def _check_size(value: Any) -> Any:
    if isinstance(value, np.ndarray) and value.size > MAX_ELEMENTS:
        raise EvalError(f"an intermediate array has {value.size} elements; the limit is {MAX_ELEMENTS}")
    return value


def _int_result(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        return float(value)
    return value


def _power(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and not isinstance(a, bool):
        if b < 0 or (abs(a) > 1 and b * max(abs(a).bit_length(), 1) > MAX_INT_BITS):
            return _float_power(a, b)
        return a**b
    return _float_power(a, b)


def _float_power(a: Any, b: Any) -> Any:
    return np.power(np.asarray(a, dtype=float), np.asarray(b, dtype=float))[()]


def _div(a: Any, b: Any) -> Any:
    if type(a) is float and type(b) is float and b != 0.0:  # the common scalar case, without NumPy
        return a / b
    return np.true_divide(np.asarray(a, dtype=float), np.asarray(b, dtype=float))[()]


def _floordiv(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and b != 0:
        return a // b
    return np.floor_divide(np.asarray(a, dtype=float), np.asarray(b, dtype=float))[()]


def _mod(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and b != 0:
        return a % b
    return np.mod(np.asarray(a, dtype=float), np.asarray(b, dtype=float))[()]


def _arith(fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def op(a: Any, b: Any) -> Any:
        if isinstance(a, str) or isinstance(b, str):
            raise EvalError("arithmetic on text is not allowed")
        if isinstance(a, list) or isinstance(b, list):
            a, b = _as_array(a), _as_array(b)
        try:
            return _check_size(_int_result(fn(a, b)))
        except ValueError as exc:  # numpy shape mismatch
            raise EvalError(_shape_message(a, b, exc)) from None
        except (OverflowError, ZeroDivisionError):
            return _float_fallback(fn, a, b)

    return op


def _float_fallback(fn: Callable[[Any, Any], Any], a: Any, b: Any) -> Any:
    """Python floats raise on overflow and x/0 where NumPy gives inf/nan: retry in NumPy."""
    return _check_size(fn(np.float64(a), np.float64(b)))


def _shape_message(a: Any, b: Any, exc: Exception) -> str:
    sa, sb = np.shape(a), np.shape(b)
    return f"shapes {_shape_text(sa)} and {_shape_text(sb)} do not fit together"


def _shape_text(shape: tuple[int, ...]) -> str:
    return "scalar" if not shape else "×".join(str(n) for n in shape)


def _matmul(a: Any, b: Any) -> Any:
    if type(a) is not np.ndarray:
        a = _as_array(a)
    if type(b) is not np.ndarray:
        b = _as_array(b)
    if a.ndim == 0 or b.ndim == 0:
        raise EvalError("@ needs vectors or matrices on both sides")
    try:
        out = a @ b
        if isinstance(out, np.ndarray) and out.size > MAX_ELEMENTS:
            _check_size(out)  # worded below, as a product that does not fit
        return out
    except ValueError:
        raise EvalError(f"cannot multiply {_shape_text(a.shape)} by {_shape_text(b.shape)}") from None


def _as_array(value: Any) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    try:
        arr = np.asarray(value, dtype=float)
    except (ValueError, TypeError):
        raise EvalError("rows of a matrix must all have the same length") from None
    if arr.size > MAX_ELEMENTS:
        _check_size(arr)
    return arr


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": _arith(lambda a, b: a + b),
    "-": _arith(lambda a, b: a - b),
    "*": _arith(lambda a, b: a * b),
    "/": _arith(_div),
    "//": _arith(_floordiv),
    "%": _arith(_mod),
    "**": _arith(_power),
    "@": _matmul,
}

_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "==": lambda a, b: np.array_equal(a, b) if _is_arr(a, b) else a == b,
    "!=": lambda a, b: not np.array_equal(a, b) if _is_arr(a, b) else a != b,
}


def _is_arr(a: Any, b: Any) -> bool:
    return isinstance(a, np.ndarray) or isinstance(b, np.ndarray)


def _truth(value: Any) -> bool:
    if isinstance(value, np.ndarray):
        if value.size != 1:
            raise EvalError("a condition on a whole array is ambiguous: use all(...) or any(...)")
        return bool(value.reshape(-1)[0])
    return bool(value)


def compile_node(node: Node, functions: Mapping[str, Callable[..., Any]] | None = None, *,
                 guard: bool = True) -> Compiled:
    """Compile a tree to a closure that evaluates it against an environment of names.

    Args:
        node: a tree from `parse_template` or the learner-input parser.
        functions: the callable whitelist; defaults to the solver registry.

    Returns:
        `f(env) -> value` where env maps names (parameters, variables) to numbers, strings or arrays.
        Calling it raises `EvalError` for unknown names or functions, bad shapes and exceeded bounds.
        With `guard=False` the caller must already be inside `np.errstate(all="ignore")` (generation
        enters it once for all of an instance's expressions).
    """
    if functions is None:
        from trainer.core.solvers import registry

        functions = registry()
    inner = _compile(node, functions)
    if not guard:
        return inner

    def run(env: Env) -> Any:
        # One errstate for the whole evaluation: division by zero and overflow give inf/nan (which
        # callers check), never warnings; entering it per operation cost more than the arithmetic.
        with np.errstate(all="ignore"):
            return inner(env)

    return run


def _compile(node: Node, fns: Mapping[str, Callable[..., Any]]) -> Compiled:
    match node:
        case Num(value=v):
            return lambda env: v
        case Str(value=v):
            return lambda env: v
        case Name(id=name):
            if name in CONSTANTS:
                const = CONSTANTS[name]

                def constant_or_param(env: Env) -> Any:
                    return env[name] if name in env else const

                return constant_or_param

            def lookup(env: Env) -> Any:
                try:
                    return env[name]
                except KeyError:
                    raise EvalError(f"unknown name {name!r}") from None

            return lookup
        case Unary(op=op, operand=o):
            if op == "+":
                return _compile(o, fns)
            kind, value = _operand(node)
            if kind == "literal":  # a negative number: `-v` is the same every time
                return lambda env: value
            kind, value = _operand(o)
            if kind == "name":
                def negate_name(env: Env) -> Any:
                    try:
                        v = env[value]
                    except KeyError:
                        raise _unknown(value) from None
                    if isinstance(v, str):
                        raise EvalError("cannot negate text")
                    return -_as_array(v) if isinstance(v, list) else -v

                return negate_name
            inner = _compile(o, fns)

            def negate(env: Env) -> Any:
                v = inner(env)
                if isinstance(v, str):
                    raise EvalError("cannot negate text")
                return -_as_array(v) if isinstance(v, list) else -v

            return negate
        case BinOp(op=op, left=l, right=r):
            observe = getattr(fns, "observe", None)
            if observe is not None:
                return _binop(_observed(op, _applied(op, r, general=True), observe), l, r, fns)
            return _binop(_applied(op, r), l, r, fns)
        case Compare(ops=ops, operands=operands):
            if len(ops) == 1:
                return _binop(_compared(ops[0]), *operands, fns)
            parts = [_compile(o, fns) for o in operands]
            cmps = [_COMPARE[o] for o in ops]

            def compare(env: Env) -> bool:
                left = parts[0](env)
                for cmp, part in zip(cmps, parts[1:]):
                    right = part(env)
                    if not _truth(cmp(left, right)):
                        return False
                    left = right
                return True

            return compare
        case BoolOp(op=op, values=values):
            parts = [_compile(v, fns) for v in values]
            if op == "and":
                def conjunction(env: Env) -> bool:
                    for p in parts:
                        if not _truth(p(env)):
                            return False
                    return True

                return conjunction

            def disjunction(env: Env) -> bool:
                for p in parts:
                    if _truth(p(env)):
                        return True
                return False

            return disjunction
        case Not(operand=o):
            inner = _compile(o, fns)
            return lambda env: not _truth(inner(env))
        case IfExp(test=t, body=b, orelse=o):
            test, body, orelse = _compile(t, fns), _compile(b, fns), _compile(o, fns)
            return lambda env: body(env) if _truth(test(env)) else orelse(env)
        case ListLit(items=items):
            names = _names(items)
            if names is not None and len(names) > 1:
                get = operator.itemgetter(*names)

                def list_of_names(env: Env) -> Any:
                    try:
                        values = get(env)
                    except KeyError:
                        raise _first_unknown(env, names) from None
                    return _list_value(list(values))

                return list_of_names
            parts = [_compile(i, fns) for i in items]
            return lambda env: _list_value([p(env) for p in parts])
        case Transpose(operand=o):
            inner = _compile(o, fns)
            return lambda env: _transpose(inner(env))
        case Index(value=v, indices=indices):
            return _compile_index(v, indices, fns)
        case Call(func=name, args=args, kwargs=kwargs):
            if name not in fns:
                raise EvalError(f"unknown function {name}()")
            fn = fns[name]
            observe = getattr(fns, "observe", None)
            if observe is None and not kwargs:
                names = _names(args)
                if names is not None and len(names) == 1:
                    return _call1_name(name, fn, names[0])
                if names is not None and names:
                    return _call_names(name, fn, names)
            pos = [_compile(a, fns) for a in args]
            kw = [(k, _compile(v, fns)) for k, v in kwargs]
            if observe is None:
                return _plain_call(name, fn, pos, kw)

            def call(env: Env) -> Any:
                a = [p(env) for p in pos]
                k = {key: p(env) for key, p in kw}
                out = _check_size(_invoke(name, fn, a, k))
                observe(name, (*a, *k.values()), out)
                return out

            return call
        case Slice():
            raise EvalError("a slice can only appear inside [ ]")
    raise EvalError(f"cannot evaluate {type(node).__name__}")


_FLOATS = frozenset((float, np.float64))
_EXACT = 2**53  # an int up to this converts to float exactly (a larger one may overflow float)
_INT_LIMIT = 2**MAX_INT_BITS  # an int result this large (either sign) is `_int_result`'s to convert


def _unknown(name: str) -> EvalError:
    return EvalError(f"unknown name {name!r}")


def _operand(node: Node) -> tuple[str, Any]:
    """How a parent reads `node` without calling its closure: ("name", id) for a parameter or
    variable (a constant's name may be shadowed by the environment, so it keeps its closure),
    ("literal", value) for a number or text, ("code", None) for anything else."""
    if type(node) is Name and node.id not in CONSTANTS:
        return "name", node.id
    if type(node) is Num or type(node) is Str:
        return "literal", node.value
    if type(node) is Unary and node.op == "-" and type(node.operand) is Num:
        return "literal", -node.operand.value  # what negating the number gives every time
    return "code", None


def _binop(apply: Callable[[Any, Any], Any], l: Node, r: Node, fns: Mapping[str, Callable]) -> Compiled:
    """`apply(left, right)` with a name or a literal operand read in place (a closure call each saved:
    names are most operands); an unknown name fails as its own closure would, left before right."""
    lk, lv = _operand(l)
    rk, rv = _operand(r)
    if lk == "name":
        if rk == "name":
            def name_name(env: Env) -> Any:
                try:
                    a = env[lv]
                except KeyError:
                    raise _unknown(lv) from None
                try:
                    b = env[rv]
                except KeyError:
                    raise _unknown(rv) from None
                return apply(a, b)

            return name_name
        if rk == "literal":
            def name_literal(env: Env) -> Any:
                try:
                    a = env[lv]
                except KeyError:
                    raise _unknown(lv) from None
                return apply(a, rv)

            return name_literal
        right = _compile(r, fns)

        def name_code(env: Env) -> Any:
            try:
                a = env[lv]
            except KeyError:
                raise _unknown(lv) from None
            return apply(a, right(env))

        return name_code
    left = _compile(l, fns)
    if rk == "name":
        if lk == "literal":
            def literal_name(env: Env) -> Any:
                try:
                    b = env[rv]
                except KeyError:
                    raise _unknown(rv) from None
                return apply(lv, b)

            return literal_name

        def code_name(env: Env) -> Any:
            a = left(env)
            try:
                b = env[rv]
            except KeyError:
                raise _unknown(rv) from None
            return apply(a, b)

        return code_name
    if rk == "literal":
        return lambda env: apply(left(env), rv)
    if lk == "literal":
        right = _compile(r, fns)
        return lambda env: apply(lv, right(env))
    right = _compile(r, fns)
    return lambda env: apply(left(env), right(env))


def _applied(op: str, right: Node, general: bool = False) -> Callable[[Any, Any], Any]:
    """The function computing `op` on two values: `_BINARY[op]`, with the common cases done inline
    (and `** n` for a literal whole n specialised), giving the very same values, types and errors.

    `+ - *` of floats and arrays report an oversized result in their own words (as they long have
    without an observer); with `general` they word it as `_BINARY[op]` does."""
    if op == "**" and type(right) is Num and type(right.value) is int and -_EXACT <= right.value <= _EXACT:
        return _power_by(right.value)
    return (_GENERAL if general else _APPLIED).get(op) or _BINARY[op]


# Two floats (Python or NumPy), a float and a small int, or two ints whose result stays in bounds
# meet these operators without any of `_arith`'s cases applying: no text, no list, no int result to
# convert, no array to size, no exception (inf/nan instead). Most template arithmetic is such, so it
# skips `_arith`'s checks and computes the very same `a op b`.
def _plain_arith(plain: Callable[[Any, Any], Any], fn: Callable[[Any, Any], Any],
                 own_bound: bool = True) -> Callable[[Any, Any], Any]:
    def apply(a: Any, b: Any) -> Any:
        ta, tb = type(a), type(b)
        if ta is int:
            if tb is int:
                out = plain(a, b)
                return out if -_INT_LIMIT < out < _INT_LIMIT else fn(a, b)
            if tb in _FLOATS and -_EXACT <= a <= _EXACT:
                return plain(a, b)
        elif ta in _FLOATS:
            if tb in _FLOATS or (tb is int and -_EXACT <= b <= _EXACT):
                return plain(a, b)
        if (ta is np.ndarray or ta in _FLOATS or ta is int) and (tb is np.ndarray or tb in _FLOATS or tb is int):
            # An array with an array or a number: NumPy's own operator, as `_arith` would call it;
            # a shape mismatch or an int out of the array's range is left to `_arith`, and the
            # result is still bounded (an object array's int as `_int_result` would).
            try:
                out = plain(a, b)
            except (ValueError, ArithmeticError):
                return fn(a, b)
            if isinstance(out, np.ndarray):
                if out.size > MAX_ELEMENTS:
                    if ta is int or tb is int or not own_bound:
                        return fn(a, b)  # `_arith` words it (as a shape mismatch)
                    _check_size(out)
                return out
            return _int_result(out)
        return fn(a, b)

    return apply


def _plain_div(a: Any, b: Any) -> Any:
    """`_BINARY["/"]` with scalar and array cases inline."""
    ta, tb = type(a), type(b)
    if ta in _FLOATS:
        if tb in _FLOATS:
            if b != 0.0:  # x/0 takes NumPy's inf/nan
                return a / b
        elif tb is int and b and -_EXACT <= b <= _EXACT:
            # `_div`'s NumPy division of the two as float64: the same IEEE quotient
            return np.float64(float(a) / float(b))
    elif ta is int and -_EXACT <= a <= _EXACT:
        if (tb is int and b and -_EXACT <= b <= _EXACT) or (tb in _FLOATS and b != 0.0):
            return np.float64(float(a) / float(b))
    if (ta is np.ndarray or tb is np.ndarray) and ta in _ARRAY_SIDE and tb in _ARRAY_SIDE:
        if (ta is not int or -_EXACT <= a <= _EXACT) and (tb is not int or -_EXACT <= b <= _EXACT):
            try:
                out = _div(a, b)
            except (ValueError, ArithmeticError):  # shapes: `_arith` words it
                return _DIVIDE(a, b)
            if type(out) is np.ndarray and out.size > MAX_ELEMENTS:
                return _DIVIDE(a, b)  # `_arith` words it (as a shape mismatch)
            return out
    return _DIVIDE(a, b)


_ARRAY_SIDE = frozenset((np.ndarray, float, np.float64, int))


def _plain_floordiv(a: Any, b: Any) -> Any:
    """`_BINARY["//"]` with two ints inline."""
    if type(a) is int and type(b) is int and b:
        out = a // b
        if -_INT_LIMIT < out < _INT_LIMIT:
            return out
    return _FLOOR_DIVIDE(a, b)


def _plain_power(a: Any, b: Any) -> Any:
    """`_BINARY["**"]` with a float raised to a float or small int inline: `_float_power`'s very
    NumPy power of the two as float64."""
    ta, tb = type(a), type(b)
    if ta in _FLOATS and (tb in _FLOATS or (tb is int and -_EXACT <= b <= _EXACT)):
        return np.power(a, float(b))
    return _POWER(a, b)


def _power_by(n: int) -> Callable[[Any, Any], Any]:
    """`_BINARY["**"]` for a literal whole exponent `n` (`x ** 2`): what `_power` decides from `n`
    alone is decided once."""
    exponent = float(n)

    def apply(a: Any, b: Any) -> Any:
        ta = type(a)
        if ta in _FLOATS:
            return np.power(a, exponent)
        if ta is int:
            # `_power`'s int case: exact while the result stays within MAX_INT_BITS
            if n >= 0 and (-1 <= a <= 1 or n * abs(a).bit_length() <= MAX_INT_BITS):
                return a**n
        elif ta is np.ndarray:
            try:
                out = np.power(np.asarray(a, dtype=float), exponent)[()]
            except (ValueError, ArithmeticError):  # an array of text: `_arith` words it
                return _POWER(a, b)
            if type(out) is np.ndarray and out.size > MAX_ELEMENTS:
                return _POWER(a, b)  # `_arith` words it (as a shape mismatch)
            return out
        return _POWER(a, b)

    return apply


def _compared(op: str) -> Callable[[Any, Any], bool]:
    """One comparison as `compare` makes it: `_COMPARE[op]`, its result made a truth value."""
    cmp = _ORDER.get(op) or _COMPARE[op]

    def apply(a: Any, b: Any) -> bool:
        out = cmp(a, b)
        return out if type(out) is bool else _truth(out)

    return apply


#: `_COMPARE`'s orderings as the operator module's functions (the same rich comparison, in C).
_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


_DIVIDE, _FLOOR_DIVIDE, _POWER = _BINARY["/"], _BINARY["//"], _BINARY["**"]
_APPLIED: dict[str, Callable[[Any, Any], Any]] = {
    "+": _plain_arith(operator.add, _BINARY["+"]), "-": _plain_arith(operator.sub, _BINARY["-"]),
    "*": _plain_arith(operator.mul, _BINARY["*"]), "/": _plain_div, "//": _plain_floordiv,
    "**": _plain_power,
}
_GENERAL = {**_APPLIED, **{op: _plain_arith(plain, _BINARY[op], own_bound=False)
                           for op, plain in (("+", operator.add), ("-", operator.sub), ("*", operator.mul))}}


def _invoke(name: str, fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any] | None) -> Any:
    """`fn(*args, **kwargs)`, its failures worded as an EvalError that names the function."""
    try:
        return fn(*args, **kwargs) if kwargs else fn(*args)
    except _WORDED as exc:
        raise _worded(name, exc) from None


#: The failures of a whitelisted function that evaluation words as an EvalError naming it.
_WORDED = (EvalError, TypeError, ValueError, ArithmeticError, np.linalg.LinAlgError, IndexError)


def _worded(name: str, exc: BaseException) -> EvalError:
    """The EvalError a failed call of `name` is reported as (an EvalError as it is)."""
    if isinstance(exc, EvalError):
        return exc
    if isinstance(exc, TypeError):
        return EvalError(f"{name}(): {_type_message(exc)}")
    return EvalError(f"{name}(): {exc}")


#: The calls made inside `shared_calls()`: (function, ids of the argument objects) → (the argument
#: objects, the result). Holding the arguments keeps their ids from being reused while it lives.
_SHARED: ContextVar[dict[tuple, tuple[tuple, Any]] | None] = ContextVar("shared_calls", default=None)


class shared_calls:  # noqa: N801 - used as a function: `with shared_calls(): ...`
    """Within the block, a whitelisted function called again with the very same argument objects
    (`mutual_information(J, base=2)` in three constraints, the answer and a mistake) returns its
    first result instead of computing it again.

    The whitelist holds pure functions, so the result is the one a second computation would give;
    only objects identical to the first call's (a parameter, a literal) match, never equal copies.
    Each evaluation context (thread, task) has its own record, dropped when the block ends.

    Use as `with shared_calls(): ...` (the block gets None). A class rather than a `@contextmanager`
    generator: generation enters it for every instance, and the generator's machinery cost more
    than the rest of it.
    """

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        self._token = _SHARED.set({})

    def __exit__(self, *exc: object) -> None:
        _SHARED.reset(self._token)


def _plain_call(name: str, fn: Callable[..., Any], pos: list[Compiled],
                 kw: list[tuple[str, Compiled]]) -> Compiled:
    """A call without an observer: the `call` closure of `_compile` minus its per-call observer test
    (same arguments, same errors), sharing results inside `shared_calls()`."""
    keys = tuple(k for k, _ in kw)
    kwparts = [p for _, p in kw]
    if not kw and len(pos) <= 2:
        return _short_call(name, fn, pos)
    if not kw:
        return lambda env: _shared_call(name, fn, tuple(p(env) for p in pos))

    def call(env: Env) -> Any:
        a = [p(env) for p in pos]
        k = [p(env) for p in kwparts]
        shared = _SHARED.get()
        if shared is not None:
            key = (fn, keys, *map(id, a), *map(id, k))
            hit = shared.get(key)
            if hit is not None:
                return hit[1]
        out = _invoke(name, fn, a, dict(zip(keys, k)) if keys else None)
        if isinstance(out, np.ndarray) and out.size > MAX_ELEMENTS:
            _check_size(out)
        if shared is not None:
            shared[key] = ((*a, *k), out)
        return out

    return call


def _names(nodes: tuple[Node, ...]) -> tuple[str, ...] | None:
    """The names `nodes` read when every one is a plain name (see `_operand`), else None."""
    out = []
    for node in nodes:
        kind, name = _operand(node)
        if kind != "name":
            return None
        out.append(name)
    return tuple(out)


def _first_unknown(env: Env, names: tuple[str, ...]) -> EvalError:
    """The error of the first of `names` that `env` lacks, as reading them in order meets it."""
    for name in names:
        try:
            env[name]
        except KeyError:
            return _unknown(name)
    raise AssertionError("a name was missing and is no longer")  # an environment that changed under us


def _call_names(name: str, fn: Callable[..., Any], names: tuple[str, ...]) -> Compiled:
    """`_plain_call`'s closure for two or more positional arguments that are all names (`comb(n, k)`),
    read together in place: the same key in `shared_calls()`, the same errors."""
    get = operator.itemgetter(*names)

    def call_names(env: Env) -> Any:
        try:
            a = get(env)
        except KeyError:
            raise _first_unknown(env, names) from None
        return _shared_call(name, fn, a)

    return call_names


def _call1_name(name: str, fn: Callable[..., Any], arg: str) -> Compiled:
    """`_short_call`'s one-argument closure for an argument that is a name (`abs(x)`, most calls),
    reading it in place: the same key in `shared_calls()`, the same errors."""
    def call1_name(env: Env) -> Any:
        try:
            a = env[arg]
        except KeyError:
            raise _unknown(arg) from None
        return _shared_call1(name, fn, a)

    return call1_name


def _short_call(name: str, fn: Callable[..., Any], pos: list[Compiled]) -> Compiled:
    """`_plain_call`'s closure for a call of none, one or two positional arguments (most calls),
    without its argument lists: the same key in `shared_calls()`, the same errors as `_invoke`."""
    if len(pos) == 1:
        (first,) = pos
        return lambda env: _shared_call1(name, fn, first(env))
    if len(pos) == 2:
        first, second = pos
        return lambda env: _shared_call(name, fn, (first(env), second(env)))
    return lambda env: _shared_call(name, fn, ())


def _shared_call1(name: str, fn: Callable[..., Any], a: Any) -> Any:
    """`_shared_call(name, fn, (a,))` for the commonest call, one argument, written out: building the
    argument tuple and its key by `map` cost about 3% of generating an instance."""
    shared = _SHARED.get()
    if shared is not None:
        key = (fn, (), id(a))
        hit = shared.get(key)
        if hit is not None:
            return hit[1]
    try:
        out = fn(a)
    except _WORDED as exc:
        raise _worded(name, exc) from None
    if isinstance(out, np.ndarray) and out.size > MAX_ELEMENTS:
        _check_size(out)
    if shared is not None:
        shared[key] = ((a,), out)
    return out


def _shared_call(name: str, fn: Callable[..., Any], args: tuple) -> Any:
    """`fn(*args)` as every call without keywords runs it: within `shared_calls()` the result of a
    call with the very same argument objects is reused, a failure is worded as `_invoke` words it,
    and an oversized array result is refused."""
    shared = _SHARED.get()
    if shared is not None:
        key = (fn, (), *map(id, args))
        hit = shared.get(key)
        if hit is not None:
            return hit[1]
    try:
        out = fn(*args)
    except _WORDED as exc:
        raise _worded(name, exc) from None
    if isinstance(out, np.ndarray) and out.size > MAX_ELEMENTS:
        _check_size(out)
    if shared is not None:
        shared[key] = (args, out)  # the arguments kept alive, so that their ids stay theirs
    return out


class ObservedFunctions(dict):
    """A function whitelist that also reports every call: pass it to `compile_node` and each function
    call and arithmetic operator calls `observe(name_or_operator, arguments, result)` after it runs.
    Used by `trainer check` to measure what an instance's answer computation really performs."""

    def __init__(self, functions: Mapping[str, Callable[..., Any]], observe: Callable[[str, tuple, Any], None]):
        super().__init__(functions)
        self.observe = observe


def _observed(op: str, fn: Callable[[Any, Any], Any],
              observe: Callable[[str, tuple, Any], None]) -> Callable[[Any, Any], Any]:
    def observed(a: Any, b: Any) -> Any:
        out = fn(a, b)
        observe(op, (a, b), out)
        return out

    return observed


def _type_message(exc: TypeError) -> str:
    text = str(exc)
    # "f() got an unexpected keyword argument 'x'" → keep the part after the function name
    return text.split(") ", 1)[1] if ") " in text else text


def _list_value(values: list[Any]) -> Any:
    if values and isinstance(values[0], str) and all(isinstance(v, str) for v in values):
        return list(values)
    return _as_array(values)


def _transpose(value: Any) -> Any:
    arr = _as_array(value)
    if arr.ndim == 1:  # a vector's transpose is itself: learners write x^T y
        return arr
    return arr.T


def _compile_index(of: Node, indices: tuple[Node, ...], fns: Mapping[str, Callable]) -> Compiled:
    value = _compile(of, fns)  # before the indices: a failure to compile is met in reading order
    parts: list[Callable[[Env], Any]] = []
    for idx in indices:
        if isinstance(idx, Slice):
            lo = None if idx.lower is None else _compile(idx.lower, fns)
            hi = None if idx.upper is None else _compile(idx.upper, fns)
            parts.append(lambda env, lo=lo, hi=hi: slice(
                None if lo is None else _as_index(lo(env)), None if hi is None else _as_index(hi(env))))
        else:
            c = _compile(idx, fns)
            parts.append(lambda env, c=c: _as_index(c(env)))

    fixed = _literal_key(indices)
    kind, name = _operand(of)
    if fixed is not None and kind == "name":
        def literal_index_name(env: Env) -> Any:
            # `literal_index` below, reading the name in place
            try:
                v = env[name]
            except KeyError:
                raise _unknown(name) from None
            if type(v) is np.ndarray:
                try:
                    out = v[fixed]
                except IndexError:
                    pass
                else:
                    return out[()] if isinstance(out, np.ndarray) and out.ndim == 0 else out
            return _indexed(v, fixed)

        return literal_index_name
    if fixed is not None:
        def literal_index(env: Env) -> Any:
            # Literal whole-number indices into an array (`A[0, 1]`): the key is known; anything
            # else takes `index`, and an out-of-range index is worded there too.
            v = value(env)
            if type(v) is np.ndarray:
                try:
                    out = v[fixed]
                except IndexError:
                    pass
                else:
                    return out[()] if isinstance(out, np.ndarray) and out.ndim == 0 else out
            return _indexed(v, fixed)

        return literal_index

    def index(env: Env) -> Any:
        return _indexed(value(env), tuple(p(env) for p in parts))

    return index


def _literal_key(indices: tuple[Node, ...]) -> tuple[int, ...] | None:
    """The index key when every index is a literal whole number (what `_as_index` makes of it)."""
    key = []
    for idx in indices:
        if type(idx) is not Num:
            return None
        try:
            key.append(_as_index(idx.value))
        except EvalError:
            return None
    return tuple(key)


def _indexed(v: Any, key: tuple) -> Any:
    """`v[key]` as an expression indexes: a list or text by one index, otherwise as an array."""
    try:
        if isinstance(v, (list, str)):
            if len(key) != 1:
                raise EvalError("only one index applies to a list")
            return v[key[0]]
        out = _as_array(v)[key]
    except IndexError:
        raise EvalError(f"index {key if len(key) > 1 else key[0]} is out of range") from None
    return out[()] if isinstance(out, np.ndarray) and out.ndim == 0 else out


def _as_index(value: Any) -> int:
    if isinstance(value, (bool, np.bool_)):
        raise EvalError("an index must be a whole number")
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    raise EvalError("an index must be a whole number")
