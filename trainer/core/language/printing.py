"""Printing: a tree as readable Unicode math (the echo) or as ASCII text the answer reader reads back.

Core layer, expression language. `to_text` is what the learner sees of a parsed answer and of a
formula answer (`2·x·(1 − x)`, `σ(x)`, `Kᵀ`, `x²`); `to_input_text` types a template's own answer
for tests and the UI, fully parenthesized, so `parse_answer(to_input_text(t))` equals `t` in value.
"""

from __future__ import annotations

import math

from trainer.core.language.nodes import (
    BinOp,
    BoolOp,
    Call,
    Compare,
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
    # The nodes of a typed value first, by exact type: `match` tries every case in turn, and an
    # echoed vector is a list of numbers.
    kind = type(node)
    if kind is Num:
        s = _fmt_num(node.value)
        return (s, _PREC["neg"]) if s.startswith("−") or s.startswith("-") else (s, _PREC["atom"])
    if kind is ListLit:
        return ("[" + ", ".join(_text(i)[0] for i in node.items) + "]", _PREC["atom"])
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


def echo(node: Node) -> str:
    """The parsed answer in mathematical form, shown to the learner before the verdict."""
    return to_text(node)


def to_input_text(node: Node) -> str:
    """Render a tree as ASCII text that `parse_answer` reads back to an equal value.

    Used to type a template's own expected answer in tests and the UI (fully parenthesized).

    Raises:
        ValueError: the tree uses a construct a learner cannot type (comparisons, conditionals).
    """
    match node:
        case Num(value=v):
            if isinstance(v, bool):
                return "1" if v else "0"
            s = str(v) if isinstance(v, int) else repr(float(v))
            if not math.isfinite(float(v)):
                raise ValueError(f"cannot type the non-finite number {v}")
            return f"({s})" if s.startswith("-") else s
        case Name(id=n):
            return n
        case Unary(op=op, operand=o):
            return f"({op}{to_input_text(o)})"
        case BinOp(op=op, left=l, right=r):
            sym = "^" if op == "**" else op
            if op in ("//", "%"):
                raise ValueError(f"'{op}' cannot be typed in an answer")
            return f"({to_input_text(l)} {sym} {to_input_text(r)})"
        case Call(func=f, args=args, kwargs=kwargs):
            inner = [to_input_text(a) for a in args] + [f"{k}={to_input_text(v)}" for k, v in kwargs]
            return f"{f}({', '.join(inner)})"
        case ListLit(items=items):
            return "[" + ", ".join(to_input_text(i) for i in items) + "]"
        case Transpose(operand=o):
            return f"transpose({to_input_text(o)})"
        case Index(value=v, indices=indices):
            if any(isinstance(i, Slice) for i in indices):
                raise ValueError("slices cannot be typed in an answer")
            return f"{to_input_text(v)}[{', '.join(to_input_text(i) for i in indices)}]"
        case Str(value=v):
            raise ValueError(f"text {v!r} cannot be typed as an answer")
    raise ValueError(f"{type(node).__name__} cannot be typed in an answer")
