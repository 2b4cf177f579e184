"""The samplers' fast paths draw exactly what the plain NumPy definitions drew, bit for bit.

Each reference below is the general computation the bundled templates were written against; the
same seed must give the same bytes and leave the generator in the same state, so no instance changes.
The integer-eigenvalue matrices, drawn another way since they may no longer be triangular, are
checked against NumPy's eigenvalues instead.
"""

import numpy as np
import pytest

from trainer.core.templates.samplers import DrawError, build_sampler


@pytest.mark.parametrize("n, lo, hi", [(2, -3, 5), (2, -3, 6), (3, -5, 5), (4, -6, 6)])
def test_integer_eigenvalue_matrices_have_distinct_integer_eigenvalues_and_are_not_triangular(n, lo, hi):
    # Checked with NumPy's own eigenvalues, not with the sampler's construction.
    sampler = build_sampler({"matrix": [n, n], "int": [lo, hi], "property": "integer-eigenvalues"})
    for seed in range(60):
        a = sampler.draw(np.random.default_rng(seed), {})
        assert a.shape == (n, n) and (a == np.round(a)).all()
        assert np.abs(a).max() <= 2 * max(abs(lo), abs(hi))
        w = np.linalg.eigvals(a)
        assert np.abs(w.imag).max() < 1e-6
        eig = np.round(np.sort(w.real))
        assert np.allclose(np.sort(w.real), eig, atol=1e-6)
        assert len(set(eig)) == n and lo <= eig.min() and eig.max() <= hi
        # A triangular matrix would show its eigenvalues on its diagonal.
        assert np.tril(a, -1).any() and np.triu(a, 1).any()
        assert sampler.draw(np.random.default_rng(seed), {}).tobytes() == a.tobytes()  # the seed decides


def test_integer_eigenvalue_matrices_need_enough_distinct_values():
    sampler = build_sampler({"matrix": [3, 3], "int": [1, 2], "property": "integer-eigenvalues"})
    with pytest.raises(DrawError, match=r"need 3 distinct eigenvalues in \[1, 2\]"):
        sampler.draw(np.random.default_rng(0), {})


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
