"""The samplers' fast paths draw exactly what the plain NumPy definitions drew, bit for bit.

Each reference below is the general computation the bundled templates were written against; the
same seed must give the same bytes and leave the generator in the same state, so no instance changes.
"""

import numpy as np
import pytest

from trainer.core.templates.samplers import DrawError, build_sampler


def _reference_integer_eigen(rng, n, lo, hi):
    """The integer-eigenvalues draw as first written: choice over an arange, shears by matrix product."""
    for _ in range(max(1, min(200, 2000 // (10 + 40 * n)))):  # the sampler's tries at this size
        eig = rng.choice(np.arange(lo, hi + 1), size=n, replace=False).astype(float)
        p = np.eye(n)
        for _ in range(2 * n):
            i, j = rng.choice(n, size=2, replace=False)
            e = np.eye(n)
            e[i, j] = rng.choice([-1, 1])
            p = p @ e
        a = np.rint(p @ np.diag(eig) @ np.linalg.inv(p))
        if np.max(np.abs(a)) <= max(abs(lo), abs(hi)) * 2 and np.count_nonzero(a - np.diag(np.diag(a))):
            return a
    return None


@pytest.mark.parametrize("n, lo, hi", [(2, -3, 5), (2, -3, 6), (3, -5, 5), (5, -20, 20)])
def test_integer_eigenvalue_matrices_are_the_reference_draws_bit_for_bit(n, lo, hi):
    sampler = build_sampler({"matrix": [n, n], "int": [lo, hi], "property": "integer-eigenvalues"})
    for seed in range(60):
        ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
        expected = _reference_integer_eigen(theirs, n, lo, hi)
        if expected is None:
            with pytest.raises(DrawError, match="integer matrix with small integer eigenvalues"):
                sampler.draw(ours, {})
            continue
        a = sampler.draw(ours, {})
        assert a.tobytes() == expected.tobytes()  # bytes: a -0.0 for a 0.0 would fail here
        assert ours.bit_generator.state == theirs.bit_generator.state


def test_a_list_choice_of_two_signs_is_one_integers_draw():
    # Why the sampler may index (-1, 1) with integers(2) instead of calling choice([-1, 1]).
    a, b = np.random.default_rng(7), np.random.default_rng(7)
    assert [int(a.choice([-1, 1])) for _ in range(200)] == [(-1, 1)[b.integers(2)] for _ in range(200)]
    assert a.bit_generator.state == b.bit_generator.state


def test_a_shear_as_a_column_operation_is_the_matrix_product():
    # [[2, 1], [-1, 0]] @ [[1, 0], [-1, 1]] = [[1, 1], [-1, 0]]: column 1 times -1 added to column 0,
    # and the zero stays +0 (bytes compared).
    p = np.array([[2.0, 1.0], [-1.0, 0.0]])
    shear = np.array([[1.0, 0.0], [-1.0, 1.0]])
    product = p @ shear
    p[:, 0] += -1 * p[:, 1]
    assert p.tolist() == [[1.0, 1.0], [-1.0, 0.0]]
    assert p.tobytes() == product.tobytes()


def test_a_symmetric_draw_is_the_upper_triangle_mirrored_as_triu_adds_it():
    # Entries in [-0.02, 0.02] at one decimal round to 0.0 or -0.0: the triu sum turns every -0.0 into
    # 0.0, and the sampler must too (bytes compared).
    spec = {"matrix": [3, 3], "float": [-0.02, 0.02], "decimals": 1, "property": "symmetric"}
    sampler = build_sampler(spec)
    for seed in range(20):
        ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
        a = theirs.uniform(-0.02, 0.02, size=(3, 3)).round(1)
        expected = np.triu(a) + np.triu(a, 1).T
        got = sampler.draw(ours, {})
        assert got.tobytes() == expected.tobytes()
        assert not np.signbit(got).any()
    m = build_sampler({"matrix": [2, 2], "int": [-5, 5], "property": "symmetric"}).draw(np.random.default_rng(3), {})
    assert m[0, 1] == m[1, 0]


def test_vector_and_matrix_entries_are_one_generator_call_per_try():
    rng = np.random.default_rng(11)
    expected = [rng.integers(-5, 6, size=3).astype(float), rng.uniform(-1, 1, size=(2, 2)).round(2)]
    rng = np.random.default_rng(11)
    got = [build_sampler({"vector": 3, "int": [-5, 5]}).draw(rng, {}),
           build_sampler({"matrix": [2, 2], "float": [-1, 1]}).draw(rng, {})]
    assert [g.tobytes() for g in got] == [e.tobytes() for e in expected]


def test_ranges_from_parameters_and_bad_constant_ranges_still_fail_at_the_draw():
    sampler = build_sampler({"vector": "k", "int": ["lo", "hi"]})
    v = sampler.draw(np.random.default_rng(0), {"k": 2, "lo": 7, "hi": 7})
    assert v.tolist() == [7.0, 7.0]
    with pytest.raises(DrawError, match=r"entry range \[3, 1\] is empty"):
        sampler.draw(np.random.default_rng(0), {"k": 2, "lo": 3, "hi": 1})
    fractional = build_sampler({"vector": 2, "int": [1.5, 4]})  # accepted at load, refused per draw
    for _ in range(2):
        with pytest.raises(DrawError, match="entry low must be a whole number, got 1.5"):
            fractional.draw(np.random.default_rng(0), {})


def test_nonzero_vectors_have_no_zero_and_redraw_as_before():
    rng = np.random.default_rng(5)
    tries = []
    while True:  # the reference: whole redraws until no entry is zero
        v = rng.integers(-1, 2, size=4).astype(float)
        tries.append(v)
        if (v != 0).all():
            break
    value, work = build_sampler({"vector": 4, "int": [-1, 1], "nonzero": True}).measured_draw(
        np.random.default_rng(5), {})
    assert value.tobytes() == tries[-1].tobytes() and work == 3 * len(tries)
