"""Grading of every answer type against hand-known verdicts, the verdict's shape, and `trainer grade`."""

from __future__ import annotations

import functools
import json
import math

import pytest

from trainer.core.templates.generation import generate
from trainer.core.grading.grader import answer_text, grade
from trainer.core.templates.spec import parse_template_text

HEAD = """
id: unit-{name}
equation: unit
topic: information
title: Unit {name}
kind: compute
prompt: P
solution: "worked: {{answer}}"
"""


@functools.cache
def inst(name: str, body: str, seed: int = 0):
    return generate(parse_template_text(HEAD.format(name=name) + body, f"{name}.yaml"), seed)


NUMBER = inst("number", """
answer: {type: number, value: 1/3, rtol: 1e-3}
mistakes:
  - {id: complement, value: 2/3, message: That is 1 − p.}
""")
PERCENT = inst("percent", """
answer: {type: number, value: 1/3, percent: true}
mistakes:
  - {id: complement, value: 2/3, message: That is 1 − p.}
""")
SIGFIGS = inst("sigfigs", """
answer: {type: number, value: 0.69314718, sigfigs: 3}
mistakes:
  - {id: bits, value: 1, message: bits}
""")
VARIANCE = inst("variance", """
params:
  x: {choice: [[2, 4, 4, 4, 5, 5, 7, 9]]}
answer: {type: number, value: "sum((x - mean(x))**2)/(len(x) - 1)", sample_size: len(x)}
mistakes:
  - {id: own-square, value: "-1", message: never}
""")
INTEGER = inst("integer", """
answer: {type: integer, value: 26}
mistakes:
  - {id: no-minus-one, value: 25, message: The output size is n − k + 1.}
""")
VECTOR = inst("vector", """
answer: {type: vector, value: "[4, 7]"}
mistakes:
  - {id: forgot-bias, value: "[3, 5]", message: You left out b.}
""")
SOFTMAX = inst("softmax", """
answer: {type: vector, value: "[0.09003057, 0.24472847, 0.66524096]", rtol: 1e-3}
mistakes:
  - {id: own, value: "[1, 0, 0]", message: never}
""")
MATRIX = inst("matrix", """
answer: {type: matrix, value: "[[1, 2, 3], [4, 5, 6]]"}
mistakes:
  - {id: own, value: "[[1, 2, 3], [4, 5, 7]]", message: own slip}
""")
SET = inst("set", """
answer: {type: set, value: "[3, 1, -2]"}
mistakes:
  - {id: own, value: "[3, 1, 2]", message: sign of the last eigenvalue}
""")
DIRECTION = inst("direction", """
answer: {type: direction, value: "[1, -2, 0.5]"}
mistakes:
  - {id: own, value: "[1, 2, 0.5]", message: sign of one entry}
""")
CHOICE = inst("choice", """
answer:
  type: choice
  options: [alpha, beta, gamma, delta]
  correct: 3
  shuffle: false
mistakes:
  - {id: picked-alpha, option: 1, message: Alpha is the prior.}
""")
MULTI = inst("multi", """
answer:
  type: multi
  parts:
    - {label: slope, type: number, value: 0.5}
    - {label: size, type: integer, value: 26}
    - {label: values, type: set, value: "[1, -2]"}
mistakes:
  - {id: size-off-by-one, part: 2, value: 27, message: The output size is n − k + 1.}
""")

