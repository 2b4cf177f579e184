"""The second wave of loss-function templates (log-sum-exp and MSE).

Each row generates a template at two fixed seeds and recomputes the expected answer from the instance's
own parameters with a hand formula (plain math, never the solver the template calls). Choice items are
checked by reasoning from the parameters which option is true; formula items by grading a hand-typed
formula.
"""

from __future__ import annotations

import math
import statistics as pystats

import numpy as np
import pytest

from tests.support.bank import bundled_instance, keyed_option as _keyed
from tests.support.paths import PROBLEMS
from trainer.core.grading.grader import grade

FOLDER = PROBLEMS / "losses"
SEEDS = (3, 17)


def _inst(template_id: str, seed: int):
    return bundled_instance("losses", template_id, seed)



def _lse(z) -> float:
    return math.log(sum(math.exp(float(v)) for v in z))


@pytest.mark.parametrize("seed", SEEDS)
def test_log_softmax_is_z_minus_lse(seed):
    inst = _inst("log-softmax-compute", seed)
    z = [float(v) for v in inst.params["z"]]
    expected = [v - _lse(z) for v in z]
    assert np.allclose(inst.answer.value, expected, rtol=1e-9)
    assert math.isclose(sum(math.exp(v) for v in inst.answer.value), 1.0, rel_tol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_best_constant_is_the_mean_and_its_mse_the_population_variance(seed):
    inst = _inst("mse-best-constant", seed)
    y = [float(v) for v in inst.params["y"]]
    c = pystats.mean(y)
    got = [part.value for part in inst.answer.parts]
    assert np.allclose(got, [c, sum((v - c) ** 2 for v in y) / len(y)], rtol=1e-9)
    assert np.isclose(got[1], pystats.pvariance(y))


@pytest.mark.parametrize("seed", SEEDS)
def test_overflow_concept_keys_the_max_shift(seed):
    inst = _inst("log-sum-exp-overflow-concept", seed)
    assert inst.params["a"] > 709  # e^a really overflows float64
    assert _keyed(inst).startswith("Subtract m = max z")


@pytest.mark.parametrize("seed", SEEDS)
def test_outlier_concept_keys_the_squared_share(seed):
    inst = _inst("mse-outlier-concept", seed)
    res = [float(v) for v in inst.params["res"]]
    big = inst.params["R"]
    share = big**2 / sum(v * v for v in res)
    assert _keyed(inst).startswith(f"About {share:.0%}: squares grow like r²")


@pytest.mark.parametrize("seed", SEEDS)
def test_gaussian_likelihood_concept_keys_gaussian_noise(seed):
    inst = _inst("mse-gaussian-likelihood-concept", seed)
    assert _keyed(inst).startswith("Gaussian noise N(0, s²)")
    s, r = inst.params["s"], inst.params["r"]
    # The prompt must not give the answer away by quoting the Gaussian cost r²/(2s²).
    assert f"{r * r / (2 * s * s):.4g}" not in inst.prompt and "squared" not in inst.prompt


def test_log_sum_exp_recall_accepts_the_hand_formula():
    inst = _inst("log-sum-exp-recall", 3)
    assert grade(inst, "max(z) + log(sum(exp(z - max(z))))").correct
    assert not grade(inst, "sum(z)").correct
