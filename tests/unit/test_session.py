"""Session API over fakes (and, once it exists, the real bank): queue rules, recording, override, undo,
bury/suspend, seeds, quiz isolation, stats values."""

from datetime import datetime, timedelta, timezone

import pytest

from tests.support.fakes import Clock, fake_generate, fake_grade, make_bank
from tests.support.paths import PROBLEMS

from trainer.session import Session
from trainer.storage import Store

SPEC = [("p1", "bayes", "probability"), ("p2", "bayes", "probability"), ("p3", "variance", "probability"),
        ("l1", "cross-entropy", "losses")]


#: These tests were written for days that turn at UTC midnight; the defaults are now 04:00 local.
UTC_MIDNIGHT_DAYS = {"timezone": "UTC", "next_day_starts_at": 0}


def make(spec=SPEC, seed=0, settings=None, store=None):
    clock = Clock()
    session = Session(make_bank(spec), store or Store.open(":memory:"), clock=clock, seed=seed,
                      settings={**UTC_MIDNIGHT_DAYS, **(settings or {})}, generate=fake_generate,
                      grade=fake_grade)
    return session, clock


def dump(store):
    return list(store.conn.iterdump())


def answer(session, clock, *, right=True, seconds=30, text=None):
    item = session.next_item()
    clock.advance(seconds=seconds)
    typed = text if text is not None else str(item.instance.answer.value if right else item.instance.answer.value + 1)
    return item, session.submit(item, typed)


def test_parse_error_is_never_a_review():
    session, clock = make()
    item = session.next_item()
    before = dump(session.store)
    outcome = session.submit(item, "?")
    assert not outcome.recorded and outcome.rating is None and outcome.review_id is None
    assert dump(session.store) == before


def test_wrong_then_right_ratings_and_schedule():
    session, clock = make()
    item, out = answer(session, clock, right=False)
    assert item.is_new and out.recorded and out.rating == 1
    assert out.next_due == clock.now + timedelta(minutes=1)  # learning step 1 after Again
    row = session.store.review(out.review_id)
    assert row["decided"] == "auto" and row["response_ms"] == 30_000 and row["correct"] == 0
    item, out = answer(session, clock, right=True, seconds=30)
    assert out.rating == 3  # 30 s, no history: between 10 s and 120 s → Good


def test_hint_and_fast_answers():
    session, clock = make()
    item = session.next_item()
    clock.advance(seconds=5)
    assert session.submit(item, str(item.instance.answer.value), hint_used=True).rating == 2
    item = session.next_item()
    clock.advance(seconds=5)
    # Fast and right, but a first sighting: Good at best (issue 13); Easy needs a card seen before.
    fast = session.submit(item, str(item.instance.answer.value))
    assert fast.rating == 3
    assert fast.rating_reason == "Good (not Easy): first time you see this card, 5 s"


def test_override_recomputes_from_state_before():
    session, clock = make()
    item, out = answer(session, clock, right=False)
    assert out.rating == 1
    new = session.override(out, 3)
    assert new.rating == 3 and new.auto_rating == 1
    assert new.next_due == clock.now + timedelta(minutes=10)  # a new card rated Good: the 10-minute step
    row = session.store.review(out.review_id)
    assert row["rating"] == 3 and row["decided"] == "overridden"
    assert session.store.counts()["reviews"] == 1
    with pytest.raises(ValueError):
        session.override(out, 5)


def test_undo_puts_the_card_back():
    session, clock = make()
    item, out = answer(session, clock)
    tid = item.instance.template_id
    assert session.undo() == tid
    assert session.store.counts()["reviews"] == 0
    assert session.card_info(tid)["state"] == "new"
    assert session.undo() is None
    # the undone template is served again (and counts as new again)
    assert session.next_item().instance.template_id == tid


def test_same_equation_not_twice_in_a_row():
    session, clock = make()
    equations = []
    for _ in range(4):
        item, _ = answer(session, clock)
        equations.append(item.instance.equation)
    assert all(a != b for a, b in zip(equations, equations[1:])), equations


