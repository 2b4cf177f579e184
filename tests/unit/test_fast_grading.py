"""Grading's shortcuts give what the work they skip gives (issue 11, "Fast everywhere").

Each shortcut is held against the full path it stands for, on values whose verdict is worked out by
hand in the comment beside it: a value judged without its feedback (`judge`, `accepts`) against
`check_value`; cells judged in floats against `Precision.within`; remembered tolerances and
policies; `equivalence.close` on one number in floats; a reference's values remembered by printed
form; the nearer of two accepted mistakes; a multi part's plain numbers read without their spaces;
and the unit reader's quick refusal.
"""

from __future__ import annotations

import functools
import math
from types import SimpleNamespace

import numpy as np
import pytest

from tests.support.bank import bundled_instance
from trainer.core.grading import equivalence as fm
from trainer.core.grading.checks import accepts, check_value, judge
from trainer.core.grading.grader import grade
from trainer.core.grading.precision import Precision, precision_of
from trainer.core.grading.reading import _TRAILING_WORD, _parse_value, _unit, read_instance_answer
from trainer.core.language.answer_syntax import parse_answer
from trainer.core.language.nodes import EvalError, MathInputError
from trainer.core.templates.generation import generate
from trainer.core.templates.spec import parse_template_text


def answer(atype: str, value, **precision) -> SimpleNamespace:
    """An answer at 3 significant figures and no relative slack unless told otherwise."""
    settings = {"sigfigs": None, "decimals": None, "rtol": 0.0, "atol": 0.0, **precision}
    return SimpleNamespace(type=atype, value=value, **settings)


# (name, answer, typed, (correct, score)) — the tolerance of each entry worked out by hand.
JUDGED = [
    # 0.124 at 3 s.f.: half a unit in the 3rd place is 5e-4.
    ("number half a unit off", answer("number", 0.124), 0.1235, (True, 1.0)),      # |Δ| = 5e-4
    ("number just outside", answer("number", 0.124), 0.1234, (False, 0.0)),        # |Δ| = 6e-4
    ("number inside", answer("number", 0.124), 0.12449, (True, 1.0)),              # |Δ| = 4.9e-4
    ("number above", answer("number", 0.124), 0.1246, (False, 0.0)),               # |Δ| = 6e-4
    ("number to 0.01", answer("number", 0.12345, decimals=2), 0.12, (True, 1.0)),  # 3.45e-3 ≤ 5e-3
    ("number off to 0.01", answer("number", 0.12345, decimals=2), 0.13, (False, 0.0)),  # 6.55e-3
    ("number at rtol 5%", answer("number", 2.0, rtol=0.05), 2.09, (True, 1.0)),    # 0.09 ≤ 0.1
    ("number a 0-d expected", answer("number", np.float64(0.124)), 0.1235, (True, 1.0)),
    # [0.124, 10]: 5e-4 for the first entry, 0.05 for the second (10 at 3 s.f.).
    ("vector right", answer("vector", [0.124, 10.0]), [0.1235, 10.04], (True, 1.0)),
    ("vector one off", answer("vector", [0.124, 10.0]), [0.1234, 10.04], (False, 0.5)),
    ("vector both off", answer("vector", [0.124, 10.0]), [0.1234, 10.06], (False, 0.0)),
    # 0.001 next to 10 is judged at 1% of 10 = 0.1: half a unit in its 3rd place is 5e-4.
    ("vector noise floor inside", answer("vector", [0.001, 10.0]), [0.0014, 10.0], (True, 1.0)),
    ("vector noise floor off", answer("vector", [0.001, 10.0]), [0.0016, 10.0], (False, 0.5)),
    ("vector as a column", answer("vector", [0.124, 10.0]), [[0.1235], [10.04]], (True, 1.0)),
    ("vector too long", answer("vector", [0.124, 10.0]), [0.124, 10.0, 1.0], (False, 0.0)),
    # [[1, 2], [3, 4]]: every entry has its 3rd figure in the hundredths, so 5e-3.
    ("matrix right", answer("matrix", [[1.0, 2.0], [3.0, 4.0]]), [[1.0, 2.0], [3.0, 4.004]], (True, 1.0)),
    ("matrix one cell off", answer("matrix", [[1.0, 2.0], [3.0, 4.0]]), [[1.0, 2.0], [3.0, 4.1]], (False, 0.75)),
    ("matrix two cells off", answer("matrix", [[1.0, 2.0], [3.0, 4.0]]), [[1.01, 2.0], [3.0, 4.1]], (False, 0.5)),
    ("matrix transposed shape", answer("matrix", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
     [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]], (False, 0.0)),
    # types judged by `check_value` itself
    ("integer", answer("integer", 7.0), 7.0, (True, 1.0)),
    ("set any order", answer("set", [1.0, 2.0]), [2.0, 1.0], (True, 1.0)),
    ("set one of two", answer("set", [1.0, 2.0]), [2.0, 5.0], (False, 0.5)),
    ("direction scaled", answer("direction", [1.0, 2.0]), [-2.0, -4.0], (True, 1.0)),
]


