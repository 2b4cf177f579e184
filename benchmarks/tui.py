"""TUI latency figures, measured through Pilot with real timestamps: Enter → verdict drawn, Enter →
next problem drawn, and opening Home, Progress and Bank (after their first open).

Benchmark module (`figures(quick)` for `python -m benchmarks`). The real app runs headless under
`run_test` in this process on the bundled bank and a fresh database, with the session thread as in
use. A key is sent through the driver as `Pilot.press` sends it, but without the idle waits `press`
adds (20 ms sleeps or more, which are the harness's, not the app's). Each frame the app hands to its
driver is timestamped; a latency runs from the key (or action) to the first frame at which the
result was on screen (the verdict panel laid out, the next prompt laid out, the screen on top with
its loading workers done), and "settled" to the last frame of the burst (scrolling, footer keys).
Every operation starts from a quiet app; p95 is the figure the targets name.

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

import trainer.ui  # noqa: F401 - before Textual, as the app starts: it sets Textual's frame rate

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


class _Frames:
    """Timestamps of the frames the app hands to its driver, and the first frame at which a condition held.

    Headless, `App._display` receives each compositor update once it is computed (the terminal write is
    skipped), so a frame's time is when it would reach the terminal. `watch(predicate)` records the
    first later frame at which the predicate held *as the frame was produced*.
    """

    def __init__(self, app) -> None:
        self.times: list[float] = []
        self._predicate = None
        self.hit: float | None = None
        display = app._display

        def timed_display(screen, renderable):
            if renderable is not None:
                now = time.perf_counter()
                self.times.append(now)
                if self._predicate is not None and self.hit is None and self._predicate():
                    self.hit = now
            return display(screen, renderable)

        app._display = timed_display

    def watch(self, predicate) -> None:
        self._predicate, self.hit = predicate, None


async def _until(predicate, timeout: float = 120.0) -> None:
    """Poll every millisecond: the poll costs the event loop next to nothing, unlike `pilot.pause()`."""
    end = time.monotonic() + timeout
    while not predicate():
        await asyncio.sleep(0.001)
        if time.monotonic() > end:
            raise RuntimeError("the app stalled")


async def _settled(frames: _Frames, quiet: float = 0.15, timeout: float = 120.0) -> float:
    """Wait until no frame has come for `quiet` seconds; the time of the last frame."""
    end = time.monotonic() + timeout
    while True:
        last = frames.times[-1] if frames.times else 0.0
        await asyncio.sleep(quiet)
        if (frames.times[-1] if frames.times else 0.0) == last:
            return last
        if time.monotonic() > end:
            raise RuntimeError("the app never settled")


def _idle(app, group: str) -> bool:
    return not any(w.group == group and not w.is_finished for w in app.workers)


def _press(app, key: str, character: str | None) -> None:
    """The key as `Pilot.press` sends it (through the driver), without the idle waits `press` adds after
    it: those sleep 20 ms or more each and would be counted as the app's latency."""
    from textual import events

    event = events.Key(key, character)
    event.set_sender(app)
    app._driver.send_message(event)


