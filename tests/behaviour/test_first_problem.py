"""Behaviour tests of the kept first problem: drawn before the session exists, taken over by the
session only when identical, graded only against the regenerated instance.

The real app, session, store and grader, driven by Pilot; the session factory waits on an Event so
the test decides when the session exists. Bank: the entropy template alone, whose answer is a hand
calculation: H([0.5, 0.25, 0.25]) = 1.5 ln 2 = 1.0397 nats.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import timezone
from pathlib import Path

from tests.support.ui import NOW, make_app, run_async, settle, write_bank
from trainer.ui.first_problem import FirstProblem, launch_key


def entropy_bank(folder: Path, second: bool = False) -> Path:
    write_bank(folder)
    for name in ("calculus/ui-sigmoid-slope.yaml",) * (not second) + ("linear-algebra/ui-transpose.yaml",):
        (folder / name).unlink(missing_ok=True)
    return folder


def reviews(db: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(db) as conn:
        return [tuple(r) for r in conn.execute("SELECT template_id, correct FROM review_log ORDER BY id")]


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def keeping_app(db: Path, bank: Path, kept_path: Path, kept=None, gate: threading.Event | None = None):
    """The app as the CLI builds it with a kept-problem file; the session waits for `gate`."""
    from trainer.session import Session
    from trainer.ui.app import TrainerApp
    from trainer.ui.runner import SessionRunner

    def factory():
        if gate is not None:
            gate.wait(120)
        return Session.open(db, bank_paths=[bank], clock=lambda: NOW, seed=1)

    runner = SessionRunner(factory, start=kept is None)
    return TrainerApp(runner, tz=timezone.utc, first_problem=kept, first_problem_path=kept_path,
                      first_problem_key=launch_key(db, [bank], 1, None))


async def keep_one(db: Path, bank: Path, kept_path: Path) -> str:
    """Run once up to the first problem and quit: returns the prompt drawn."""
    app = keeping_app(db, bank, kept_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        prompt = text_of(app, "#prompt")
    return prompt


@run_async
async def test_kept_problem_is_drawn_before_the_session_and_graded_after_it_takes_over(tmp_path: Path) -> None:
    db, bank, kept_path = tmp_path / "p.db", entropy_bank(tmp_path / "bank"), tmp_path / "cache" / "kept.json"
    prompt = await keep_one(db, bank, kept_path)
    assert "Compute H(X) in nats" in prompt
    kept = FirstProblem.read(kept_path, launch_key(db, [bank], 1, None))
    assert kept is not None and kept.template_id == "ui-entropy"

    gate = threading.Event()
    app = keeping_app(db, bank, kept_path, kept, gate)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        # On screen, ready for input, while the session is not built yet.
        assert app.runner.session is None
        assert text_of(app, "#prompt") == prompt
        assert app.screen.query_one("#answer").has_focus
        await pilot.press(*"1.0397", "enter")
        await settle(pilot, app, lambda: app.screen.state == "grading")
        assert reviews(db) == []  # nothing graded against the kept copy
        assert text_of(app, "#status-line") == ""  # the counts need the session
        gate.set()
        await settle(pilot, app, lambda: app.screen.state == "feedback")
        assert "✓ Right" in text_of(app, "#feedback")
        assert app.screen.item.instance.template_id == "ui-entropy"
        # Once the session has taken over, the status line shows its counts.
        await settle(pilot, app, lambda: text_of(app, "#status-line").startswith("due "))
        assert "new left today" in text_of(app, "#status-line")
    assert reviews(db) == [("ui-entropy", 1)]


@run_async
async def test_kept_problem_whose_front_differs_is_dropped_and_never_graded(tmp_path: Path) -> None:
    db, bank, kept_path = tmp_path / "p.db", entropy_bank(tmp_path / "bank"), tmp_path / "kept.json"
    prompt = await keep_one(db, bank, kept_path)
    data = json.loads(kept_path.read_text())
    data["view"]["prompt"] = "A different question. Answer 1.0397."
    kept_path.write_text(json.dumps(data))
    kept = FirstProblem.read(kept_path, launch_key(db, [bank], 1, None))
    assert kept is not None  # same template file: only the take-over can tell

    gate = threading.Event()
    app = keeping_app(db, bank, kept_path, kept, gate)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        assert text_of(app, "#prompt") == "A different question. Answer 1.0397."
        await pilot.press(*"1.0397", "enter")
        gate.set()
        # The session's own problem replaces it; the Enter typed for the other one is not graded.
        await settle(pilot, app, lambda: app.problems_shown >= 2 and app.screen.state == "answering")
        assert text_of(app, "#prompt") == prompt
        assert app.screen.query_one("#answer").value == ""
    assert reviews(db) == []


def test_a_changed_template_file_drops_the_kept_problem(tmp_path: Path) -> None:
    import asyncio

    db, bank, kept_path = tmp_path / "p.db", entropy_bank(tmp_path / "bank"), tmp_path / "kept.json"
    asyncio.run(keep_one(db, bank, kept_path))
    key = launch_key(db, [bank], 1, None)
    assert FirstProblem.read(kept_path, key) is not None
    template = bank / "information" / "ui-entropy.yaml"
    template.write_text(template.read_text().replace("Compute H(X) in nats.", "Compute H(X) in nats, please."))
    assert FirstProblem.read(kept_path, key) is None
    # Another launch (another --seed, study scope or database) never reads it either.
    template.write_text(template.read_text().replace("Compute H(X) in nats, please.", "Compute H(X) in nats."))
    assert FirstProblem.read(kept_path, key) is not None
    assert FirstProblem.read(kept_path, launch_key(db, [bank], 2, None)) is None
    assert FirstProblem.read(kept_path, launch_key(db, [bank], 1, "topic information")) is None
    assert FirstProblem.read(kept_path, launch_key(tmp_path / "other.db", [bank], 1, None)) is None


@run_async
async def test_an_answered_problem_is_forgotten_and_the_next_one_kept_at_quit(tmp_path: Path) -> None:
    db, bank, kept_path = tmp_path / "p.db", entropy_bank(tmp_path / "bank", second=True), tmp_path / "kept.json"
    key = launch_key(db, [bank], 1, None)
    app = keeping_app(db, bank, kept_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1 and kept_path.exists())
        first = app.screen.item.instance.template_id
        assert FirstProblem.read(kept_path, key).template_id == first
        await pilot.press(*"0", "enter")
        await settle(pilot, app, lambda: app.screen.state == "feedback" and not kept_path.exists())
    # Quit on the feedback: the next problem (the other new template; the failed one waits in its
    # learning step) is kept for the next start.
    kept = FirstProblem.read(kept_path, key)
    assert kept is not None
    assert {first, kept.template_id} == {"ui-entropy", "ui-sigmoid-slope"}


def test_the_cli_draws_the_kept_problem_and_exits_when_ready(tmp_path: Path) -> None:
    """`TRAINER_EXIT_WHEN_READY=1` keeps working with a kept problem (the launch benchmark's path)."""
    import os
    import subprocess
    import sys

    from tests.support.paths import ROOT

    bank = entropy_bank(tmp_path / "bank")
    env = {**os.environ, "TRAINER_HOME": str(tmp_path / "home"), "TRAINER_NOW": NOW.isoformat()}
    argv = [sys.executable, "-m", "trainer", "--db", str(tmp_path / "p.db"), "--problems", str(bank), "--seed", "1"]
    for mode in ("1", "1", "session"):  # the first run keeps the problem; the next ones draw it first
        proc = subprocess.run(argv, capture_output=True, text=True, env={**env, "TRAINER_EXIT_WHEN_READY": mode},
                              cwd=ROOT, timeout=120, stdin=subprocess.DEVNULL)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert list((tmp_path / "home" / "cache").glob("first-problem-*.json"))
