"""Schema version 7 (`m007_pack_reviews`): a version-6 file converts with every value intact (through
`review_log` read by plain sqlite3, `Store.review` and the JSON backup), undo restores the exact card
before, a backup imports once, uids stay unique, and a failed conversion leaves the file as it was.

The version-6 rows are written by hand with that version's columns, so every expected value below is
the text or number that was put in, not something the store computed.
"""

from __future__ import annotations

import json
import sqlite3
import struct
from datetime import datetime, timezone

import pytest
from sqlite_utils import Database

from trainer.core.scheduling import CardState
from trainer.storage import ConflictError, Store
from trainer.storage.codec import NEW_BEFORE, pack_before, pack_text, unpack_before, unpack_text
from trainer.storage.schema import SCHEMA_VERSION, migrations

UID_A = "9c5b94b1e3f8a0d24c6e7f1a2b3c4d5e"  # a uuid4-style hex uid: version 6 keeps it as 16 bytes
UID_C = "5e4d3c2b1a0f9e8d7c6b5a4938271605"
PARAMS_A = '{"p": [0.25, 0.3333333333333333, 0.4166666666666667], "n": 12, "words": "see you soon"}'
ANSWER_A = "0.6931471805599453"
PARAMS_B = "{}"
ANSWER_B = "(-sum((p * log(p))))"
PARAMS_C = '{"mu": -0.5, "sigma": 2}'
ANSWER_C = "x\x01y σ"  # holds a code character: must be kept as it is
# 2024-03-01T10:00:00.123456Z, 2024-03-04T08:30:15.000001Z, 2024-03-09T18:45:00.654321Z as µs since 1970
AT_A, AT_B, AT_C = 1709287200123456, 1709541015000001, 1710009900654321
DAY_A, DAY_B, DAY_C = 19783, 19786, 19791  # 2024-03-01, 2024-03-04, 2024-03-09
# Card p before review A (version 6 columns): fractional stability, times with microseconds.
BEFORE_A = {"state": "review", "step": None, "stability": 3.946054067969477, "difficulty": 6.413337447872087,
            "due": "2024-03-01T09:00:00.000000+00:00", "last_review": "2024-02-24T17:20:05.123457+00:00",
            "reps": 5, "lapses": 1, "leech": False}
# before_due, before_last_review of BEFORE_A as µs since 1970 (2024-03-01 09:00 and 2024-02-24 17:20:05.123457)
DUE_A, LAST_A = 1709283600000000, 1708795205123457
# Card p before review C: in relearning, a leech, due 10 minutes after review A.
BEFORE_C = {"state": "relearning", "step": 0, "stability": 0.8705958253046005, "difficulty": 8.0,
            "due": "2024-03-01T10:10:00.123456+00:00", "last_review": "2024-03-01T10:00:00.123456+00:00",
            "reps": 6, "lapses": 2, "leech": True}
DUE_C = 1709287800123456
CARD_P = {"state": "relearning", "step": 1, "stability": 0.9, "difficulty": 8.1,
          "due": "2024-03-09T19:00:00.654321+00:00", "last_review": "2024-03-09T18:45:00.654321+00:00",
          "reps": 7, "lapses": 2, "leech": True}
NEW_CARD = {"state": "new", "step": None, "stability": None, "difficulty": None, "due": None, "last_review": None,
            "reps": 0, "lapses": 0, "leech": False}