@pytest.mark.parametrize(("name", "ans", "typed", "want"), JUDGED, ids=[row[0] for row in JUDGED])
def test_judging_without_feedback_is_the_full_check(name, ans, typed, want):
    typed = np.asarray(typed, dtype=float)
    assert judge(ans.type, ans, ans.value, typed) == want
    full = check_value(ans.type, ans, ans.value, typed)
    assert (full.correct, full.score) == want
    assert accepts(ans.type, ans, ans.value, typed) is want[0]


@pytest.mark.parametrize(("expected", "typed", "want"), [
    ([0.124, 10.0], [0.1235, 10.04], [True, True]),
    ([0.124, 10.0], [0.1234, 10.06], [False, False]),
    ([0.001, 10.0], [0.0016, 9.96], [False, True]),   # 6e-4 > 5e-4; 0.04 ≤ 0.05
    ([[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.006], [3.0, 4.0]], [True, False, True, True]),
    ([1.0, 2.0], [1.0, math.inf], [True, False]),
    ([1.0, 2.0], [1.0, math.nan], [True, False]),
])
def test_cells_in_floats_are_within_entry_by_entry(expected, typed, want):
    policy = Precision()
    e, t = np.asarray(expected, dtype=float), np.asarray(typed, dtype=float)
    assert policy.cells_within(t, e) == want
    assert policy.cells_accept(t, e) is all(want)
    scale = float(np.max(np.abs(e)))
    assert policy.within(t, e, scale).reshape(-1).tolist() == want
    # asked again (remembered), the same
    assert policy.cells_within(t, e) == want


def test_a_remembered_tolerance_is_the_hand_worked_one_and_cannot_be_changed():
    policy = Precision()
    first = policy.tolerance(np.array([0.124, 10.0]), 10.0)
    again = policy.tolerance(np.array([0.124, 10.0]), 10.0)
    assert np.array_equal(first, again)
    assert first.tolist() == pytest.approx([5e-4, 0.05], rel=1e-8)
    with pytest.raises(ValueError):
        first[0] = 1.0
    # another scale is another tolerance: 0.124 next to 100 is judged at 1, so 5e-3
    assert policy.tolerance(np.array([0.124, 100.0]), 100.0).tolist() == pytest.approx([5e-3, 0.5], rel=1e-8)


def test_policies_by_settings():
    assert precision_of(answer("number", 1.0)) == Precision(3, None, 0.0, 0.0)
    assert precision_of(answer("number", 1.0, sigfigs=5)) == Precision(5, None, 0.0, 0.0)
    assert precision_of(answer("number", 1.0, decimals=2, atol=0.001)) == Precision(None, 2, 0.0, 0.001)
    assert precision_of(answer("number", 1.0, rtol=0.05)) == Precision(3, None, 0.05, 0.0)
    # an unhashable setting is worked out, not remembered
    odd = SimpleNamespace(sigfigs=np.array(4), decimals=None, rtol=0.0, atol=0.0)
    assert precision_of(odd) == Precision(4, None, 0.0, 0.0)


