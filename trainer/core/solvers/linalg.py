"""Linear-algebra solvers: the affine map y = Ax + b, eigen-decomposition, SVD and linear systems.

Core layer. Plain NumPy functions whitelisted for template expressions and typed answers (see
`trainer.core.solvers.registry`). Every function coerces its inputs with `np.asarray(..., float)`,
bounds their size and raises `ValueError` with a plain message on anything it cannot handle, so a
learner's typed answer can never crash the grader. Results that are only defined up to sign
(eigenvectors, singular vectors) are returned in one canonical sign so that templates and tests see
the same vector on every machine.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainer.core.solvers._inputs import as_array as _arr, shape_text as _shape, symmetric

from trainer.core.solvers.equations import Equation

_IMAG_TOL = 1e-9  # relative size of an imaginary part we still treat as round-off

__all__ = [
    "affine",
    "eigvals",
    "eigvecs",
    "eigvec",
    "singular_values",
    "svd_u",
    "svd_vt",
    "solve",
]

ALIASES = {
    "linear_map": "affine",
    "eigenvalues": "eigvals",
    "eigenvectors": "eigvecs",
    "eigenvector": "eigvec",
    "svd": "singular_values",
    "svdvals": "singular_values",
}






def _square(x: Any, name: str) -> np.ndarray:
    a = _arr(x, name, 2)
    if a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty square matrix, got shape {_shape(a)}")
    if not np.isfinite(a).all():  # np.all's reduction, minus its dispatch
        raise ValueError(f"{name} has non-finite entries")
    return a


def _canonical_sign(v: np.ndarray) -> np.ndarray:
    """Flip each column so its first clearly nonzero entry is positive.

    Eigen- and singular vectors are only defined up to sign; LAPACK's choice varies by platform,
    so we fix one convention that a learner can also reproduce by hand.
    """
    v = v.copy()
    if not v.shape[0]:
        return v
    mags = np.abs(v)
    for j in range(v.shape[1]):
        mag = mags[:, j]
        scale = mag.max()  # np.max's reduction, minus its dispatch
        clear = mag > 1e-9 * max(scale, 1e-300)
        first = clear.argmax()  # the first clearly nonzero entry, when `clear` has one
        if clear[first] and v[first, j] < 0:
            v[:, j] = -v[:, j]
    return v


def _real_eig(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (descending) and unit eigenvectors (columns) of a matrix with a real spectrum."""
    try:
        if symmetric(a):
            w, v = np.linalg.eigh((a + a.T) / 2)
        else:
            w, v = np.linalg.eig(a)
    except np.linalg.LinAlgError:
        raise ValueError("the eigen-decomposition did not converge") from None
    scale = max(1.0, float(np.abs(w).max()))
    if w.dtype.kind == "c":  # np.iscomplexobj of an array
        if np.abs(w.imag).max() > _IMAG_TOL * scale:
            raise ValueError("the matrix has complex eigenvalues (it rotates the plane)")
        w, v = w.real, v.real
    order = np.argsort(-w, kind="stable")
    w, v = w[order], v[:, order]
    norms = np.linalg.norm(v, axis=0)
    v = v / np.where(norms == 0, 1.0, norms)
    return w, _canonical_sign(v)


def affine(A, x, b=None):
    """The linear (affine) transformation y = A x + b of a neural-network layer.

    Args:
        A: m×n matrix.
        x: vector of length n.
        b: bias vector of length m (or a scalar); omitted means no bias.

    Returns:
        The vector y of length m.

    Raises:
        ValueError: shapes that do not fit together, or oversized inputs.
    """
    a = _arr(A, "A", 2)
    v = _arr(x, "x", 1)
    if a.shape[1] != v.shape[0]:
        raise ValueError(f"A is {_shape(a)} but x has {v.shape[0]} entries; A x needs {a.shape[1]}")
    y = a @ v
    if b is not None:
        bias = _arr(b, "b", (0, 1))
        if bias.ndim == 1 and bias.shape[0] != y.shape[0]:
            raise ValueError(f"b has {bias.shape[0]} entries but A x has {y.shape[0]}")
        y = y + bias
    return y


