"""History from elsewhere: the FSRS-optimizer CSV read row by row, stored once, foreign cards kept for
fitting only; and the learner's fitted parameters as the session reads, applies and resets them."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import numpy as np
import pytest

from trainer.core.learning.history import HistoryError, read_review_csv
from trainer.core.scheduling import CardState
from trainer.storage import Store

HEADER = "card_id,review_time,review_rating,review_state,review_duration\n"
# 2026-01-05 09:00:00 UTC is 1767603600 s after the epoch.
T_MS = 1_767_603_600_000
DAY_MS = 86_400_000


def rows_text(*rows: tuple) -> str:
    return HEADER + "".join(",".join(str(x) for x in row) + "\n" for row in rows)


def test_a_good_file_is_read_with_times_in_utc():
    text = rows_text(("entropy-x", T_MS, 3, 0, 5200), ("99", T_MS + 3 * DAY_MS, 1, 2, ""))
    rows, manual = read_review_csv(text)
    assert manual == 0
    assert [(r.card_id, r.rating, r.state, r.duration_ms) for r in rows] == [
        ("entropy-x", 3, 0, 5200), ("99", 1, 2, None)]
    assert rows[0].at == datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def test_columns_in_another_order_and_manual_rows_skipped():
    text = "review_rating,card_id,review_time\n3,a,%d\n0,a,%d\n" % (T_MS, T_MS + DAY_MS)
    rows, manual = read_review_csv(text)
    assert [(r.card_id, r.rating) for r in rows] == [("a", 3)] and manual == 1


@pytest.mark.parametrize("text, where", [
    (rows_text(("a", T_MS, 3, 0, 1), ("a", T_MS + DAY_MS, 5, 2, 1)), "line 3, column review_rating"),
    (rows_text(("a", T_MS, 3, 0, 1), ("a", "yesterday", 3, 2, 1)), "line 3, column review_time"),
    (rows_text(("a", 1_767_603_600, 3, 0, 1)), "line 2, column review_time"),  # seconds, not ms
    (rows_text(("a", T_MS, 3, 0, 1), ("", T_MS, 3, 0, 1)), "line 3, column card_id"),
    (rows_text(("a", T_MS, 3, 9, 1)), "line 2, column review_state"),
    (rows_text(("a", T_MS, 3, 0, -4)), "line 2, column review_duration"),
    (HEADER + "a,%d\n" % T_MS, "line 2: expected 5 fields"),
    ("card,time,rating\n", "line 1: the header lacks card_id, review_time, review_rating"),
    ("", "line 1: the file is empty"),
])
def test_a_bad_row_is_named_by_line_and_column(text, where):
    with pytest.raises(HistoryError) as caught:
        read_review_csv(text)
    assert str(caught.value).startswith(where)


def _rows(*rows):
    return read_review_csv(rows_text(*rows))[0]


def test_importing_the_same_file_twice_adds_nothing_the_second_time():
    rows = _rows(("ui-entropy", T_MS, 3, 0, 1), ("ui-entropy", T_MS + 2 * DAY_MS, 3, 2, 1),
                 ("anki-123", T_MS, 1, 0, 1), ("anki-123", T_MS + DAY_MS, 3, 2, 1), ("anki-456", T_MS, 4, 0, 1))
    with Store.open(":memory:") as store:
        first = store.import_reviews(rows, ["ui-entropy", "ui-sigmoid"])
        second = store.import_reviews(rows, ["ui-entropy", "ui-sigmoid"])
        assert first == {"added": 5, "skipped": 0, "linked": 2, "foreign_cards": 2}
        assert second == {"added": 0, "skipped": 5, "linked": 0, "foreign_cards": 0}
        assert store.conn.execute("SELECT count(*) FROM imported_reviews").fetchone()[0] == 5
        # Foreign cards count for fitting, but are never cards: nothing to serve.
        assert store.cards() == []
        log = store.review_log()
    assert sorted({card for card, _, _ in log}) == ["import:anki-123", "import:anki-456", "ui-entropy"]
    assert len(log) == 5


def test_a_reimported_export_of_this_database_adds_nothing():
    import io

    from tests.unit.test_storage import record

    with Store.open(":memory:") as store:
        when = datetime(2026, 1, 5, 9, 0, 0, 123456, tzinfo=timezone.utc)  # not a whole millisecond
        store.record_review(record("t1", when, before=CardState()))
        out = io.StringIO()
        store.export_csv(out)
        rows = read_review_csv(out.getvalue())[0]
        assert store.import_reviews(rows, ["t1"]) == {"added": 0, "skipped": 1, "linked": 0, "foreign_cards": 0}
        assert len(store.review_log()) == 1


# --- the session's parameters ----------------------------------------------------------------------

W = [0.1, 0.6, 1.5, 5.0, 6.0, 0.7, 2.5, 0.01, 1.4, 0.2, 0.9, 1.6, 0.08, 0.3, 1.5, 0.5, 2.2, 0.4, 0.1, 0.08, 0.35]
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def _session(store):
    from trainer.session import Session

    class Bank:
        templates: dict = {}
        errors: list = []

    return Session(Bank(), store, clock=lambda: NOW, seed=1)


def test_applied_parameters_schedule_and_reset_restores_the_defaults():
    from fsrs.scheduler import DEFAULT_PARAMETERS

    with Store.open(":memory:") as store:
        session = _session(store)
        assert session.fsrs_parameters is None
        assert session.parameters_in_use() == pytest.approx(list(DEFAULT_PARAMETERS))
        session.apply_parameters(W)
        assert json.loads(store.raw_setting("fsrs_parameters")) == W
        assert _session(store).fsrs_parameters == W  # read back by a new session: used from then on
        session.reset_parameters()
        assert store.raw_setting("fsrs_parameters") is None and session.fsrs_parameters is None


@pytest.mark.parametrize("stored", ["[1, 2, 3]", "not json", json.dumps([float("inf")] * 21), '"w"'])
def test_a_bad_stored_value_falls_back_to_the_defaults_with_a_notice(stored):
    with Store.open(":memory:") as store:
        store.conn.execute("INSERT INTO settings (key, value) VALUES ('fsrs_parameters', ?)", (stored,))
        session = _session(store)
        assert session.fsrs_parameters is None
        assert session.fsrs_parameters is None
        assert len(session.notices) == 1 and "the defaults" in session.notices[0]


def test_the_session_schedules_a_review_with_the_fitted_parameters(tmp_path):
    from tests.support.ui import ANSWERS, write_bank
    from trainer.session import Session

    bank = write_bank(tmp_path / "bank")
    session = Session.open(tmp_path / "p.db", bank_paths=[bank], clock=lambda: NOW, seed=3)
    try:
        session.apply_parameters(W)
        item = session.next_item()
        outcome = session.submit(item, ANSWERS[item.instance.template_id][2])
        assert outcome.recorded
        session.override(outcome, 4)  # a first Easy: S = w[3] of the fitted parameters
        card = session.store.card(item.instance.template_id).card
        assert card.stability == pytest.approx(W[3])
    finally:
        session.close()


def test_workload_of_one_card_reviewed_once_within_the_horizon():
    from trainer.core.learning.workload import WorkloadCard, workload_by_retention
    from fsrs.scheduler import DEFAULT_PARAMETERS

    w = list(DEFAULT_PARAMETERS)
    # S = 100 days, just reviewed, nothing new. At r = 0.90 it is due in 100 days: no review within 30.
    # At r = 0.97 it is due in 100 · (0.97^(1/D) − 1)/F = 100 · 0.2228 → 22 days: one review, plus a
    # same-day relearning review if it is forgotten (3% of the time).
    rows = workload_by_retention(w, [WorkloadCard(100.0, 5.0, 0.0)], new_cards=0, rng=np.random.default_rng(1),
                                 days=30, retentions=(0.9, 0.97))
    assert rows[0]["reviews_per_day"] == 0
    assert 1 / 30 <= rows[1]["reviews_per_day"] <= 2 / 30


def test_workload_grows_with_desired_retention():
    from fsrs.scheduler import DEFAULT_PARAMETERS

    from trainer.core.learning.workload import RETENTIONS, WorkloadCard, workload_by_retention

    cards = [WorkloadCard(float(s), 5.0, float(s) / 2) for s in range(1, 41)]
    rows = workload_by_retention(list(DEFAULT_PARAMETERS), cards, new_cards=40, rng=np.random.default_rng(7),
                                 new_per_day=5, days=120)
    per_day = [r["reviews_per_day"] for r in rows]
    assert [r["retention"] for r in rows] == list(RETENTIONS)
    assert per_day[-1] > 2 * per_day[0]
    assert rows[-1]["memorized"] > rows[0]["memorized"]


def test_predicted_recall_in_stats_follows_the_fitted_curve():
    from types import SimpleNamespace
    from datetime import timedelta

    from trainer.core.progress.cards import card_summary

    last = datetime(2026, 2, 1, 9, 0, tzinfo=timezone.utc)
    card = CardState(state="review", stability=4.0, difficulty=5.0, due=last + timedelta(days=4),
                     last_review=last, reps=2)
    templates = [SimpleNamespace(template_id="t", equation="e", topic="x")]
    cards = {"t": SimpleNamespace(card=card, suspended=False)}
    now = last + timedelta(days=12)
    # R = (1 + F·12/4)^D with the fitted D = −0.35, F = 0.9^(1/D) − 1 = 0.35125: 2.05375^−0.35 = 0.7773.
    fitted = card_summary(templates, cards, now, parameters=W)["recall_now"]
    assert fitted == pytest.approx((1 + 0.35125 * 3) ** -0.35, abs=1e-4)
    assert fitted == pytest.approx(0.7773, abs=1e-4)
    assert card_summary(templates, cards, now)["recall_now"] != pytest.approx(fitted, abs=1e-3)


def test_a_json_backup_carries_imported_reviews_and_restoring_it_twice_adds_them_once():
    rows = _rows(("ui-entropy", T_MS, 3, 0, 1200), ("anki-123", T_MS + DAY_MS, 1, 2, ""))
    with Store.open(":memory:") as source:
        source.import_reviews(rows, ["ui-entropy"])
        backup = json.loads(json.dumps(source.export_json(datetime(2026, 2, 1, tzinfo=timezone.utc))))
    assert [(r["card_id"], r["template_id"], r["review_time"], r["rating"], r["duration_ms"])
            for r in backup["imported_reviews"]] == [("ui-entropy", "ui-entropy", T_MS, 3, 1200),
                                                     ("anki-123", None, T_MS + DAY_MS, 1, None)]
    with Store.open(":memory:") as target:
        assert target.import_json(backup)["imported_added"] == 2
        assert target.import_json(backup)["imported_added"] == 0
        log = target.review_log()
    assert [(card, at, rating) for card, at, rating in log] == [
        ("ui-entropy", datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc), 3),
        ("import:anki-123", datetime(2026, 1, 6, 9, 0, tzinfo=timezone.utc), 1)]


def test_a_bad_imported_review_in_a_backup_is_named_and_nothing_is_written():
    with Store.open(":memory:") as source:
        backup = source.export_json(datetime(2026, 2, 1, tzinfo=timezone.utc))
    backup["imported_reviews"] = [{"card_id": "a", "review_time": T_MS, "rating": 3},
                                  {"card_id": "b", "review_time": T_MS, "rating": 7}]
    with Store.open(":memory:") as target:
        with pytest.raises(ValueError, match=r"imported_reviews\[1\]"):
            target.import_json(backup)
        assert target.conn.execute("SELECT count(*) FROM imported_reviews").fetchone()[0] == 0


def test_workload_runs_each_retention_as_if_alone():
    """The retentions are simulated side by side; each must come out as its own run would, on the
    same random numbers: a retention's figures do not depend on which others are asked for."""
    from fsrs.scheduler import DEFAULT_PARAMETERS

    from trainer.core.learning.workload import WorkloadCard, workload_by_retention

    cards = [WorkloadCard(float(s), 1 + s % 9, float(s % 7)) for s in range(1, 31)]
    together = workload_by_retention(list(DEFAULT_PARAMETERS), cards, new_cards=25, rng=np.random.default_rng(3),
                                     new_per_day=4, days=90, retentions=(0.75, 0.9, 0.97))
    alone = [workload_by_retention(list(DEFAULT_PARAMETERS), cards, new_cards=25, rng=np.random.default_rng(3),
                                   new_per_day=4, days=90, retentions=(r,))[0] for r in (0.75, 0.9, 0.97)]
    assert together == alone
    assert len({r["reviews_per_day"] for r in together}) == 3  # and they are three different runs


