"""Probability solvers: Bayes' theorem, joint/conditional tables, Bernoulli, Gaussian, Naive Bayes.

Core layer. Pure NumPy functions that templates and typed answers may call through the solver
registry; each coerces its inputs, bounds their size and raises `ValueError` with a message that says
which argument is wrong, so a learner's formula can never crash or exhaust the trainer.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainer.core.solvers.equations import Equation

__all__ = [
    "bayes",
    "bayes_rule",
    "total_probability",
    "posterior",
    "marginal",
    "conditional",
    "cond_prob",
    "joint_prob",
    "chain_rule",
    "independent",
    "bernoulli_pmf",
    "bernoulli_mean",
    "bernoulli_var",
    "bernoulli_likelihood",
    "binomial_pmf",
    "normal_pdf",
    "normal_cdf",
    "normal_prob",
    "gnb_posterior",
    "gnb_predict",
    "naive_bayes",
]

ALIASES = {
    "gaussian_pdf": "normal_pdf",
    "gaussian_cdf": "normal_cdf",
    "Phi": "normal_cdf",
}

MAX_SIZE = 10_000
_EXACT_INT = 2**53  # every int within ± this is a float exactly

_SQRT_2PI = math.sqrt(2.0 * math.pi)


def as_array(x: Any, name: str, *, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Coerce `x` to a finite-size float array, refusing huge or ragged inputs.

    Shared by the probability, information and statistics solvers so that every one of them refuses
    bad input with the same kind of message.

    Args:
        x: a number, list, nested list or array.
        name: the argument's name, quoted in error messages.
        ndim: allowed number(s) of dimensions, or None for any.

    Returns:
        A float64 ndarray (a copy is not guaranteed).

    Raises:
        ValueError: non-numeric or ragged input, more than 10,000 elements, or the wrong ndim.
    """
    if isinstance(x, np.ndarray) and x.size > MAX_SIZE:
        raise ValueError(f"{name}: at most {MAX_SIZE} elements (got {x.size})")
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected numbers, got {type(x).__name__}") from exc
    if arr.size > MAX_SIZE:
        raise ValueError(f"{name}: at most {MAX_SIZE} elements (got {arr.size})")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name}: expected a {want} array, got shape {arr.shape}")
    return arr


def as_scalar(x: Any, name: str) -> float:
    """Coerce `x` to one float.

    Raises:
        ValueError: `x` is not a single number.
    """
    if type(x) is float:  # what the 0-d array gives back
        return x
    if type(x) is int and -_EXACT_INT <= x <= _EXACT_INT:  # converted exactly either way
        return float(x)
    arr = as_array(x, name)
    if arr.size != 1:
        raise ValueError(f"{name}: expected one number, got shape {arr.shape}")
    return float(arr.reshape(()))


def as_prob(x: Any, name: str) -> float:
    """Coerce `x` to one probability in [0, 1].

    Raises:
        ValueError: not a single number, or outside [0, 1].
    """
    v = as_scalar(x, name)
    if not 0.0 <= v <= 1.0:
        raise ValueError(f"{name}: a probability must lie in [0, 1], got {v:g}")
    return v


def _nonneg(arr: np.ndarray, name: str) -> np.ndarray:
    if np.isnan(arr).any() or (arr < 0).any():  # np.any's reductions, minus its dispatch
        raise ValueError(f"{name}: probabilities must be non-negative numbers")
    return arr


def _scalar_or_array(out: np.ndarray) -> float | np.ndarray:
    return float(out) if np.ndim(out) == 0 else out


# --- Bayes' theorem -------------------------------------------------------------------------------


def total_probability(p_a: Any, p_b_given_a: Any, p_b_given_not_a: Any) -> float:
    """The evidence P(B) = P(B|A) P(A) + P(B|¬A) (1 − P(A)) (law of total probability).

    Args:
        p_a: prior P(A).
        p_b_given_a: likelihood P(B|A).
        p_b_given_not_a: P(B|¬A), e.g. a test's false-positive rate.

    Returns:
        P(B).

    Raises:
        ValueError: an argument is not a probability.
    """
    a = as_prob(p_a, "p_a")
    return as_prob(p_b_given_a, "p_b_given_a") * a + as_prob(p_b_given_not_a, "p_b_given_not_a") * (1 - a)