def test_new_per_day_limit_and_next_due():
    session, clock = make(settings={"new_per_day": 2})
    answer(session, clock, seconds=60)
    answer(session, clock, seconds=60)
    clock.advance(minutes=1)
    # both learning cards are due in 10 minutes, within learn-ahead: served early
    assert session.next_item() is not None
    session2, clock2 = make(settings={"new_per_day": 0})
    assert session2.next_item() is None
    assert session2.next_due() == datetime(2025, 3, 11, tzinfo=timezone.utc)  # tomorrow's new cards
    assert session2.summary()["new_left_today"] == 0


def test_bury_until_tomorrow_and_suspend():
    session, clock = make(spec=[("a", "e1", "t"), ("b", "e2", "t")])
    session.bury("a")
    session.suspend("b")
    assert session.next_item() is None
    clock.now = datetime(2025, 3, 11, 0, 0, 1, tzinfo=timezone.utc)
    assert session.next_item().instance.template_id == "a"
    session.unsuspend("b")
    assert {session.next_item().instance.template_id for _ in range(2)} == {"a", "b"}
    assert session.card_info("b")["suspended"] is False


def test_seeds_not_repeated_within_recent_window():
    session, clock = make(spec=[("a", "e1", "t")])
    seen = []
    for _ in range(25):
        item = session.next_item()
        if item is None:
            clock.now = session.next_due()
            item = session.next_item()
        seen.append(item.instance.seed)
        clock.advance(seconds=20)
        session.submit(item, str(item.instance.answer.value))
    for i, seed in enumerate(seen):
        assert seed not in seen[max(0, i - 20):i]


def test_leech_suspend_action():
    session, clock = make(spec=[("a", "e1", "t")], settings={"leech_threshold": 2, "leech_action": "suspend"})
    lapses = 0
    for _ in range(40):
        item = session.next_item()
        if item is None:
            clock.advance(days=1)
            continue
        clock.advance(seconds=20)
        # graduate to review state, then forget: a lapse is Again on a review-state card
        right = item.card_state != "review"
        lapses += int(item.card_state == "review")
        session.submit(item, str(item.instance.answer.value + (0 if right else 1)))
        if session.card_info("a")["suspended"]:
            break
    info = session.card_info("a")
    assert info["leech"] and info["suspended"] and info["lapses"] == 2 == lapses


def test_quiz_leaves_schedule_untouched():
    session, clock = make()
    answer(session, clock)
    before = dump(session.store)
    quiz = session.start_quiz(5, topics=["probability"])
    items = 0
    while (item := quiz.next_item()) is not None:
        items += 1
        assert item.instance.topic == "probability"
        quiz.submit(item, "?")  # parse error: not counted
        quiz.submit(item, str(item.instance.answer.value * 2 if items % 2 else item.instance.answer.value))
    assert items == 5
    assert dump(session.store) == before
    summary = quiz.summary()
    assert summary["answered"] == 5 and summary["correct"] == 2
    assert summary["by_topic"] == {"probability": {"total": 5, "correct": 2, "score": 0.4}}
    assert [m["diagnosis_id"] for m in summary["mistakes"]] == ["doubled"] * 3
    with pytest.raises(ValueError):
        session.start_quiz(3, equations=["nope"])


