"""Card states, distributions, weekly retention and time per day, on hand-made inputs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from trainer.core.progress.cards import (
    RETRIEVABILITY_BUCKETS, STABILITY_BUCKETS, card_class, card_summary, distribution, time_per_day,
    weekly_retention)
from trainer.core.progress.stats import TemplateInfo
from trainer.core.scheduling import CardState

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)  # a Wednesday


@dataclass(frozen=True)
class Stored:
    template_id: str
    card: CardState
    suspended: bool = False


def review_card(stability, state="review", days_ago=0):
    at = NOW - timedelta(days=days_ago)
    return CardState(state=state, stability=stability, difficulty=5.0, due=at + timedelta(days=1), last_review=at,
                     reps=2)


def test_card_classes_follow_the_21_day_threshold():
    assert card_class(None) == "new"
    assert card_class(CardState()) == "new"
    assert card_class(review_card(0.4, state="learning")) == "learning"
    assert card_class(review_card(30.0, state="relearning")) == "learning"
    assert card_class(review_card(20.99)) == "young"
    assert card_class(review_card(21.0)) == "mature"


def test_distribution_buckets_are_half_open():
    rows = distribution([0.5, 1.0, 6.9, 7.0, 21.0, 400.0], STABILITY_BUCKETS)
    assert [r["count"] for r in rows] == [1, 2, 1, 1, 0, 1]
    assert rows[-1]["high"] is None and rows[0]["low"] == 0.0
    assert [r["count"] for r in distribution([0.49, 0.5, 1.0], RETRIEVABILITY_BUCKETS)] == [1, 1, 0, 0, 0, 1]


def test_card_summary_counts_recall_and_four_failures_are_not_mastery():
    templates = [TemplateInfo("a", "e1", "t"), TemplateInfo("b", "e1", "t"), TemplateInfo("c", "e2", "t"),
                 TemplateInfo("d", "e2", "t")]
    # a: relearning right after a failure (R = 1 at elapsed 0 days); b: young; c: mature, suspended; d: new.
    cards = {"a": Stored("a", review_card(0.1, state="relearning")),
             "b": Stored("b", review_card(5.0)),
             "c": Stored("c", review_card(30.0), suspended=True)}
    out = card_summary(templates, cards, NOW)
    assert out["counts"] == {"new": 1, "learning": 1, "young": 1, "mature": 1, "suspended": 1}
    # Reviewed today (0 whole days elapsed): every started card is predicted at recall 1.0.
    assert out["recall_now"] == 1.0
    e1, e2 = out["equations"]
    assert (e1["equation"], e1["learning"], e1["young"], e1["mature"], e1["new"]) == ("e1", 1, 1, 0, 0)
    assert (e2["equation"], e2["mature"], e2["new"], e2["started"], e2["recall_now"]) == ("e2", 1, 1, 1, 1.0)
    assert sum(b["count"] for b in out["stability"]) == 3


def test_weekly_retention_groups_days_by_monday():
    # Today Wed 4 Mar: this week starts Mon 2 Mar, the one before Mon 23 Feb.
    days = {"2026-03-02": (4, 3), "2026-03-04": (1, 1), "2026-02-27": (2, 1), "2025-01-01": (9, 9)}
    weeks = weekly_retention(days, "2026-03-04", weeks=2)
    assert weeks == [{"week": "2026-02-23", "retention": 0.5, "count": 2},
                     {"week": "2026-03-02", "retention": 0.8, "count": 5}]
    assert weekly_retention({}, "2026-03-04", weeks=1) == [{"week": "2026-03-02", "retention": None, "count": 0}]


def test_time_per_day_fills_missing_days_with_zero():
    out = time_per_day({"2026-03-04": 90_400, "2026-03-02": 1_600}, "2026-03-04", days=3)
    assert out == [{"day": "2026-03-02", "seconds": 2}, {"day": "2026-03-03", "seconds": 0},
                   {"day": "2026-03-04", "seconds": 90}]


def test_interval_words_as_a_learner_reads_them():
    from trainer.core.scheduling import interval_words

    assert interval_words(None) == "–"
    assert interval_words(10 / 1440) == "10 min"
    assert interval_words(5 / 24) == "5 h"
    assert interval_words(3.2) == "3 d"
    assert interval_words(120) == "4 mo"
