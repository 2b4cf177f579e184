"""The notations learners type (issue 9), one readable table per family, with hand-known verdicts.

Each row is (id, instance, typed, verdict): `correct`, `wrong`, `error` (refused, never graded), or
the id of the anticipated mistake or generic slip. Every verdict is worked out by hand from the
mathematics (1/3, σ(x) = 1/(1 + e^−x), the sample variance divides by n − 1, …), not taken from the
grader. All of them read into the same safe tree; nothing typed is executed.
"""

from __future__ import annotations

import functools

import pytest

from trainer.core.grading.grader import grade
from trainer.core.templates.generation import generate
from trainer.core.templates.spec import parse_template_text
from trainer.ui import echo

HEAD = """
id: notation-{name}
equation: notation
topic: information
title: {title}
kind: compute
prompt: P
solution: S
"""


@functools.cache
def inst(name: str, body: str, title: str = "Notation"):
    return generate(parse_template_text(HEAD.format(name=name, title=title) + body, f"{name}.yaml"), 0)


THIRD = inst("third", """
answer: {type: number, value: 1/3}
mistakes:
  - {id: complement, value: 2/3, message: That is 1 − p.}
""")
NATS = inst("nats", """
answer: {type: number, value: log(2), unit: nats}
mistakes:
  - {id: never, value: 5, message: never}
""")
MS = inst("ms", """
answer: {type: number, value: 12, unit: ms}
mistakes:
  - {id: never, value: 5, message: never}
""")
SIGMOID = inst("sigmoid", """
answer: {type: formula, value: 1/(1+exp(-x)), variables: {x: {float: [-3, 3]}}}
mistakes:
  - {id: sign, value: 1/(1+exp(x)), message: sign of x}
""")
VARIANCE = inst("variance", """
answer:
  type: formula
  value: "sum((x - mean(x))**2)/(len(x) - 1)"
  variables: {x: {vector: 5, float: [-5, 5]}}
mistakes:
  - {id: population, value: "sum((x - mean(x))**2)/len(x)", message: n instead of n − 1}
""")
BERNOULLI = inst("bernoulli", """
answer:
  type: formula
  value: p**x * (1 - p)**(1 - x)
  variables: {p: {float: [0.1, 0.9]}, x: {choice: [0, 1]}}
mistakes:
  - {id: swapped, value: (1-p)**x * p**(1 - x), message: swapped}
""")
VECTOR = inst("vector", """
answer: {type: vector, value: "[4, 7]"}
mistakes:
  - {id: forgot-bias, value: "[3, 5]", message: You left out b.}
""")
MATRIX = inst("matrix", """
answer: {type: matrix, value: "[[1, 2], [3, 4]]"}
mistakes:
  - {id: own, value: "[[1, 2], [3, 5]]", message: own}
""")
SMALL = inst("small", """
answer: {type: number, value: 0.00128}
mistakes:
  - {id: never, value: 5, message: never}
""")
INTEGER = inst("integer", """
answer: {type: integer, value: 3}
mistakes:
  - {id: never, value: 9, message: never}
""")
MULTI = inst("multi", """
answer:
  type: multi
  parts:
    - {label: x, type: number, value: -1}
    - {label: y, type: number, value: -4}
mistakes:
  - {id: swapped-y, part: 2, value: -1, message: that is x}
""")
CHOICE = inst("choice", """
answer:
  type: choice
  options: [ridge, lasso, elastic net]
  correct: 3
  shuffle: false
mistakes:
  - {id: picked-ridge, option: 1, message: Ridge keeps every weight.}
""")

