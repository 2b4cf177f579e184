"""TUI figures: launch-to-first-problem time against a bare Textual app, and peak memory over a
50-review scripted session.

Benchmark module (`figures(quick)` for `python -m benchmarks`). Both launches run in a pseudo-terminal
exactly as a user starts them; the trainer quits as soon as its first problem has been drawn with the
answer input focused (`TRAINER_EXIT_WHEN_READY=1`), the bare app as soon as its one line is drawn, so
the ratio compares like with like on the same machine in the same run. Runs are interleaved so that
machine load affects both alike. From the second start on, the first problem drawn is the one kept
by the previous run (before the session is built); a third figure times the start until the session
has taken that problem over, i.e. until Enter can grade (`TRAINER_EXIT_WHEN_READY=session`).
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SESSION_ONLY = """
import sys, time
from pathlib import Path
start = time.perf_counter()
from trainer.cli.context import folders_for
from trainer.cli.tui import session_factory
session_factory(Path(sys.argv[1]), folders_for([]), 1)()
print(time.perf_counter() - start)
"""

BARE_APP = """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("ready")

    def on_mount(self):
        self.call_after_refresh(self.exit)

Bare().run()
"""


def launch_seconds(argv: list[str], env: dict[str, str], size: tuple[int, int] = (100, 32),
                   timeout: float = 60.0) -> float:
    """Wall time from spawning `argv` in a pseudo-terminal to its exit (its output is drained)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
                            close_fds=True, start_new_session=True)
    os.close(slave)
    try:
        while proc.poll() is None:
            if time.perf_counter() - start > timeout:
                proc.kill()
                raise RuntimeError(f"{' '.join(argv)} did not exit within {timeout} s")
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    pass
        elapsed = time.perf_counter() - start
    finally:
        os.close(master)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited with {proc.returncode}")
    return elapsed