def test_workload_with_no_card_at_all_is_zero_not_an_error():
    from fsrs.scheduler import DEFAULT_PARAMETERS

    from trainer.core.learning.workload import workload_by_retention

    rows = workload_by_retention(list(DEFAULT_PARAMETERS), [], new_cards=0, rng=np.random.default_rng(0),
                                 days=30, retentions=(0.8, 0.9))
    assert rows == [{"retention": 0.8, "reviews_per_day": 0.0, "memorized": 0.0},
                    {"retention": 0.9, "reviews_per_day": 0.0, "memorized": 0.0}]


def test_workload_reviews_a_card_on_the_first_day_on_or_after_its_due_date():
    """S = 1 day: at r = 0.9 the interval is 1 day. Reviewed half a day ago, the card falls due at
    day 0.5, so its review is on day 1: none within a 1-day horizon, one (two if forgotten and
    relearnt) within 2 days. Reviewed 30 days ago it is overdue and reviewed on day 0."""
    from fsrs.scheduler import DEFAULT_PARAMETERS

    from trainer.core.learning.workload import WorkloadCard, workload_by_retention

    def per_day(card, days):
        return workload_by_retention(list(DEFAULT_PARAMETERS), [card], new_cards=0, rng=np.random.default_rng(2),
                                     days=days, retentions=(0.9,))[0]["reviews_per_day"]

    assert per_day(WorkloadCard(1.0, 5.0, 0.5), 1) == 0
    assert 1 / 2 <= per_day(WorkloadCard(1.0, 5.0, 0.5), 2) <= 2 / 2
    assert 1 <= per_day(WorkloadCard(1.0, 5.0, 30.0), 1) <= 2