# (instance, typed, expected verdict: correct | wrong | error | <mistake or slip id>, score)
TABLE = [
    (NUMBER, "0.3333", "correct", 1),
    (NUMBER, "1/3", "correct", 1),
    (NUMBER, "0.333", "correct", 1),  # within rtol 1e-3 of 1/3 (|Δ| = 3.3e-4 ≤ 3.33e-4)
    # 3 significant figures: |Δ| ≤ half a unit in the 3rd place of 1/3 = 0.0005 (issue 9's policy)
    (NUMBER, "0.3329", "correct", 1),  # |Δ| = 4.3e-4
    (NUMBER, "0.3328", "wrong", 0),  # |Δ| = 5.3e-4
    (NUMBER, "2/3", "complement", 0),
    (NUMBER, "-1/3", "sign-flip", 0),
    (NUMBER, "3", "reciprocal", 0),
    (NUMBER, "2/9 + 4/9", "complement", 0),
    (NUMBER, "1/6", "half", 0),
    (NUMBER, "33.33", "percent-vs-fraction", 0),
    (NUMBER, "33.3%", "error", 0),  # percent not allowed here
    (NUMBER, "0,33", "wrong", 0),  # a decimal comma reads as 0.33: 1% off 1/3, beyond rtol 1e-3
    (NUMBER, "0,3333", "correct", 1),  # 0.3333 is within 1e-3 of 1/3
    (NUMBER, "1,333", "error", 0),  # 1.333 or 1333? ambiguous, refused
    (NUMBER, "[1/3]", "correct", 1),
    (NUMBER, "[1, 3]", "error", 0),  # wrong kind: refused, not a lapse (issue 13)
    (PERCENT, "33.33%", "correct", 1),
    (PERCENT, "0.3333", "correct", 1),
    (PERCENT, "33.33", "percent-vs-fraction", 0),
    (SIGFIGS, "0.693", "correct", 1),
    (SIGFIGS, "0.6931", "correct", 1),
    (SIGFIGS, "0.694", "wrong", 0),
    (SIGFIGS, "ln 2", "correct", 1),
    (SIGFIGS, "1/log2(e)", "correct", 1),
    (SIGFIGS, "1", "bits", 0),
    (SIGFIGS, "0.301", "log-base-10", 0),  # log10(2) = ln 2 / ln 10
    (VARIANCE, "4.571", "correct", 1),  # sample variance of 2,4,4,4,5,5,7,9: 32/7
    (VARIANCE, "4", "n-vs-n-minus-1", 0),  # population variance: 32/8
    (VARIANCE, "2.138", "sigma-vs-variance", 0),  # √(32/7)
    (INTEGER, "26", "correct", 1),
    (INTEGER, "26.0", "correct", 1),
    (INTEGER, "28 - 3 + 1", "correct", 1),
    (INTEGER, "25", "no-minus-one", 0),
    (INTEGER, "26.5", "wrong", 0),
    (INTEGER, "13", "half", 0),
    (VECTOR, "[4, 7]", "correct", 1),
    (VECTOR, "4 7", "correct", 1),
    (VECTOR, "(4, 7)", "correct", 1),
    (VECTOR, "[[4], [7]]", "correct", 1),
    (VECTOR, "[4, 8]", "wrong", 0.5),
    (VECTOR, "[3, 5]", "forgot-bias", 0),
    (VECTOR, "-4 -7", "sign-flip", 0),
    (VECTOR, "[4, 7, 0]", "error", 0),  # wrong shape: refused
    (VECTOR, "4", "error", 0),  # a number for a vector: refused
    (SOFTMAX, "0.0900 0.2447 0.6652", "correct", 1),
    (SOFTMAX, "[1, e, e^2]", "missing-normalization", 0),  # exp([0,1,2]) ∝ softmax([1,2,3])
    (MATRIX, "[[1, 2, 3], [4, 5, 6]]", "correct", 1),
    (MATRIX, "1 2 3; 4 5 6", "correct", 1),
    (MATRIX, "[1 2 3\n4 5 6]", "correct", 1),
    (MATRIX, "1 4; 2 5; 3 6", "transposed", 0),
    (MATRIX, "[[1, 2, 3], [4, 5, 7]]", "own", 5 / 6),
    (MATRIX, "[[1, 2, 3], [4, 5, 8]]", "wrong", 5 / 6),
    (MATRIX, "[[1, 2], [3, 4]]", "error", 0),  # 2×2 for 2×3: refused
    (MATRIX, "[1 2 3; 4 5]", "error", 0),
    (SET, "[1, -2, 3]", "correct", 1),
    (SET, "-2 3 1", "correct", 1),
    (SET, "{3, 1, -2}", "correct", 1),
    (SET, "[1, 2, 3]", "own", 2 / 3),
    (SET, "[1, 3]", "wrong", 2 / 3),
    (SET, "[-1, 2, -3]", "sign-flip", 0),
    (DIRECTION, "[1, -2, 0.5]", "correct", 1),
    (DIRECTION, "[2, -4, 1]", "correct", 1),
    (DIRECTION, "-1 2 -0.5", "correct", 1),
    (DIRECTION, "[0.4364, -0.8729, 0.2182]", "correct", 1),  # normalized by hand: /√5.25
    (DIRECTION, "[1, 2, 0.5]", "own", 0),
    (DIRECTION, "[0, 0, 0]", "wrong", 0),
    (DIRECTION, "[1, -2]", "error", 0),  # 2 entries for 3: refused
    (CHOICE, "C", "correct", 1),
    (CHOICE, "c", "correct", 1),
    (CHOICE, "(c)", "correct", 1),
    (CHOICE, "3", "correct", 1),
    (CHOICE, "gamma", "correct", 1),
    (CHOICE, "A", "picked-alpha", 0),
    (CHOICE, "B", "wrong", 0),
    (CHOICE, "E", "error", 0),
    (CHOICE, "maybe", "error", 0),
    (MULTI, "0.5 | 26 | 1 -2", "correct", 1),
    (MULTI, "1/2|26|[-2, 1]", "correct", 1),
    (MULTI, "0.5 | 27 | [1, -2]", "size-off-by-one", 2 / 3),
    (MULTI, "-0.5 | 26 | [1, -2]", "sign-flip", 2 / 3),
    (MULTI, "0.5 | 26", "error", 0),
    (MULTI, "0.5 | | 1 -2", "error", 0),
]


