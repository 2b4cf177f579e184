"""Storage figures: due-queue query, full statistics, one review commit, database size, at 1,000,000 reviews.

Benchmark module (run by `python -m benchmarks`). Builds a synthetic history in a temporary folder,
each row a copy of one the app really wrote (a few hundred answers go through `Session.submit` first:
real parameters, typed answers, card states and implicit reviews, so the size is a real file's):
the rows are bulk-inserted at schema version 1, the version-2 migration then backfills the summary
tables, the version-3 one rewrites the reviews compactly, and every later migration runs at open,
exactly as an upgraded user's file would be built (version 8 then prunes the card states outside
each card's undo window, as it does for a user's file); timings use the real store.
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


#: Reviews answered through the real session to sample real rows from (the later half is used: by then
#: most answers are reviews of cards already seen, with a real card-before and implicit credit).
SAMPLE_REVIEWS = 400


def real_sample(folder: Path, reviews: int = SAMPLE_REVIEWS) -> tuple[list[dict], dict[int, list[dict]]]:
    """Rows exactly as the app writes them: `reviews` answers through `Session.submit` on the bundled
    bank (right and anticipated-wrong answers alternating, an hour apart), read back as a backup's
    reviews, with the implicit reviews each caused.

    Returns:
        (the later half of the reviews as `Store.review` dicts, {index in that list: its implicit rows
        as `Store.implicit_for` dicts}).
    """
    from trainer.cli import locations
    from trainer.core.grading.grader import answer_text
    from trainer.session import Session

    now = [datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)]
    session = Session.open(folder / "sample.db", bank_paths=[locations.bundled_problems_dir()],
                           clock=lambda: now[0], seed=1, settings={"new_per_day": 1000})
    try:
        for i in range(reviews):
            item = session.next_item()
            if item is None:
                break
            mistakes = item.instance.mistakes
            session.submit(item, answer_text(item.instance, mistakes[0] if i % 2 and mistakes else None))
            now[0] += timedelta(hours=1)
    finally:
        session.close()
    from trainer.storage import Store

    store = Store.open(folder / "sample.db")
    try:
        ids = [r[0] for r in store.conn.execute("SELECT id FROM reviews ORDER BY id")][reviews // 2:]
        sample = [store.review(i) for i in ids]
        implicit = {k: store.implicit_for(i) for k, i in enumerate(ids)}
    finally:
        store.close()
    return sample, {k: v for k, v in implicit.items() if v}


def _populate(path: Path, rows: int) -> dict:
    """Build a file of `rows` reviews shaped as the app writes them, as an upgraded user's file is built.

    Each synthetic review copies a real one (`real_sample`): its parameters, typed answer, verdict,
    card before and after, rating and answer time, and the implicit reviews it caused, with a fresh
    uid and seed, its own time on a synthetic timeline and one of `TEMPLATES` cards. Rows are written
    at schema version 1 (implicit reviews at version 4, where they appeared); opening the store then
    applies every later migration.

    Returns:
        {"implicit": implicit reviews written, "sample": reviews in the sample}.
    """
    import numpy as np
    from sqlite_utils import Database

    from trainer.core.scheduling import iso
    from trainer.storage import Store
    from trainer.storage.schema import migrations

    sample, sample_implicit = real_sample(path.parent)
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
    copy = rng.integers(0, len(sample), rows)
    seeds = rng.integers(0, 2**31, rows)
    uids = [bytes(u).hex() for u in rng.integers(0, 256, (rows, 16), dtype=np.uint8)]
    encoded = [(json.dumps(r["params"]), json.dumps(r["verdict"]), json.dumps(r["state_before"]),
                json.dumps(r["state_after"])) for r in sample]
    implicit_rows: list[tuple] = []

    def gen():
        for k in range(rows):
            when = start + timedelta(seconds=float(offsets[k]))
            r, (params, verdict, before, after) = sample[copy[k]], encoded[copy[k]]
            tid = tids[which[k]]
            for j, imp in enumerate(sample_implicit.get(int(copy[k]), ())):
                other = tids[(which[k] + 1 + j) % TEMPLATES]
                implicit_rows.append((f"{uids[k]}/{other}", k + 1, uids[k], tid, other, imp["kind"], imp["weight"],
                                      iso(when), json.dumps(imp["state_before"]), json.dumps(imp["state_after"])))
            yield (k + 1, uids[k], tid, int(seeds[k]), params, r["answer"], verdict, r["correct"], r["score"],
                   r["diagnosis_id"], r["rating"], r["auto_rating"], r["decided"], r["hint_used"], r["response_ms"],
                   iso(when), when.date().isoformat(), r["review_state"], before, after)

    conn.executemany(
        "INSERT INTO reviews (id, uid, template_id, seed, params, answer, verdict, correct, score, diagnosis_id, "
        "rating, auto_rating, decided, hint_used, response_ms, reviewed_at, day, review_state, state_before, "
        "state_after) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", gen())
    conn.execute("COMMIT")
    # Implicit reviews exist from version 4 on: written in that version's form, then upgraded as a user's are.
    migrations().apply(db, stop_before="m005_imported_reviews")
    with conn:
        conn.executemany("INSERT INTO implicit_reviews (uid, cause_id, cause_uid, cause_template, template_id, kind, "
                         "weight, reviewed_at, state_before, state_after) VALUES (?,?,?,?,?,?,?,?,?,?)",
                         implicit_rows)
    db.close()
    Store.open(path).close()  # applies every later migration
    return {"implicit": len(implicit_rows), "sample": len(sample)}


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
        built = _populate(path, rows)
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
         "target": "≤ 2 ms", "note": "WAL; card update + review row + trigger summaries + pruning the card's "
                                     "states that left the undo window, in one transaction; depends on the disk's fsync"},
        {"group": "storage", "name": "commit one review, synchronous=OFF (median)", "value": commit_cpu_ms,
         "unit": "ms", "target": None, "note": "the same write without the fsync: the code's own cost"},
        {"group": "storage", "name": "fsync of a 4 KiB write on this disk (median)", "value": fsync_ms, "unit": "ms",
         "target": None, "note": "the floor under any durable commit on this machine"},
        {"group": "storage", "name": "database size", "value": size_mb, "unit": "MB", "target": "≤ 150 MB",
         "note": f"{label} after checkpoint, {built['implicit']:,} implicit reviews; rows "
                 f"copied from {built['sample']} real reviews (Session.submit); built in {build_s:.0f} s"},
    ]


if __name__ == "__main__":
    import sys

    for fig in figures(quick="--quick" in sys.argv):
        print(f"{fig['name']:<48} {fig['value']:10.3f} {fig['unit']:<3} target {fig['target']}  ({fig['note']})")