def startup_figures(runs: int) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TRAINER_HOME": tmp, "TRAINER_EXIT_WHEN_READY": "1", "TERM": "xterm-256color",
               "PYTHONPATH": str(ROOT)}
        env.pop("TRAINER_DB", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: modules run from cached bytecode
        trainer = [sys.executable, "-m", "trainer", "--db", str(Path(tmp) / "bench.db"), "--seed", "1"]
        bare = [sys.executable, "-c", BARE_APP]
        launch_seconds(trainer, env)  # creates the database: later runs measure a daily start
        launch_seconds(bare, env)
        t_trainer, t_bare, t_session, t_took_over = [], [], [], []
        for _ in range(runs):
            t_trainer.append(launch_seconds(trainer, env))
            t_bare.append(launch_seconds(bare, env))
            t_took_over.append(launch_seconds(trainer, {**env, "TRAINER_EXIT_WHEN_READY": "session"}))
            proc = subprocess.run([sys.executable, "-c", SESSION_ONLY, str(Path(tmp) / "bench.db")],
                                  capture_output=True, text=True, env=env, cwd=ROOT, check=True)
            t_session.append(float(proc.stdout.split()[-1]))
    mt, mb, ms = statistics.median(t_trainer), statistics.median(t_bare), statistics.median(t_session)
    mo = statistics.median(t_took_over)
    note = f"median of {runs}, 100×32 pty; trainer {mt * 1000:.0f} ms, bare Textual app {mb * 1000:.0f} ms"
    return [
        {"group": "tui", "name": "launch to first problem / bare Textual app", "value": mt / mb, "unit": "×",
         "target": "≤ 1.3×", "note": note},
        {"group": "tui", "name": "launch to first problem", "value": mt * 1000, "unit": "ms", "target": None,
         "note": "python -m trainer, existing database, until the answer input has focus"},
        {"group": "tui", "name": "launch until the session has the first problem", "value": mo * 1000,
         "unit": "ms", "target": None, "note": f"Enter can grade from here; {mo / mb:.2f}× the bare app "
         "(TRAINER_EXIT_WHEN_READY=session)"},
        {"group": "tui", "name": "of which: building the session", "value": ms * 1000, "unit": "ms",
         "target": None, "note": "numpy, storage and bank imports, loading the bank, opening the store "
         "(no UI); runs beside Textual's start but shares the GIL"},
    ]


def rss_figure(reviews: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TRAINER_HOME": tmp, "PYTHONPATH": str(ROOT)}
        proc = subprocess.run([sys.executable, "-m", "benchmarks.startup", "session", str(Path(tmp) / "rss.db"),
                               str(reviews)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(f"scripted session failed: {proc.stderr[-500:]}")
    peak_kb, done = (int(x) for x in proc.stdout.split())
    return {"group": "tui", "name": f"peak RSS, {reviews}-review scripted session", "value": peak_kb / 1024,
            "unit": "MB", "target": "≤ 150 MB",
            "note": f"{done} reviews recorded through the app (Pilot, headless), real bank/store/grader"}


def figures(quick: bool) -> list[dict]:
    return [*startup_figures(3 if quick else 9), rss_figure(50)]


# --- the scripted session, run in its own process so its peak RSS is its own -------------------------


def scripted_session(db: str, reviews: int) -> tuple[int, int]:
    """Answer `reviews` problems through the real app (alternating right and wrong answers).

    The clock moves an hour per review so that learning steps come due and the queue never runs dry.
    Returns (peak RSS in kB, reviews recorded).
    """
    import asyncio
    import resource
    from datetime import datetime, timedelta, timezone

    from trainer.cli import locations
    from trainer.core.grading.grader import answer_text
    from trainer.session import Session
    from trainer.ui.app import TrainerApp

    now = [datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)]

    def factory():
        return Session.open(db, bank_paths=[locations.bundled_problems_dir()], clock=lambda: now[0],
                            seed=1, settings={"new_per_day": 1000})

    async def wait(pilot, predicate, timeout=120.0):
        end = time.monotonic() + timeout
        while not predicate():
            await pilot.pause()
            await asyncio.sleep(0.005)
            if time.monotonic() > end:
                raise RuntimeError("the app stalled")

    async def drive() -> int:
        app = TrainerApp(factory, tz=timezone.utc)
        recorded = 0
        async with app.run_test(size=(100, 32)) as pilot:
            await wait(pilot, lambda: app.problems_shown >= 1 or getattr(app.screen, "state", "") == "empty")
            for i in range(reviews):
                screen = app.screen
                if screen.state == "empty":
                    break
                instance = screen.item.instance
                mistakes = instance.mistakes
                # Right on even reviews, the template's first anticipated slip on odd ones.
                text = answer_text(instance, mistakes[0] if i % 2 and mistakes else None)
                screen.query_one("#answer").value = text
                await pilot.press("enter")
                await wait(pilot, lambda: screen.state == "feedback" or (
                    screen.state == "answering" and screen.query_one("#echo").has_class("-error")))
                if screen.state == "answering":  # unreadable: type something plain instead
                    screen.query_one("#answer").value = "0"
                    await pilot.press("enter")
                    await wait(pilot, lambda: screen.state == "feedback")
                recorded += screen.outcome is not None and screen.outcome.recorded
                now[0] += timedelta(hours=1)
                shown = app.problems_shown
                await pilot.press("enter")
                await wait(pilot, lambda: app.problems_shown > shown or screen.state == "empty")
        return recorded

    done = asyncio.run(drive())
    return _own_peak_kb(resource), done


def _own_peak_kb(resource) -> int:
    """This process's own peak RSS in kB. Linux's `ru_maxrss` also counts the parent's memory at the
    fork before `exec` (after the storage benchmark that was 850 MB), so the high-water mark of this
    process's own memory map (`VmHWM`) is read where it exists."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "session":
        peak, done = scripted_session(sys.argv[2], int(sys.argv[3]))
        print(peak, done)
    else:
        for fig in figures(quick="--quick" in sys.argv):
            print(fig)
