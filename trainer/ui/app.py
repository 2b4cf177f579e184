"""`TrainerApp`: the Textual application that drills ML equations, reviews them and shows progress.

UI layer. The CLI (the composition root) hands it a built session or a factory that builds one; the
factory runs on the session thread (see `runner.py`) while Textual starts, so the first problem is on
screen quickly. When the CLI found the problem kept from the last run (`first_problem.py`), that one
is drawn first and the factory starts only after the first frame. Screens are imported on first use
to keep start-up light.
"""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Callable, Iterable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from trainer.ui.runner import SessionRunner

#: Seconds a screen switch waits for a kept screen's data (`TrainerApp._prepare`).
PREPARE_WAIT = 0.25

if TYPE_CHECKING:
    from trainer.ui.first_problem import FirstProblem, ProblemView


def _warm_up(session: Any) -> None:
    """After the first problem is on screen: compile the rest of the bank, import the grader."""
    import trainer.core.grading.grader  # noqa: F401
    import trainer.core.language.answer_syntax  # noqa: F401

    build_all = getattr(session.bank, "build_all", None)
    if build_all is not None:
        build_all()
    # The compiled bank and the grader's modules live as long as the app: out of the collector's
    # sight, a full collection no longer rescans them (one took ~250 ms while a screen opened).
    gc.freeze()


def _write_kept(session: Any, path: Any, key: str, template_id: str, seed: int, view: ProblemView) -> None:
    """Keep a problem for the next start (on the session thread; a failure only costs speed)."""
    from trainer.ui.first_problem import FirstProblem, file_digest

    template = session.bank.templates.get(template_id)
    template_path = getattr(template, "path", None)
    digest = file_digest(template_path)
    if digest is None:
        return
    try:
        FirstProblem(template_id, seed, digest, os.path.abspath(template_path), key, view).write(path)
    except (OSError, TypeError, ValueError):
        pass


