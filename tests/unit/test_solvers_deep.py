"""Loss and deep-learning solvers against the seed article's printed values and hand calculations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from trainer.core.solvers import deep
from trainer.core.solvers.deep import (
    attention,
    attention_scores,
    attention_weights,
    conv1d,
    conv_out,
    diffuse,
    logsumexp,
    mse,
    mse_grad,
    softmax,
    softmax_cross_entropy,
)


def test_mse_seed_example():
    # Seed 1: y = [1, 2, 3], ŷ = [1.1, 1.9, 3.2]. Squared errors 0.01, 0.01, 0.04 → mean 0.06/3 = 0.02.
    # NB: the seed's comment says "Output: 0.01", but the true value is 0.02; we test the true value.
    assert math.isclose(mse([1, 2, 3], [1.1, 1.9, 3.2]), 0.02)


def test_mse_gradient_by_hand():
    # ∂/∂ŷᵢ (1/n)Σ(yᵢ − ŷᵢ)² = (2/n)(ŷᵢ − yᵢ): n = 3, ŷ − y = [0.1, −0.1, 0.2]
    np.testing.assert_allclose(mse_grad([1, 2, 3], [1.1, 1.9, 3.2]), [0.2 / 3, -0.2 / 3, 0.4 / 3])
    with pytest.raises(ValueError, match="shape"):
        mse([1, 2], [1, 2, 3])


def test_softmax_seed_example():
    np.testing.assert_allclose(softmax([1.0, 2.0, 3.0]), [0.09003057, 0.24472847, 0.66524096], rtol=1e-7)


def test_softmax_identities():
    z = np.array([0.5, -1.2, 2.0, 0.0])
    p = softmax(z)
    assert math.isclose(p.sum(), 1.0)
    np.testing.assert_allclose(softmax(z + 100.0), p)  # shift invariance
    np.testing.assert_allclose(softmax([1000.0, 1000.0]), [0.5, 0.5])  # stable: no overflow to nan
    # two classes: softmax([a, 0])₀ = σ(a)
    assert math.isclose(softmax([1.3, 0.0])[0], 1 / (1 + math.exp(-1.3)))
    m = softmax([[1, 2, 3], [0, 0, 0]])  # row-wise by default
    np.testing.assert_allclose(m.sum(axis=1), [1, 1])
    np.testing.assert_allclose(m[1], [1 / 3] * 3)
    np.testing.assert_allclose(softmax([[0, 0], [0, math.log(3)]], axis=0)[:, 1], [0.25, 0.75])


def test_logsumexp_by_hand_and_stability():
    # log(e¹ + e² + e³) = 3 + log(1 + e⁻¹ + e⁻²)
    assert math.isclose(logsumexp([1, 2, 3]), 3 + math.log(1 + math.exp(-1) + math.exp(-2)))
    assert math.isclose(logsumexp([0, 0, 0, 0]), math.log(4))
    assert math.isclose(logsumexp([1000, 1000]), 1000 + math.log(2))


def test_softmax_cross_entropy_by_hand():
    # equal logits over 4 classes → p = ¼ → −ln ¼ = ln 4
    assert math.isclose(softmax_cross_entropy([2, 2, 2, 2], 1), math.log(4))
    # z = [1, 2, 3], class 2: −log(0.66524096) (the seed's softmax value)
    assert math.isclose(softmax_cross_entropy([1, 2, 3], 2), -math.log(0.66524096), rel_tol=1e-7)
    assert math.isclose(softmax_cross_entropy([1, 2, 3], [0, 0, 1]), -math.log(0.66524096), rel_tol=1e-7)
    with pytest.raises(ValueError, match="class index"):
        softmax_cross_entropy([1, 2, 3], 3)


def test_attention_seed_example_by_hand():
    # Seed 1: Q = I, K = [[1,1],[1,0]], V = [[0,1],[1,0]].
    # Q Kᵀ = Kᵀ = [[1,1],[1,0]]; divided by √2: [[r, r], [r, 0]] with r = 1/√2.
    # Row 1 softmax: [½, ½]. Row 2: [eʳ, 1]/(eʳ + 1) = [p, 1 − p], p = eʳ/(eʳ + 1).
    # Times V (rows [0,1] and [1,0]): row 1 → [½, ½]; row 2 → [1 − p, p].
    r = 1 / math.sqrt(2)
    p = math.exp(r) / (math.exp(r) + 1)
    Q, K, V = [[1, 0], [0, 1]], [[1, 1], [1, 0]], [[0, 1], [1, 0]]
    np.testing.assert_allclose(attention_scores(Q, K), [[r, r], [r, 0]])
    np.testing.assert_allclose(attention_weights(Q, K), [[0.5, 0.5], [p, 1 - p]])
    np.testing.assert_allclose(attention(Q, K, V), [[0.5, 0.5], [1 - p, p]])
    assert math.isclose(p, 0.66976155, rel_tol=1e-7)


def test_attention_shapes_and_errors():
    out = attention(np.ones((2, 3)), np.ones((4, 3)), np.arange(8).reshape(4, 2))
    # identical keys → uniform weights → every row is the mean of V's rows: [3, 4]
    np.testing.assert_allclose(out, [[3, 4], [3, 4]])
    with pytest.raises(ValueError, match="d_k"):
        attention(np.ones((2, 3)), np.ones((2, 2)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="rows"):
        attention(np.ones((2, 2)), np.ones((3, 2)), np.ones((2, 2)))


def test_conv1d_is_cross_correlation_not_flipped():
    # x = [1, 2, 3, 4, 5], w = [1, 0, −1]: windows [1,2,3]→1−3 = −2, [2,3,4]→−2, [3,4,5]→−2.
    # A flipped kernel (true convolution) would give +2 everywhere.
    np.testing.assert_allclose(conv1d([1, 2, 3, 4, 5], [1, 0, -1]), [-2, -2, -2])
    # asymmetric kernel w = [1, 2]: [1·1+2·2, 2+6, 3+8] = [5, 8, 11]; flipped would be [4, 7, 10]
    np.testing.assert_allclose(conv1d([1, 2, 3], [1, 2]), [5, 8])


def test_conv1d_padding_and_stride_by_hand():
    # pad 1: [0,1,2,3,0] * [1,1,1] = [3, 6, 5]; stride 2 on [1..5] with [1,1]: [3, 7]
    np.testing.assert_allclose(conv1d([1, 2, 3], [1, 1, 1], padding=1), [3, 6, 5])
    np.testing.assert_allclose(conv1d([1, 2, 3, 4, 5], [1, 1], stride=2), [3, 7])
    with pytest.raises(ValueError, match="longer"):
        conv1d([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="stride"):
        conv1d([1, 2, 3], [1], stride=0)


def test_conv_output_size_seed_and_textbook_cases():
    assert conv_out(28, 3) == 26  # seed 1: Conv2d(kernel 3) on 28×28 → 26×26
    assert conv_out(28, 3, padding=1) == 28  # "same" padding for k = 3
    assert conv_out(32, 5, padding=2, stride=2) == 16  # ⌊(32 + 4 − 5)/2⌋ + 1 = 15 + 1
    assert conv_out(224, 7, padding=3, stride=2) == 112  # ResNet stem: ⌊223/2⌋ + 1
    assert conv_out(5, 5) == 1
    with pytest.raises(ValueError, match="does not fit"):
        conv_out(3, 5)
    with pytest.raises(ValueError, match="stride"):
        conv_out(10, 3, stride=0)
    # agrees with the length conv1d actually produces
    for n, k, p, s in [(7, 3, 0, 1), (7, 3, 1, 2), (10, 4, 2, 3)]:
        assert conv_out(n, k, p, s) == conv1d(np.ones(n), np.ones(k), s, p).size


def test_diffusion_forward_step_by_hand():
    # ᾱ = 0.64: √ᾱ = 0.8, √(1 − ᾱ) = 0.6. x0 = [1, −2], ε = [0.5, 1] → [0.8 + 0.3, −1.6 + 0.6]
    np.testing.assert_allclose(diffuse([1, -2], 0.64, [0.5, 1]), [1.1, -1.0])
    assert diffuse(3.0, 1.0, 7.0) == 3.0  # ᾱ = 1: no noise
    assert diffuse(3.0, 0.0, 7.0) == 7.0  # ᾱ = 0: pure noise
    # seed 1 with α = 0.9 and a fixed noise draw ε = 0.5: √0.9 + √0.1 · 0.5
    assert math.isclose(diffuse(1.0, 0.9, 0.5), math.sqrt(0.9) + 0.5 * math.sqrt(0.1))
    with pytest.raises(ValueError, match="between 0 and 1"):
        diffuse(1.0, 1.5, 0.0)


def test_diffusion_preserves_unit_variance():
    # Var(x_t) = ᾱ Var(x0) + (1 − ᾱ) Var(ε) = 1 for independent unit-variance x0 and ε
    rng = np.random.default_rng(0)
    x0, eps = rng.standard_normal(10_000), rng.standard_normal(10_000)
    assert abs(np.var(diffuse(x0, 0.3, eps)) - 1.0) < 0.05


def test_inputs_are_bounded():
    with pytest.raises(ValueError, match="at most"):
        softmax(np.zeros(20_000))
    with pytest.raises(ValueError, match="numbers"):
        mse("abc", "def")


def test_module_exports_are_documented():
    for name in deep.__all__:
        assert getattr(deep, name).__doc__
    assert {c.id for c in deep.EQUATIONS} >= {
        "mse", "log-sum-exp", "softmax", "attention", "convolution", "conv-output-size", "diffusion-forward"}
