"""Schema version 6 (`m006_compact_implicit`): implicit reviews of an older file convert with every value
intact, undo and backups work on converted rows, and new rows read back as written, in fewer bytes.

The old rows are written by hand with the version-4 columns, so every expected value below is the
text or number that was put in, not something the store computed.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

from sqlite_utils import Database

from trainer.core.scheduling import CardState
from trainer.storage import Store
from trainer.storage.schema import migrations

CAUSE_UID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
BEFORE_Q = {"state": "review", "step": None, "stability": 3.946054067969477, "difficulty": 6.413337447872087,
            "due": "2024-03-07T14:00:00.000000+00:00", "last_review": "2024-03-02T14:00:00.123456+00:00",
            "reps": 2, "lapses": 0, "leech": False}
AFTER_Q = {"state": "review", "step": None, "stability": 13.984536625631678, "difficulty": 6.413337447872087,
           "due": "2024-03-19T12:00:00.000000+00:00", "last_review": "2024-03-05T12:00:00.000001+00:00",
           "reps": 2, "lapses": 0, "leech": False}
BEFORE_S = {"state": "learning", "step": 1, "stability": 0.4, "difficulty": 9.0, "due": None,
            "last_review": None, "reps": 1, "lapses": 3, "leech": True}
AFTER_S = {"state": "relearning", "step": 0, "stability": 0.25, "difficulty": 9.5,
           "due": "2024-03-05T12:10:00.000000+00:00", "last_review": "2024-03-05T12:00:00.000001+00:00",
           "reps": 1, "lapses": 3, "leech": True}
CAUSE_TIME = "2024-03-05T12:00:00.000001+00:00"
CAUSE_US = 1709640000000001  # CAUSE_TIME as microseconds since 1970 (2024-03-05 is day 19787)

# uid, cause_uid, cause_template, template_id, kind, weight, reviewed_at, state_before, state_after
OLD_IMPLICIT = [
    (f"{CAUSE_UID}/q", CAUSE_UID, "p", "q", "credit", 1.0, CAUSE_TIME, json.dumps(BEFORE_Q), json.dumps(AFTER_Q)),
    (f"{CAUSE_UID}/s", CAUSE_UID, "p", "s", "penalty", 0.35, CAUSE_TIME, json.dumps(BEFORE_S), json.dumps(AFTER_S)),
    # Not what trainer writes: its own uid, another time, a state with a field no card has.
    ("hand-made", CAUSE_UID, "p", "r", "credit", 0.5, "2024-03-06T00:00:00.000000+00:00",
     '{"state": "review", "stability": 2.0, "note": "kept"}', json.dumps(AFTER_Q)),
]


def build_v5(path) -> None:
    """A version-5 file: cards p, q, s (r has no card yet), one review of p, its three implicit reviews."""
    db = Database(path)
    migrations().apply(db, stop_before="m006_compact_implicit")
    conn = db.conn
    with conn:
        conn.execute("INSERT INTO cards (template_id, card_id, state) VALUES ('p', 1, 'review'), ('q', 2, 'review'),"
                     " ('s', 3, 'relearning')")
        conn.execute("INSERT INTO reviews (id, uid, card_id, seed, params, answer, correct, score, rating, auto_rating,"
                     " overridden, hint_used, response_ms, reviewed_at, day, review_state, before_reps, before_lapses,"
                     " before_leech) VALUES (7, ?, 1, 5, '{}', '1', 1, 1.0, 3, 3, 0, 0, 1000, ?, 19787, 2, 1, 0, 0)",
                     (bytes.fromhex(CAUSE_UID), CAUSE_US))
        conn.executemany("INSERT INTO implicit_reviews (cause_id, uid, cause_uid, cause_template, template_id, kind,"
                         " weight, reviewed_at, state_before, state_after) VALUES (7, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         OLD_IMPLICIT)
    # The cards as the credit left them.
    with conn:
        for tid, after in (("q", AFTER_Q), ("s", AFTER_S)):
            conn.execute("UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, last_review = ?,"
                         " reps = ?, lapses = ?, leech = ? WHERE template_id = ?",
                         (after["state"], after["step"], after["stability"], after["difficulty"], after["due"],
                          after["last_review"], after["reps"], after["lapses"], int(after["leech"]), tid))
    db.close()


def _expected(k: int, with_ids: bool = True) -> dict:
    uid, cause_uid, cause_template, tid, kind, weight, at, before, after = OLD_IMPLICIT[k]
    out = {"uid": uid, "cause_uid": cause_uid, "cause_template": cause_template, "template_id": tid, "kind": kind,
           "weight": weight, "reviewed_at": at, "state_before": json.loads(before), "state_after": json.loads(after)}
    if with_ids:
        out.update(id=k + 1, cause_id=7)
    return out


def test_every_implicit_review_reads_back_as_it_was_written(tmp_path):
    path = tmp_path / "v5.db"
    build_v5(path)
    with Store.open(path) as store:
        assert store.schema_version >= 6  # version 6 or later
        got = store.implicit_for(7)
        assert got == [_expected(0), _expected(1), _expected(2)]
        assert [type(g["weight"]) for g in got] == [float, float, float]
        assert store.implicit_history("q") == [_expected(0)]
        exported = store.export_json(datetime(2024, 4, 1, tzinfo=timezone.utc))["implicit_reviews"]
        assert exported == [_expected(k, with_ids=False) for k in range(3)]
        kinds = store.conn.execute("SELECT type FROM sqlite_master WHERE name = 'implicit_reviews'").fetchone()
        assert kinds[0] == "view"
        # The card the odd row names got a number, as every card has one.
        assert store.conn.execute("SELECT card_id FROM cards WHERE template_id = 'r'").fetchone()[0] == 4


def test_undo_of_a_converted_review_puts_the_credited_cards_back(tmp_path):
    path = tmp_path / "v5.db"
    build_v5(path)
    with Store.open(path) as store:
        assert store.card("q").card == CardState.from_dict(AFTER_Q)
        assert store.undo(7) == "p"
        assert store.card("q").card == CardState.from_dict(BEFORE_Q)
        assert store.card("s").card == CardState.from_dict(BEFORE_S)
        assert store.implicit_for(7) == []
        assert store.conn.execute("SELECT count(*) FROM implicit_rows").fetchone()[0] == 0


def test_a_backup_of_a_converted_file_imports_once(tmp_path):
    path, other = tmp_path / "v5.db", tmp_path / "other.db"
    build_v5(path)
    with Store.open(path) as store:
        backup = store.export_json(datetime(2024, 4, 1, tzinfo=timezone.utc))
    with Store.open(other) as store:
        first = store.import_json(backup)
        again = store.import_json(backup)
        assert first["implicit_added"] == 3 and again["implicit_added"] == 0
        cause = store.conn.execute("SELECT id FROM reviews").fetchone()[0]
        got = store.implicit_for(cause)
        assert [{k: v for k, v in g.items() if k not in ("id", "cause_id")} for g in got] == \
            [_expected(k, with_ids=False) for k in range(3)]


def _implicit_bytes(path) -> int:
    """Bytes of the pages holding implicit reviews (their table and its indexes), after a VACUUM."""
    conn = sqlite3.connect(path)
    conn.execute("VACUUM")
    size = conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_master "
                        "WHERE tbl_name IN ('implicit_reviews', 'implicit_rows'))").fetchone()[0]
    conn.close()
    return size


def test_an_implicit_review_costs_a_fraction_of_its_version_4_bytes(tmp_path):
    # 3000 credits shaped as trainer writes them (16-digit stabilities, microsecond times): version 4
    # kept about 700 bytes each (two JSON states, text uid, cause uid, template and time, two indexes).
    sizes = {}
    for name, stop in (("v5", "m006_compact_implicit"), ("v6", "m007_pack_reviews")):
        path = tmp_path / f"{name}.db"
        build_v5(path)
        db = Database(path)
        migrations().apply(db, stop_before=stop) if stop else migrations().apply(db)
        db = Database(path)
        start = datetime(2024, 3, 5, 12, tzinfo=timezone.utc)
        with db.conn as conn:
            for k in range(3000):
                uid = f"{k:032x}"
                at = start + timedelta(minutes=k, microseconds=k)
                us = int((at - datetime(1970, 1, 1, tzinfo=timezone.utc)) / timedelta(microseconds=1))
                conn.execute("INSERT INTO reviews (id, uid, card_id, seed, params, answer, correct, score, rating,"
                             " auto_rating, overridden, hint_used, response_ms, reviewed_at, day, review_state,"
                             " before_reps, before_lapses, before_leech) VALUES (?, ?, 1, 5, '{}', '1', 1, 1.0, 3,"
                             " 3, 0, 0, 1000, ?, 19787, 2, 1, 0, 0)", (100 + k, bytes.fromhex(uid), us))
                before = dict(BEFORE_Q, stability=1 + k / 7, last_review=at.isoformat())
                after = dict(AFTER_Q, stability=2 + k / 7, due=(at + timedelta(days=9)).isoformat())
                row = {"uid": f"{uid}/q", "cause_uid": uid, "cause_template": "p", "template_id": "q",
                       "kind": "credit", "weight": 1.0, "reviewed_at": at.isoformat(),
                       "state_before": json.dumps(before), "state_after": json.dumps(after)}
                if name == "v5":
                    conn.execute("INSERT INTO implicit_reviews (cause_id, uid, cause_uid, cause_template, "
                                 "template_id, kind, weight, reviewed_at, state_before, state_after) VALUES "
                                 "(?, :uid, :cause_uid, :cause_template, :template_id, :kind, :weight, :reviewed_at,"
                                 " :state_before, :state_after)".replace("?", str(100 + k)), row)
                else:
                    from trainer.storage.schema import write_implicit

                    write_implicit(conn, 100 + k, 2, row)
        db.close()
        sizes[name] = _implicit_bytes(path)
        if name == "v6":
            with Store.open(path) as store:
                last = store.implicit_for(100 + 2999)[0]
                assert last["state_after"]["stability"] == 2 + 2999 / 7
                assert last["reviewed_at"] == (start + timedelta(minutes=2999, microseconds=2999)).isoformat()
                assert last["uid"] == f"{2999:032x}/q"
    per_row = {k: v / 3003 for k, v in sizes.items()}
    assert per_row["v5"] > 500
    assert per_row["v6"] <= 150, per_row


def test_an_implicit_review_whose_cause_is_gone_keeps_every_value(tmp_path):
    # No trainer leaves one (undo deletes a review's implicit reviews with it), but an old file might.
    path = tmp_path / "v5.db"
    build_v5(path)
    orphan = ("feedfeedfeedfeedfeedfeedfeedfeed/q", "feedfeedfeedfeedfeedfeedfeedfeed", "gone", "q", "penalty", 0.25,
              "2024-02-01T00:00:00.000000+00:00", json.dumps(BEFORE_Q), json.dumps(AFTER_Q))
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO implicit_reviews (cause_id, uid, cause_uid, cause_template, template_id, kind, weight,"
                     " reviewed_at, state_before, state_after) VALUES (99, ?, ?, ?, ?, ?, ?, ?, ?, ?)", orphan)
    conn.close()
    with Store.open(path) as store:
        got = store.implicit_for(99)
        assert got == [{"id": 4, "cause_id": 99, "uid": orphan[0], "cause_uid": orphan[1], "cause_template": "gone",
                        "template_id": "q", "kind": "penalty", "weight": 0.25, "reviewed_at": orphan[6],
                        "state_before": BEFORE_Q, "state_after": AFTER_Q}]
        assert [r["uid"] for r in store.implicit_history("q")] == [f"{CAUSE_UID}/q", orphan[0]]