async def _drive(db: Path, rounds: int, counts: _Counts | None = None) -> dict[str, list]:
    from datetime import datetime, timedelta, timezone

    from trainer.cli import locations
    from trainer.core.grading.grader import answer_text
    from trainer.session import Session
    from trainer.ui.app import TrainerApp
    from textual.screen import Screen

    from trainer.ui.widgets.feedback_panel import FeedbackPanel

    now = [datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)]

    def factory():
        return Session.open(db, bank_paths=[locations.bundled_problems_dir()], clock=lambda: now[0], seed=1,
                            settings={"new_per_day": 1000})

    counts = counts or _Counts()
    keys = ("verdict", "next", *(name for name, _, _ in SCREENS))
    out: dict[str, list] = {key: [] for key in keys} | {f"{key}:settled": [] for key in keys}
    work: dict[str, list[tuple]] = {key: [] for key in keys}
    app = TrainerApp(factory, tz=timezone.utc)

    async with app.run_test(size=(100, 32)) as pilot:
        frames = _Frames(app)
        spawned = []  # every worker started, in order (the manager forgets a worker once it ends)
        add_worker = app.workers.add_worker

        def recorded_add_worker(worker, *args, **kwargs):
            spawned.append(worker)
            return add_worker(worker, *args, **kwargs)

        app.workers.add_worker = recorded_add_worker
        resumed = []  # screens in the order they handled ScreenResume (after their own handlers)
        on_resume = Screen._on_screen_resume

        def recorded_resume(screen, event):
            resumed.append(screen)
            return on_resume(screen, event)

        Screen._on_screen_resume = recorded_resume

        def shown(widget) -> bool:
            """The widget is laid out on the screen in the frame being produced."""
            return widget in app.screen._compositor.visible_widgets

        async def measure(key: str, act, drawn) -> None:
            """From `act()` to the first frame at which `drawn()` held, and to the last frame of the burst."""
            await _settled(frames)
            frames.watch(drawn)
            t0, c0 = time.perf_counter(), counts.now()
            await act()
            await _until(lambda: frames.hit is not None)
            settled = await _settled(frames)
            out[key].append(frames.hit - t0)
            out[f"{key}:settled"].append(settled - t0)
            work[key].append(tuple(b - a for a, b in zip(c0, counts.now())))
            frames.watch(None)

        await _until(lambda: app.problems_shown >= 1)
        await _until(lambda: _idle(app, "warm-up"))
        for i in range(rounds):
            screen = app.screen
            instance = screen.item.instance
            screen.query_one("#answer").value = answer_text(instance, instance.mistakes[0]
                                                            if i % 2 and instance.mistakes else None)
            panel = screen.query_one(FeedbackPanel)

            async def enter() -> None:
                _press(app, "enter", "\r")

            await _settled(frames)
            if screen.query_one("#echo").has_class("-error"):  # an unreadable typed form: not a grading figure
                screen.query_one("#answer").value = "0"
                _press(app, "enter", "\r")
                await _until(lambda: screen.state == "feedback")
            else:
                await measure("verdict", enter, lambda: screen.state == "feedback" and shown(panel))
            now[0] += timedelta(hours=1)
            before = app.problems_shown
            prompt = screen.query_one("#prompt")
            await measure("next", enter, lambda: app.problems_shown > before and screen.state == "answering"
                          and shown(prompt))
        for k in range(rounds // 2 + 1):
            for name, action, group in SCREENS:
                async def open_screen() -> None:
                    await getattr(app, action)()

                screen_type = name + "Screen"

                def drawn(screen_type=screen_type) -> bool:
                    """The screen is on top, has handled its resume, and every worker started since the
                    key (its data loading) has finished."""
                    return (type(app.screen).__name__ == screen_type
                            and any(type(s).__name__ == screen_type for s in resumed[resumed_before:])
                            and all(w.is_finished for w in spawned[started_before:]))

                if k:  # the first open of each screen imports and builds it: not the figure
                    await _settled(frames)
                    started_before, resumed_before = len(spawned), len(resumed)
                    await measure(name, open_screen, drawn)
                else:
                    await open_screen()
                    await _until(lambda group=group: _idle(app, group))
        await pilot.pause()
        Screen._on_screen_resume = on_resume
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
    from textual.constants import MAX_FPS as fps

    out = []
    for key, (label, target) in targets.items():
        values = times[key]
        if not values:
            continue
        settled = times[f"{key}:settled"]
        out.append({"group": "tui", "name": f"{label}, p95", "value": _p95(values) * 1000, "unit": "ms",
                    "target": target, "note": f"median {statistics.median(values) * 1000:.0f} ms over "
                    f"{len(values)}; key to the first frame that shows it; Pilot, headless, real bank and grader, "
                    f"{fps} frames/s"})
        out.append({"group": "tui", "name": f"{label}, settled, p95", "value": _p95(settled) * 1000, "unit": "ms",
                    "target": None, "note": f"median {statistics.median(settled) * 1000:.0f} ms; to the last frame "
                    "before 150 ms without one (scrolling, footer and focus follow-ups)"})
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