def bayes(p_a: Any, p_b_given_a: Any, p_b_given_not_a: Any) -> float:
    """Posterior P(A|B) of a binary hypothesis from its prior and the two likelihoods.

    P(A|B) = P(B|A) P(A) / [P(B|A) P(A) + P(B|¬A) (1 − P(A))]; the seed's disease test
    (P(D) = 0.01, sensitivity 0.99, false-positive rate 0.02) gives 0.3333.

    Args:
        p_a: prior P(A).
        p_b_given_a: likelihood P(B|A).
        p_b_given_not_a: P(B|¬A).

    Returns:
        P(A|B).

    Raises:
        ValueError: an argument is not a probability, or P(B) = 0 (the evidence is impossible).
    """
    evidence = total_probability(p_a, p_b_given_a, p_b_given_not_a)
    if evidence == 0:
        raise ValueError("P(B) = 0: the evidence B is impossible, so P(A|B) is undefined")
    return as_prob(p_b_given_a, "p_b_given_a") * as_prob(p_a, "p_a") / evidence


def bayes_rule(p_b_given_a: Any, p_a: Any, p_b: Any) -> float:
    """General Bayes' theorem P(A|B) = P(B|A) P(A) / P(B) with the evidence given directly.

    Args:
        p_b_given_a: likelihood P(B|A).
        p_a: prior P(A).
        p_b: evidence P(B), > 0.

    Returns:
        P(A|B) (not clipped: inconsistent inputs can exceed 1, which is itself instructive).

    Raises:
        ValueError: an argument is not a probability, or P(B) = 0.
    """
    evidence = as_prob(p_b, "p_b")
    if evidence == 0:
        raise ValueError("p_b: P(B) = 0 makes P(A|B) undefined")
    return as_prob(p_b_given_a, "p_b_given_a") * as_prob(p_a, "p_a") / evidence


def posterior(prior: Any, likelihood: Any) -> np.ndarray:
    """Posterior over k hypotheses: P(hᵢ|D) = P(D|hᵢ) P(hᵢ) / Σⱼ P(D|hⱼ) P(hⱼ).

    Args:
        prior: length-k prior probabilities (need not be normalized; they are weights).
        likelihood: length-k likelihoods P(D|hᵢ).

    Returns:
        The length-k posterior, summing to 1.

    Raises:
        ValueError: shapes differ, negative entries, or every product is 0.
    """
    pri = _nonneg(as_array(prior, "prior", ndim=1), "prior")
    lik = _nonneg(as_array(likelihood, "likelihood", ndim=1), "likelihood")
    if pri.shape != lik.shape:
        raise ValueError(f"prior and likelihood must have the same length ({pri.size} vs {lik.size})")
    unnorm = pri * lik
    total = unnorm.sum()
    if not total > 0:
        raise ValueError("every hypothesis has zero prior×likelihood: the posterior is undefined")
    return unnorm / total


# --- joint and conditional probability ------------------------------------------------------------


def _joint(joint: Any) -> np.ndarray:
    tab = _nonneg(as_array(joint, "joint", ndim=2), "joint")
    if tab.size == 0:
        raise ValueError("joint: the table is empty")
    return tab


def marginal(joint: Any, var: Any = 0) -> np.ndarray:
    """Marginal distribution of one variable of a 2-D joint table P(A=i, B=j).

    Args:
        joint: the table, rows indexed by A, columns by B.
        var: 0 for the row variable A (sums each row), 1 for the column variable B (sums each column).

    Returns:
        P(A) (length = rows) or P(B) (length = columns).

    Raises:
        ValueError: not a non-negative 2-D table, or `var` not 0/1.
    """
    tab = _joint(joint)
    v = as_scalar(var, "var")
    if v not in (0.0, 1.0):
        raise ValueError("var: 0 (row variable) or 1 (column variable)")
    return tab.sum(axis=1) if v == 0 else tab.sum(axis=0)


