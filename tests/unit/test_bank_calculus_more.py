"""The calculus templates added for a deeper bank: each answer recomputed by hand from the instance's parameters.

Every row generates a template at two fixed seeds and compares its expected answer with a textbook
formula written here in plain math/NumPy (never the solver the template calls). Recall rows grade a
hand-typed equivalent formula; concept rows check the keyed option by reasoning from the parameters.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.support.bank import bundled_instance, keyed_option as _keyed
from tests.support.paths import PROBLEMS
from trainer.core.grading.grader import grade

SEEDS = (3, 11)
TOPIC = PROBLEMS / "calculus"


def _sig(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _instance(template_id: str, seed: int):
    return bundled_instance("calculus", template_id, seed)


def _p(inst, name):
    return np.asarray(inst.params[name], dtype=float)


def _intercept_optimum(p):
    x, y, m = p("x"), p("y"), float(p("m"))
    # ∂J/∂c = 0 ⟺ Σ (yᵢ − m xᵢ − c) = 0
    return (y.sum() - m * x.sum()) / len(x)


NUMERIC = [
    ("sigmoid-derivative-value", lambda p: _sig(float(p("z"))) * (1 - _sig(float(p("z"))))),
    ("sigmoid-derivative-from-activation", lambda p: float(p("a")) * (1 - float(p("a")))),
    ("logistic-gradient-logit", lambda p: _sig(float(p("z"))) - float(p("y"))),
    ("gradient-quadratic-form", lambda p: np.array([
        2 * p("A")[0, 0] * p("x")[0] + (p("A")[0, 1] + p("A")[1, 0]) * p("x")[1],
        (p("A")[0, 1] + p("A")[1, 0]) * p("x")[0] + 2 * p("A")[1, 1] * p("x")[1]])),
    ("directional-derivative", lambda p: float(p("g") @ p("d")) / math.hypot(*p("d"))),
    ("regression-intercept-optimum", _intercept_optimum),
]


@pytest.mark.parametrize("template_id,expected", NUMERIC, ids=[r[0] for r in NUMERIC])
@pytest.mark.parametrize("seed", SEEDS)
def test_answer_matches_hand_calculation(template_id, expected, seed):
    inst = _instance(template_id, seed)
    want = expected(lambda name: _p(inst, name))
    assert np.allclose(np.asarray(inst.answer.value, dtype=float), want, rtol=1e-9, atol=1e-12)


RECALL = [
    # (template, an equivalent formula typed differently, a wrong formula)
    ("least-squares-gradient-recall", "2*(T(X)@X@w - T(X)@y)", "T(X)@(X@w - y)"),
    ("regression-intercept-recall", "2*(m*mean(x) + c - mean(y))", "-2*mean(x*(y - m*x - c))"),
]


@pytest.mark.parametrize("template_id,right,wrong", RECALL, ids=[r[0] for r in RECALL])
@pytest.mark.parametrize("seed", SEEDS)
def test_recall_accepts_an_equivalent_form_and_rejects_a_slip(template_id, right, wrong, seed):
    inst = _instance(template_id, seed)
    assert grade(inst, right).correct
    assert not grade(inst, wrong).correct



def _vanishing(inst):
    L = int(inst.params["L"])
    text = _keyed(inst)
    return f"{0.25 ** L:.2e}" in text and "shrinks" in text


def _reading(inst):
    dm, dc = float(inst.params["dm"]), float(inst.params["dc"])
    m_word = "decreases" if dm > 0 else "increases"   # descent moves against the partial's sign
    c_word = "decreases" if dc > 0 else "increases"
    return _keyed(inst).startswith(f"It {m_word} m and {c_word} c")


def _direction(inst):
    g = np.asarray(inst.params["g"], dtype=float)
    text = _keyed(inst)
    neg = "[" + ", ".join(str(int(v)) for v in -g) + "]"
    return neg in text and f"{math.hypot(*g):.3g}" in text and "²" not in text


CONCEPT = [
    ("sigmoid-vanishing-concept", _vanishing),
    ("regression-partials-reading", _reading),
    ("gradient-direction-concept", _direction),
]


@pytest.mark.parametrize("template_id,is_right", CONCEPT, ids=[r[0] for r in CONCEPT])
@pytest.mark.parametrize("seed", SEEDS)
def test_keyed_option_is_the_true_statement(template_id, is_right, seed):
    assert is_right(_instance(template_id, seed))
