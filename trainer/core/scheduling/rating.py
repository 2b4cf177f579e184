"""How a graded answer becomes an FSRS rating, and why: right/wrong, hint, first sighting, and time
against the learner's own pace on that kind of answer.

Core layer, pure. The fast/slow thresholds are relative to the learner's median time on answers of
the same kind (number, vector/matrix, choice, formula, multi-part), with absolute fallbacks until
enough correct answers of that kind exist. Two rules keep Easy honest: a card's first sighting is
Good at best (nothing is known yet about how well it is remembered), and a formula typed faster
than `RECALL_MS_PER_CHAR` per character cannot have been written from memory (it was copied), so
it is Good at best too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "again", HARD: "hard", GOOD: "good", EASY: "easy"}
RATING_LABELS = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}

#: Rating thresholds, relative to the learner's own median time on this kind of answer.
SLOW_FACTOR = 2.0
FAST_FACTOR = 0.5
#: Prior correct answers of a kind needed before their median is trusted.
MIN_PRIOR_TIMES = 3
#: Absolute fallbacks while a kind has fewer than MIN_PRIOR_TIMES correct answers.
DEFAULT_SLOW_MS = 120_000
DEFAULT_FAST_MS = 10_000
#: How many recent correct answers make up "the learner's typical time".
TYPICAL_WINDOW = 20
#: A formula typed from memory takes at least this long per non-blank character: 300 ms is about
#: 40 words a minute, a fast typist copying prose, before any time to recall or think.
RECALL_MS_PER_CHAR = 300

#: Answer types grouped into the kinds whose times are compared with each other.
ANSWER_KINDS = {"number": "number", "integer": "number", "vector": "array", "matrix": "array",
                "set": "array", "direction": "array", "choice": "choice", "formula": "formula",
                "multi": "multi"}
#: How each kind is named in a rating reason ("your usual for numbers").
KIND_WORDS = {"number": "numbers", "array": "vectors and matrices", "choice": "choices",
              "formula": "formulas", "multi": "multi-part answers"}


def answer_kind(answer_type: str | None) -> str:
    """The kind an answer type's times are compared within ("number", "array", "choice", "formula",
    "multi"); an unknown or missing type is its own kind, "other"."""
    return ANSWER_KINDS.get(answer_type or "", "other")


@dataclass(frozen=True)
class RatingDecision:
    """A rating and the reason for it, in words a learner reads ("Good: right, 14 s, no hint").

    Attributes:
        rating: 1 Again, 2 Hard, 3 Good, 4 Easy.
        reason: why, starting with the rating's name.
    """

    rating: int
    reason: str


def typical_time(times_ms: Sequence[float]) -> float | None:
    """Median of the recent correct answer times, or None if too few to trust."""
    usable = [t for t in times_ms if t is not None and t > 0]
    if len(usable) < MIN_PRIOR_TIMES:
        return None
    return float(median(usable[-TYPICAL_WINDOW:]))


def duration_text(ms: float) -> str:
    """A response time as a learner says it: "14 s", "2 min 5 s", "0.4 s"."""
    seconds = ms / 1000
    if seconds < 10:
        return f"{seconds:.1f} s".replace(".0 s", " s")
    if seconds < 60:
        return f"{round(seconds)} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def decide_rating(correct: bool, *, hint_used: bool, response_ms: float | None,
                  prior_times_ms: Sequence[float] = (), first_sighting: bool = False,
                  kind: str = "other", typed_chars: int | None = None) -> RatingDecision:
    """The rating a graded answer earns, with its reason.

    Wrong → Again. Right after a hint, or slowly → Hard. Right → Good. Right and fast → Easy, except
    on a first sighting or for a formula typed faster than RECALL_MS_PER_CHAR per character (both
    Good, saying why). Slow means more than SLOW_FACTOR × the learner's median time over the last
    TYPICAL_WINDOW correct answers of this kind; fast means under FAST_FACTOR × that median. Until
    MIN_PRIOR_TIMES such answers exist, slow is > DEFAULT_SLOW_MS and fast < DEFAULT_FAST_MS.

    Args:
        correct: the verdict.
        hint_used: the learner asked for the hint before answering.
        response_ms: time from the problem being shown to the answer being submitted (None: unknown,
            treated as neither slow nor fast).
        prior_times_ms: response times of earlier correct, unhinted answers of this kind, oldest first.
        first_sighting: the card has never been reviewed before.
        kind: the answer kind (see `answer_kind`); "formula" turns on the typing floor.
        typed_chars: non-blank characters typed (for the typing floor; None: not applied).

    Returns:
        The RatingDecision.
    """
    took = "" if response_ms is None else f", {duration_text(response_ms)}"
    if not correct:
        return RatingDecision(AGAIN, f"Again: not right{took}")
    if hint_used:
        return RatingDecision(HARD, f"Hard: right with the hint{took}")
    if response_ms is None:
        return RatingDecision(GOOD, "Good: right, no hint")
    typical = typical_time(prior_times_ms)
    slow_limit = DEFAULT_SLOW_MS if typical is None else SLOW_FACTOR * typical
    fast_limit = DEFAULT_FAST_MS if typical is None else FAST_FACTOR * typical
    usual = "" if typical is None else f"; your usual for {KIND_WORDS.get(kind, 'this kind')} is " \
                                       f"{duration_text(typical)}"
    if response_ms > slow_limit:
        return RatingDecision(HARD, f"Hard: right but slow{took}{usual}")
    if response_ms >= fast_limit:
        return RatingDecision(GOOD, f"Good: right{took}, no hint")
    if first_sighting:
        return RatingDecision(GOOD, f"Good (not Easy): first time you see this card{took}")
    if kind == "formula" and typed_chars is not None and response_ms < RECALL_MS_PER_CHAR * typed_chars:
        return RatingDecision(GOOD, f"Good (not Easy): {typed_chars} characters in {duration_text(response_ms)} "
                                    "is faster than a formula can be written from memory")
    return RatingDecision(EASY, f"Easy: right and fast{took}{usual}")


def derive_rating(correct: bool, *, hint_used: bool, response_ms: float | None,
                  prior_times_ms: Sequence[float] = (), first_sighting: bool = False,
                  kind: str = "other", typed_chars: int | None = None) -> int:
    """The rating alone of `decide_rating` (same arguments).

    Returns:
        1, 2, 3 or 4.
    """
    return decide_rating(correct, hint_used=hint_used, response_ms=response_ms, prior_times_ms=prior_times_ms,
                         first_sighting=first_sighting, kind=kind, typed_chars=typed_chars).rating
