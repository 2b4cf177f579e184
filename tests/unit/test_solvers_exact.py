"""The solvers' fast paths decide and compute exactly as the general NumPy calls they replace.

Each test sets a fast path against the general computation on hand-worked values, including values
at a tolerance's boundary, so a fast path that drifted by one ulp or one comparison would fail here.
"""

import math

import numpy as np
import pytest

from trainer.core.solvers import information, linalg
from trainer.core.solvers._inputs import symmetric


def _reference_canonical_sign(v):
    """The convention as first written: flatnonzero over each column's clearly nonzero entries."""
    v = v.copy()
    for j in range(v.shape[1]):
        col = v[:, j]
        scale = np.max(np.abs(col)) if col.size else 0.0
        nz = np.flatnonzero(np.abs(col) > 1e-9 * max(scale, 1e-300))
        if nz.size and col[nz[0]] < 0:
            v[:, j] = -col
    return v


def test_eigenvalues_of_a_symmetric_2x2_are_one_and_three():
    # det([[2-λ, 1], [1, 2-λ]]) = (2-λ)² - 1 = 0  ⟹  λ = 3, 1.
    assert linalg.eigvals([[2, 1], [1, 2]]).tolist() == pytest.approx([3.0, 1.0], abs=1e-12)
    v = linalg.eigvecs([[2, 1], [1, 2]])
    assert v[:, 0] == pytest.approx([2**-0.5, 2**-0.5]) and v[:, 1] == pytest.approx([2**-0.5, -(2**-0.5)])


@pytest.mark.parametrize("gap", [0.0, 1e-13, 2e-12, 4e-12, 4.000000000000001e-12, 4.1e-12, 1e-11, 1.0])
@pytest.mark.parametrize("big", [0.5, 1.0, 4.0, 1e6])
def test_the_symmetry_test_decides_as_allclose_at_its_boundary(gap, big):
    # atol = 1e-12·max(1, largest |entry|); gaps on either side of it, and exactly at it (4e-12 at big=4).
    a = np.array([[big, 1.0 + gap], [1.0, -2.0]])
    expected = np.allclose(a, a.T, rtol=0, atol=1e-12 * max(1.0, float(np.max(np.abs(a)))))
    assert symmetric(a) is bool(expected)


def test_the_symmetry_test_at_exactly_atol_holds_and_one_ulp_above_fails():
    a = np.array([[1.0, 0.0], [1e-12, 1.0]])  # |a01 − a10| = 1e-12 = atol: allclose's <= holds
    assert symmetric(a) and np.allclose(a, a.T, rtol=0, atol=1e-12)
    a[1, 0] = np.nextafter(1e-12, 1.0)
    assert not symmetric(a) and not np.allclose(a, a.T, rtol=0, atol=1e-12)


@pytest.mark.parametrize("v", [
    [[0.0, 1.0], [-1.0, 0.0]],            # first nonzero of column 0 is -1: flipped
    [[1e-12, -0.6], [-1.0, 0.8]],         # 1e-12 is below 1e-9 of the column's scale: -1 decides
    [[0.0, 0.0], [0.0, 0.0]],             # zero columns stay as they are
    [[-3.0, 2.0], [4.0, -5.0], [0.0, 1.0]],
    [[np.nan, -1.0], [1.0, 0.5]],         # a NaN column compares false everywhere: left alone
])
def test_canonical_signs_are_the_reference_convention(v):
    v = np.array(v)
    assert linalg._canonical_sign(v).tobytes() == _reference_canonical_sign(v).tobytes()


def test_canonical_sign_by_hand():
    v = linalg._canonical_sign(np.array([[1e-12, -0.6], [-1.0, 0.8]]))
    assert v.tolist() == [[-1e-12, 0.6], [1.0, -0.8]]


def _reference_plogq(p, q):
    """p · ln q as first written: a masked assignment under errstate, for any pair."""
    out = np.zeros(np.broadcast(p, q).shape)
    pb, qb = np.broadcast_to(p, out.shape), np.broadcast_to(q, out.shape)
    live = pb > 0
    with np.errstate(divide="ignore"):
        out[live] = pb[live] * np.log(qb[live])
    return out


@pytest.mark.parametrize("p", [
    [0.5, 0.5], [0.9, 0.1], [0.5, 0.5, 0.0], [1.0], [0.0, 1.0],
    [[0.1, 0.2], [0.3, 0.4]], np.array([[0.1, 0.2], [0.3, 0.4]]).T,  # a transposed (strided) table
])
def test_p_log_p_is_the_masked_computation_bit_for_bit(p):
    p = np.asarray(p, dtype=float)
    assert information._plogq(p, p).tobytes() == _reference_plogq(p, p).tobytes()


def test_entropy_and_kl_by_hand():
    assert information.entropy([0.5, 0.5]) == pytest.approx(math.log(2), abs=1e-15)
    assert information.entropy([0.5, 0.5], 2.0) == pytest.approx(1.0, abs=1e-15)
    assert information.entropy([0.5, 0.5], 2) == information.entropy([0.5, 0.5], 2.0)
    assert information.entropy([0.25, 0.25, 0.5, 0.0], 2.0) == pytest.approx(1.5, abs=1e-15)
    # D([0.7, 0.3] ‖ [0.5, 0.5]) = 0.7 ln 1.4 + 0.3 ln 0.6
    assert information.kl([0.7, 0.3], [0.5, 0.5]) == pytest.approx(0.7 * math.log(1.4) + 0.3 * math.log(0.6))
    with pytest.raises(ValueError, match="base: a logarithm base must be positive and not 1, got 1"):
        information.entropy([0.5, 0.5], 1.0)
    with pytest.raises(ValueError, match="got -2"):
        information.entropy([0.5, 0.5], -2.0)
