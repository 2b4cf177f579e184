"""Implicit repetition along the prerequisite graph: fractional credit for what a passed review
exercised, a penalty for what builds on a failed one, and the queue's use of both (coverage, unlock).

Core layer, pure: cards, the graph and `now` come in as arguments. The credit is defined from FSRS
itself (the Good review the library would give the prerequisite card at `now`, interpolated by the
edge weight), so a prerequisite reviewed early, whose FSRS stability gain is small at high
retrievability, gains little, as an explicit early review would.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from trainer.core.learning.graph import Graph
from trainer.core.scheduling.card import CardState
from trainer.core.scheduling.days import require_utc
from trainer.core.scheduling.fsrs_adapter import retrievability, review
from trainer.core.scheduling.rating import AGAIN, GOOD

#: The two kinds of implicit review, as stored.
CREDIT, PENALTY = "credit", "penalty"
#: Template kinds whose reviews give, and whose cards receive, implicit reviews (see `implicit_updates`).
IMPLICIT_KINDS = frozenset({"compute"})


def credit(card: CardState, weight: float, now: datetime, *, desired_retention: float = 0.9,
           parameters: Sequence[float] | None = None) -> CardState:
    """The card after a fractional (implicit) Good review of weight `weight` at `now`.

    The rule: let G be the card after an explicit Good review at `now` (FSRS-6, fuzz off) and S its
    stability before. Then, with w = `weight`,

        S' = S · (G.stability / S) ** w            (geometric: w = 1 is G's stability, w = 0 is S)
        last_review' = last_review + w · (now − last_review)
        due' = due + w · max(0, G.due − due)       (credit never brings a card forward)

    Difficulty, reps, lapses, state and step are unchanged: an implicit review is not a rep. FSRS's
    own gain is small when the card is reviewed early (high retrievability; on the same day its
    short-term formula may give none), so early credit is worth little.

    Args:
        card: the prerequisite card. Only cards in review state are credited; any other card (new,
            learning, relearning) is returned unchanged, as is a card last reviewed after `now`.
        weight: the share of the reviewed template's instances that exercise the prerequisite, in [0, 1].
        now: the time of the review that gives the credit (UTC-aware).
        desired_retention: the learner's target retention (sets G's interval).
        parameters: the learner's FSRS parameters (None: the library's defaults).

    Returns:
        A new CardState (or `card` itself when nothing changes).

    Raises:
        ValueError: a weight outside [0, 1] or a naive `now`.
    """
    now = require_utc(now)
    _check_weight(weight)
    if (card.state != "review" or weight == 0 or card.stability is None or card.last_review is None
            or card.due is None or card.last_review > now):
        return card
    good = review(card, GOOD, now, rng=None, desired_retention=desired_retention, fuzz=False,
                  parameters=parameters)
    stability = card.stability * (good.stability / card.stability) ** weight
    last_review = card.last_review + weight * (now - card.last_review)
    due = card.due + weight * max(good.due - card.due, timedelta(0))
    return replace(card, stability=stability, last_review=last_review, due=due)


def penalty(card: CardState, weight: float, now: datetime) -> CardState:
    """The card after a failed review of one of its prerequisites, of edge weight `weight`, at `now`.

    The rule: a review-state card due later than `now` is pulled forward,

        due' = now + (1 − w / 2) · (due − now)

    so a weight-1 failure halves the time left; stability, difficulty and everything else are
    unchanged (the card itself was not reviewed; its next explicit review measures it).

    Args:
        card: the dependent card. Cards not in review state, or already due, are returned unchanged.
        weight: the edge's weight in [0, 1].
        now: the time of the failed review (UTC-aware).

    Returns:
        A new CardState (or `card` itself when nothing changes).

    Raises:
        ValueError: a weight outside [0, 1] or a naive `now`.
    """
    now = require_utc(now)
    _check_weight(weight)
    if card.state != "review" or weight == 0 or card.due is None or card.due <= now:
        return card
    return replace(card, due=now + (1 - weight / 2) * (card.due - now))


def _check_weight(weight: float) -> None:
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"weight must be in [0, 1], got {weight!r}")


@dataclass(frozen=True)
class Peer:
    """A template the graph may credit or penalise.

    Attributes:
        template_id: the template.
        equation: its equation id.
        kind: "compute", "recall" or "concept" (only `IMPLICIT_KINDS` receive implicit reviews).
        card: its current schedule (None or state "new" when never reviewed).
    """

    template_id: str
    equation: str
    kind: str = "compute"
    card: CardState | None = None


@dataclass(frozen=True)
class Implicit:
    """One implicit review a graded answer causes.

    Attributes:
        template_id: the card that receives it.
        kind: CREDIT or PENALTY.
        weight: the weight it was scaled by.
        before: that card before.
        after: that card after.
    """

    template_id: str
    kind: str
    weight: float
    before: CardState
    after: CardState


def implicit_updates(graph: Graph | None, template_id: str, equation: str, rating: int,
                     peers: Iterable[Peer], now: datetime, *, kind: str = "compute",
                     desired_retention: float = 0.9, parameters: Sequence[float] | None = None
                     ) -> list[Implicit]:
    """The implicit reviews one explicit review of `template_id` causes.

    Only a review of a compute template causes any, and only compute templates receive them: the
    weight measures how often a solution performs the prerequisite's *computation*, so implicit
    repetition runs between computations. Recalling a formula and the concept questions are other
    skills, which a computation neither exercises nor disproves (and they exercise none).

    Which cards: a pass (rating Hard, Good or Easy) credits, for each prerequisite equation P with
    weight w in `graph.exercised(template_id, equation)`, every review-state card of a *compute*
    template of P, by `credit(card, w)`. A failure (rating Again) penalises, for each equation D
    that directly builds on `equation`, every review-state card of a compute template of D, by
    `penalty(card, w)` with w that template's own weight for `equation` (`graph.exercised`, which
    falls back to the edge weight). The reviewed template itself never receives anything. Cards
    left unchanged are not listed.

    Args:
        graph: the prerequisite graph (None: no edges, nothing implicit).
        template_id: the template reviewed explicitly.
        equation: its equation id.
        rating: the rating recorded, 1..4.
        peers: the other templates with their cards (templates of other equations are ignored).
        now: the review's time (UTC-aware).
        kind: the reviewed template's kind ("compute", "recall" or "concept").
        desired_retention: the learner's target retention.
        parameters: the learner's FSRS parameters (None: the library's defaults).

    Returns:
        The implicit reviews, in the order of `peers`.

    Raises:
        ValueError: a naive `now`.
    """
    if graph is None or kind not in IMPLICIT_KINDS:
        return []
    if rating == AGAIN:
        weights_of = {e.source for e in graph.dependents(equation)}
        out = []
        for peer in peers:
            if peer.equation not in weights_of or not _receives(peer, template_id):
                continue
            weight = graph.exercised(peer.template_id, peer.equation).get(equation, 0.0)
            after = penalty(peer.card, weight, now)
            if after != peer.card:
                out.append(Implicit(peer.template_id, PENALTY, weight, peer.card, after))
        return out
    exercised = graph.exercised(template_id, equation)
    out = []
    for peer in peers:
        weight = exercised.get(peer.equation, 0.0)
        if not weight or not _receives(peer, template_id):
            continue
        after = credit(peer.card, weight, now, desired_retention=desired_retention, parameters=parameters)
        if after != peer.card:
            out.append(Implicit(peer.template_id, CREDIT, weight, peer.card, after))
    return out


def _receives(peer: Peer, reviewed: str) -> bool:
    return (peer.template_id != reviewed and peer.kind in IMPLICIT_KINDS and peer.card is not None
            and peer.card.state == "review")


def coverage(graph: Graph | None, due: Iterable[Peer]) -> dict[str, float]:
    """How much of the other due work each due template's passing review would do.

    For each due compute template T, the sum of the weights with which a pass of T would credit the other
    due cards (the receivers `implicit_updates` would pick). The queue serves a higher coverage
    first: one explicit review then also refreshes prerequisites that were due, so fewer explicit
    reviews keep the same predicted retention.

    Args:
        graph: the prerequisite graph (None: nothing covers anything).
        due: the due templates with their cards.

    Returns:
        {template id: coverage > 0}; templates covering nothing are left out.
    """
    due = list(due)
    if graph is None or not graph.edges:
        return {}
    out: dict[str, float] = {}
    for peer in due:
        exercised = graph.exercised(peer.template_id, peer.equation) if peer.kind in IMPLICIT_KINDS else {}
        if not exercised:
            continue
        total = sum(exercised.get(other.equation, 0.0) for other in due if _receives(other, peer.template_id))
        if total > 0:
            out[peer.template_id] = total
    return out


def recalled_equations(peers: Iterable[Peer], now: datetime, *, desired_retention: float = 0.9,
                       parameters: Sequence[float] | None = None) -> set[str]:
    """The equations with at least one review-state card whose predicted recall is at least
    `desired_retention` now (what unlocks the templates that build on them).

    Args:
        peers: templates with their cards.
        now: the current time (UTC-aware).
        desired_retention: the learner's target retention.
        parameters: the learner's FSRS parameters (None: the library's defaults).

    Returns:
        The set of recalled equation ids.
    """
    now = require_utc(now)
    return {p.equation for p in peers if p.card is not None and p.card.state == "review"
            and retrievability(p.card, now, parameters) >= desired_retention}


def is_unlocked(graph: Graph | None, template_id: str, equation: str, recalled: set[str],
                taught: Mapping[str, object] | set[str]) -> bool:
    """Whether a new template may be introduced: each authored prerequisite of it (its equation's
    edges and its own `requires:`) is recalled, or has no template the learner can study.

    The weights do not decide here: they measure how much of a prerequisite's computation an
    instance performs (what credit it earns), while unlocking asks whether the learner has the
    foundations at all; many measured weights are 0 for templates that plainly build on the
    prerequisite's ideas. A root equation (no prerequisites) is always unlocked, so a fresh database
    still has work.

    Args:
        graph: the prerequisite graph (None: everything is unlocked).
        template_id: the new template.
        equation: its equation id.
        recalled: `recalled_equations(...)`.
        taught: the equations with at least one template in the study scope.

    Returns:
        True when the template may be served.
    """
    if graph is None:
        return True
    return all(prereq in recalled or prereq not in taught
               for prereq in graph.exercised(template_id, equation))