def test_stats_values():
    session, clock = make()
    # day 1: four new templates, one wrong with the anticipated mistake (the last one: a first answer
    # wrong would bring its card back after a minute, and interleaved new cards leave no same-equation
    # card to skip past it)
    for i in range(4):
        item = session.next_item()
        clock.advance(seconds=10 * (i + 1) + 5)  # 15, 25, 35, 45 s
        typed = str(item.instance.answer.value * 2) if i == 3 else str(item.instance.answer.value)
        session.submit(item, typed)
    clock.now = datetime(2025, 3, 11, 9, 0, tzinfo=timezone.utc)
    session.next_item()
    stats = session.stats()
    assert stats["today"] == "2025-03-11"
    assert stats["heatmap"]["counts"][-2:] == [4, 0]
    assert stats["heatmap"]["end"] == "2025-03-11" and len(stats["heatmap"]["counts"]) == 365
    assert stats["streak"] == {"current": 1, "longest": 1}  # nothing yet today: streak runs to yesterday
    assert stats["totals"]["reviews"] == 4 and stats["totals"]["correct"] == 3
    assert stats["mistakes"] == [{"template_id": stats["mistakes"][0]["template_id"], "diagnosis_id": "doubled",
                                  "count": 1, "message": "You doubled it."}]
    topics = {t["topic"]: t for t in stats["topics"]}
    assert topics["probability"]["reviews"] + topics["losses"]["reviews"] == 4
    assert len(stats["forecast"]) == 30
    assert sum(d["due"] for d in stats["forecast"]) == 4
    # the four learning cards were due 10 min after review: overdue now, counted on day 0
    assert stats["forecast"][0]["due"] == 4
    assert stats["true_retention"]["overall"] is None  # no review-state card yet
    assert {t["topic"] for t in stats["cards"]["topics"]} == {"probability", "losses"}


def test_stats_timing_and_orphans():
    session, clock = make(spec=[("a", "e1", "t")])
    for seconds in (12, 30, 31):
        item = session.next_item()
        if item is None:
            clock.now = session.next_due()
            item = session.next_item()
        clock.advance(seconds=seconds)
        session.submit(item, str(item.instance.answer.value))
    stats = session.stats()
    assert stats["topics"] == [{"topic": "t", "reviews": 3, "accuracy": 1.0, "median_ms": 30_050.0}]
    session.bank = make_bank([("z", "e9", "t")])  # template "a" removed from the bank
    stats = session.stats()
    assert [o["template_id"] for o in stats["orphaned"]] == ["a"]
    assert stats["orphaned"][0]["reviews"] == 3
    assert session.next_item().instance.template_id == "z"  # orphans are not served


def test_true_retention_counts_first_review_of_a_day_on_review_cards():
    session, clock = make(spec=[("a", "e1", "t")])
    item = session.next_item()
    clock.advance(seconds=5)
    first = session.submit(item, str(item.instance.answer.value))
    assert first.rating == 3  # a first sighting is never Easy automatically...
    assert session.override(first, 4).rating == 4  # ...but key 4 still makes it Easy → review state at once
    steps = [(datetime(2025, 4, 10, 12, tzinfo=timezone.utc), False, "review"),     # first of day: fail
             (datetime(2025, 4, 10, 12, 30, tzinfo=timezone.utc), True, "relearning"),  # same day: ignored
             (datetime(2025, 6, 1, 12, tzinfo=timezone.utc), True, "review")]       # first of day: pass
    for when, right, state in steps:
        clock.now = when
        item = session.next_item()
        assert item.card_state == state
        clock.advance(seconds=20)
        session.submit(item, str(item.instance.answer.value + (0 if right else 1)))
    tr = session.stats()["true_retention"]
    assert (tr["overall"], tr["overall_count"]) == (0.5, 2)
    assert tr["by_month"] == [{"month": "2025-04", "retention": 0.0, "count": 1},
                              {"month": "2025-06", "retention": 1.0, "count": 1}]
    assert (tr["last_30_days"], tr["last_30_days_count"]) == (1.0, 1)


def test_summary_counts():
    session, clock = make()
    s = session.summary()
    # "study" and "today" (issue 13) are checked in tests/unit/test_study_controls.py.
    assert {k: v for k, v in s.items() if k not in ("study", "today")} == {
        "due_now": 0, "new_left_today": 4, "reviewed_today": 0, "streak": 0,
        "desired_retention": 0.9, "next_due": clock.now}
    assert s["study"] == "" and s["today"]["reviews"] == 0 and s["today"]["next_due"] == clock.now
    answer(session, clock)
    s = session.summary()
    assert s["reviewed_today"] == 1 and s["new_left_today"] == 3 and s["streak"] == 1


