"""Statistics solvers: median, variance and standard deviation with ddof, z-scores, z-tests, p-values.

Core layer. Pure NumPy functions callable from templates and typed answers through the solver
registry. `mean` is the lead's elementary solver; the spread functions here take `ddof` like NumPy
(0 = population, divide by n; 1 = sample, divide by n − 1).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainer.core.solvers.equations import Equation
from trainer.core.solvers.probability import as_array, as_scalar, normal_cdf

__all__ = [
    "median",
    "var",
    "std",
    "zscore",
    "standard_error",
    "z_stat",
    "p_value",
    "z_test",
    "confidence_interval",
]

ALIASES = {
    "variance": "var",
    "stdev": "std",
    "z_score": "zscore",
}

_ALTERNATIVES = {
    "two-sided": "two-sided",
    "two": "two-sided",
    "both": "two-sided",
    "greater": "greater",
    "upper": "greater",
    "right": "greater",
    "less": "less",
    "lower": "less",
    "left": "less",
}


def _data(x: Any, name: str = "x") -> np.ndarray:
    arr = as_array(x, name, ndim=(0, 1)).reshape(-1)
    if arr.size == 0:
        raise ValueError(f"{name}: need at least one value")
    if not np.isfinite(arr).all():  # np.all's reduction, minus its dispatch
        raise ValueError(f"{name}: values must be finite numbers")
    return arr


def _ddof(ddof: Any, n: int) -> int:
    d = as_scalar(ddof, "ddof")
    if d != int(d) or d < 0:
        raise ValueError("ddof: 0 (population, divide by n) or 1 (sample, divide by n − 1)")
    if n - d <= 0:
        raise ValueError(f"ddof={int(d)} needs more than {int(d)} value(s), got {n}")
    return int(d)


def median(x: Any) -> float:
    """Median: the middle value once sorted, or the mean of the two middle values for even n.

    Raises:
        ValueError: empty, non-finite or non-numeric data.
    """
    return float(np.median(_data(x)))


def var(x: Any, ddof: Any = 0) -> float:
    """Variance Σ(xᵢ − x̄)² / (n − ddof): ddof=0 population (÷ n), ddof=1 sample (÷ n − 1, unbiased).

    [2, 4, 4, 4, 5, 5, 7, 9] has population variance 4 and sample variance 32/7.

    Args:
        x: the data, a number or 1-D list.
        ddof: delta degrees of freedom, 0 or 1 (any whole number < n).

    Returns:
        The variance.

    Raises:
        ValueError: empty or non-finite data, or ddof ≥ n.
    """
    data = _data(x)
    d = _ddof(ddof, data.size)
    # ndarray.mean() and np.sum are add.reduce; the mean's division by the count is the same in floats.
    mean = np.add.reduce(data, axis=None).item() / data.size
    return float(np.add.reduce((data - mean) ** 2, axis=None) / (data.size - d))


def std(x: Any, ddof: Any = 0) -> float:
    """Standard deviation √var(x, ddof) (ddof=0 population, ddof=1 sample).

    Raises:
        ValueError: as `var`.
    """
    return math.sqrt(var(x, ddof))


def zscore(x: Any, mu: Any = 0.0, sigma: Any = 1.0) -> float | np.ndarray:
    """Standard score z = (x − μ) / σ: how many standard deviations x lies from the mean.

    Raises:
        ValueError: sigma not positive, or non-numeric input.
    """
    xs = as_array(x, "x")
    m = as_scalar(mu, "mu")
    s = as_scalar(sigma, "sigma")
    if not s > 0:
        raise ValueError(f"sigma: the standard deviation must be positive, got {s:g}")
    out = (xs - m) / s
    return float(out) if out.ndim == 0 else out


def standard_error(sigma: Any, n: Any) -> float:
    """Standard error of a mean of n observations: σ / √n.

    Raises:
        ValueError: sigma not positive or n not a positive whole number.
    """
    s = as_scalar(sigma, "sigma")
    nn = as_scalar(n, "n")
    if not s > 0:
        raise ValueError(f"sigma: must be positive, got {s:g}")
    if nn != int(nn) or nn < 1:
        raise ValueError(f"n: a positive whole sample size, got {nn:g}")
    return s / math.sqrt(nn)


def z_stat(xbar: Any, mu0: Any, sigma: Any, n: Any = 1) -> float:
    """One-sample z statistic z = (x̄ − μ₀) / (σ / √n).

    Raises:
        ValueError: as `standard_error`.
    """
    return (as_scalar(xbar, "xbar") - as_scalar(mu0, "mu0")) / standard_error(sigma, n)


def p_value(z: Any, alternative: Any = "two-sided") -> float:
    """p-value of a standard-normal test statistic z.

    two-sided: 2 (1 − Φ(|z|)); greater (right tail): 1 − Φ(z); less (left tail): Φ(z).

    Args:
        z: the observed statistic.
        alternative: "two-sided" (default), "greater" or "less" (also "upper"/"lower", "right"/"left");
            the numbers 2 and 1 mean two-sided and greater.

    Returns:
        The probability, under H₀, of a statistic at least as extreme as z.

    Raises:
        ValueError: z not a number, or an unknown alternative.
    """
    zz = as_scalar(z, "z")
    if isinstance(alternative, str):
        alt = _ALTERNATIVES.get(alternative.strip().lower())
    else:
        tails = as_scalar(alternative, "alternative")
        alt = {2.0: "two-sided", 1.0: "greater"}.get(tails)
    if alt is None:
        raise ValueError("alternative: 'two-sided', 'greater' or 'less'")
    # the upper tail through Φ(−z) avoids the cancellation in 1 − Φ(z) for large z
    if alt == "two-sided":
        return float(min(1.0, 2 * normal_cdf(-abs(zz))))
    if alt == "greater":
        return float(normal_cdf(-zz))
    return float(normal_cdf(zz))


def z_test(xbar: Any, mu0: Any, sigma: Any, n: Any = 1, alternative: Any = "two-sided") -> float:
    """p-value of a one-sample z-test of H₀: μ = μ₀ with known σ.

    Args:
        xbar: the sample mean.
        mu0: the mean under the null hypothesis.
        sigma: the known population standard deviation.
        n: the sample size.
        alternative: "two-sided", "greater" or "less" (see `p_value`).

    Returns:
        The p-value.

    Raises:
        ValueError: as `z_stat` and `p_value`.
    """
    return p_value(z_stat(xbar, mu0, sigma, n), alternative)


def confidence_interval(xbar: Any, sigma: Any, n: Any = 1, z: Any = 1.96) -> np.ndarray:
    """Normal confidence interval x̄ ± z σ / √n (z = 1.96 for 95%).

    Raises:
        ValueError: as `standard_error`, or z negative.
    """
    zz = as_scalar(z, "z")
    if zz < 0:
        raise ValueError("z: the critical value must be non-negative")
    half = zz * standard_error(sigma, n)
    centre = as_scalar(xbar, "xbar")
    return np.array([centre - half, centre + half])


EQUATIONS = [
    Equation(
        id="mean-median-variance",
        name="Mean, median and variance",
        topic="statistics",
        display=(
            "       1  n              1     n\n"
            "  x̄ = ─  Σ  xᵢ      s² = ───── Σ (xᵢ − x̄)²      σ² = (1/n) Σ (xᵢ − x̄)²\n"
            "       n i=1             n − 1 i=1\n"
            "\n"
            "  median = middle value of the sorted data (mean of the two middle ones if n is even)"
        ),
        summary=(
            "The mean and median locate the centre of data; the median resists outliers. The variance "
            "averages squared deviations from the mean: divide by n for a whole population, by n − 1 "
            "for a sample (Bessel's correction, because x̄ is fitted to the same data)."
        ),
    ),
    Equation(
        id="z-score",
        name="Z-score (standardization)",
        topic="statistics",
        display=(
            "       x − μ\n"
            "  z = ───────\n"
            "         σ"
        ),
        summary=(
            "A z-score says how many standard deviations a value lies from the mean. Standardizing "
            "features this way puts them on one scale for gradient descent and distance-based models, "
            "and turns any normal probability into a lookup of Φ."
        ),
    ),
    Equation(
        id="z-test-p-value",
        name="Hypothesis test and p-value (z-test)",
        topic="statistics",
        display=(
            "        x̄ − μ₀\n"
            "  z = ─────────        two-sided:  p = 2 (1 − Φ(|z|))\n"
            "       σ / √n          one-sided:  p = 1 − Φ(z)"
        ),
        summary=(
            "A p-value is the probability, assuming the null hypothesis is true, of a result at least "
            "as extreme as the one observed; it is not the probability that the null is true. A z-test "
            "standardizes the sample mean with the standard error σ/√n, as when comparing a model's "
            "metric against a baseline."
        ),
    ),
]
