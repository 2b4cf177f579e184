"""The second wave of probability templates, and the audit fixes of the first.

Each row generates a template at two fixed seeds and recomputes the expected answer from the instance's
own parameters with a hand formula (plain math/NumPy, never the solver the template calls). Choice
items are checked by reasoning from the parameters which option text is true. Formula items are
checked by grading a hand-typed formula through the grader.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.support.bank import bundled_instance, keyed_option as _keyed
from tests.support.paths import PROBLEMS
from trainer.core.grading.grader import grade
from trainer.core.templates.generation import generate
from trainer.core.templates.spec import load_template

FOLDER = PROBLEMS / "probability"
SEEDS = (3, 17)


def _inst(template_id: str, seed: int):
    return bundled_instance("probability", template_id, seed)


def _phi(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def _arr(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


# ---------------------------------------------------------------------------------------------
# number answers: id -> hand formula of the parameters
# ---------------------------------------------------------------------------------------------

def _binomial(p):
    n, k, q = p["n"], p["k"], p["p"]
    return math.factorial(n) / (math.factorial(k) * math.factorial(n - k)) * q**k * (1 - q) ** (n - k)


def _batch_loglik(p):
    return sum(math.log(q) if t == 1 else math.log(1 - q) for t, q in zip(p["y"], p["p"]))


def _threshold(p):
    z = {0.10: 1.2816, 0.05: 1.6449, 0.025: 1.96, 0.01: 2.3263, 0.005: 2.5758}[p["alpha"]]
    return p["mu"] + z * p["sigma"]


def _gauss_loglik(p):
    x, mu, s = p["x"], p["mu"], p["sigma"]
    return math.log(math.exp(-((x - mu) ** 2) / (2 * s * s)) / (s * math.sqrt(2 * math.pi)))


def _laplace(p):
    return (p["c"] + 1) / (p["N"] + p["V"])


def _bernoulli_nb(p):
    def lik(theta):
        out = 1.0
        for xi, t in zip(p["x"], theta):
            out *= t if xi == 1 else 1 - t
        return out

    spam, ham = p["ps"] * lik(p["ts"]), (1 - p["ps"]) * lik(p["th"])
    return spam / (spam + ham)


def _nb_log_odds(p):
    spam = math.log(p["ps"]) + sum(math.log(v) for v in p["s"])
    ham = math.log(1 - p["ps"]) + sum(math.log(v) for v in p["h"])
    return spam - ham


def _two_alerts(p):
    # both alerts at once: the likelihood of two independent alerts is the square of one
    drift = p["l1"] ** 2 * p["prior"]
    healthy = p["l0"] ** 2 * (1 - p["prior"])
    return drift / (drift + healthy)


NUMBER_ROWS = [
    ("bayes-sequential-update", _two_alerts),
    ("binomial-pmf-correct-predictions", _binomial),
    ("bernoulli-log-likelihood-batch", _batch_loglik),
    ("gaussian-threshold-apply", _threshold),
    ("gaussian-log-likelihood", _gauss_loglik),
    ("laplace-smoothing-word", _laplace),
    ("bernoulli-naive-bayes", _bernoulli_nb),
    ("naive-bayes-log-space", _nb_log_odds),
]


@pytest.mark.parametrize("template_id, hand", NUMBER_ROWS, ids=[r[0] for r in NUMBER_ROWS])
@pytest.mark.parametrize("seed", SEEDS)
def test_number_answer_matches_a_hand_calculation(template_id, hand, seed):
    inst = _inst(template_id, seed)
    assert np.isclose(inst.answer.value, hand(inst.params), rtol=1e-9, atol=1e-12)


def _mle_click(p):
    k, n = p["k"], p["n"]
    phat = k / n
    return [phat, k * math.log(phat) + (n - k) * math.log(1 - phat)]


def _gauss_mle(p):
    x = [float(v) for v in p["x"]]
    m = sum(x) / len(x)
    return [m, sum((v - m) ** 2 for v in x) / len(x)]


def _bernoulli_spread(p):
    q = p["p"]
    return [q * (1 - q), math.sqrt(q * (1 - q))]


MULTI_ROWS = [
    ("bernoulli-mle-click-rate", _mle_click),
    ("gaussian-mle-fit", _gauss_mle),
    ("bernoulli-mean-variance", _bernoulli_spread),
]


@pytest.mark.parametrize("template_id, hand", MULTI_ROWS, ids=[r[0] for r in MULTI_ROWS])
@pytest.mark.parametrize("seed", SEEDS)
def test_multi_answer_matches_a_hand_calculation(template_id, hand, seed):
    inst = _inst(template_id, seed)
    got = [part.value for part in inst.answer.parts]
    assert np.allclose(got, hand(inst.params), rtol=1e-9)


# ---------------------------------------------------------------------------------------------
# choice answers: the keyed option is the one that is true for the drawn parameters
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_68_95_keyed_option_is_the_two_sided_band(seed):
    inst = _inst("gaussian-68-95-concept", seed)
    k = inst.params["k"]
    band = {1: 68.3, 2: 95.4, 3: 99.7}[k]  # the 68-95-99.7 rule, to one decimal
    assert _keyed(inst).startswith(f"{band:.1f}%")
    assert "between the marks" in _keyed(inst)


@pytest.mark.parametrize("seed", range(0, 200, 5))
def test_density_above_one_keyed_option_says_no_bug(seed):
    inst = _inst("gaussian-density-above-one-concept", seed)
    peak = 1 / (inst.params["s"] * math.sqrt(2 * math.pi))
    assert peak > 1  # the premise: the density really exceeds 1
    # the "wrong normalizer" distractor claims 1/√(2πσ) would stay below 1: it must not
    assert 1 / math.sqrt(2 * math.pi * inst.params["s"]) > 1
    assert _keyed(inst).startswith("No bug: density is probability per unit")


@pytest.mark.parametrize("seed", SEEDS)
def test_conditional_area_keyed_option_divides_by_b(seed):
    inst = _inst("conditional-area-concept", seed)
    p = inst.params
    assert _keyed(inst).startswith(f"It shrinks the world to B's {p['nb']} e-mails")
    assert _keyed(inst).endswith(f"{p['nab'] / p['nb']:.2f}.")


# ---------------------------------------------------------------------------------------------
# formula answers: a hand-typed formula grades correct, a typical slip does not
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_bernoulli_variance_keys_the_rate_nearer_one_half(seed):
    inst = _inst("bernoulli-variance-concept", seed)
    pa, pb = inst.params["pa"], inst.params["pb"]
    nearer = "A" if pa * (1 - pa) > pb * (1 - pb) else "B"
    assert _keyed(inst).startswith(f"Slot {nearer}: p(1 − p) peaks at p = 0.5")


FORMULA_ROWS = [
    ("naive-bayes-recall", "1 / (1 + (1 - s)*b1*b2 / (s*a1*a2))", "a1*a2 / (a1*a2 + b1*b2)"),
    ("gaussian-cdf-recall", "(1 + erf((x - mu) / (sigma * sqrt(2)))) / 2", "(1 + erf((x - mu) / sigma)) / 2"),
    ("marginal-probability-recall", "b*a + c - c*a", "a*b"),
]


@pytest.mark.parametrize("template_id, right, wrong", FORMULA_ROWS, ids=[r[0] for r in FORMULA_ROWS])
def test_formula_answer_accepts_the_hand_formula(template_id, right, wrong):
    inst = _inst(template_id, 3)
    assert grade(inst, right).correct
    assert not grade(inst, wrong).correct


# ---------------------------------------------------------------------------------------------
# audit fixes of the first wave
# ---------------------------------------------------------------------------------------------

AUDIT_SEEDS = range(200)


def test_independence_concept_never_draws_equal_marginals():
    for seed in AUDIT_SEEDS:
        p = _inst("independence-concept", seed).params
        assert p["pa"] != p["pb"], seed  # P(A) = P(B) would make "P(A | B) = P(B)" true


def test_bayes_fraud_solution_says_false_alarms_dominate_only_when_they_do():
    for seed in AUDIT_SEEDS:
        inst = _inst("bayes-fraud-precision", seed)
        p = inst.params
        true_pos, false_pos = p["sens"] * p["prev"], p["fpr"] * (1 - p["prev"])
        says_most_false = "Most flags are false alarms" in inst.solution
        assert says_most_false == (false_pos > true_pos), seed


def test_gaussian_tail_accepts_four_decimal_table_arithmetic():
    for seed in AUDIT_SEEDS:
        inst = _inst("gaussian-tail-probability", seed)
        table = round(_phi(inst.params["z"]), 4)  # what a printed Φ table gives
        assert grade(inst, f"{1 - table:.4f}").correct, seed


def test_gaussian_tail_still_rejects_the_lower_tail():
    inst = _inst("gaussian-tail-probability", 3)
    z = inst.params["z"]
    assert not grade(inst, f"{_phi(z):.4f}").correct


def test_gaussian_interval_density_difference_slip_is_never_zero():
    for seed in AUDIT_SEEDS:
        inst = _inst("gaussian-interval-probability", seed)
        slip = next(m for m in inst.mistakes if m.id == "density-difference")
        assert slip.value > 1e-3, seed


def test_bernoulli_likelihood_text_has_no_broken_plurals():
    for seed in AUDIT_SEEDS:
        inst = _inst("bernoulli-label-likelihood", seed)
        texts = [inst.hint or "", *(m.message for m in inst.mistakes)]
        for text in texts:
            for bad in ("1 zeros", "1 ones", "1 zero-labels"):
                assert bad not in text, (seed, text)


def test_chain_rule_solution_brackets_negative_logs():
    for seed in range(40):
        solution = _inst("chain-rule-language-model", seed).solution
        assert "+ −" not in solution and "+ -" not in solution, seed


# ---------------------------------------------------------------------------------------------
# nothing on the front of the card gives the answer away
# ---------------------------------------------------------------------------------------------

MY_FOLDERS = ("probability", "statistics", "information", "losses")


def _front_params(inst) -> dict:
    """The parameters a reviewer sees: those whose name occurs as a word in the prompt."""
    import re

    words = set(re.findall(r"[^\W\d]\w*", inst.prompt))
    return {k: v for k, v in inst.params.items() if k in words}


@pytest.mark.parametrize("folder", MY_FOLDERS)
def test_no_shown_parameter_equals_the_answer(folder):
    for path in sorted((PROBLEMS / folder).glob("*.yaml")):
        template = load_template(path)
        for seed in SEEDS:
            inst = generate(template, seed)
            parts = inst.answer.parts if inst.answer.type == "multi" else (inst.answer,)
            for part in parts:
                if part.type in ("choice", "formula"):
                    continue
                expected = np.asarray(part.value, dtype=float)
                for name, value in _front_params(inst).items():
                    try:
                        shown = np.asarray(value, dtype=float)
                    except (TypeError, ValueError):
                        continue
                    if shown.shape == expected.shape:
                        assert not np.allclose(shown, expected, rtol=1e-3), (template.id, seed, name)


def test_threshold_accepts_either_rounding_of_a_half_tenth():
    for seed in range(200):
        inst = _inst("gaussian-threshold-apply", seed)
        exact = _threshold(inst.params)
        for rounded in (math.floor(exact * 10) / 10, math.ceil(exact * 10) / 10):
            if abs(rounded - exact) <= 0.05 + 1e-9:  # a correct answer "to 0.1 ms"
                assert grade(inst, f"{rounded:.1f}").correct, (seed, exact, rounded)