def test_overview_per_equation():
    session, clock = make()
    rows = session.overview()
    assert [(r["topic"], r["equation"], r["templates"]) for r in rows] == [
        ("losses", "cross-entropy", 1), ("probability", "bayes", 2), ("probability", "variance", 1)]
    # nothing reviewed yet: no predicted recall, every template new
    assert all(r["recall_now"] is None and r["new"] == r["templates"] and r["reviews"] == 0 for r in rows)


def test_end_to_end_with_the_real_bank(tmp_path):
    from types import SimpleNamespace

    from trainer.core.grading import grade
    from trainer.core.templates import bank as bank_mod
    from trainer.core.templates.generation import generate

    full = bank_mod.load_bank([PROBLEMS])
    numeric = {tid: t for tid, t in full.templates.items() if t.answer_type == "number"}
    assert len(numeric) >= 2
    bank = SimpleNamespace(templates=numeric, errors=list(full.errors))
    clock = Clock()
    with Store.open(tmp_path / "e2e.db") as store:
        session = Session(bank, store, clock=clock, seed=1, generate=generate,
                          grade=grade)
        first = session.next_item()
        clock.advance(seconds=20)
        wrong = session.submit(first, "12345.678")
        assert wrong.recorded and wrong.rating == 1 and not wrong.verdict.correct
        second = session.next_item()
        assert second.instance.equation != first.instance.equation or len(
            {t.equation for t in numeric.values()}) == 1
        clock.advance(seconds=20)
        assert not session.submit(second, "((").recorded  # a parse error is not a review
        right = session.submit(second, second.instance.answer.display)
        assert right.recorded and right.verdict.correct and right.rating == 3
        row = store.review(right.review_id)
        assert row["seed"] == second.instance.seed and row["verdict"]["correct"] is True
        stats = session.stats()
        assert stats["totals"]["reviews"] == 2 and stats["totals"]["correct"] == 1
    with Store.open(tmp_path / "e2e.db") as store:
        assert store.counts()["reviews"] == 2  # still there after reopening


def test_a_new_learner_starts_with_probability_and_meets_deep_learning_last(tmp_path):
    from datetime import datetime, timezone

    from trainer.core.templates.spec import TOPICS
    from trainer.session import Session, _curriculum

    session = Session.open(tmp_path / "t.db", bank_paths=[PROBLEMS],
                           clock=lambda: datetime(2026, 1, 5, 9, tzinfo=timezone.utc),
                           seed=0, settings={"new_per_day": 1000})
    first = session.next_item()
    assert first.is_new and first.instance.topic == "probability"
    topics = [t.topic for _, t in _curriculum(session.templates)]
    ranks = [TOPICS.index(t) for t in topics]
    assert ranks == sorted(ranks) and topics[-1] == "deep-learning"


def test_same_kind_templates_follow_the_bank():
    """The templates whose times set the rating thresholds: those of the same answer kind (number and
    integer are one kind), re-read when a template leaves the bank or the bank is replaced."""
    from types import SimpleNamespace

    from tests.support.fakes import FakeBank

    def bank(types):
        return FakeBank({tid: SimpleNamespace(id=tid, answer_type=t) for tid, t in types.items()})

    session, _ = make()
    session.bank = bank({"n1": "number", "n2": "integer", "f1": "formula"})
    instance = SimpleNamespace(template_id="n1", answer=SimpleNamespace(type="number"))
    assert session._kind_templates(instance) == ("number", {"n1", "n2"})
    del session.bank.templates["n2"]  # as a template that fails to compile is dropped
    assert session._kind_templates(instance) == ("number", {"n1"})
    session.bank = bank({"n1": "number", "f1": "integer"})
    assert session._kind_templates(instance) == ("number", {"n1", "f1"})