def eigvals(A):
    """Eigenvalues λ of A (A v = λ v), real and sorted in decreasing order.

    Symmetric matrices use the symmetric solver (always real). Other matrices must have a real
    spectrum, as every template matrix does.

    Args:
        A: square matrix.

    Returns:
        Vector of eigenvalues, largest first.

    Raises:
        ValueError: A is not square, has non-finite entries, or has complex eigenvalues.
    """
    return _real_eig(_square(A, "A"))[0]


def eigvecs(A):
    """Unit eigenvectors of A as the columns of a matrix, in the order of `eigvals(A)`.

    Each column has length 1 and its first nonzero entry positive (eigenvectors are only defined up
    to scale and sign; this fixes one representative).

    Args:
        A: square matrix with a real spectrum.

    Returns:
        n×n matrix whose column j belongs to the j-th largest eigenvalue.

    Raises:
        ValueError: as for `eigvals`.
    """
    return _real_eig(_square(A, "A"))[1]


def eigvec(A, i=0):
    """The unit eigenvector of the i-th largest eigenvalue of A (i = 0: the largest).

    Args:
        A: square matrix with a real spectrum.
        i: 0-based rank of the eigenvalue, largest first; negative counts from the smallest.

    Returns:
        Vector of length n, norm 1, first nonzero entry positive.

    Raises:
        ValueError: as for `eigvals`, or i out of range.
    """
    v = eigvecs(A)
    k = _index(i, v.shape[1])
    return v[:, k]


def _index(i: Any, n: int) -> int:
    if isinstance(i, float) and i.is_integer():
        i = int(i)
    if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not -n <= i < n:
        raise ValueError(f"index must be a whole number from {-n} to {n - 1}")
    return int(i) % n


