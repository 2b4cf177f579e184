"""Calculus and optimization solvers: gradient descent, the regression cost and its partial derivatives,
the sigmoid derivative and the backpropagation chain rule of a single sigmoid neuron.

Core layer. Plain NumPy functions whitelisted for template expressions and typed answers (see
`trainer.core.solvers.registry`). Inputs are coerced with `np.asarray(..., float)`, sizes and
iteration counts are bounded, and anything unusable raises `ValueError` with a plain message.

Conventions (stated in every prompt that uses them):
- regression cost  J(m, c) = (1/n) Σ (yᵢ − (m xᵢ + c))²  (slope m, intercept c);
- batch gradient of the least-squares loss in matrix form  (1/m) Xᵀ(Xθ − y), as in the seed's code;
- sigmoid neuron  z = w·x + b,  a = σ(z),  squared loss  L = (a − y)².
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainer.core.solvers._inputs import as_array as _arr

from trainer.core.solvers.equations import Equation

MAX_EPOCHS = 100_000
MAX_WORK = 20_000_000  # epochs × entries of X: keeps linreg_gd well under a second on any input

__all__ = [
    "gd_step",
    "linreg_grad",
    "linreg_gd",
    "reg_cost",
    "reg_cost_dm",
    "reg_cost_dc",
    "reg_cost_grad",
    "sigmoid_grad",
    "neuron_z",
    "neuron_out",
    "neuron_loss",
    "sq_loss_grad",
    "neuron_grad_w",
    "neuron_grad_b",
]

ALIASES = {
    "dsigmoid": "sigmoid_grad",
    "sigmoid_prime": "sigmoid_grad",
    "sigmoid_derivative": "sigmoid_grad",
}




def _out(a: np.ndarray) -> Any:
    """0-d results as plain floats, so scalars print and compare as scalars."""
    return float(a) if np.ndim(a) == 0 else a


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # split by sign so exp never overflows
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def gd_step(theta, grad, lr):
    """One gradient-descent update θ ← θ − η ∇L(θ).

    Args:
        theta: current parameters (number or vector).
        grad: gradient of the loss at theta, same shape.
        lr: learning rate η (a number).

    Returns:
        The updated parameters.

    Raises:
        ValueError: shapes that differ, or a learning rate that is not a number.
    """
    t = _arr(theta, "theta", (0, 1, 2))
    g = _arr(grad, "grad", (0, 1, 2))
    eta = _arr(lr, "lr", 0)
    if t.shape != g.shape and g.ndim != 0:
        raise ValueError(f"theta has shape {t.shape} but grad has shape {g.shape}")
    return _out(t - eta * g)


def _design(X: Any, y: Any, theta: Any | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    x = _arr(X, "X", 2)
    t = _arr(y, "y", 1)
    if x.shape[0] != t.shape[0] or x.shape[0] == 0:
        raise ValueError(f"X has {x.shape[0]} rows but y has {t.shape[0]} entries")
    th = None
    if theta is not None:
        th = _arr(theta, "theta", 1)
        if th.shape[0] != x.shape[1]:
            raise ValueError(f"X has {x.shape[1]} columns but theta has {th.shape[0]} entries")
    return x, t, th


def linreg_grad(X, y, theta):
    """Batch gradient of the linear-regression loss, (1/m) Xᵀ(Xθ − y), as in the seed's code.

    This is the gradient of (1/2m) Σ (xᵢ·θ − yᵢ)² (the conventional ½ cancels the 2).

    Args:
        X: m×n design matrix (a column of ones for the intercept, if wanted).
        y: m targets.
        theta: n parameters.

    Returns:
        The gradient vector (n entries).

    Raises:
        ValueError: shapes that do not fit.
    """
    x, t, th = _design(X, y, theta)
    return x.T @ (x @ th - t) / x.shape[0]


def linreg_gd(X, y, lr=0.01, epochs=1000, theta0=None):
    """Batch gradient descent on linear regression: θ ← θ − η (1/m) Xᵀ(Xθ − y), repeated.

    Args:
        X: m×n design matrix.
        y: m targets.
        lr: learning rate η.
        epochs: number of full-batch updates, 0 to 100,000.
        theta0: starting parameters (default zeros, as in the seed).

    Returns:
        The parameters after `epochs` updates.

    Raises:
        ValueError: bad shapes, a non-integer or too large epoch count, or divergence to inf/nan.
    """
    x, t, _ = _design(X, y)
    if isinstance(epochs, float) and epochs.is_integer():
        epochs = int(epochs)
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or not 0 <= epochs <= MAX_EPOCHS:
        raise ValueError(f"epochs must be a whole number from 0 to {MAX_EPOCHS}")
    if epochs * x.size > MAX_WORK:
        raise ValueError("too much work: reduce epochs or the size of X")
    eta = float(_arr(lr, "lr", 0))
    th = np.zeros(x.shape[1]) if theta0 is None else _arr(theta0, "theta0", 1).copy()
    if th.shape[0] != x.shape[1]:
        raise ValueError(f"X has {x.shape[1]} columns but theta0 has {th.shape[0]} entries")
    m = x.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(int(epochs)):
            th = th - eta * (x.T @ (x @ th - t)) / m
            if not np.all(np.isfinite(th)):
                raise ValueError("gradient descent diverged (learning rate too large)")
    return th


def _line(x: Any, y: Any, m: Any, c: Any) -> tuple[np.ndarray, np.ndarray]:
    """Data points as vectors and their residuals yᵢ − (m xᵢ + c)."""
    xs = _arr(x, "x", 1)
    ys = _arr(y, "y", 1)
    if xs.shape != ys.shape or xs.size == 0:
        raise ValueError(f"x and y must be non-empty and of equal length, got {xs.size} and {ys.size}")
    slope = _arr(m, "m", 0)
    icept = _arr(c, "c", 0)
    return xs, ys - (slope * xs + icept)


def reg_cost(x, y, m, c):
    """Regression cost J(m, c) = (1/n) Σ (yᵢ − (m xᵢ + c))² of the line y = m x + c.

    Raises:
        ValueError: x and y of different lengths, or m, c not numbers.
    """
    _, r = _line(x, y, m, c)
    return float(np.mean(r**2))


def reg_cost_dm(x, y, m, c):
    """∂J/∂m = −(2/n) Σ xᵢ (yᵢ − (m xᵢ + c)), the slope component of the gradient.

    Raises:
        ValueError: as for `reg_cost`.
    """
    xs, r = _line(x, y, m, c)
    return float(-2.0 * np.mean(xs * r))


def reg_cost_dc(x, y, m, c):
    """∂J/∂c = −(2/n) Σ (yᵢ − (m xᵢ + c)), the intercept component of the gradient.

    Raises:
        ValueError: as for `reg_cost`.
    """
    _, r = _line(x, y, m, c)
    return float(-2.0 * np.mean(r))


def reg_cost_grad(x, y, m, c):
    """The gradient (Jacobian) vector ∇J = [∂J/∂m, ∂J/∂c] of the regression cost.

    Raises:
        ValueError: as for `reg_cost`.
    """
    return np.array([reg_cost_dm(x, y, m, c), reg_cost_dc(x, y, m, c)])


def sigmoid_grad(z):
    """σ′(z) = σ(z)(1 − σ(z)), the derivative of the logistic sigmoid (da/dz), elementwise.

    Raises:
        ValueError: input that is not numeric or too large.
    """
    s = _sigmoid(_arr(z, "z"))
    return _out(s * (1.0 - s))


def _neuron(w: Any, x: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    wv = _arr(w, "w", (0, 1))
    xv = _arr(x, "x", (0, 1))
    if wv.shape != xv.shape:
        raise ValueError(f"w and x must have the same shape, got {wv.shape} and {xv.shape}")
    bias = _arr(b, "b", 0)
    return xv, np.dot(wv, xv) + bias


def neuron_z(w, x, b):
    """Pre-activation z = w·x + b of one neuron (w, x numbers or equal-length vectors).

    Raises:
        ValueError: w and x of different shapes, or b not a number.
    """
    return float(_neuron(w, x, b)[1])


def neuron_out(w, x, b):
    """Activation a = σ(w·x + b) of one sigmoid neuron.

    Raises:
        ValueError: as for `neuron_z`.
    """
    return float(_sigmoid(_neuron(w, x, b)[1]))


def neuron_loss(w, x, b, y):
    """Squared loss L = (a − y)² of one sigmoid neuron on one example.

    Raises:
        ValueError: as for `neuron_z`, or y not a number.
    """
    return float((neuron_out(w, x, b) - _arr(y, "y", 0)) ** 2)


def sq_loss_grad(a, y):
    """dL/da = 2(a − y) for the squared loss L = (a − y)², elementwise.

    Raises:
        ValueError: shapes that do not broadcast.
    """
    av = _arr(a, "a")
    yv = _arr(y, "y")
    try:
        return _out(2.0 * (av - yv))
    except ValueError:
        raise ValueError(f"a and y have incompatible shapes {av.shape} and {yv.shape}") from None


def neuron_grad_w(w, x, b, y):
    """Backpropagation for one sigmoid neuron: dL/dw = dL/da · da/dz · dz/dw = 2(a − y) · σ′(z) · x.

    Args:
        w: weight (number) or weights (vector).
        x: input, same shape as w.
        b: bias (number).
        y: target (number).

    Returns:
        dL/dw, same shape as w.

    Raises:
        ValueError: as for `neuron_loss`.
    """
    xv, z = _neuron(w, x, b)
    return _out(2.0 * (_sigmoid(z) - _arr(y, "y", 0)) * sigmoid_grad(z) * xv)


def neuron_grad_b(w, x, b, y):
    """dL/db = 2(a − y) · σ′(z) · 1 for one sigmoid neuron with squared loss.

    Raises:
        ValueError: as for `neuron_loss`.
    """
    _, z = _neuron(w, x, b)
    return float(2.0 * (_sigmoid(z) - _arr(y, "y", 0)) * sigmoid_grad(z))


EQUATIONS = [
    Equation(
        id="gradient-descent",
        name="Gradient descent update",
        topic="optimization",
        display=(
            "  θₜ₊₁ = θₜ − η ∇θ L(θₜ)\n"
            "\n"
            "  linear regression:  ∇θ L = (1/m) Xᵀ(Xθ − y)"
        ),
        summary=(
            "Move the parameters a small step η against the gradient, the direction in which the "
            "loss increases fastest. Repeating the step is how almost every ML model is trained; "
            "too large a learning rate overshoots and diverges, too small a one crawls."
        ),
    ),
    Equation(
        id="regression-cost-partials",
        name="Partial derivatives of the regression cost",
        topic="calculus",
        display=(
            "             1  ⁿ\n"
            "  J(m, c) = ─── Σ (yᵢ − (m xᵢ + c))²\n"
            "             n ⁱ⁼¹\n"
            "\n"
            "  ∂J     2               ∂J     2\n"
            "  ── = − ─ Σ xᵢ rᵢ       ── = − ─ Σ rᵢ        rᵢ = yᵢ − (m xᵢ + c)\n"
            "  ∂m     n               ∂c     n"
        ),
        summary=(
            "Each partial derivative measures how the cost changes when only the slope m or only "
            "the intercept c moves. The chain rule brings down the 2 and the inner derivative −xᵢ "
            "(for m) or −1 (for c); gradient descent steps against them."
        ),
    ),
    Equation(
        id="gradient-vector",
        name="Gradient (Jacobian) vector",
        topic="calculus",
        display=(
            "          ⎡∂J/∂m⎤\n"
            "  ∇J  =   ⎣∂J/∂c⎦      (the Jacobian of the scalar cost J, written as a vector)"
        ),
        summary=(
            "Stacking the partial derivatives gives one vector that points uphill on the cost "
            "surface. For a scalar function the Jacobian is this gradient, and a gradient-descent "
            "step updates all parameters at once with it."
        ),
    ),
    Equation(
        id="sigmoid-derivative",
        name="Derivative of the sigmoid",
        topic="calculus",
        display=(
            "            1\n"
            "  σ(x) = ────────      σ′(x) = σ(x) (1 − σ(x))\n"
            "         1 + e⁻ˣ"
        ),
        summary=(
            "The sigmoid's slope is expressed through its own output, so backpropagation can reuse "
            "the activation it already computed. It is at most 1/4 (at x = 0) and tiny for large "
            "|x|, which is why deep sigmoid networks suffer vanishing gradients."
        ),
    ),
    Equation(
        id="backpropagation",
        name="Backpropagation (chain rule)",
        topic="deep-learning",
        display=(
            "   ∂L       ∂L     ∂aⱼ     ∂zⱼ\n"
            "  ───── = ───── · ───── · ─────       zⱼ = Σᵢ wᵢⱼ xᵢ + bⱼ,  aⱼ = σ(zⱼ)\n"
            "  ∂wᵢⱼ     ∂aⱼ     ∂zⱼ    ∂wᵢⱼ\n"
            "\n"
            "  squared loss L = (a − y)²:   ∂L/∂w = 2(a − y) · σ(z)(1 − σ(z)) · x"
        ),
        summary=(
            "Backpropagation is the chain rule applied from the loss back to each weight: multiply "
            "the loss's sensitivity to the activation, the activation's slope and the input that "
            "the weight multiplies. Every factor is available from the forward pass, which makes "
            "gradients of deep networks cheap."
        ),
    ),
]
