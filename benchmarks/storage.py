"""Storage figures: due-queue query, full statistics, one review commit, database size, at 1,000,000 reviews.

Benchmark module (run by `python -m benchmarks`). Builds a synthetic history in a temporary folder:
the rows are bulk-inserted at schema version 1, the version-2 migration then backfills the summary
tables and the version-3 one rewrites the reviews compactly (then the file is vacuumed), exactly as
an upgraded user's file would be built; timings use the real store.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

TOPICS = ("probability", "information", "statistics", "linear-algebra", "calculus", "optimization", "losses",
          "deep-learning")
TEMPLATES = 320
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)


def _populate(path: Path, rows: int) -> None:
    import numpy as np
    from sqlite_utils import Database

    from trainer.core.scheduling import iso
    from trainer.storage import Store
    from trainer.storage.schema import migrations

    db = Database(path)
    migrations().apply(db, stop_before="m002_summaries")
    rng = np.random.default_rng(0)
    days = max(60, rows // 600)
    start = NOW - timedelta(days=days)
    tids = [f"t{i:03d}" for i in range(TEMPLATES)]
    conn = db.conn
    conn.execute("BEGIN")
    cards = []
    for i, tid in enumerate(tids):
        due = NOW + timedelta(hours=int(rng.integers(-72, 24 * 30)))
        cards.append((tid, i + 1, f"eq{i // 4}", TOPICS[i % len(TOPICS)], "review", None,
                      float(rng.uniform(1, 90)), float(rng.uniform(1, 10)), iso(due), iso(due - timedelta(days=5)),
                      10, int(rng.integers(0, 3))))
    conn.executemany("INSERT INTO cards (template_id, card_id, equation, topic, state, step, stability, difficulty, "
                     "due, last_review, reps, lapses) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", cards)
    offsets = np.sort(rng.uniform(0, days * 86400, rows))
    which = rng.integers(0, TEMPLATES, rows)
    correct = rng.random(rows) < 0.85
    ms = rng.lognormal(np.log(25_000), 0.6, rows).astype(int)
    state = rng.choice([0, 1, 2, 3], rows, p=[0.02, 0.08, 0.85, 0.05])
    verdict_ok = json.dumps({"correct": True, "diagnosis": None})
    verdict_bad = json.dumps({"correct": False, "diagnosis": {"id": "sign-error", "message": "Sign."}})
    card_json = json.dumps({"state": "review", "stability": 10.0})

    def gen():
        for k in range(rows):
            when = start + timedelta(seconds=float(offsets[k]))
            ok = bool(correct[k])
            yield (f"u{k}", tids[which[k]], k, "{}", "1.0", verdict_ok if ok else verdict_bad, int(ok),
                   float(ok), None if ok else "sign-error", 3 if ok else 1, 3 if ok else 1, "auto", 0, int(ms[k]),
                   iso(when), when.date().isoformat(), int(state[k]), card_json, card_json)

    conn.executemany(
        "INSERT INTO reviews (uid, template_id, seed, params, answer, verdict, correct, score, diagnosis_id, rating, "
        "auto_rating, decided, hint_used, response_ms, reviewed_at, day, review_state, state_before, state_after) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", gen())
    conn.execute("COMMIT")
    db.close()
    Store.open(path).close()  # applies m002 (topic column + summaries backfilled) and m003 (compact reviews)


def _fsync_ms(folder: Path) -> float:
    import os

    path = folder / "fsync-probe"
    with open(path, "wb") as handle:
        def once():
            handle.write(b"x" * 4096)
            handle.flush()
            os.fsync(handle.fileno())

        return _median_ms(once, 30)


def _median_ms(fn, repeat: int) -> float:
    fn()  # warm caches once
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def figures(quick: bool) -> list[dict]:
    """Storage figures.

    Args:
        quick: use 100,000 reviews instead of 1,000,000.

    Returns:
        [{"group", "name", "value", "unit", "target", "note"}, ...].
    """
    import numpy as np

    from trainer.core import scheduling as sched
    from trainer.core.scheduling import CardState
    from trainer.core.progress.stats import TemplateInfo, compute_stats
    from trainer.storage import ReviewRecord, Store

    rows = 100_000 if quick else 1_000_000
    label = f"{rows:,} reviews"
    with tempfile.TemporaryDirectory(prefix="trainer-bench-") as tmp:
        path = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        _populate(path, rows)
        build_s = time.perf_counter() - t0
        store = Store.open(path)
        infos = [TemplateInfo(c.template_id, c.equation, c.topic) for c in store.cards()]
        equation_of = {i.template_id: i.equation for i in infos}
        day = sched.day_of(NOW)

        def queue():
            due, blocked = store.queue_cards(NOW + sched.LEARN_AHEAD, NOW)
            counts = store.day_counts(day)
            cands = [sched.Candidate(c.template_id, equation_of[c.template_id], c.card) for c in due]
            cands += [sched.Candidate(t, equation_of[t]) for t in equation_of if t not in blocked]
            return sched.build_queue(cands, NOW, new_left=10 - counts["new_cards"],
                                     reviews_left=200 - counts["review_cards"])

        def stats():
            since = (NOW - timedelta(days=364)).date().isoformat()
            return compute_stats(store.stats_rows(since), infos, NOW, desired_retention=0.9)

        queue_ms = _median_ms(queue, 200)
        stats_ms = _median_ms(stats, 20)
        rng = np.random.default_rng(1)
        counter = iter(range(10**9))

        def commit():
            k = next(counter)
            when = NOW + timedelta(seconds=k)

            tid = f"t{k % TEMPLATES:03d}"
            stored = store.card(tid)
            before = stored.card if stored else CardState()
            after = sched.review(before, 3, when, rng=rng)
            store.record_review(ReviewRecord(
                uid=f"bench-{k}", template_id=tid, equation=None, topic=None, seed=k, params="{}", answer="1",
                verdict="{}", correct=True, score=1.0, diagnosis_id=None, rating=3, auto_rating=3, decided="auto",
                hint_used=False, response_ms=20_000, reviewed_at=when, day=when.date().isoformat(),
                card_before=before, card_after=after))

        commit_ms = _median_ms(commit, 100)
        # The same write without waiting for the disk: what the code itself costs, beside the fsync.
        store.conn.execute("PRAGMA synchronous = OFF")
        commit_cpu_ms = _median_ms(commit, 100)
        store.conn.execute("PRAGMA synchronous = FULL")
        fsync_ms = _fsync_ms(Path(tmp))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        size_mb = path.stat().st_size / 1e6
    note = f"{label}, {TEMPLATES} templates, {rows // max(60, rows // 600)} per day"
    return [
        {"group": "storage", "name": "due-queue query (median)", "value": queue_ms, "unit": "ms",
         "target": "≤ 1 ms", "note": note + "; cards read + today's counts + ordering"},
        {"group": "storage", "name": "full stats computation (median)", "value": stats_ms, "unit": "ms",
         "target": "≤ 100 ms", "note": note + "; summary tables + cards → stats payload"},
        {"group": "storage", "name": "commit one review, synchronous=FULL (median)", "value": commit_ms, "unit": "ms",
         "target": "≤ 2 ms", "note": "WAL; card update + review row + trigger summaries in one transaction; "
                                     "depends on the disk's fsync"},
        {"group": "storage", "name": "commit one review, synchronous=OFF (median)", "value": commit_cpu_ms,
         "unit": "ms", "target": None, "note": "the same write without the fsync: the code's own cost"},
        {"group": "storage", "name": "fsync of a 4 KiB write on this disk (median)", "value": fsync_ms, "unit": "ms",
         "target": None, "note": "the floor under any durable commit on this machine"},
        {"group": "storage", "name": "database size", "value": size_mb, "unit": "MB", "target": None,
         "note": f"{label} after checkpoint; synthetic data built in {build_s:.0f} s"},
    ]


if __name__ == "__main__":
    import sys

    for fig in figures(quick="--quick" in sys.argv):
        print(f"{fig['name']:<48} {fig['value']:10.3f} {fig['unit']:<3} target {fig['target']}  ({fig['note']})")
