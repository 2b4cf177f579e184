"""Calculus and optimization solvers against the seed articles and hand-worked derivatives.

Expected values are worked by hand (in the comments), come from the seeds' printed output, or are
checked against an independent finite difference; none is produced by the function under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from trainer.core.solvers import calculus
from trainer.core.solvers.calculus import (
    gd_step,
    linreg_gd,
    linreg_grad,
    neuron_grad_b,
    neuron_grad_w,
    neuron_loss,
    neuron_out,
    neuron_z,
    reg_cost,
    reg_cost_dc,
    reg_cost_dm,
    reg_cost_grad,
    sigmoid_grad,
    sq_loss_grad,
)

SEED_X = [[1, 1], [1, 2], [1, 3]]
SEED_Y = [1, 2, 3]


def test_gd_step_moves_against_the_gradient():
    # θ = [1, 2], ∇ = [0.5, −1], η = 0.1 → [1 − 0.05, 2 + 0.1]
    np.testing.assert_allclose(gd_step([1, 2], [0.5, -1], 0.1), [0.95, 2.1])
    assert gd_step(3, 2, 0.5) == 2.0
    with pytest.raises(ValueError, match="shape"):
        gd_step([1, 2], [1, 2, 3], 0.1)


def test_linreg_grad_first_step_of_the_seed():
    # θ = 0: Xθ − y = −y; Xᵀ(−y) = −[1+2+3, 1+4+9] = −[6, 14]; divided by m = 3.
    np.testing.assert_allclose(linreg_grad(SEED_X, SEED_Y, [0, 0]), [-2, -14 / 3])
    # at the exact fit θ = [0, 1] the residual is zero
    np.testing.assert_allclose(linreg_grad(SEED_X, SEED_Y, [0, 1]), [0, 0])


def test_linreg_gd_seed_output_is_near_0_1():
    # Seed 1 prints "~[0., 1.]" after 1000 epochs at lr 0.01 (y = x exactly, so the optimum is [0, 1]);
    # convergence is slow along the smallest-curvature direction, hence the loose tolerance.
    theta = linreg_gd(SEED_X, SEED_Y, lr=0.01, epochs=1000)
    np.testing.assert_allclose(theta, [0, 1], atol=0.2)
    np.testing.assert_allclose(linreg_gd(SEED_X, SEED_Y, lr=0.01, epochs=50_000), [0, 1], atol=1e-3)


def test_linreg_gd_one_epoch_equals_hand_step():
    # one step from 0 with lr 0.3: θ = −0.3 · [−2, −14/3] = [0.6, 1.4]
    np.testing.assert_allclose(linreg_gd(SEED_X, SEED_Y, lr=0.3, epochs=1), [0.6, 1.4])
    np.testing.assert_allclose(linreg_gd(SEED_X, SEED_Y, epochs=0), [0, 0])


def test_linreg_gd_is_bounded_and_reports_divergence():
    with pytest.raises(ValueError, match="epochs"):
        linreg_gd(SEED_X, SEED_Y, epochs=10**9)
    with pytest.raises(ValueError, match="epochs"):
        linreg_gd(SEED_X, SEED_Y, epochs=2.5)
    with pytest.raises(ValueError, match="diverged"):
        linreg_gd(SEED_X, SEED_Y, lr=10, epochs=10_000)
    with pytest.raises(ValueError, match="rows"):
        linreg_gd(SEED_X, [1, 2])


# Hand case for the regression cost: x = [1, 2, 3], y = [2, 3, 5], m = 1, c = 0.
# residuals r = y − x = [1, 1, 2]; J = (1 + 1 + 4)/3 = 2;
# ∂J/∂m = −(2/3)(1·1 + 2·1 + 3·2) = −(2/3)·9 = −6;  ∂J/∂c = −(2/3)(1 + 1 + 2) = −8/3.
X1, Y1 = [1, 2, 3], [2, 3, 5]


def test_regression_cost_and_partials_by_hand():
    assert math.isclose(reg_cost(X1, Y1, 1, 0), 2.0)
    assert math.isclose(reg_cost_dm(X1, Y1, 1, 0), -6.0)
    assert math.isclose(reg_cost_dc(X1, Y1, 1, 0), -8 / 3)
    np.testing.assert_allclose(reg_cost_grad(X1, Y1, 1, 0), [-6, -8 / 3])


def test_regression_partials_match_finite_differences():
    x, y, m, c, h = [0.5, -1, 2, 3], [1, 0.2, 2.5, 4], 0.7, -0.3, 1e-6
    dm = (reg_cost(x, y, m + h, c) - reg_cost(x, y, m - h, c)) / (2 * h)
    dc = (reg_cost(x, y, m, c + h) - reg_cost(x, y, m, c - h)) / (2 * h)
    np.testing.assert_allclose(reg_cost_grad(x, y, m, c), [dm, dc], rtol=1e-6)


def test_regression_gradient_vanishes_at_the_least_squares_line():
    # points on y = 2x + 1 exactly: the cost is 0 and so is its gradient
    np.testing.assert_allclose(reg_cost_grad([0, 1, 2], [1, 3, 5], 2, 1), [0, 0], atol=1e-12)
    with pytest.raises(ValueError, match="equal length"):
        reg_cost([1, 2], [1], 1, 0)


def test_sigmoid_derivative_identity():
    # σ′(0) = σ(0)(1 − σ(0)) = ½ · ½ = ¼, and σ′ = σ(1 − σ) everywhere (textbook identity)
    assert math.isclose(sigmoid_grad(0), 0.25)
    z = np.array([-3.0, -0.5, 1.0, 4.0])
    s = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(sigmoid_grad(z), s * (1 - s))
    # and it is the derivative: central difference of 1/(1+e^−z)
    h = 1e-6
    fd = (1 / (1 + np.exp(-(z + h))) - 1 / (1 + np.exp(-(z - h)))) / (2 * h)
    np.testing.assert_allclose(sigmoid_grad(z), fd, rtol=1e-6)
    assert sigmoid_grad(1000) == 0.0 and sigmoid_grad(-1000) == 0.0  # no overflow warning or nan


def test_backprop_sigmoid_neuron_by_hand():
    # w = 2, x = 1, b = −2 → z = 0, a = ½; y = 1 → L = ¼.
    # dL/da = 2(a − y) = −1; da/dz = ¼; dz/dw = x = 1 → dL/dw = −¼; dL/db = −¼.
    assert neuron_z(2, 1, -2) == 0.0
    assert neuron_out(2, 1, -2) == 0.5
    assert math.isclose(neuron_loss(2, 1, -2, 1), 0.25)
    assert sq_loss_grad(0.5, 1) == -1.0
    assert math.isclose(neuron_grad_w(2, 1, -2, 1), -0.25)
    assert math.isclose(neuron_grad_b(2, 1, -2, 1), -0.25)


def test_backprop_chain_rule_matches_finite_difference_on_a_vector_neuron():
    w, x, b, y, h = np.array([0.3, -0.8]), np.array([1.5, 0.5]), 0.1, 0.0, 1e-6
    grad = neuron_grad_w(w, x, b, y)
    for i in range(2):
        e = np.zeros(2)
        e[i] = h
        fd = (neuron_loss(w + e, x, b, y) - neuron_loss(w - e, x, b, y)) / (2 * h)
        assert math.isclose(grad[i], fd, rel_tol=1e-6)
    with pytest.raises(ValueError, match="same shape"):
        neuron_grad_w([1, 2], [1, 2, 3], 0, 1)


def test_module_exports_are_documented():
    for name in calculus.__all__:
        assert getattr(calculus, name).__doc__
    assert {c.id for c in calculus.EQUATIONS} >= {
        "gradient-descent", "regression-cost-partials", "gradient-vector", "sigmoid-derivative",
        "backpropagation"}
