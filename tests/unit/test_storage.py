"""Progress store: schema, atomic review writes, trigger-kept summaries, undo/re-rate, export/import, backups,
refusing bad files, and migrating the committed schema-v1 fixture."""

import calendar
import csv
import io
import json
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from trainer.core.scheduling import CardState, iso
from trainer.storage import (
    ConflictError,
    ReviewRecord,
    CorruptDatabaseError,
    NewerSchemaError,
    NotADatabaseError,
    Store,
    check_file,
    list_backups,
    restore,
)

from trainer.storage.schema import SCHEMA_VERSION

from tests.support.paths import DATA as FIXTURES

T0 = datetime(2025, 3, 10, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def store():
    s = Store.open(":memory:")
    yield s
    s.close()


def record(tid, when, *, before=None, after=None, correct=True, rating=3, ms=20_000, diagnosis=None, message=None,
           uid=None, seed=1, equation=None, topic=None):
    """A hand-made review record (card before: a new card unless given)."""
    after = after or CardState(state="learning", step=1, stability=2.0, difficulty=5.0,
                               due=when + timedelta(minutes=10), last_review=when, reps=1)
    verdict = {"correct": correct, "diagnosis": None if diagnosis is None else {"id": diagnosis, "message": message}}
    return ReviewRecord(uid=uid or f"{tid}-{iso(when)}", template_id=tid, equation=equation, topic=topic, seed=seed,
                        params="{}", answer="x", verdict=json.dumps(verdict), correct=correct, score=float(correct),
                        diagnosis_id=diagnosis, rating=rating, auto_rating=rating, decided="auto", hint_used=False,
                        response_ms=ms, reviewed_at=when, day=when.date().isoformat(),
                        card_before=before or CardState(), card_after=after)


def add(store, tid, when, **kwargs):
    """Record one review with a hand-made card state, on top of the card as stored; returns (id, card after)."""
    stored = store.card(tid)
    rec = record(tid, when, before=stored.card if stored else CardState(), equation="eq-" + tid,
                 topic="topic-" + tid[0], **kwargs)
    return store.record_review(rec), rec.card_after


def test_schema_and_settings(store):
    assert store.schema_version == SCHEMA_VERSION
    assert store.counts() == {"cards": 0, "reviews": 0, "settings": 0}
    assert store.settings()["desired_retention"] == 0.90
    assert store.settings()["new_per_day"] == 10
    assert store.settings()["reviews_per_day"] == 200
    assert store.settings()["leech_threshold"] == 8
    assert store.set_setting("desired_retention", "0.8") == 0.8
    assert store.settings()["desired_retention"] == 0.8
    with pytest.raises(ValueError):
        store.set_setting("desired_retention", "1.5")


def test_file_pragmas(tmp_path):
    with Store.open(tmp_path / "p.db") as st:
        assert st.journal_mode() == "wal"
        assert st.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert st.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_review_and_card_written_together(store):
    review_id, after = add(store, "a", T0)
    assert store.counts()["reviews"] == 1
    card = store.card("a")
    assert card.card_id == 1 and card.card == after and card.topic == "topic-a"
    row = store.review(review_id)
    assert row["review_state"] == 0 and row["state_before"]["state"] == "new"
    assert row["state_after"]["state"] == "learning"


def test_failed_write_writes_nothing(store):
    add(store, "a", T0, uid="same")
    before = store.card("a")
    with pytest.raises(sqlite3.IntegrityError):  # a duplicate uid: the whole transaction is rolled back
        add(store, "a", T0 + timedelta(minutes=10), uid="same")
    assert store.counts() == {"cards": 1, "reviews": 1, "settings": 0}
    assert store.card("a") == before


def test_a_record_computed_from_a_stale_card_is_refused(store):
    stale = record("a", T0 + timedelta(minutes=10), before=CardState())  # computed before the first write below
    add(store, "a", T0)
    after_first = store.card("a")
    with pytest.raises(ConflictError):
        store.record_review(stale)
    assert store.counts()["reviews"] == 1 and store.card("a") == after_first


def test_undo_and_rerate_follow_commit_order_not_reviewed_at(store):
    # A second trainer with a slow clock commits after us with an earlier reviewed_at.
    first, _ = add(store, "a", T0 + timedelta(minutes=5))
    second, _ = add(store, "a", T0, uid="late-commit-early-clock")
    with pytest.raises(ConflictError):
        store.undo(first)
    assert store.undo(second) == "a"


def test_card_ids_are_small_integers_in_order(store):
    add(store, "b", T0)
    add(store, "a", T0 + timedelta(minutes=1))
    add(store, "b", T0 + timedelta(minutes=2))
    assert {c.template_id: c.card_id for c in store.cards()} == {"b": 1, "a": 2}


def test_day_summary_first_review_and_counts(store):
    day1 = T0
    review_state = CardState(state="review", stability=5.0, difficulty=5.0, due=T0 + timedelta(days=1),
                             last_review=T0, reps=2)
    add(store, "a", day1, correct=True, ms=10_000, after=review_state)  # new → review
    add(store, "a", day1 + timedelta(days=1), correct=False, ms=30_000, rating=1)  # first of day 2: review, wrong
    add(store, "a", day1 + timedelta(days=1, minutes=5), correct=True, ms=20_000)
    rows = {r["day"]: dict(r) for r in store.conn.execute("SELECT * FROM review_days")}
    assert rows["2025-03-10"]["reviews"] == 1 and rows["2025-03-10"]["new_cards"] == 1
    assert rows["2025-03-10"]["first_state"] == 0
    d2 = rows["2025-03-11"]
    assert (d2["reviews"], d2["correct"], d2["first_state"], d2["first_correct"], d2["time_ms"]) == (2, 1, 2, 0, 50_000)
    assert d2["review_cards"] == 1
    assert store.day_counts("2025-03-11") == {"reviews": 2, "new_cards": 0, "review_cards": 1}
    totals = [tuple(r) for r in store.conn.execute("SELECT * FROM day_totals ORDER BY day")]
    assert totals == [("2025-03-10", 1, 1, 0, 0), ("2025-03-11", 2, 1, 1, 0)]  # day 2: one retention fail
    times = dict(store.conn.execute("SELECT bucket, reviews FROM review_times").fetchall())
    assert times == {100: 1, 300: 1, 200: 1}  # 10 s, 30 s, 20 s in 100 ms buckets


def test_undo_restores_card_and_summaries(store):
    add(store, "a", T0)
    before = store.card("a").card
    rid, _ = add(store, "a", T0 + timedelta(minutes=10), correct=False, rating=1, diagnosis="sign", message="Sign!",
                 after=CardState(state="learning", step=0, stability=1.0, difficulty=6.0,
                                 due=T0 + timedelta(minutes=11), last_review=T0 + timedelta(minutes=10), reps=2))
    assert store.conn.execute("SELECT reviews, message FROM review_mistakes").fetchone()[:] == (1, "Sign!")
    assert store.undo(rid) == "a"
    assert store.card("a").card == before
    assert store.counts()["reviews"] == 1
    assert store.conn.execute("SELECT count(*) FROM review_mistakes").fetchone()[0] == 0
    assert store.conn.execute("SELECT reviews, correct FROM review_days").fetchone()[:] == (1, 1)
    assert store.conn.execute("SELECT reviews, correct FROM day_totals").fetchone()[:] == (1, 1)
    assert store.conn.execute("SELECT reviews, correct FROM template_totals").fetchone()[:] == (1, 1)
    with pytest.raises(ConflictError):
        store.undo(rid)


def test_only_latest_review_can_be_undone_or_rerated(store):
    first, _ = add(store, "a", T0)
    add(store, "a", T0 + timedelta(minutes=10))
    with pytest.raises(ConflictError):
        store.undo(first)
    with pytest.raises(ConflictError):
        store.rerate(first, 4, before=CardState(), after=CardState())


def test_rerate_recomputes_from_state_before(store):
    rid, _ = add(store, "a", T0, correct=True, rating=3)
    target = CardState(state="review", stability=8.0, difficulty=3.0, due=T0 + timedelta(days=8), last_review=T0,
                       reps=1)
    with pytest.raises(ConflictError):  # the state before that review was a new card, not this one
        store.rerate(rid, 4, before=target, after=target)
    store.rerate(rid, 4, before=CardState(), after=target)
    row = store.review(rid)
    assert (row["rating"], row["auto_rating"], row["decided"]) == (4, 3, "overridden")
    assert store.card("a").card == target
    store.rerate(rid, 3, before=CardState(), after=target)
    assert store.review(rid)["decided"] == "auto"  # back to the derived rating


def test_suspend_bury_and_queue_cards(store):
    add(store, "a", T0 - timedelta(days=1),
        after=CardState(state="review", stability=3, difficulty=5, due=T0 - timedelta(hours=1),
                        last_review=T0 - timedelta(days=1), reps=1))
    store.set_suspended("new-one", True)
    store.bury("b", T0 + timedelta(hours=5))
    due, blocked = store.queue_cards(T0, T0)
    assert [c.template_id for c in due] == ["a"]
    assert blocked == {"a", "new-one", "b"}
    store.set_suspended("a", True)
    assert store.queue_cards(T0, T0)[0] == []
    assert store.queue_cards(T0, T0 + timedelta(hours=6))[1] == {"a", "new-one"}  # burial over


def test_recent_seeds_and_correct_times(store):
    for i in range(25):
        add(store, "a", T0 + timedelta(minutes=i), seed=100 + i, ms=1000 * (i + 1), correct=i % 2 == 0)
    assert [r["seed"] for r in store.recent("a", 3)] == [124, 123, 122]
    assert store.correct_times("a", 3) == [21_000, 23_000, 25_000]


def test_export_csv_matches_fsrs_optimizer_layout(store):
    add(store, "b", T0, rating=1, ms=12_345)
    add(store, "b", T0 + timedelta(minutes=1), rating=3, ms=None)
    out = io.StringIO()
    assert store.export_csv(out) == 2
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    ms0 = calendar.timegm((2025, 3, 10, 9, 0, 0)) * 1000
    assert rows == [["card_id", "review_time", "review_rating", "review_state", "review_duration"],
                    ["1", str(ms0), "1", "0", "12345"],
                    ["1", str(ms0 + 60_000), "3", "1", ""]]


def test_json_export_import_is_idempotent(store):
    add(store, "a", T0, diagnosis="sign", message="Sign!", correct=False, rating=1)
    add(store, "b", T0 + timedelta(minutes=3))
    store.set_setting("new_per_day", 5)
    data = json.loads(json.dumps(store.export_json(T0)))
    other = Store.open(":memory:")
    assert other.import_json(data) == {"reviews_added": 2, "reviews_skipped": 0, "cards_updated": 2}
    assert other.import_json(data) == {"reviews_added": 0, "reviews_skipped": 2, "cards_updated": 0}
    assert other.counts() == {"cards": 2, "reviews": 2, "settings": 1}
    assert other.card("a").card == store.card("a").card
    assert other.conn.execute("SELECT reviews FROM review_mistakes").fetchone()[0] == 1
    assert store.import_json(data)["reviews_added"] == 0  # into itself: nothing new
    with pytest.raises(ValueError, match="not a trainer JSON backup"):
        other.import_json({"reviews": []})


def test_backup_api_and_daily_rotation(tmp_path):
    with Store.open(tmp_path / "live.db") as st:
        add(st, "a", T0)
        folder = tmp_path / "backups"
        for day in ("2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04"):
            st.auto_backup(folder, day, keep=3)
        assert st.auto_backup(folder, "2025-03-04", keep=3) is None  # one per day
        names = [p.name for p in list_backups(folder)]
        assert names == ["trainer-2025-03-04.db", "trainer-2025-03-03.db", "trainer-2025-03-02.db"]
    assert check_file(folder / "trainer-2025-03-04.db") == 1
    with Store.open(folder / "trainer-2025-03-04.db") as copy:
        assert copy.integrity_check() == ["ok"] and copy.counts()["reviews"] == 1


def test_restore_replaces_database(tmp_path):
    with Store.open(tmp_path / "a.db") as st:
        add(st, "a", T0)
        st.backup_to(tmp_path / "snap.db")
        add(st, "a", T0 + timedelta(minutes=10))
    assert restore(tmp_path / "snap.db", tmp_path / "a.db") == 1
    with Store.open(tmp_path / "a.db") as st:
        assert st.counts()["reviews"] == 1


def test_not_sqlite_file_is_refused_and_untouched(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_bytes(b"these are my notes, not a database\n" * 10)
    before = bad.read_bytes()
    with pytest.raises(NotADatabaseError, match="not an SQLite database"):
        Store.open(bad)
    assert bad.read_bytes() == before
    assert not (tmp_path / "notes.db-wal").exists()


def test_other_sqlite_database_is_refused_and_untouched(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    with pytest.raises(NotADatabaseError, match="not a trainer"):
        Store.open(other)
    assert other.read_bytes() == before


def test_corrupt_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "c.db"
    with Store.open(path) as st:
        for i in range(200):
            add(st, f"t{i % 7}", T0 + timedelta(minutes=i))
        st.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page, min(len(raw), 6 * page)):  # scribble over b-tree pages, keep the header
        raw[offset] = 0x5A
    path.write_bytes(bytes(raw))
    before = path.read_bytes()
    with pytest.raises(CorruptDatabaseError):
        Store.open(path)
    assert path.read_bytes() == before


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "n.db"
    with Store.open(path) as st:
        st.conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                        "VALUES ('trainer', 'm999_future', 'x')")
    with pytest.raises(NewerSchemaError):
        Store.open(path)


def test_migrates_v1_fixture(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "trainer-v1.db", path)
    with Store.open(path, migrate=False) as old:
        assert old.schema_version == 1
    with Store.open(path) as st:
        assert st.schema_version == SCHEMA_VERSION
        assert st.integrity_check() == ["ok"]
        assert st.counts() == {"cards": 2, "reviews": 4, "settings": 1}
        assert st.settings()["desired_retention"] == 0.85
        days = {(r[0], r[1]): tuple(r[2:]) for r in st.conn.execute(
            "SELECT template_id, day, reviews, correct, new_cards, review_cards, time_ms, first_state, first_correct "
            "FROM review_days")}
        assert days == {
            ("entropy-discrete", "2024-01-01"): (2, 1, 1, 0, 61_000, 0, 0),
            ("entropy-discrete", "2024-01-02"): (1, 1, 0, 1, 12_000, 2, 1),
            ("bayes-rule", "2024-01-02"): (1, 1, 1, 0, 30_050, 0, 1),
        }
        times = {(r[0], r[1]): r[2] for r in st.conn.execute("SELECT topic, bucket, reviews FROM review_times")}
        assert times == {("information", 410): 1, ("information", 200): 1, ("information", 120): 1,
                         ("probability", 300): 1}  # 41 s, 20 s, 12 s, 30.05 s in 100 ms buckets
        assert [tuple(r) for r in st.conn.execute("SELECT * FROM day_totals ORDER BY day")] == [
            ("2024-01-01", 2, 1, 0, 0), ("2024-01-02", 2, 2, 1, 1)]
        assert [tuple(r) for r in st.conn.execute("SELECT * FROM template_totals ORDER BY template_id")] == [
            ("bayes-rule", 1, 1, "2024-01-02"), ("entropy-discrete", 3, 2, "2024-01-02")]
        assert st.conn.execute("SELECT template_id, diagnosis_id, reviews, message FROM review_mistakes")\
            .fetchall()[0][:] == ("entropy-discrete", "log-base-2", 1, "That is bits, not nats.")
        card = st.card("entropy-discrete")
        assert card.card.state == "review" and card.card.stability == 3.2
        # the migrated file keeps working: a new review lands in the summaries too
        add(st, "bayes-rule", datetime(2024, 1, 2, 9, 10, tzinfo=timezone.utc))
        assert st.day_counts("2024-01-02")["reviews"] == 3