RTOL, ATOL = 1e-6, 1e-12
CLOSE = [  # (name, typed, reference, close?) — |t − r| ≤ 1e-12 + 1e-6·|r|
    ("equal", 2.5, 2.5, True),
    ("inside rtol", 1_000_000.5, 1_000_000.0, True),     # 0.5 ≤ 1.0
    ("outside rtol", 1_000_001.5, 1_000_000.0, False),   # 1.5 > 1.0
    ("inside atol at zero", 1e-13, 0.0, True),
    ("outside atol at zero", 1e-11, 0.0, False),
    ("sign flipped", 3.0, -3.0, False),
    ("inf typed", math.inf, 1.0, False),
    ("nan typed", math.nan, 1.0, False),
    ("nan reference", 1.0, math.nan, False),
]


@pytest.mark.parametrize(("name", "t", "r", "want"), CLOSE, ids=[row[0] for row in CLOSE])
def test_one_number_closes_in_floats_as_in_numpy(name, t, r, want):
    a, b = np.asarray(t, dtype=float), np.asarray(r, dtype=float)
    assert fm.close(a, b, RTOL, ATOL) is want
    # the entrywise NumPy form of the same test, on a one-entry vector
    assert fm.close(a.reshape(1), b.reshape(1), RTOL, ATOL) is want


def test_an_array_is_close_to_itself_only_when_finite():
    finite = np.array([1.0, -2.0])
    assert fm.close(finite, finite, RTOL, ATOL) is True
    holed = np.array([1.0, math.nan])
    assert fm.close(holed, holed, RTOL, ATOL) is False


@functools.cache
def sigmoid_instance():
    return bundled_instance("calculus", "sigmoid-derivative-recall", 5)


def typed_tree(inst, text):
    reading = read_instance_answer(inst, text)
    assert reading.error is None, reading.error
    return reading.parts[0]


def test_a_trees_values_are_remembered_by_printed_form():
    inst = sigmoid_instance()
    part = typed_tree(inst, "x^2 + 1")
    ref = part.reference
    by_hand = [env["x"] ** 2 + 1 for env in ref.points]
    assert [float(v) for v in ref.values_of(part.node)] == pytest.approx(by_hand, rel=1e-15)
    # the same formula typed again (another tree, printed alike) is not evaluated again
    again = typed_tree(inst, "x^2 + 1")
    assert [float(v) for v in ref.values_of(again.node)] == pytest.approx(by_hand, rel=1e-15)
    # a listed mistake typed, then compared as the template's own tree: the same values
    slip = inst.mistakes[0]  # x·(1 − x)
    typed = ref.values_of(typed_tree(inst, "x * (1 - x)").node)
    own = ref.memo_values(slip.value)
    assert [float(v) for v in own] == [float(v) for v in typed]
    assert [float(v) for v in own] == pytest.approx([env["x"] * (1 - env["x"]) for env in ref.points])


def test_a_tree_that_cannot_be_evaluated_fails_the_same_every_time():
    inst = sigmoid_instance()
    part = typed_tree(inst, "[x, x] @ [x, x, x]")  # a 2-vector times a 3-vector: at no point
    ref = part.reference
    with pytest.raises(EvalError, match="cannot multiply 2 by 3") as first:
        ref.values_of(part.node)
    with pytest.raises(EvalError) as second:  # typed again: the remembered failure, worded alike
        ref.values_of(typed_tree(inst, "[x, x] @ [x, x, x]").node)
    assert str(second.value) == str(first.value)
    assert f"(at x = {ref.points[0]['x']:.3g})" in str(first.value)  # names the first point
    assert ref.memo_values(part.node) is None
    assert "cannot be evaluated" in grade(inst, "[x, x] @ [x, x, x]").feedback


def test_the_answer_and_each_mistake_typed_grade_as_meant():
    inst = sigmoid_instance()
    assert grade(inst, "sigmoid(x) * (1 - sigmoid(x))").correct
    for text, mistake in [("x * (1 - x)", "applied-to-input"), ("1 - sigmoid(x)**2", "tanh-derivative-form"),
                          ("sigmoid(x)", "sigmoid-itself")]:
        verdict = grade(inst, text)
        assert not verdict.correct and verdict.diagnosis.id == mistake


HEAD = """
id: fast-{name}
equation: fast
topic: statistics
title: Fast {name}
kind: compute
prompt: P
solution: S
"""