def build_v6(path) -> None:
    """A version-6 file: cards p and q, three reviews (A and C of p, B of q), an implicit credit of q by C."""
    db = Database(path)
    migrations().apply(db, stop_before="m007_pack_reviews")
    conn = db.conn
    with conn:
        conn.execute("INSERT INTO topics (id, name) VALUES (1, 'information')")
        conn.execute("INSERT INTO diagnoses (id, diagnosis_id, message) VALUES (1, 'log-base-2', 'Bits, not nats.')")
        conn.execute("INSERT INTO cards (template_id, card_id, topic, state, step, stability, difficulty, due, "
                     "last_review, reps, lapses, leech) VALUES ('p', 1, 'information', :state, :step, :stability, "
                     ":difficulty, :due, :last_review, :reps, :lapses, :leech)", CARD_P)
        conn.execute("INSERT INTO cards (template_id, card_id, state) VALUES ('q', 2, 'learning')")
        insert = ("INSERT INTO reviews (id, uid, card_id, seed, params, answer, correct, score, diagnosis, rating, "
                  "auto_rating, overridden, hint_used, response_ms, reviewed_at, day, review_state, topic_id, "
                  "before_state, before_step, before_stability, before_difficulty, before_due, before_last_review, "
                  "before_reps, before_lapses, before_leech) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        conn.execute(insert, (1, bytes.fromhex(UID_A), 1, 101, PARAMS_A, ANSWER_A, 0, None, 1, 1, 1, 0, 0, 41_000,
                              AT_A, DAY_A, 2, 1, None, None, 3.946054067969477, 6.413337447872087, DUE_A, LAST_A,
                              5, 1, 0))
        conn.execute(insert, (2, "legacy-uid-2", 2, 102, PARAMS_B, ANSWER_B, 1, 1.0, None, 4, 3, 1, 1, 9_500,
                              AT_B, DAY_B, 0, None, None, None, None, None, None, None, 0, 0, 0))
        conn.execute(insert, (3, bytes.fromhex(UID_C), 1, 103, PARAMS_C, ANSWER_C, 1, 0.5, None, 3, 3, 0, 0, None,
                              AT_C, DAY_C, 3, 1, None, 0, 0.8705958253046005, 8.0, DUE_C, AT_A, 6, 2, 1))
        conn.execute("INSERT INTO implicit_rows (id, cause_id, card_id, kind, weight, before_state, before_reps, "
                     "before_lapses, before_leech, after_state, after_step, after_stability, after_difficulty, "
                     "after_due, after_last_review, after_reps, after_lapses, after_leech) "
                     "VALUES (1, 3, 2, 0, 0.35, 0, 0, 0, 0, 1, 0, 0.25, 7.5, ?, ?, 0, 0, 0)", (AT_C + 600_000_000, AT_C))
    db.close()


@pytest.fixture
def v7(tmp_path):
    path = tmp_path / "v6.db"
    build_v6(path)
    with Store.open(path) as store:
        yield store, path


def test_the_file_is_converted_to_version_7(v7):
    store, _ = v7
    assert store.schema_version == SCHEMA_VERSION
    columns = [r[1] for r in store.conn.execute("PRAGMA table_info(reviews)")]
    assert "before" in columns and not any(c.startswith("before_") for c in columns)
    kinds = store.conn.execute("SELECT typeof(params), typeof(answer), typeof(before) FROM reviews ORDER BY id")
    # A's JSON and answer shrink (BLOB); C's answer holds a code character (TEXT). Version 8: A's card
    # before is pruned (8 days before p's latest review C: NULL); B is a new card (an empty BLOB).
    assert [tuple(r) for r in kinds] == [("blob", "blob", "null"), ("text", "blob", "blob"),
                                         ("blob", "text", "blob")]


def test_review_log_reads_every_value_back_in_plain_sqlite(v7):
    store, path = v7
    store.close()
    conn = sqlite3.connect(path)  # no trainer functions registered: the view is plain SQL
    try:
        rows = [tuple(r) for r in conn.execute(
            "SELECT id, uid, template_id, seed, params, answer, correct, score, diagnosis_id, diagnosis_message, "
            "rating, auto_rating, decided, hint_used, response_ms, reviewed_at, day, review_state, topic "
            "FROM review_log ORDER BY id")]
    finally:
        conn.close()
    assert rows == [
        (1, UID_A, "p", 101, PARAMS_A, ANSWER_A, 0, None, "log-base-2", "Bits, not nats.", 1, 1, "auto", 0, 41_000,
         "2024-03-01T10:00:00.123456+00:00", "2024-03-01", 2, "information"),
        (2, "legacy-uid-2", "q", 102, PARAMS_B, ANSWER_B, 1, 1.0, None, None, 4, 3, "overridden", 1, 9_500,
         "2024-03-04T08:30:15.000001+00:00", "2024-03-04", 0, None),
        (3, UID_C, "p", 103, PARAMS_C, ANSWER_C, 1, 0.5, None, None, 3, 3, "auto", 0, None,
         "2024-03-09T18:45:00.654321+00:00", "2024-03-09", 3, "information")]


