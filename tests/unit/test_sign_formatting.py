"""Negative numbers filled into template text read as numbers, never as a second operator."""

import pytest

from trainer.core.templates.text import TextTemplate


@pytest.mark.parametrize("source, env, expected", [
    ("3·{a}", {"a": -31}, "3·(−31)"),
    ("A − {l}I", {"l": -1}, "A − (−1)I"),
    ("not −{x}", {"x": -3}, "not −(−3)"),
    ("{a} + {b}", {"a": 2, "b": -2.5}, "2 + (−2.5)"),
    ("{a} × {b}", {"a": -2, "b": -4}, "-2 × (−4)"),
    ("e^{x}", {"x": -3}, "e^(−3)"),
    ("1 − {x:.2f}", {"x": -0.5}, "1 − (−0.50)"),
    ("2{x}", {"x": -3}, "2(−3)"),
    # a plain signed number stays as typed: after "=", "(", "," or a word, or at the start
    ("x = {x}", {"x": -3}, "x = -3"),
    ("({x})", {"x": -3}, "(-3)"),
    ("f({x}, {y})", {"x": -1, "y": -2}, "f(-1, -2)"),
    ("{x}", {"x": -1}, "-1"),
    ("is {x} here", {"x": -1}, "is -1 here"),
    # positives and vectors are untouched
    ("3·{a}", {"a": 31}, "3·31"),
    ("A − {v}", {"v": [-1, 2]}, "A − [-1, 2]"),
])
def test_negatives_get_parentheses_after_an_operator(source, env, expected):
    assert TextTemplate(source).render(env) == expected
