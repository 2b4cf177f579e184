"""Deep-learning and loss solvers: MSE, softmax, log-sum-exp, softmax cross-entropy, scaled dot-product
attention, 1-D convolution, convolution output size and the diffusion forward step.

Core layer. Plain NumPy functions whitelisted for template expressions and typed answers (see
`trainer.core.solvers.registry`). Inputs are coerced with `np.asarray(..., float)`, sizes are
bounded, and anything unusable raises `ValueError` with a plain message. Softmax-based functions
subtract the maximum before exponentiating, so large logits never overflow.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainer.core.solvers._inputs import MAX_ELEMENTS, as_array as _arr, shape_text as _shape

from trainer.core.solvers.equations import Equation

MAX_PADDING = 1_000

__all__ = [
    "mse",
    "mse_grad",
    "softmax",
    "logsumexp",
    "softmax_cross_entropy",
    "attention_scores",
    "attention_weights",
    "attention",
    "conv1d",
    "conv_out",
    "diffuse",
]

ALIASES = {
    "lse": "logsumexp",
    "conv_output_size": "conv_out",
}






def _out(a: Any) -> Any:
    return float(a) if np.ndim(a) == 0 else a


def _whole(v: Any, name: str, lo: int, hi: int) -> int:
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        v = int(v)
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not lo <= v <= hi:
        raise ValueError(f"{name} must be a whole number from {lo} to {hi}")
    return int(v)


def _axis(axis: Any, ndim: int) -> int:
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or not -ndim <= axis < max(ndim, 1):
        raise ValueError(f"axis must be a whole number from {-ndim} to {ndim - 1}")
    return int(axis)


def _pair(y: Any, yhat: Any) -> tuple[np.ndarray, np.ndarray]:
    t = _arr(y, "y", (0, 1, 2))
    p = _arr(yhat, "yhat", (0, 1, 2))
    if t.shape != p.shape:
        raise ValueError(f"y has shape {_shape(t)} but yhat has shape {_shape(p)}")
    if t.size == 0:
        raise ValueError("y and yhat are empty")
    return t, p


def mse(y, yhat):
    """Mean squared error (1/n) Σ (yᵢ − ŷᵢ)².

    Args:
        y: true values.
        yhat: predictions, same shape.

    Returns:
        The MSE (a number).

    Raises:
        ValueError: shapes that differ, or empty inputs.
    """
    t, p = _pair(y, yhat)
    return float(np.mean((t - p) ** 2))


def mse_grad(y, yhat):
    """Gradient of the MSE with respect to the predictions: ∂MSE/∂ŷᵢ = (2/n)(ŷᵢ − yᵢ).

    Raises:
        ValueError: as for `mse`.
    """
    t, p = _pair(y, yhat)
    return _out(2.0 * (p - t) / t.size)


def softmax(z, axis=-1):
    """Softmax σ(z)ᵢ = e^(zᵢ) / Σⱼ e^(zⱼ), along `axis` (the last, i.e. each row of a matrix).

    Computed as softmax(z − max z), which is mathematically identical (shift invariance) and never
    overflows.

    Args:
        z: vector of logits, or a matrix (one distribution per row by default).
        axis: the axis that sums to 1.

    Returns:
        Probabilities of the same shape as z.

    Raises:
        ValueError: empty or non-numeric input, or a bad axis.
    """
    a = _arr(z, "z", (1, 2))
    if a.size == 0:
        raise ValueError("softmax of an empty vector")
    ax = _axis(axis, a.ndim)
    with np.errstate(invalid="ignore"):
        shifted = a - np.maximum.reduce(a, axis=ax, keepdims=True)  # what a.max and e.sum call
        e = np.exp(shifted)
        return e / np.add.reduce(e, axis=ax, keepdims=True)


def logsumexp(z, axis=-1):
    """log Σⱼ e^(zⱼ), computed stably as max z + log Σⱼ e^(zⱼ − max z).

    Args:
        z: vector (or matrix: one value per row by default).
        axis: the axis summed over.

    Returns:
        A number for a vector, a vector for a matrix.

    Raises:
        ValueError: empty or non-numeric input, or a bad axis.
    """
    a = _arr(z, "z", (1, 2))
    if a.size == 0:
        raise ValueError("log-sum-exp of an empty vector")
    ax = _axis(axis, a.ndim)
    with np.errstate(invalid="ignore"):
        m = np.maximum.reduce(a, axis=ax, keepdims=True)  # what np.max and np.sum call for an array
        m_safe = np.where(np.isfinite(m), m, 0.0)
        out = np.log(np.add.reduce(np.exp(a - m_safe), axis=ax, keepdims=True)) + m_safe
    return _out(out.squeeze(axis=ax))


def softmax_cross_entropy(z, target):
    """Cross-entropy of softmax(z) against a target: −log softmax(z)[k] = logsumexp(z) − z_k.

    Args:
        z: vector of logits.
        target: the true class as a 0-based index k, or a probability (e.g. one-hot) vector t,
            in which case the loss is −Σ tᵢ log softmax(z)ᵢ.

    Returns:
        The loss in nats (a number).

    Raises:
        ValueError: an index out of range or a target vector of the wrong length.
    """
    a = _arr(z, "z", 1)
    if a.size == 0:
        raise ValueError("z is empty")
    log_p = a - logsumexp(a)
    t = _arr(target, "target", (0, 1))
    if t.ndim == 0:
        k = _whole(float(t), "the class index", 0, a.size - 1)
        return float(-log_p[k])
    if t.shape != a.shape:
        raise ValueError(f"target has {t.size} entries but z has {a.size}")
    return float(-np.sum(t * log_p))


def _qk(Q: Any, K: Any) -> tuple[np.ndarray, np.ndarray]:
    q = _arr(Q, "Q", (1, 2))
    k = _arr(K, "K", (1, 2))
    q = q.reshape(1, -1) if q.ndim == 1 else q
    k = k.reshape(1, -1) if k.ndim == 1 else k
    if q.shape[1] != k.shape[1] or q.shape[1] == 0:
        raise ValueError(f"Q is {_shape(q)} and K is {_shape(k)}; queries and keys need the same width d_k")
    return q, k


def attention_scores(Q, K):
    """Scaled scores Q Kᵀ / √d_k (d_k = number of columns of Q and K), before the softmax.

    Raises:
        ValueError: Q and K with different numbers of columns.
    """
    q, k = _qk(Q, K)
    return q @ k.T / math.sqrt(q.shape[1])


def attention_weights(Q, K):
    """Attention weights softmax(Q Kᵀ / √d_k), the softmax taken over each row (over the keys).

    Raises:
        ValueError: as for `attention_scores`.
    """
    return softmax(attention_scores(Q, K), axis=-1)


def attention(Q, K, V):
    """Scaled dot-product attention softmax(Q Kᵀ / √d_k) V.

    Args:
        Q: n×d_k queries (one per row).
        K: m×d_k keys.
        V: m×d_v values, one row per key.

    Returns:
        n×d_v matrix: each row a weighted average of the rows of V.

    Raises:
        ValueError: shapes that do not fit.
    """
    w = attention_weights(Q, K)
    v = _arr(V, "V", (1, 2))
    v = v.reshape(-1, 1) if v.ndim == 1 else v
    if v.shape[0] != w.shape[1]:
        raise ValueError(f"V has {v.shape[0]} rows but there are {w.shape[1]} keys")
    return w @ v


def conv1d(x, w, stride=1, padding=0):
    """1-D "convolution" as deep-learning frameworks compute it, i.e. cross-correlation:
    yᵢ = Σⱼ x[i·s + j] · w[j] over the zero-padded input (the kernel is *not* flipped).

    Args:
        x: input signal (vector).
        w: kernel (vector, no longer than the padded input).
        stride: step s ≥ 1 between windows.
        padding: zeros added at each end (0 to 1000).

    Returns:
        The output vector of length ⌊(n + 2p − k)/s⌋ + 1.

    Raises:
        ValueError: empty vectors, a kernel longer than the padded input, or bad stride/padding.
    """
    xv = _arr(x, "x", 1)
    wv = _arr(w, "w", 1)
    s = _whole(stride, "stride", 1, MAX_ELEMENTS)
    p = _whole(padding, "padding", 0, MAX_PADDING)
    if xv.size == 0 or wv.size == 0:
        raise ValueError("x and w must not be empty")
    xp = np.concatenate([np.zeros(p), xv, np.zeros(p)])
    if wv.size > xp.size:
        raise ValueError(f"the kernel ({wv.size}) is longer than the padded input ({xp.size})")
    n_out = (xp.size - wv.size) // s + 1
    return np.array([float(np.dot(xp[i * s: i * s + wv.size], wv)) for i in range(n_out)])


def conv_out(n, k, padding=0, stride=1):
    """Output size of a convolution along one axis: ⌊(n + 2p − k)/s⌋ + 1 (the same for each side of
    a square 2-D image, e.g. a 3×3 kernel on 28×28 gives 26×26).

    Args:
        n: input size.
        k: kernel size.
        padding: zeros added on each side, p.
        stride: step s.

    Returns:
        The output size (an int).

    Raises:
        ValueError: non-integers, a kernel larger than the padded input, or stride < 1.
    """
    big = 10**9
    n_ = _whole(n, "n", 1, big)
    k_ = _whole(k, "k", 1, big)
    p_ = _whole(padding, "padding", 0, big)
    s_ = _whole(stride, "stride", 1, big)
    if k_ > n_ + 2 * p_:
        raise ValueError(f"a kernel of {k_} does not fit an input of {n_} padded by {p_}")
    return (n_ + 2 * p_ - k_) // s_ + 1


def diffuse(x0, alpha_bar, eps):
    """Forward diffusion in closed form: x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε.

    Args:
        x0: clean data (number or vector).
        alpha_bar: cumulative signal fraction ᾱ_t in [0, 1].
        eps: the Gaussian noise sample ε, same shape as x0.

    Returns:
        The noised x_t.

    Raises:
        ValueError: ᾱ outside [0, 1] or shapes that differ.
    """
    x = _arr(x0, "x0", (0, 1, 2))
    e = _arr(eps, "eps", (0, 1, 2))
    a = float(_arr(alpha_bar, "alpha_bar", 0))
    if not 0.0 <= a <= 1.0:
        raise ValueError("alpha_bar must lie between 0 and 1")
    if x.shape != e.shape:
        raise ValueError(f"x0 has shape {_shape(x)} but eps has shape {_shape(e)}")
    return _out(math.sqrt(a) * x + math.sqrt(1.0 - a) * e)


EQUATIONS = [
    Equation(
        id="mse",
        name="Mean squared error",
        topic="losses",
        display=(
            "          1  ⁿ                    ∂MSE     2\n"
            "  MSE = ─── Σ (yᵢ − ŷᵢ)²          ──── = ─── (ŷᵢ − yᵢ)\n"
            "          n ⁱ⁼¹                    ∂ŷᵢ      n"
        ),
        summary=(
            "The average of the squared residuals: large errors count quadratically. It is the "
            "standard regression loss, and its gradient with respect to each prediction is "
            "proportional to that prediction's error."
        ),
    ),
    Equation(
        id="log-sum-exp",
        name="Log-sum-exp and softmax cross-entropy",
        topic="losses",
        display=(
            "  LSE(z) = log Σⱼ e^(zⱼ) = max z + log Σⱼ e^(zⱼ − max z)\n"
            "\n"
            "  cross-entropy of softmax, true class k:   −log softmax(z)ₖ = LSE(z) − zₖ"
        ),
        summary=(
            "Log-sum-exp is a smooth maximum of the logits and the normalizer of softmax in log "
            "space. The cross-entropy loss of a softmax classifier is LSE(z) − z_k, computed this "
            "way to avoid overflow."
        ),
    ),
    Equation(
        id="softmax",
        name="Softmax",
        topic="deep-learning",
        display=(
            "               e^(zᵢ)\n"
            "  σ(z)ᵢ  =  ─────────\n"
            "             Σⱼ e^(zⱼ)"
        ),
        summary=(
            "Softmax turns a vector of raw scores (logits) into probabilities that are positive and "
            "sum to 1, preserving their order. Adding the same constant to every logit leaves it "
            "unchanged, which is used to compute it without overflow."
        ),
    ),
    Equation(
        id="attention",
        name="Scaled dot-product attention",
        topic="deep-learning",
        display=(
            "                               ⎛ Q Kᵀ ⎞\n"
            "  Attention(Q, K, V) = softmax ⎜──────⎟ V\n"
            "                               ⎝ √d_k ⎠"
        ),
        summary=(
            "Each query row is compared with every key by a dot product; the scaled scores go "
            "through a row-wise softmax and weight an average of the value rows. Dividing by √d_k "
            "keeps the scores' variance independent of the key dimension so the softmax does not "
            "saturate. It is the core of the transformer."
        ),
    ),
    Equation(
        id="convolution",
        name="Convolution (as in CNNs)",
        topic="deep-learning",
        display=(
            "  (f ∗ g)(t) = ∫ f(τ) g(t − τ) dτ\n"
            "\n"
            "  CNN layer (cross-correlation):  yᵢ = Σⱼ x[i·s + j] · wⱼ"
        ),
        summary=(
            "Convolution slides a kernel over the input and takes a weighted sum at each position, "
            "detecting the same local feature everywhere. Deep-learning libraries compute "
            "cross-correlation (no kernel flip); since the kernel is learned, the two are "
            "equivalent in practice."
        ),
    ),
    Equation(
        id="conv-output-size",
        name="Convolution output size",
        topic="deep-learning",
        display=(
            "          ⎢ n + 2p − k ⎥\n"
            "  n_out = ⎢ ────────── ⎥ + 1       n input, k kernel, p padding, s stride\n"
            "          ⎣     s      ⎦"
        ),
        summary=(
            "The number of positions a kernel of size k fits into an input of size n padded by p "
            "on each side, stepping s at a time. A 3×3 kernel on a 28×28 image with no padding "
            "and stride 1 gives 26×26."
        ),
    ),
    Equation(
        id="diffusion-forward",
        name="Diffusion forward process",
        topic="deep-learning",
        display=(
            "  xₜ = √ᾱₜ x₀ + √(1 − ᾱₜ) ε ,     ε ~ 𝒩(0, I)\n"
            "\n"
            "  ᾱₜ = α₁α₂⋯αₜ  (many texts write it αₜ)"
        ),
        summary=(
            "A diffusion model's forward process blends the data with Gaussian noise in closed "
            "form: as ᾱₜ falls from 1 to 0 the signal fades into pure noise. The square roots keep "
            "the variance at 1 for unit-variance data, since ᾱ + (1 − ᾱ) = 1."
        ),
    ),
]