def test_store_review_and_backup_give_the_version_6_values(v7):
    store, _ = v7
    a, b, c = (store.review(i) for i in (1, 2, 3))
    # Version 8: A is 8 days older than p's latest review, outside the undo window: no card before.
    assert (a["uid"], a["params"], a["answer"], a["score"], a["diagnosis_id"], a["state_before"]) == (
        UID_A, json.loads(PARAMS_A), ANSWER_A, None, "log-base-2", None)
    assert (b["uid"], b["params"], b["answer"], b["decided"], b["hint_used"], b["state_before"]) == (
        "legacy-uid-2", {}, ANSWER_B, "overridden", 1, NEW_CARD)
    assert (c["uid"], c["answer"], c["score"], c["state_before"]) == (UID_C, ANSWER_C, 0.5, BEFORE_C)
    assert a["state_after"] == BEFORE_C and c["state_after"] == CARD_P
    data = json.loads(json.dumps(store.export_json(datetime(2024, 4, 1, tzinfo=timezone.utc))))
    assert [(r["uid"], r["params"], r["answer"], r["state_before"]) for r in data["reviews"]] == [
        (UID_A, json.loads(PARAMS_A), ANSWER_A, None), ("legacy-uid-2", {}, ANSWER_B, NEW_CARD),
        (UID_C, json.loads(PARAMS_C), ANSWER_C, BEFORE_C)]
    assert [(r["uid"], r["cause_uid"], r["template_id"], r["weight"]) for r in data["implicit_reviews"]] == [
        (f"{UID_C}/q", UID_C, "q", 0.35)]


def test_undo_after_conversion_restores_the_exact_card_before(v7):
    store, _ = v7
    with pytest.raises(ConflictError):
        store.undo(1)  # p has been reviewed since (review C)
    assert store.undo(3) == "p"
    card = store.card("p").card
    assert card == CardState.from_dict(BEFORE_C)
    assert struct.pack(">d", card.stability) == struct.pack(">d", 0.8705958253046005)
    assert card.due == datetime(2024, 3, 1, 10, 10, 0, 123456, tzinfo=timezone.utc) and card.leech
    # Version 8: A's card before was pruned (outside the undo window of C): refused, card unchanged.
    with pytest.raises(ConflictError, match="too old"):
        store.undo(1)
    assert store.card("p").card == CardState.from_dict(BEFORE_C) and store.counts()["reviews"] == 2


def test_a_backup_imports_once(v7, tmp_path):
    store, _ = v7
    data = json.loads(json.dumps(store.export_json(datetime(2024, 4, 1, tzinfo=timezone.utc))))
    assert store.import_json(data)["reviews_added"] == 0  # every uid is here already
    with Store.open(tmp_path / "other.db") as other:
        first = other.import_json(data)
        assert (first["reviews_added"], first["implicit_added"]) == (3, 1)
        again = other.import_json(data)
        assert (again["reviews_added"], again["reviews_skipped"], again["implicit_added"]) == (0, 3, 0)
        assert other.counts()["reviews"] == 3
        assert [other.review(i)["uid"] for i in (1, 2, 3)] == [UID_A, "legacy-uid-2", UID_C]


def test_a_stored_uid_is_refused_again_even_by_plain_sql(v7):
    store, _ = v7
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE constraint failed: reviews.uid"):
        # Version 8 stores correct 1, rating 3, auto rating 3, new card as one flags integer: 1 + 2·32 + 2·128.
        store.conn.execute("INSERT INTO reviews (uid, card_id, seed, params, answer, flags, reviewed_at, day) "
                           "VALUES (?, 2, 1, '{}', '1', 321, 1, 1)", (bytes.fromhex(UID_A),))
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE constraint failed: reviews.uid"):
        store.conn.execute("UPDATE reviews SET uid = 'legacy-uid-2' WHERE id = 1")
    assert store.counts()["reviews"] == 3


