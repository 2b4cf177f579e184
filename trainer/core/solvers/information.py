"""Information-theory solvers: entropy, KL divergence, cross-entropy (categorical and binary), MI.

Core layer. Pure NumPy functions callable from templates and typed answers through the solver
registry. Logarithms are natural (nats) unless `base` says otherwise; terms with a zero weight
contribute 0 (the limit p log p → 0), as in the seed's `np.log(p, where=p > 0)`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainer.core.solvers.equations import Equation
from trainer.core.solvers.probability import as_array, as_scalar

__all__ = [
    "entropy",
    "binary_entropy",
    "surprisal",
    "kl",
    "cross_entropy",
    "bce",
    "joint_entropy",
    "conditional_entropy",
    "mutual_information",
    "perplexity",
]

ALIASES = {
    "kl_divergence": "kl",
    "binary_cross_entropy": "bce",
}


def _base_log(base: Any) -> float:
    """ln(base), the divisor that converts nats to the requested unit."""
    b = base if type(base) is float else as_scalar(base, "base")  # as_scalar returns a float as it is
    if not b > 0 or b == 1 or not math.isfinite(b):
        raise ValueError(f"base: a logarithm base must be positive and not 1, got {b:g}")
    return math.log(b)


def _dist(p: Any, name: str) -> np.ndarray:
    arr = as_array(p, name)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if not (arr >= 0).all():  # a NaN fails `>= 0` as a negative does
        raise ValueError(f"{name}: probabilities must be non-negative numbers")
    return arr


def _plogq(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Elementwise p · ln q with 0 · ln(anything) = 0, and p · ln 0 = −inf when p > 0."""
    if p is q:  # p · ln p (entropy, kl's first term): ln is taken of positive entries only, so no
        live = p > 0  # division by zero can be flagged and the errstate is not needed
        # Every entry live: the masked assignment would copy p · ln p whole. (Contiguous like the
        # masked copy, so ln runs the same loop over the same values.)
        if live.all() and p.flags.c_contiguous:
            return p * np.log(p)
        out = np.zeros(p.shape)
        out[live] = p[live] * np.log(p[live])
        return out
    if p.shape == q.shape:  # entropy's p with itself, kl's two distributions: nothing to broadcast
        out, pb, qb = np.zeros(p.shape), p, q
    else:
        out = np.zeros(np.broadcast(p, q).shape)
        pb, qb = np.broadcast_to(p, out.shape), np.broadcast_to(q, out.shape)
    live = pb > 0
    with np.errstate(divide="ignore"):
        out[live] = pb[live] * np.log(qb[live])
    return out


def entropy(p: Any, base: Any = math.e) -> float:
    """Shannon entropy H(p) = −Σ pᵢ log pᵢ (zero entries contribute nothing).

    Fair coin → ln 2 = 0.6931 nats (1 bit); [0.9, 0.1] → 0.4699 nats.

    Args:
        p: probabilities (any shape; a joint table is treated as one distribution).
        base: logarithm base: e (default, nats), 2 (bits), 10 (hartleys).

    Returns:
        The entropy in the chosen unit.

    Raises:
        ValueError: negative or non-numeric probabilities, or a bad base.
    """
    probs = _dist(p, "p")
    return float(-_plogq(probs, probs).sum() / _base_log(base))


def binary_entropy(p: Any, base: Any = math.e) -> float:
    """Entropy of a Bernoulli(p) variable: −p log p − (1 − p) log(1 − p).

    Raises:
        ValueError: p not a probability, or a bad base.
    """
    q = as_scalar(p, "p")
    if not 0 <= q <= 1:
        raise ValueError(f"p: a probability must lie in [0, 1], got {q:g}")
    return entropy([q, 1 - q], base)


def surprisal(p: Any, base: Any = math.e) -> float | np.ndarray:
    """Information content −log p of an outcome of probability p (elementwise).

    Raises:
        ValueError: p outside (0, 1], or a bad base.
    """
    probs = _dist(p, "p")
    if (probs == 0).any() or (probs > 1).any():
        raise ValueError("p: the surprisal needs probabilities in (0, 1]")
    out = -np.log(probs) / _base_log(base)
    return float(out[0]) if np.ndim(p) == 0 else out


