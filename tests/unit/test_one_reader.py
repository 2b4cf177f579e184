"""One reader of typed answers: the live echo shows exactly the reading the grader grades.

A corpus of (answer kind, typed text) goes through both the UI's echo (`trainer.ui.echo.read_answer`)
and the grader (`grade`, whose verdict carries the reading it graded); they must agree on the printed
form or on the refusal (message, position, hint). The inputs on which they used to disagree also get
their hand-known verdicts: `softmax(Q K' / sqrt(d)) V` is the matrix product of attention, `(b)` and
`b.` name option b, `0,33` is the decimal 0.33, a one-part text for a two-part answer is refused
naming the missing part, and digits such as `²` in a choice give a message, not a crash.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.paths import PROBLEMS
from trainer.core.grading.grader import grade
from trainer.core.templates.generation import generate
from trainer.core.templates.spec import parse_template_text
from trainer.ui import echo

HEAD = """
id: reader-{name}
equation: reader
topic: information
title: Reader {name}
kind: compute
prompt: P
solution: S
"""

BODIES = {
    "number": "answer: {type: number, value: 1/3}",
    "percent": "answer: {type: number, value: 1/4, percent: true}",
    "integer": "answer: {type: integer, value: 26}",
    "vector": 'answer: {type: vector, value: "[4, 7]"}',
    "matrix": 'answer: {type: matrix, value: "[[1, 2], [3, 4]]"}',
    "set": 'answer: {type: set, value: "[3, 1, -2]"}',
    "direction": 'answer: {type: direction, value: "[1, -2]"}',
    "choice": "answer: {type: choice, options: [alpha, beta, gamma, delta], correct: 3, shuffle: false}",
    "formula": "answer: {type: formula, value: 1/(1+exp(-x)), variables: {x: {float: [-3, 3]}}}",
    "multi": """answer:
  type: multi
  parts:
    - {label: slope, type: number, value: 0.5}
    - {label: size, type: integer, value: 26}""",
    "nats": "answer: {type: number, value: log(2), unit: nats}",
    "recall": 'answer: {type: formula, value: "sum((x - mean(x))**2)/(len(x) - 1)", '
              "variables: {x: {vector: 5, float: [-5, 5]}}}",
}

MISTAKES = {
    "number": "{id: complement, value: 2/3, message: That is 1 − p.}",
    "percent": "{id: complement, value: 3/4, message: That is 1 − p.}",
    "integer": "{id: off-by-one, value: 25, message: n − k + 1.}",
    "vector": '{id: forgot-bias, value: "[3, 5]", message: You left out b.}',
    "matrix": '{id: own, value: "[[1, 2], [3, 5]]", message: own slip}',
    "set": '{id: own, value: "[3, 1, 2]", message: sign}',
    "direction": '{id: own, value: "[1, 2]", message: sign}',
    "choice": "{id: picked-alpha, option: 1, message: Alpha is the prior.}",
    "formula": "{id: sign, value: 1/(1+exp(x)), message: sign of x}",
    "multi": "{id: off-by-one, part: 2, value: 27, message: n − k + 1.}",
    "nats": "{id: bits, value: 1, message: bits}",
    "recall": '{id: population, value: "sum((x - mean(x))**2)/len(x)", message: n}',
}


@functools.cache
def instance(kind: str):
    if kind == "attention":
        path = PROBLEMS / "deep-learning" / "attention-recall.yaml"
        return generate(parse_template_text(path.read_text(encoding="utf-8"), path), 3)
    body = BODIES[kind] + "\nmistakes:\n  - " + MISTAKES[kind] + "\n"
    return generate(parse_template_text(HEAD.format(name=kind) + body, f"{kind}.yaml"), 0)


CORPUS = [
    ("number", "1/3"), ("number", "0.3333"), ("number", "0,33"), ("number", "-0,5"), ("number", "1,333"),
    ("number", "1, 2"), ("number", "⅓"), ("number", "2*(1-"), ("number", "33%"), ("number", "x"),
    ("number", "1/0"), ("number", "H(X) = 0.33"), ("percent", "25%"), ("percent", "0,25"),
    ("integer", "26"), ("integer", "26.5"), ("integer", "2⁴+10"), ("integer", "1e2"),
    ("vector", "[4, 7]"), ("vector", "4 7"), ("vector", "4,7"), ("vector", "[4 7]ᵀ"), ("vector", "[4, 7"),
    ("vector", "4 -7"), ("matrix", "[[1, 2], [3, 4]]"), ("matrix", "1 2; 3 4"), ("matrix", "[1 2; 3]"),
    ("matrix", "[[1, 2], [3, 4]]'"), ("set", "1 3 -2"), ("set", "{3, 1, -2}"), ("set", "1, 3"),
    ("direction", "[-2, 4]"), ("direction", "0.5 -1"), ("direction", "[1; -2]"),
    ("choice", "C"), ("choice", "c"), ("choice", "(b)"), ("choice", "b."), ("choice", "[d]"),
    ("choice", "3"), ("choice", "gamma"), ("choice", "E"), ("choice", "²"), ("choice", "①"),
    ("choice", "maybe"), ("formula", "σ(x)"), ("formula", "1/(1+e^-x)"), ("formula", "1/(1+exp(x))"),
    ("formula", "exp(x)/(1+exp(x))"), ("formula", "sigmoid(y)"), ("formula", "In(x)"),
    ("attention", "softmax(Q K' / sqrt(d)) V"), ("attention", "softmax(Q K^T / sqrt(d)) V"),
    ("attention", "softmax(Q @ T(K) / d) @ V"), ("attention", "softmax(Q Kᵀ/√d) V"),
    ("multi", "0.5 | 26"), ("multi", "1/2|26"), ("multi", "0.5"), ("multi", "0.5 | 26 | 3"),
    ("multi", "0.5 | "), ("multi", "0,5 | 2*(1-"), ("multi", "0.5 | In(2)"),
    # issue 9's notations: LaTeX, NumPy, units, leading ≈ = ~, named parts, option words, superscripts
    ("number", r"\frac{1}{3}"), ("number", r"\frac{1}{3"), ("number", r"\frac 1 3"), ("number", r"\foo{1}"),
    ("number", r"\left( \frac{2}{6} \right)"), ("number", r"\sqrt{\frac{1}{9}}"), ("number", "≈ 0.333"),
    ("number", "= 0.333"), ("number", "~0.333"), ("number", "3.33e−1"), ("number", "np.exp(np.log(1/3))"),
    ("number", "0.333 nats"), ("number", "7 // 2"), ("number", "cosh(0)/3"), ("number", "2²/12"),
    ("nats", "0.693 nats"), ("nats", "1 bit"), ("nats", "0.693 ms"), ("nats", r"\log 2"), ("nats", r"\ln(2)"),
    ("vector", "np.array([4, 7])"), ("vector", "[4, 7]^T"), ("vector", r"[4, 7]^{\top}"),
    ("matrix", "np.array([[1, 2], [3, 4]]).T"), ("multi", "slope = 0.5, size = 26"),
    ("multi", "size = 26; slope = 1/2"), ("multi", "slope = 0.5"), ("choice", "option c"),
    ("choice", "C: gamma"), ("choice", "answer b"), ("choice", "Gamma."),
    ("formula", r"\frac{1}{1 + e^{-x}}"), ("formula", r"\frac{1}{1+\exp(-x)}"), ("formula", "1/(1+eˣ)"),
    ("formula", "1/(1+np.exp(-x))"), ("formula", r"\sigma(x)"), ("formula", r"\frac{1}{1+e^{−x}}"),
    ("recall", r"\frac{\sum_i (x_i - \bar{x})^2}{\mathrm{len}(x) - 1}"), ("recall", "Σ(x − x̄)²/(len(x) − 1)"),
    ("recall", "np.sum((x - np.mean(x))**2)/(len(x) - 1)"), ("recall", "sum((x - mean(x))^2)/4"),
    ("recall", r"\sum_{i=1}^{n} x_i"),
]


def test_corpus_covers_every_answer_type():
    kinds = {instance(kind).answer.type for kind, _ in CORPUS}
    assert kinds == {"number", "integer", "vector", "matrix", "set", "direction", "choice", "formula", "multi"}
    assert len(CORPUS) >= 90


def assert_echo_shows_what_was_graded(kind: str, text: str) -> None:
    inst = instance(kind)
    verdict = grade(inst, text)
    shown = echo.read_answer(text, inst)
    assert verdict.reading is not None
    if verdict.error is not None:
        assert not shown.ok, (text, shown)
        assert (shown.message, shown.position, shown.hint) == (
            verdict.error.message, verdict.error.position, verdict.error.hint)
        assert verdict.reading.error == verdict.error and verdict.parsed is None
    else:
        assert shown.ok, (text, shown)
        assert shown.shown == verdict.parsed == verdict.reading.shown


@pytest.mark.parametrize(("kind", "text"), CORPUS, ids=[f"{k}:{t}" for k, t in CORPUS])
def test_echo_shows_exactly_what_the_grader_grades(kind, text):
    assert_echo_shows_what_was_graded(kind, text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(BODIES) + ["attention"]),
       st.one_of(st.text(alphabet="0123456789.,+-*/^()[]|; xQKVdσ√²½%'bBT", max_size=30),
                 st.text(alphabet="0123456789.x+-−{}()^_\\ ˣ¹⁻ⁿ≈=~Σ", max_size=30),
                 st.lists(st.sampled_from([r"\frac", r"\sqrt", "{", "}", "1", "x", r"\cdot", r"\left(",
                                           r"\right)", "^", "_", r"\sum_i", r"\log", "np.", "exp", "(", ")",
                                           " nats", " bits", "ˣ", "²", "−", "e", r"\top", "=", ","]),
                          max_size=10).map("".join),
                 st.text(max_size=30)).filter(lambda t: t.strip()))
def test_echo_and_grader_agree_on_any_text(kind, text):
    assert_echo_shows_what_was_graded(kind, text)


# --- the old disagreements, with their hand-known readings and verdicts ---------------------------


def test_attention_juxtaposition_is_the_matrix_product_in_echo_and_grade():
    # Q is 2×3, K 4×3, V 4×2: only matrix products fit, and softmax(QKᵀ/√d)V is attention itself.
    inst = instance("attention")
    for text in ("softmax(Q K' / sqrt(d)) V", "softmax(Q K^T / sqrt(d)) V"):
        verdict = grade(inst, text)
        assert verdict.correct, verdict.feedback
        assert verdict.parsed.count("@") == 2 and "·" not in verdict.parsed
        assert echo.read_answer(text, inst).shown == verdict.parsed


@pytest.mark.parametrize("text", ["(b)", "b.", "B", "b", "[b]", "2", "beta"])
def test_option_b_however_written(text):
    inst = instance("choice")  # options as shown: A alpha, B beta, C gamma (correct), D delta
    verdict = grade(inst, text)
    assert verdict.error is None and not verdict.correct
    assert verdict.reading.parts[0].choice == 1
    assert verdict.parsed == "B: beta" == echo.read_answer(text, inst).shown


@pytest.mark.parametrize("text", ["²", "①", "³)", "(²)"])
def test_digit_like_characters_in_a_choice_get_a_message(text):
    assert text.strip("()").isdigit()  # str.isdigit() is true, int() would fail
    inst = instance("choice")
    shown = echo.read_answer(text, inst)
    assert not shown.ok and "letter of an option" in shown.message
    assert grade(inst, text).error.message == shown.message


def test_decimal_comma_reads_as_a_point_and_says_so():
    inst = instance("number")  # 1/3
    verdict = grade(inst, "0,33")
    assert verdict.error is None
    assert float(verdict.reading.parts[0].value) == 0.33
    assert "0.33" in verdict.parsed and "comma" in verdict.parsed
    assert echo.read_answer("0,33", inst).shown == verdict.parsed
    assert grade(inst, "0,33333").correct  # 0.33333 is within rtol 1e-3 of 1/3


def test_commas_still_separate_entries_of_a_vector():
    verdict = grade(instance("vector"), "4,7")
    assert verdict.correct and np.array_equal(verdict.reading.parts[0].value, [4, 7])


def test_ambiguous_thousands_comma_is_refused():
    verdict = grade(instance("number"), "1,333")  # 1.333 or 1333?
    assert verdict.error is not None and "comma" in verdict.error.message


def test_one_part_for_a_two_part_answer_names_the_missing_part():
    inst = instance("multi")
    verdict = grade(inst, "0.5")
    shown = echo.read_answer("0.5", inst)
    assert verdict.error is not None and "part 2 (size) is missing" in verdict.error.message
    assert shown.message == verdict.error.message and shown.position == verdict.error.position == 3


def test_echo_never_crashes_on_an_unexpected_instance():
    class Odd:
        answer = 42  # no answer type at all

    assert echo.read_answer("1", Odd()) == echo.Reading()
    assert echo.read_answer("   ", instance("number")) == echo.Reading()