LATEX = [
    ("frac", THIRD, r"\frac{1}{3}", "correct"),
    ("dfrac", THIRD, r"\dfrac{1}{3}", "correct"),
    ("frac-complement", THIRD, r"\frac{2}{3}", "complement"),
    ("sqrt-frac", THIRD, r"\sqrt{\frac{1}{9}}", "correct"),  # √(1/9) = 1/3
    ("left-right-squared", THIRD, r"\left(\frac{1}{3}\right)^{2}", "sigma-vs-variance"),  # 1/9 = (1/3)²
    ("cdot", THIRD, r"2 \cdot \frac{1}{6}", "correct"),
    ("times", THIRD, r"\frac{1}{6} \times 2", "correct"),
    ("unclosed", THIRD, r"\frac{1}{3", "error"),
    ("no-braces", THIRD, r"\frac 1 3", "error"),
    ("unknown-command", THIRD, r"\foo{1}", "error"),
    ("sigmoid-e", SIGMOID, r"\frac{1}{1 + e^{-x}}", "correct"),
    ("sigmoid-exp", SIGMOID, r"\frac{1}{1+\exp(-x)}", "correct"),
    ("sigmoid-ratio", SIGMOID, r"\frac{e^{x}}{1+e^{x}}", "correct"),  # e^x/(1+e^x) = 1/(1+e^−x)
    ("sigma", SIGMOID, r"\sigma(x)", "correct"),
    ("sigmoid-sign", SIGMOID, r"\frac{1}{1+e^{x}}", "sign"),
    ("unicode-minus-exponent", SIGMOID, r"\frac{1}{1+e^{−x}}", "correct"),
    ("log-natural", NATS, r"\log 2", "correct"),  # ln 2 nats: \log is the natural log
    ("ln", NATS, r"\ln(2)", "correct"),
    ("log-of-e-squared", NATS, r"\log(e^{2}) / 2 \cdot \ln 2", "correct"),
    ("variance-frac-sum", VARIANCE, r"\frac{\sum_{i=1}^{n} (x_i - \bar{x})^2}{\mathrm{len}(x) - 1}", "correct"),
    ("variance-population", VARIANCE, r"\frac{1}{\mathrm{len}(x)} \sum_i (x_i - \bar{x})^2", "population"),
    ("vector-top", VECTOR, r"[4, 7]^{\top}", "correct"),
    ("vector-T", VECTOR, r"[4, 7]^T", "correct"),
]

NUMPY = [
    ("exp-log", THIRD, "np.exp(np.log(1/3))", "correct"),
    ("sqrt", THIRD, "np.sqrt(1/9)", "correct"),
    ("math-sqrt", THIRD, "math.sqrt(1/9)", "correct"),
    ("power", THIRD, "(1/np.sqrt(3))**2", "correct"),
    ("mean", THIRD, "np.mean([0, 1, 0])", "correct"),
    ("array", VECTOR, "np.array([4, 7])", "correct"),
    ("array-forgot-bias", VECTOR, "np.array([3, 5])", "forgot-bias"),
    ("array-T", MATRIX, "np.array([[1, 3], [2, 4]]).T", "correct"),
    ("variance", VARIANCE, "np.sum((x - np.mean(x))**2)/(len(x) - 1)", "correct"),
    ("variance-mean", VARIANCE, "np.mean((x - np.mean(x))**2)", "population"),
    ("hard-coded-length", VARIANCE, "np.sum((x - np.mean(x))**2)/4", "wrong"),  # right only for 5 entries
]

UNITS = [
    ("nats", NATS, "0.693 nats", "correct"),
    ("nat", NATS, "0.6931 nat", "correct"),
    ("bare", NATS, "0.693", "correct"),
    ("bits-converted", NATS, "1 bit", "wrong-unit"),  # ln 2 nats is exactly 1 bit
    ("bits-label", NATS, "0.693 bits", "wrong-unit"),
    ("other-kind", NATS, "0.693 ms", "error"),
    ("no-unit-here", THIRD, "0.333 nats", "error"),
    ("ms", MS, "12 ms", "correct"),
    ("seconds", MS, "0.012 s", "wrong-unit"),
]

