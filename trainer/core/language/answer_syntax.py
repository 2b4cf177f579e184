"""The reader of typed answers: a recursive-descent parser from tokens to the safe tree.

Core layer, expression language. Builds the nodes of `trainer.core.language.nodes` from what a
learner types: numbers, fractions, percents, implicit multiplication, `^`/`**` powers, calls of
whitelisted functions, vectors, matrices (also MATLAB style `1 2; 3 4`) and transposes (`Kᵀ`, `K^T`,
`K.T`, `K'`). Nothing typed is ever handed to `eval`, `exec` or sympy's parsers: the only things the
text can produce are tree nodes. Length, nesting, digits and exponents are bounded, so every input
is parsed (or refused with a position and a hint) in time linear in its length.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from trainer.core.language.answer_tokens import SPACES, Token, _number, split_rows, tokenize
from trainer.core.language.nodes import (
    CONSTANTS,
    BinOp,
    Call,
    Index,
    ListLit,
    MathInputError,
    Name,
    Node,
    Num,
    Transpose,
    Unary,
)
from trainer.core.language.names import free_names

MAX_LENGTH = 2000  # characters in one typed answer
MAX_DEPTH = 50  # nesting of brackets, unary signs and powers
NON_ANSWERS = {"nan", "inf", "infinity", "oo", "zoo", "undefined"}

# Hints for slips that difflib would not find (case and look-alike letters).
_FUNCTION_HINTS = {
    "In": "ln", "IN": "ln", "Ln": "ln", "LN": "ln", "Log": "log", "LOG": "log", "lg": "log10",
    "lb": "log2", "ld": "log2", "Exp": "exp", "EXP": "exp", "Sqrt": "sqrt", "root": "sqrt",
    "sig": "sigmoid", "logistic": "sigmoid", "Sigmoid": "sigmoid", "Tanh": "tanh", "arcsin": "asin",
}

# Typed function names that mean a registry function under another name.
_FUNCTION_ALIASES = {"sigma": "sigmoid", "Sigma": "sum", "Phi": "Phi", "sqr": "sqrt"}
_REDUCTIONS = {"sum", "mean", "prod", "det", "trace", "norm", "len", "max", "min", "dot", "argmax",
               "argmin"}
_TRANSPOSES = {"T", "transpose"}
_INDICES = {"i", "j", "k", "n", "t"}  # the index letters of x_i in Σ x_i
_OPEN = {"(": ")", "[": "]", "{": "}"}


class _Parser:
    def __init__(self, toks: list[Token], variables: Collection[str] | None,
                 functions: Collection[str], percent: bool, arrays: bool,
                 ndims: Mapping[str, int] | None = None):
        self.toks = toks
        self.i = 0
        self.variables = None if variables is None else set(variables)
        self.functions = functions
        self.percent = percent
        self.arrays = arrays
        self.depth = 0
        self.split_ws = arrays  # whitespace separates items (top level of an array answer, [ ])
        self.abs_depth = 0
        self.ndims = dict(ndims or {})
        self._names: dict[int, tuple[Node, frozenset[str]]] = {}

    # --- token helpers ---
    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def peek(self, k: int = 1) -> Token:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def is_op(self, *ops: str, tok: Token | None = None) -> bool:
        t = tok or self.tok
        return t.kind == "op" and t.value in ops

    def advance(self) -> Token:
        t = self.tok
        self.i += 1
        return t

    def expect(self, op: str, opener: Token) -> Token:
        if self.is_op(op):
            return self.advance()
        t = self.tok
        if t.kind == "end" or (t.kind == "op" and t.value in ")]}"):
            kind = "parenthesis" if opener.value == "(" else "bracket"
            raise MathInputError(f"unbalanced {kind}: '{opener.value}' is never closed", opener.pos,
                                 f"add '{op}'")
        raise self.unexpected(t, f"expected '{op}'")

    def unexpected(self, t: Token, why: str | None = None) -> MathInputError:
        if t.kind == "end":
            return MathInputError("the answer ends too early" if why is None else f"{why} at the end",
                                  t.pos, "something is missing at the end")
        if t.kind == "op" and t.value in ")]}":
            return MathInputError(f"unbalanced parenthesis: '{t.text}' has no matching opening", t.pos)
        label = t.text or str(t.value)
        msg = f"unexpected '{label}'" + (f" ({why})" if why else "")
        return MathInputError(msg, t.pos)

    def enter(self, t: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise MathInputError(f"the answer is nested more than {MAX_DEPTH} levels deep", t.pos)

    # --- grammar ---
    def parse(self) -> Node:
        start = self._skip_label()
        self.i = start
        rows = [self.row()]
        row_tok = self.tok
        while self.tok.kind == "nl" or self.is_op(";"):
            if self.is_op(";") and not self.arrays:
                raise MathInputError("';' separates matrix rows; this answer is a single value",
                                     self.tok.pos, "type one value")
            self.advance()
            if self.tok.kind == "end":
                break
            if self.tok.kind == "nl" or self.is_op(";"):
                continue
            rows.append(self.row())
        if self.tok.kind != "end":
            raise self.unexpected(self.tok)
        if len(rows) == 1:
            items = rows[0]
            return items[0] if len(items) == 1 else ListLit(tuple(items))
        return self.matrix(rows, row_tok)

    def _skip_label(self) -> int:
        """Skip a leading `H(X) =` or `y =`: learners write the equation, the value is the answer."""
        level, last = 0, None
        for k, t in enumerate(self.toks):
            if t.kind == "op" and t.value in "([{":
                level += 1
            elif t.kind == "op" and t.value in ")]}":
                level -= 1
            elif t.kind == "op" and t.value == "=" and level == 0:
                last = k
        if last is None:
            return 0
        if last == 0 and self.toks[1].kind != "end":
            return 1  # `= 0.5`, `≈ 0.5`, `~ 0.5`: the value follows
        if last == 0 or self.toks[last + 1].kind == "end":
            raise MathInputError("'=' needs a value after it", self.toks[last].pos,
                                 "type only the value, e.g. 0.5")
        for t in self.toks[:last]:
            if t.kind == "op" and t.value == "=":
                raise MathInputError("only one '=' is allowed", t.pos)
        return last + 1

    def matrix(self, rows: list[list[Node]], at: Token) -> Node:
        width = len(rows[0])
        for r, row in enumerate(rows[1:], start=2):
            if len(row) != width:
                raise MathInputError(f"row {r} has {len(row)} entries but row 1 has {width}", at.pos,
                                     "every row of a matrix needs the same number of entries")
        return ListLit(tuple(ListLit(tuple(row)) for row in rows))

    def starts_item(self, t: Token) -> bool:
        if t.kind in ("num", "name", "frac", "sqrt", "cbrt"):
            return True
        if t.kind == "op" and t.value in "([{":
            return True
        if t.kind == "op" and t.value in "+-" and t.space and not self.peek().space:
            return True
        return t.kind == "op" and t.value == "|" and self.abs_depth == 0

    def row(self) -> list[Node]:
        items = [self.expr()]
        while True:
            if self.is_op(","):
                self.advance()
                items.append(self.expr())
            elif self.split_ws and self.tok.space and self.starts_item(self.tok):
                items.append(self.expr())
            else:
                return items

    def expr(self) -> Node:
        node = self.term()
        while self.is_op("+", "-"):
            op = self.tok
            if self.split_ws and op.space and not self.peek().space:
                break  # MATLAB rule: `1 -2` is two entries, `1 - 2` and `1-2` are one
            self.advance()
            node = BinOp(op.value, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while True:
            t = self.tok
            if self.is_op("*", "/", "@", "//"):
                self.advance()
                if self.is_op("*", "/", "@", "//"):
                    raise self.unexpected(self.tok, "two operators in a row")
                node = BinOp(t.value, node, self.unary())
            elif self.implicit(t):
                if self.split_ws and t.space:
                    return node
                prev = self.toks[self.i - 1]
                if prev.kind == "num" and t.kind == "num":
                    raise MathInputError("two numbers side by side", t.pos,
                                         "put an operator between them, or commas for a vector")
                right = self.power()
                node = BinOp("@" if self.matrix_product(node, right) else "*", node, right)
            else:
                return node

    def matrix_product(self, left: Node, right: Node) -> bool:
        """Juxtaposed matrices multiply as matrices (`Q Kᵀ`, `A x`, `xᵀ y`); everything else elementwise."""
        if not self.ndims:
            return False
        return (self.rank(left) >= 1 and self.rank(right) >= 1
                and (self.rank(left) == 2 or self.rank(right) == 2))

    def rank(self, node: Node) -> int:
        """0 scalar-like, 1 vector-like, 2 matrix-like (a transposed vector counts as a matrix)."""
        if isinstance(node, Transpose):
            return 2 if self.rank(node.operand) >= 1 else 0
        if isinstance(node, Call) and node.func in _REDUCTIONS:
            return 0
        best = 0
        for name in self.names_in(node):
            best = max(best, min(self.ndims.get(name, 0), 2))
        if best and isinstance(node, Call) and node.func in _TRANSPOSES:
            return 2
        return best

    def names_in(self, node: Node) -> frozenset[str]:
        """`free_names`, remembered per node: a long product asks about its growing left side at every
        factor, which would otherwise walk the whole product each time (quadratic in the length)."""
        hit = self._names.get(id(node))
        if hit is not None and hit[0] is node:
            return hit[1]
        if isinstance(node, BinOp):
            names = self.names_in(node.left) | self.names_in(node.right)
        elif isinstance(node, Unary):
            names = self.names_in(node.operand)
        else:
            names = frozenset(free_names(node))
        self._names[id(node)] = (node, names)
        return names

    def implicit(self, t: Token) -> bool:
        if t.kind in ("num", "name", "frac", "sqrt", "cbrt"):
            return True
        if t.kind == "op" and t.value in "({":
            return True
        return t.kind == "op" and t.value == "|" and self.abs_depth == 0

    def unary(self) -> Node:
        if self.is_op("-", "+"):
            t = self.advance()
            self.enter(t)
            operand = self.unary()
            self.depth -= 1
            if t.value == "+":
                return operand
            if isinstance(operand, Num) and not isinstance(operand.value, bool):
                return Num(-operand.value)
            return Unary("-", operand)
        return self.power()

    def power(self) -> Node:
        base = self.postfix()
        if self.is_op("^"):
            caret = self.advance()
            if self.tok.kind == "name" and self.tok.value == "T" and not self.is_var("T") or \
                    self.tok.kind == "transpose":
                self.advance()
                return self.postfix_ops(Transpose(base))
            if self.is_op("{") and self.is_op("}", tok=self.peek(2)) and (
                    self.peek().kind == "transpose" or (self.peek().kind == "name" and self.peek().value == "T"
                                                        and not self.is_var("T"))):
                self.i += 3  # x^{\top}, x^{T}
                return self.postfix_ops(Transpose(base))
            if self.tok.kind == "end":
                raise MathInputError("'^' needs an exponent", caret.pos)
            self.enter(caret)
            exponent = self.unary()
            self.depth -= 1
            if isinstance(base, Name) and base.id == "e" and not self.is_var("e"):
                return Call("exp", (exponent,))
            return BinOp("**", base, exponent)
        return base

    def postfix(self) -> Node:
        return self.postfix_ops(self.primary())

    def postfix_ops(self, node: Node) -> Node:
        while True:
            t = self.tok
            if t.kind == "sup":
                self.advance()
                exponent = self.superscript(t)
                if isinstance(node, Name) and node.id == "e" and not self.is_var("e"):
                    node = Call("exp", (exponent,))
                else:
                    node = BinOp("**", node, exponent)
            elif t.kind == "transpose" or self.is_op("'"):
                self.advance()
                node = Transpose(node)
            elif self.is_op(".") and self.peek().kind == "name" and not self.tok.space:
                attr = self.peek()
                if attr.value != "T":
                    raise MathInputError(f"'.{attr.text}' is not allowed", t.pos,
                                         "only .T (transpose) may follow a name")
                self.i += 2
                node = Transpose(node)
            elif self.is_op("!"):
                self.advance()
                node = Call("factorial", (node,))
            elif self.is_op("%"):
                if not self.percent:
                    raise MathInputError("a percent sign is not expected here", t.pos,
                                         "type the value as a decimal, e.g. 0.25")
                self.advance()
                node = _percent(node, self.toks[self.i - 2])
            elif self.is_op("[") and not t.space and isinstance(node, Name):
                node = self.index(node)
            else:
                return node

    def superscript(self, t: Token) -> Node:
        """The exponent a superscript spells: `²` → 2, `ˣ` → x, `¹⁻ˣ` → 1 − x."""
        if isinstance(t.value, int):
            return Num(t.value)
        try:
            sub = _Parser(tokenize(t.value), self.variables, self.functions, False, False, self.ndims)
            sub.depth = self.depth + 1
            node = sub.expr()
            if sub.tok.kind != "end":
                raise sub.unexpected(sub.tok)
        except MathInputError as exc:
            raise MathInputError(f"cannot read the superscript {t.text}: {exc.message}", t.pos) from None
        return node

    def index(self, node: Node) -> Node:
        opener = self.advance()
        self.enter(opener)
        saved, self.split_ws = self.split_ws, False
        indices = [self.expr()]
        while self.is_op(","):
            self.advance()
            indices.append(self.expr())
        self.expect("]", opener)
        self.split_ws = saved
        self.depth -= 1
        return Index(node, tuple(indices))

    def primary(self) -> Node:
        t = self.tok
        if t.kind == "num":
            self.advance()
            if self.tok.kind == "frac" and not self.tok.space:  # 1½ is a mixed number
                a, b = self.advance().value
                return BinOp("+", Num(t.value), BinOp("/", Num(a), Num(b)))
            return Num(t.value)
        if t.kind == "frac":
            self.advance()
            a, b = t.value
            return Num(0.5) if (a, b) == (1, 2) else BinOp("/", Num(a), Num(b))
        if t.kind == "latexfrac":
            self.advance()
            self.enter(t)
            parts = []
            for _ in range(2):
                if not self.is_op("{"):
                    raise MathInputError(f"{t.text} needs a numerator and a denominator in braces",
                                         self.tok.pos, "e.g. \\frac{1}{3}")
                parts.append(self.group())
            self.depth -= 1
            return BinOp("/", parts[0], parts[1])
        if t.kind in ("sqrt", "cbrt"):
            self.advance()
            if self.tok.kind == "end":
                raise MathInputError(f"'{t.text}' needs something to take the root of", t.pos)
            self.enter(t)
            operand = self.postfix()
            self.depth -= 1
            return Call("sqrt" if t.kind == "sqrt" else "cbrt", (operand,))
        if t.kind == "name":
            return self.name()
        if t.kind == "op" and t.value in "({":
            return self.group()
        if t.kind == "op" and t.value == "[":
            return self.bracket()
        if t.kind == "op" and t.value == "|":
            self.advance()
            self.enter(t)
            self.abs_depth += 1
            saved, self.split_ws = self.split_ws, False
            inner = self.expr()
            self.split_ws = saved
            self.abs_depth -= 1
            if not self.is_op("|"):
                raise MathInputError("unbalanced '|': an absolute value is never closed", t.pos,
                                     "add '|'")
            self.advance()
            self.depth -= 1
            return Call("abs", (inner,))
        if t.kind == "op" and t.value in "*/^@":
            raise self.unexpected(t, "something is missing before it")
        if t.kind == "transpose" or t.kind == "sup":
            raise self.unexpected(t, "it needs something before it")
        raise self.unexpected(t)

    def group(self) -> Node:
        opener = self.advance()
        closer = _OPEN[opener.value]
        self.enter(opener)
        if self.is_op(closer):
            raise MathInputError("empty parentheses", opener.pos)
        saved, self.split_ws = self.split_ws, False
        items = [self.expr()]
        while self.is_op(","):
            self.advance()
            items.append(self.expr())
        self.expect(closer, opener)
        self.split_ws = saved
        self.depth -= 1
        return items[0] if len(items) == 1 else ListLit(tuple(items))

    def bracket(self) -> Node:
        opener = self.advance()
        self.enter(opener)
        if self.is_op("]"):
            raise MathInputError("empty brackets", opener.pos)
        saved, self.split_ws = self.split_ws, True
        rows = [self.row()]
        while self.is_op(";") or self.tok.kind == "nl":
            self.advance()
            if not self.is_op("]"):
                rows.append(self.row())
        self.expect("]", opener)
        self.split_ws = saved
        self.depth -= 1
        if len(rows) > 1:
            return self.matrix(rows, opener)
        return ListLit(tuple(rows[0]))

    # --- names ---
    def is_var(self, name: str) -> bool:
        return self.variables is not None and name in self.variables

    def resolve(self, t: Token) -> str:
        """A Greek letter stands for the first of its names the answer declares."""
        if isinstance(t.value, tuple):
            for cand in t.value:
                if self.is_var(cand):
                    return cand
            return t.value[0]
        return t.value

    def name(self) -> Node:
        t = self.advance()
        name = self.resolve(t)
        if name.startswith("_") or "__" in name:
            raise MathInputError(f"names starting with '_' are not allowed: {t.text!r}", t.pos)
        calls = self.is_op("(") and not self.tok.space
        if self.is_var(name):
            return Name(name)
        if name.lower() in NON_ANSWERS:
            raise MathInputError(f"'{t.text}' is not a finite number", t.pos,
                                 "an answer must be a finite value")
        if t.text in ("Σ", "∑") and "sum" in self.functions and self.implicit(self.tok):
            # Σ(x − x̄)²/(n − 1): a big operator sums the whole term after it, not just the bracket
            self.enter(t)
            node = Call("sum", (self.term(),))
            self.depth -= 1
            return node
        func = self.function_name(name, calls)
        if func is not None:
            return self.call(func, t)
        if "_" in name and self.variables:
            base, idx = name.rsplit("_", 1)
            if self.is_var(base) and idx in _INDICES and self.ndims.get(base, 0) >= 1:
                return Name(base)  # x_i under a sum: the entries of the vector x
        if name.endswith("bar") and self.variables and "mean" in self.functions:
            base = name[:-3].rstrip("_")
            if self.is_var(base) and self.ndims.get(base, 0) == 1:
                return Call("mean", (Name(base),))  # x̄, \bar{x}: the mean of the vector x
        if name in CONSTANTS and name not in ("True", "False"):
            return Name(name)
        if self.variables is not None:
            parts = _split_name(name, self.variables | {"pi", "e"})
            if parts:
                node: Node = Name(parts[0])
                for p in parts[1:]:
                    node = BinOp("*", node, Name(p))
                return node
        if calls and (self.variables is not None or len(name) > 1):
            raise MathInputError(f"unknown function {t.text}()", t.pos, self.suggest(t.text))
        if self.variables is None:
            return Name(name)
        raise self.unknown_name(t)

    def function_name(self, name: str, calls: bool) -> str | None:
        if name in self.functions and name not in CONSTANTS:
            return name
        alias = _FUNCTION_ALIASES.get(name)
        if alias in self.functions and (calls or alias != "sigmoid"):
            return alias
        return None

    def unknown_name(self, t: Token) -> MathInputError:
        known = sorted(self.variables or ())
        if not known:
            return MathInputError(f"unknown name '{t.text}'", t.pos,
                                  "this answer is a value: type numbers (pi and e are allowed)")
        close = difflib.get_close_matches(t.text, known, n=1, cutoff=0.6)
        uses = ", ".join(known)
        hint = f"'{t.text}' — did you mean {close[0]}?" if close else None
        return MathInputError(f"unknown variable '{t.text}' (this formula uses {uses})", t.pos, hint)

    def suggest(self, typed: str) -> str | None:
        target = _FUNCTION_HINTS.get(typed)
        if target is None or target not in self.functions:
            pool = [f for f in self.functions if not f.startswith("_")]
            close = difflib.get_close_matches(typed.lower(), pool, n=1, cutoff=0.6)
            target = close[0] if close else None
        return f"'{typed}' — did you mean {target}?" if target else None

    def call(self, func: str, t: Token) -> Node:
        power = None
        if self.tok.kind == "sup" and not self.tok.space and isinstance(self.tok.value, int):
            # sin²(x), σ²… means (f(x))²
            power = self.advance().value
        if self.is_op("(") or self.is_op("{"):
            opener = self.advance()
            closer = _OPEN[opener.value]
            self.enter(opener)
            if self.is_op(closer):
                raise MathInputError(f"{t.text}() needs an argument", opener.pos)
            saved, self.split_ws = self.split_ws, False
            args: list[Node] = []
            kwargs: list[tuple[str, Node]] = []
            while True:
                if self.tok.kind == "name" and self.is_op("=", tok=self.peek()):
                    key = self.advance()
                    if not isinstance(key.value, str) or key.value.startswith("_"):
                        raise MathInputError(f"bad argument name {key.text!r}", key.pos)
                    self.advance()
                    kwargs.append((key.value, self.expr()))
                else:
                    if kwargs:
                        raise MathInputError("a plain argument cannot follow a named one", self.tok.pos)
                    args.append(self.expr())
                if not self.is_op(","):
                    break
                self.advance()
            self.expect(closer, opener)
            self.split_ws = saved
            self.depth -= 1
            if func == "ln" and (len(args) > 1 or kwargs) and "log" in self.functions:
                func = "log"  # the echo prints log(x, b) as ln(x, b): read it back as a base
            node: Node = Call(func, tuple(args), tuple(kwargs))
        elif self.implicit(self.tok) and not self.is_op("|"):
            # `ln x`, `sin 2`: a function applies to the next factor; `Σ p log p` to the whole product
            self.enter(t)
            node = Call(func, (self.term() if func == "sum" else self.power(),))
            self.depth -= 1
        else:
            raise MathInputError(f"{t.text} is a function: it needs an argument, e.g. {t.text}(x)", t.pos)
        return node if power is None else BinOp("**", node, Num(power))


def _percent(node: Node, tok: Token) -> Node:
    if isinstance(node, Num) and tok.kind == "num":
        try:
            return Num(float(Decimal(tok.text) / 100))
        except InvalidOperation:  # pragma: no cover - the tokenizer only yields decimal literals
            pass
    return BinOp("/", node, Num(100))


def _split_name(name: str, known: set[str]) -> list[str] | None:
    """Read `xy` as x·y and `2pix` as 2·pi·x when every piece is a known name (longest first)."""
    if len(name) > 24:
        return None
    memo: dict[int, list[str] | None] = {}

    def go(i: int) -> list[str] | None:
        if i == len(name):
            return []
        if i in memo:
            return memo[i]
        memo[i] = None
        for j in range(len(name), i, -1):
            if name[i:j] in known:
                rest = go(j)
                if rest is not None:
                    memo[i] = [name[i:j], *rest]
                    break
        return memo[i]

    parts = go(0)
    return parts if parts and len(parts) > 1 else None


def _default_functions() -> Collection[str]:
    from trainer.core.solvers import registry

    return registry().keys()


_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_new_node = object.__new__
_set_field = object.__setattr__


def _num(value: int | float) -> Num:
    """`Num(value)`, built as `TreeNode.__init__` builds it (its one field set on a new object)
    without the call through its argument handling: 270 against 710 ns, even on its in-order path."""
    node = _new_node(Num)
    _set_field(node, "value", value)
    return node


def _list(items: tuple[Node, ...]) -> ListLit:
    """`ListLit(items)`, built as `_num` builds a `Num`."""
    node = _new_node(ListLit)
    _set_field(node, "items", items)
    return node


def _plain_value(text: str) -> Node | None:
    """The tree of a plain value written as the grader's `answer_text` writes one (`-0.25`,
    `[0.1, 2]`, `[[1.0, 2.0], [3.0, 4.5]]`: numbers, brackets and ", " only), built directly; None
    for any other text, which the tokenizer and parser read. The tree is the parser's own: each
    number through the tokenizer's `_number`, a leading minus folded into it as `unary` folds it,
    a bracket a `ListLit` even of one item.

    A lone number and a bracket of numbers (most answers) are matched whole, piece by piece between
    the ", " that must separate them; anything else with brackets is read item by item."""
    if not text.startswith("["):
        return _plain_number(text) if _PLAIN_NUMBER.fullmatch(text) else None
    inner = text[1:-1]
    if text.endswith("]") and "[" not in inner and "]" not in inner:
        # `[a, b, c]`: the item reader would read a number, then want ", " or the closing "]"; so
        # the text is read exactly when each piece between the separators is one number.
        items = []
        for piece in inner.split(", "):
            num = _plain_number(piece) if _PLAIN_NUMBER.fullmatch(piece) else None
            if num is None:
                return None
            items.append(num)
        return _list(tuple(items))
    got = _plain_item(text, 0, 0)
    return got[0] if got is not None and got[1] == len(text) else None


def _plain_number(token: str) -> Num | None:
    """The `Num` of one number matched by `_PLAIN_NUMBER`, None beyond the tokenizer's bounds (the
    parser words that error, with its position)."""
    negative = token.startswith("-")
    try:
        number = _number(token[1:] if negative else token, 0)
    except MathInputError:
        return None
    return _num(-number if negative else number)


def _plain_item(text: str, i: int, depth: int) -> tuple[Node, int] | None:
    """`_plain_value`'s reader of the item at `i` (a module function, not a closure: a recursive
    closure is a reference cycle, left for the garbage collector on every call)."""
    if text.startswith("[", i):
        if depth >= 2:
            return None
        items: list[Node] = []
        i += 1
        while True:
            got = _plain_item(text, i, depth + 1)
            if got is None:
                return None
            items.append(got[0])
            i = got[1]
            if text.startswith(", ", i):
                i += 2
            elif text.startswith("]", i):
                return _list(tuple(items)), i + 1
            else:
                return None
    m = _PLAIN_NUMBER.match(text, i)
    if m is None:
        return None
    num = _plain_number(m.group(0))
    return None if num is None else (num, m.end())


def parse_answer(text: str, *, variables: Collection[str] | None = None,
                 functions: Collection[str] | Mapping[str, Any] | None = None,
                 percent: bool = False, arrays: bool = False,
                 ndims: Mapping[str, int] | None = None) -> Node:
    """Read a typed answer into the safe expression tree.

    Args:
        text: what the learner typed.
        variables: the names a formula may use; `()` for a plain value (only pi and e are known);
            None to accept any name (for echoing and tests).
        functions: callable names; defaults to the solver registry.
        percent: whether a trailing `%` is accepted (`33.3%` reads as 0.333).
        arrays: whether whitespace and `;`/newlines separate entries (`4 7`, `1 2; 3 4`), as for
            vector, matrix, set and direction answers.

    Returns:
        The tree; vectors and matrices are (nested) `ListLit`s.

    Raises:
        MathInputError: the text cannot be read; carries a 0-based position and, when possible, a hint.
    """
    if not isinstance(text, str):
        raise MathInputError(f"expected text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise MathInputError(f"the answer is {len(text)} characters long; the limit is {MAX_LENGTH}",
                             MAX_LENGTH, "type a shorter answer")
    if not text.strip(SPACES + "\n"):
        raise MathInputError("the answer is empty", 0, "type a value")
    plain = _plain_value(text)
    if plain is not None:
        return plain
    fns = _default_functions() if functions is None else functions
    toks = split_rows(tokenize(text), arrays)
    return _Parser(toks, variables, fns, percent, arrays, ndims).parse()
