"""FSRS parameters fitted to one learner's review log, and how well parameters predict that log.

Core layer, pure: the log comes in as `LoggedReview`s (explicit reviews only; implicit credit is
not evidence of recall), nothing reads a clock. Fitting is done by `fsrs-rs-python` (the optimizer
Anki uses, no torch), imported only inside `fit`, so nothing else pays for loading it.

Days between reviews are whole 24-hour periods, `(later - earlier).days`, as trainer's scheduler
counts them (`fsrs.Scheduler` does the same), so the fitted model and the model in use agree on t.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from trainer.core.learning import memory

#: Reviews that come a day or more after the card's previous review (the ones FSRS predicts) needed
#: before a fit is attempted: with fewer, fsrs-rs returns its starting point unchanged or a fit that
#: mostly reflects noise (the benchmark's drawn learners with ~1,800 reviews are already a toss-up).
MIN_REVIEWS = 200
#: Share of the log (by time) the fit for "after" is trained on; the later rest is held out.
DEFAULT_SPLIT = 0.8
_P_CLIP = 1e-6  # keeps log(0) out of the log loss when a prediction is exactly 0 or 1


class NotEnoughReviews(ValueError):
    """The log is too short to fit or to evaluate.

    Attributes:
        have: the predictable reviews in the log (a day or more after the card's previous review).
        need: how many are needed.
    """

    def __init__(self, have: int, need: int, what: str = "fitting"):
        super().__init__(f"{what} needs at least {need} reviews that come a day or more after the card's "
                         f"previous review; the log has {have}")
        self.have = have
        self.need = need


class FitError(RuntimeError):
    """The optimizer itself failed on a log that passed the checks (reported, never a traceback)."""


@dataclass(frozen=True)
class LoggedReview:
    """One explicit review: which card, when (UTC-aware), and the rating 1 Again … 4 Easy."""

    card: str
    at: datetime
    rating: int

    def __post_init__(self):
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError(f"review of {self.card!r}: time {self.at} has no time zone")
        if self.rating not in (1, 2, 3, 4):
            raise ValueError(f"review of {self.card!r} at {self.at}: rating must be 1..4, got {self.rating!r}")


@dataclass(frozen=True)
class Optimization:
    """What `optimize` found.

    Attributes:
        parameters: the 21 parameters fitted to the whole log (the ones to apply).
        reviews: explicit reviews in the log.
        before: `evaluate` of the parameters in use on the held-out part.
        after: `evaluate`, on the same held-out part, of parameters fitted to the earlier part only
            (a fit never sees the reviews it is scored on).
        held_out_from: the first held-out review's time.
        warnings: `health` of the log.
    """

    parameters: list[float]
    reviews: int
    before: dict
    after: dict
    held_out_from: datetime
    warnings: list[str] = field(default_factory=list)


def _by_card(log: Iterable[LoggedReview]) -> dict[str, list[LoggedReview]]:
    cards: dict[str, list[LoggedReview]] = defaultdict(list)
    for review in log:
        cards[review.card].append(review)
    for reviews in cards.values():
        reviews.sort(key=lambda r: r.at)
    return cards


def _elapsed(history: list[LoggedReview]) -> list[int]:
    """Whole days since the previous review, per review (0 for the first)."""
    return [0] + [max(0, (b.at - a.at).days) for a, b in zip(history, history[1:])]


def predictable(log: Iterable[LoggedReview]) -> int:
    """How many reviews come a day or more after their card's previous review (what FSRS predicts)."""
    return sum(1 for history in _by_card(log).values() for days in _elapsed(history)[1:] if days >= 1)


def fit(log: Sequence[LoggedReview], *, min_reviews: int = MIN_REVIEWS) -> list[float]:
    """The 21 FSRS-6 parameters that best predict this log (fsrs-rs `compute_parameters`).

    Every review after a card's first becomes one training item: the card's history up to and
    including that review, with whole days between reviews.

    Args:
        log: explicit reviews, any order.
        min_reviews: refuse logs with fewer predictable reviews than this.

    Returns:
        21 floats, within the bounds of the `fsrs` library that schedules with them.

    Raises:
        NotEnoughReviews: fewer than `min_reviews` predictable reviews.
        FitError: the optimizer failed.
    """
    have = predictable(log)
    if have < min_reviews:
        raise NotEnoughReviews(have, min_reviews)
    import fsrs_rs_python as rs  # deferred: only fitting needs the Rust optimizer

    items = []
    for history in _by_card(log).values():
        elapsed = _elapsed(history)
        reviews = [rs.FSRSReview(r.rating, days) for r, days in zip(history, elapsed)]
        # fsrs-rs refuses (panics on) an item whose reviews all fall on one day: nothing to learn from.
        first_later = next((k for k, days in enumerate(elapsed) if days >= 1), len(reviews))
        items.extend(rs.FSRSItem(reviews[:k + 1]) for k in range(max(1, first_later), len(reviews)))
    try:
        fitted = rs.FSRS(rs.DEFAULT_PARAMETERS).compute_parameters(items, enable_short_term=True)
    except BaseException as exc:  # a Rust panic arrives as pyo3's PanicException, a BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise FitError(f"the FSRS optimizer failed: {exc}") from None
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    # fsrs-rs works in float32; round so the stored values read back as the numbers shown, and keep
    # them inside the bounds the scheduling library accepts (the two libraries' bounds differ slightly).
    return [min(max(round(float(x), 6), lo), hi)
            for x, lo, hi in zip(fitted, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS)]


def _cutoff(log: Sequence[LoggedReview], split: float | datetime) -> datetime:
    if isinstance(split, datetime):
        return split
    if not 0 < split < 1:
        raise ValueError(f"split must be a fraction between 0 and 1 or a time, got {split!r}")
    times = sorted(r.at for r in log)
    if not times:
        raise NotEnoughReviews(0, 1, "evaluation")
    return times[min(len(times) - 1, int(len(times) * split))]


def _bin(x: float, base: float, scale: float, digits: int) -> float:
    return round(scale * base ** math.floor(math.log(x) / math.log(base)), digits)


def rmse_bins(rows: Sequence[tuple[float, int, int, int, float]]) -> float:
    """RMSE(bins), the FSRS benchmark's calibration error.

    As defined in open-spaced-repetition/srs-benchmark (`utils.py`, `rmse_matrix`; the metric is
    described on the fsrs4anki wiki page "The Metric"): predictions are grouped by three binned
    features of the review — days since the previous review, binned as round(2.48·3.62^⌊log₃.₆₂ t⌋, 2);
    the review's number in its card's history i (1 = first), round(1.99·1.89^⌊log₁.₈₉ i⌋); and the
    card's earlier lapses n, round(1.65·1.73^⌊log₁.₇₃ n⌋) or 0 — and the result is the root of the
    count-weighted mean of (mean outcome − mean prediction)² over the bins.

    Args:
        rows: (elapsed days ≥ 1, review number i ≥ 2, earlier lapses, outcome 0/1, predicted recall).

    Returns:
        RMSE(bins) in [0, 1].
    """
    bins: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for elapsed, i, lapses, y, p in rows:
        key = (_bin(max(elapsed, 1e-6), 3.62, 2.48, 2), _bin(i, 1.89, 1.99, 0),
               _bin(lapses, 1.73, 1.65, 0) if lapses else 0)
        acc = bins[key]
        acc[0] += 1
        acc[1] += y
        acc[2] += p
    total = sum(acc[0] for acc in bins.values())
    return math.sqrt(sum(n * (ys / n - ps / n) ** 2 for n, ys, ps in bins.values()) / total)


def evaluate(parameters: Sequence[float], log: Sequence[LoggedReview], *,
             split: float | datetime = DEFAULT_SPLIT) -> dict:
    """How well `parameters` predict the later part of the log.

    The held-out reviews are those at or after the split time that come a day or more after
    their card's previous review (same-day reviews are not predictions FSRS makes, and the
    benchmark leaves them out too). Each is predicted from the card's full earlier history,
    including reviews before the split: recall probability R = (1 + F·t/S)^D at the stability S
    that history gives; the outcome is 1 unless the rating is Again.

    Args:
        parameters: 21 FSRS-6 parameters.
        log: explicit reviews, any order.
        split: the fraction of reviews (by time) before the held-out part, or the held-out part's
            first time.

    Returns:
        {"log_loss": mean binary cross-entropy (nats), "rmse_bins": see `rmse_bins`,
        "reviews": held-out reviews scored}.

    Raises:
        NotEnoughReviews: no predictable review in the held-out part.
        ValueError: a split outside (0, 1).
    """
    w = [float(x) for x in parameters]
    cutoff = _cutoff(log, split)
    rows: list[tuple[float, int, int, int, float]] = []
    for history in _by_card(log).values():
        elapsed = _elapsed(history)
        states = memory.replay(w, list(zip(elapsed, (r.rating for r in history))))
        lapses = 0
        for k in range(1, len(history)):
            if elapsed[k] >= 1:
                if history[k].at >= cutoff:
                    p = float(memory.retrievability(w, elapsed[k], states[k - 1][0]))
                    rows.append((elapsed[k], k + 1, lapses, int(history[k].rating > 1), p))
                lapses += history[k].rating == 1
    if not rows:
        raise NotEnoughReviews(0, 1, "evaluation")
    loss = 0.0
    for *_, y, p in rows:
        p = min(max(p, _P_CLIP), 1 - _P_CLIP)
        loss -= math.log(p) if y else math.log(1 - p)
    return {"log_loss": loss / len(rows), "rmse_bins": rmse_bins(rows), "reviews": len(rows)}


def health(log: Sequence[LoggedReview], *, min_reviews: int = MIN_REVIEWS) -> list[str]:
    """What in the log makes a fit unreliable, as sentences for the learner.

    Checks: too few predictable reviews (says how many are needed); Again almost never pressed
    (< 2% of predictable reviews: FSRS then learns that nothing is forgotten); Hard used as a
    fail (Hard on ≥ 10% of predictable reviews with Again on less than a third as many); one
    rating on more than 95% of all reviews (the ratings carry almost no information).

    Args:
        log: explicit reviews.
        min_reviews: the fitting threshold (see `fit`).

    Returns:
        Warnings, empty when none apply.
    """
    warnings: list[str] = []
    have = predictable(log)
    if have < min_reviews:
        warnings.append(f"Too few reviews to fit: {have} come a day or more after the card's previous "
                        f"review; at least {min_reviews} are needed ({min_reviews - have} more).")
    later = Counter(r.rating for history in _by_card(log).values()
                    for r, days in zip(history[1:], _elapsed(history)[1:]) if days >= 1)
    n_later = sum(later.values())
    if n_later >= 20:
        again, hard = later[1] / n_later, later[2] / n_later
        if again < 0.02:
            warnings.append(f"Again is rated on only {again:.1%} of reviews: a forgotten answer should be "
                            "Again, or the fit concludes that nothing is ever forgotten.")
        if hard >= 0.10 and later[1] * 3 < later[2]:
            warnings.append(f"Hard is rated on {hard:.0%} of reviews but Again on {again:.1%}: Hard looks "
                            "used for failures; Hard means recalled with effort, Again means forgotten.")
    counts = Counter(r.rating for r in log)
    if len(log) >= 20:
        rating, n = counts.most_common(1)[0]
        if n / len(log) > 0.95:
            name = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}[rating]
            warnings.append(f"{n / len(log):.0%} of reviews are rated {name}: the ratings carry almost no "
                            "information about what you remember.")
    return warnings