def conditional(joint: Any, given: Any = 1) -> np.ndarray:
    """Conditional table from a joint table P(A=i, B=j).

    given=1 conditions on the column variable: P(A=i | B=j) = P(i, j) / P(B=j), every column sums
    to 1. given=0 conditions on the row variable: P(B=j | A=i) = P(i, j) / P(A=i), every row sums to 1.

    Args:
        joint: the table, rows indexed by A, columns by B.
        given: which variable is conditioned on (0 = rows A, 1 = columns B).

    Returns:
        The conditional table, same shape as `joint`.

    Raises:
        ValueError: bad table, `given` not 0/1, or a conditioning event of probability 0.
    """
    tab = _joint(joint)
    g = as_scalar(given, "given")
    if g not in (0.0, 1.0):
        raise ValueError("given: 0 (condition on the row variable) or 1 (on the column variable)")
    if g == 1:
        cols = tab.sum(axis=0)
        if (cols == 0).any():
            raise ValueError("a column of the joint table sums to 0: cannot condition on it")
        return tab / cols[None, :]
    rows = tab.sum(axis=1)
    if (rows == 0).any():
        raise ValueError("a row of the joint table sums to 0: cannot condition on it")
    return tab / rows[:, None]


def cond_prob(p_ab: Any, p_b: Any) -> float:
    """Conditional probability P(A|B) = P(A, B) / P(B).

    Raises:
        ValueError: not probabilities, P(B) = 0, or P(A, B) > P(B).
    """
    ab = as_prob(p_ab, "p_ab")
    b = as_prob(p_b, "p_b")
    if b == 0:
        raise ValueError("p_b: P(B) = 0 makes P(A|B) undefined")
    if ab > b * (1 + 1e-12):
        raise ValueError("p_ab: P(A, B) cannot exceed P(B)")
    return ab / b


def joint_prob(p_a_given_b: Any, p_b: Any) -> float:
    """Joint probability by the product rule P(A, B) = P(A|B) P(B).

    Raises:
        ValueError: an argument is not a probability.
    """
    return as_prob(p_a_given_b, "p_a_given_b") * as_prob(p_b, "p_b")


def chain_rule(factors: Any) -> float:
    """Chain rule P(x₁, …, xₙ) = P(x₁) P(x₂|x₁) ⋯ P(xₙ|x₁…xₙ₋₁): the product of the factors.

    This is how an autoregressive language model scores a sequence.

    Args:
        factors: the conditional probabilities, first one the marginal P(x₁).

    Returns:
        The joint probability.

    Raises:
        ValueError: a factor outside [0, 1] or an empty list.
    """
    f = as_array(factors, "factors", ndim=1)
    if f.size == 0:
        raise ValueError("factors: need at least one probability")
    if np.isnan(f).any() or (f < 0).any() or (f > 1).any():
        raise ValueError("factors: every factor must be a probability in [0, 1]")
    return float(f.prod())


def independent(joint: Any, tol: Any = 1e-9) -> bool:
    """Whether the two variables of a joint table are independent: P(A, B) = P(A) P(B) everywhere.

    Raises:
        ValueError: bad table.
    """
    tab = _joint(joint)
    total = tab.sum()
    if total == 0:
        raise ValueError("joint: the table sums to 0")
    tab = tab / total
    return bool(np.allclose(tab, np.outer(tab.sum(axis=1), tab.sum(axis=0)), atol=as_scalar(tol, "tol")))


# --- Bernoulli --------------------------------------------------------------------------------------


def _binary(x: Any, name: str) -> np.ndarray:
    arr = as_array(x, name)
    if not ((arr == 0) | (arr == 1)).all():
        raise ValueError(f"{name}: a Bernoulli outcome is 0 or 1")
    return arr


def bernoulli_pmf(x: Any, p: Any) -> float | np.ndarray:
    """Bernoulli pmf P(X = x) = pˣ (1 − p)¹⁻ˣ for x ∈ {0, 1} (elementwise over arrays of x).

    Raises:
        ValueError: x not 0/1 or p not a probability.
    """
    xs = _binary(x, "x")
    q = as_prob(p, "p")
    return _scalar_or_array(np.where(xs == 1, q, 1 - q))


def bernoulli_mean(p: Any) -> float:
    """Mean of a Bernoulli(p) variable: E[X] = p.

    Raises:
        ValueError: p not a probability.
    """
    return as_prob(p, "p")


