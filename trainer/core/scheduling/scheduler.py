"""The scheduling policy: FSRS-6 card updates, ratings derived from verdicts, and the review queue order.

Core layer, pure: every function takes the time (`now`, a UTC-aware datetime) and, where chance is
involved, a `numpy.random.Generator`, and returns new values instead of mutating its inputs. The
`fsrs` library does the memory model (default FSRS-6 parameters, its learning and relearning steps,
fuzz on); this module adds what the library leaves to the application: how a graded answer becomes
a rating, which card comes next, leeches, day boundaries and fresh seeds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from statistics import median

import numpy as np
from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS, FUZZ_RANGES

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "again", HARD: "hard", GOOD: "good", EASY: "easy"}

#: Card states as stored and shown; the numbers are the FSRS optimizer's `review_state` codes.
STATE_CODES = {"new": 0, "learning": 1, "review": 2, "relearning": 3}
STATE_NAMES = {code: name for name, code in STATE_CODES.items()}
_FSRS_STATE = {"learning": State.Learning, "review": State.Review, "relearning": State.Relearning}

#: Rating thresholds, relative to the learner's own median time on the template.
SLOW_FACTOR = 2.0
FAST_FACTOR = 0.5
#: Prior correct answers on a template needed before its own median is trusted.
MIN_PRIOR_TIMES = 3
#: Absolute fallbacks while a template has fewer than MIN_PRIOR_TIMES correct answers.
DEFAULT_SLOW_MS = 120_000
DEFAULT_FAST_MS = 10_000
#: How many recent correct answers make up "the learner's typical time".
TYPICAL_WINDOW = 20
#: Seeds a learner saw recently for a template are not drawn again (this many, most recent).
RECENT_SEEDS = 20
#: With nothing else to do, a learning card due within this horizon is shown early (Anki's default).
LEARN_AHEAD = timedelta(minutes=20)
SEED_BOUND = 2**31 - 1
_DECAY = -DEFAULT_PARAMETERS[20]
_FACTOR = 0.9 ** (1 / _DECAY) - 1

DEFAULT_SETTINGS: dict[str, object] = {
    "desired_retention": 0.90,
    "new_per_day": 10,
    "reviews_per_day": 200,
    "leech_threshold": 8,
    "leech_action": "tag",
    "backups_keep": 14,
}


def validate_setting(key: str, value: object) -> object:
    """Check and normalise one setting.

    Args:
        key: a key of DEFAULT_SETTINGS.
        value: the new value (a string from the command line is converted).

    Returns:
        The value in its proper type.

    Raises:
        ValueError: unknown key or a value out of range, with a message naming both.
    """
    if key not in DEFAULT_SETTINGS:
        raise ValueError(f"unknown setting {key!r} (known: {', '.join(DEFAULT_SETTINGS)})")
    try:
        if key == "desired_retention":
            out: object = float(value)  # type: ignore[arg-type]
            if not 0.70 <= out <= 0.99:  # type: ignore[operator]
                raise ValueError
        elif key == "leech_action":
            out = str(value)
            if out not in ("tag", "suspend"):
                raise ValueError
        else:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError
            out = int(value)  # type: ignore[call-overload]
            low = 1 if key in ("leech_threshold", "backups_keep") else 0
            if not low <= out <= 100_000:  # type: ignore[operator]
                raise ValueError
    except (TypeError, ValueError):
        allowed = {
            "desired_retention": "a number between 0.70 and 0.99",
            "leech_action": "'tag' or 'suspend'",
        }.get(key, "a whole number ≥ 1" if key in ("leech_threshold", "backups_keep") else "a whole number ≥ 0")
        raise ValueError(f"setting {key!r} must be {allowed}, got {value!r}") from None
    return out


@dataclass(frozen=True)
class CardState:
    """The schedule of one template, independent of storage.

    Attributes:
        state: "new" | "learning" | "review" | "relearning".
        step: the learning/relearning step index (None outside those states).
        stability: FSRS stability in days (None while new).
        difficulty: FSRS difficulty 1..10 (None while new).
        due: when the card is next due (None while new).
        last_review: time of the last review (None while new).
        reps: reviews so far.
        lapses: times a card in review state was forgotten (rated Again).
        leech: flagged as a leech (lapses reached the threshold).
    """

    state: str = "new"
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0
    leech: bool = False

    def to_dict(self) -> dict:
        """A JSON-able dict (datetimes as ISO 8601 UTC text)."""
        return {
            "state": self.state,
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": iso(self.due),
            "last_review": iso(self.last_review),
            "reps": self.reps,
            "lapses": self.lapses,
            "leech": self.leech,
        }

    @classmethod
    def from_dict(cls, data: dict) -> CardState:
        """Inverse of `to_dict`.

        Raises:
            ValueError: an unknown state or an unreadable time.
        """
        if data.get("state", "new") not in STATE_CODES:
            raise ValueError(f"unknown card state {data.get('state')!r}")
        return cls(
            state=data.get("state", "new"),
            step=data.get("step"),
            stability=data.get("stability"),
            difficulty=data.get("difficulty"),
            due=parse_time(data.get("due")),
            last_review=parse_time(data.get("last_review")),
            reps=int(data.get("reps") or 0),
            lapses=int(data.get("lapses") or 0),
            leech=bool(data.get("leech")),
        )


def iso(when: datetime | None) -> str | None:
    """Fixed-width ISO 8601 UTC text (sorts as text in SQL), or None."""
    if when is None:
        return None
    return when.astimezone(timezone.utc).isoformat(timespec="microseconds")


def parse_time(text: str | None) -> datetime | None:
    """Inverse of `iso`; naive text is taken as UTC."""
    if not text:
        return None
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def require_utc(now: datetime) -> datetime:
    """Return `now` as a datetime whose tzinfo is exactly `timezone.utc` (what fsrs demands).

    Raises:
        ValueError: `now` is naive (a local time would silently shift every schedule).
    """
    if now.tzinfo is None:
        raise ValueError("the clock must return timezone-aware datetimes (UTC)")
    return now.astimezone(timezone.utc)


def day_of(now: datetime) -> str:
    """The learning day a moment belongs to: its UTC calendar date, 'YYYY-MM-DD'.

    The day boundary is UTC midnight for everyone (documented in docs/data.md): simple, and the same
    on every machine that shares a database.
    """
    return require_utc(now).date().isoformat()


def next_day_start(now: datetime) -> datetime:
    """UTC midnight after `now`: when buried cards come back and daily limits reset."""
    now = require_utc(now)
    return datetime(now.year, now.month, now.day, tzinfo=timezone.utc) + timedelta(days=1)


class _SeededScheduler(Scheduler):
    """The fsrs scheduler with its interval fuzz drawn from our generator instead of `random.random`.

    The fuzz range is the library's own (same FUZZ_RANGES and rounding); only the source of the
    uniform draw changes, so a session run with a fixed seed schedules identically every time.
    """

    def __init__(self, *, rng: np.random.Generator, **kwargs):
        super().__init__(**kwargs)
        self._rng = rng

    def _get_fuzzed_interval(self, *, interval: timedelta) -> timedelta:
        interval_days = interval.days
        if interval_days < 2.5:
            return interval
        delta = 1.0
        for fuzz_range in FUZZ_RANGES:
            delta += fuzz_range["factor"] * max(min(float(interval_days), fuzz_range["end"]) - fuzz_range["start"], 0.0)
        min_ivl = max(2, round(interval_days - delta))
        max_ivl = min(round(interval_days + delta), self.maximum_interval)
        min_ivl = min(min_ivl, max_ivl)
        fuzzed = float(self._rng.random()) * (max_ivl - min_ivl + 1) + min_ivl
        return timedelta(days=min(round(fuzzed), self.maximum_interval))


def make_scheduler(desired_retention: float = 0.9, *, rng: np.random.Generator | None = None,
                   fuzz: bool = True) -> Scheduler:
    """The FSRS-6 scheduler with default parameters and the library's learning/relearning steps.

    Args:
        desired_retention: target probability of recall when a card falls due.
        rng: source of the interval fuzz; required when `fuzz` is on.
        fuzz: spread intervals by a few percent so cards learned together do not stay together.

    Returns:
        An `fsrs.Scheduler`.

    Raises:
        ValueError: fuzz requested without an rng.
    """
    if fuzz:
        if rng is None:
            raise ValueError("fuzz needs an rng (numpy.random.Generator)")
        return _SeededScheduler(rng=rng, desired_retention=desired_retention, enable_fuzzing=True)
    return Scheduler(desired_retention=desired_retention, enable_fuzzing=False)


def _to_fsrs(card: CardState, now: datetime) -> Card:
    if card.state == "new":
        return Card(card_id=1, state=State.Learning, step=0, due=now)
    return Card(card_id=1, state=_FSRS_STATE[card.state], step=card.step, stability=card.stability,
                difficulty=card.difficulty, due=card.due or now, last_review=card.last_review)


def review(card: CardState, rating: int, now: datetime, *, rng: np.random.Generator,
           desired_retention: float = 0.9, leech_threshold: int = 8, fuzz: bool = True) -> CardState:
    """The card after one review.

    Args:
        card: the schedule before the review (state "new" for a first review).
        rating: 1 Again, 2 Hard, 3 Good, 4 Easy.
        now: review time (UTC-aware).
        rng: source of interval fuzz.
        desired_retention: the learner's target retention.
        leech_threshold: lapses at which the card is flagged as a leech.
        fuzz: apply interval fuzz (on in normal use).

    Returns:
        A new CardState; `lapses` grows when a review-state card is rated Again.

    Raises:
        ValueError: a rating outside 1..4 or a naive `now`.
    """
    if rating not in RATING_NAMES:
        raise ValueError(f"rating must be 1, 2, 3 or 4, got {rating!r}")
    now = require_utc(now)
    scheduler = make_scheduler(desired_retention, rng=rng, fuzz=fuzz)
    after, _log = scheduler.review_card(_to_fsrs(card, now), Rating(rating), review_datetime=now)
    lapses = card.lapses + (1 if card.state == "review" and rating == AGAIN else 0)
    return CardState(
        state=after.state.name.lower(),
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        due=after.due,
        last_review=after.last_review,
        reps=card.reps + 1,
        lapses=lapses,
        leech=card.leech or lapses >= leech_threshold,
    )


def retrievability(card: CardState, now: datetime) -> float:
    """Predicted probability of recall at `now` (0 for a card never reviewed).

    Uses the library's formula, which counts whole elapsed days.
    """
    if card.state == "new" or card.stability is None or card.last_review is None:
        return 0.0
    # Same formula as fsrs.Scheduler.get_card_retrievability, without building a Scheduler per card
    # (the queue evaluates this for every due card).
    elapsed_days = max(0, (require_utc(now) - card.last_review).days)
    return (1 + _FACTOR * elapsed_days / card.stability) ** _DECAY


def typical_time(times_ms: Sequence[float]) -> float | None:
    """Median of the recent correct answer times, or None if too few to trust."""
    usable = [t for t in times_ms if t is not None and t > 0]
    if len(usable) < MIN_PRIOR_TIMES:
        return None
    return float(median(usable[-TYPICAL_WINDOW:]))


def derive_rating(correct: bool, *, hint_used: bool, response_ms: float | None,
                  prior_times_ms: Sequence[float] = ()) -> int:
    """The rating a graded answer earns.

    Wrong → Again (1). Right after a hint, or slowly → Hard (2). Right → Good (3). Right and fast →
    Easy (4). Slow means more than SLOW_FACTOR × the learner's median time on this template over its
    last TYPICAL_WINDOW correct answers; fast means under FAST_FACTOR × that median. Until the
    template has MIN_PRIOR_TIMES correct answers, slow is > DEFAULT_SLOW_MS and fast < DEFAULT_FAST_MS.

    Args:
        correct: the verdict.
        hint_used: the learner asked for the hint before answering.
        response_ms: time from the problem being shown to the answer being submitted (None: unknown,
            treated as neither slow nor fast).
        prior_times_ms: response times of earlier correct answers on this template, oldest first.

    Returns:
        1, 2, 3 or 4.
    """
    if not correct:
        return AGAIN
    if hint_used:
        return HARD
    if response_ms is None:
        return GOOD
    typical = typical_time(prior_times_ms)
    slow_limit = DEFAULT_SLOW_MS if typical is None else SLOW_FACTOR * typical
    fast_limit = DEFAULT_FAST_MS if typical is None else FAST_FACTOR * typical
    if response_ms > slow_limit:
        return HARD
    if response_ms < fast_limit:
        return EASY
    return GOOD


def fresh_seed(rng: np.random.Generator, recent: Iterable[int]) -> int:
    """A problem seed the learner has not seen recently for this template.

    Args:
        rng: the session's generator.
        recent: seeds shown recently (at most a few dozen).

    Returns:
        A seed in [0, 2**31 - 1) not in `recent`.
    """
    seen = set(recent)
    while True:
        seed = int(rng.integers(0, SEED_BOUND))
        if seed not in seen:
            return seed


@dataclass(frozen=True)
class Candidate:
    """A template the queue may serve.

    Attributes:
        template_id: the template.
        equation: its equation id (the queue avoids serving one equation twice in a row).
        card: its schedule (state "new" for templates never reviewed).
        suspended: excluded from the queue.
        buried_until: excluded until this time.
    """

    template_id: str
    equation: str
    card: CardState = field(default_factory=CardState)
    suspended: bool = False
    buried_until: datetime | None = None


def build_queue(candidates: Iterable[Candidate], now: datetime, *, new_left: int, reviews_left: int,
                learn_ahead: timedelta = LEARN_AHEAD) -> list[Candidate]:
    """Everything that may be served now, in order.

    Order: due learning/relearning cards (not capped: a step under a day must not be skipped), then
    due review cards up to `reviews_left`; within the due cards the lowest retrievability first
    (ties: earliest due, then id). Then new templates up to `new_left`, in the order given. When
    that is empty, learning cards due within `learn_ahead` come early, the soonest first.

    Args:
        candidates: every template with its schedule.
        now: the current time.
        new_left: new templates that may still be introduced today.
        reviews_left: review-state cards that may still be shown today.
        learn_ahead: how far ahead learning cards may be pulled when nothing else is left.

    Returns:
        The ordered list (possibly empty).
    """
    now = require_utc(now)
    due, new, ahead = [], [], []
    for cand in candidates:
        if cand.suspended or (cand.buried_until is not None and cand.buried_until > now):
            continue
        card = cand.card
        if card.state == "new":
            new.append(cand)
        elif card.due is not None and card.due <= now:
            due.append(cand)
        elif card.state != "review" and card.due is not None and card.due <= now + learn_ahead:
            ahead.append(cand)

    def key(c: Candidate):
        return (retrievability(c.card, now), c.card.due, c.template_id)

    due.sort(key=key)
    learning = [c for c in due if c.card.state != "review"]
    reviews = [c for c in due if c.card.state == "review"][: max(0, reviews_left)]
    ordered = sorted(learning + reviews, key=key) + new[: max(0, new_left)]
    if not ordered:
        ordered = sorted(ahead, key=lambda c: (c.card.due, c.template_id))
    return ordered


def pick(queue: Sequence[Candidate], last_equation: str | None) -> Candidate | None:
    """The first queued candidate whose equation differs from the one just served, else the first."""
    for cand in queue:
        if cand.equation != last_equation:
            return cand
    return queue[0] if queue else None


def with_flags(card: CardState, **changes) -> CardState:
    """A copy of `card` with some fields changed (a readable alias of dataclasses.replace)."""
    return replace(card, **changes)


def fsrs_interval_days(stability: float, desired_retention: float = 0.9) -> float:
    """The unrounded FSRS interval for a stability at a desired retention (for docs and checks).

    I(S, r) = S / F · (r^(1/D) − 1) with the FSRS-6 default decay D = −0.1542 and F = 0.9^(1/D) − 1.
    """
    decay = -0.1542
    factor = 0.9 ** (1 / decay) - 1
    return stability / factor * (desired_retention ** (1 / decay) - 1)


__all__ = [
    "AGAIN", "HARD", "GOOD", "EASY", "RATING_NAMES", "STATE_CODES", "STATE_NAMES", "DEFAULT_SETTINGS",
    "CardState", "Candidate", "build_queue", "pick", "review", "retrievability", "derive_rating",
    "typical_time", "fresh_seed", "make_scheduler", "day_of", "next_day_start", "iso", "parse_time",
    "require_utc", "validate_setting", "with_flags", "fsrs_interval_days",
]