def optimize(log: Sequence[LoggedReview], current: Sequence[float], *, split: float = DEFAULT_SPLIT,
             min_reviews: int = MIN_REVIEWS) -> Optimization:
    """Fit parameters to the log and compare them with the ones in use on its later part.

    Args:
        log: explicit reviews.
        current: the 21 parameters in use (the library defaults when none were fitted).
        split: the fraction of reviews (by time) the comparison fit is trained on.
        min_reviews: the fitting threshold for the whole log.

    Returns:
        An `Optimization`; its `parameters` are fitted to the whole log.

    Raises:
        NotEnoughReviews: too few predictable reviews in the log, or in its earlier part for the
            comparison fit.
    """
    have = predictable(log)
    if have < min_reviews:
        raise NotEnoughReviews(have, min_reviews)
    cutoff = _cutoff(log, split)
    earlier = [r for r in log if r.at < cutoff]
    comparison = fit(earlier, min_reviews=max(1, int(min_reviews * split)))
    before = evaluate(current, log, split=cutoff)
    after = evaluate(comparison, log, split=cutoff)
    return Optimization(parameters=fit(log, min_reviews=min_reviews), reviews=len(log), before=before,
                        after=after, held_out_from=cutoff, warnings=health(log, min_reviews=min_reviews))