@pytest.mark.parametrize(("instance", "typed", "verdict", "score"), TABLE,
                         ids=[f"{t[0].template_id}:{t[1]}" for t in TABLE])
def test_table(instance, typed, verdict, score):
    v = grade(instance, typed)
    if verdict == "error":
        assert v.error is not None and not v.correct and v.diagnosis is None
        return
    assert v.error is None, v.error
    assert v.correct is (verdict == "correct"), v.feedback
    if verdict not in ("correct", "wrong"):
        assert v.diagnosis is not None and v.diagnosis.id == verdict, v.feedback
    elif verdict == "wrong":
        assert v.diagnosis is None, v.diagnosis
    assert v.score == pytest.approx(score)


def test_shape_messages():
    # A wrong shape is refused (not graded), and the refusal names both shapes.
    assert grade(MATRIX, "[[1, 2], [3, 4]]").error.message == "this answer is a 2×3 matrix, not a 2×2 matrix"
    assert grade(VECTOR, "[4, 7, 0]").error.message == "this answer is a vector of 2 entries, not a vector of 3 entries"
    assert grade(NUMBER, "[1, 3]").error.message == "this answer is a single number, not a vector of 2 entries"
    assert grade(MATRIX, "1 2 3 4 5 6").error.message == "this answer is a 2×3 matrix, not a vector of 6 entries"
    # The transpose's shape is a real slip, so it is still graded (and named).
    transposed = grade(MATRIX, "[[1, 4], [2, 5], [3, 6]]")
    assert transposed.error is None and transposed.diagnosis.id == "transposed"
    assert "cell (2,3)" in grade(MATRIX, "[[1, 2, 3], [4, 5, 8]]").feedback


def test_error_positions_in_parts():
    v = grade(MULTI, "0.5 | In(2) | 1 -2")
    assert v.error.message == "unknown function In()"
    assert v.error.position == 6
    assert "ln" in v.error.hint


def test_verdict_dict_has_every_field():
    d = grade(VECTOR, "[3, 5]").to_dict()
    assert json.loads(json.dumps(d)) == d
    assert set(d) == {"correct", "score", "diagnosis", "feedback", "expected", "parsed", "solution", "error"}
    assert d["diagnosis"] == {"id": "forgot-bias", "message": "You left out b."}
    assert d["expected"] == "[4, 7]" and d["parsed"] == "[3, 5]"
    assert d["solution"] == "worked: [4, 7]"
    err = grade(VECTOR, "[3, 5").to_dict()
    assert err["error"]["position"] == 0 and err["correct"] is False and err["parsed"] is None


def test_answer_text_grades_correct_and_mistakes_as_themselves():
    for instance in (NUMBER, PERCENT, INTEGER, VECTOR, MATRIX, SET, DIRECTION, CHOICE, MULTI):
        assert grade(instance, answer_text(instance)).correct
        for m in instance.mistakes:
            v = grade(instance, answer_text(instance, m))
            assert v.diagnosis is not None and v.diagnosis.id == m.id


def test_shuffled_choice_uses_the_letters_as_shown():
    body = """
answer:
  type: choice
  options: [one, two, three, four, five]
  correct: 4
mistakes:
  - {id: first, option: 1, message: no}
"""
    for seed in range(6):
        instance = inst("shuffled", body, seed)
        letter = "ABCDE"[instance.answer.options.index("four")]
        assert grade(instance, letter).correct
        assert grade(instance, "four").correct
        wrong = "ABCDE"[instance.answer.options.index("one")]
        assert grade(instance, wrong).diagnosis.id == "first"


