"""The probability, information and statistics templates: coverage, and answers wired to the right math.

Each wiring test recomputes a template's expected answer from the instance's own parameters with an
independent textbook formula (plain math/NumPy, not the solver the template calls), over many seeds.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from trainer.core.templates.bank import load_bank
from trainer.core.templates.generation import generate
from trainer.core.solvers import information, probability, statistics

from tests.support.paths import PROBLEMS as ROOT
FOLDERS = [ROOT / "probability", ROOT / "information", ROOT / "statistics"]
SEEDS = range(0, 200, 7)


@pytest.fixture(scope="module")
def bank():
    loaded = load_bank(FOLDERS)
    assert not loaded.errors, [str(e) for e in loaded.errors]
    return loaded


def _phi(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def test_every_card_of_these_areas_is_drilled_with_all_three_kinds(bank):
    cards = {c.id for m in (probability, information, statistics) for c in m.EQUATIONS}
    templates = list(bank.templates.values())
    assert len(templates) >= 21
    drilled = {t.equation for t in templates}
    assert cards <= drilled, cards - drilled
    for topic in ("probability", "information", "statistics"):
        kinds = {t.kind for t in templates if t.topic == topic}
        assert kinds == {"compute", "recall", "concept"}, (topic, kinds)


def _instances(bank, template_id):
    return [generate(bank.get(template_id), s) for s in SEEDS]


def test_fraud_precision_is_bayes_with_total_probability(bank):
    for inst in _instances(bank, "bayes-fraud-precision"):
        p = inst.params
        tp = p["sens"] * p["prev"]
        fp = p["fpr"] * (1 - p["prev"])
        assert inst.answer.value == pytest.approx(tp / (tp + fp))


def test_entropy_templates_use_the_right_logarithm(bank):
    for inst in _instances(bank, "entropy-nats"):
        p = np.asarray(inst.params["p"])
        assert inst.answer.value == pytest.approx(-np.sum(p * np.log(p)))
    for inst in _instances(bank, "entropy-bits"):
        n1, n2 = inst.params["n1"], inst.params["n2"]
        a, b = n1 / (n1 + n2), n2 / (n1 + n2)
        assert inst.answer.value == pytest.approx(-(a * math.log2(a) + b * math.log2(b)))


def test_kl_template_is_p_weighted(bank):
    for inst in _instances(bank, "kl-divergence-compute"):
        p, q = np.asarray(inst.params["p"]), np.asarray(inst.params["q"])
        assert inst.answer.value == pytest.approx(np.sum(p * np.log(p / q)))


def test_bce_template_is_the_mean_over_all_samples(bank):
    for inst in _instances(bank, "bce-batch"):
        y, yh = np.asarray(inst.params["y"]), np.asarray(inst.params["yhat"])
        losses = [-math.log(h) if t == 1 else -math.log(1 - h) for t, h in zip(y, yh)]
        assert inst.answer.value == pytest.approx(sum(losses) / len(losses))


def test_sample_variance_divides_by_n_minus_one(bank):
    for inst in _instances(bank, "sample-variance"):
        x = [float(v) for v in inst.params["x"]]
        m = sum(x) / len(x)
        assert inst.answer.value == pytest.approx(sum((v - m) ** 2 for v in x) / (len(x) - 1))


def test_gaussian_pdf_template_uses_sigma_not_variance(bank):
    for inst in _instances(bank, "gaussian-pdf-value"):
        p = inst.params
        s = math.sqrt(p["v"])
        expected = math.exp(-((p["x"] - p["mu"]) ** 2) / (2 * p["v"])) / (s * math.sqrt(2 * math.pi))
        assert inst.answer.value == pytest.approx(expected)


def test_z_test_p_values_are_two_and_one_sided(bank):
    for inst in _instances(bank, "z-test-two-sided"):
        p = inst.params
        z = (p["xbar"] - p["mu0"]) / (p["sigma"] / math.sqrt(p["n"]))
        assert inst.answer.value == pytest.approx(2 * (1 - _phi(abs(z))), rel=1e-6)
    for inst in _instances(bank, "z-test-one-sided"):
        p = inst.params
        z = (p["xbar"] - p["mu0"]) / (p["sigma"] / math.sqrt(p["n"]))
        assert inst.answer.value == pytest.approx(_phi(z), rel=1e-6)


def test_gaussian_naive_bayes_template_uses_population_variance_and_priors(bank):
    for inst in _instances(bank, "naive-bayes-gaussian-posterior"):
        a = np.asarray(inst.params["a"], dtype=float)
        b = np.asarray(inst.params["b"], dtype=float)
        x = inst.params["x0"]

        def dens(v, data):
            m, var = data.mean(), ((data - data.mean()) ** 2).mean()
            return math.exp(-((v - m) ** 2) / (2 * var)) / math.sqrt(2 * math.pi * var)

        l0, l1 = 3 / 5 * dens(x, a), 2 / 5 * dens(x, b)
        assert inst.answer.value == pytest.approx(l1 / (l0 + l1), rel=1e-6)
