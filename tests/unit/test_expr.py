"""The safe expression language: what it computes, what it refuses, and how it prints."""

import math

import numpy as np
import pytest

from trainer.core.language.evaluate import compile_node
from trainer.core.language.nodes import EvalError, ExprError
from trainer.core.language.printing import to_text
from trainer.core.language.template_syntax import parse_template


def ev(text, **env):
    return compile_node(parse_template(text))(env)


@pytest.mark.parametrize("text, env, expected", [
    ("1 + 2 * 3", {}, 7),
    ("2 ** 10", {}, 1024),
    ("7 // 2", {}, 3),
    ("7 % 3", {}, 1),
    ("1 / 4", {}, 0.25),
    ("-x ** 2", {"x": 3}, -9),  # Python precedence: -(x**2)
    ("x if x > 0 else -x", {"x": -4}, 4),
    ("0 < x < 1", {"x": 0.5}, True),
    ("not (x > 1) and x >= 0", {"x": 0.5}, True),
    ("sum([1, 2, 3])", {}, 6),
    ("max([0.2, 0.7, 0.1])", {}, 0.7),
    ("len(p)", {"p": np.array([0.5, 0.5])}, 2),
    ("-sum(p * log(p))", {"p": np.array([0.5, 0.5])}, math.log(2)),  # fair-coin entropy
    ("log(8, 2)", {}, 3.0),
    ("p[1]", {"p": np.array([0.1, 0.9])}, 0.9),
    ("A[1, 0]", {"A": np.array([[1.0, 2.0], [3.0, 4.0]])}, 3.0),
    ("factorial(5)", {}, 120),
    ("comb(5, 2)", {}, 10),
    ("det([[2, 1], [1, 3]])", {}, 5.0),
    ("pi", {}, math.pi),
])
def test_values(text, env, expected):
    assert ev(text, **env) == pytest.approx(expected)


def test_matrix_vector_product_matches_the_seed():
    # Seed article: A = [[2, 1], [1, 3]], x = [1, 2], b = [0, 1] prints [4 7]. By hand A@x = [2+2, 1+6]
    # = [4, 7]; adding b = [0, 1] gives [4, 8]: the article's comment shows A@x, not A@x + b.
    env = dict(A=np.array([[2, 1], [1, 3]]), x=np.array([1, 2]), b=np.array([0, 1]))
    assert ev("A @ x", **env).tolist() == [4, 7]
    assert ev("A @ x + b", **env).tolist() == [4, 8]


def test_slices_and_transpose():
    assert ev("x[1:]", x=np.array([1.0, 2.0, 3.0])).tolist() == [2.0, 3.0]
    assert ev("T([[1, 2], [3, 4]])").tolist() == [[1, 3], [2, 4]]


def test_division_by_zero_is_not_an_exception_but_non_finite():
    assert math.isinf(ev("1 / x", x=0))


def test_huge_powers_are_bounded_floats_not_bignums():
    assert ev("9 ** 9 ** 9 ** 9") == math.inf
    assert ev("2 ** 10000") == math.inf


@pytest.mark.parametrize("text, fragment", [
    ("__import__('os')", "'_'"),
    ("().__class__.__bases__", "attribute"),
    ("x.T", "T(A)"),
    ("lambda: 0", "lambda"),
    ("[i for i in x]", "comprehension"),
    ("open('f').read()", "attribute"),
    ("__import__('os').system('true')", "'.system'"),
    ("f(*args)", "*args"),
    ("x[::2]", "step"),
    ("a := 1", "syntax"),
    ("", "empty"),
    ("1 +", "syntax"),
    ("x" * 5000, "limit"),
    ("{1: 2}", "not allowed"),
])
def test_refused_constructs(text, fragment):
    with pytest.raises(ExprError) as info:
        parse_template(text)
    assert fragment in info.value.message


def test_refusal_points_at_the_offending_column():
    with pytest.raises(ExprError) as info:
        parse_template("1 + foo.bar")
    assert info.value.position == 4


def test_calling_anything_off_the_whitelist_fails_at_evaluation():
    with pytest.raises(EvalError, match="unknown function open"):
        compile_node(parse_template("open('x')"))
    with pytest.raises(EvalError, match="unknown function eval"):
        compile_node(parse_template("eval('1')"))


def test_unknown_name_and_bad_shapes_are_eval_errors():
    with pytest.raises(EvalError, match="unknown name"):
        ev("y + 1")
    with pytest.raises(EvalError, match="2×2 by 3"):
        ev("[[1, 2], [3, 4]] @ [1, 2, 3]")
    with pytest.raises(EvalError, match="same length"):
        ev("[[1, 2], [3]]")


def test_allocation_is_bounded():
    with pytest.raises(EvalError):
        ev("ones(10 ** 9)")
    with pytest.raises(EvalError):
        ev("factorial(10 ** 8)")


@pytest.mark.parametrize("text, shown", [
    ("2*x*(1 - x)", "2x·(1 − x)"),
    ("sigmoid(x)*(1 - sigmoid(x))", "σ(x)·(1 − σ(x))"),
    ("x**2", "x²"),
    ("sqrt(2)", "√(2)"),
    ("T(K)", "Kᵀ"),
    ("exp(-(x - mu)**2/(2*sigma**2))", "exp(−(x − μ)²/(2σ²))"),
    ("a - (b - c)", "a − (b − c)"),
    ("a / (b * c)", "a/(b·c)"),
])
def test_echo_reads_like_mathematics(text, shown):
    assert to_text(parse_template(text)) == shown
