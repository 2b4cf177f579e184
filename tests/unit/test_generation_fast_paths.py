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


EARLY = """\
id: early
equation: mse
topic: losses
title: Early constraints
kind: compute
params:
{params}
where:
  - {constraint}
prompt: "Take {{a}} and {{c}}."
answer: {{type: number, value: b + c}}
mistakes:
  - {{id: m, value: b - c, message: slip}}
solution: "{{answer}}"
"""


def counted_template(params, constraint):
    from trainer.core.solvers import registry
    from trainer.core.templates.spec import parse_template_text

    calls = []

    def double(x):
        calls.append(x)
        return 2 * x

    functions = {**registry(), "double": double}
    text = EARLY.format(params="\n".join(f"  {p}" for p in params), constraint=constraint)
    return parse_template_text(text, functions=functions), calls


def test_a_constraint_is_tested_before_the_computations_it_does_not_read():
    from trainer.core.templates.generation import generate

    a, c = "a: {float: [0, 6]}", "c: {int: [1, 6]}"  # floats: no two draws of a seed alike
    # `a > 4` reads only random parameters: once they are drawn it is tested, and a draw it rejects
    # never computes `b`. Read after `b` (`b > 8` is the same test), it is tested after `b`.
    early, early_calls = counted_template([a, c, "b: {expr: double(a)}"], "a > 4")
    late, late_calls = counted_template([a, c, "b: {expr: double(a)}"], "b > 8")
    # A random parameter after the computation: skipping `b` would skip a draw of `c`, so the test
    # waits for `c`, and `b` is computed on every draw.
    between, between_calls = counted_template([a, "b: {expr: double(a)}", c], "a > 4")
    draws = rejected = 0
    for seed in range(40):
        got = [generate(t, seed) for t in (early, late, between)]
        # The same draws for the seed whichever way: a above 4, b twice a.
        assert got[0].params == got[1].params
        assert got[0].params["a"] == got[2].params["a"] > 4 and got[0].params["b"] == 2 * got[0].params["a"]
        assert got[0].draws == got[1].draws
        draws += got[0].draws
        rejected += got[0].draws - 1
        assert len(early_calls) == seed + 1  # `b` computed on the accepted draw only
        assert len(late_calls) == draws
    assert len(between_calls) > len(early_calls) and rejected > 20  # a > 4 rejects two draws in three


def test_text_without_holes_renders_as_written_whatever_the_parameters():
    t = TextTemplate("Dividing by n − 1 is the {{sample}} correction.")
    assert t.render({}) == t.render({"n": 4}) == "Dividing by n − 1 is the {sample} correction."
    # A hole makes it depend on them again.
    assert TextTemplate("n = {n}, {{n}}").render({"n": 4}) == "n = 4, {n}"
