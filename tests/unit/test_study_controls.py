"""Study controls (issue 13): learning days at a local hour in a local zone, new cards interleaved
across topics and equations, study of one part of the bank with scheduling, and today's summary.

Every expected value is worked out by hand in the comments: America/New_York is UTC−5 in January
(EST) and UTC−4 in July (EDT); the US clocks went forward on 2026-03-08 at 02:00 local.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest

from tests.support.fakes import Clock, FakeBank, fake_generate, fake_grade
from trainer.core import scheduling as sched
from trainer.core.scheduling import Candidate, StudyFilter, interleave_new
from trainer.session import Session, summary_line
from trainer.storage import Store

NY = sched.resolve_timezone("America/New_York")
UTC = timezone.utc


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ---------------------------------------------------------------------------------- days
@pytest.mark.parametrize("moment,day", [
    (utc(2026, 1, 15, 8, 30), "2026-01-14"),   # 03:30 EST: before 04:00, still the 14th's learning day
    (utc(2026, 1, 15, 9, 30), "2026-01-15"),   # 04:30 EST: the 15th has begun
    (utc(2026, 1, 15, 9, 0), "2026-01-15"),    # 04:00 EST exactly: the new day's first moment
    (utc(2026, 1, 16, 4, 59), "2026-01-15"),   # 23:59 EST on the 15th
    (utc(2026, 7, 15, 7, 30), "2026-07-14"),   # 03:30 EDT
    (utc(2026, 7, 15, 8, 30), "2026-07-15"),   # 04:30 EDT
])
def test_learning_day_starts_at_four_new_york_time(moment, day):
    assert sched.day_of(moment, 4, NY) == day


@pytest.mark.parametrize("moment,start", [
    (utc(2026, 1, 15, 8, 30), utc(2026, 1, 15, 9)),   # 03:30 EST → today 04:00 EST = 09:00 UTC
    (utc(2026, 1, 15, 9, 30), utc(2026, 1, 16, 9)),   # 04:30 EST → tomorrow 04:00 EST
    (utc(2026, 7, 15, 8, 30), utc(2026, 7, 16, 8)),   # EDT: 04:00 = 08:00 UTC
    (utc(2026, 3, 8, 5, 0), utc(2026, 3, 8, 8)),      # 00:00 EST on the 8th; 04:00 that day is EDT
])
def test_next_day_start_is_four_local_in_utc(moment, start):
    assert sched.next_day_start(moment, 4, NY) == start


def test_day_start_in_a_fixed_offset_zone_and_default_utc_midnight():
    tokyo = timezone(timedelta(hours=9))
    # 18:59 UTC on the 14th is 03:59 on the 15th in Tokyo: still the 14th's learning day.
    assert sched.day_of(utc(2026, 1, 14, 18, 59), 4, tokyo) == "2026-01-14"
    assert sched.day_of(utc(2026, 1, 14, 19, 0), 4, tokyo) == "2026-01-15"
    assert sched.day_start("2026-01-15", 4, tokyo) == utc(2026, 1, 14, 19)
    assert sched.day_of(utc(2026, 1, 14, 23, 59)) == "2026-01-14"  # defaults: UTC midnight


@pytest.mark.parametrize("key,value,expected", [
    ("next_day_starts_at", "04:00", 4), ("next_day_starts_at", 0, 0), ("next_day_starts_at", "23", 23),
    ("timezone", "America/New_York", "America/New_York"), ("timezone", "Local", "local"), ("timezone", "utc", "UTC"),
])
def test_day_settings_are_normalised(key, value, expected):
    assert sched.validate_setting(key, value) == expected


@pytest.mark.parametrize("key,value,words", [
    ("next_day_starts_at", "04:30", "whole hour 0..23"), ("next_day_starts_at", 24, "whole hour 0..23"),
    ("next_day_starts_at", "four", "whole hour"), ("timezone", "Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
])
def test_bad_day_settings_are_refused_with_the_key(key, value, words):
    with pytest.raises(ValueError) as exc:
        sched.validate_setting(key, value)
    assert key in str(exc.value) and words in str(exc.value)


def test_defaults_are_four_oclock_and_the_machines_zone():
    assert sched.DEFAULT_SETTINGS["next_day_starts_at"] == 4
    assert sched.DEFAULT_SETTINGS["timezone"] == "local"
    assert sched.resolve_timezone("local").utcoffset(datetime.now()) == datetime.now().astimezone().utcoffset()


# ---------------------------------------------------------------------------------- interleaving
def cand(tid, equation, topic):
    return Candidate(tid, equation, topic=topic)


CURRICULUM = [cand("p1", "bayes", "probability"), cand("p2", "bayes", "probability"),
              cand("p3", "bayes", "probability"), cand("p4", "variance", "probability"),
              cand("s1", "z-test", "statistics"), cand("s2", "z-test", "statistics"),
              cand("l1", "cross-entropy", "losses")]
# By hand, earliest allowed each time:
#   p1 · p2/p3 repeat bayes → p4 (probability run 2) · p2/p3 would make 3 probability → s1 ·
#   p2 (bayes ≠ z-test; run of statistics 1) · p3 repeats bayes → s2 · p3 · l1
EXPECTED = ["p1", "p4", "s1", "p2", "s2", "p3", "l1"]


def test_new_cards_interleave_by_hand():
    order = interleave_new(CURRICULUM)
    assert [c.template_id for c in order] == EXPECTED
    equations = [c.equation for c in order]
    assert all(a != b for a, b in zip(equations, equations[1:]))


def test_interleaving_continues_from_what_was_just_served():
    # Two probability cards were just introduced and the last card was variance: statistics comes next.
    order = interleave_new(CURRICULUM[:4] + CURRICULUM[4:], last_equation="variance",
                           recent_new_topics=["probability", "probability"], limit=2)
    assert [c.template_id for c in order] == ["s1", "p1"]


def test_rules_give_way_only_when_nothing_else_is_left():
    # One topic, one equation: the curriculum order stands.
    same = [cand("a", "x", "t"), cand("b", "x", "t"), cand("c", "x", "t")]
    assert [c.template_id for c in interleave_new(same)] == ["a", "b", "c"]
    # Either a third "t" in a row or "u" again after a "u" card: a different equation wins.
    order = interleave_new([cand("t3", "e-t", "t"), cand("u2", "e-u", "u")], last_equation="e-u",
                           recent_new_topics=["t", "t"])
    assert [c.template_id for c in order] == ["t3", "u2"]


@dataclass(frozen=True)
class TaggedTemplate:
    id: str
    equation: str
    topic: str
    title: str = ""
    tags: tuple = field(default=())


BANK = [("p1", "bayes", "probability", ()), ("p2", "bayes", "probability", ("exam",)),
        ("p3", "bayes", "probability", ()), ("p4", "variance", "probability", ("exam",)),
        ("s1", "z-test", "statistics", ()), ("s2", "z-test", "statistics", ("exam",)),
        ("l1", "cross-entropy", "losses", ())]


def make(settings=None, study=None, clock=None):
    clock = clock or Clock()
    bank = FakeBank({tid: TaggedTemplate(tid, eq, topic, f"Title of {tid}", tags) for tid, eq, topic, tags in BANK})
    session = Session(bank, Store.open(":memory:"), clock=clock, seed=0, generate=fake_generate,
                      grade=fake_grade, settings={"timezone": "UTC", **(settings or {})}, study=study)
    return session, clock


def serve_all(session, clock, seconds=30):
    """Answer every item right (30 s: Good) until nothing is left; the template ids in order."""
    served = []
    while (item := session.next_item()) is not None and len(served) < 50:
        clock.advance(seconds=seconds)
        session.submit(item, str(item.instance.answer.value))
        served.append(item.instance.template_id)
    return served


def test_the_session_serves_new_cards_interleaved():
    session, clock = make()
    served = []
    for _ in range(len(EXPECTED)):  # 7 × 30 s: no learning step (10 min) falls due meanwhile
        item = session.next_item()
        assert item.is_new
        clock.advance(seconds=30)
        session.submit(item, str(item.instance.answer.value))
        served.append(item.instance.template_id)
    assert served == EXPECTED


def test_the_real_bank_day_one_is_not_all_probability():
    from tests.support.paths import PROBLEMS
    from trainer.core.templates import TOPICS, load_bank
    from trainer.session import _curriculum

    bank = load_bank([PROBLEMS], lazy=True)
    session = Session(bank, Store.open(":memory:"), clock=Clock(), seed=0, settings={"timezone": "UTC"})
    new = [Candidate(tid, t.equation, topic=t.topic) for tid, t in _curriculum(session.templates)]
    order = interleave_new(new)
    topics = [c.topic for c in order]
    equations = [c.equation for c in order]
    assert topics[0] == "probability"
    assert set(topics[:18]) != {"probability"}
    runs = [topics[i:i + 3] for i in range(len(topics) - 2)]
    # No three new cards of one topic in a row while another topic still has new cards after them.
    for i, run in enumerate(runs):
        if len(set(run)) == 1:
            assert set(topics[i + 2:]) == {run[0]}, (i, run)
    for i in range(1, len(equations)):
        if equations[i] == equations[i - 1]:
            assert set(equations[i:]) == {equations[i]}, i
    # Topics are met in curriculum order, and deep learning is the last to be met.
    firsts = sorted(set(topics), key=topics.index)
    assert firsts == sorted(firsts, key=lambda t: TOPICS.index(t) if t in TOPICS else len(TOPICS))
    assert firsts[-1] == "deep-learning"


# ---------------------------------------------------------------------------------- study scope
def test_topic_study_serves_only_that_topic_with_scheduling():
    session, clock = make(study=StudyFilter.build(topics=["statistics"]))
    served = serve_all(session, clock)
    assert set(served) == {"s1", "s2"}
    assert session.next_item() is None
    rows = session.store.conn.execute("SELECT DISTINCT template_id FROM review_log").fetchall()
    assert {r[0] for r in rows} == {"s1", "s2"}  # recorded as reviews, with their cards scheduled
    assert session.card_info("s1")["state"] != "new" and session.card_info("p1")["state"] == "new"
    assert session.summary()["study"] == "topic statistics"
    session.set_study(None)  # the whole bank again
    assert session.next_item().instance.topic == "probability"


@pytest.mark.parametrize("filt,expected", [
    (StudyFilter.build(tags=["exam"]), {"p2", "p4", "s2"}),
    (StudyFilter.build(equations=["bayes,cross-entropy"]), {"p1", "p2", "p3", "l1"}),
    (StudyFilter.build(topics=["probability"], tags=["exam"]), {"p2", "p4"}),
])
def test_tag_and_equation_study(filt, expected):
    session, clock = make(study=filt)
    assert set(serve_all(session, clock)) == expected


def test_unknown_scope_lists_the_known_ones():
    session, _ = make()
    with pytest.raises(ValueError) as exc:
        session.set_study(StudyFilter.build(topics=["probabilty"]))
    assert str(exc.value) == ("unknown topic 'probabilty' (known topics: losses, probability, statistics)")
    with pytest.raises(ValueError, match="known equations: bayes, cross-entropy, variance, z-test"):
        session.set_study(StudyFilter.build(equations=["softmax"]))
    with pytest.raises(ValueError, match="no template matches topic losses · equation bayes"):
        session.set_study(StudyFilter.build(topics=["losses"], equations=["bayes"]))
    assert session.study.empty  # unchanged


# ---------------------------------------------------------------------------------- days in the session
def test_daily_limit_and_bury_follow_the_local_day():
    # new_per_day 1 in New York, day start 04:00. 08:50 UTC = 03:50 EST: the 14th's learning day.
    session, clock = make(settings={"timezone": "America/New_York", "new_per_day": 1},
                          clock=Clock(utc(2026, 1, 15, 8, 50)))
    item = session.next_item()
    clock.advance(seconds=30)
    session.submit(item, str(item.instance.answer.value))
    row = session.store.conn.execute("SELECT day FROM review_log").fetchone()
    assert row[0] == "2026-01-14"
    session.bury(item.instance.template_id)
    assert session.card_info(item.instance.template_id)["buried_until"] == utc(2026, 1, 15, 9)
    assert session.next_item() is None  # the day's one new card is spent, the learning card buried
    clock.now = utc(2026, 1, 15, 9, 0)  # 04:00 EST: a new learning day
    assert session.next_item() is not None
    assert session.summary()["new_left_today"] == 1


# ---------------------------------------------------------------------------------- summary
def test_summary_line_from_numbers():
    summary = {"reviews": 21, "correct": 18, "accuracy": 18 / 21, "time_ms": 14 * 60_000,
               "next_due": utc(2026, 1, 15, 14, 10), "next_due_local": datetime(2026, 1, 15, 9, 10, tzinfo=NY),
               "next_due_today": True}
    assert summary_line(summary) == "21 reviews in 14 min, 86% right, next at 09:10"  # 18/21 = 85.7 %
    summary.update(reviews=1, correct=0, accuracy=0.0, time_ms=20_000, next_due_today=False,
                   next_due_local=datetime(2026, 1, 16, 4, 0, tzinfo=NY))
    assert summary_line(summary) == "1 review in under a minute, 0% right, next at Fri 04:00"


def test_today_summary_counts_only_todays_local_day():
    session, clock = make(settings={"timezone": "America/New_York"}, clock=Clock(utc(2026, 1, 15, 8, 50)))
    bank = FakeBank({tid: TaggedTemplate(tid, eq, topic) for tid, eq, topic in
                     (("a", "e1", "t"), ("b", "e2", "t"))})
    session.bank = bank
    # 08:50 UTC is 03:50 EST: this review belongs to the 14th.
    item = session.next_item()
    clock.advance(seconds=30)
    session.submit(item, str(item.instance.answer.value))
    clock.now = utc(2026, 1, 15, 9, 10)  # 04:10 EST on the 15th
    seconds = iter((40, 80))
    for _ in range(2):
        item = session.next_item()
        clock.advance(seconds=next(seconds))
        right = item.instance.template_id == "a"
        session.submit(item, str(item.instance.answer.value + (0 if right else 1)))
    session.bury("a")
    session.bury("b")
    assert session.next_item() is None
    today = session.today_summary()
    # Today: two reviews (a right, b wrong), 40 s + 80 s = 2 min; both cards buried until the next
    # day start, 04:00 EST on Friday the 16th = 09:00 UTC.
    assert today == {"reviews": 2, "correct": 1, "accuracy": 0.5, "time_ms": 120_000,
                     "next_due": utc(2026, 1, 16, 9), "next_due_local": utc(2026, 1, 16, 9).astimezone(NY),
                     "next_due_today": False}
    assert summary_line(today) == "2 reviews in 2 min, 50% right, next at Fri 04:00"
    assert session.summary()["today"] == today
