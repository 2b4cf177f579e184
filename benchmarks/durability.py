"""Durability figures: reviews acknowledged and lost when a writer is SIGKILLed at random moments, and
reviews lost or refused as "locked" with four writers at once.

Each writer is `python -m tests.support.review_writer` (the same program the durability tests run), which
prints "ack UID" only after its commit returned; an acknowledged review missing from the file is lost.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _spawn(path: Path, tag: str, count: int) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "tests.support.review_writer", str(path), tag, str(count)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def _stored(path: Path) -> tuple[set[str], list[str]]:
    from trainer.storage import Store

    with Store.open(path) as store:
        return {r[0] for r in store.conn.execute("SELECT uid FROM reviews")}, store.integrity_check()


def kill_figures(kills: int) -> list[dict]:
    import random

    rng = random.Random(2024)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kill.db"
        acked: set[str] = set()
        for run in range(kills):
            proc = _spawn(path, f"r{run}", 100_000)
            proc.stdout.readline()  # "ready"
            time.sleep(rng.uniform(0.005, 0.12))  # a random moment: mid-commit included
            proc.send_signal(signal.SIGKILL)
            out, _ = proc.communicate()
            acked |= {line.split()[1] for line in out.splitlines() if line.startswith("ack ")}
        stored, integrity = _stored(path)
    return [
        {"group": "durability", "name": "SIGKILLs at random moments", "value": kills, "unit": "kills", "target": ">= 60"},
        {"group": "durability", "name": "reviews acknowledged before the kills", "value": len(acked), "unit": "reviews",
         "target": None},
        {"group": "durability", "name": "acknowledged reviews lost", "value": len(acked - stored), "unit": "reviews",
         "target": "0"},
        {"group": "durability", "name": "integrity_check after the kills", "value": ",".join(integrity), "unit": "",
         "target": "ok"},
    ]


def writer_figures(writers: int, each: int) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "writers.db"
        procs = [_spawn(path, f"w{i}", each) for i in range(writers)]
        outputs = [p.communicate(timeout=600) for p in procs]
        acked = {line.split()[1] for out, _ in outputs for line in out.splitlines() if line.startswith("ack ")}
        locked = sum("locked" in err for _, err in outputs)
        stored, _ = _stored(path)
    return [
        {"group": "durability", "name": f"concurrent writers ({writers} × {each} reviews)", "value": len(acked),
         "unit": "acked", "target": str(writers * each)},
        {"group": "durability", "name": "lost with concurrent writers", "value": len(acked - stored), "unit": "reviews",
         "target": "0"},
        {"group": "durability", "name": "writers that saw 'database is locked'", "value": locked, "unit": "writers",
         "target": "0"},
    ]


def figures(quick: bool) -> list[dict]:
    return kill_figures(20 if quick else 60) + writer_figures(4, 50 if quick else 150)
