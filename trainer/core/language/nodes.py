"""The syntax tree of the expression language: node types, the errors, the shared bounds.

Core layer. Template expressions and typed answers are both read into these frozen dataclasses; the
readers (`template_syntax`, `answer_syntax`), the evaluator (`evaluate`) and the printer (`printing`)
work on them. Nothing here imports NumPy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Union

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


class MathInputError(ExprError):
    """A typed answer that cannot be read.

    Attributes:
        message: what is wrong, e.g. "unknown function In()".
        position: 0-based character offset in the typed text, when known.
        hint: a suggestion the learner can act on, e.g. "'In' — did you mean ln?", or None.
    """

    def __init__(self, message: str, position: int | None = None, hint: str | None = None):
        super().__init__(message, position)
        self.hint = hint


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
