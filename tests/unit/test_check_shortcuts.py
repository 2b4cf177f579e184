"""The shortcuts `trainer check` takes keep every verdict: `accepts` is `check_value(...).correct`
without the feedback, and `shared_calls` computes a call on the very same arguments once.

Expected verdicts are worked out by hand from the precision policy (3 significant figures by default:
0.1234 is accepted for 0.123, 0.125 is not), never taken from the code under test.
"""

from __future__ import annotations

import numpy as np
import pytest

from trainer.core.grading.checks import accepts, check_value
from trainer.core.language.answer_syntax import parse_answer
from trainer.core.language.evaluate import compile_node, shared_calls
from trainer.core.templates.generation import Answer


def _answer(atype: str, value, **kw) -> Answer:
    return Answer(atype, value, str(value), rtol=0.0, atol=0.0, **kw)


CASES = [
    # (id, answer type, expected, typed, accepted)
    ("number-3-figures", "number", 0.123, 0.1234, True),
    ("number-off-in-3rd-figure", "number", 0.123, 0.125, False),
    ("number-two-values", "number", 0.123, [0.123, 0.123], False),
    ("vector-right", "vector", [1.0, 2.0], [1.001, 2.0], True),
    ("vector-one-entry-wrong", "vector", [1.0, 2.0], [1.0, 2.5], False),
    ("vector-reordered", "vector", [1.0, 2.0], [2.0, 1.0], False),
    ("vector-as-column", "vector", [1.0, 2.0], [[1.0], [2.0]], True),
    ("vector-too-short", "vector", [1.0, 2.0], [1.0], False),
    ("matrix-right", "matrix", [[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0, 4.0]], True),
    ("matrix-transposed", "matrix", [[1.0, 2.0], [3.0, 4.0]], [[1.0, 3.0], [2.0, 4.0]], False),
    ("matrix-wrong-shape", "matrix", [[1.0, 2.0], [3.0, 4.0]], [1.0, 2.0, 3.0, 4.0], False),
    ("integer-exact", "integer", 7, 7.0, True),
    ("integer-off-by-one", "integer", 7, 8.0, False),
    ("set-any-order", "set", [1.0, 3.0], [3.0, 1.0], True),
    ("direction-multiple", "direction", [1.0, 2.0], [-2.0, -4.0], True),
]


@pytest.mark.parametrize("case_id, atype, expected, typed, accepted", CASES, ids=[c[0] for c in CASES])
def test_accepts_gives_the_graders_verdict(case_id, atype, expected, typed, accepted):
    ans = _answer(atype, np.asarray(expected, dtype=float) if atype != "integer" else expected)
    t = np.asarray(typed, dtype=float)
    assert accepts(atype, ans, ans.value, t) is accepted
    assert check_value(atype, ans, ans.value, t).correct is accepted


def test_decimals_policy_is_the_graders():
    ans = _answer("number", 2.5, decimals=1)  # to 0.1: half a unit is 0.05
    assert accepts("number", ans, 2.5, np.asarray(2.54)) is True
    assert accepts("number", ans, 2.5, np.asarray(2.56)) is False


def _counting(calls: list):
    def twice(x):
        calls.append(x)
        return 2 * x
    return {"twice": twice}


def test_shared_calls_computes_a_call_on_the_same_argument_once():
    calls: list = []
    functions = _counting(calls)
    fn = compile_node(parse_answer("twice(a) + twice(a) + twice(b)", variables=("a", "b"), functions=functions),
                      functions)
    env = {"a": np.array([1.0, 2.0]), "b": 3.0}
    assert fn(env).tolist() == [10.0, 14.0]  # 4a + 2b = [4 + 6, 8 + 6]
    assert len(calls) == 3
    calls.clear()
    with shared_calls():
        assert fn(env).tolist() == [10.0, 14.0]
        assert len(calls) == 2  # twice(a) once, twice(b) once
        # An equal copy of a is another object: computed again, never mistaken for the first
        # (b is still the very same float object, so twice(b) is not).
        assert fn({"a": np.array([1.0, 2.0]), "b": env["b"]}).tolist() == [10.0, 14.0]
        assert len(calls) == 3
    calls.clear()
    fn(env)
    assert len(calls) == 3  # outside the block nothing is kept
