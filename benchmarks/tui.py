"""TUI latency figures, measured through Pilot with real timestamps: Enter → verdict drawn, Enter →
next problem drawn, and opening Home, Progress and Bank (after their first open).

Benchmark module (`figures(quick)` for `python -m benchmarks`). The real app runs headless in this
process on the bundled bank and a fresh database, with the session thread as in use. A latency runs
from the key (or action) to the moment the screen's loading workers have finished and the following
refresh has been processed, polled every millisecond; p95 is the figure the targets name.

Because the machine may be shared, each latency also has a load-independent count: how many nodes
Textual restyled (`Stylesheet.apply` calls, the cost of class, pseudo-class and mount changes) and how
many widget lines it rendered, per operation (medians).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

SCREENS = (("Home", "action_home", "home"), ("Progress", "action_progress", "stats"), ("Bank", "action_bank", "bank"))


class _Counts:
    """Counts calls of Textual's per-node restyle and per-line render while installed."""

    def __init__(self) -> None:
        self.restyled = 0
        self.lines = 0

    def install(self):
        from textual._styles_cache import StylesCache
        from textual.css.stylesheet import Stylesheet

        apply, render_line = Stylesheet.apply, StylesCache.render_line
        counts = self

        def counted_apply(sheet, node, *args, **kwargs):
            counts.restyled += 1
            return apply(sheet, node, *args, **kwargs)

        def counted_render_line(cache, *args, **kwargs):
            counts.lines += 1
            return render_line(cache, *args, **kwargs)

        Stylesheet.apply, StylesCache.render_line = counted_apply, counted_render_line

        def uninstall() -> None:
            Stylesheet.apply, StylesCache.render_line = apply, render_line

        return uninstall

    def now(self) -> tuple[int, int, float, float]:
        return self.restyled, self.lines, time.thread_time() * 1000, time.process_time() * 1000


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def _until(pilot, predicate, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        await pilot.pause()
        await asyncio.sleep(0.001)
        if time.monotonic() > end:
            raise RuntimeError("the app stalled")


def _idle(app, group: str) -> bool:
    return not any(w.group == group and not w.is_finished for w in app.workers)


async def _drive(db: Path, rounds: int, counts: _Counts | None = None) -> dict[str, list]:
    from datetime import datetime, timedelta, timezone

    from trainer.cli import locations
    from trainer.core.grading.grader import answer_text
    from trainer.session import Session
    from trainer.ui.app import TrainerApp

    now = [datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)]

    def factory():
        return Session.open(db, bank_paths=[locations.bundled_problems_dir()], clock=lambda: now[0], seed=1,
                            settings={"new_per_day": 1000})

    counts = counts or _Counts()
    out: dict[str, list] = {"verdict": [], "next": [], **{name: [] for name, _, _ in SCREENS}}
    work: dict[str, list[tuple]] = {key: [] for key in out}

    def done(key: str, t0: float, c0: tuple) -> None:
        out[key].append(time.perf_counter() - t0)
        work[key].append(tuple(b - a for a, b in zip(c0, counts.now())))
    app = TrainerApp(factory, tz=timezone.utc)
    async with app.run_test(size=(100, 32)) as pilot:
        await _until(pilot, lambda: app.problems_shown >= 1)
        await _until(pilot, lambda: _idle(app, "warm-up"))
        for i in range(rounds):
            screen = app.screen
            instance = screen.item.instance
            screen.query_one("#answer").value = answer_text(instance, instance.mistakes[0]
                                                            if i % 2 and instance.mistakes else None)
            t0, c0 = time.perf_counter(), counts.now()
            await pilot.press("enter")
            await _until(pilot, lambda: screen.state == "feedback" or screen.query_one("#echo").has_class("-error"))
            await pilot.pause()
            if screen.state != "feedback":  # an unreadable typed form: not a grading figure
                screen.query_one("#answer").value = "0"
                await pilot.press("enter")
                await _until(pilot, lambda: screen.state == "feedback")
            else:
                done("verdict", t0, c0)
            now[0] += timedelta(hours=1)
            shown = app.problems_shown
            t0, c0 = time.perf_counter(), counts.now()
            await pilot.press("enter")
            await _until(pilot, lambda: app.problems_shown > shown)
            await pilot.pause()
            done("next", t0, c0)
        for k in range(rounds // 2 + 1):
            for name, action, group in SCREENS:
                t0, c0 = time.perf_counter(), counts.now()
                await getattr(app, action)()
                await pilot.pause()
                await _until(pilot, lambda: _idle(app, group))
                await pilot.pause()
                if k:  # the first open of each screen imports and builds it: not the figure
                    done(name, t0, c0)
    return {**out, **{f"{key}:work": value for key, value in work.items()}}


def figures(quick: bool) -> list[dict]:
    rounds = 10 if quick else 30
    counts = _Counts()
    uninstall = counts.install()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            times = asyncio.run(_drive(Path(tmp) / "tui.db", rounds, counts))
    finally:
        uninstall()
    targets = {"verdict": ("Enter → verdict drawn", "≤ 50 ms"), "next": ("Enter → next problem drawn", "≤ 100 ms")}
    targets.update({name: (f"open {name} (after the first open)", "≤ 150 ms") for name, _, _ in SCREENS})
    out = []
    for key, (label, target) in targets.items():
        values = times[key]
        if not values:
            continue
        out.append({"group": "tui", "name": f"{label}, p95", "value": _p95(values) * 1000, "unit": "ms",
                    "target": target, "note": f"median {statistics.median(values) * 1000:.0f} ms over "
                    f"{len(values)}; Pilot, headless, real bank and grader"})
        work = times[f"{key}:work"]
        out.append({"group": "tui", "name": f"{label}, nodes restyled", "value": statistics.median(w[0] for w in work),
                    "unit": "nodes", "target": None, "note": f"median over {len(work)} (load-independent); "
                    f"widget lines rendered: median {statistics.median(w[1] for w in work):.0f}; CPU time: event "
                    f"loop {statistics.median(w[2] for w in work):.0f} ms, whole process (with the session thread) "
                    f"{statistics.median(w[3] for w in work):.0f} ms"})
    return out


if __name__ == "__main__":
    for fig in figures(quick="--quick" in sys.argv):
        print(fig)
