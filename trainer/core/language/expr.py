"""The safe expression language: one small AST for template expressions and typed answers.

Core layer. Template text is parsed with Python's `ast` and then *translated* node by node through an
allow-list into the dataclasses below; anything not on the list (attributes, dunders, lambdas,
comprehensions, starred args, walrus...) is refused with its position. Learner input has its own
friendlier parser (`trainer.core.language.mathinput`) that builds the same nodes. Evaluation compiles nodes to
closures over NumPy and calls only the whitelisted functions of `trainer.core.solvers.registry()`;
nothing ever reaches `eval`, `exec` or sympy's string parsers. Sizes, nesting, exponents and array
shapes are bounded so no expression can hang or exhaust memory.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Union

import numpy as np

MAX_TEXT = 4000  # characters in one template expression
MAX_DEPTH = 60  # nesting of the translated tree
MAX_ELEMENTS = 10_000  # elements in any array an expression builds
MAX_INT_BITS = 256  # beyond this, integer arithmetic falls back to float (no 9**9**9**9 bignums)

CONSTANTS: dict[str, Any] = {"pi": math.pi, "e": math.e, "True": True, "False": False}


class ExprError(ValueError):
    """An expression that cannot be read.

    Attributes:
        message: what is wrong, in words a template author or learner can act on.
        position: 0-based character offset in the text, when known.
    """

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.message = message
        self.position = position


class EvalError(ValueError):
    """An expression that was read but cannot be evaluated (unknown name, bad shape, bound exceeded)."""


# --- the tree ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Num:
    value: int | float


@dataclass(frozen=True, slots=True)
class Str:
    value: str


@dataclass(frozen=True, slots=True)
class Name:
    id: str


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "-" or "+"
    operand: Node


@dataclass(frozen=True, slots=True)
class BinOp:
    op: str  # + - * / // % ** @
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Compare:
    ops: tuple[str, ...]  # < <= > >= == !=
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class BoolOp:
    op: str  # and | or
    values: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node


@dataclass(frozen=True, slots=True)
class IfExp:
    test: Node
    body: Node
    orelse: Node


@dataclass(frozen=True, slots=True)
class Call:
    func: str
    args: tuple[Node, ...]
    kwargs: tuple[tuple[str, Node], ...] = ()


@dataclass(frozen=True, slots=True)
class ListLit:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Slice:
    lower: Node | None
    upper: Node | None


@dataclass(frozen=True, slots=True)
class Index:
    value: Node
    indices: tuple[Node, ...]  # each a Node or a Slice


@dataclass(frozen=True, slots=True)
class Transpose:
    operand: Node


Node = Union[Num, Str, Name, Unary, BinOp, Compare, BoolOp, Not, IfExp, Call, ListLit, Slice, Index,
             Transpose]

# --- template grammar: Python's ast through an allow-list ----------------------------------------

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
           ast.Mod: "%", ast.Pow: "**", ast.MatMult: "@"}
_CMPOPS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}


def parse_template(text: str) -> Node:
    """Parse one template expression (Python syntax subset) into the safe tree.

    Args:
        text: the expression as written in the YAML file.

    Returns:
        The translated tree; no Python object of the text is ever executed.

    Raises:
        ExprError: syntax error or a construct outside the allow-list, with the character position.
    """
    if not isinstance(text, str):
        raise ExprError(f"expected an expression in text, got {type(text).__name__}")
    if len(text) > MAX_TEXT:
        raise ExprError(f"expression is {len(text)} characters long; the limit is {MAX_TEXT}")
    if "\x00" in text:
        raise ExprError("expression contains a NUL byte", text.index("\x00"))
    source = text.strip()
    offset = text.find(source[:1]) if source else 0
    if not source:
        raise ExprError("empty expression", 0)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        pos = offset + max((exc.offset or 1) - 1, 0) if (exc.lineno or 1) == 1 else None
        raise ExprError(f"syntax error: {exc.msg}", pos) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExprError("expression is nested too deeply", None) from None
    return _Translator(offset).visit(tree.body, 0)


class _Translator:
    def __init__(self, offset: int):
        self.offset = offset

    def _fail(self, node: ast.AST, message: str) -> ExprError:
        col = getattr(node, "col_offset", None)
        return ExprError(message, None if col is None else col + self.offset)

    def visit(self, node: ast.AST, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise self._fail(node, f"expression is nested more than {MAX_DEPTH} levels deep")
        d = depth + 1
        match node:
            case ast.Constant(value=bool() as v):
                return Num(v)
            case ast.Constant(value=int() | float() as v):
                if isinstance(v, int) and v.bit_length() > MAX_INT_BITS:
                    raise self._fail(node, "integer literal is too large")
                return Num(v)
            case ast.Constant(value=str() as v):
                return Str(v)
            case ast.Name(id=name):
                if name.startswith("_"):
                    raise self._fail(node, f"names starting with '_' are not allowed: {name!r}")
                return Name(name)
            case ast.UnaryOp(op=ast.USub(), operand=o):
                return Unary("-", self.visit(o, d))
            case ast.UnaryOp(op=ast.UAdd(), operand=o):
                return Unary("+", self.visit(o, d))
            case ast.UnaryOp(op=ast.Not(), operand=o):
                return Not(self.visit(o, d))
            case ast.BinOp(op=op, left=left, right=right) if type(op) in _BINOPS:
                return BinOp(_BINOPS[type(op)], self.visit(left, d), self.visit(right, d))
            case ast.BoolOp(op=op, values=values):
                return BoolOp("and" if isinstance(op, ast.And) else "or",
                              tuple(self.visit(v, d) for v in values))
            case ast.Compare(left=left, ops=ops, comparators=comps) if all(type(o) in _CMPOPS for o in ops):
                return Compare(tuple(_CMPOPS[type(o)] for o in ops),
                               tuple(self.visit(v, d) for v in (left, *comps)))
            case ast.IfExp(test=t, body=b, orelse=o):
                return IfExp(self.visit(t, d), self.visit(b, d), self.visit(o, d))
            case ast.List(elts=elts) | ast.Tuple(elts=elts):
                if any(isinstance(e, ast.Starred) for e in elts):
                    raise self._fail(node, "starred items are not allowed")
                return ListLit(tuple(self.visit(e, d) for e in elts))
            case ast.Call(func=ast.Name(id=fname), args=args, keywords=kws):
                if fname.startswith("_"):
                    raise self._fail(node, f"names starting with '_' are not allowed: {fname!r}")
                if any(isinstance(a, ast.Starred) for a in args) or any(k.arg is None for k in kws):
                    raise self._fail(node, "*args and **kwargs are not allowed")
                return Call(fname, tuple(self.visit(a, d) for a in args),
                            tuple((k.arg, self.visit(k.value, d)) for k in kws))
            case ast.Call(func=ast.Attribute(attr=attr)):
                raise self._fail(node, f"attribute access ('.{attr}') is not allowed")
            case ast.Call():
                raise self._fail(node, "only calls of whitelisted functions by name are allowed")
            case ast.Subscript(value=v, slice=s):
                parts = s.elts if isinstance(s, ast.Tuple) else [s]
                return Index(self.visit(v, d), tuple(self._index(p, d) for p in parts))
            case ast.Attribute(attr=attr):
                hint = " (write T(A) for a transpose)" if attr == "T" else ""
                raise self._fail(node, f"attribute access ('.{attr}') is not allowed{hint}")
            case ast.Lambda():
                raise self._fail(node, "lambda is not allowed")
            case ast.ListComp() | ast.SetComp() | ast.DictComp() | ast.GeneratorExp():
                raise self._fail(node, "comprehensions are not allowed")
            case _:
                raise self._fail(node, f"'{type(node).__name__}' is not allowed in an expression")

    def _index(self, node: ast.AST, depth: int) -> Node:
        if isinstance(node, ast.Slice):
            if node.step is not None:
                raise self._fail(node, "slice steps are not allowed")
            lower = None if node.lower is None else self.visit(node.lower, depth)
            upper = None if node.upper is None else self.visit(node.upper, depth)
            return Slice(lower, upper)
        return self.visit(node, depth)


# --- evaluation -------------------------------------------------------------------------------

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
    a, b = _as_array(a), _as_array(b)
    if a.ndim == 0 or b.ndim == 0:
        raise EvalError("@ needs vectors or matrices on both sides")
    try:
        return _check_size(a @ b)
    except ValueError:
        raise EvalError(f"cannot multiply {_shape_text(a.shape)} by {_shape_text(b.shape)}") from None


def _as_array(value: Any) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    try:
        arr = np.asarray(value, dtype=float)
    except (ValueError, TypeError):
        raise EvalError("rows of a matrix must all have the same length") from None
    return _check_size(arr)


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
            inner = _compile(o, fns)
            if op == "+":
                return inner

            def negate(env: Env) -> Any:
                v = inner(env)
                if isinstance(v, str):
                    raise EvalError("cannot negate text")
                return -_as_array(v) if isinstance(v, list) else -v

            return negate
        case BinOp(op=op, left=l, right=r):
            fn, left, right = _BINARY[op], _compile(l, fns), _compile(r, fns)
            return lambda env: fn(left(env), right(env))
        case Compare(ops=ops, operands=operands):
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
                return lambda env: all(_truth(p(env)) for p in parts)
            return lambda env: any(_truth(p(env)) for p in parts)
        case Not(operand=o):
            inner = _compile(o, fns)
            return lambda env: not _truth(inner(env))
        case IfExp(test=t, body=b, orelse=o):
            test, body, orelse = _compile(t, fns), _compile(b, fns), _compile(o, fns)
            return lambda env: body(env) if _truth(test(env)) else orelse(env)
        case ListLit(items=items):
            parts = [_compile(i, fns) for i in items]
            return lambda env: _list_value([p(env) for p in parts])
        case Transpose(operand=o):
            inner = _compile(o, fns)
            return lambda env: _transpose(inner(env))
        case Index(value=v, indices=indices):
            return _compile_index(_compile(v, fns), indices, fns)
        case Call(func=name, args=args, kwargs=kwargs):
            if name not in fns:
                raise EvalError(f"unknown function {name}()")
            fn = fns[name]
            pos = [_compile(a, fns) for a in args]
            kw = [(k, _compile(v, fns)) for k, v in kwargs]

            def call(env: Env) -> Any:
                a = [p(env) for p in pos]
                k = {key: p(env) for key, p in kw}
                try:
                    return _check_size(fn(*a, **k))
                except EvalError:
                    raise
                except TypeError as exc:
                    raise EvalError(f"{name}(): {_type_message(exc)}") from None
                except (ValueError, ArithmeticError, np.linalg.LinAlgError, IndexError) as exc:
                    raise EvalError(f"{name}(): {exc}") from None

            return call
        case Slice():
            raise EvalError("a slice can only appear inside [ ]")
    raise EvalError(f"cannot evaluate {type(node).__name__}")


def _type_message(exc: TypeError) -> str:
    text = str(exc)
    # "f() got an unexpected keyword argument 'x'" → keep the part after the function name
    return text.split(") ", 1)[1] if ") " in text else text


def _list_value(values: list[Any]) -> Any:
    if values and all(isinstance(v, str) for v in values):
        return list(values)
    return _as_array(values)


def _transpose(value: Any) -> Any:
    arr = _as_array(value)
    if arr.ndim == 1:  # a vector's transpose is itself: learners write x^T y
        return arr
    return arr.T


def _compile_index(value: Compiled, indices: tuple[Node, ...], fns: Mapping[str, Callable]) -> Compiled:
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

    def index(env: Env) -> Any:
        v = value(env)
        key = tuple(p(env) for p in parts)
        try:
            if isinstance(v, (list, str)):
                if len(key) != 1:
                    raise EvalError("only one index applies to a list")
                return v[key[0]]
            out = _as_array(v)[key]
        except IndexError:
            raise EvalError(f"index {key if len(key) > 1 else key[0]} is out of range") from None
        return out[()] if isinstance(out, np.ndarray) and out.ndim == 0 else out

    return index


def _as_index(value: Any) -> int:
    if isinstance(value, (bool, np.bool_)):
        raise EvalError("an index must be a whole number")
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    raise EvalError("an index must be a whole number")


def free_names(node: Node) -> set[str]:
    """Names an expression reads (parameters or variables), constants and functions excluded."""
    out: set[str] = set()
    _collect(node, out)
    return out


def _collect(node: Any, out: set[str]) -> None:
    if isinstance(node, Name):
        if node.id not in CONSTANTS:
            out.add(node.id)
        return
    if isinstance(node, Call):
        for a in node.args:
            _collect(a, out)
        for _, v in node.kwargs:
            _collect(v, out)
        return
    for field in getattr(node, "__slots__", ()):
        child = getattr(node, field)
        if isinstance(child, tuple):
            for c in child:
                _collect(c, out)
        elif child is not None and not isinstance(child, (str, int, float)):
            _collect(child, out)


def called_functions(node: Node) -> set[str]:
    """Function names an expression calls (to report unknown ones at load time)."""
    out: set[str] = set()

    def walk(n: Any) -> None:
        if isinstance(n, Call):
            out.add(n.func)
        for field in getattr(n, "__slots__", ()):
            child = getattr(n, field)
            for c in child if isinstance(child, tuple) else (child,):
                if isinstance(c, tuple):  # kwargs pairs
                    walk(c[1])
                elif c is not None and not isinstance(c, (str, int, float)):
                    walk(c)

    walk(node)
    return out


# --- printing: how a parsed answer is echoed back ------------------------------------------------

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eps": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "kappa": "κ", "lambda_": "λ", "lam": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "chi": "χ", "psi": "ψ",
    "omega": "ω", "pi": "π", "Sigma": "Σ", "Phi": "Φ", "Delta": "Δ", "Omega": "Ω",
}
_DISPLAY_FUNCS = {"sigmoid": "σ", "log": "ln", "sqrt": "√", "transpose": "T"}
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_PREC = {"or": 1, "and": 2, "not": 3, "cmp": 4, "+": 5, "-": 5, "*": 6, "/": 6, "//": 6, "%": 6,
         "@": 6, "neg": 7, "**": 8, "atom": 9}
_OP_TEXT = {"+": " + ", "-": " − ", "*": "·", "/": "/", "//": " // ", "%": " mod ", "@": " @ "}


def to_text(node: Node) -> str:
    """Render a tree as one line of readable Unicode math, e.g. `2·x·(1 − x)`, `σ(x)`, `Kᵀ`, `x²`.

    Used to echo a typed answer back before it is graded, and to show formula answers.
    """
    return _text(node)[0]


def _fmt_num(v: int | float) -> str:
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return str(v)
    if math.isfinite(v) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v) if math.isfinite(v) else ("∞" if v > 0 else ("−∞" if v < 0 else "NaN"))


def _name_text(name: str) -> str:
    return GREEK.get(name, name)


def _wrap(part: tuple[str, int], prec: int, strict: bool = False) -> str:
    text, p = part
    return f"({text})" if p < prec or (strict and p == prec) else text


def _text(node: Node) -> tuple[str, int]:
    match node:
        case Num(value=v):
            s = _fmt_num(v)
            return (s, _PREC["neg"]) if s.startswith("−") or s.startswith("-") else (s, _PREC["atom"])
        case Str(value=v):
            return (repr(v), _PREC["atom"])
        case Name(id=n):
            return (_name_text(n), _PREC["atom"])
        case Unary(op=op, operand=o):
            return (("−" if op == "-" else "+") + _wrap(_text(o), _PREC["neg"]), _PREC["neg"])
        case Not(operand=o):
            return ("not " + _wrap(_text(o), _PREC["not"]), _PREC["not"])
        case BinOp(op="**", left=l, right=r):
            base = _wrap(_text(l), _PREC["atom"])
            if isinstance(r, Num) and isinstance(r.value, int) and 0 <= r.value < 10:
                return (base + str(r.value).translate(_SUPERSCRIPT), _PREC["**"])
            return (f"{base}^{_wrap(_text(r), _PREC['**'])}", _PREC["**"])
        case BinOp(op="*", left=Num() as l, right=r) if _implicit(l, r):
            return (_text(l)[0] + _wrap(_text(r), _PREC["**"]), _PREC["*"])
        case BinOp(op=op, left=l, right=r):
            p = _PREC[op]
            strict = op in "-/" or op in ("//", "%", "@")
            return (_wrap(_text(l), p) + _OP_TEXT[op] + _wrap(_text(r), p, strict), p)
        case Compare(ops=ops, operands=operands):
            parts = [_wrap(_text(o), _PREC["cmp"], True) for o in operands]
            sym = {"<=": "≤", ">=": "≥", "!=": "≠", "==": "="}
            out = parts[0]
            for op, part in zip(ops, parts[1:]):
                out += f" {sym.get(op, op)} {part}"
            return (out, _PREC["cmp"])
        case BoolOp(op=op, values=values):
            return (f" {op} ".join(_wrap(_text(v), _PREC[op], True) for v in values), _PREC[op])
        case IfExp(test=t, body=b, orelse=o):
            return (f"{_text(b)[0]} if {_text(t)[0]} else {_text(o)[0]}", 0)
        case Call(func=f, args=args, kwargs=kwargs):
            if f in ("transpose", "T") and len(args) == 1 and not kwargs:
                return (_wrap(_text(args[0]), _PREC["atom"]) + "ᵀ", _PREC["atom"])
            if f == "abs" and len(args) == 1 and not kwargs:
                return (f"|{_text(args[0])[0]}|", _PREC["atom"])
            inner = ", ".join([_text(a)[0] for a in args] + [f"{k}={_text(v)[0]}" for k, v in kwargs])
            # log(x, b) keeps its name: "ln" would misread a base-b logarithm as the natural one
            name = f if f == "log" and len(args) + len(kwargs) > 1 else _DISPLAY_FUNCS.get(f, _name_text(f))
            return (f"{name}({inner})", _PREC["atom"])
        case ListLit(items=items):
            return ("[" + ", ".join(_text(i)[0] for i in items) + "]", _PREC["atom"])
        case Transpose(operand=o):
            return (_wrap(_text(o), _PREC["atom"]) + "ᵀ", _PREC["atom"])
        case Index(value=v, indices=indices):
            inner = ", ".join(_slice_text(i) for i in indices)
            return (f"{_wrap(_text(v), _PREC['atom'])}[{inner}]", _PREC["atom"])
    return (str(node), _PREC["atom"])


def _implicit(left: Num, right: Node) -> bool:
    """Whether `2·x` may be shown as `2x`: a whole number times a name or a power of a name
    (`2mean(x)` would read as a product of letters, so calls keep their dot)."""
    if isinstance(left.value, bool) or not float(left.value).is_integer() or left.value < 0:
        return False
    if isinstance(right, BinOp) and right.op == "**":
        right = right.left
    return isinstance(right, Name)


def _slice_text(node: Node) -> str:
    if isinstance(node, Slice):
        lo = "" if node.lower is None else _text(node.lower)[0]
        hi = "" if node.upper is None else _text(node.upper)[0]
        return f"{lo}:{hi}"
    return _text(node)[0]