def kl(p: Any, q: Any, base: Any = math.e) -> float:
    """Kullback-Leibler divergence D(P‖Q) = Σ pᵢ log(pᵢ / qᵢ) (asymmetric: D(P‖Q) ≠ D(Q‖P)).

    The seed's P = [0.7, 0.3], Q = [0.5, 0.5] gives 0.08228 nats. Terms with pᵢ = 0 contribute 0;
    a qᵢ = 0 where pᵢ > 0 gives +inf (Q rules out something P allows).

    Args:
        p: the reference ("true") distribution P.
        q: the approximating distribution Q, same shape.
        base: logarithm base (default e).

    Returns:
        D(P‖Q) in the chosen unit.

    Raises:
        ValueError: shapes differ, negative entries, or a bad base.
    """
    pp, qq = _dist(p, "p"), _dist(q, "q")
    if pp.shape != qq.shape:
        raise ValueError(f"p and q must have the same shape ({pp.shape} vs {qq.shape})")
    return float((_plogq(pp, pp) - _plogq(pp, qq)).sum() / _base_log(base))


def cross_entropy(p: Any, q: Any, base: Any = math.e) -> float:
    """Categorical cross-entropy H(P, Q) = −Σ pᵢ log qᵢ.

    With a one-hot label P this is −log q_true, the classification loss of a softmax output.
    H(P, Q) = H(P) + D(P‖Q) ≥ H(P) (Gibbs' inequality).

    Args:
        p: the true distribution (or one-hot label).
        q: the predicted distribution, same shape.
        base: logarithm base (default e).

    Returns:
        H(P, Q) in the chosen unit (+inf if Q gives 0 to an outcome P allows).

    Raises:
        ValueError: shapes differ, negative entries, or a bad base.
    """
    pp, qq = _dist(p, "p"), _dist(q, "q")
    if pp.shape != qq.shape:
        raise ValueError(f"p and q must have the same shape ({pp.shape} vs {qq.shape})")
    return float(-_plogq(pp, qq).sum() / _base_log(base))


def bce(y: Any, yhat: Any, base: Any = math.e) -> float:
    """Binary cross-entropy, the mean over samples of −[y log ŷ + (1 − y) log(1 − ŷ)].

    The seed's y = [1, 0, 1], ŷ = [0.9, 0.1, 0.8] gives 0.164252.

    Args:
        y: true labels in [0, 1] (usually 0/1), length n.
        yhat: predicted probabilities P(y = 1), length n (or one number for every sample).
        base: logarithm base (default e).

    Returns:
        The mean loss per sample.

    Raises:
        ValueError: shapes disagree, values outside [0, 1], empty input, or a bad base.
    """
    ys = as_array(y, "y", ndim=(0, 1)).reshape(-1)
    ps = as_array(yhat, "yhat", ndim=(0, 1)).reshape(-1)
    if ys.size == 0:
        raise ValueError("y: need at least one sample")
    if ps.size not in (1, ys.size):
        raise ValueError(f"y has {ys.size} labels but yhat has {ps.size} predictions")
    for arr, name in ((ys, "y"), (ps, "yhat")):
        if np.isnan(arr).any() or (arr < 0).any() or (arr > 1).any():  # np.any's, minus its dispatch
            raise ValueError(f"{name}: values must lie in [0, 1]")
    ps = np.broadcast_to(ps, ys.shape)
    per_sample = -(_plogq(ys, ps) + _plogq(1 - ys, 1 - ps))
    return float(np.mean(per_sample) / _base_log(base))


def joint_entropy(joint: Any, base: Any = math.e) -> float:
    """Joint entropy H(A, B) = −Σ P(a, b) log P(a, b) of a 2-D joint table.

    Raises:
        ValueError: not a non-negative 2-D table, or a bad base.
    """
    return entropy(as_array(joint, "joint", ndim=2), base)


