"""Samplers draw in constant work at any width and keep `step` and `not` everywhere."""

import numpy as np
import pytest

from trainer.core.templates.samplers import DrawError, SpecError, build_sampler


class CountingRng:
    """A generator that counts how often it is asked for numbers (and by how much)."""

    def __init__(self, seed=0):
        self.rng = np.random.default_rng(seed)
        self.calls = 0

    def integers(self, *args, **kwargs):
        self.calls += 1
        assert "size" not in kwargs  # one number per draw, never an array as wide as the range
        return self.rng.integers(*args, **kwargs)


def draws(spec, n, seed=0, env=None):
    sampler = build_sampler(spec)
    rng = np.random.default_rng(seed)
    return [sampler.draw(rng, env or {}) for _ in range(n)]


def test_a_trillion_wide_range_with_step_7_gives_only_lo_plus_multiples_of_7():
    lo, hi = 3, 3 + 10**12
    values = draws({"int": [lo, hi], "step": 7}, 500)
    assert all(lo <= v <= hi and (v - lo) % 7 == 0 for v in values)
    assert len(set(values)) > 490  # ~1.4e11 grid points: repeats in 500 draws are vanishingly rare


def test_not_values_are_never_drawn_at_trillion_width():
    # Grid 0, 1e11, ..., 1e12 (11 points); all but the last are excluded, so every draw is 1e12.
    excluded = [k * 10**11 for k in range(10)]
    assert set(draws({"int": [0, 10**12], "step": 10**11, "not": excluded}, 200)) == {10**12}


def test_not_values_are_never_drawn_in_a_small_range_and_the_rest_all_are():
    assert set(draws({"int": [1, 5], "not": [2, 4]}, 300)) == {1, 3, 5}
    assert set(draws({"int": [-6, 6], "step": 3, "not": [0, 4.0]}, 300)) == {-6, -3, 3, 6}


def test_a_not_value_off_the_grid_or_fractional_excludes_nothing():
    assert set(draws({"int": [0, 4], "step": 2, "not": [1, 2.5]}, 300)) == {0, 2, 4}


@pytest.mark.parametrize("spec", [
    {"int": [1, 5]},
    {"int": [1, 9], "step": 2},
    {"int": [-4, 20], "step": 3, "not": [2, -4, 17, 50]},
    {"int": [0, 12], "not": [12, 0, 5, 6]},
])
def test_small_ranges_draw_exactly_as_the_listed_values_would(spec):
    # The definition the bundled templates were written against: list the allowed values, pick one
    # with rng.integers(len). The same seed must give the same value, so no instance changes.
    lo, hi = spec["int"]
    allowed = [v for v in range(lo, hi + 1, spec.get("step", 1)) if v not in spec.get("not", [])]
    rng = np.random.default_rng(42)
    expected = [allowed[int(rng.integers(len(allowed)))] for _ in range(100)]
    assert draws(spec, 100, seed=42) == expected


@pytest.mark.parametrize("width", [10, 10**6, 10**12, 10**15])
def test_each_draw_asks_the_generator_once_whatever_the_width(width):
    sampler = build_sampler({"int": [0, width], "step": 7, "not": [0, 14, 21]})
    rng = CountingRng()
    for _ in range(50):
        sampler.draw(rng, {})
    assert rng.calls == 50


def test_ranges_from_earlier_parameters_keep_step_and_not():
    sampler = build_sampler({"int": ["lo", "lo + 20"], "step": 5, "not": [10]})
    rng = np.random.default_rng(1)
    assert {sampler.draw(rng, {"lo": 0}) for _ in range(200)} == {0, 5, 15, 20}


def test_an_empty_range_from_earlier_parameters_is_a_draw_error_not_a_crash():
    sampler = build_sampler({"int": ["a", "a + 2"], "step": 2, "not": [4, 6]})
    with pytest.raises(DrawError, match="no allowed value"):
        sampler.draw(np.random.default_rng(0), {"a": 4})
    with pytest.raises(DrawError, match="empty"):
        build_sampler({"int": ["a", 0]}).draw(np.random.default_rng(0), {"a": 3})


def test_a_static_range_with_every_value_excluded_is_refused_at_load():
    with pytest.raises(SpecError, match="no allowed value") as info:
        build_sampler({"int": [1, 3], "not": [1, 2, 3]})
    assert info.value.key == "int"


@pytest.mark.parametrize("step", ["abc", 2.5, 0, -3, True, [1]])
def test_a_bad_step_is_refused_naming_step(step):
    with pytest.raises(SpecError) as info:
        build_sampler({"int": [1, 10], "step": step})
    assert info.value.key == "step"


def test_not_must_list_numbers():
    with pytest.raises(SpecError) as info:
        build_sampler({"int": [1, 10], "not": [[1, 2]]})
    assert info.value.key == "not"


def test_bounds_beyond_exact_float_integers_are_refused():
    with pytest.raises(SpecError, match="from"):
        build_sampler({"int": [0, 10**17]})


def test_float_step_draws_stay_on_the_grid_at_huge_width():
    values = draws({"float": [0, 1e12], "step": 0.5}, 300)
    assert all(0 <= v <= 1e12 and (2 * v).is_integer() for v in values)


def test_non_finite_float_bounds_are_a_draw_error():
    sampler = build_sampler({"float": ["a", 1]})
    for bad in (float("-inf"), float("nan")):
        with pytest.raises(DrawError):
            sampler.draw(np.random.default_rng(0), {"a": bad})


def test_a_constant_matrix_shape_too_large_is_refused_at_load():
    with pytest.raises(SpecError, match="from 1 to 20") as info:
        build_sampler({"matrix": [30, 30]})
    assert info.value.key == "matrix"
    with pytest.raises(SpecError, match="larger than 100 cells"):
        build_sampler({"matrix": [20, 20]})
