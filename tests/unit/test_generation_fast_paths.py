"""Each fast path of generation gives what the full path gives: `generate(..., reuse=True)`, literal
indices, short function calls and the number holes of template text."""

from pathlib import Path

import numpy as np
import pytest

from trainer.core.language.evaluate import compile_node
from trainer.core.language.nodes import EvalError
from trainer.core.language.template_syntax import parse_template
from trainer.core.templates.bank import load_bank
from trainer.core.templates.generation import build_key, generate
from trainer.core.templates.text import TextTemplate

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bank():
    return load_bank([ROOT / "problems"], lazy=True)


@pytest.mark.parametrize("tid", ["eigenvector-2x2", "softmax-recall", "conv-output-size", "gradient-direction-concept"])
def test_reuse_gives_the_same_instances(bank, tid):
    template = bank.templates[tid]
    for seed in range(60):
        full, fast = generate(template, seed), generate(template, seed, reuse=True)
        assert fast.to_dict() == full.to_dict()
        assert repr(fast.mistakes) == repr(full.mistakes)


def test_a_repeated_draw_shares_texts_but_never_a_formula_answer(bank):
    template = bank.templates["softmax-recall"]  # one small int parameter: seeds repeat it
    by_params: dict = {}
    for seed in range(40):
        inst = generate(template, seed, reuse=True)
        by_params.setdefault(build_key(inst.params), []).append(inst)
    first, second = next(group for group in by_params.values() if len(group) > 1)[:2]
    assert second.prompt is first.prompt  # the text is taken from the first build
    assert second.answer is not first.answer  # grading keys a formula's reference by this object
    assert second.answer.env is second.params
    assert second.answer == first.answer


def test_build_key_tells_values_apart():
    assert build_key({"a": 2}) != build_key({"a": 2.0})
    assert build_key({"a": 0.0}) != build_key({"a": -0.0})
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert build_key({"A": a}) == build_key({"A": a.copy()})
    assert build_key({"A": a.T.copy()}) != build_key({"A": a})
    assert build_key({"A": np.asfortranarray(a)}) != build_key({"A": a})  # same numbers, other layout
    assert build_key({"o": object()}) is None


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