@functools.cache
def inst(name: str, answer_yaml: str, mistakes_yaml: str):
    text = HEAD.format(name=name) + f"answer: {answer_yaml}\nmistakes:\n{mistakes_yaml}"
    return generate(parse_template_text(text, f"{name}.yaml"), 0)


TWO_NEAR = ("two-near", "{type: number, value: 1}",
            "  - {id: a, value: 0.1235, message: A}\n  - {id: b, value: 0.124, message: B}\n")


@pytest.mark.parametrize(("typed", "want"), [
    ("0.1236", "a"),  # within 5e-4 of both: 1e-4 from a, 4e-4 from b
    ("0.1239", "b"),  # within 5e-4 of both: 4e-4 from a, 1e-4 from b
    ("0.1231", "a"),  # 4e-4 from a; 9e-4 from b, outside: a alone
    ("0.1244", "b"),  # 9e-4 from a, outside; 4e-4 from b: b alone
])
def test_the_nearer_of_two_accepted_mistakes_is_named(typed, want):
    verdict = grade(inst(*TWO_NEAR), typed)
    assert not verdict.correct and verdict.diagnosis is not None and verdict.diagnosis.id == want


def test_a_named_mistake_keeps_the_share_of_right_cells():
    vec = inst("vec-share", '{type: vector, value: "[1, 2, 3, 4]"}',
               '  - {id: last-wrong, value: "[1, 2, 3, 5]", message: M}\n')
    verdict = grade(vec, "[1, 2, 3, 5]")
    assert verdict.diagnosis is not None and verdict.diagnosis.id == "last-wrong"
    assert verdict.feedback == "M"
    assert verdict.score == 0.75  # 3 of 4 entries right, as the full check scores it


@pytest.mark.parametrize("text", [
    " 0.5 ", "  -2.25", "1e-05 ", " [1.0, -2.5] ", " [[1.0, 2.0], [3.0, 4.0]] ", " 1 2 ", " e ",
    " 1.0.0 ", " [1.0, ", " , ", " 2e ", " -", " 1e999 ",
])
@pytest.mark.parametrize("arrays", [False, True])
def test_a_part_read_without_its_spaces_reads_as_typed(text, arrays):
    def outcome(read):
        try:
            return ("tree", repr(read()))
        except MathInputError as exc:
            return ("refused", exc.message, exc.position, exc.hint)

    as_typed = outcome(lambda: parse_answer(text, variables=(), percent=False, arrays=arrays))
    assert outcome(lambda: _parse_value(text, False, arrays)) == as_typed


NATS = SimpleNamespace(type="number", unit="nats")


@pytest.mark.parametrize(("text", "unit"), [
    ("0.33 nats", "nats"), ("0.33 nats  ", "nats"), ("0.33nat", "nats"), ("0.48 bits", "bits"),
    ("0.33", ""), ("[1, 2]", ""), ("0.33 )", ""), ("", ""), ("2 µs", None),
])
def test_the_unit_reader_refuses_quickly_only_what_it_would_refuse(text, unit):
    if unit is None:  # a unit of another kind than the answer's: refused, named
        with pytest.raises(MathInputError):
            _unit(NATS, text)
        assert _TRAILING_WORD.match(text) is not None
        return
    value, got = _unit(NATS, text)
    assert got == unit
    assert len(value) == len(text)
    if not unit:
        assert value == text


def test_the_shapes_a_value_may_have_follow_the_mistakes_given():
    from trainer.core.grading.reading import read_answer

    square = SimpleNamespace(type="matrix", value=np.eye(2), percent=False, unit="")
    wide = (SimpleNamespace(id="wide", value=np.zeros((2, 3)), option=None, part=None),)
    text = "[[1, 2, 3], [4, 5, 6]]"  # 2×3: neither the 2×2 answer nor its transpose
    assert read_answer(square, text).error is not None
    assert read_answer(square, text, mistakes=wide).error is None  # a listed mistake has that shape
    assert read_answer(square, text, mistakes=()).error is not None  # and again without it
    assert read_answer(square, text, mistakes=wide).error is None
    other_part = (SimpleNamespace(id="wide", value=np.zeros((2, 3)), option=None, part=1),)
    assert read_answer(square, text, mistakes=other_part).error is not None  # another part's mistake
