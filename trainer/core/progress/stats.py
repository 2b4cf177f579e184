"""Progress statistics: streaks, heatmap, true retention, forecast, card states, timing — from aggregates.

Core layer, pure. The storage layer reads small pre-aggregated rows (per template and day, an
answer-time histogram, mistake counts, the cards); this module turns them into the documented
`trainer stats --json` payload (keys listed in docs/data.md). `now` is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypedDict
from datetime import date, datetime, timedelta, timezone, tzinfo

from trainer.core.progress.cards import card_summary, time_per_day, weekly_retention
from trainer.core.scheduling import CardState, day_of, iso

HEATMAP_DAYS = 365
FORECAST_DAYS = 30
#: Width of one answer-time histogram bucket, in milliseconds (medians are exact to this).
TIME_BUCKET_MS = 100


@dataclass(frozen=True)
class TemplateInfo:
    """What stats need to know about a bank template."""

    template_id: str
    equation: str
    topic: str
    title: str = ""


class Totals(TypedDict):
    """Whole-history counts of the stats payload."""

    reviews: int
    correct: int
    accuracy: float | None
    cards_started: int
    templates: int
    days_active: int


class Streak(TypedDict):
    """Consecutive days with reviews: the run ending today (or yesterday) and the longest."""

    current: int
    longest: int


class Heatmap(TypedDict):
    """Reviews per day from `start` to `end` inclusive ('YYYY-MM-DD'), one count per day."""

    start: str
    end: str
    counts: list[int]


class TrueRetention(TypedDict):
    """Measured retention of first-of-day reviews of review-state cards, beside the target."""

    desired: float
    overall: float | None
    overall_count: int
    last_30_days: float | None
    last_30_days_count: int
    by_month: list[dict[str, Any]]


class Cards(TypedDict):
    """Card states, stability/retrievability distributions and predicted recall (see `cards.card_summary`)."""

    counts: dict[str, int]
    mature_days: float
    recall_now: float | None
    stability: list[dict[str, Any]]
    retrievability: list[dict[str, Any]]
    equations: list[dict[str, Any]]
    topics: list[dict[str, Any]]


class Stats(TypedDict):
    """The `trainer stats --json` payload; every key is documented in docs/data.md."""

    generated_at: str
    today: str
    desired_retention: float
    totals: Totals
    reviewed_today: int
    streak: Streak
    heatmap: Heatmap
    true_retention: TrueRetention
    forecast: list[dict[str, Any]]
    cards: Cards
    retention_by_week: list[dict[str, Any]]
    time_per_day: list[dict[str, Any]]
    topics: list[dict[str, Any]]
    mistakes: list[dict[str, Any]]
    leeches: list[dict[str, Any]]
    orphaned: list[dict[str, Any]]


class StoredCard(Protocol):
    """What stats read of a stored card (storage's `CardRecord` has these attributes)."""

    @property
    def template_id(self) -> str: ...
    @property
    def equation(self) -> str | None: ...
    @property
    def topic(self) -> str | None: ...
    @property
    def card(self) -> CardState: ...
    @property
    def suspended(self) -> bool: ...


def streaks(active_days: Iterable[str], today: str) -> tuple[int, int]:
    """Current and longest runs of consecutive days with at least one review.

    The current streak ends today, or yesterday when nothing has been reviewed yet today (the day
    is not over).

    Args:
        active_days: 'YYYY-MM-DD' days with reviews, any order.
        today: the current day.

    Returns:
        (current, longest).
    """
    days = sorted({date.fromisoformat(d) for d in active_days})
    longest = run = 0
    prev = None
    for d in days:
        run = run + 1 if prev is not None and d - prev == timedelta(days=1) else 1
        longest = max(longest, run)
        prev = d
    current = 0
    day_set = set(days)
    cursor = date.fromisoformat(today)
    if cursor not in day_set:
        cursor -= timedelta(days=1)
    while cursor in day_set:
        current += 1
        cursor -= timedelta(days=1)
    return current, longest


def heatmap(counts: Mapping[str, int], today: str, days: int = HEATMAP_DAYS) -> Heatmap:
    """Dense daily review counts for the `days` days ending today.

    Returns:
        {"start": first day, "end": today, "counts": [int] * days} (counts[i] is start + i days).
    """
    end = date.fromisoformat(today)
    start = end - timedelta(days=days - 1)
    return {"start": start.isoformat(), "end": end.isoformat(),
            "counts": [int(counts.get((start + timedelta(days=i)).isoformat(), 0)) for i in range(days)]}


def median_ms(hist: Mapping[int, int]) -> float | None:
    """Median answer time from a histogram of TIME_BUCKET_MS-wide buckets (bucket b = [100b, 100b+100)).

    Returns:
        The centre of the bucket holding the median answer (the lower middle one for an even count),
        or None for an empty histogram.
    """
    total = sum(hist.values())
    if total == 0:
        return None
    target = (total + 1) // 2
    seen = 0
    for bucket in sorted(hist):
        seen += hist[bucket]
        if seen >= target:
            return bucket * TIME_BUCKET_MS + TIME_BUCKET_MS / 2
    return None  # unreachable: seen reaches total


def ratio(part: int, whole: int) -> float | None:
    """part / whole, or None when whole is 0."""
    return part / whole if whole else None


def forecast(cards: Iterable[StoredCard], now: datetime, days: int = FORECAST_DAYS, *,
             day_start_hour: int = 0, tz: tzinfo = timezone.utc) -> list[dict]:
    """Cards falling due on each of the next `days` days (day 0 includes everything overdue).

    Suspended and new cards are not counted. Days are learning days (`day_of` with the given
    day start hour and zone).

    Returns:
        [{"day": 'YYYY-MM-DD', "due": n}, ...] of length `days`.
    """
    today = date.fromisoformat(day_of(now, day_start_hour, tz))
    out = [0] * days
    for info in cards:
        if info.suspended or info.card.state == "new" or info.card.due is None:
            continue
        offset = (date.fromisoformat(day_of(info.card.due, day_start_hour, tz)) - today).days
        if offset < days:
            out[max(0, offset)] += 1
    return [{"day": (today + timedelta(days=i)).isoformat(), "due": n} for i, n in enumerate(out)]


def compute_stats(rows: Mapping, templates: Sequence[TemplateInfo], now: datetime, *,
                  desired_retention: float, day_start_hour: int = 0, tz: tzinfo = timezone.utc,
                  parameters: Sequence[float] | None = None) -> Stats:
    """The `trainer stats --json` payload.

    Args:
        rows: `Store.stats_rows(...)` output, with "cards" as StoredCard records (attributes
            template_id, equation, topic, card, suspended).
        templates: the bank's templates (orphans are stored ids absent from here).
        now: the current time.
        desired_retention: the learner's target, reported beside the measured retention.
        day_start_hour: the local hour learning days start at (today, streak, forecast).
        tz: the learner's zone.
        parameters: the learner's fitted FSRS parameters for predicted recall (None: the defaults).

    Returns:
        A JSON-able dict; every key is documented in docs/data.md.
    """
    today = day_of(now, day_start_hour, tz)
    cards = {c.template_id: c for c in rows["cards"]}
    bank_ids = {t.template_id for t in templates}
    days = rows["days"]
    current, longest = streaks(rows["active_days"], today)
    month_ago = (date.fromisoformat(today) - timedelta(days=29)).isoformat()
    ret_all = [sum(v[0] for v in rows["retention"].values()), sum(v[1] for v in rows["retention"].values())]
    ret_30 = [0, 0]
    for day, (n, passed) in rows["retention_days"].items():
        if day >= month_ago:
            ret_30[0] += n
            ret_30[1] += passed
    total_reviews = sum(v[0] for v in rows["by_template"].values())
    total_correct = sum(v[1] for v in rows["by_template"].values())
    topics = []
    for topic, (n, ok) in sorted(rows["by_topic"].items()):
        topics.append({"topic": topic, "reviews": n, "accuracy": ratio(ok, n),
                       "median_ms": median_ms(rows["time_hist"].get(topic, {}))})
    leeches = [{"template_id": c.template_id, "equation": c.equation, "topic": c.topic,
                "lapses": c.card.lapses, "suspended": c.suspended}
               for c in cards.values() if c.card.leech]
    orphaned = []
    for tid, (n, _ok, last_day) in sorted(rows["by_template"].items()):
        if tid not in bank_ids:
            c = cards.get(tid)
            orphaned.append({"template_id": tid, "equation": c.equation if c else None,
                             "topic": c.topic if c else None, "reviews": n, "last_day": last_day})
    return {
        "generated_at": iso(now),
        "today": today,
        "desired_retention": desired_retention,
        "totals": {"reviews": total_reviews, "correct": total_correct, "accuracy": ratio(total_correct, total_reviews),
                   "cards_started": sum(1 for c in cards.values() if c.card.state != "new"),
                   "templates": len(templates), "days_active": len(rows["active_days"])},
        "reviewed_today": days.get(today, (0, 0))[0],
        "streak": {"current": current, "longest": longest},
        "heatmap": heatmap({d: v[0] for d, v in days.items()}, today),
        "true_retention": {
            "desired": desired_retention,
            "overall": ratio(ret_all[1], ret_all[0]), "overall_count": ret_all[0],
            "last_30_days": ratio(ret_30[1], ret_30[0]), "last_30_days_count": ret_30[0],
            "by_month": [{"month": m, "retention": ratio(p, n), "count": n}
                         for m, (n, p) in sorted(rows["retention"].items())],
        },
        "forecast": forecast(cards.values(), now, day_start_hour=day_start_hour, tz=tz),
        "cards": card_summary(templates, cards, now, parameters=parameters),
        "retention_by_week": weekly_retention(rows["retention_days"], today),
        "time_per_day": time_per_day(rows.get("time_days", {}), today),
        "topics": topics,
        "mistakes": list(rows["mistakes"]),
        "leeches": sorted(leeches, key=lambda x: (-x["lapses"], x["template_id"])),
        "orphaned": orphaned,
    }
