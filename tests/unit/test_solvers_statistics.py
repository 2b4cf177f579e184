"""Statistics solvers against hand calculations and standard-normal table values."""

from __future__ import annotations

import math

import pytest

from trainer.core.solvers.statistics import (
    confidence_interval,
    median,
    p_value,
    standard_error,
    std,
    var,
    z_stat,
    z_test,
    zscore,
)

DATA = [2, 4, 4, 4, 5, 5, 7, 9]  # mean 5, squared deviations sum to 32


def test_variance_population_and_sample():
    assert var(DATA) == pytest.approx(4.0)
    assert var(DATA, ddof=1) == pytest.approx(32 / 7)
    assert std(DATA) == pytest.approx(2.0)
    assert std(DATA, ddof=1) == pytest.approx(math.sqrt(32 / 7))


def test_variance_of_constant_is_zero_and_single_value_population():
    assert var([3, 3, 3], ddof=1) == 0.0
    assert var([7]) == 0.0


def test_median_odd_even_and_unsorted():
    assert median([3, 1, 2]) == 2
    assert median(DATA) == 4.5
    assert median([10, 1, 2, 100]) == 6.0


def test_zscore_hand_cases():
    assert zscore(130, 100, 15) == pytest.approx(2.0)
    assert zscore([85, 100], 100, 15) == pytest.approx([-1.0, 0.0])


def test_standard_error_and_z_statistic():
    assert standard_error(10, 25) == pytest.approx(2.0)
    # x̄ = 104, μ₀ = 100, σ = 10, n = 25 → z = 4 / 2 = 2
    assert z_stat(104, 100, 10, 25) == pytest.approx(2.0)


def test_p_values_from_the_normal_table():
    assert p_value(1.96) == pytest.approx(0.05, abs=1e-4)
    assert p_value(-1.96) == pytest.approx(0.05, abs=1e-4)
    assert p_value(1.645, "greater") == pytest.approx(0.05, abs=1e-4)
    assert p_value(-1.645, "less") == pytest.approx(0.05, abs=1e-4)
    assert p_value(0.0) == 1.0
    assert p_value(2.0, "greater") + p_value(2.0, "less") == pytest.approx(1.0)
    # the two-sided p is twice the one-sided one in the direction of z
    assert p_value(1.3) == pytest.approx(2 * p_value(1.3, "greater"))


def test_p_value_tail_synonyms():
    assert p_value(1.2, "upper") == p_value(1.2, "greater") == p_value(1.2, 1)
    assert p_value(1.2, 2) == p_value(1.2, "two-sided")


def test_z_test_end_to_end():
    # z = 2 → two-sided p = 2(1 − 0.97725) = 0.0455
    assert z_test(104, 100, 10, 25) == pytest.approx(0.0455, abs=1e-4)
    assert z_test(104, 100, 10, 25, "greater") == pytest.approx(0.02275, abs=1e-5)


def test_confidence_interval():
    assert confidence_interval(50, 10, 100) == pytest.approx([48.04, 51.96])


@pytest.mark.parametrize(
    "call",
    [
        lambda: var([5], ddof=1),
        lambda: var([]),
        lambda: var([1, 2], ddof=0.5),
        lambda: var([[1, 2], [3, 4]]),
        lambda: median([1, float("nan")]),
        lambda: zscore(1, 0, 0),
        lambda: standard_error(1, 0),
        lambda: p_value(1.0, "sideways"),
        lambda: p_value(1.0, 3),
        lambda: var(list(range(20_000))),
    ],
)
def test_statistics_refuses_bad_input(call):
    with pytest.raises(ValueError):
        call()
