"""A library of generic slips: the mistakes learners make in any ML computation, and how to spot them.

Core layer. Each slip turns the expected value (and, for a few, the typed one) into the value the
slip would have produced: a flipped sign, a reciprocal, a stray or missing factor of 2, a logarithm
in the wrong base, a transposed matrix, a forgotten normalization, n versus n−1, σ versus σ²,
percent versus fraction. The grader tries these, after the template's own anticipated mistakes,
before it calls an answer simply wrong, so the verdict can say *what* went wrong.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

LN2 = math.log(2.0)
LN10 = math.log(10.0)


@dataclass(frozen=True)
class Slip:
    """One generic slip.

    Attributes:
        id: kebab-case id reported as the diagnosis.
        message: the explanation shown to the learner (may contain `{n}`, and `{what}`: the
            answer's context, e.g. "one (Entropy in bits)").
        kinds: answer shapes it applies to: "scalar", "vector", "matrix", "set".
        candidates: (expected, typed, ints) → values the slip would give (possibly none).
    """

    id: str
    message: str
    kinds: frozenset[str]
    candidates: Callable[[np.ndarray, np.ndarray, Sequence[int]], Iterable[tuple[np.ndarray, dict]]]


def _one(value: np.ndarray) -> list[tuple[np.ndarray, dict]]:
    return [(value, {})]


def _sign(b, t, ints):
    return _one(-b) if np.any(b != 0) else []


def _reciprocal(b, t, ints):
    if b.ndim or b == 0 or abs(abs(float(b)) - 1) < 1e-9:
        return []
    return _one(1.0 / b)


def _times(k: float) -> Callable:
    return lambda b, t, ints: _one(b * k) if np.any(b != 0) else []


def _either(k: float) -> Callable:
    return lambda b, t, ints: [(b / k, {}), (b * k, {})] if np.any(b != 0) else []


def _transposed(b, t, ints):
    if b.ndim != 2 or (b.shape[0] == b.shape[1] and np.allclose(b, b.T)):
        return []
    return _one(b.T)


def _permuted(b, t, ints):
    """The expected entries rearranged into the typed order (when the sorted values agree)."""
    if b.ndim != 1 or t.shape != b.shape or b.size < 2 or np.allclose(b, b[0]):
        return []
    cand = np.empty_like(b)
    cand[np.argsort(t, kind="stable")] = np.sort(b)
    return [] if np.array_equal(cand, b) else _one(cand)


def _normalization(b, t, ints):
    """Typed values proportional to a distribution but not summing to 1."""
    if b.ndim != 1 or t.shape != b.shape or np.any(b < 0) or abs(b.sum() - 1) > 1e-6:
        return []
    total = float(t.sum())
    if not math.isfinite(total) or total == 0 or abs(total - 1) < 1e-3:
        return []
    return _one(b * total)


def _n_minus_1(b, t, ints):
    out = []
    if np.all(b == 0):
        return out
    for n in sorted(set(ints)):
        if 2 <= n <= 100_000:
            r = n / (n - 1)
            out += [(b * r, {"n": n}), (b / r, {"n": n}), (b * math.sqrt(r), {"n": n}),
                    (b / math.sqrt(r), {"n": n})]
    return out


def _squared(b, t, ints):
    if np.any(b < 0) or np.all(b == 0):
        return [(b * b, {})] if np.any(b != 0) else []
    return [(b * b, {}), (np.sqrt(b), {})]


SLIPS: tuple[Slip, ...] = (
    Slip("sign-flip", "The sign is flipped: your answer is the negative of the expected one. Check the "
         "minus sign (−Σ p log p, the direction of a gradient step, a − b versus b − a).",
         frozenset({"scalar", "vector", "matrix", "set"}), _sign),
    Slip("reciprocal", "Your answer is the reciprocal of the expected one: a ratio is upside down.",
         frozenset({"scalar"}), _reciprocal),
    Slip("factor-of-two", "Your answer is twice the expected {what}: there is a factor of 2 too many "
         "(a term counted twice, or a factor ½ of the formula left out).",
         frozenset({"scalar", "vector", "matrix", "set"}), _times(2.0)),
    Slip("half", "Your answer is half the expected {what}: a factor of 2 is missing (a term counted "
         "once instead of twice, or a 2 dropped on the way).",
         frozenset({"scalar", "vector", "matrix", "set"}), _times(0.5)),
    Slip("log-base-2", "Off by a factor of ln 2 ≈ 0.693: a logarithm in base 2 (bits) where the natural "
         "log (nats) is meant, or the reverse.",
         frozenset({"scalar", "vector", "matrix", "set"}), _either(LN2)),
    Slip("log-base-10", "Off by a factor of ln 10 ≈ 2.303: a logarithm in base 10 where the natural log "
         "is meant, or the reverse.", frozenset({"scalar", "vector", "matrix", "set"}), _either(LN10)),
    Slip("transposed", "That is the transpose of the expected matrix: rows and columns are swapped "
         "(check the order of a product, A versus Aᵀ).", frozenset({"matrix"}), _transposed),
    Slip("permuted", "Right values, wrong order: every entry you typed is an entry of the answer, but "
         "in another place — check which index goes where (a true statement about a different "
         "arrangement is still not this answer).", frozenset({"vector"}), _permuted),
    Slip("missing-normalization", "Your values are proportional to the answer but do not sum to 1: "
         "divide by their total to normalize.", frozenset({"vector"}), _normalization),
    Slip("n-vs-n-minus-1", "Off by the factor n/(n−1) with n = {n} (or its square root): dividing by n "
         "(population) versus n − 1 (sample, ddof=1).", frozenset({"scalar", "vector"}), _n_minus_1),
    Slip("sigma-vs-variance", "You gave the square (or the square root) of the answer: standard "
         "deviation σ versus variance σ².", frozenset({"scalar"}), _squared),
    Slip("percent-vs-fraction", "Off by a factor of 100: a percentage versus a fraction (25% = 0.25).",
         frozenset({"scalar", "vector", "set"}), _either(100.0)),
)

SWAPPED = Slip("swapped-arguments", "You swapped {a} and {b}: the formula is not symmetric in them "
               "(for example KL(p‖q) ≠ KL(q‖p)).", frozenset(), lambda b, t, ints: [])


def slip_candidates(kind: str, expected: np.ndarray, typed: np.ndarray,
                    ints: Sequence[int] = ()) -> Iterator[tuple[Slip, np.ndarray, dict]]:
    """Every value a generic slip would give for this expected answer, in library order.

    Message fields other than the slip's own (`{what}`: what the answer is) are filled by the caller.

    Args:
        kind: "scalar", "vector", "matrix" or "set".
        expected: the expected value as a float array.
        typed: the learner's value (a few slips, like normalization, depend on it).
        ints: the declared sample size(s) for the n/(n−1) slip (none: the slip is not tried).

    Returns:
        An iterator of (slip, candidate value, message fields).
    """
    for slip in SLIPS:
        if kind not in slip.kinds:
            continue
        for value, fields in slip.candidates(expected, typed, ints):
            yield slip, np.asarray(value, dtype=float), fields


def instance_ints(params: object) -> list[int]:
    """Whole numbers an instance mentions: integer parameters and the lengths of vector parameters.

    Args:
        params: the instance's parameters (any mapping; anything else gives no numbers).

    Returns:
        Candidate sample sizes for the n/(n−1) slip.
    """
    out: list[int] = []
    if not hasattr(params, "items"):
        return out
    for value in params.values():  # type: ignore[union-attr]
        if isinstance(value, (bool, np.bool_)):
            continue
        if isinstance(value, (int, np.integer)):
            out.append(int(value))
        elif isinstance(value, float) and value.is_integer() and 1 < value < 1e5:
            out.append(int(value))
        elif isinstance(value, (np.ndarray, list, tuple)):
            shape = np.shape(value)
            out.extend(int(s) for s in shape)
            if len(shape) == 2:
                out.append(int(shape[0] * shape[1]))
    return out