def bernoulli_var(p: Any) -> float:
    """Variance of a Bernoulli(p) variable: Var[X] = p (1 − p).

    Raises:
        ValueError: p not a probability.
    """
    q = as_prob(p, "p")
    return q * (1 - q)


def bernoulli_likelihood(xs: Any, p: Any) -> float:
    """Likelihood of i.i.d. Bernoulli outcomes: Πᵢ p^{xᵢ} (1 − p)^{1−xᵢ}.

    Raises:
        ValueError: outcomes not 0/1 or p not a probability.
    """
    return float(bernoulli_pmf(as_array(xs, "xs", ndim=1), p).prod())  # a vector's pmf is an array


def binomial_pmf(k: Any, n: Any, p: Any) -> float:
    """Binomial pmf P(K = k) = C(n, k) pᵏ (1 − p)ⁿ⁻ᵏ: k successes in n Bernoulli(p) trials.

    Raises:
        ValueError: n not a whole number in [0, 10000], k not a whole number in [0, n], bad p.
    """
    nn, kk = as_scalar(n, "n"), as_scalar(k, "k")
    if nn != int(nn) or not 0 <= nn <= MAX_SIZE:
        raise ValueError(f"n: a whole number of trials in [0, {MAX_SIZE}]")
    if kk != int(kk) or not 0 <= kk <= nn:
        raise ValueError("k: a whole number of successes in [0, n]")
    q = as_prob(p, "p")
    return float(math.comb(int(nn), int(kk)) * q**kk * (1 - q) ** (nn - kk))


# --- Gaussian ---------------------------------------------------------------------------------------


def _sigma(sigma: Any) -> float:
    s = as_scalar(sigma, "sigma")
    if not s > 0 or not math.isfinite(s):
        raise ValueError(f"sigma: the standard deviation must be positive, got {s:g}")
    return s


def normal_pdf(x: Any, mu: Any = 0.0, sigma: Any = 1.0) -> float | np.ndarray:
    """Gaussian density N(x; μ, σ²) = exp(−(x − μ)² / (2σ²)) / (σ √(2π)) (elementwise over x).

    Args:
        x: point(s) at which to evaluate.
        mu: mean μ.
        sigma: standard deviation σ > 0 (not the variance).

    Returns:
        The density (a number for scalar x).

    Raises:
        ValueError: sigma not positive, or non-numeric input.
    """
    xs = as_array(x, "x")
    m = as_scalar(mu, "mu")
    s = _sigma(sigma)
    return _scalar_or_array(np.exp(-((xs - m) ** 2) / (2 * s * s)) / (s * _SQRT_2PI))


def normal_cdf(x: Any, mu: Any = 0.0, sigma: Any = 1.0) -> float | np.ndarray:
    """Gaussian cumulative distribution P(X ≤ x) = Φ((x − μ)/σ) = ½ [1 + erf((x − μ) / (σ √2))].

    Args:
        x: point(s).
        mu: mean μ.
        sigma: standard deviation σ > 0.

    Returns:
        The probability (a number for scalar x).

    Raises:
        ValueError: sigma not positive, or non-numeric input.
    """
    xs = as_array(x, "x")
    m = as_scalar(mu, "mu")
    s = _sigma(sigma)
    z = (xs - m) / (s * math.sqrt(2.0))
    # What np.vectorize(..., otypes=[float]) computes: the function of each entry as a Python float,
    # collected into a float64 array of z's shape, without its per-call setup.
    out = np.array([0.5 * (1.0 + math.erf(t)) for t in z.ravel().tolist()]).reshape(z.shape) if z.size else z
    return _scalar_or_array(np.asarray(out, dtype=float))


def normal_prob(a: Any, b: Any, mu: Any = 0.0, sigma: Any = 1.0) -> float:
    """Probability that a Gaussian lands in an interval: P(a < X < b) = Φ((b − μ)/σ) − Φ((a − μ)/σ).

    Raises:
        ValueError: a > b, sigma not positive, or non-numeric input.
    """
    lo, hi = as_scalar(a, "a"), as_scalar(b, "b")
    if lo > hi:
        raise ValueError("a must not exceed b")
    return float(normal_cdf(hi, mu, sigma) - normal_cdf(lo, mu, sigma))


