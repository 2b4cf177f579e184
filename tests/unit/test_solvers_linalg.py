"""Linear-algebra solvers against the seed article's printed values and hand-worked cases.

Every expected value below is computed by hand (shown in the comments) or is a textbook identity,
never produced by the code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from trainer.core.solvers import linalg
from trainer.core.solvers.linalg import affine, eigvals, eigvec, eigvecs, singular_values, solve, svd_u, svd_vt


def test_affine_seed_example():
    # Seed 1: A=[[2,1],[1,3]], x=[1,2], b=[0,1]. By hand A x = [2·1+1·2, 1·1+3·2] = [4, 7].
    # NB: the seed's comment prints "[4 7]" for A @ x + b, but adding b = [0, 1] gives [4, 8];
    # the printed value is A @ x alone. We test the true value of both.
    A, x, b = [[2, 1], [1, 3]], [1, 2], [0, 1]
    np.testing.assert_allclose(affine(A, x), [4, 7])
    np.testing.assert_allclose(affine(A, x, b), [4, 8])


def test_affine_rectangular_and_errors():
    # 2×3 times length-3: rows [1,0,2]·[1,1,1] = 3, [0,1,-1]·[1,1,1] = 0; plus b
    np.testing.assert_allclose(affine([[1, 0, 2], [0, 1, -1]], [1, 1, 1], [1, 2]), [4, 2])
    with pytest.raises(ValueError, match="A x needs 3"):
        affine([[1, 0, 2], [0, 1, -1]], [1, 1])
    with pytest.raises(ValueError, match="b has 3 entries"):
        affine([[1, 0], [0, 1]], [1, 1], [1, 2, 3])


def test_eigenvalues_seed_matrix():
    # Seed 1: A = [[4,2],[1,3]]. Characteristic polynomial λ² − 7λ + 10 (trace 7, det 12 − 2 = 10)
    # = (λ − 5)(λ − 2).
    np.testing.assert_allclose(eigvals([[4, 2], [1, 3]]), [5, 2])


def test_eigenvectors_seed_matrix():
    # (A − 5I) v = 0: [[-1, 2], [1, -2]] v = 0 → v ∝ [2, 1]; (A − 2I) = [[2, 2], [1, 1]] → v ∝ [1, −1].
    v = eigvecs([[4, 2], [1, 3]])
    np.testing.assert_allclose(v[:, 0], np.array([2, 1]) / math.sqrt(5))
    np.testing.assert_allclose(v[:, 1], np.array([1, -1]) / math.sqrt(2))
    np.testing.assert_allclose(eigvec([[4, 2], [1, 3]], 1), np.array([1, -1]) / math.sqrt(2))
    np.testing.assert_allclose(eigvec([[4, 2], [1, 3]], -1), np.array([1, -1]) / math.sqrt(2))


def test_eigen_definition_holds():
    A = np.array([[2.0, 1.0], [1.0, 2.0]])  # symmetric: eigenvalues 3 and 1
    np.testing.assert_allclose(eigvals(A), [3, 1])
    for i, lam in enumerate([3, 1]):
        v = eigvec(A, i)
        np.testing.assert_allclose(A @ v, lam * v)
        assert math.isclose(np.linalg.norm(v), 1.0)
    # sign convention: first nonzero component positive, even where LAPACK returns the other sign
    np.testing.assert_allclose(eigvec([[-1, 0], [0, -3]], 0), [1, 0])
    np.testing.assert_allclose(eigvec([[0, 0], [0, 2]], 0), [0, 1])


def test_eigen_rejects_complex_and_bad_shapes():
    with pytest.raises(ValueError, match="complex"):
        eigvals([[0, -1], [1, 0]])  # 90° rotation: λ = ±i
    with pytest.raises(ValueError, match="square"):
        eigvals([[1, 2, 3], [4, 5, 6]])
    with pytest.raises(ValueError, match="non-finite"):
        eigvals([[float("nan"), 0], [0, 1]])
    with pytest.raises(ValueError, match="index"):
        eigvec([[1, 0], [0, 2]], 2)
    with pytest.raises(ValueError, match="at most"):
        eigvals(np.zeros((101, 101)))


def test_svd_seed_matrix():
    # Seed 1: A = [[1,2],[3,4],[5,6]]. By hand AᵀA = [[1+9+25, 2+12+30], [.., 4+16+36]] = [[35,44],[44,56]],
    # trace 91, det 35·56 − 44² = 1960 − 1936 = 24, so σ₁² + σ₂² = 91 and σ₁²σ₂² = 24:
    # σ² = (91 ± √(91² − 96))/2 = (91 ± √8185)/2.
    A = np.array([[1, 2], [3, 4], [5, 6]], dtype=float)
    s = singular_values(A)
    assert math.isclose(s[0] ** 2 + s[1] ** 2, 91)
    assert math.isclose(s[0] ** 2 * s[1] ** 2, 24)
    expected = [math.sqrt((91 + math.sqrt(8185)) / 2), math.sqrt((91 - math.sqrt(8185)) / 2)]
    np.testing.assert_allclose(s, expected)
    np.testing.assert_allclose(s, [9.52551809, 0.51430058], rtol=1e-8)  # the seed's printed S


def test_svd_factors_reconstruct_and_are_orthonormal():
    A = np.array([[1, 2], [3, 4], [5, 6]], dtype=float)
    U, S, Vt = svd_u(A), singular_values(A), svd_vt(A)
    assert U.shape == (3, 2) and Vt.shape == (2, 2)
    np.testing.assert_allclose(U @ np.diag(S) @ Vt, A, atol=1e-12)
    np.testing.assert_allclose(U.T @ U, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(Vt @ Vt.T, np.eye(2), atol=1e-12)
    assert U[0, 0] > 0 and U[0, 1] > 0  # canonical sign: first entry of each column positive


def test_svd_of_diagonal_is_absolute_diagonal():
    # A diagonal matrix's singular values are |entries|, sorted decreasingly.
    np.testing.assert_allclose(singular_values([[-2, 0], [0, 3]]), [3, 2])


def test_solve_article_system():
    # Seed 2 eliminates x by "multiplying equation 1 by −2 and adding" to get y = 9, then x = 0.
    # A system consistent with that: x + 2y = 18, 2x + 5y = 45. −2·(1) + (2): y = 45 − 36 = 9,
    # then x = 18 − 2·9 = 0.
    np.testing.assert_allclose(solve([[1, 2], [2, 5]], [18, 45]), [0, 9], atol=1e-12)


def test_solve_hand_case_and_errors():
    # 2x + y = 5, x − y = 1 → 3x = 6, x = 2, y = 1
    np.testing.assert_allclose(solve([[2, 1], [1, -1]], [5, 1]), [2, 1])
    with pytest.raises(ValueError, match="singular"):
        solve([[1, 2], [2, 4]], [1, 2])
    with pytest.raises(ValueError, match="b has 3"):
        solve([[1, 0], [0, 1]], [1, 2, 3])
    with pytest.raises(ValueError, match="numbers"):
        solve("abc", [1])


def test_module_exports_are_documented_cards():
    for name in linalg.__all__:
        assert getattr(linalg, name).__doc__
    ids = {card.id for card in linalg.EQUATIONS}
    assert {"linear-transformation", "eigen", "svd", "linear-system"} <= ids
    for card in linalg.EQUATIONS:
        assert "\n" in card.display and card.summary.count(". ") >= 1
