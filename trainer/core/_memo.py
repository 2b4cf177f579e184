"""`ByIdentity`: a value worked out once per object (a template, a constraint, an expression tree).

Core layer, private to it; no dependencies. The bank's templates and trees live as long as the bank,
and grading, generation and `check` ask the same questions of them on every seed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class ByIdentity(Generic[V]):
    """Values keyed by `id(obj)`, the object held beside its value: a freed object's id, reused by a
    new one, never finds the old value. Past `limit` entries the whole memo starts afresh."""

    __slots__ = ("_items", "_limit")

    def __init__(self, limit: int):
        self._items: dict[int, tuple[Any, V]] = {}
        self._limit = limit

    def get(self, obj: Any, make: Callable[[Any], V]) -> V:
        """`make(obj)`, worked out on the first call for this very object (an exception is raised
        again on the next call: nothing is remembered)."""
        hit = self._items.get(id(obj))
        if hit is None or hit[0] is not obj:
            value = make(obj)
            if len(self._items) > self._limit:
                self._items.clear()
            hit = self._items[id(obj)] = (obj, value)
        return hit[1]
