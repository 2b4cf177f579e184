"""The evaluator's fast paths (names and literals read in place, int and float arithmetic inline,
`x ** n` for a literal n) give the values, types and errors of the general path.

Each case has a hand-worked value; the same expression is also run through an `ObservedFunctions`
whitelist, whose operators take the general `_arith` path, and the two must agree bit for bit.
"""

import math

import numpy as np
import pytest

from trainer.core.language.evaluate import ObservedFunctions, compile_node, shared_calls
from trainer.core.language.nodes import EvalError
from trainer.core.language.template_syntax import parse_template
from trainer.core.solvers import registry


def fast(text, **env):
    return compile_node(parse_template(text))(env)


def general(text, **env):
    observed = ObservedFunctions(registry(), lambda name, args, out: None)
    return compile_node(parse_template(text), observed)(env)


def same(a, b):
    """Equal value and type, NaN equal to NaN, arrays element for element (and dtype)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    return a == b


BIG = 2**200

# (expression, environment, hand-worked value, its type)
CASES = [
    ("x ** 2", {"x": -3}, 9, int),
    ("x ** 2", {"x": -3.0}, 9.0, np.float64),
    ("x ** 2", {"x": np.float64(1.5)}, 2.25, np.float64),
    ("x ** 3", {"x": 2}, 8, int),
    ("x ** 0", {"x": 0}, 1, int),
    ("x ** 300", {"x": 2}, 2.0**300, np.float64),  # 300 bits > MAX_INT_BITS: float power
    ("x ** 300", {"x": 1}, 1, int),
    ("x ** 300", {"x": -1}, 1, int),
    ("x ** 2", {"x": True}, 1.0, np.float64),  # a bool is not an int here: float power
    ("x ** y", {"x": 2.0, "y": 3}, 8.0, np.float64),
    ("x ** y", {"x": 4.0, "y": 0.5}, 2.0, np.float64),
    ("x ** y", {"x": 2, "y": 10}, 1024, int),
    ("x ** y", {"x": 2, "y": -1}, 0.5, np.float64),
    ("x * y", {"x": 6, "y": 7}, 42, int),
    ("x - y", {"x": 3, "y": 5}, -2, int),
    ("1 - x", {"x": 4}, -3, int),
    ("x * y", {"x": BIG, "y": BIG}, 2.0**400, float),  # over MAX_INT_BITS: converted to float
    ("x + y", {"x": BIG, "y": BIG}, 2**201, int),  # 202 bits: still an int
    ("x + y", {"x": 1.5, "y": 2}, 3.5, float),
    ("x * 2", {"x": np.float64(1.25)}, 2.5, np.float64),
    ("x * 2", {"x": 2**60}, 2**61, int),
    ("x + 0.5", {"x": 2**60}, 2.0**60 + 0.5, float),  # 2**60 + 0.5 rounds to 2**60
    ("-2 * x", {"x": 3}, -6, int),
    ("x / y", {"x": 7, "y": 2}, 3.5, np.float64),
    ("x / y", {"x": 1.0, "y": 4.0}, 0.25, float),
    ("x / y", {"x": 1.0, "y": 4}, 0.25, np.float64),
    ("x / y", {"x": 1, "y": 8.0}, 0.125, np.float64),
    ("x / 3", {"x": 1}, 1 / 3, np.float64),
    ("x / 0", {"x": 1}, math.inf, np.float64),
    ("x / y", {"x": -1.0, "y": 0.0}, -math.inf, np.float64),
    ("x / y", {"x": 0, "y": 0}, math.nan, np.float64),
    ("x // y", {"x": 7, "y": -2}, -4, int),
    ("x // 0", {"x": 7}, math.inf, np.float64),
    ("x % 3", {"x": -7}, 2, int),
    ("x > 1.5", {"x": 2}, True, bool),
    ("x >= y", {"x": 1, "y": 1.0}, True, bool),
    ("x == 2", {"x": 2.0}, True, bool),
    ("x != y", {"x": "a", "y": "a"}, False, bool),
    ("-x", {"x": 4}, -4, int),
    ("-(-2.5)", {}, 2.5, float),
    ("abs(x)", {"x": -2}, 2.0, float),
]


@pytest.mark.parametrize("text, env, value, kind", CASES)
def test_fast_paths_give_the_hand_worked_value_and_type(text, env, value, kind):
    out = fast(text, **env)
    assert type(out) is kind
    assert (math.isnan(out) and math.isnan(value)) if value != value else out == value
    assert same(out, general(text, **env))


def test_array_arithmetic_matches_the_general_path():
    x = np.array([1.0, -2.0, 3.0])
    n = np.array([1, 2, 3])
    for text, env, want in [
        ("x ** 2", {"x": x}, [1.0, 4.0, 9.0]),
        ("n ** 2", {"n": n}, [1.0, 4.0, 9.0]),  # float power: an int array comes out float
        ("x * 2", {"x": x}, [2.0, -4.0, 6.0]),
        ("1 - x", {"x": x}, [0.0, 3.0, -2.0]),
        ("x - 1", {"x": x}, [0.0, -3.0, 2.0]),
        ("x / 2", {"x": x}, [0.5, -1.0, 1.5]),
        ("2 / x", {"x": x}, [2.0, -1.0, 2 / 3]),
        ("x / y", {"x": x, "y": np.array([2.0, 2.0, 0.0])}, [0.5, -1.0, math.inf]),
        ("x + 0.5", {"x": x}, [1.5, -1.5, 3.5]),
    ]:
        out = fast(text, **env)
        assert type(out) is np.ndarray and out.tolist() == want, text
        assert same(out, general(text, **env)), text


SIZE = "an intermediate array has 10001 elements; the limit is 10000"
# `_arith` reports a bound exceeded inside it as a shape mismatch (its size check's EvalError is a
# ValueError); the float-and-array path that skips `_arith` reports the bound itself. The fast paths
# keep each wording where it was.
SHAPES = "shapes 10001 and scalar do not fit together"


@pytest.mark.parametrize("text, message, general_message", [
    ("x * 2.0", SIZE, SHAPES), ("x + y", SIZE, SHAPES), ("x * 2", SHAPES, SHAPES),
    ("2 - x", "shapes scalar and 10001 do not fit together", "shapes scalar and 10001 do not fit together"),
    ("x ** 2", SHAPES, SHAPES), ("x / 2", SHAPES, SHAPES), ("x / y", SHAPES, SHAPES), ("x ** y", SHAPES, SHAPES),
])
def test_an_oversized_array_result_is_still_refused(text, message, general_message):
    x = np.ones(10_001)
    with pytest.raises(EvalError, match=f"^{message}$"):
        fast(text, x=x, y=2.0)
    with pytest.raises(EvalError, match=f"^{general_message}$"):
        general(text, x=x, y=2.0)


@pytest.mark.parametrize("text, env, message", [
    ("x + y", {"x": np.ones(2), "y": np.ones(3)}, "shapes 2 and 3 do not fit together"),
    ("x / y", {"x": np.ones(2), "y": np.ones(3)}, "shapes 2 and 3 do not fit together"),
    ("x * 2", {"x": "ab"}, "arithmetic on text is not allowed"),
    ("x ** 2", {"x": "ab"}, "arithmetic on text is not allowed"),
    ("x ** 2", {"x": np.array(["a", "b"])}, "shapes 2 and scalar do not fit together"),
    ("x + y", {"x": 1}, "unknown name 'y'"),
    ("x + y", {}, "unknown name 'x'"),  # the left operand is read first
    ("2 * y", {}, "unknown name 'y'"),
    ("abs(z)", {}, "unknown name 'z'"),
    ("-z", {}, "unknown name 'z'"),
    ("A[0, 1]", {}, "unknown name 'A'"),
    ("z > 1", {}, "unknown name 'z'"),
    ("-x", {"x": "ab"}, "cannot negate text"),
    ("x > 1", {"x": np.array([1.0, 2.0])}, "a condition on a whole array is ambiguous"),
    ("A[0, 2]", {"A": np.ones((2, 2))}, r"index \(0, 2\) is out of range"),
])
def test_failures_are_worded_as_on_the_general_path(text, env, message):
    for run in (fast, general):
        with pytest.raises(EvalError, match=message):
            run(text, **env)


def test_a_constant_name_still_yields_to_a_parameter_of_that_name():
    assert fast("2 * pi") == 2 * math.pi
    assert fast("2 * e", e=3) == 6


def test_an_unknown_function_is_met_in_reading_order():
    with pytest.raises(EvalError, match=r"unknown function f\(\)"):
        fast("f(x)[g(y)]", x=1, y=1)


def test_a_call_on_a_name_shares_its_result_only_inside_shared_calls():
    calls = []

    def double(v):
        calls.append(v)
        return 2 * v

    run = compile_node(parse_template("f(x) + f(x)"), {"f": double})
    assert run({"x": 5}) == 20 and len(calls) == 2
    calls.clear()
    with shared_calls():
        assert run({"x": 5}) == 20
    assert len(calls) == 1


def test_observed_functions_still_see_every_operator_and_call():
    seen = []
    observed = ObservedFunctions(registry(), lambda name, args, out: seen.append((name, args, out)))
    assert compile_node(parse_template("abs(x) ** 2 + 1"), observed)({"x": -3}) == 10
    assert seen == [("abs", (-3,), 3), ("**", (3, 2), 9), ("+", (9, 1), 10)]



def test_calls_and_lists_of_names_read_in_order():
    assert fast("comb(n, k)", n=5, k=2) == 10  # 5·4/2
    assert fast("clip(x, lo, hi)", x=7.0, lo=0.0, hi=5.0) == 5.0
    assert fast("[a, b, c]", a=1, b=2.5, c=-1).tolist() == [1.0, 2.5, -1.0]
    assert fast("[s, t]", s="up", t="down") == ["up", "down"]
    for text in ("comb(x, k)", "clip(x, k, n)", "[x, k, n]"):
        for run in (fast, general):
            with pytest.raises(EvalError, match="^unknown name 'k'$"):  # x is there: k is met first
                run(text, x=1.0)
    with pytest.raises(EvalError, match=r"^comb\(\)"):
        fast("comb(n, k)", n="a", k=2)
    with pytest.raises(EvalError, match="rows of a matrix must all have the same length"):
        fast("[a, b]", a=np.ones(2), b=np.ones(3))


def test_calls_of_several_names_share_their_result_inside_shared_calls():
    calls = []

    def pick(*values):
        calls.append(values)
        return values[-1]

    for text in ("f(a, b) + f(a, b)", "f(a, b, c) + f(a, b, c)"):
        run = compile_node(parse_template(text), {"f": pick})
        calls.clear()
        assert run({"a": 1, "b": 2, "c": 2}) == 4 and len(calls) == 2
        calls.clear()
        with shared_calls():
            assert run({"a": 1, "b": 2, "c": 2}) == 4
        assert len(calls) == 1


def test_observed_operators_see_literal_and_name_operands():
    seen = []
    observed = ObservedFunctions(registry(), lambda name, args, out: seen.append((name, args, out)))
    assert compile_node(parse_template("-2 * x - y"), observed)({"x": 3, "y": 1}) == -7
    assert seen == [("*", (-2, 3), -6), ("-", (-6, 1), -7)]


def test_shared_calls_ends_with_its_block_even_when_it_fails():
    calls = []

    def double(v):
        calls.append(v)
        return 2 * v

    run = compile_node(parse_template("f(x)"), {"f": double})
    with pytest.raises(ZeroDivisionError):
        with shared_calls() as inside:
            assert inside is None
            run({"x": 1})
            1 / 0
    run({"x": 1})  # outside the block: computed again
    with shared_calls():
        with shared_calls():
            run({"x": 1})
        run({"x": 1})  # the inner block's record ended with it: the outer one has not seen x
    assert len(calls) == 4