class TrainerApp(App[None]):
    """The trainer: Home underneath, the review screen on top at start."""

    TITLE = "trainer"
    SUB_TITLE = "the equations of machine learning"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("f1", "open_help", "Help", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        session_or_factory: Any,
        *,
        exit_when_ready: bool | str = False,
        tz: tzinfo | None = None,
        start_with_review: bool = True,
        first_problem: FirstProblem | None = None,
        first_problem_path: str | os.PathLike | None = None,
        first_problem_key: str = "",
        offer_placement: bool = False,
    ):
        """
        Args:
            exit_when_ready: quit once the first problem takes input (benchmarks); "session": once
                the session has taken it over (a kept problem is drawn before that).
            first_problem: the problem kept from the last run, drawn before the session is built.
            first_problem_path: where to keep the problem on screen for the next start (None: not kept).
            first_problem_key: the launch the kept problem belongs to (`first_problem.launch_key`).
        """
        super().__init__()
        # A runner already started by the CLI (before Textual was imported) is used as it is.
        self.runner = (session_or_factory if isinstance(session_or_factory, SessionRunner)
                       else SessionRunner(session_or_factory))
        self.exit_when_session = exit_when_ready == "session"
        self.exit_when_ready = bool(exit_when_ready) and not self.exit_when_session
        self._first_problem = first_problem
        self.first_problem_path = first_problem_path
        self.first_problem_key = first_problem_key
        #: The kept problem was answered and nothing newer is kept: at quit the next one is kept.
        self._keep_next_at_quit = False
        self.start_with_review = start_with_review
        #: Start on Home and offer the placement test if the session finds the database new (the CLI
        #: asks for this when the database file does not exist yet, so other starts keep the fast path).
        self.offer_placement = offer_placement
        self.tz = tz
        self.problems_shown = 0
        #: The answer being typed when the review screen was left: (template id, seed, text, hint shown).
        self.review_draft: tuple[str, int, str, bool] | None = None
        self.failure: Exception | None = None
        # Theme changes are saved only once the stored theme has been applied at start.
        self._theme_restored = False

    def get_driver_class(self):
        """Textual's driver for this platform; on Linux/macOS one that survives non-UTF-8 input."""
        driver = super().get_driver_class()
        if driver.__module__ == "textual.drivers.linux_driver" and driver.__name__ == "LinuxDriver":
            from trainer.ui.terminal_driver import TolerantLinuxDriver

            return TolerantLinuxDriver
        return driver

    # -- helpers shared by screens -------------------------------------------------------------
    def local(self, when: datetime | None) -> datetime | None:
        """A UTC time in the display zone (the machine's, unless the app was given one)."""
        if when is None:
            return None
        return when.astimezone(self.tz) if self.tz is not None else when.astimezone()

    def problem_ready(self, *, kept: bool = False, then: Callable[[], Any] | None = None) -> None:
        """Called by the review screen once a problem is shown and its input has focus.

        `kept`: the problem drawn is the one kept from the last run, before the session exists;
        `then` runs after the first frame unless the app quits then (it starts the session's take-over).
        """
        self.problems_shown += 1
        if self.problems_shown != 1:
            return
        if self.exit_when_ready or (self.exit_when_session and not kept):
            # After the next refresh, so the measured time includes drawing the problem.
            self.call_after_refresh(self.exit)
            return

        def after_first_frame() -> None:
            # The session is built now if the first frame did not wait for it (a kept problem).
            self._watch_session()
            if then is not None:
                then()
            # While the learner reads the first problem: load the grader and the input parser
            # (the live echo's), so the first keystroke and the first Enter do not wait for them.
            # (Not when quitting at the take-over: the benchmark would time the warm-up too.)
            if not self.exit_when_session:
                self.run_worker(self.runner.call(_warm_up), group="warm-up")

        self.call_after_refresh(after_first_frame)

    def session_took_over(self) -> None:
        """Called by the review screen once the session has replaced the kept problem."""
        if self.exit_when_session:
            self.call_after_refresh(self.exit)

    def take_first_problem(self) -> FirstProblem | None:
        """The problem kept from the last run, once (the first review screen draws it)."""
        kept, self._first_problem = self._first_problem, None
        return kept

    def keep_problem(self, template_id: str, seed: int, view: ProblemView) -> None:
        """Keep the problem now on screen for the next start (written on the session thread)."""
        self._keep_next_at_quit = False
        if self.first_problem_path is None:
            return
        path, key = self.first_problem_path, self.first_problem_key
        self.runner.post(lambda session: _write_kept(session, path, key, template_id, seed, view))

    def problem_answered(self) -> None:
        """The kept problem was answered: forget it (at quit, the next one is kept instead)."""
        if self.first_problem_path is None:
            return
        from trainer.ui.first_problem import remove

        self._keep_next_at_quit = True
        remove(self.first_problem_path)  # at once: a start must never show an answered problem again

    # -- lifecycle -------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        if self.start_with_review:
            # Home is pushed when first asked for (Esc): at start only the problem is on the clock.
            return Screen(id="base")
        from trainer.ui.screens.home_screen import HomeScreen

        return HomeScreen()

    async def on_mount(self) -> None:
        self._offer = offer = self.offer_placement and not self.exit_when_ready
        if offer:
            await self.action_home()  # a new database: Home, with the placement offer once the session is up
        elif self.start_with_review:
            await self.action_review()
        if self.runner.started:
            self._watch_session()

    def _watch_session(self) -> None:
        """Report a session that fails to build, and its notices, once it is built (once)."""
        if not getattr(self, "_watching_session", False):
            self._watching_session = True
            self.run_worker(self._session_opened(), group="open")

    async def _session_opened(self) -> None:
        try:
            session = await self.runner.opened()
        except Exception as exc:  # the factory failed: corrupt database, unreadable folder...
            # Reported by the caller once the terminal is restored (Textual would wrap it).
            self.failure = exc
            self.exit(return_code=1)
            return
        for notice in getattr(session, "notices", ()):  # read-only database, skipped backup
            self.notify(notice, title="Progress database", severity="warning", timeout=15)
        await self._restore_theme()
        if getattr(self, "_offer", False) and not await self._offer_placement() and self.start_with_review:
            await self.action_review()

    async def _offer_placement(self) -> bool:
        """The placement offer over Home, if the session says the database is new (made once:
        declining is remembered). Returns whether it was shown."""
        try:
            questions = await self.runner.call(lambda s: s.placement_offer())
        except Exception:  # the offer is a nicety; the review goes on
            return False
        if not questions:
            return False
        from trainer.ui.screens.placement_offer_modal import PlacementOfferModal

        async def chosen(accepted: bool | None) -> None:
            if accepted:
                await self.action_place()
                return
            try:
                await self.runner.call(lambda s: s.decline_placement())
            except Exception as exc:  # a read-only database: offered again next time
                self.notify(f"Not remembered: {exc}", severity="warning", markup=False)

        self.push_screen(PlacementOfferModal(questions), chosen)
        return True

    async def _restore_theme(self) -> None:
        """Apply the stored theme (a name this Textual does not know is left alone)."""
        try:
            stored = await self.runner.call(lambda s: s.settings.get("theme"))
        except Exception:  # the theme is a nicety; a failed read leaves the default
            stored = None
        if isinstance(stored, str) and stored in self.available_themes and stored != self.theme:
            self.theme = stored
        self._theme_restored = True

    def watch_theme(self, theme: str) -> None:
        """Store a theme picked anywhere (settings screen, command palette) so the next start uses it."""
        if getattr(self, "_theme_restored", False):
            self.run_worker(self._save_theme(theme), group="theme", exclusive=True)

    async def _save_theme(self, theme: str) -> None:
        try:
            await self.runner.call(lambda s: s.set_setting("theme", theme))
        except Exception as exc:  # a read-only database: the theme applies to this run only
            self.notify(f"The theme is not kept: {exc}", severity="warning", markup=False)

    async def on_unmount(self) -> None:
        if self._keep_next_at_quit and self.first_problem_path is not None and self.runner.session is not None:
            from trainer.ui.screens.review_screen import keep_next

            path, key = self.first_problem_path, self.first_problem_key
            try:  # awaited: shutting down cancels calls still queued
                await asyncio.wait_for(self.runner.call(keep_next, path, key), timeout=10)
            except Exception:  # only the next start's head start is lost
                pass
        self.runner.shutdown()

    # -- actions (all of them are also in the command palette) ----------------------------------
    async def action_review(self) -> None:
        from trainer.ui.screens.review_screen import ReviewScreen

        await self._switch_to(ReviewScreen())

    def action_quiz(self) -> None:
        from trainer.ui.screens.quiz_setup_modal import QuizSetupModal

        async def start(choice: dict | None) -> None:
            if choice:
                from trainer.ui.screens.quiz_screen import QuizScreen

                await self._switch_to(QuizScreen(**choice))

        self.push_screen(QuizSetupModal(), start)

    async def action_place(self) -> None:
        from trainer.ui.screens.placement_screen import PlacementScreen

        await self._switch_to(PlacementScreen())

    async def action_progress(self) -> None:
        from trainer.ui.screens.progress_screen import ProgressScreen

        await self._switch_to(self._kept_screen("progress", ProgressScreen))

    async def action_bank(self) -> None:
        from trainer.ui.screens.bank_screen import BankScreen

        await self._switch_to(self._kept_screen("bank", BankScreen))

    def _kept_screen(self, name: str, screen_type: type[Screen]) -> Screen:
        """One instance per run of a screen that is costly to build (widgets mounted and styled, tables
        filled): installed, it stays mounted when closed and refreshes its data when shown again."""
        if not self.is_screen_installed(name):
            self.install_screen(screen_type(), name)
        return self.get_screen(name)

    async def action_settings(self) -> None:
        from trainer.ui.screens.settings_screen import SettingsScreen

        await self._switch_to(SettingsScreen())

    def action_open_help(self) -> None:
        from trainer.ui.screens.help_screen import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_home(self) -> None:
        from trainer.ui.screens.home_screen import HomeScreen

        home = next((s for s in self.screen_stack if isinstance(s, HomeScreen)), None)
        if home is not None and home is not self.screen:
            await self._prepare(home)
        await self._close_to_home()
        if not isinstance(self.screen, HomeScreen):
            await self.push_screen(HomeScreen())

    async def _close_to_home(self, keep_top: bool = False) -> None:
        """Pop screens until Home is on top, or only the base screen is left (with `keep_top`, the
        screen above Home stays, for the caller to replace)."""
        if len(self.screen_stack) <= 1:  # at start: Home (and its DataTable) need not be imported yet
            return
        from trainer.ui.screens.home_screen import HomeScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            below = self.screen_stack[-2]
            if keep_top and (len(self.screen_stack) == 2 or isinstance(below, HomeScreen)):
                return
            self._set_aside_top()
            await self.pop_screen()

    def _set_aside_top(self) -> None:
        set_aside = getattr(self.screen, "set_aside", None)
        if set_aside is not None:  # a review left mid-answer keeps its problem and typed text
            set_aside()

    async def _switch_to(self, screen: Screen) -> None:
        """Show a top-level screen above Home (or the base), closing whichever one was open.

        The screen on top is replaced, not popped first: Home never shows (nor reloads) in between.
        """
        if screen is self.screen:
            return
        from trainer.ui.screens.home_screen import HomeScreen

        await self._prepare(screen)
        await self._close_to_home(keep_top=True)
        if len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self._set_aside_top()
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)

    async def _prepare(self, screen: Screen) -> None:
        """Let a kept screen read its fresh data *before* it is shown, while this loop is free to
        take the session thread's answer: its first frame is then complete, where a reload after
        the switch waits behind the whole screen's restyle and render (80 ms on this machine).

        A screen that is not mounted yet (first open) loads as it mounts. If the session is busy for
        longer than `PREPARE_WAIT`, the screen is shown anyway and its data lands when it comes.
        """
        prepare = getattr(screen, "prepare", None)
        if prepare is None or not screen.is_mounted:
            return
        task = asyncio.ensure_future(prepare())
        # A prepare that failed only costs the head start (the screen reloads as it always did).
        task.add_done_callback(lambda done: done.cancelled() or done.exception())
        await asyncio.wait({task}, timeout=PREPARE_WAIT)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("Review", "Review the problems that are due", self.action_review)
        yield SystemCommand("Quiz", "A self-check run that leaves the schedule alone", self.action_quiz)
        yield SystemCommand("Progress", "Cards by state, retention, forecast, time per day, mistakes",
                            self.action_progress)
        yield SystemCommand("Bank", "Browse, preview and reload the problem templates", self.action_bank)
        yield SystemCommand("Settings", "Daily limits, desired retention, leeches, backups, theme",
                            self.action_settings)
        yield SystemCommand("Home", "Back to the overview", self.action_home)
        yield SystemCommand("Placement test", "On a new database: start the schedule at what you already know",
                            self.action_place)
        yield SystemCommand("Help", "Every key, and how to type answers", self.action_open_help)
        yield from getattr(screen, "screen_commands", lambda: ())()
        yield from super().get_system_commands(screen)
