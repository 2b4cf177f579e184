"""`ByIdentity`: a value once per object, never another object's, refreshed past its limit."""

from __future__ import annotations

import pytest

from trainer.core._memo import ByIdentity


class Thing:
    def __init__(self, name: str):
        self.name = name


def test_a_value_is_made_once_per_object_and_never_given_to_another():
    made: list[str] = []

    def make(thing: Thing) -> str:
        made.append(thing.name)
        return thing.name.upper()

    memo: ByIdentity[str] = ByIdentity(8)
    a, b = Thing("a"), Thing("b")
    assert [memo.get(a, make), memo.get(a, make), memo.get(b, make)] == ["A", "A", "B"]
    assert made == ["a", "b"]
    # An object freed and another made in its place may take its id: the held object tells them apart.
    key = id(a)
    del a
    c = Thing("c")
    memo._items.setdefault(id(c), memo._items.get(key, (object(), "stale")))  # force an id clash
    assert memo.get(c, make) == "C" and made == ["a", "b", "c"]


def test_a_failure_is_not_remembered_and_the_memo_starts_afresh_past_its_limit():
    calls = 0

    def make(thing: Thing) -> int:
        nonlocal calls
        calls += 1
        if thing.name == "bad":
            raise ValueError("no value")
        return calls

    memo: ByIdentity[int] = ByIdentity(2)
    bad = Thing("bad")
    for _ in range(2):
        with pytest.raises(ValueError):
            memo.get(bad, make)
    assert calls == 2
    things = [Thing(str(i)) for i in range(4)]
    first = [memo.get(t, make) for t in things]  # 3, 4, 5, then the memo (3 > 2 items) starts afresh: 6
    assert first == [3, 4, 5, 6]
    assert memo.get(things[3], make) == 6  # kept after the reset
    assert memo.get(things[0], make) == 7  # dropped by it: made again
