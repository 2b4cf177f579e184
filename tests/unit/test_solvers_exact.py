"""The solvers' fast paths decide and compute exactly as the general NumPy calls they replace.

Each test sets a fast path against the general computation on hand-worked values, including values
at a tolerance's boundary, so a fast path that drifted by one ulp or one comparison would fail here.
"""

import math

import numpy as np
import pytest

from trainer.core.solvers import deep, elementary, information, linalg, probability, statistics
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


@pytest.mark.parametrize("fn, ufunc", [
    (elementary.exp, np.exp), (elementary.log, np.log), (elementary.log2, np.log2),
    (elementary.sqrt, np.sqrt), (elementary.abs_, np.abs),
])
@pytest.mark.parametrize("x", [2.0, 0.5, -3.25, 0.0, -0.0, 1e-310, np.float64(7.0)])
def test_scalar_fast_paths_are_the_0d_array_computation(fn, ufunc, x):
    with np.errstate(all="ignore"):
        expected = ufunc(np.asarray(x, dtype=float)).item()
        got = fn(x)
    assert type(got) is float
    assert np.float64(got).tobytes() == np.float64(expected).tobytes()  # bytes: nan and -0.0 too


def test_elementwise_fast_paths_by_hand():
    assert elementary.sqrt(2.0) == 2**0.5 and elementary.sqrt(np.float64(9.0)) == 3.0
    assert elementary.sqrt(np.array([4.0, 9.0])).tolist() == [2.0, 3.0]
    assert elementary.abs_(-0.0) == 0.0 and math.copysign(1.0, elementary.abs_(-0.0)) == 1.0
    assert elementary.log(np.array([1.0, math.e])).tolist() == [0.0, 1.0]
    assert elementary.erf(0.0) == 0.0 and elementary.erf(np.float64(0.5)) == math.erf(0.5)


def test_sum_and_mean_fast_paths_are_the_array_methods():
    # NumPy's blocked summation gives 1.0 for ten 0.1s, where adding left to right gives 0.9999999999999999.
    tenths = np.array([0.1] * 10)
    assert sum(tenths.tolist()) == 0.9999999999999999
    assert elementary.sum_(tenths) == tenths.sum().item() == 1.0
    assert elementary.mean(tenths) == tenths.mean().item() == 0.1
    assert elementary.mean(np.array([1.0, 2.0, 3.0, 4.0])) == 2.5
    assert elementary.sum_(np.array([[1.0, 2.0], [3.0, 4.0]])) == 10.0
    assert type(elementary.sum_(np.array(5.0))) is float and type(elementary.mean(tenths)) is float
    with pytest.raises(ValueError, match="mean of an empty vector"):
        elementary.mean(np.array([]))


def test_variance_by_hand_and_as_the_general_formula():
    data = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]
    assert statistics.var(data) == 4.0 and statistics.var(data, 1) == pytest.approx(32 / 7, abs=1e-15)
    rough = np.array([0.1, 0.7, 0.2, 1e6, -3.3])
    expected = float(np.sum((rough - rough.mean()) ** 2) / 4)
    assert statistics.var(rough, 1) == expected


def test_normal_cdf_is_the_vectorized_erf_bit_for_bit():
    z = np.array([[-1.5, 0.0], [0.3, 1.96]])
    reference = np.vectorize(lambda t: 0.5 * (1.0 + math.erf(t)), otypes=[float])(z / math.sqrt(2.0))
    got = probability.normal_cdf(z)
    assert got.shape == (2, 2) and got.tobytes() == reference.tobytes()
    assert probability.normal_cdf(0.0) == 0.5 and type(probability.normal_cdf(0.0)) is float
    assert probability.normal_cdf(1.96) == pytest.approx(0.9750021048517795)


def test_as_scalar_fast_paths():
    assert probability.as_scalar(3, "x") == 3.0 and type(probability.as_scalar(3, "x")) is float
    assert probability.as_scalar(2.5, "x") == 2.5
    assert probability.as_scalar(2**53 + 1, "x") == float(np.asarray(2**53 + 1, dtype=float))
    with pytest.raises(ValueError, match="x: expected one number, got shape"):
        probability.as_scalar([1.0, 2.0], "x")


def test_softmax_is_the_max_shifted_ratio_bit_for_bit():
    z = np.array([[1.0, 2.0, 3.0], [0.5, 0.1, -1.0]])
    for axis in (-1, 0):
        e = np.exp(z - np.max(z, axis=axis, keepdims=True))
        assert deep.softmax(z, axis).tobytes() == (e / np.sum(e, axis=axis, keepdims=True)).tobytes()
    assert deep.softmax([0.0, 0.0]).tolist() == [0.5, 0.5]


@pytest.mark.parametrize("x", [0.0, -0.0, 2.0, -2.0, 40.0, -800.0, np.float64(0.5), np.inf, -np.inf, np.nan])
def test_sigmoid_of_a_number_is_the_0d_array_computation(x):
    a = np.asarray(x, dtype=float)
    with np.errstate(all="ignore"):
        expected = np.where(a >= 0, 1 / (1 + np.exp(-np.abs(a))), np.exp(-np.abs(a)) / (1 + np.exp(-np.abs(a))))
        got = elementary.sigmoid(x)
    assert type(got) is float and np.float64(got).tobytes() == np.float64(expected).tobytes()


def test_sigmoid_and_logsumexp_by_hand():
    assert elementary.sigmoid(0.0) == 0.5
    assert elementary.sigmoid(math.log(3)) == pytest.approx(0.75)  # 1 / (1 + 1/3)
    assert elementary.sigmoid(np.array([0.0, -math.log(3)])).tolist() == pytest.approx([0.5, 0.25])
    assert deep.logsumexp([0.0, 0.0]) == math.log(2)
    assert deep.logsumexp([[1.0, 1.0], [2.0, 2.0]]).tolist() == [1.0 + math.log(2), 2.0 + math.log(2)]
    assert deep.logsumexp([-np.inf, 0.0]) == 0.0


@pytest.mark.parametrize("a", [
    [[0.0, -1.0], [-2.0, 0.0]],   # both columns of U come out with a negative first entry or not, by LAPACK
    [[3.0, 0.0], [0.0, -2.0], [0.0, 0.0]],
    [[1.0, 2.0, 3.0]],
    [[-1.0, 1e-12], [2.0, -3.0]],
])
def test_svd_signs_are_the_allclose_decision(a):
    a = np.array(a)
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    canonical = _reference_canonical_sign(u)
    signs = np.array([1.0 if np.allclose(cu, u[:, j]) else -1.0 for j, cu in enumerate(canonical.T)])
    assert linalg.svd_u(a).tobytes() == (u * signs).tobytes()
    assert linalg.svd_vt(a).tobytes() == (vt * signs[:, None]).tobytes()
    # and by hand: U Σ Vᵀ is A again, each column of U starting positive
    assert (linalg.svd_u(a) * s) @ linalg.svd_vt(a) == pytest.approx(a, abs=1e-12)


def test_svd_of_an_antidiagonal_by_hand():
    # [[0, -1], [-2, 0]] has singular values 2 and 1; U's canonical columns are e₂ and e₁.
    assert linalg.singular_values([[0.0, -1.0], [-2.0, 0.0]]).tolist() == [2.0, 1.0]
    assert linalg.svd_u([[0.0, -1.0], [-2.0, 0.0]]).tolist() == [[0.0, 1.0], [1.0, 0.0]]
