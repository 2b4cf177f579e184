"""Each fast path of generation gives what the full path gives: literal indices, short function
calls and the number holes of template text."""


import numpy as np
import pytest

from trainer.core.language.evaluate import compile_node
from trainer.core.language.nodes import EvalError
from trainer.core.language.template_syntax import parse_template
from trainer.core.templates.text import TextTemplate



def run(text, env):
    return compile_node(parse_template(text))(env)


def test_literal_indices_read_as_the_general_path():
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert run("A[0, 1]", {"A": A}) == 2.0
    assert run("A[1]", {"A": A}).tolist() == [3.0, 4.0]
    assert run("v[2]", {"v": [5, 6, 7]}) == 7
    assert run("A[0, i]", {"A": A, "i": 1}) == 2.0
    with pytest.raises(EvalError, match="index 5 is out of range"):
        run("A[5]", {"A": A})
    with pytest.raises(EvalError, match=r"index \(0, 2\) is out of range"):
        run("A[0, 2]", {"A": A})


def test_short_calls_word_their_errors_and_share_results():
    assert run("abs(x)", {"x": -3.0}) == 3.0
    assert run("max(a, b)", {"a": 2, "b": 7}) == 7
    with pytest.raises(EvalError, match=r"^det\(\)"):
        run("det(v)", {"v": np.array([1.0, 2.0, 3.0])})


def test_number_holes_format_as_before():
    t = TextTemplate("x = {a}, y = {b}, 3·{c}, n = {n}, 2{m}")
    assert t.render({"a": 0.5, "b": np.float64(1 / 3), "c": -2.5, "n": 7, "m": -4}) == \
        "x = 0.5, y = 0.3333, 3·(−2.5), n = 7, 2(−4)"
