"""The second wave of statistics templates, and the audit fix of `variance-recall`.

Each row generates a template at two fixed seeds and recomputes the expected answer from the instance's
own parameters with a hand formula (plain math, never the solver the template calls). Critical values
are the printed-table values (t table, two-sided 5%). Choice items are checked by reasoning from the
parameters which option is true; formula items by grading a hand-typed formula.
"""

from __future__ import annotations

import math
import statistics as pystats

import numpy as np
import pytest

from tests.support.bank import bundled_instance, keyed_option as _keyed
from tests.support.paths import PROBLEMS
from trainer.core.grading.grader import grade

FOLDER = PROBLEMS / "statistics"
SEEDS = (3, 17)
# two-sided 5% critical values of Student's t, by degrees of freedom (any printed t table)
T_975 = {3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}


def _inst(template_id: str, seed: int):
    return bundled_instance("statistics", template_id, seed)



def _threshold(p):
    return p["mu"] + p["k"] * p["sigma"]


def _paired_t(p):
    d = [float(v) for v in p["d"]]
    return pystats.mean(d) / (pystats.stdev(d) / math.sqrt(len(d)))


NUMBER_ROWS = [("z-score-alert-threshold", _threshold), ("paired-t-test-folds", _paired_t)]


@pytest.mark.parametrize("template_id, hand", NUMBER_ROWS, ids=[r[0] for r in NUMBER_ROWS])
@pytest.mark.parametrize("seed", SEEDS)
def test_number_answer_matches_a_hand_calculation(template_id, hand, seed):
    inst = _inst(template_id, seed)
    assert np.isclose(inst.answer.value, hand(inst.params), rtol=1e-9)


def _t_interval(p):
    x = [float(v) for v in p["x"]]
    half = T_975[len(x) - 1] * pystats.stdev(x) / math.sqrt(len(x))
    return [pystats.mean(x) - half, pystats.mean(x) + half]


def _wald(p):
    a, n = p["acc"], p["n"]
    half = 1.96 * math.sqrt(a * (1 - a) / n)
    return [a - half, a + half]


VECTOR_ROWS = [("t-confidence-interval", _t_interval), ("accuracy-confidence-interval", _wald)]


@pytest.mark.parametrize("template_id, hand", VECTOR_ROWS, ids=[r[0] for r in VECTOR_ROWS])
@pytest.mark.parametrize("seed", SEEDS)
def test_interval_matches_a_hand_calculation(template_id, hand, seed):
    inst = _inst(template_id, seed)
    assert np.allclose(inst.answer.value, hand(inst.params), rtol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_paired_t_uses_the_table_value_for_its_degrees_of_freedom(seed):
    p = _inst("paired-t-test-folds", seed).params
    assert p["tcrit"] == T_975[p["n"] - 1]


@pytest.mark.parametrize("seed", SEEDS)
def test_rounded_interval_to_two_decimals_is_accepted(seed):
    inst = _inst("t-confidence-interval", seed)
    lo, hi = _t_interval(inst.params)
    assert grade(inst, f"[{lo:.2f}, {hi:.2f}]").correct


@pytest.mark.parametrize("seed", SEEDS)
def test_z_score_compare_keys_the_larger_z(seed):
    inst = _inst("z-score-compare-apply", seed)
    p = inst.params
    za, zb = (p["x1"] - p["m1"]) / p["s1"], (p["x2"] - p["m2"]) / p["s2"]
    winner = "A (sessions per day)" if za > zb else "B (minutes per session)"
    assert _keyed(inst).startswith(f"{winner}: {max(za, zb):.1f} standard deviations")


@pytest.mark.parametrize("seed", SEEDS)
def test_standardized_feature_keys_mean_zero_sd_one_same_shape(seed):
    inst = _inst("standardized-feature-concept", seed)
    assert _keyed(inst).startswith("Mean 0 and standard deviation 1")
    assert inst.params["skew"] in _keyed(inst)


@pytest.mark.parametrize("seed", SEEDS)
def test_confidence_meaning_keys_the_procedure(seed):
    inst = _inst("confidence-interval-meaning-concept", seed)
    assert _keyed(inst).startswith("The procedure: about 95% of intervals")


def test_z_score_recall_accepts_the_hand_formula():
    inst = _inst("z-score-recall", 3)
    assert grade(inst, "x/sigma - mu/sigma").correct
    assert not grade(inst, "(x - mu)/sigma^2").correct


def test_variance_recall_square_of_mean_message_names_that_slip():
    inst = _inst("variance-recall", 0)
    slip = next(m for m in inst.mistakes if m.id == "square-of-mean")
    assert "n·x̄²" in slip.message  # the slip subtracts x̄² once instead of n times
    assert grade(inst, "(sum(x**2) - mean(x)**2) / (len(x) - 1)").diagnosis.id == "square-of-mean"


def test_z_statistic_recall_accepts_the_hand_formula():
    inst = _inst("z-statistic-recall", 3)
    assert grade(inst, "sqrt(n)*(xbar - mu0)/sigma").correct
    assert not grade(inst, "(xbar - mu0)/sigma").correct


@pytest.mark.parametrize("seed", SEEDS)
def test_t_or_z_keys_the_paired_t_test_and_does_not_print_the_cutoff(seed):
    inst = _inst("t-or-z-test-apply", seed)
    n = inst.params["n"]
    assert _keyed(inst) == f"A paired t-test on the {n} differences A − B, with {n - 1} degrees of freedom."
    assert str(T_975[n - 1]) not in inst.prompt  # the cutoff appeared only beside the keyed option


@pytest.mark.parametrize("seed", SEEDS)
def test_skew_concept_keys_the_right_tail(seed):
    inst = _inst("mean-median-skew-concept", seed)
    assert inst.params["gap"] > 0  # mean above median: a right tail
    assert _keyed(inst).startswith("A long right tail pulls the mean up")
