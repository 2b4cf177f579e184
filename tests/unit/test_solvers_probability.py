"""Probability solvers against the seed's printed values, hand calculations and textbook identities."""

from __future__ import annotations

import math

import numpy as np
import pytest

from trainer.core.solvers.probability import (
    bayes,
    bayes_rule,
    bernoulli_likelihood,
    bernoulli_mean,
    bernoulli_pmf,
    bernoulli_var,
    binomial_pmf,
    chain_rule,
    cond_prob,
    conditional,
    gnb_posterior,
    gnb_predict,
    independent,
    joint_prob,
    marginal,
    naive_bayes,
    normal_cdf,
    normal_pdf,
    normal_prob,
    posterior,
    total_probability,
)

SEED_X = [[1, 2], [2, 3], [3, 4], [4, 5]]
SEED_Y = [0, 0, 1, 1]


# --- Bayes ----------------------------------------------------------------------------------------


def test_bayes_reproduces_seed_disease_test():
    # seed: P(D)=0.01, P(T+|D)=0.99, P(T+|D')=0.02 prints "P(D|T+) = 0.3333"
    assert f"{bayes(0.01, 0.99, 0.02):.4f}" == "0.3333"
    # by hand: 0.0099 / (0.0099 + 0.0198) = 1/3 exactly
    assert bayes(0.01, 0.99, 0.02) == pytest.approx(1 / 3, rel=1e-12)


def test_evidence_is_law_of_total_probability():
    assert total_probability(0.01, 0.99, 0.02) == pytest.approx(0.0297)
    assert bayes_rule(0.99, 0.01, 0.0297) == pytest.approx(1 / 3)


def test_uninformative_evidence_leaves_prior_unchanged():
    assert bayes(0.3, 0.6, 0.6) == pytest.approx(0.3)


def test_posterior_over_hypotheses_hand_case():
    # prior [0.5, 0.5] × likelihood [0.2, 0.6] → [0.1, 0.3] / 0.4
    assert posterior([0.5, 0.5], [0.2, 0.6]) == pytest.approx([0.25, 0.75])


@pytest.mark.parametrize(
    "call",
    [
        lambda: bayes(1.2, 0.5, 0.5),
        lambda: bayes(0.0, 0.5, 0.0),  # P(B) = 0
        lambda: bayes_rule(0.5, 0.5, 0.0),
        lambda: posterior([0.5, 0.5], [0.1, 0.2, 0.3]),
        lambda: posterior([0.0, 0.0], [0.1, 0.2]),
        lambda: bayes("spam", 0.5, 0.5),
        lambda: bayes([0.1, 0.2], 0.5, 0.5),
    ],
)
def test_bayes_refuses_bad_input_with_value_error(call):
    with pytest.raises(ValueError):
        call()


# --- joint and conditional ------------------------------------------------------------------------

TABLE = [[0.1, 0.2], [0.3, 0.4]]  # rows A=0/1, columns B=0/1


def test_marginals_of_a_joint_table():
    assert marginal(TABLE, 0) == pytest.approx([0.3, 0.7])
    assert marginal(TABLE, 1) == pytest.approx([0.4, 0.6])


def test_conditional_tables_normalize_the_right_way():
    a_given_b = conditional(TABLE, given=1)
    assert a_given_b[1, 1] == pytest.approx(0.4 / 0.6)
    assert a_given_b.sum(axis=0) == pytest.approx([1, 1])
    b_given_a = conditional(TABLE, given=0)
    assert b_given_a[0, 1] == pytest.approx(0.2 / 0.3)
    assert b_given_a.sum(axis=1) == pytest.approx([1, 1])


def test_product_rule_both_ways_recovers_the_joint():
    # P(A=1, B=1) = P(A=1|B=1) P(B=1) = P(B=1|A=1) P(A=1) = 0.4
    assert joint_prob(conditional(TABLE, 1)[1, 1], 0.6) == pytest.approx(0.4)
    assert joint_prob(conditional(TABLE, 0)[1, 1], 0.7) == pytest.approx(0.4)
    assert cond_prob(0.4, 0.6) == pytest.approx(2 / 3)


