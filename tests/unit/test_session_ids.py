"""Review ids and random streams: `--seed` twice on one database, uuid4 review ids, one stream per purpose."""

from __future__ import annotations


from tests.support.fakes import Clock, fake_generate, fake_grade, make_bank
from trainer.session import Session
from trainer.storage import Store

SPEC = [("p1", "bayes", "probability"), ("p2", "variance", "probability")]


def open_session(path, clock, seed=1):
    return Session(make_bank(SPEC), Store.open(path), clock=clock, seed=seed,
                   generate=fake_generate, grade=fake_grade)


def test_two_sessions_with_the_same_seed_on_one_database_both_record(tmp_path):
    # `trainer --seed 1` run twice on one file: both draw the same problem, both answer it.
    db = tmp_path / "progress.db"
    clock = Clock()
    first, second = open_session(db, clock), open_session(db, clock)
    a, b = first.next_item(), second.next_item()
    clock.advance(seconds=30)
    out_a = first.submit(a, str(a.instance.answer.value))
    out_b = second.submit(b, str(b.instance.answer.value))
    assert out_a.recorded and out_b.recorded
    uids = [r[0] for r in first.store.conn.execute("SELECT uid FROM reviews")]
    assert len(uids) == 2 and len(set(uids)) == 2
    first.store.close()
    second.store.close()


def test_a_review_committed_by_another_trainer_meanwhile_is_recomputed_with_a_later_clock(tmp_path):
    # Trainer B commits a review of the same template between A reading the card and A's write:
    # A's stale record is refused, then recomputed from B's card with the clock read again.
    db = tmp_path / "progress.db"
    clock = Clock()
    a, b = open_session(db, clock, seed=1), open_session(db, clock, seed=2)
    item_a, item_b = a.next_item(), b.next_item()
    assert item_a.instance.template_id == item_b.instance.template_id == "p1"
    real_write = a.store.record_review
    calls = []

    def racing_write(record):
        if not calls:
            clock.advance(seconds=5)
            b.submit(item_b, str(item_b.instance.answer.value))  # B's commit lands first
            clock.advance(seconds=5)
        calls.append(record)
        return real_write(record)

    a.store.record_review = racing_write
    clock.advance(seconds=30)
    out = a.submit(item_a, str(item_a.instance.answer.value))
    assert out.recorded and len(calls) == 2
    assert calls[0].card_before.state == "new" and calls[0].card_before.reps == 0
    ids = [r[0] for r in a.store.conn.execute("SELECT id FROM reviews ORDER BY id")]
    assert len(ids) == 2
    b_row, a_row = (a.store.review(i) for i in ids)
    assert a_row["reviewed_at"] > b_row["reviewed_at"]  # commit order and reviewed_at order agree
    assert a_row["state_before"]["reps"] == 1  # A's review was computed on top of B's
    assert out.response_ms == 40_000  # 30 s + the 10 s B took, measured from A's item


def test_streams_are_independent_and_replayable():
    from trainer.session import RandomStreams

    one, two = RandomStreams.from_seed(7), RandomStreams.from_seed(7)
    one.quiz.permutation(50)  # drawing a quiz order...
    assert one.seeds.integers(0, 2**31 - 1) == two.seeds.integers(0, 2**31 - 1)  # ...never shifts problem seeds
    assert one.fuzz.random() == two.fuzz.random()
    other = RandomStreams.from_seed(7)
    assert other.seeds.integers(0, 2**31 - 1) != other.fuzz.integers(0, 2**31 - 1)  # separate streams


def test_review_ids_are_uuid4_and_do_not_depend_on_the_seed(tmp_path):
    import uuid

    clock = Clock()
    s = open_session(":memory:", clock, seed=1)
    item = s.next_item()
    s.submit(item, str(item.instance.answer.value))
    uid = s.store.conn.execute("SELECT uid FROM review_log").fetchone()[0]
    assert uuid.UUID(hex=uid).version == 4
