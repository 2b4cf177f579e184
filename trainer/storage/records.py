"""The plain values storage reads and writes: a card row (`CardRecord`) and one graded answer (`ReviewRecord`).

Storage layer. The session computes a `ReviewRecord` completely before the write (card before and
after, rating, times), so the store writes it in one transaction without calling back into session
code; `card_before` is what the record was computed from, and the store refuses the write when the
card has moved on since (optimistic concurrency).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from trainer.core.scheduling import CardState


@dataclass(frozen=True)
class CardRecord:
    """One row of `cards`: a template's schedule plus its queue flags.

    Attributes:
        template_id: the template this card belongs to (progress is keyed on it).
        card_id: a small integer per template (the FSRS optimizer's card id).
        equation: equation id at the last review (kept so orphaned cards still have labels).
        topic: topic at the last review.
        card: the schedule.
        suspended: kept out of the queue until unsuspended.
        buried_until: kept out of the queue until this time.
    """

    template_id: str
    card_id: int
    equation: str | None
    topic: str | None
    card: CardState
    suspended: bool = False
    buried_until: datetime | None = None


@dataclass(frozen=True)
class ImplicitRecord:
    """One implicit review (credit or penalty along the prerequisite graph) a graded answer causes,
    written in the same transaction as that answer.

    Attributes:
        template_id: the card that receives it.
        kind: "credit" or "penalty".
        weight: the weight it was scaled by, in [0, 1].
        card_before: that card as the record was computed from; the write is refused if it changed.
        card_after: that card after.
    """

    template_id: str
    kind: str
    weight: float
    card_before: CardState
    card_after: CardState


@dataclass(frozen=True)
class ReviewRecord:
    """One graded answer, ready to be written with its card update.

    Attributes:
        uid: a globally unique id (uuid4 hex): the key that makes importing a backup twice harmless.
        template_id: the template answered.
        equation: its equation id (stored on the card for labels; None keeps the stored one).
        topic: its topic (stored on the card and the review; None keeps the card's).
        seed: the instance seed.
        params: the instance parameters, as JSON text.
        answer: what the learner typed.
        verdict: the verdict, as JSON text (`Verdict.to_dict()`).
        correct: the verdict's correctness.
        score: 0..1.
        diagnosis_id: the named mistake, or None.
        rating: the recorded rating 1..4.
        auto_rating: the rating derived from the verdict, time and hint.
        decided: "auto" or "overridden".
        hint_used: the learner looked at the hint first.
        response_ms: time from the problem being shown to the answer, or None.
        reviewed_at: when the answer was submitted (UTC-aware).
        day: the learning day of `reviewed_at` ('YYYY-MM-DD').
        card_before: the card this record was computed from; the write is refused if it changed.
        card_after: the card after this review.
        suspend: also suspend the card (it just became a leech and the leech action is "suspend").
        implicit: the implicit reviews this answer causes on other cards (same transaction).
    """

    uid: str
    template_id: str
    equation: str | None
    topic: str | None
    seed: int
    params: str
    answer: str
    verdict: str
    correct: bool
    score: float
    diagnosis_id: str | None
    rating: int
    auto_rating: int
    decided: str
    hint_used: bool
    response_ms: int | None
    reviewed_at: datetime
    day: str
    card_before: CardState
    card_after: CardState
    suspend: bool = False
    implicit: tuple[ImplicitRecord, ...] = ()