def test_chain_rule_is_the_product_of_conditionals():
    assert chain_rule([0.5, 0.4, 0.25]) == pytest.approx(0.05)


def test_independence():
    assert independent(np.outer([0.3, 0.7], [0.4, 0.6]))
    assert not independent(TABLE)


@pytest.mark.parametrize(
    "call",
    [
        lambda: marginal([0.1, 0.9]),
        lambda: marginal(TABLE, 2),
        lambda: conditional([[0.5, 0.0], [0.5, 0.0]], given=1),
        lambda: conditional([[-0.1, 0.6], [0.3, 0.2]]),
        lambda: cond_prob(0.5, 0.4),
        lambda: chain_rule([0.5, 1.5]),
        lambda: chain_rule([]),
        lambda: marginal(np.ones((200, 200))),  # 40,000 elements: refused, not computed
    ],
)
def test_joint_helpers_refuse_bad_input(call):
    with pytest.raises(ValueError):
        call()


# --- Bernoulli ------------------------------------------------------------------------------------


def test_bernoulli_moments_and_pmf():
    assert bernoulli_pmf(1, 0.3) == pytest.approx(0.3)
    assert bernoulli_pmf(0, 0.3) == pytest.approx(0.7)
    assert bernoulli_mean(0.3) == 0.3
    assert bernoulli_var(0.3) == pytest.approx(0.21)
    assert bernoulli_var(0.5) == pytest.approx(0.25)  # the maximum variance


def test_bernoulli_likelihood_of_labels():
    # 1,1,0 under p=0.8: 0.8 · 0.8 · 0.2
    assert bernoulli_likelihood([1, 1, 0], 0.8) == pytest.approx(0.128)


def test_binomial_pmf_hand_case():
    # C(4,2) 0.5^4 = 6/16
    assert binomial_pmf(2, 4, 0.5) == pytest.approx(0.375)


@pytest.mark.parametrize("call", [lambda: bernoulli_pmf(2, 0.5), lambda: bernoulli_var(-0.1),
                                  lambda: binomial_pmf(5, 4, 0.5), lambda: binomial_pmf(1, 10**9, 0.5)])
def test_bernoulli_refuses_bad_input(call):
    with pytest.raises(ValueError):
        call()


# --- Gaussian -------------------------------------------------------------------------------------


def test_standard_normal_density_at_zero_is_one_over_root_two_pi():
    assert normal_pdf(0) == pytest.approx(1 / math.sqrt(2 * math.pi))  # 0.398942
    assert normal_pdf(0) == pytest.approx(0.3989422804)


def test_normal_pdf_hand_case_and_scaling():
    # N(1; 0, 1) = e^{-1/2}/√(2π) = 0.2419707
    assert normal_pdf(1.0) == pytest.approx(0.2419707245)
    # a narrow Gaussian's density exceeds 1: σ = 0.1 at its mean gives 3.989
    assert normal_pdf(5.0, 5.0, 0.1) == pytest.approx(3.989422804)
    # location-scale: N(x; μ, σ) = N((x−μ)/σ; 0, 1) / σ
    assert normal_pdf(7.0, 3.0, 2.0) == pytest.approx(normal_pdf(2.0) / 2)


def test_normal_cdf_textbook_values():
    assert normal_cdf(0) == 0.5
    assert normal_cdf(1.96) == pytest.approx(0.975, abs=1e-4)
    assert normal_cdf(1.0) == pytest.approx(0.8413447, abs=1e-7)
    assert normal_cdf(-1.0) + normal_cdf(1.0) == pytest.approx(1.0)  # symmetry
    assert normal_cdf(110, 100, 10) == pytest.approx(0.8413447, abs=1e-7)


