"""The deep-learning templates added for a deeper bank: each answer recomputed by hand from the instance's parameters.

Every row generates a template at two fixed seeds and compares its expected answer with the layer's
definition written here in plain math/NumPy loops (never the solver the template calls). Recall rows
grade a hand-typed equivalent formula; concept rows check the keyed option by reasoning from the
parameters.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.support.bank import answer_value, bundled_instance
from tests.support.paths import PROBLEMS
from trainer.core.grading.grader import grade
from trainer.core.templates.generation import generate
from trainer.core.templates.spec import load_template

SEEDS = (3, 11)
TOPIC = PROBLEMS / "deep-learning"


def _instance(template_id: str, seed: int):
    return bundled_instance("deep-learning", template_id, seed)


def _softmax(v):
    e = [math.exp(x) for x in v]
    return [x / sum(e) for x in e]


def _out_size(n, k, p, s):
    return (n + 2 * p - k) // s + 1


def _causal(p):
    s = p("S")
    w = np.zeros((3, 3))
    for i in range(3):
        w[i, : i + 1] = _softmax(s[i, : i + 1])   # token i sees tokens 0..i only
    return w


def _two_layer(p):
    x, y, b2 = float(p("x")), float(p("y")), float(p("b2"))
    grads = []
    z = [p("w1")[j] * x + p("b1")[j] for j in range(2)]
    yhat = sum(p("w2")[j] * max(z[j], 0.0) for j in range(2)) + b2
    for j in range(2):
        grads.append((yhat - y) * p("w2")[j] * (1.0 if z[j] > 0 else 0.0) * x)
    return np.array(grads)


def _batchnorm_eval(p):
    x = float(p("batch")[0])
    return float(p("gamma")) * (x - float(p("mu"))) / math.sqrt(float(p("s2")) + 1e-5) + float(p("beta"))


def _layernorm(p):
    x = p("x")
    mu = sum(x) / len(x)
    var = sum((v - mu) ** 2 for v in x) / len(x)
    return (x - mu) / math.sqrt(var + 1e-5)


def _stack(p):
    n = _out_size(int(p("n")), int(p("k1")), int(p("p1")), int(p("s1")))
    n = _out_size(n, 2, 0, 2)
    return _out_size(n, 3, 0, 1)


def _shape3d(p):
    k, pad, s = int(p("k")), int(p("p")), int(p("s"))
    return [int(p("cout")), _out_size(int(p("H")), k, pad, s), _out_size(int(p("W")), k, pad, s)]


def _conv2d(p):
    x, w = p("X"), p("W")
    out = np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            out[i, j] = sum(x[i + a, j + b] * w[a, b] for a in range(2) for b in range(2))
    return out


def _alpha_bar(p):
    return math.prod(1 - b for b in p("beta"))


def _reverse_mean(p):
    beta, abar = float(p("beta")), float(p("abar"))
    return (p("xt") - beta / math.sqrt(1 - abar) * p("eps")) / math.sqrt(1 - beta)


def _jacobian(p):
    q = _softmax(p("z"))
    return np.array([[q[i] * ((1.0 if i == j else 0.0) - q[j]) for j in range(3)] for i in range(3)])


NUMERIC = [
    ("causal-mask-weights", _causal),
    ("backprop-two-layer", _two_layer),
    ("dropout-inverted-scaling", lambda p: p("h") * p("mask") / (1 - float(p("p")))),
    ("batchnorm-eval", _batchnorm_eval),
    ("layernorm-compute", _layernorm),
    ("conv-stack-output", _stack),
    ("conv-output-shape-3d", _shape3d),
    ("conv-params-count", lambda p: int(p("cout")) * (int(p("cin")) * int(p("k")) ** 2 + 1)),
    ("conv2d-patch", _conv2d),
    ("diffusion-alpha-bar", _alpha_bar),
    ("diffusion-reverse-mean", _reverse_mean),
    ("softmax-jacobian", _jacobian),
    ("softmax-temperature", lambda p: np.array(_softmax(p("z") / float(p("tau"))))),
    ("attention-shapes", lambda p: [int(p("n")), int(p("m")), int(p("dv"))]),
    ("multihead-attention-params", lambda p: [int(p("d")) // int(p("h")), 4 * int(p("d")) ** 2 + 4 * int(p("d"))]),
    ("diffusion-predict-x0", lambda p: (p("xt") - math.sqrt(1 - float(p("abar"))) * p("eps"))
                                       / math.sqrt(float(p("abar")))),
    ("attention-memory", lambda p: int(p("B")) * int(p("h")) * int(p("L")) ** 2 * 2 / 1024 ** 2),
    ("conv-same-padding", lambda p: [(int(p("k")) - 1) // 2,
                                     _out_size(int(p("n")), int(p("k")), (int(p("k")) - 1) // 2, 2)]),
]


@pytest.mark.parametrize("template_id,expected", NUMERIC, ids=[r[0] for r in NUMERIC])
@pytest.mark.parametrize("seed", SEEDS)
def test_answer_matches_hand_calculation(template_id, expected, seed):
    inst = _instance(template_id, seed)
    want = expected(lambda name: np.asarray(inst.params[name], dtype=float))
    assert np.allclose(answer_value(inst), np.asarray(want, dtype=float), rtol=1e-9, atol=1e-9)


RECALL = [
    ("backprop-recall-chain", "2*x*a*(1-a)*(a-y)", "2*(a-y)*x"),
    ("conv-output-size-recall", "floor((n - k + 2*p)/s) + 1", "floor((n + 2*p - k)/s)"),
]


@pytest.mark.parametrize("template_id,right,wrong", RECALL, ids=[r[0] for r in RECALL])
@pytest.mark.parametrize("seed", SEEDS)
def test_recall_accepts_an_equivalent_form_and_rejects_a_slip(template_id, right, wrong, seed):
    inst = _instance(template_id, seed)
    assert grade(inst, right).correct
    assert not grade(inst, wrong).correct


@pytest.mark.parametrize("seed", SEEDS)
def test_weight_sharing_key_counts_one_kernel(seed):
    inst = _instance("conv-weight-sharing-concept", seed)
    k = int(inst.params["k"])
    keyed = inst.answer.options[inst.answer.correct]
    assert f"({k * k} weights) is reused at every position" in keyed


def test_attention_scaling_states_its_variance_assumption_and_keys_the_variance_argument():
    template = load_template(TOPIC / "attention-scaling-concept.yaml")
    for seed in range(0, 200, 10):
        inst = generate(template, seed)
        assert "mean 0 and variance 1" in inst.prompt
        assert "variance d_k" in inst.answer.options[inst.answer.correct]


@pytest.mark.parametrize("seed", SEEDS)
def test_size_keeping_convolution_is_the_keyed_layer(seed):
    inst = _instance("conv-output-size-concept", seed)
    n, k = int(inst.params["n"]), int(inst.params["k"])
    keyed = inst.answer.options[inst.answer.correct]
    pad = int(keyed.split("padding=")[1].split(",")[0])
    stride = int(keyed.split("stride=")[1].split(")")[0].split(",")[0])
    assert _out_size(n, k, pad, stride) == n
    for i, option in enumerate(inst.answer.options):
        if i != inst.answer.correct:
            pad = int(option.split("padding=")[1].split(",")[0])
            stride = int(option.split("stride=")[1].split(")")[0].split(",")[0])
            assert _out_size(n, k, pad, stride) != n


@pytest.mark.parametrize("seed", SEEDS)
def test_norm_layers_key_is_layernorm_per_example(seed):
    inst = _instance("norm-layers-concept", seed)
    keyed = inst.answer.options[inst.answer.correct]
    assert keyed.startswith("LayerNorm normalizes each example") and str(inst.params["d"]) in keyed