def _svd(A: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a = _arr(A, "A", 2)
    if a.size == 0:
        raise ValueError("A is empty")
    if not np.isfinite(a).all():
        raise ValueError("A has non-finite entries")
    try:
        u, s, vt = np.linalg.svd(a, full_matrices=False)
    except np.linalg.LinAlgError:
        raise ValueError("the SVD did not converge") from None
    # the sign that makes U's column canonical must also flip V's row, or UΣVᵀ ≠ A
    # A column the convention flipped differs from U's (it has a clearly nonzero entry): -1 there. (What
    # np.allclose(canonical, u) per column decided: a unit column is never close to its negative.)
    signs = np.where((_canonical_sign(u) != u).any(axis=0), -1.0, 1.0)
    return u * signs, s, vt * signs[:, None]


def singular_values(A):
    """Singular values σ of A = U Σ Vᵀ, in decreasing order (σᵢ² are the eigenvalues of AᵀA).

    Args:
        A: m×n matrix.

    Returns:
        Vector of min(m, n) non-negative singular values, largest first.

    Raises:
        ValueError: A is not a non-empty finite matrix, or is oversized.
    """
    return _svd(A)[1]


def svd_u(A):
    """Left singular vectors U of the reduced SVD A = U Σ Vᵀ (m×k, k = min(m, n)).

    Column j is paired with the j-th largest singular value; its first nonzero entry is positive,
    and the matching row of `svd_vt(A)` carries the same sign so that U Σ Vᵀ = A.

    Raises:
        ValueError: as for `singular_values`.
    """
    return _svd(A)[0]


def svd_vt(A):
    """Right singular vectors Vᵀ (k×n) of the reduced SVD A = U Σ Vᵀ, signs matched to `svd_u`.

    Raises:
        ValueError: as for `singular_values`.
    """
    return _svd(A)[2]


def solve(A, b):
    """The solution x of the linear system A x = b.

    Args:
        A: invertible n×n matrix of coefficients (one row per equation).
        b: right-hand side, a vector of length n.

    Returns:
        The vector x.

    Raises:
        ValueError: shapes that do not fit, or a singular (or numerically singular) matrix.
    """
    a = _square(A, "A")
    rhs = _arr(b, "b", 1)
    if rhs.shape[0] != a.shape[0]:
        raise ValueError(f"A is {_shape(a)} but b has {rhs.shape[0]} entries")
    if np.linalg.cond(a) > 1e12:
        raise ValueError("the system has no unique solution (A is singular)")
    try:
        return np.linalg.solve(a, rhs)
    except np.linalg.LinAlgError:
        raise ValueError("the system has no unique solution (A is singular)") from None


EQUATIONS = [
    Equation(
        id="linear-transformation",
        name="Linear transformation y = Ax + b",
        topic="linear-algebra",
        display=(
            "  y = A x + b\n"
            "\n"
            "  ⎡y₁⎤   ⎡a₁₁ a₁₂⎤ ⎡x₁⎤   ⎡b₁⎤\n"
            "  ⎣y₂⎦ = ⎣a₂₁ a₂₂⎦ ⎣x₂⎦ + ⎣b₂⎦      A ∈ ℝᵐˣⁿ, x ∈ ℝⁿ, b, y ∈ ℝᵐ"
        ),
        summary=(
            "Each output yᵢ is the dot product of row i of A with x, plus the bias bᵢ. "
            "This is exactly what a dense (fully connected) neural-network layer computes before "
            "its activation, and the prediction of linear regression."
        ),
    ),
    Equation(
        id="eigen",
        name="Eigenvalues and eigenvectors",
        topic="linear-algebra",
        display=(
            "  A v = λ v ,   v ≠ 0\n"
            "\n"
            "  det(A − λI) = 0   ⟶  for 2×2:  λ² − tr(A) λ + det(A) = 0\n"
            "\n"
            "        tr(A) ± √(tr(A)² − 4 det(A))\n"
            "  λ = ───────────────────────────────\n"
            "                      2"
        ),
        summary=(
            "An eigenvector keeps its direction under A and is only stretched by its eigenvalue λ. "
            "The eigenvalues sum to the trace and multiply to the determinant. PCA projects data "
            "onto the eigenvectors of the covariance matrix with the largest eigenvalues."
        ),
    ),
    Equation(
        id="svd",
        name="Singular value decomposition",
        topic="linear-algebra",
        display=(
            "  A = U Σ Vᵀ        UᵀU = I,  VᵀV = I,  Σ = diag(σ₁ ≥ σ₂ ≥ … ≥ 0)\n"
            "\n"
            "  σᵢ = √λᵢ(AᵀA)"
        ),
        summary=(
            "Every matrix factors into a rotation, an axis-wise scaling by the singular values and "
            "another rotation. The singular values are the square roots of the eigenvalues of AᵀA; "
            "keeping only the largest ones gives the best low-rank approximation (PCA, "
            "recommender systems, compression)."
        ),
    ),
    Equation(
        id="linear-system",
        name="Solving a linear system",
        topic="linear-algebra",
        display=(
            "  a₁₁x + a₁₂y = b₁        ⎡a₁₁ a₁₂⎤ ⎡x⎤   ⎡b₁⎤\n"
            "  a₂₁x + a₂₂y = b₂   ⟺   ⎣a₂₁ a₂₂⎦ ⎣y⎦ = ⎣b₂⎦   ⟹   x = A⁻¹ b"
        ),
        summary=(
            "Simultaneous linear equations are one matrix equation A x = b; when A is invertible "
            "the unique solution is x = A⁻¹b, found by elimination. Each equation can be read as "
            "one observation of a dataset, which is why least squares and linear regression reduce "
            "to solving linear systems."
        ),
    ),
]
