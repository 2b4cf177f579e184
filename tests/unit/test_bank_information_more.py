"""The second wave of information-theory templates, and the audit fix of `kl-divergence-compute`.

Each row generates a template at two fixed seeds and recomputes the expected answer from the instance's
own parameters with a hand formula (plain math/NumPy, never the solver the template calls). Choice
items are checked by reasoning from the parameters which option is true; formula items by grading a
hand-typed formula.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.support.bank import bundled_instance, keyed_option as _keyed
from tests.support.paths import PROBLEMS
from trainer.core.grading.grader import grade

FOLDER = PROBLEMS / "information"
SEEDS = (3, 17)


def _inst(template_id: str, seed: int):
    return bundled_instance("information", template_id, seed)



def _sigma(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def _softmax(z) -> np.ndarray:
    e = np.exp(np.asarray(z, dtype=float))
    return e / e.sum()


def _mi_bits(table) -> float:
    J = np.asarray(table, dtype=float)
    px, py = J.sum(axis=1), J.sum(axis=0)
    return float(sum(J[i, j] * math.log2(J[i, j] / (px[i] * py[j]))
                     for i in range(2) for j in range(2) if J[i, j] > 0))


def _binary_entropy(p):
    q = p["p"]
    return -q * math.log2(q) - (1 - q) * math.log2(1 - q)


def _surprisal(p):
    return -math.log2(p["p"])


def _perplexity(p):
    probs = [float(v) for v in p["p"]]
    return math.prod(probs) ** (-1 / len(probs))  # 1 / geometric mean


def _label_smoothing(p):
    k, c, eps = p["k"], p["c"], p["eps"]
    q = [float(v) for v in p["q"]]
    target = [(1 - eps) * (i == c - 1) + eps / k for i in range(k)]
    return -sum(t * math.log(v) for t, v in zip(target, q))


def _bce_logit(p):
    return _sigma(p["z"]) - p["y"]


def _kl_vae(p):
    total = 0.0
    for m, s in zip(p["mu"], p["s"]):
        # D(N(m, s²) ‖ N(0, 1)) = ln(1/s) + (s² + m²)/2 − 1/2
        total += math.log(1 / s) + (s * s + m * m) / 2 - 0.5
    return total


def _mi_kl_form(p):
    return _mi_bits(p["J"])


def _kl_gaussians_numeric(p):
    # ∫ p ln(p/q) dx on a fine grid: independent of the closed form the template prints
    m1, s1, m2, s2 = p["m1"], p["s1"], p["m2"], p["s2"]
    x = np.linspace(m1 - 14 * s1, m1 + 14 * s1, 400_001)
    log_p = -0.5 * ((x - m1) / s1) ** 2 - math.log(s1 * math.sqrt(2 * math.pi))
    log_q = -0.5 * ((x - m2) / s2) ** 2 - math.log(s2 * math.sqrt(2 * math.pi))
    f = np.exp(log_p) * (log_p - log_q)
    return float(np.sum((f[1:] + f[:-1]) / 2 * np.diff(x)))


NUMBER_ROWS = [
    ("kl-two-gaussians", _kl_gaussians_numeric),
    ("binary-entropy-label", _binary_entropy),
    ("surprisal-token", _surprisal),
    ("perplexity-token-probabilities", _perplexity),
    ("label-smoothing-loss", _label_smoothing),
    ("bce-logit-gradient", _bce_logit),
    ("kl-gaussian-vae", _kl_vae),
    ("mutual-information-kl-form", _mi_kl_form),
]


@pytest.mark.parametrize("template_id, hand", NUMBER_ROWS, ids=[r[0] for r in NUMBER_ROWS])
@pytest.mark.parametrize("seed", SEEDS)
def test_number_answer_matches_a_hand_calculation(template_id, hand, seed):
    inst = _inst(template_id, seed)
    assert np.isclose(inst.answer.value, hand(inst.params), rtol=1e-7, atol=1e-12)


def _softmax_ce_grad(p):
    grad = _softmax(p["z"])
    grad[p["c"] - 1] -= 1
    return grad


def _logreg_grad(p):
    X, y, w = np.asarray(p["X"], float), np.asarray(p["y"], float), np.asarray(p["w"], float)
    rows = [(_sigma(float(X[i] @ w)) - y[i]) * X[i] for i in range(3)]
    return sum(rows) / 3


VECTOR_ROWS = [("softmax-cross-entropy-gradient", _softmax_ce_grad), ("logistic-regression-gradient", _logreg_grad)]


@pytest.mark.parametrize("template_id, hand", VECTOR_ROWS, ids=[r[0] for r in VECTOR_ROWS])
@pytest.mark.parametrize("seed", SEEDS)
def test_vector_answer_matches_a_hand_calculation(template_id, hand, seed):
    inst = _inst(template_id, seed)
    assert np.allclose(inst.answer.value, hand(inst.params), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_best_split_gains_match_hand_entropies(seed):
    inst = _inst("information-gain-best-split", seed)
    p = inst.params

    def gain(n11, n10):
        # rows: feature value; each label column holds n/2 rows, so H(Y) = 1 bit
        n, half = p["n"], p["n"] / 2
        branches = [(n11, n10), (half - n11, half - n10)]
        h_cond = 0.0
        for pos, neg in branches:
            tot = pos + neg
            h = -sum(c / tot * math.log2(c / tot) for c in (pos, neg) if c)
            h_cond += tot / n * h
        return 1 - h_cond

    got = [part.value for part in inst.answer.parts]
    assert np.allclose(got, [gain(p["a1"], p["a2"]), gain(p["b1"], p["b2"])], rtol=1e-9)


# ---------------------------------------------------------------------------------------------
# choice items: the keyed option is the one that is true for the drawn parameters
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_confident_miss_share_is_the_log_loss_share(seed):
    inst = _inst("bce-confident-wrong-concept", seed)
    q = [float(v) for v in inst.params["q"]]
    costs = [-math.log(v) for v in q]
    assert _keyed(inst).startswith(f"About {costs[3] / sum(costs):.0%}")


@pytest.mark.parametrize("seed", SEEDS)
def test_multilabel_keys_independent_sigmoids(seed):
    inst = _inst("bce-multilabel-apply", seed)
    probs = [float(v) for v in inst.params["p"]]
    assert sum(probs) > 1  # impossible for a softmax, so only per-tag sigmoids fit
    assert _keyed(inst).startswith("A sigmoid per tag with binary cross-entropy")


@pytest.mark.parametrize("seed", SEEDS)
def test_cross_entropy_floor_is_the_target_entropy(seed):
    inst = _inst("cross-entropy-floor-concept", seed)
    p = [float(v) for v in inst.params["p"]]
    h = -sum(v * math.log(v) for v in p)
    assert _keyed(inst).startswith(f"H(P) = {h:.3f} nats")


@pytest.mark.parametrize("seed", SEEDS)
def test_forward_kl_covers_and_reverse_kl_seeks_a_mode(seed):
    inst = _inst("kl-forward-reverse-concept", seed)
    assert _keyed(inst).startswith("Forward prefers Q_A and reverse prefers Q_B")


@pytest.mark.parametrize("seed", SEEDS)
def test_zero_support_makes_forward_kl_infinite(seed):
    inst = _inst("kl-zero-support-concept", seed)
    p, q, j = inst.params["p"], inst.params["q"], inst.params["j"]
    assert q[j - 1] == 0 and p[j - 1] > 0
    assert _keyed(inst).startswith("Infinite: P(")


@pytest.mark.parametrize("seed", SEEDS)
def test_product_table_has_zero_mutual_information(seed):
    inst = _inst("mutual-information-independence-concept", seed)
    assert abs(_mi_bits(inst.params["J"])) < 1e-12
    assert _keyed(inst).startswith("Nothing: every cell is P(x)·P(y)")


FORMULA_ROWS = [
    ("cross-entropy-categorical-recall", "sum(p*log(1/q))", "-sum(q*log(p))"),
    ("mutual-information-recall", "HY - (HXY - HX)", "HX + HY"),
]


@pytest.mark.parametrize("template_id, right, wrong", FORMULA_ROWS, ids=[r[0] for r in FORMULA_ROWS])
def test_formula_answer_accepts_the_hand_formula(template_id, right, wrong):
    inst = _inst(template_id, 3)
    assert grade(inst, right).correct
    assert not grade(inst, wrong).correct


def test_kl_compute_uses_the_standard_wording():
    prompt = _inst("kl-divergence-compute", 0).prompt
    assert "D_KL(P ‖ Q), the divergence of P from Q" in prompt
