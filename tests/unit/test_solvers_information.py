"""Information-theory solvers against the seed's printed values and textbook identities."""

from __future__ import annotations

import math

import numpy as np
import pytest

from trainer.core.solvers.information import (
    bce,
    binary_entropy,
    conditional_entropy,
    cross_entropy,
    entropy,
    joint_entropy,
    kl,
    mutual_information,
    perplexity,
    surprisal,
)

DISTS = [
    ([0.7, 0.3], [0.5, 0.5]),
    ([0.2, 0.5, 0.3], [0.1, 0.6, 0.3]),
    ([0.05, 0.05, 0.9], [0.3, 0.3, 0.4]),
    ([0.25, 0.25, 0.25, 0.25], [0.4, 0.3, 0.2, 0.1]),
]


def test_entropy_of_fair_coin_matches_seed():
    assert entropy(np.array([0.5, 0.5])) == pytest.approx(0.6931471805599453, rel=1e-15)
    assert entropy([0.5, 0.5], base=2) == pytest.approx(1.0)


def test_entropy_of_biased_coin():
    # The seed's code on [0.9, 0.1] computes −0.9 ln 0.9 − 0.1 ln 0.1 = 0.0948 + 0.2303 = 0.3251 nats.
    # Its printed 0.4698716731013394 is not what that code returns in any base (bits give 0.4690,
    # the binary entropy 0.46987 nats belongs to p ≈ 0.179): the printed comment is wrong.
    assert entropy([0.9, 0.1]) == pytest.approx(0.9 * math.log(1 / 0.9) + 0.1 * math.log(10))
    assert entropy([0.9, 0.1]) == pytest.approx(0.3250829733914482, rel=1e-12)
    assert entropy([0.9, 0.1], base=2) == pytest.approx(0.9 * math.log2(1 / 0.9) + 0.1 * math.log2(10))
    assert entropy([0.9, 0.1], base=2) == pytest.approx(0.46899559, rel=1e-7)


@pytest.mark.parametrize("k", [2, 3, 4, 10])
def test_entropy_of_uniform_is_log_k(k):
    assert entropy(np.full(k, 1 / k)) == pytest.approx(math.log(k))
    assert perplexity(np.full(k, 1 / k)) == pytest.approx(k)


def test_entropy_ignores_zero_entries_and_is_zero_for_certainty():
    assert entropy([1.0, 0.0, 0.0]) == 0.0
    assert entropy([0.5, 0.0, 0.5]) == pytest.approx(math.log(2))


def test_binary_entropy_and_surprisal():
    assert binary_entropy(0.5, base=2) == pytest.approx(1.0)
    assert binary_entropy(0.1) == pytest.approx(entropy([0.9, 0.1]))
    assert surprisal(0.25, base=2) == pytest.approx(2.0)
    assert surprisal(0.5) == pytest.approx(math.log(2))


def test_kl_matches_seed():
    assert kl(np.array([0.7, 0.3]), np.array([0.5, 0.5])) == pytest.approx(0.08228287850505156, rel=1e-12)


def test_kl_hand_case_and_asymmetry():
    # D(Q‖P) for the seed: 0.5 ln(0.5/0.7) + 0.5 ln(0.5/0.3) = 0.0872
    assert kl([0.5, 0.5], [0.7, 0.3]) == pytest.approx(0.5 * math.log(5 / 7) + 0.5 * math.log(5 / 3))
    assert kl([0.5, 0.5], [0.7, 0.3]) != pytest.approx(kl([0.7, 0.3], [0.5, 0.5]))


@pytest.mark.parametrize("p,q", DISTS)
def test_kl_is_zero_on_itself_and_otherwise_positive(p, q):
    assert kl(p, p) == pytest.approx(0.0, abs=1e-15)
    assert kl(p, q) > 0


@pytest.mark.parametrize("p,q", DISTS)
def test_gibbs_inequality_and_decomposition(p, q):
    assert cross_entropy(p, q) >= entropy(p)
    assert cross_entropy(p, q) == pytest.approx(entropy(p) + kl(p, q))
    assert cross_entropy(p, p) == pytest.approx(entropy(p))


