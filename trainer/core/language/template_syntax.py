"""The template reader: one template expression, read from Python's `ast` through an allow-list.

Core layer, expression language. Template text is parsed with Python's `ast` and then *translated*
node by node into the tree of `trainer.core.language.nodes`; anything not on the list (attributes,
dunders, lambdas, comprehensions, starred args, walrus...) is refused with its position. The parsed
Python objects are never compiled or executed.
"""

from __future__ import annotations

import ast

from trainer.core.language.nodes import (
    MAX_INT_BITS,
    BinOp,
    BoolOp,
    Call,
    Compare,
    ExprError,
    IfExp,
    ListLit,
    Name,
    Node,
    Not,
    Num,
    Slice,
    Str,
    Unary,
    Index,
)

MAX_TEXT = 4000  # characters in one template expression
MAX_DEPTH = 60  # nesting of the translated tree

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