# --- Naive Bayes ------------------------------------------------------------------------------------


def _gnb_fit(X: Any, y: Any, var_smoothing: Any):
    feats = as_array(X, "X", ndim=(1, 2))
    if feats.ndim == 1:
        feats = feats[:, None]
    labels = as_array(y, "y", ndim=1)
    if feats.shape[0] != labels.size or labels.size == 0:
        raise ValueError(f"X has {feats.shape[0]} rows but y has {labels.size} labels")
    if not np.isfinite(feats).all() or not np.isfinite(labels).all():
        raise ValueError("X and y must be finite numbers")
    smoothing = as_scalar(var_smoothing, "var_smoothing")
    if smoothing < 0:
        raise ValueError("var_smoothing must be non-negative")
    classes = np.unique(labels)
    # sklearn's convention: a variance floor proportional to the largest feature variance, so that a
    # class whose points coincide in one feature does not get a zero-width Gaussian.
    eps = smoothing * float(np.max(np.var(feats, axis=0)))
    means = np.array([feats[labels == c].mean(axis=0) for c in classes])
    variances = np.array([feats[labels == c].var(axis=0) for c in classes]) + eps
    if (variances <= 0).any():
        raise ValueError("a class has zero variance in some feature and no smoothing applies")
    priors = np.array([np.mean(labels == c) for c in classes])
    return classes, means, variances, priors


def gnb_posterior(X: Any, y: Any, x: Any, var_smoothing: Any = 1e-9) -> np.ndarray:
    """Gaussian Naive Bayes class posteriors P(c | x) for a point, fitted on training data (X, y).

    Each class gets prior = its share of the training labels, and per feature a Gaussian with the
    class mean and the class *population* variance (ddof = 0) plus `var_smoothing` × the largest
    feature variance, exactly as scikit-learn's GaussianNB. Features are treated as independent given
    the class, so the likelihood is the product of the per-feature densities.

    Args:
        X: training features, shape (n, d) (or a length-n vector for one feature).
        y: training labels, length n.
        x: the query point, length d (or a number for one feature).
        var_smoothing: the variance floor factor (sklearn's default 1e-9).

    Returns:
        Posterior probabilities, one per class in ascending label order.

    Raises:
        ValueError: mismatched shapes, non-finite data, or a degenerate class.
    """
    classes, means, variances, priors = _gnb_fit(X, y, var_smoothing)
    point = as_array(x, "x", ndim=(0, 1)).reshape(-1)
    if point.size != means.shape[1]:
        raise ValueError(f"x has {point.size} features but X has {means.shape[1]}")
    # log space, because products of many small densities underflow
    loglik = -0.5 * np.sum(np.log(2 * np.pi * variances) + (point[None, :] - means) ** 2 / variances, axis=1)
    joint = np.log(priors) + loglik
    joint -= joint.max()
    post = np.exp(joint)
    return post / post.sum()


def gnb_predict(X: Any, y: Any, x: Any, var_smoothing: Any = 1e-9) -> float:
    """The Gaussian Naive Bayes prediction for one point: the class with the largest posterior.

    The seed's X = [[1, 2], [2, 3], [3, 4], [4, 5]], y = [0, 0, 1, 1] predicts 1 for [2.5, 3.5].

    Raises:
        ValueError: as `gnb_posterior`.
    """
    classes = np.unique(as_array(y, "y", ndim=1))
    return float(classes[int(np.argmax(gnb_posterior(X, y, x, var_smoothing)))])


def naive_bayes(prior: Any, likelihoods: Any) -> np.ndarray:
    """Naive Bayes posterior from per-feature likelihoods: P(c | x) ∝ P(c) Πⱼ P(xⱼ | c).

    Args:
        prior: length-k class priors.
        likelihoods: shape (k, m): P(xⱼ | c) for each class c (row) and observed feature j (column);
            a length-k vector is one feature.

    Returns:
        The length-k posterior over classes.

    Raises:
        ValueError: shapes disagree, negative entries, or every class has probability 0.
    """
    lik = _nonneg(as_array(likelihoods, "likelihoods", ndim=(1, 2)), "likelihoods")
    if lik.ndim == 1:
        lik = lik[:, None]
    return posterior(prior, lik.prod(axis=1))


