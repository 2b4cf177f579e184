"""Which template comes next: the review queue order, the no-repeat pick, and fresh problem seeds.

Core layer, pure: `now` and the generator are passed in. Due learning cards first, then due reviews
(those whose pass covers other due cards first, then by lowest retrievability), then new templates within the daily limits (see `build_queue`), in the
curriculum order interleaved across topics and equations (see `interleave_new`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from trainer.core.scheduling.card import CardState
from trainer.core.scheduling.days import require_utc
from trainer.core.scheduling.fsrs_adapter import retrievability

if TYPE_CHECKING:
    import numpy as np  # annotations only: `trainer stats` never loads numpy

#: New cards of one topic allowed in a row while another topic has new cards left.
MAX_TOPIC_RUN = 2
#: Seeds a learner saw recently for a template are not drawn again (this many, most recent).
RECENT_SEEDS = 20
#: With nothing else to do, a learning card due within this horizon is shown early (Anki's default).
LEARN_AHEAD = timedelta(minutes=20)
SEED_BOUND = 2**31 - 1


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
        topic: its topic (new cards are interleaved across topics).
    """

    template_id: str
    equation: str
    card: CardState = field(default_factory=CardState)
    suspended: bool = False
    buried_until: datetime | None = None
    topic: str = ""


def build_queue(candidates: Iterable[Candidate], now: datetime, *, new_left: int, reviews_left: int,
                learn_ahead: timedelta = LEARN_AHEAD, covers: Mapping[str, float] | None = None) -> list[Candidate]:
    """Everything that may be served now, in order.

    Order: due learning/relearning cards (not capped: a step under a day must not be skipped), then
    due review cards up to `reviews_left`; within the due cards those covering most other due cards
    first (`covers`: passing them credits those prerequisites, so fewer explicit reviews keep the
    same predicted retention), then the lowest retrievability (ties: earliest due, then id). Then
    new templates up to `new_left`, in the order given. When that is empty, learning cards due
    within `learn_ahead` come early, the soonest first.

    Args:
        candidates: every template with its schedule.
        now: the current time.
        new_left: new templates that may still be introduced today.
        reviews_left: review-state cards that may still be shown today.
        learn_ahead: how far ahead learning cards may be pulled when nothing else is left.
        covers: per template id, how much other due work its passing review would do
            (`trainer.core.learning.coverage`); None or absent ids: none.

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

    covers = covers or {}

    def key(c: Candidate):
        return (-covers.get(c.template_id, 0.0), retrievability(c.card, now), c.card.due, c.template_id)

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


def interleave_new(new: Sequence[Candidate], *, last_equation: str | None = None,
                   recent_new_topics: Sequence[str] = (), max_topic_run: int = MAX_TOPIC_RUN,
                   limit: int | None = None) -> list[Candidate]:
    """New templates in curriculum order, interleaved so that practice switches topic and equation.

    Greedy: each place takes the earliest remaining candidate (curriculum order is kept as far as
    the rules allow) whose equation differs from the card before it and whose topic would not make
    more than `max_topic_run` new cards of one topic in a row. When no candidate keeps both rules,
    the equation rule wins (a different equation in the same topic before the same equation again);
    when none keeps either, the earliest comes next.

    Args:
        new: new-card candidates in curriculum order.
        last_equation: the equation of the card served just before (None: none yet).
        recent_new_topics: topics of the new cards introduced just before, oldest first (only the
            trailing run of one topic matters).
        max_topic_run: the longest run of new cards of one topic while another topic is available.
        limit: stop after this many (None: order them all).

    Returns:
        The candidates, reordered (each appears once).
    """
    remaining = list(new)
    run_topic = recent_new_topics[-1] if recent_new_topics else None
    run = 0
    for topic in reversed(recent_new_topics):
        if topic != run_topic:
            break
        run += 1
    previous = last_equation
    out: list[Candidate] = []
    count = len(remaining) if limit is None else min(max(0, limit), len(remaining))
    while len(out) < count:
        best, best_score = 0, (2, 2)
        for i, cand in enumerate(remaining):
            score = (int(cand.equation == previous), int(cand.topic == run_topic and run >= max_topic_run))
            if score < best_score:
                best, best_score = i, score
                if score == (0, 0):
                    break
        cand = remaining.pop(best)
        out.append(cand)
        run = run + 1 if cand.topic == run_topic else 1
        run_topic = cand.topic
        previous = cand.equation
    return out