def test_kl_infinite_when_q_rules_out_an_outcome_of_p():
    assert kl([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert kl([1.0, 0.0], [0.5, 0.5]) == pytest.approx(math.log(2))


def test_cross_entropy_one_hot_is_negative_log_of_true_class():
    assert cross_entropy([0, 1, 0], [0.2, 0.7, 0.1]) == pytest.approx(-math.log(0.7))
    assert cross_entropy([0, 1, 0], [0.2, 0.7, 0.1], base=2) == pytest.approx(-math.log2(0.7))


def test_bce_of_the_seeds_code():
    # The seed's code −mean(y ln ŷ + (1−y) ln(1−ŷ)) on y=[1,0,1], ŷ=[0.9,0.1,0.8] is
    # (−ln 0.9 − ln 0.9 − ln 0.8)/3 = 0.1446215.
    assert bce([1, 0, 1], [0.9, 0.1, 0.8]) == pytest.approx((2 * -math.log(0.9) - math.log(0.8)) / 3)
    assert bce([1, 0, 1], [0.9, 0.1, 0.8]) == pytest.approx(0.14462152754328741)


def test_bce_seed_printed_value_is_the_mean_over_positive_samples_only():
    # The seed prints 0.164252033486018 = (−ln 0.9 − ln 0.8)/2: the loss averaged over the two
    # y = 1 samples only (the y = 0 sample and its ŷ = 0.1 dropped).
    assert bce([1, 1], [0.9, 0.8]) == pytest.approx(0.164252033486018, rel=1e-12)


def test_bce_extremes():
    assert bce([1, 0], [1.0, 0.0]) == 0.0  # perfect, no 0·log 0 nan
    assert bce([1], [0.0]) == math.inf
    assert bce([1, 1, 1], 0.5) == pytest.approx(math.log(2))


def test_joint_conditional_and_mutual_information():
    independent = np.outer([0.3, 0.7], [0.4, 0.6])
    assert mutual_information(independent) == pytest.approx(0.0, abs=1e-12)
    perfectly_dependent = [[0.5, 0.0], [0.0, 0.5]]
    assert mutual_information(perfectly_dependent) == pytest.approx(math.log(2))
    assert conditional_entropy(perfectly_dependent) == pytest.approx(0.0, abs=1e-12)
    tab = [[0.1, 0.2], [0.3, 0.4]]
    # chain rule of entropy: H(A, B) = H(B) + H(A|B)
    assert joint_entropy(tab) == pytest.approx(entropy([0.4, 0.6]) + conditional_entropy(tab, given=1))


@pytest.mark.parametrize(
    "call",
    [
        lambda: entropy([0.5, -0.5]),
        lambda: entropy([0.5, 0.5], base=1),
        lambda: entropy([0.5, 0.5], base=-2),
        lambda: entropy("abc"),
        lambda: entropy(np.ones(20_000) / 20_000),
        lambda: kl([0.5, 0.5], [0.2, 0.3, 0.5]),
        lambda: cross_entropy([0.5, 0.5], [[0.5, 0.5]]),
        lambda: bce([1, 0], [0.5, 0.5, 0.5]),
        lambda: bce([1, 0], [1.2, 0.5]),
        lambda: bce([], []),
        lambda: surprisal(0.0),
    ],
)
def test_information_refuses_bad_input(call):
    with pytest.raises(ValueError):
        call()


def test_conditional_entropy_is_the_weighted_entropy_of_the_conditionals():
    # rows A, columns B: H(A|B) = Σ_b P(b) H(A | B=b) = 0.4·H(1/4, 3/4) + 0.6·H(1/3, 2/3)
    tab = [[0.1, 0.2], [0.3, 0.4]]
    h = lambda a: -(a * math.log(a) + (1 - a) * math.log(1 - a))  # noqa: E731
    assert conditional_entropy(tab, given=1) == pytest.approx(0.4 * h(0.25) + 0.6 * h(1 / 3))
    assert conditional_entropy(tab, given=0) == pytest.approx(0.3 * h(1 / 3) + 0.7 * h(3 / 7))
