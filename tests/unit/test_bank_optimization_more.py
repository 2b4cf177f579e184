"""The optimization templates added for a deeper bank: each answer recomputed by hand from the instance's parameters.

Every row generates a template at two fixed seeds and compares its expected answer with the
optimizer's update rule written here in plain math/NumPy (never the solver the template calls);
concept rows check the keyed option by reasoning from the parameters.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.support.bank import answer_value, bundled_instance, keyed_option as _keyed
from tests.support.paths import PROBLEMS
from trainer.core.templates.generation import generate
from trainer.core.templates.spec import load_template

SEEDS = (3, 11)
TOPIC = PROBLEMS / "optimization"


def _instance(template_id: str, seed: int):
    return bundled_instance("optimization", template_id, seed)


def _gd_quadratic(p):
    theta = float(p("t0"))
    for _ in range(int(p("k"))):
        theta -= float(p("lr")) * float(p("h")) * theta   # L′(θ) = hθ
    return theta


def _momentum(p):
    v = float(p("mu")) * p("v") + p("g")
    return p("theta") - float(p("lr")) * v


def _adam(p):
    b1, b2, t = 0.9, 0.999, int(p("t"))
    m = b1 * float(p("m")) + (1 - b1) * float(p("g"))
    v = b2 * float(p("v")) + (1 - b2) * float(p("g")) ** 2
    mh, vh = m / (1 - b1 ** t), v / (1 - b2 ** t)
    return [mh, vh, -float(p("lr")) * mh / (math.sqrt(vh) + 1e-8)]


def _weight_decay(p):
    return (1 - float(p("lr")) * float(p("wd"))) * p("theta") - float(p("lr")) * p("g")


def _cosine(p):
    hi, lo, t, T = float(p("emax")), float(p("emax")) / 10, float(p("t")), float(p("TT"))
    return lo + (hi - lo) * (1 + math.cos(math.pi * t / T)) / 2


def _step_decay(p):
    return float(p("e0")) * float(p("gamma")) ** (int(p("ep")) // int(p("s")))


def _stable_lr(p):
    a, b, c = float(p("a")), float(p("b")), float(p("c"))
    top = max(np.linalg.eigvalsh(np.array([[a, b], [b, c]])))
    return 2 / top


NUMERIC = [
    ("gd-quadratic-steps", _gd_quadratic),
    ("momentum-step", _momentum),
    ("adam-bias-correction", _adam),
    ("weight-decay-step", _weight_decay),
    ("lr-cosine-schedule", _cosine),
    ("lr-step-decay", _step_decay),
    ("max-stable-learning-rate", _stable_lr),
]


@pytest.mark.parametrize("template_id,expected", NUMERIC, ids=[r[0] for r in NUMERIC])
@pytest.mark.parametrize("seed", SEEDS)
def test_answer_matches_hand_calculation(template_id, expected, seed):
    inst = _instance(template_id, seed)
    want = expected(lambda name: np.asarray(inst.params[name], dtype=float))
    assert np.allclose(answer_value(inst), want, rtol=1e-9, atol=1e-12)



@pytest.mark.parametrize("seed", SEEDS)
def test_weight_decay_concept_keys_sgd_equivalence_and_adamw(seed):
    inst = _instance("weight-decay-l2-concept", seed)
    text = _keyed(inst)
    # SGD: θ − η(∇L + λθ) = (1 − ηλ)θ − η∇L, the decoupled decay; Adam rescales λθ by 1/√v̂
    assert text.startswith("With SGD (a) and (b) coincide") and "AdamW" in text


def test_learning_rate_concept_always_diverges_and_says_where_speed_stops_helping():
    template = load_template(TOPIC / "learning-rate-concept.yaml")
    for seed in range(0, 200, 5):
        inst = generate(template, seed)
        lr = float(inst.params["lr"])
        assert abs(1 - 2 * lr) > 1          # every drawn η diverges on L = θ², so the key must say so
        assert "grows" in _keyed(inst)
        message = next(m.message for m in inst.mistakes if m.id == "bigger-is-faster")
        assert "η = 0.5" in message and "converges" in message