def test_normal_interval_68_95_rule():
    assert normal_prob(-1, 1) == pytest.approx(0.6827, abs=1e-4)
    assert normal_prob(-1.96, 1.96) == pytest.approx(0.95, abs=1e-3)


def test_normal_functions_are_elementwise():
    assert normal_pdf([0.0, 1.0]) == pytest.approx([0.3989422804, 0.2419707245])
    assert normal_cdf([0.0, 0.0]) == pytest.approx([0.5, 0.5])


@pytest.mark.parametrize("sigma", [0, -1, float("nan"), float("inf")])
def test_normal_refuses_non_positive_sigma(sigma):
    with pytest.raises(ValueError, match="sigma"):
        normal_pdf(0, 0, sigma)
    with pytest.raises(ValueError, match="sigma"):
        normal_cdf(0, 0, sigma)


# --- Naive Bayes ----------------------------------------------------------------------------------


def test_gaussian_naive_bayes_on_the_seed_data_is_an_exact_tie():
    # The seed prints [1] for [2.5, 3.5], but that point is equidistant from both class means
    # ([1.5, 2.5] and [3.5, 4.5]) with equal variances 0.25 and equal priors: an exact tie.
    # scikit-learn 1.9.1 itself returns predict_proba [[0.5, 0.5]] and predict [0] there.
    assert gnb_posterior(SEED_X, SEED_Y, [2.5, 3.5]) == pytest.approx([0.5, 0.5])
    assert gnb_predict(SEED_X, SEED_Y, [2.5, 3.5]) == 0


def test_gaussian_naive_bayes_seed_data_off_the_tie():
    # [2, 3]: squared distances / 0.25 are 1+1 for class 0 and 9+9 for class 1, so the posterior of
    # class 0 is 1 / (1 + e^{-8}) = 0.99966465 (sklearn: 9.99664650e-01).
    assert gnb_posterior(SEED_X, SEED_Y, [2.0, 3.0]) == pytest.approx([0.99966465, 3.3535e-4], rel=1e-5)
    # sklearn 1.9.1 on [3.1, 4.0]: [1.50710365e-04, 9.99849290e-01]
    assert gnb_posterior(SEED_X, SEED_Y, [3.1, 4.0]) == pytest.approx([1.50710365e-04, 9.99849290e-01], rel=1e-6)
    assert gnb_predict(SEED_X, SEED_Y, [2.6, 3.6]) == 1


def test_gaussian_naive_bayes_one_feature_hand_case_with_unequal_priors():
    # class 0: {0, 2} mean 1 var 1; class 1: {4, 6, 8} mean 6 var 8/3; priors 2/5, 3/5
    x = 3.0
    l0 = normal_pdf(x, 1, 1) * 0.4
    l1 = normal_pdf(x, 6, math.sqrt(8 / 3)) * 0.6
    got = gnb_posterior([0, 2, 4, 6, 8], [0, 0, 1, 1, 1], x, var_smoothing=0)
    assert got == pytest.approx([l0 / (l0 + l1), l1 / (l0 + l1)])


def test_categorical_naive_bayes_hand_case():
    # spam prior 0.4; P(w1|spam)=0.5, P(w2|spam)=0.5; P(w1|ham)=0.1, P(w2|ham)=0.2
    # spam 0.4·0.25 = 0.1; ham 0.6·0.02 = 0.012
    assert naive_bayes([0.4, 0.6], [[0.5, 0.5], [0.1, 0.2]]) == pytest.approx([0.1 / 0.112, 0.012 / 0.112])


@pytest.mark.parametrize(
    "call",
    [
        lambda: gnb_posterior(SEED_X, [0, 1], [1, 2]),
        lambda: gnb_posterior(SEED_X, SEED_Y, [1, 2, 3]),
        lambda: gnb_posterior([[1, float("nan")]], [0], [1, 2]),
        lambda: naive_bayes([0.5, 0.5], [[0.1], [0.2], [0.3]]),
    ],
)
def test_naive_bayes_refuses_bad_input(call):
    with pytest.raises(ValueError):
        call()
