"""A stand-alone writer of reviews, for durability tests and benchmarks: `python -m tests.support.review_writer
DB TAG COUNT` records COUNT reviews over five templates and prints "ack UID" only after each commit returned.

Run as a separate process so that it can be SIGKILLed at any moment, or run beside other writers.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone

from trainer.core.scheduling import CardState
from trainer.storage import ConflictError, ReviewRecord, Store


def main(path: str, tag: str, count: int) -> None:
    store = Store.open(path)
    t0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
    say("ready")
    for i in range(count):
        when = t0 + timedelta(seconds=i)
        uid = f"{tag}-{i}"
        tid = f"t{i % 5}"
        while True:  # another writer may review the same template in between: recompute on conflict
            stored = store.card(tid)
            before = stored.card if stored else CardState()
            after = CardState(state="learning", step=1, stability=1.0, difficulty=5.0,
                              due=when + timedelta(minutes=10), last_review=when, reps=before.reps + 1)
            record = ReviewRecord(uid=uid, template_id=tid, equation=None, topic=None, seed=i, params="{}",
                                  answer="1", verdict="{}", correct=True, score=1.0, diagnosis_id=None, rating=3,
                                  auto_rating=3, decided="auto", hint_used=False, response_ms=1000,
                                  reviewed_at=when, day=when.date().isoformat(), card_before=before,
                                  card_after=after)
            try:
                store.record_review(record)
                break
            except ConflictError:
                continue
        say(f"ack {uid}")  # only after the commit returned
    say("done")


def say(line: str) -> None:
    """One write per line, so that a kill between two writes cannot leave a torn "ack " line even when the
    stream is unbuffered (PYTHONUNBUFFERED makes print write its pieces separately)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
