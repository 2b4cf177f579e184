"""Schema version 3 (`m003_compact_reviews`): old files convert with every value intact, undo and
re-rate work on converted reviews, backups round-trip, and a review costs few bytes.

The old rows are written by hand with the version-2 columns, so every expected value below is
the text or number that was put in, not something the store computed.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from sqlite_utils import Database

from trainer.core.scheduling import CardState
from trainer.storage import ConflictError, Store
from trainer.storage.codec import day_number, day_text, from_us, time_us, uid_key, uid_text
from trainer.storage.schema import migrations

from tests.support.paths import DATA as FIXTURES

UID_A = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"  # a uuid4-style hex uid: stored as 16 bytes
BEFORE_A = {"state": "new", "step": None, "stability": None, "difficulty": None, "due": None,
            "last_review": None, "reps": 0, "lapses": 0, "leech": False}
BEFORE_B = {"state": "learning", "step": 1, "stability": 2.3065, "difficulty": 6.413337447872087,
            "due": "2024-03-01T10:10:00.123456+00:00", "last_review": "2024-03-01T10:00:00.123456+00:00",
            "reps": 1, "lapses": 0, "leech": False}
BEFORE_C = {"state": "review", "step": None, "stability": 12.75, "difficulty": 5.25,
            "due": "2024-03-14T09:00:00.000001+00:00", "last_review": "2024-03-02T08:30:00.654321+00:00",
            "reps": 7, "lapses": 2, "leech": True}
CARD_P = {"state": "review", "stability": 31.5, "difficulty": 5.0, "due": "2024-04-20T08:00:00.000000+00:00",
          "last_review": "2024-03-20T08:00:00.000000+00:00", "reps": 8, "lapses": 2}
VERDICT_WRONG = {"correct": False, "score": 0.0, "diagnosis": {"id": "log-base-2", "message": "Bits, not nats."},
                 "feedback": "Use the natural log.", "expected": "0.693", "parsed": "1", "solution": "ln 2",
                 "error": None}
# uid, template, seed, params, answer, verdict, correct, score, diagnosis, rating, auto, decided, hint, ms,
# reviewed_at, day, review_state, state_before, topic
OLD_REVIEWS = [
    (UID_A, "p", 101, '{"a": 2}', "1", VERDICT_WRONG, 0, 0.0, "log-base-2", 1, 1, "auto", 0, 41_000,
     "2024-03-01T10:00:00.123456+00:00", "2024-03-01", 0, BEFORE_A, "information"),
    ("legacy-uid-2", "p", 102, '{"a": 3}', "0.69", {"correct": True}, 1, 1.0, None, 4, 3, "overridden", 1, 9_500,
     "2024-03-01T10:12:30.000001+00:00", "2024-03-01", 1, BEFORE_B, "information"),
    ("u3", "q", 103, "{}", "x^2", {"correct": True, "score": 0.5}, 0, 0.5, None, 2, 2, "auto", 0, None,
     "2024-03-20T08:00:00.000000+00:00", "2024-03-19", 2, BEFORE_C, None),
]


def build_v2(path):
    """A version-2 file (m001 + m002) with two cards and the three hand-written reviews above."""
    db = Database(path)
    migrations().apply(db, stop_before="m003_compact_reviews")
    with db.atomic():
        db.execute("INSERT INTO cards (template_id, card_id, equation, topic, state, stability, difficulty, due, "
                   "last_review, reps, lapses) VALUES ('p', 1, 'entropy', 'information', :state, :stability, "
                   ":difficulty, :due, :last_review, :reps, :lapses)", CARD_P)
        db.execute("INSERT INTO cards (template_id, card_id, state) VALUES ('q', 2, 'review')")
        for row in OLD_REVIEWS:
            (uid, tid, seed, params, answer, verdict, correct, score, diagnosis, rating, auto, decided, hint, ms,
             at, day, state, before, topic) = row
            db.execute("INSERT INTO reviews (uid, template_id, seed, params, answer, verdict, correct, score, "
                       "diagnosis_id, rating, auto_rating, decided, hint_used, response_ms, reviewed_at, day, "
                       "review_state, state_before, state_after, topic) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}', ?)",
                       (uid, tid, seed, params, answer, json.dumps(verdict), correct, score, diagnosis, rating,
                        auto, decided, hint, ms, at, day, state, json.dumps(before), topic))
    summaries = {t: sorted(tuple(r) for r in db.conn.execute(f"SELECT * FROM {t}"))
                 for t in ("review_days", "day_totals", "template_totals", "review_times", "review_mistakes")}
    db.close()
    return summaries


@pytest.fixture
def upgraded(tmp_path):
    path = tmp_path / "v2.db"
    summaries = build_v2(path)
    with Store.open(path) as store:
        yield store, summaries


def test_codecs_invert_exactly():
    assert uid_key(UID_A) == bytes.fromhex(UID_A) and len(uid_key(UID_A)) == 16
    assert uid_key("legacy-uid-2") == "legacy-uid-2" and uid_key(UID_A.upper()) == UID_A.upper()
    assert uid_text(uid_key(UID_A)) == UID_A
    assert time_us("1970-01-01T00:00:01.000001+00:00") == 1_000_001
    assert time_us("2024-01-01T08:00:00.000000+00:00") == 1_704_096_000_000_000  # 19723 days × 86400 s + 8 h
    assert from_us(1_704_096_000_000_000) == datetime(2024, 1, 1, 8, tzinfo=timezone.utc)
    assert day_number("1970-01-02") == 1 and day_number("2024-01-01") == 19723 and day_text(19723) == "2024-01-01"


def test_every_old_value_survives(upgraded):
    store, _ = upgraded
    assert store.counts()["reviews"] == 3
    a, b, c = (store.review(i) for i in (1, 2, 3))
    assert (a["uid"], a["template_id"], a["seed"], a["params"], a["answer"], a["rating"], a["auto_rating"],
            a["decided"], a["hint_used"], a["response_ms"], a["reviewed_at"], a["day"], a["review_state"],
            a["topic"], a["correct"], a["diagnosis_id"]) == (
        UID_A, "p", 101, {"a": 2}, "1", 1, 1, "auto", 0, 41_000, "2024-03-01T10:00:00.123456+00:00", "2024-03-01",
        0, "information", 0, "log-base-2")
    assert a["verdict"] == {"correct": False, "score": 0.0,
                            "diagnosis": {"id": "log-base-2", "message": "Bits, not nats."}}
    assert (b["uid"], b["rating"], b["auto_rating"], b["decided"], b["hint_used"], b["reviewed_at"]) == (
        "legacy-uid-2", 4, 3, "overridden", 1, "2024-03-01T10:12:30.000001+00:00")
    assert (c["score"], c["response_ms"], c["day"], c["topic"], c["verdict"]["diagnosis"]) == (
        0.5, None, "2024-03-19", None, None)
    assert [r["state_before"] for r in (a, b, c)] == [BEFORE_A, BEFORE_B, BEFORE_C]
    # the card after a review is the next review's card before, or the card itself for the latest
    assert a["state_after"] == BEFORE_B
    assert b["state_after"] == CardState.from_dict(CARD_P).to_dict()
    assert tuple(store.conn.execute("SELECT typeof(uid), length(uid) FROM reviews WHERE id = 1").fetchone()) == (
        "blob", 16)


def test_summaries_are_unchanged_and_still_kept(upgraded):
    store, before = upgraded
    after = {t: sorted(tuple(r) for r in store.conn.execute(f"SELECT * FROM {t}")) for t in before}
    assert after == before
    assert ("p", "log-base-2", 1, "Bits, not nats.") in after["review_mistakes"]
    store.undo(3)  # q's only review: its day, totals and topic-less time bucket go
    assert store.conn.execute("SELECT count(*) FROM review_days WHERE template_id = 'q'").fetchone()[0] == 0
    assert [r[0] for r in store.conn.execute("SELECT day FROM day_totals")] == ["2024-03-01"]


def test_undo_after_upgrade_restores_the_exact_card_before(upgraded):
    store, _ = upgraded
    with pytest.raises(ConflictError):
        store.undo(1)  # p has been reviewed since
    assert store.undo(2) == "p"
    assert store.card("p").card == CardState.from_dict(BEFORE_B)
    assert store.card("p").card.due == datetime(2024, 3, 1, 10, 10, 0, 123456, tzinfo=timezone.utc)
    assert store.undo(1) == "p"
    assert store.card("p").card == CardState()
    store.undo(3)
    assert store.card("q").card == CardState.from_dict(BEFORE_C)
    assert store.card("q").card.leech and store.card("q").card.lapses == 2


def test_rerate_after_upgrade(upgraded):
    store, _ = upgraded
    after = CardState(state="review", stability=3.0, difficulty=6.0, due=datetime(2024, 3, 4, tzinfo=timezone.utc),
                      last_review=datetime(2024, 3, 1, 10, 12, 30, 1, tzinfo=timezone.utc), reps=2)
    with pytest.raises(ConflictError):
        store.rerate(2, 3, before=CardState(), after=after)  # not the card the review was computed from
    store.rerate(2, 3, before=CardState.from_dict(BEFORE_B), after=after)
    row = store.review(2)
    assert (row["rating"], row["decided"], row["state_after"]) == (3, "auto", after.to_dict())
    assert store.card("p").card == after
    store.rerate(2, 1, before=CardState.from_dict(BEFORE_B), after=after)
    assert store.review(2)["decided"] == "overridden"


def test_backup_of_an_upgraded_file_round_trips(upgraded, tmp_path):
    store, _ = upgraded
    data = json.loads(json.dumps(store.export_json(datetime(2024, 5, 1, tzinfo=timezone.utc))))
    assert [r["uid"] for r in data["reviews"]] == [UID_A, "legacy-uid-2", "u3"]  # by reviewed_at
    assert data["reviews"][1]["state_before"] == BEFORE_B and data["reviews"][1]["decided"] == "overridden"
    assert set(data["reviews"][0]) == {"uid", "template_id", "seed", "params", "answer", "verdict", "correct",
                                       "score", "diagnosis_id", "rating", "auto_rating", "decided", "hint_used",
                                       "response_ms", "reviewed_at", "day", "review_state", "state_before",
                                       "state_after", "topic"}
    with Store.open(tmp_path / "other.db") as other:
        assert other.import_json(data)["reviews_added"] == 3
        assert other.import_json(data)["reviews_added"] == 0  # same uids: nothing new
        assert [other.review(i) | {"id": 0} for i in (1, 2, 3)] == [store.review(i) | {"id": 0} for i in (1, 2, 3)]


def test_review_log_shows_the_version_1_form(upgraded):
    store, _ = upgraded
    rows = [tuple(r) for r in store.conn.execute(
        "SELECT uid, template_id, reviewed_at, day, decided, topic, diagnosis_id, diagnosis_message "
        "FROM review_log ORDER BY id")]
    assert rows == [
        (UID_A, "p", "2024-03-01T10:00:00.123456+00:00", "2024-03-01", "auto", "information", "log-base-2",
         "Bits, not nats."),
        ("legacy-uid-2", "p", "2024-03-01T10:12:30.000001+00:00", "2024-03-01", "overridden", "information",
         None, None),
        ("u3", "q", "2024-03-20T08:00:00.000000+00:00", "2024-03-19", "auto", None, None, None)]


def test_a_review_whose_template_has_no_card_gets_one(tmp_path):
    path = tmp_path / "v2.db"
    build_v2(path)
    db = Database(path)
    with db.atomic():
        db.execute("INSERT INTO reviews (uid, template_id, seed, params, answer, verdict, correct, score, rating, "
                   "auto_rating, decided, hint_used, reviewed_at, day, review_state, state_before, state_after) "
                   "VALUES ('orphan', 'zeta', 9, '{}', '1', '{}', 1, 1.0, 3, 3, 'auto', 0, "
                   "'2024-03-21T00:00:00.000000+00:00', '2024-03-21', 0, '{}', '{}')")
    db.close()
    with Store.open(path) as store:
        assert store.card("zeta").card_id == 3  # after p (1) and q (2)
        assert [r["uid"] for r in store.history("zeta")] == ["orphan"]


def test_fixture_v1_upgrades_with_its_values(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "trainer-v1.db", path)
    with Store.open(path) as store:
        first = store.review(1)
        assert (first["uid"], first["rating"], first["answer"], first["reviewed_at"], first["day"],
                first["verdict"]["diagnosis"]) == (
            "u1", 1, "1.5", "2024-01-01T08:00:00.000000+00:00", "2024-01-01",
            {"id": "log-base-2", "message": "That is bits, not nats."})
        assert store.review(4)["response_ms"] == 30_050 and store.review(4)["topic"] == "probability"
        # the fixture's state_before is '{}': undoing the latest review leaves a new card
        assert store.undo(3) == "entropy-discrete"
        assert store.card("entropy-discrete").card == CardState()
        assert store.integrity_check() == ["ok"]


def test_migration_gives_back_the_freed_pages(tmp_path):
    path = tmp_path / "v2.db"
    build_v2(path)
    db = Database(path)
    with db.atomic():  # 3,000 more old rows, so that the old table is most of the file
        db.execute("INSERT INTO reviews (uid, template_id, seed, params, answer, verdict, correct, score, rating, "
                   "auto_rating, decided, hint_used, response_ms, reviewed_at, day, review_state, state_before, "
                   "state_after, topic) WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 3000) "
                   "SELECT 'bulk-' || n, 'q', n, '{}', '1', ?, 1, 1.0, 3, 3, 'auto', 0, 20000, "
                   "'2024-04-01T00:00:00.000000+00:00', '2024-04-01', 2, ?, ?, NULL FROM k",
                   (json.dumps(VERDICT_WRONG), json.dumps(BEFORE_C), json.dumps(BEFORE_C)))
    db.close()
    old_size = path.stat().st_size
    with Store.open(path) as store:
        assert store.counts()["reviews"] == 3003
        assert store.conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
    assert path.stat().st_size < old_size / 2


def _trainer_shaped(n: int) -> dict:
    """A backup of n reviews shaped like trainer's own: uuid4 uids, full card states with microsecond
    times, one review of a template a day (as FSRS schedules review cards), short params and answers."""
    rng = np.random.default_rng(7)
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    reviews = []
    for k in range(n):
        when = start + timedelta(seconds=k * 3600 + int(rng.integers(0, 3000)), microseconds=int(rng.integers(0, 10**6)))
        ok = bool(rng.random() < 0.85)
        before = {"state": "review", "step": None, "stability": float(rng.uniform(1, 90)),
                  "difficulty": float(rng.uniform(1, 10)),
                  "due": (when + timedelta(hours=int(rng.integers(-48, 48)))).isoformat(),
                  "last_review": (when - timedelta(days=int(rng.integers(1, 30)),
                                                   microseconds=int(rng.integers(0, 10**6)))).isoformat(),
                  "reps": int(rng.integers(1, 40)), "lapses": int(rng.integers(0, 4)), "leech": False}
        reviews.append(_review(uuid.UUID(int=int(rng.integers(0, 2**62)) << 60 | k, version=4).hex,
                               f"template-{k % 40:02d}", int(rng.integers(0, 2**31 - 1)),
                               json.dumps({"p": round(float(rng.random()), 3)}), f"{rng.random():.3f}", ok,
                               int(rng.lognormal(np.log(25_000), 0.6)), when, 2, before))
    return {"format": "trainer-backup", "version": 1, "cards": [], "reviews": reviews}


def _benchmark_shaped(n: int) -> dict:
    """A backup of n reviews shaped like those `benchmarks/storage.py` built for its 1,000,000-review
    figure until it copied real rows: 320 templates, 600 reviews a day, short uids, empty params, a
    one-field card state (real rows are larger: see `_trainer_shaped` and the benchmark's size figure)."""
    rng = np.random.default_rng(0)
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    states = rng.choice([0, 1, 2, 3], n, p=[0.02, 0.08, 0.85, 0.05])
    reviews = [_review(f"u{k}", f"t{int(rng.integers(0, 320)):03d}", k, "{}", "1.0", ok, int(ms),
                       start + timedelta(seconds=k * 144), int(state), {"state": "review", "stability": 10.0})
               for k, (ok, ms, state) in enumerate(zip(rng.random(n) < 0.85,
                                                       rng.lognormal(np.log(25_000), 0.6, n), states))]
    return {"format": "trainer-backup", "version": 1, "cards": [], "reviews": reviews}


def _review(uid, tid, seed, params, answer, ok, ms, when, state, before) -> dict:
    return {"uid": uid, "template_id": tid, "seed": seed, "params": params, "answer": answer,
            "verdict": {"correct": bool(ok), "diagnosis": None if ok else {"id": "sign", "message": "Sign."}},
            "correct": int(ok), "score": float(ok), "diagnosis_id": None if ok else "sign", "rating": 3 if ok else 1,
            "auto_rating": 3 if ok else 1, "decided": "auto", "hint_used": 0, "response_ms": ms,
            "reviewed_at": when.isoformat(), "day": when.date().isoformat(), "review_state": state,
            "state_before": before, "topic": "probability"}


def _bytes_per_review(tmp_path, backup: dict) -> float:
    empty, full = tmp_path / "empty.db", tmp_path / "full.db"
    for path in (empty, full):
        with Store.open(path) as store:
            if path == full:
                assert store.import_json(backup)["reviews_added"] == len(backup["reviews"])
            store.conn.execute("VACUUM")
    sizes = []
    for path in (empty, full):
        conn = sqlite3.connect(path)
        sizes.append(conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0])
        conn.close()
    return (sizes[1] - sizes[0]) / len(backup["reviews"])


def test_a_review_costs_at_most_its_share_of_150_mb_at_a_million(tmp_path):
    # The target: 150 MB at 1,000,000 reviews of the storage benchmark = 150 bytes a review, indexes
    # and summaries included. 4,000 reviews fill about 120 pages of 4 KiB, so page granularity moves
    # the figure by about one byte. Schema version 2 took 481 bytes for the same rows (117 now).
    assert _bytes_per_review(tmp_path, _benchmark_shaped(4000)) <= 150


def test_a_trainer_shaped_review_stays_compact(tmp_path):
    # Rows as trainer writes them carry more than the benchmark's (16-byte uids, four 8-byte numbers
    # of the card before, a summary row per template and day): a guard against regressions, not the
    # target. Schema version 2 took 912 bytes for the same rows (200 now), more with a full verdict.
    assert _bytes_per_review(tmp_path, _trainer_shaped(4000)) <= 210
