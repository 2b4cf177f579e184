"""What the learner's cards say about what they know: states (new, learning, young, mature), the
stability and retrievability distributions, predicted recall now, retention by week, time per day.

Core layer, pure; `now` is passed in. "Mature" follows Anki: a card whose memory lasts three weeks
(stability ≥ 21 days). Predicted recall is FSRS retrievability, which is ~100% right after any
review (even a failed one), so it is reported as "recall now" over started cards, never as mastery.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from trainer.core.scheduling import CardState, retrievability

#: Stability (days) from which a card counts as mature (Anki's three-week threshold).
MATURE_DAYS = 21.0
CARD_CLASSES = ("new", "learning", "young", "mature")
#: One glyph per class, for a compact per-template strip (new · learning ○ young ◐ mature ●).
CLASS_GLYPHS = {"new": "·", "learning": "○", "young": "◐", "mature": "●"}

STABILITY_BUCKETS: tuple[tuple[float, float, str], ...] = (
    (0.0, 1.0, "< 1 d"), (1.0, 7.0, "1–7 d"), (7.0, 21.0, "7–21 d"), (21.0, 90.0, "21–90 d"),
    (90.0, 365.0, "90 d–1 y"), (365.0, math.inf, "≥ 1 y"))
RETRIEVABILITY_BUCKETS: tuple[tuple[float, float, str], ...] = (
    (0.0, 0.5, "< 50%"), (0.5, 0.7, "50–70%"), (0.7, 0.8, "70–80%"), (0.8, 0.9, "80–90%"),
    (0.9, 0.95, "90–95%"), (0.95, math.inf, "≥ 95%"))
RETENTION_WEEKS = 12
TIME_DAYS = 30


def card_class(card: CardState | None) -> str:
    """"new", "learning" (learning or relearning), "young" or "mature" (stability ≥ MATURE_DAYS)."""
    if card is None or card.state == "new" or card.stability is None:
        return "new"
    if card.state in ("learning", "relearning"):
        return "learning"
    return "mature" if card.stability >= MATURE_DAYS else "young"


def distribution(values: Iterable[float], buckets: Sequence[tuple[float, float, str]]) -> list[dict[str, Any]]:
    """Counts of `values` per half-open bucket [low, high).

    Returns:
        [{"label", "low", "high" (None for an open end), "count"}], one per bucket, in order.
    """
    counts = [0] * len(buckets)
    for v in values:
        for i, (low, high, _) in enumerate(buckets):
            if low <= v < high:
                counts[i] += 1
                break
    return [{"label": label, "low": low, "high": None if math.isinf(high) else high, "count": n}
            for (low, high, label), n in zip(buckets, counts)]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _tally(classes: list[str], recalls: list[float]) -> dict[str, Any]:
    out: dict[str, Any] = {c: classes.count(c) for c in CARD_CLASSES}
    out["templates"] = len(classes)
    out["started"] = len(classes) - out["new"]
    out["recall_now"] = _mean(recalls)
    return out


def card_summary(templates: Sequence[Any], cards: Mapping[str, Any], now: datetime, *,
                 parameters: Sequence[float] | None = None) -> dict[str, Any]:
    """States, distributions and predicted recall over the bank's templates.

    Args:
        templates: the bank's templates (attributes template_id, equation, topic).
        cards: stored cards by template id (attributes card, suspended); a template without one is new.
        now: the current time (retrievability is evaluated then).
        parameters: the learner's fitted FSRS parameters (their forgetting curve), None for the defaults.

    Returns:
        {"counts": {new, learning, young, mature, suspended}, "mature_days", "recall_now" (mean
         retrievability over started templates, or None), "stability" and "retrievability" (bucket
         lists of `distribution`, started templates only), "equations": [{equation, topic, templates,
         started, new, learning, young, mature, recall_now}], "topics": [the same without equation]},
        rows sorted by topic then equation.
    """
    classes: list[str] = []
    recalls: list[float] = []
    stabilities: list[float] = []
    suspended = 0
    by_eq: dict[tuple[str, str], tuple[list[str], list[float]]] = {}
    by_topic: dict[str, tuple[list[str], list[float]]] = {}
    for t in templates:
        rec = cards.get(t.template_id)
        card = rec.card if rec is not None else None
        cls = card_class(card)
        suspended += int(bool(rec is not None and rec.suspended))
        eq_classes, eq_recalls = by_eq.setdefault((t.topic, t.equation), ([], []))
        topic_classes, topic_recalls = by_topic.setdefault(t.topic, ([], []))
        for bucket in (classes, eq_classes, topic_classes):
            bucket.append(cls)
        if cls != "new":
            r = retrievability(card, now, parameters)
            for bucket in (recalls, eq_recalls, topic_recalls):
                bucket.append(r)
            stabilities.append(float(card.stability))
    counts = {c: classes.count(c) for c in CARD_CLASSES}
    counts["suspended"] = suspended
    return {
        "counts": counts,
        "mature_days": MATURE_DAYS,
        "recall_now": _mean(recalls),
        "stability": distribution(stabilities, STABILITY_BUCKETS),
        "retrievability": distribution(recalls, RETRIEVABILITY_BUCKETS),
        "equations": [{"equation": eq, "topic": topic, **_tally(*v)} for (topic, eq), v in sorted(by_eq.items())],
        "topics": [{"topic": topic, **_tally(*v)} for topic, v in sorted(by_topic.items())],
    }


def weekly_retention(retention_days: Mapping[str, tuple[int, int]], today: str,
                     weeks: int = RETENTION_WEEKS) -> list[dict[str, Any]]:
    """True retention per week (weeks start on Monday), the last `weeks` weeks ending this week.

    Args:
        retention_days: day → (first-of-day reviews of review-state cards, of which passed).
        today: the current day 'YYYY-MM-DD'.

    Returns:
        [{"week": Monday 'YYYY-MM-DD', "retention" (None without reviews), "count"}], oldest first.
    """
    end = date.fromisoformat(today)
    first = end - timedelta(days=end.weekday() + 7 * (weeks - 1))
    tally = [[0, 0] for _ in range(weeks)]
    for day, (n, passed) in retention_days.items():
        offset = (date.fromisoformat(day) - first).days
        if 0 <= offset and offset // 7 < weeks:
            tally[offset // 7][0] += n
            tally[offset // 7][1] += passed
    return [{"week": (first + timedelta(days=7 * i)).isoformat(), "retention": passed / n if n else None,
             "count": n} for i, (n, passed) in enumerate(tally)]


def time_per_day(time_ms: Mapping[str, int], today: str, days: int = TIME_DAYS) -> list[dict[str, Any]]:
    """Answer time summed per day for the `days` days ending today.

    Args:
        time_ms: day → milliseconds spent answering (reviews without a time count 0).
        today: the current day.

    Returns:
        [{"day", "seconds"}] of length `days`, oldest first (seconds rounded to whole seconds).
    """
    end = date.fromisoformat(today)
    out = []
    for i in range(days - 1, -1, -1):
        day = (end - timedelta(days=i)).isoformat()
        out.append({"day": day, "seconds": round(int(time_ms.get(day, 0) or 0) / 1000)})
    return out
