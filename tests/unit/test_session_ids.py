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