def test_tolerances_are_the_templates():
    loose = inst("loose", """
answer: {type: number, value: "pi", rtol: 0.01}
mistakes:
  - {id: m, value: 1, message: m}
""")
    assert grade(loose, "3.13").correct  # |π − 3.13| = 0.0116 ≤ 0.0314
    assert not grade(loose, "3.1").correct  # 0.0416 > 0.0314
    assert math.isclose(grade(loose, "3.1").score, 0)


# --- the command ----------------------------------------------------------------------------------


def run_cli(capsys, *argv):
    from trainer.cli import main

    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def problem_dir(tmp_path):
    (tmp_path / "t.yaml").write_text(HEAD.format(name="cli") + """
answer: {type: vector, value: "[4, 7]"}
mistakes:
  - {id: forgot-bias, value: "[3, 5]", message: You left out b.}
""", encoding="utf-8")
    return tmp_path


def test_cli_json_verdict(capsys, problem_dir):
    code, out, _ = run_cli(capsys, "grade", "unit-cli", "--seed", "3", "--answer", "3 5", "--json",
                           "--problems", str(problem_dir))
    assert code == 0
    data = json.loads(out)
    assert data["correct"] is False and data["diagnosis"]["id"] == "forgot-bias"
    assert data["seed"] == 3


def test_cli_unreadable_answer_is_a_verdict(capsys, problem_dir):
    code, out, _ = run_cli(capsys, "grade", "unit-cli", "--answer", "[4, 7", "--json",
                           "--problems", str(problem_dir))
    assert code == 0
    data = json.loads(out)
    assert data["correct"] is False and data["error"]["position"] == 0


def test_cli_text_output(capsys, problem_dir):
    code, out, _ = run_cli(capsys, "grade", "unit-cli", "--answer", "(4, 7)", "--problems", str(problem_dir))
    assert code == 0 and "✓ correct" in out and "Expected: [4, 7]" in out


def test_cli_unknown_id_is_usage_error(capsys, problem_dir):
    code, _, err = run_cli(capsys, "grade", "unit-clj", "--answer", "1", "--problems", str(problem_dir))
    assert code == 2 and "unit-cli" in err


# --- issue 9: generic slips only where they mean something; vector feedback names entries right ----

Z_SCORE = inst("z-score", """
params:
  mu: {choice: [200]}
  x: {choice: [170]}
  sd: {choice: [10]}
answer: {type: number, value: (x - mu)/sd}
mistakes:
  - {id: flipped, value: (mu - x)/sd * 7, message: never}
""")
TRIPLE = inst("triple", """
answer: {type: vector, value: "[1, 2, 3]"}
mistakes:
  - {id: own, value: "[1, 2, 4]", message: own slip}
""")


def test_n_vs_n_minus_1_needs_a_declared_sample_size():
    # (170 − 200)/10 = −3; −3 · 200/199 = −3.01508 and −3 · 170/169 = −3.01775 are not n/(n − 1)
    # slips here: μ = 200 and x = 170 are no sample sizes.
    for typed in ("-3.01508", "-3.01775", "-2.985"):
        assert grade(Z_SCORE, typed).diagnosis is None
    # with a declared sample size (VARIANCE: len(x) = 8) the slip is named: 32/8 = 4 for 32/7
    assert grade(VARIANCE, "4").diagnosis.id == "n-vs-n-minus-1"


def test_factor_of_two_names_the_problem_not_a_squared_loss():
    v = grade(Z_SCORE, "-6")
    assert v.diagnosis.id == "factor-of-two"
    assert "Unit z-score" in v.feedback and "squared loss" not in v.feedback


def test_vector_feedback_names_the_wrong_entry():
    v = grade(TRIPLE, "[1, 5, 3]")
    assert not v.correct and v.score == pytest.approx(2 / 3)
    assert "2 of 3 entries are right; entry 2 is wrong." == v.feedback
    v = grade(TRIPLE, "[9, 5, 3]")
    assert "entries 1 and 2 are wrong" in v.feedback


def test_right_values_in_the_wrong_order_are_named():
    v = grade(TRIPLE, "[3, 1, 2]")
    assert not v.correct and v.diagnosis is not None and v.diagnosis.id == "permuted"
    assert "wrong order" in v.feedback