def test_a_failed_conversion_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "v6.db"
    build_v6(path)

    def broken(text):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("trainer.storage.codec.pack_text", broken)
    with pytest.raises(Exception, match="disk on fire|user-defined function raised exception"):
        Store.open(path)
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
        assert names[-1] == "m006_compact_implicit"
        assert conn.execute("SELECT before_stability, params FROM reviews WHERE id = 1").fetchone() == (
            3.946054067969477, PARAMS_A)
        assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 3
    finally:
        conn.close()
    monkeypatch.undo()
    with Store.open(path) as store:  # the next open converts it
        assert store.schema_version == SCHEMA_VERSION and store.review(1)["params"] == json.loads(PARAMS_A)


@pytest.mark.parametrize("values", [
    NEW_BEFORE,
    (None, 1, 2.3065, 6.413337447872087, DUE_C, AT_A, 1, 0, 0),
    (3, None, -0.0, 1e-300, None, LAST_A, 7, 2, 1),  # another state than the review's; a negative zero
    (None, None, 12.0, 5.0, AT_A + 86_400_000_000, None, 0, 0, 0),  # due without a last review
    (None, 1.5, None, None, None, None, 0, 0, 0),  # a step no trainer wrote: kept as JSON
    (None, None, None, None, None, None, 3, 0, "yes"),
], ids=["new", "learning", "odd-state", "due-only", "real-step", "text-leech"])
def test_the_card_before_packs_and_unpacks_to_the_same_values(values):
    back = unpack_before(pack_before(values, AT_C), AT_C)
    assert [type(v) for v in back] == [type(v) for v in values]
    assert [struct.pack(">d", v) if isinstance(v, float) else v for v in back] == \
        [struct.pack(">d", v) if isinstance(v, float) else v for v in values]


def test_a_new_card_before_costs_nothing_and_a_review_card_about_thirty_bytes():
    assert pack_before(NEW_BEFORE, AT_A) is None
    # flags, reps, lapses+leech: 3 bytes; two doubles: 16; last review 1.4 days earlier in µs: 6 (43 bits of
    # zigzag); due 8 days after it in whole minutes: 3 (11,520 minutes).
    packed = pack_before((None, None, 12.5, 5.25, AT_A - 120_000_000_000 + 8 * 86_400_000_000,
                          AT_A - 120_000_000_000, 4, 1, 0), AT_A)
    assert len(packed) == 3 + 16 + 6 + 3


@pytest.mark.parametrize("text", [PARAMS_A, ANSWER_A, ANSWER_B, ANSWER_C, "", "{}", '{"x": "\\u0001"}', "é ∑ σ²",
                                  "0.5 | 0.25", '{"words": "alpha beta"}'])
def test_text_packs_and_unpacks_the_same_in_python_and_in_plain_sql(text):
    packed = pack_text(text)
    assert unpack_text(packed) == text
    if isinstance(packed, bytes):
        assert len(packed) < len(text.encode())
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE TABLE reviews (id, uid, card_id, seed, params, answer, correct, score, diagnosis, rating, "
                     "auto_rating, overridden, hint_used, response_ms, reviewed_at, day, review_state, topic_id)")
        conn.execute("INSERT INTO reviews (id, params, answer) VALUES (1, ?, ?)", (packed, pack_text(ANSWER_B)))
        from trainer.storage.schema import _unpacked_reviews_sql

        assert conn.execute(f"SELECT params, answer FROM ({_unpacked_reviews_sql()})").fetchone() == (text, ANSWER_B)
    finally:
        conn.close()


def test_known_packings():
    # The longest tokens first: 'sigma' → U+007F, '": -' → U+0004, ', "' → U+0007, '": ' → U+0008,
    # '{"' → U+0009, '0.' → U+000F (the 32nd, 5th, 7th, 8th, 9th and 15th token); then 'log(' → U+0080,
    # two bytes in UTF-8.
    assert pack_text('{"mu": -0.5, "sigma": 2}') == b"\tmu\x04\x0f5\x07\x7f\x082}"
    assert pack_text("log(x)") == b"\xc2\x80x)"
    assert pack_text("C") == "C" and pack_text("x\x01y") == "x\x01y"
