"""Durability: a writer SIGKILLed at random moments loses no acknowledged review and leaves a healthy file;
two writers at once lose nothing and never see "database is locked"."""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from trainer.storage import Store
from trainer.storage.schema import SCHEMA_VERSION

from tests.support.paths import ROOT



def spawn(path, tag, count):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "tests.support.review_writer", str(path), tag, str(count)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def test_sigkill_never_loses_an_acknowledged_review(tmp_path):
    path = tmp_path / "kill.db"
    Store.open(path).close()
    rng = np.random.default_rng(2024)
    acked: set[str] = set()
    for run in range(30):
        proc = spawn(path, f"r{run}", 100_000)
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        time.sleep(float(rng.uniform(0.005, 0.12)))  # a random kill moment, not a wait: mid-commit included
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        complete = proc.stdout.read().split("\n")[:-1]  # a line cut by the kill was never acknowledged
        for line in complete:
            if line.startswith("ack "):
                acked.add(line.removeprefix("ack "))
        proc.stdout.close()
        proc.stderr.close()
    assert len(acked) > 30  # the writer did get work done between kills
    with Store.open(path) as store:
        assert store.integrity_check() == ["ok"]
        stored = {r[0] for r in store.conn.execute("SELECT uid FROM reviews")}
        # every ack was printed after COMMIT returned; at most the one in flight is stored unacknowledged
        assert acked <= stored
        assert len(stored - acked) <= 30
        total = store.conn.execute("SELECT sum(reviews) FROM review_days").fetchone()[0]
        assert total == len(stored)  # summaries moved in the same transactions as the rows


def test_two_writers_at_once_lose_nothing(tmp_path):
    path = tmp_path / "two.db"
    Store.open(path).close()
    procs = [spawn(path, tag, 150) for tag in ("a", "b")]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
        assert "locked" not in err
        assert out.splitlines()[-1] == "done"
    with Store.open(path) as store:
        assert store.counts()["reviews"] == 300
        assert store.integrity_check() == ["ok"]
        # each template got 60 reviews (30 per writer), and its card counts every one of them
        reps = dict(store.conn.execute("SELECT template_id, reps FROM cards").fetchall())
        assert reps == {f"t{i}": 60 for i in range(5)}


@pytest.mark.parametrize("content", [b"", b"SQLite format 3\x00" + b"\x00" * 84])
def test_empty_or_header_only_files(tmp_path, content):
    path = tmp_path / "odd.db"
    path.write_bytes(content)
    if content:
        from trainer.storage import StoreError

        with pytest.raises(StoreError):
            Store.open(path)
        assert path.read_bytes() == content
    else:
        with Store.open(path) as store:  # a zero-byte file is a valid empty database
            assert store.schema_version == SCHEMA_VERSION