def conditional_entropy(joint: Any, given: Any = 1, base: Any = math.e) -> float:
    """Conditional entropy from a joint table: H(A|B) = H(A, B) − H(B) for given=1 (columns B),
    H(B|A) = H(A, B) − H(A) for given=0 (rows A).

    Raises:
        ValueError: bad table, `given` not 0/1, or a bad base.
    """
    tab = as_array(joint, "joint", ndim=2)
    g = as_scalar(given, "given")
    if g not in (0.0, 1.0):
        raise ValueError("given: 0 (condition on the row variable) or 1 (on the column variable)")
    cond_marg = tab.sum(axis=0) if g == 1 else tab.sum(axis=1)
    return entropy(tab, base) - entropy(cond_marg, base)


def mutual_information(joint: Any, base: Any = math.e) -> float:
    """Mutual information I(A; B) = H(A) + H(B) − H(A, B) = D(P(A,B) ‖ P(A)P(B)) ≥ 0.

    It is the information gain a decision tree maximizes when it splits on a feature.

    Raises:
        ValueError: bad table, or a bad base.
    """
    tab = as_array(joint, "joint", ndim=2)
    return entropy(tab.sum(axis=1), base) + entropy(tab.sum(axis=0), base) - entropy(tab, base)


def perplexity(p: Any) -> float:
    """Perplexity exp(H(p)) (natural-log entropy): the 'effective number of equally likely outcomes'.

    Raises:
        ValueError: as `entropy`.
    """
    return float(math.exp(entropy(p)))


EQUATIONS = [
    Equation(
        id="entropy",
        name="Shannon entropy",
        topic="information",
        display=(
            "  H(X) = − Σ  P(x) log P(x)\n"
            "           x"
        ),
        summary=(
            "Entropy measures the average surprise of a distribution: 0 for a certain outcome, "
            "log k for k equally likely outcomes (the maximum). With the natural log it is in nats, "
            "with log₂ in bits; decision trees choose splits that reduce it most."
        ),
    ),
    Equation(
        id="kl-divergence",
        name="Kullback-Leibler divergence",
        topic="information",
        display=(
            "                             P(x)\n"
            "  D_KL(P ‖ Q) = Σ  P(x) log ────\n"
            "                x           Q(x)"
        ),
        summary=(
            "KL divergence is the extra information needed when outcomes drawn from P are coded with a "
            "code built for Q. It is never negative, is 0 only when P = Q, and is asymmetric, so it is "
            "not a distance; VAEs and knowledge distillation minimize it."
        ),
    ),
    Equation(
        id="cross-entropy",
        name="Cross-entropy (categorical)",
        topic="information",
        display=(
            "  H(P, Q) = − Σ  P(x) log Q(x) = H(P) + D_KL(P ‖ Q)\n"
            "              x"
        ),
        summary=(
            "Cross-entropy is the average code length when data from P are coded with a code built for "
            "the model Q. With a one-hot label it is −log of the probability the model gives the true "
            "class, the standard loss of a softmax classifier."
        ),
    ),
    Equation(
        id="binary-cross-entropy",
        name="Binary cross-entropy",
        topic="information",
        display=(
            "           1   n\n"
            "  BCE = − ─── Σ  [ yᵢ log ŷᵢ + (1 − yᵢ) log(1 − ŷᵢ) ]\n"
            "           n  i=1"
        ),
        summary=(
            "Binary cross-entropy is the mean negative log-likelihood of 0/1 labels under predicted "
            "probabilities ŷ. It is the loss of logistic regression and of any sigmoid output, and it "
            "punishes confident wrong predictions without bound."
        ),
    ),
    Equation(
        id="mutual-information",
        name="Mutual information",
        topic="information",
        display=(
            "                               P(a, b)\n"
            "  I(A; B) = Σ  P(a, b) log ─────────── = H(A) − H(A|B)\n"
            "            a,b            P(a) P(b)"
        ),
        summary=(
            "Mutual information is how much knowing one variable reduces uncertainty about the other; "
            "it is zero exactly when they are independent. Decision trees call it information gain and "
            "pick the feature that maximizes it."
        ),
    ),
]
