"""The reader's literal fast path: a typed number, vector or matrix gets the very value that compiling
and evaluating its tree gives (bit for bit, same shape), and any other tree is left to the evaluator."""

import numpy as np
import pytest

from trainer.core.grading import equivalence as fm
from trainer.core.grading.reading import _literal_value
from trainer.core.language.answer_syntax import parse_answer
from trainer.core.language.evaluate import compile_node
from trainer.core.language.nodes import ListLit, Num


def full(node):
    return fm.evaluate(compile_node(node, guard=False), {})


def same(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


# (typed text, expected value worked out by hand)
TABLE = [
    ("0.25", np.array(0.25)),
    ("-3", np.array(-3.0)),
    ("-0.0", np.array(-0.0)),
    ("1e-05", np.array(1e-05)),
    ("[1, -2.5]", np.array([1.0, -2.5])),
    ("[[1.0, 2.0], [3.0, 4.5]]", np.array([[1.0, 2.0], [3.0, 4.5]])),
    ("4 7", np.array([4.0, 7.0])),
    ("1 2; 3 4", np.array([[1.0, 2.0], [3.0, 4.0]])),
    ("50%", np.array(0.5)),
]


@pytest.mark.parametrize("text,expected", TABLE, ids=[t[0] for t in TABLE])
def test_literals_read_as_worked_out_by_hand(text, expected):
    node = parse_answer(text, variables=(), arrays=True, percent=True)
    got = _literal_value(node)
    assert same(got, expected)
    assert same(got, full(node))


@pytest.mark.parametrize("text", ["pi", "2*3", "1/3", "sqrt(2)", "[1, 2], [3]", "[[1, 2], [3]]", "[[1, 2], 3]", "(1+1)%",
                                  "2^3", "12345678901234567890"])
def test_other_trees_are_left_to_the_evaluator(text):
    node = parse_answer(text, variables=(), arrays=True, percent=True)
    assert _literal_value(node) is None


def test_empty_and_huge_literals_are_left_to_the_evaluator():
    assert _literal_value(ListLit(())) is None
    assert _literal_value(Num(2**60)) is None
    assert _literal_value(Num(True)) is None


def test_random_values_printed_as_answer_text_agree_with_the_evaluator():
    rng = np.random.default_rng(5)
    for _ in range(3000):
        shape = [(), (int(rng.integers(1, 6)),), (int(rng.integers(1, 4)), int(rng.integers(1, 4)))][rng.integers(3)]
        kind = rng.integers(3)
        if kind == 0:
            arr = rng.normal(size=shape) * 10.0 ** rng.integers(-12, 12)
        elif kind == 1:
            arr = rng.integers(-50, 50, size=shape).astype(float)
        else:
            arr = np.round(rng.uniform(-9, 9, size=shape), int(rng.integers(0, 5)))
        if arr.ndim == 0:
            text = repr(float(arr))
        elif arr.ndim == 1:
            text = "[" + ", ".join(repr(float(x)) for x in arr) + "]"
        else:
            text = "[" + ", ".join("[" + ", ".join(repr(float(x)) for x in row) + "]" for row in arr) + "]"
        node = parse_answer(text, variables=(), arrays=arr.ndim > 0)
        got = _literal_value(node)
        assert got is not None and same(got, full(node)), text
        assert same(got, np.asarray(arr, dtype=float)), text
