"""The syntax tree of the expression language: node types, the errors, the shared bounds.

Core layer. Template expressions and typed answers are both read into these immutable records (as
frozen, slotted dataclasses behave: keyword or positional fields, value equality and hash, the same
repr, `match` patterns); the readers (`template_syntax`, `answer_syntax`), the evaluator (`evaluate`)
and the printer (`printing`) work on them. Nothing here imports NumPy.
"""

from __future__ import annotations

import math
from dataclasses import FrozenInstanceError
from typing import Any, ClassVar, Union

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


class TreeNode:
    """Base of every node type: an immutable record of the fields its class annotates.

    Not `@dataclass(frozen=True, slots=True)`: that compiles six methods per class at every start
    (about 0.7 ms a class, 14 classes, on the way to every command that reads an expression); these
    methods are written once here and behave the same.
    """

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    #: Field defaults by name (a field without one is required), as a dataclass's `= value`.
    _defaults: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._fields = tuple(cls.__slots__)
        cls.__match_args__ = cls._fields

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = self._fields
        if not kwargs and len(args) == len(fields):  # every field given in order: most nodes built
            for name, value in zip(fields, args):
                object.__setattr__(self, name, value)
            return
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__}() takes {len(fields)} arguments but {len(args)} were given")
        values = dict(zip(fields, args))
        for name, value in kwargs.items():
            if name not in fields:
                raise TypeError(f"{type(self).__name__}() got an unexpected keyword argument {name!r}")
            if name in values:
                raise TypeError(f"{type(self).__name__}() got multiple values for argument {name!r}")
            values[name] = value
        for name in fields:
            if name not in values:
                if name not in self._defaults:
                    raise TypeError(f"{type(self).__name__}() missing required argument: {name!r}")
                values[name] = self._defaults[name]
            object.__setattr__(self, name, values[name])

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()  # type: ignore[attr-defined]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self._fields)})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self):
        return (type(self), self._values())


class Num(TreeNode):
    __slots__ = ("value",)
    value: int | float


class Str(TreeNode):
    __slots__ = ("value",)
    value: str


class Name(TreeNode):
    __slots__ = ("id",)
    id: str


class Unary(TreeNode):
    __slots__ = ("op", "operand")
    op: str  # "-" or "+"
    operand: Node


class BinOp(TreeNode):
    __slots__ = ("op", "left", "right")
    op: str  # + - * / // % ** @
    left: Node
    right: Node


class Compare(TreeNode):
    __slots__ = ("ops", "operands")
    ops: tuple[str, ...]  # < <= > >= == !=
    operands: tuple[Node, ...]


class BoolOp(TreeNode):
    __slots__ = ("op", "values")
    op: str  # and | or
    values: tuple[Node, ...]


class Not(TreeNode):
    __slots__ = ("operand",)
    operand: Node


class IfExp(TreeNode):
    __slots__ = ("test", "body", "orelse")
    test: Node
    body: Node
    orelse: Node


class Call(TreeNode):
    __slots__ = ("func", "args", "kwargs")
    func: str
    args: tuple[Node, ...]
    kwargs: tuple[tuple[str, Node], ...]
    _defaults: ClassVar[dict[str, Any]] = {"kwargs": ()}


class ListLit(TreeNode):
    __slots__ = ("items",)
    items: tuple[Node, ...]


class Slice(TreeNode):
    __slots__ = ("lower", "upper")
    lower: Node | None
    upper: Node | None


class Index(TreeNode):
    __slots__ = ("value", "indices")
    value: Node
    indices: tuple[Node, ...]  # each a Node or a Slice


class Transpose(TreeNode):
    __slots__ = ("operand",)
    operand: Node


Node = Union[Num, Str, Name, Unary, BinOp, Compare, BoolOp, Not, IfExp, Call, ListLit, Slice, Index,
             Transpose]