PREFIXES = [
    ("approx", THIRD, "≈ 0.333", "correct"),
    ("equals", THIRD, "= 0.333", "correct"),
    ("tilde", THIRD, "~0.333", "correct"),
    ("named-approx", THIRD, "p ≈ 0.333", "correct"),
    ("latex-approx", THIRD, r"\approx 0.333", "correct"),
    ("named-parts", MULTI, "x = -1, y = -4", "correct"),
    ("named-parts-reversed", MULTI, "y = −4; x = −1", "correct"),
    ("named-parts-slip", MULTI, "x = -1, y = -1", "swapped-y"),
    ("named-part-missing", MULTI, "x = -1", "error"),
    ("option-word", CHOICE, "option c", "correct"),
    ("option-text", CHOICE, "Elastic net", "correct"),
    ("option-letter-text", CHOICE, "C: elastic net", "correct"),
    ("option-slip", CHOICE, "option a", "picked-ridge"),
    ("option-wrong", CHOICE, "answer (b)", "wrong"),
]

UNICODE = [
    ("superscript-letters", BERNOULLI, "pˣ(1−p)¹⁻ˣ", "correct"),
    ("superscript-swapped", BERNOULLI, "(1−p)ˣ p¹⁻ˣ", "swapped"),
    ("unicode-minus-e", SMALL, "1.28e−3", "correct"),  # not 1.28·e − 3
    ("en-dash-e", SMALL, "1.28e–3", "correct"),
    ("big-sigma", VARIANCE, "Σ(x − x̄)²/(len(x) − 1)", "correct"),  # Σ sums the whole term
    ("big-sigma-population", VARIANCE, "Σ(x − x̄)²/len(x)", "population"),
    ("cosh", THIRD, "cosh(0)/3", "correct"),
    ("sinh", THIRD, "1/3 + sinh(0)", "correct"),
    ("floor-division", INTEGER, "7 // 2", "correct"),
    ("superscript-e", SIGMOID, "1/(1+e⁻ˣ)", "correct"),
]

FAMILIES = {"latex": LATEX, "numpy": NUMPY, "units": UNITS, "prefixes": PREFIXES, "unicode": UNICODE}
ROWS = [(family, *row) for family, rows in FAMILIES.items() for row in rows]


@pytest.mark.parametrize(("family", "rid", "instance", "typed", "verdict"), ROWS,
                         ids=[f"{r[0]}:{r[1]}" for r in ROWS])
def test_notation(family, rid, instance, typed, verdict):
    v = grade(instance, typed)
    shown = echo.read_answer(typed, instance)
    if verdict == "error":
        assert v.error is not None and not v.correct and v.diagnosis is None, v.feedback
        assert shown.message == v.error.message
        return
    assert v.error is None, v.error
    assert shown.shown == v.parsed  # the echo shows exactly what was graded
    assert v.correct is (verdict == "correct"), v.feedback
    if verdict not in ("correct", "wrong"):
        assert v.diagnosis is not None and v.diagnosis.id == verdict, v.feedback


def test_latex_log_says_it_is_the_natural_log():
    assert "natural log" in echo.read_answer(r"\log 2", NATS).shown
    assert "natural log" not in echo.read_answer("ln 2", NATS).shown


def test_readings_are_shown_in_mathematical_form():
    assert echo.read_answer(r"\frac{1}{3}", THIRD).shown == "1/3"
    assert echo.read_answer("1.28e−3", SMALL).shown == "0.00128"
    assert echo.read_answer("pˣ(1−p)¹⁻ˣ", BERNOULLI).shown == "p^x·(1 − p)^(1 − x)"
    assert echo.read_answer("0.693 nats", NATS).shown == "0.693 nats"
    assert echo.read_answer("y = −4; x = −1", MULTI).shown == "x = -1 | y = -4"  # in the answer's order
    assert echo.read_answer("Σ(x − x̄)²/(len(x) − 1)", VARIANCE).shown == "sum((x − mean(x))²/(len(x) − 1))"


def test_hard_coded_length_is_told_so():
    v = grade(VARIANCE, "sum((x - mean(x))^2)/4")
    assert not v.correct and "any length" in v.feedback


def test_every_family_has_a_table():
    assert all(len(rows) >= 9 for rows in FAMILIES.values())