EQUATIONS = [
    Equation(
        id="bayes-theorem",
        name="Bayes' theorem",
        topic="probability",
        display=(
            "            P(B|A) P(A)\n"
            "  P(A|B) = ─────────────\n"
            "               P(B)\n"
            "\n"
            "  P(B) = P(B|A) P(A) + P(B|¬A) P(¬A)"
        ),
        summary=(
            "Bayes' theorem turns the likelihood of evidence under a hypothesis into the probability "
            "of the hypothesis given the evidence. The evidence P(B) normalizes it and carries the "
            "base rate, which is why a rare condition stays fairly unlikely even after a positive test. "
            "It underlies Naive Bayes classifiers, Bayesian inference and Bayesian optimization."
        ),
    ),
    Equation(
        id="joint-conditional-probability",
        name="Joint and conditional probability",
        topic="probability",
        display=(
            "  P(A, B) = P(A|B) P(B) = P(B|A) P(A)\n"
            "\n"
            "            P(A, B)\n"
            "  P(A|B) = ─────────      P(B) = Σₐ P(a, B)\n"
            "             P(B)"
        ),
        summary=(
            "The joint probability is the chance that two events happen together; conditioning "
            "rescales it by the probability of what is known. Chaining the product rule factorizes any "
            "joint distribution, as autoregressive language models and graphical models do."
        ),
    ),
    Equation(
        id="bernoulli",
        name="Bernoulli distribution",
        topic="probability",
        display=(
            "  P(X = x) = pˣ (1 − p)¹⁻ˣ ,   x ∈ {0, 1}\n"
            "\n"
            "  E[X] = p        Var[X] = p (1 − p)"
        ),
        summary=(
            "A Bernoulli variable is a single yes/no trial that succeeds with probability p. It models "
            "binary labels, and maximizing its likelihood over a data set is exactly minimizing binary "
            "cross-entropy, the loss of logistic regression."
        ),
    ),
    Equation(
        id="gaussian-pdf",
        name="Gaussian (normal) density",
        topic="probability",
        display=(
            "                  1          ⎛   (x − μ)² ⎞\n"
            "  N(x; μ, σ²) = ──────── exp ⎜ − ──────── ⎟\n"
            "                σ √(2π)      ⎝     2σ²    ⎠"
        ),
        summary=(
            "The normal density is the bell curve with mean μ and standard deviation σ; it is a density, "
            "so it can exceed 1 when σ is small. Gaussian noise, weight initialisation, VAEs and Gaussian "
            "Naive Bayes all rest on it."
        ),
    ),
    Equation(
        id="gaussian-cdf",
        name="Gaussian cumulative distribution",
        topic="probability",
        display=(
            "               ⎛ x − μ ⎞   1 ⎡         ⎛ x − μ ⎞⎤\n"
            "  P(X ≤ x) = Φ ⎜ ───── ⎟ = ─ ⎢ 1 + erf ⎜ ───── ⎟⎥\n"
            "               ⎝   σ   ⎠   2 ⎣         ⎝  σ √2 ⎠⎦"
        ),
        summary=(
            "The cumulative distribution gives the probability that a normal variable falls below x, "
            "found by standardizing to a z-score and reading Φ. Probabilities of intervals are "
            "differences of Φ; Φ(1.96) ≈ 0.975 gives the familiar 95% interval."
        ),
    ),
    Equation(
        id="naive-bayes",
        name="Naive Bayes posterior",
        topic="probability",
        display=(
            "                  P(c) Πⱼ P(xⱼ | c)\n"
            "  P(c | x) = ─────────────────────────\n"
            "             Σ_c' P(c') Πⱼ P(xⱼ | c')"
        ),
        summary=(
            "Naive Bayes applies Bayes' theorem with the 'naive' assumption that features are "
            "independent given the class, so the likelihood is a product of per-feature terms. Gaussian "
            "Naive Bayes models each feature with a per-class normal density; spam filters use word "
            "frequencies."
        ),
    ),
]
