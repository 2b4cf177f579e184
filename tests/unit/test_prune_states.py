"""Schema version 8 (`m008_prune_states`): card states are kept while an undo can use them.

A version-7 file is written by hand (that version's columns; each card before packed by version 7's
codec from the values below), so every expected state is a dict put in here, and which reviews keep
theirs follows from the times alone: kept for each card's latest review (commit order) and for the
reviews at most 48 hours before it, NULL for the older ones, with the implicit reviews they caused.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from sqlite_utils import Database

from tests.support.fakes import Clock, fake_generate, fake_grade, make_bank
from trainer.core.scheduling import CardState
from trainer.session import Session
from trainer.storage import ConflictError, ReviewRecord, Store
from trainer.storage.codec import before_values, flags_sql, pack_before, pack_flags, time_us
from trainer.storage.schema import SCHEMA_VERSION, migrations

T = datetime(2024, 5, 10, 12, 0, tzinfo=timezone.utc)  # p's latest review
HOUR = timedelta(hours=1)
# Card p's reviews (id, hours before T, review_state); card q's one review, ten days before T.
P_REVIEWS = [(1, 100, 0), (2, 72, 1), (3, 49, 1), (4, 48, 2), (5, 47, 2), (6, 0, 2)]
Q_REVIEW = (7, 240, 0)


def state_at(hours_before: int) -> CardState:
    """A distinct card state for the review `hours_before` T (a review card due a day later)."""
    at = T - hours_before * HOUR
    return CardState(state="review", stability=2.5 + hours_before / 8, difficulty=5.125, due=at + 24 * HOUR,
                     last_review=at - 24 * HOUR, reps=3 + hours_before, lapses=1)


#: The card before of each review, as put in (reviews 1 and 7 are a card's first: never reviewed).
BEFORE = {1: CardState(), 2: state_at(72), 3: state_at(49), 4: state_at(48), 5: state_at(47), 6: state_at(0),
          7: CardState()}
#: Implicit credits of q: one caused by review 2 (pruned with it), one by review 5 (kept).
Q_BEFORE = {2: CardState(state="review", stability=4.0, difficulty=6.0, due=T, last_review=T - 96 * HOUR, reps=2),
            5: CardState(state="review", stability=4.5, difficulty=6.0, due=T, last_review=T - 60 * HOUR, reps=3)}
Q_AFTER = {2: CardState(state="review", stability=5.0, difficulty=6.0, due=T + 96 * HOUR, last_review=T - 72 * HOUR,
                        reps=2),
           5: CardState(state="review", stability=6.5, difficulty=6.0, due=T + 96 * HOUR, last_review=T - 47 * HOUR,
                        reps=3)}
CARD_P = CardState(state="review", stability=9.0, difficulty=5.0, due=T + 72 * HOUR, last_review=T, reps=9, lapses=1)
CARD_Q = CardState(state="review", stability=6.5, difficulty=6.0, due=T + 96 * HOUR, last_review=T - 47 * HOUR, reps=3)


def _state_columns(card: CardState) -> tuple:
    codes = {"new": 0, "learning": 1, "review": 2, "relearning": 3}
    return (codes[card.state], card.step, card.stability, card.difficulty, time_us(card.due),
            time_us(card.last_review), card.reps, card.lapses, int(card.leech))


def build_v7(path) -> None:
    db = Database(path)
    migrations().apply(db, stop_before="m008_prune_states")
    conn = db.conn
    with conn:
        for card_id, tid, card in ((1, "p", CARD_P), (2, "q", CARD_Q)):
            conn.execute("INSERT INTO cards (template_id, card_id, state, stability, difficulty, due, last_review, "
                         "reps, lapses) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (tid, card_id, card.state, card.stability, card.difficulty, card.due.isoformat(),
                          card.last_review.isoformat(), card.reps, card.lapses))
        for (rid, hours, state), card_id in [(r, 1) for r in P_REVIEWS] + [(Q_REVIEW, 2)]:
            at = time_us(T - hours * HOUR)
            conn.execute("INSERT INTO reviews (id, uid, card_id, seed, params, answer, correct, rating, auto_rating, "
                         "overridden, hint_used, response_ms, reviewed_at, day, review_state, before) "
                         "VALUES (?, ?, ?, ?, '{}', '1', 1, 3, 3, 0, 0, 1000, ?, ?, ?, ?)",
                         (rid, f"uid-{rid}", card_id, rid, at, at // 86_400_000_000, state,
                          pack_before(before_values(BEFORE[rid], state), at)))
        for row_id, cause in ((1, 2), (2, 5)):
            conn.execute(f"INSERT INTO implicit_rows (id, cause_id, card_id, kind, weight, "
                         f"{', '.join('before_' + f for f in FIELDS)}, {', '.join('after_' + f for f in FIELDS)}) "
                         f"VALUES (?, ?, 2, 0, 0.5, {', '.join('?' * 18)})",
                         (row_id, cause, *_state_columns(Q_BEFORE[cause]), *_state_columns(Q_AFTER[cause])))
    db.close()


FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses", "leech")


@pytest.fixture
def v8(tmp_path):
    path = tmp_path / "v7.db"
    build_v7(path)
    with Store.open(path) as store:
        yield store, path


def kept_ids(store) -> list[int]:
    return [r[0] for r in store.conn.execute("SELECT id FROM reviews WHERE before IS NOT NULL ORDER BY id")]


def test_the_migration_keeps_the_latest_review_and_the_48_hours_before_it(v8):
    store, _ = v8
    assert store.schema_version == SCHEMA_VERSION
    # p: 100 h, 72 h, 49 h before its latest go; 48 h (the window's edge) and 47 h stay; q's only review stays.
    assert kept_ids(store) == [4, 5, 6, 7]
    assert [store.review(i)["state_before"] for i in (1, 2, 3)] == [None, None, None]
    assert [store.review(i)["state_before"] for i in (4, 5, 6, 7)] == [
        BEFORE[4].to_dict(), BEFORE[5].to_dict(), BEFORE[6].to_dict(), CardState().to_dict()]
    # A review's card after is the next one's card before: known from review 3 on.
    assert [store.review(i)["state_after"] for i in (2, 3, 6)] == [None, BEFORE[4].to_dict(), CARD_P.to_dict()]
    implicit = {r["cause_id"]: r for r in store.implicit_history("q")}
    assert (implicit[2]["state_before"], implicit[2]["state_after"]) == (None, None)
    assert (implicit[5]["state_before"], implicit[5]["state_after"]) == (Q_BEFORE[5].to_dict(), Q_AFTER[5].to_dict())
    assert (implicit[2]["kind"], implicit[2]["weight"], implicit[2]["cause_uid"]) == ("credit", 0.5, "uid-2")


def test_the_migration_keeps_the_summaries_and_the_plain_sql_views(v8):
    store, path = v8
    store.close()
    conn = sqlite3.connect(path)  # no trainer functions: every view is plain SQL
    try:
        log = conn.execute("SELECT id, uid, template_id, rating, day FROM review_log WHERE id IN (1, 7) "
                           "ORDER BY id").fetchall()
        days = conn.execute("SELECT template_id, day, reviews, new_cards, review_cards, time_ms, first_state "
                            "FROM review_days ORDER BY day, template_id").fetchall()
        implicit = conn.execute("SELECT cause_uid, template_id, state_before, state_after FROM implicit_reviews "
                                "ORDER BY id").fetchall()
    finally:
        conn.close()
    # The credit caused by review 2 lost its states with it; the one caused by review 5 keeps them.
    assert [(u, t, b, a) for u, t, b, a in implicit[:1]] == [("uid-2", "q", None, None)]
    assert implicit[1][:2] == ("uid-5", "q")
    assert CardState.from_dict(json.loads(implicit[1][2])) == Q_BEFORE[5]
    assert CardState.from_dict(json.loads(implicit[1][3])) == Q_AFTER[5]
    assert log == [(1, "uid-1", "p", 3, "2024-05-06"), (7, "uid-7", "q", 3, "2024-04-30")]
    # p: 100 h before T is 2024-05-06 08:00; 72 h is 05-07 12:00; 49, 48, 47 h are 05-08 11:00, 12:00, 13:00.
    assert days == [("q", "2024-04-30", 1, 1, 0, 1000, 0), ("p", "2024-05-06", 1, 1, 0, 1000, 0),
                    ("p", "2024-05-07", 1, 0, 0, 1000, 1), ("p", "2024-05-08", 3, 0, 2, 3000, 1),
                    ("p", "2024-05-10", 1, 0, 1, 1000, 2)]


def record(store, tid, at, before, after, uid):
    return store.record_review(ReviewRecord(
        uid=uid, template_id=tid, equation=None, topic=None, seed=1, params="{}", answer="1", verdict="{}",
        correct=True, score=1.0, diagnosis_id=None, rating=3, auto_rating=3, decided="auto", hint_used=False,
        response_ms=1000, reviewed_at=at, day=at.date().isoformat(), card_before=before, card_after=after))


def test_a_commit_prunes_only_its_own_cards_old_states(v8):
    store, _ = v8
    later = CardState(state="review", stability=12.0, difficulty=5.0, due=T + 200 * HOUR, last_review=T + 2 * HOUR,
                      reps=10, lapses=1)
    new_id = record(store, "p", T + 2 * HOUR, CARD_P, later, "uid-new")
    # The window now starts 46 h before T: review 4 (48 h) and 5 (47 h) leave it, with 5's implicit credit.
    assert kept_ids(store) == [6, 7, new_id]
    assert {r["cause_id"]: r["state_before"] for r in store.implicit_history("q")} == {2: None, 5: None}
    assert store.review(7)["state_before"] == CardState().to_dict()  # q's review is untouched


def test_undo_and_rerate_of_the_latest_review_work_and_a_pruned_one_is_refused(v8):
    store, _ = v8
    assert store.undo(6) == "p" and store.card("p").card == BEFORE[6]
    assert store.undo(5) == "p" and store.card("p").card == BEFORE[5]
    store.rerate(4, 1, before=BEFORE[4], after=CARD_P)
    assert store.card("p").card == CARD_P and store.review(4)["rating"] == 1
    assert store.undo(4) == "p" and store.card("p").card == BEFORE[4]
    with pytest.raises(ConflictError, match="too old"):  # 3 is p's latest now, but its state was pruned
        store.undo(3)
    with pytest.raises(ConflictError, match="too old"):
        store.rerate(3, 1, before=BEFORE[3], after=CARD_P)
    assert store.card("p").card == BEFORE[4] and store.counts()["reviews"] == 4


def test_a_session_undoes_several_reviews_of_one_learning_card():
    clock = Clock()
    store = Store.open(":memory:")
    session = Session(make_bank([("a1", "eq", "topic")]), store, clock=clock, seed=0,
                      settings={"timezone": "UTC", "next_day_starts_at": 0, "new_per_day": 20},
                      generate=fake_generate, grade=fake_grade)
    states = []
    for right in (True, False, False):  # new → learning (Good), then Again twice: learning all along
        states.append(store.card("a1").card if store.card("a1") else CardState())
        item = session.next_item()
        clock.advance(seconds=30)
        value = item.instance.answer.value
        session.submit(item, str(value if right else value + 1))
        clock.advance(minutes=20)
    assert store.counts()["reviews"] == 3 and store.card("a1").card.reps == 3
    assert states[1].state == "learning"
    assert session.undo() == "a1" and store.card("a1").card == states[2]
    assert session.undo() == "a1" and store.card("a1").card == states[1]
    assert session.undo() == "a1" and store.card("a1").card == CardState()
    assert store.counts()["reviews"] == 0


def test_a_backup_carries_null_for_a_pruned_state_and_imports_again(v8, tmp_path):
    store, _ = v8
    data = json.loads(json.dumps(store.export_json(T)))
    by_uid = {r["uid"]: r for r in data["reviews"]}
    assert [by_uid[f"uid-{i}"]["state_before"] for i in (1, 2, 3)] == [None, None, None]
    assert by_uid["uid-5"]["state_before"] == BEFORE[5].to_dict() and by_uid["uid-2"]["state_after"] is None
    with Store.open(tmp_path / "copy.db") as other:
        result = other.import_json(data)
        assert (result["reviews_added"], result["implicit_added"]) == (7, 2)
        again = json.loads(json.dumps(other.export_json(T)))
        assert [(r["uid"], r["state_before"], r["state_after"]) for r in again["reviews"]] == [
            (r["uid"], r["state_before"], r["state_after"]) for r in data["reviews"]]
        assert [(r["uid"], r["state_before"]) for r in again["implicit_reviews"]] == [
            ("uid-2/q", None), ("uid-5/q", Q_BEFORE[5].to_dict())]


def test_an_old_backup_with_every_state_is_pruned_on_import(v8, tmp_path):
    store, _ = v8
    data = json.loads(json.dumps(store.export_json(T)))
    for r in data["reviews"]:  # as a version-7 backup carried them: every state known
        r["state_before"] = BEFORE[int(r["uid"].split("-")[1])].to_dict()
    for r in data["implicit_reviews"]:
        cause = int(r["cause_uid"].split("-")[1])
        r["state_before"], r["state_after"] = Q_BEFORE[cause].to_dict(), Q_AFTER[cause].to_dict()
    with Store.open(tmp_path / "copy.db") as other:
        other.import_json(data)
        uid_of = {r[0]: r[1] for r in other.conn.execute("SELECT id, uid FROM reviews")}
        assert sorted(uid_of[i] for i in kept_ids(other)) == ["uid-4", "uid-5", "uid-6", "uid-7"]
        states = {r["cause_uid"]: r["state_before"] for r in other.implicit_history("q")}
        assert states == {"uid-2": None, "uid-5": Q_BEFORE[5].to_dict()}


def test_an_empty_version_7_file_upgrades(tmp_path):
    path = tmp_path / "empty.db"
    db = Database(path)
    migrations().apply(db, stop_before="m008_prune_states")
    db.close()
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION and store.counts()["reviews"] == 0
        after = CardState(state="learning", step=0, stability=1.0, difficulty=5.0, due=T + HOUR, last_review=T,
                          reps=1)
        rid = record(store, "a", T, CardState(), after, "first")
        assert store.review(rid)["state_before"] == CardState().to_dict()
        assert store.day_counts("2024-05-10") == {"reviews": 1, "new_cards": 1, "review_cards": 0}
        assert store.undo(rid) == "a" and store.card("a").card == CardState()


def test_the_small_columns_pack_into_one_integer_that_plain_sql_reads():
    # correct 1 (bit 0), state 2 (bits 3-4: 16), rating 3 and auto rating 3 (stored less one: 2·32, 2·128).
    assert pack_flags(1, 3, 3, 0, 0, 2) == 1 + 16 + 64 + 256
    # overridden (2) and hint used (4), state 3 (24), rating 4 (3·32), auto rating 1 (0).
    assert pack_flags(0, 4, 1, 1, 1, 3) == 2 + 4 + 24 + 96
    conn = sqlite3.connect(":memory:")
    try:
        read = ", ".join(flags_sql(c, "f") for c in ("correct", "rating", "auto_rating", "overridden", "hint_used",
                                                      "review_state"))
        assert conn.execute(f"SELECT {read} FROM (SELECT 126 AS f)").fetchone() == (0, 4, 1, 1, 1, 3)
        assert conn.execute(f"SELECT {read} FROM (SELECT ? AS f)", (pack_flags(2, 3, 3, 0, 0, 2),)).fetchone() == (
            2, 3, 3, 0, 0, 2)  # correct 2 does not fit a bit: kept as JSON, read back as it was
    finally:
        conn.close()


def test_a_review_with_odd_small_values_reads_back_after_the_migration(tmp_path):
    path = tmp_path / "v7.db"
    build_v7(path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO cards (template_id, card_id) VALUES ('r', 3)")
        conn.execute("INSERT INTO reviews (id, uid, card_id, seed, params, answer, correct, rating, auto_rating, "
                     "overridden, hint_used, reviewed_at, day, review_state) "
                     "VALUES (8, 'uid-8', 3, 8, '{}', '1', 2, 4, 2, 1, 1, ?, 19853, 0)", (time_us(T),))
    conn.close()
    with Store.open(path) as store:
        row = store.conn.execute("SELECT correct, rating, auto_rating, overridden, hint_used, review_state, "
                                 "typeof(flags) FROM reviews WHERE id = 8").fetchone()
        assert tuple(row) == (2, 4, 2, 1, 1, 0, "text")
        assert tuple(store.conn.execute("SELECT flags FROM reviews WHERE id = 6").fetchone()) == (1 + 16 + 64 + 256,)
        log = store.conn.execute("SELECT correct, rating, decided, hint_used FROM review_log WHERE id = 8").fetchone()
        assert tuple(log) == (2, 4, "overridden", 1)


def test_a_failed_conversion_leaves_the_version_7_file_as_it_was(tmp_path, monkeypatch):
    """m008 rebuilds implicit_rows first, then reviews: a failure in the second leaves both as they were."""
    path = tmp_path / "v7.db"
    build_v7(path)

    def broken(*values):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("trainer.storage.codec.pack_flags", broken)
    with pytest.raises(Exception, match="disk on fire|user-defined function raised exception"):
        Store.open(path)
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
        assert names[-1] == "m007_pack_reviews"
        columns = {r[1] for r in conn.execute("PRAGMA table_info(implicit_rows)")}
        assert "before_stability" in columns  # version 7's eighteen state columns, not rebuilt
        # Version 7: no review pruned; the first reviews of p and q (1 and 7) hold NULL, a new card.
        assert conn.execute("SELECT count(*), sum(before IS NOT NULL) FROM reviews").fetchone() == (7, 5)
        assert conn.execute("SELECT before_stability FROM implicit_rows WHERE id = 1").fetchone() == (4.0,)
    finally:
        conn.close()
    monkeypatch.undo()
    with Store.open(path) as store:  # the next open converts it
        assert store.schema_version == SCHEMA_VERSION and kept_ids(store) == [4, 5, 6, 7]
