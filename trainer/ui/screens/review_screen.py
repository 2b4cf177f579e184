"""`ReviewScreen`: one problem at a time — its front (prompt, given parameters, the equation card only
where the template allows it), answer with live echo — then the back: the feedback with the equation
card and the worked solution, and the rating (1–4 to override) before the next problem.

UI layer. Every session call runs on the session thread (`app.runner`); the results come back as
`ItemLoaded` / `AnswerGraded` messages. `QuizScreen` reuses this flow with a quiz as the source.
Leaving mid-answer sets the problem aside in the session and the typed text in the app, so coming
back resumes both. Each problem drawn in a review is kept for the next start (`first_problem.py`); the
first review screen of a run draws the kept one at once and lets the session take it over once built
(an Enter pressed before that is graded then, against the regenerated instance).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from trainer.ui.echo import read_answer
from trainer.ui.first_problem import ProblemView
from trainer.ui.messages import AnswerGraded, ItemLoaded, SessionFailed
from trainer.ui.widgets.answer_echo import AnswerEcho
from trainer.ui.widgets.equation_card import EquationCard
from trainer.ui.widgets.feedback_panel import FeedbackPanel
from trainer.ui.widgets.param_grid import ParamGrid
from trainer.ui.widgets.plain_text import plain, visible
from trainer.ui.widgets.trainer_footer import TrainerFooter

if TYPE_CHECKING:
    from trainer.core.grading import Verdict
    from trainer.core.templates import Answer, Instance
    from trainer.core.templates.card_front import Front
    from trainer.session import Item, Outcome

ANSWERING, GRADING, FEEDBACK, EMPTY, LOADING = "answering", "grading", "feedback", "empty", "loading"
#: Seconds a wait (grading, the next problem) may last before the screen shows it. A grade or the next
#: problem nearly always comes sooner, and drawing the wait first would cost a whole extra frame (a
#: relayout) before the one the learner waits for.
WAIT_SHOWN_AFTER = 0.25
RATE_KEYS = Binding.Group("Rate", compact=True)


def equation_card(equation_id: str) -> Any | None:
    """The reference card of an equation, or None if no solver module defines it."""
    from trainer.core.solvers.equations import equations

    try:
        return equations().get(equation_id)
    except Exception:  # a broken solver module must not take the review screen down
        return None


def interval_text(due: Any, shown_at: Any) -> str:
    """How far away the next review is, as a learner says it: "in 10 min", "in 3 days"."""
    seconds = (due - shown_at).total_seconds()
    if seconds < 3600:
        return f"in {max(1, round(seconds / 60))} min"
    if seconds < 86400:
        return f"in {round(seconds / 3600)} h"
    days = round(seconds / 86400)
    return f"in {days} day{'s' if days != 1 else ''}" if days < 60 else f"in {round(days / 30)} months"


def short_interval(seconds: float) -> str:
    """An interval as Anki's rating buttons show it: "10m", "5h", "3d", "1.5mo", "2y"."""
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}".removesuffix(".0") + "mo"
    return f"{days / 365:.1f}".removesuffix(".0") + "y"


def rating_keys(intervals: dict[int, Any] | None, since: Any) -> str | None:
    """The four rating keys with the interval each gives: "1 Again 10m · 2 Hard 1d · 3 Good 3d · 4 Easy 8d"."""
    if not intervals or since is None:
        return None
    names = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
    return " · ".join(f"{r} {names[r]} {short_interval((intervals[r] - since).total_seconds())}"
                      for r in sorted(intervals) if r in names)


def front_of(instance: Instance, template: Any | None) -> Front:
    """What may be on screen before the answer is submitted (`trainer.core.templates.card_front`).

    Without its template (a source that does not say) the front is the conservative one: the
    prompt and options only, with the equation card for compute items.
    """
    from trainer.core.templates.card_front import Front, front

    if template is not None:
        try:
            return front(instance, template)
        except Exception:  # a broken card module must not take the review screen down
            pass
    options = tuple(instance.answer.options) if instance.answer.type == "choice" else ()
    card = equation_card(instance.equation) if getattr(instance, "kind", "") == "compute" else None
    return Front(title=instance.title, prompt=instance.prompt, options=options, card=card)


def shown_params(instance: Instance, shown: Front | None = None) -> dict:
    """The parameters on the front: only those the template marks as `given` (none without a front)."""
    return dict(getattr(shown, "params", None) or {})


def choice_table(options: Any) -> Table:
    """The options of a choice question as (a), (b)… with hanging indents when they wrap."""
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", style="bold")
    table.add_column()
    for i, option in enumerate(options or ()):
        # A str cell would be read as markup: an option "E[X]" must stay E[X].
        table.add_row(f"({'abcdefghijklmnopqrstuvwxyz'[i]})", plain(option))
    return table


def answer_placeholder(answer: Answer) -> str:
    """What to type, by answer type: the learner sees the expected form before typing."""
    atype = answer.type
    precision = f"  ·  {p}" if (p := getattr(answer, "precision_text", "")) else ""
    if atype == "multi":
        labels = [p.label or f"part {i + 1}" for i, p in enumerate(answer.parts)]
        return " | ".join(labels) + "   (parts separated by |)" + precision
    if atype == "formula":
        names = ", ".join(answer.variable_names)
        return f"a formula in {names}" if names else "a formula"
    return {
        "matrix": "a matrix: 1 2; 3 4   (ctrl+g fills a grid)",
        "vector": "a vector: 4 7  or  [4, 7]",
        "set": "the values in any order: 1 3",
        "direction": "a vector (any nonzero multiple)",
        "choice": "the letter of your choice",
        "integer": "a whole number",
    }.get(atype, "your answer — a number, 1/3, 2e-3, √2…") + precision + "  ·  Enter submits"


def problem_view(instance: Any, shown: Any) -> ProblemView:
    """What the review screen draws for `instance` with its front `shown`."""
    return ProblemView.of(instance, shown, visible(answer_placeholder(instance.answer)))


def problem_view_raw(instance: Any, shown: Any) -> ProblemView:
    """As `problem_view`, with the parameter values as they are (when JSON cannot hold one)."""
    card = shown.card
    return ProblemView(title=str(instance.title), topic=str(instance.topic), equation=str(instance.equation),
                       prompt=str(shown.prompt), params=dict(shown.params or {}), options=tuple(shown.options),
                       card=card, placeholder=visible(answer_placeholder(instance.answer)))


def keep_next(session: Any, path: Any, key: str) -> None:
    """At quit, after the kept problem was answered: keep the session's next problem instead (on the
    session thread; a failure only costs the next start its head start)."""
    from trainer.ui.app import _write_kept

    try:
        item = session.next_item()
        if item is None:
            return
        instance = item.instance
        view = problem_view(instance, front_of(instance, session.bank.templates.get(instance.template_id)))
    except Exception:
        return
    _write_kept(session, path, key, instance.template_id, instance.seed, view)


class ReviewScreen(Screen[None]):
    """Scheduled reviews: every graded answer is recorded by the session before the next problem."""

    BINDINGS = [
        Binding("escape", "app.home", "Home"),
        Binding("enter,n,space", "next", "Next", show=True),
        # One footer entry "1234 Rate" (the feedback panel names each rating), so ^q Quit fits in 80 columns.
        Binding("1", "rate(1)", "Again", group=RATE_KEYS),
        Binding("2", "rate(2)", "Hard", group=RATE_KEYS),
        Binding("3", "rate(3)", "Good", group=RATE_KEYS),
        Binding("4", "rate(4)", "Easy", group=RATE_KEYS),
        Binding("ctrl+t", "hint", "Hint"),
        Binding("ctrl+g", "grid", "Grid"),
        Binding("ctrl+r", "reference", "Card"),
        Binding("ctrl+b", "bury", "Skip"),
        Binding("ctrl+s", "suspend", "Suspend"),
        Binding("ctrl+z", "undo", "Undo"),
        Binding("ctrl+o", "card_info", "Info"),
    ]

    scheduled = True
    #: The header's subtitle while a problem is on screen (None: "Review", or "Quiz" when not scheduled).
    mode_title: str | None = None
    #: The last line of the feedback when nothing is scheduled (None: "quiz — not scheduled").
    feedback_note: str | None = None

    def __init__(self) -> None:
        super().__init__()
        self.item: Item | None = None
        self.outcome: Outcome | None = None
        self.verdict: Verdict | None = None
        self.hint_used = False
        self.overridden = False
        self.state = LOADING
        self.next_due_text: str | None = None
        self._has_choices = False
        #: The front on screen (a `ProblemView`: the same attributes as a card_front `Front`).
        self.front: Any = None
        #: The kept problem on screen until the session takes it over, and an answer submitted meanwhile.
        self.kept: Any = None
        self._kept_answer: tuple[str, bool] | None = None
        self._kept_since = 0.0
        #: Shows a wait (GRADING, LOADING) once it has lasted WAIT_SHOWN_AFTER; None when not waiting.
        self._wait_timer: Any = None
        #: The text of the answer being graded (the input may take keys meanwhile; it shows this one).
        self._submitted = ""
        #: The verdict is to be scrolled into view at the next layout that places it.
        self._panel_scroll_pending = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="status-line", markup=False)
        with VerticalScroll(id="review-body"):
            yield EquationCard(id="equation-card", markup=False)
            yield Static("", id="prompt", markup=False)
            yield ParamGrid(id="params", markup=False)
            yield Static("", id="choices", markup=False)
            yield Static("", id="hint", markup=False)
            yield FeedbackPanel(id="feedback", markup=False)
            yield Static("Loading problems…", id="empty-state", markup=False)
        # Outside the scrolling problem so the answer is always in view, even at 80×24.
        with Vertical(id="answer-bar"):
            yield Input(placeholder="your answer — Enter submits", id="answer")
            yield AnswerEcho(id="echo", markup=False)
        yield TrainerFooter()

    def on_mount(self) -> None:
        self.screen_layout_refresh_signal.subscribe(self, self._after_layout, immediate=True)
        kept = self.app.take_first_problem() if self.scheduled else None
        if kept is not None:
            self._show_kept(kept)
            return
        self._set_state(LOADING)
        self.load_next()

    # -- the problem kept from the last run -------------------------------------------------------
    def _show_kept(self, kept: Any) -> None:
        """Draw the kept problem now; the session is built after this frame and takes it over."""
        import time

        self.kept = kept
        self._kept_since = time.monotonic()
        self._draw(kept.view)
        self._set_state(ANSWERING)
        answer = self.query_one("#answer", Input)
        answer.focus(scroll_visible=False)
        self.app.problem_ready(kept=True, then=lambda: self.run_worker(self._take_over(kept), exclusive=True,
                                                                       group="load"))

    async def _take_over(self, kept: Any) -> None:
        """Regenerate the kept problem in the session; use it only if its front is identical."""
        import time
        from datetime import timedelta

        from trainer.ui.first_problem import file_digest

        on_screen = timedelta(seconds=time.monotonic() - self._kept_since)

        def regenerate(session: Any) -> tuple[Any, Any]:
            template = session.bank.templates.get(kept.template_id)
            if template is None or file_digest(getattr(template, "path", None)) != kept.digest:
                return None, None
            item = session.resume(kept.template_id, kept.seed, on_screen)
            if item is None:
                return None, None
            try:
                view = problem_view(item.instance, front_of(item.instance, template)).normalized()
            except (TypeError, ValueError):
                view = None
            if view != kept.view:  # not the problem on screen: never grade against it
                session.set_aside(item)
                return None, None
            return item, view

        try:
            item, view = await self.app.runner.call(regenerate)
        except Exception as exc:
            self.kept = None
            self.post_message(SessionFailed(str(exc)))
            return
        self.kept = None
        if item is None:
            # The bank or the schedule changed since the last run: the session's next problem instead.
            self._kept_answer = None
            await self._load()
            return
        self.item, self.front = item, view
        self.app.session_took_over()
        self.run_worker(self._show_status(), group="status")  # the kept problem was drawn without it
        self._mount_footer_keys()
        answer = self.query_one("#answer", Input)
        pending, self._kept_answer = self._kept_answer, None
        if pending is not None and self.state == GRADING:
            text, hint_used = pending
            self.run_worker(self._grade(item, text, hint_used), exclusive=True, group="grade")
            return
        self._echo(answer.value)
        self.refresh_bindings()

    def set_aside(self) -> None:
        """Called by the app just before this screen closes (Esc → Home, another screen).

        Leaving mid-answer keeps the problem and what was typed: the session serves the same Item
        next, and the app keeps the text for the next review screen.
        """
        if not self.scheduled or self.state != ANSWERING or self.item is None:
            return
        item = self.item
        text = self.query_one("#answer", Input).value
        self.app.review_draft = (item.instance.template_id, item.instance.seed, text, self.hint_used)
        self.app.runner.post(lambda s: s.set_aside(item))

    # -- sources (the quiz overrides these three) ----------------------------------------------
    async def fetch(self) -> tuple[Item | None, dict | None]:
        """The next item, and the summary for the status line (None: fetched after the item)."""
        return await self.app.runner.call(lambda s: s.next_item()), None

    async def fetch_summary(self) -> dict:
        return await self.app.runner.call(lambda s: s.summary())

    async def fetch_front(self, item: Any) -> Any:
        """The front of `item`, built on the session thread from its template."""
        instance = item.instance

        def build(session: Any) -> Any:
            templates = getattr(getattr(session, "bank", None), "templates", None) or {}
            return front_of(instance, templates.get(instance.template_id))

        return await self.app.runner.call(build)

    async def grade(self, item: Item, text: str, hint_used: bool) -> tuple[Verdict, Outcome | None]:
        """(verdict, outcome) for the text typed (outcome None when nothing is recorded)."""
        outcome = await self.app.runner.call(lambda s: s.submit(item, text, hint_used=hint_used))
        return outcome.verdict, outcome

    def status_text(self, summary: dict) -> str:
        parts = [f"due {summary.get('due_now', 0)}", f"new left today {summary.get('new_left_today', 0)}",
                 f"reviewed today {summary.get('reviewed_today', 0)}", f"streak {summary.get('streak', 0)}"]
        if summary.get("study"):  # a scheduled study of part of the bank (Home → s, or --topic/--tag/--equation)
            parts.insert(0, f"studying {summary['study']}")
        return " · ".join(parts)

    def empty_text(self, summary: dict) -> str:
        from trainer.session import summary_line

        when = self.app.local(summary.get("next_due"))
        today = f"Today: {summary_line(summary['today'])}.\n" if summary.get("today") else ""
        scope = f"Studying {summary['study']} (Home → s to change).\n" if summary.get("study") else ""
        if when is None:
            return (f"Nothing due, and no new problems left today.\n{today}{scope}\n"
                    "Ctrl+P → Quiz for a self-check run, Esc for home.")
        return (f"Nothing due — next review at {when:%H:%M} ({when:%a %d %b}).\n{today}{scope}\n"
                "Ctrl+P → Quiz for a self-check run that leaves the schedule alone, Esc for home.")

    # -- flow -----------------------------------------------------------------------------------
    def load_next(self) -> None:
        self.run_worker(self._load(), exclusive=True, group="load")

    async def _load(self) -> None:
        try:
            item, summary = await self.fetch()
            if summary is None and item is None:  # the empty state needs the next due time
                summary = await self.fetch_summary()
            shown = await self.fetch_front(item) if item is not None else None
        except Exception as exc:
            self.post_message(SessionFailed(str(exc)))
            return
        # Set before the message is handled, on the event loop, so the item never shows without it.
        self.front = shown
        self.post_message(ItemLoaded(item, summary))
        await self._report_generation_failures()
        if summary is None:  # the problem is on screen first; the counts follow
            await self._show_status()

    async def _show_status(self) -> None:
        """The status line (due, new left today, reviewed today, streak), read from the session."""
        try:
            summary = await self.fetch_summary()
        except Exception:  # the counts are a courtesy; the problem on screen matters more
            return
        self.query_one("#status-line", Static).update(plain(self.status_text(summary)))

    async def _report_generation_failures(self) -> None:
        """A notice for each template skipped because it could not generate a problem."""
        try:
            failures = await self.app.runner.call(lambda s: s.unreported_generation_errors())
        except Exception:  # a notice is a nicety; the problem on screen matters more
            return
        for failure in failures:
            # markup=False: the message quotes template text, which must never be read as markup.
            self.notify(f"{failure.template_id} could not generate a problem and was skipped: {failure.message}",
                        title="Template skipped", severity="warning", timeout=10, markup=False)

    def on_item_loaded(self, message: ItemLoaded) -> None:
        # One screen update for the whole change (a dozen widgets), not one per widget touched.
        with self.app.batch_update():
            self._item_loaded(message)
            self._layout_in_next_frame()

    def _item_loaded(self, message: ItemLoaded) -> None:
        if message.summary is not None:
            self.query_one("#status-line", Static).update(plain(self.status_text(message.summary)))
        self.item, self.outcome, self.verdict = message.item, None, None
        self.hint_used = self.overridden = False
        if message.item is None:
            # The last problem's title must not stay over the summary.
            self.query_one("#review-body").border_title = "Nothing due" if self.scheduled else "Quiz finished"
            self.sub_title = self.query_one("#review-body").border_title
            self.query_one("#empty-state", Static).update(plain(self.empty_text(message.summary)))
            self._set_state(EMPTY)
            return
        instance = message.item.instance
        if self.front is None or getattr(self.front, "prompt", None) != instance.prompt:
            self.front = front_of(instance, None)
        try:
            self.front = view = problem_view(instance, self.front).normalized()
        except (TypeError, ValueError):  # a parameter JSON cannot hold: drawn as it is, not kept
            self.front = view = problem_view_raw(instance, self.front)
        else:
            if self.scheduled:
                self.app.keep_problem(instance.template_id, instance.seed, view)
        self._draw(view)
        answer = self.query_one("#answer", Input)
        self._set_state(ANSWERING)
        if self.scheduled:
            self._restore_draft(answer)
        answer.focus(scroll_visible=False)
        self.app.problem_ready()
        self._mount_footer_keys()

    def _mount_footer_keys(self) -> None:
        """After this problem's frame: mount the footer's keys of every state while the learner reads,
        so the first verdict does not wait for the footer to mount Next and the ratings (once: the
        footer knows whether it has)."""
        footer = self.query_one(TrainerFooter)
        if footer.every_key_mounted:
            return
        # Run by the footer itself: its keys are composed (and data-bound) in its own context.
        self.call_after_refresh(footer.call_later, footer.mount_every_key)

    def _draw(self, view: ProblemView) -> None:
        """Draw a problem's front (the same for a kept problem and a fresh one)."""
        card = self.query_one(EquationCard)
        if view.card is not None:
            card.show_equation(view.card, view.equation)
        else:  # the back shows it; nothing of it may be on screen before Enter
            card.show_equation(None, "")
        title = f"{view.title}  ·  {view.topic}"
        self.query_one("#review-body").border_title = plain(title)
        self.sub_title = self.mode_title or ("Review" if self.scheduled else "Quiz")
        self.query_one("#prompt", Static).update(plain(view.prompt.strip()))
        self.query_one(ParamGrid).show_params(view.params)
        choices = self.query_one("#choices", Static)
        choices.update(choice_table(view.options))
        self._has_choices = bool(view.options)
        hint = self.query_one("#hint", Static)
        hint.update("")
        hint.display = False
        answer = self.query_one("#answer", Input)
        answer.value = ""
        answer.placeholder = view.placeholder
        self.query_one(AnswerEcho).clear()
        self.query_one("#review-body").scroll_home(animate=False)

    def _restore_draft(self, answer: Input) -> None:
        """Put back what was typed (and the hint, if it was shown) when this problem was left."""
        draft, self.app.review_draft = self.app.review_draft, None
        instance = self.item.instance
        if draft is None or draft[:2] != (instance.template_id, instance.seed):
            return
        answer.value = draft[2]
        answer.cursor_position = len(draft[2])
        if draft[3]:
            self.action_hint()

    def on_session_failed(self, message: SessionFailed) -> None:
        self.notify(message.error, title="Session error", severity="error", timeout=8, markup=False)
        if self.state in (GRADING, LOADING):
            self._set_state(ANSWERING if self.item is not None else EMPTY)
            if self.state == ANSWERING:  # the input was disabled while grading, which took its focus
                self.query_one("#answer", Input).focus()

    @on(Input.Changed, "#answer")
    def echo(self, event: Input.Changed) -> None:
        if self.item is None:
            return
        shown = visible(event.value)
        if shown != event.value:
            # A paste can carry ESC or C1 controls, which would reach the terminal as the input is
            # drawn, and lone surrogates; they become visible stand-ins (the reader reports them),
            # and the Changed event this assignment posts runs the echo.
            event.input.value = shown
            return
        self._echo(event.value)

    def _echo(self, value: str) -> None:
        """The live reading of `value` under the input (none until the session has the problem)."""
        if self.item is None:
            return
        echo = self.query_one(AnswerEcho)
        try:
            reading = read_answer(value, self.item.instance)
        except Exception:  # the live echo is a courtesy: whatever it trips on, Enter still grades
            echo.show_note("no live reading for this text; Enter grades it")
            return
        if reading.ok:
            echo.show_reading(reading.shown)
        else:
            echo.show_error(value, reading.message, reading.position, reading.hint)

    @on(Input.Submitted, "#answer")
    def submit(self, event: Input.Submitted) -> None:
        if self.state != ANSWERING or not event.value.strip():
            return
        self._submitted = event.value
        self._wait(GRADING)
        if self.item is None and self.kept is not None:  # graded once the session has regenerated it
            self._kept_answer = (event.value, self.hint_used)
            return
        self.run_worker(self._grade(self.item, event.value, self.hint_used), exclusive=True, group="grade")

    async def _grade(self, item: Item, text: str, hint_used: bool) -> None:
        try:
            verdict, outcome = await self.grade(item, text, hint_used)
        except Exception as exc:
            # A save that failed for a reason that can pass (full disk, lock) keeps the answer to retry.
            retry = " — your answer is kept: press Enter to try again" if getattr(exc, "retryable", False) else ""
            self.post_message(SessionFailed(f"{exc}{retry}" if retry else f"could not grade: {exc}"))
            return
        self.post_message(AnswerGraded(verdict, outcome))

    def on_answer_graded(self, message: AnswerGraded) -> None:
        with self.app.batch_update():
            self._answer_graded(message)
            self._layout_in_next_frame()

    def _layout_in_next_frame(self) -> None:
        """Lay the screen out in the next frame, whatever else arrives first.

        Each widget whose size changed asks the screen for a layout only when its own queue next
        runs dry; the screen's update timer often fired before the last of them, and on a busy
        machine a frame was drawn without the new layout (the verdict not yet in it), then another
        one with it: twice the work and twice the wait (one verdict in ten took 100 ms where the rest
        took 40). Asked here, on the screen itself, the layout is in the first frame.
        """
        self.refresh(layout=True)

    def _answer_graded(self, message: AnswerGraded) -> None:
        verdict = message.verdict
        error = verdict.error
        answer = self.query_one("#answer", Input)
        if answer.value != self._submitted:  # keys typed while it was graded: show what was graded
            answer.value = self._submitted
        if error is not None:
            self.query_one(AnswerEcho).show_error(self._submitted, error.message, error.position, error.hint)
            self._set_state(ANSWERING)
            # Selected, as focusing selects it: the next keys replace the refused text (arrows edit it).
            if answer.has_focus:
                answer.select_all()
            else:
                answer.focus()
            return
        self.verdict = verdict
        self.outcome = message.outcome
        if self.scheduled and message.outcome is not None and message.outcome.recorded:
            self.app.problem_answered()
        self._show_back()
        self._show_feedback()
        self._set_state(FEEDBACK)
        panel = self.query_one(FeedbackPanel)
        panel.focus(scroll_visible=False)  # scrolled below, once it has a place to scroll to
        self._scroll_to_panel()

    def _scroll_to_panel(self) -> None:
        """Bring the verdict's top into view: now if the panel is laid out, else after the layout that
        places it.

        Waiting a number of refreshes (`call_after_refresh`) was not enough: those callbacks can run
        before that layout, and on a loaded machine the scroll then had nowhere to go and at 80×24 the
        verdict stayed below the fold. The screen's layout signal says when it has a place.
        """
        self._panel_scroll_pending = True
        self._after_layout(self)

    def _after_layout(self, _screen: Any) -> None:
        if not self._panel_scroll_pending:
            return
        if self.state != FEEDBACK:
            self._panel_scroll_pending = False
            return
        panel = self.query_one(FeedbackPanel)
        if panel.region:
            self._panel_scroll_pending = False
            panel.scroll_visible(animate=False, top=True, immediate=True)

    def _show_back(self) -> None:
        """The whole card with the feedback: the equation card appears now if the front hid it."""
        instance = self.item.instance
        self.query_one(EquationCard).show_equation(equation_card(instance.equation), instance.equation)

    def _show_feedback(self) -> None:
        outcome = self.outcome
        rating = outcome.rating if self.scheduled and outcome is not None else None
        due = outcome.next_due if outcome is not None else None
        since = outcome.reviewed_at if outcome is not None and outcome.reviewed_at else self.item.shown_at
        self.query_one(FeedbackPanel).show_verdict(
            self.verdict, rating=rating, overridden=self.overridden,
            next_due=interval_text(due, since) if due else None, hint_used=self.hint_used,
            reason=outcome.rating_reason if rating is not None else None,
            intervals=rating_keys(outcome.intervals, since) if rating is not None else None,
            note=self.feedback_note)

    def _wait(self, state: str) -> None:
        """Enter a wait (GRADING or LOADING) without redrawing: the screen shows it only if it lasts."""
        self._stop_wait()
        self.state = state
        self._wait_timer = self.set_timer(WAIT_SHOWN_AFTER, lambda: self._show_wait(state))

    def _show_wait(self, state: str) -> None:
        if self.state == state:
            self._set_state(state)

    def _stop_wait(self) -> None:
        if self._wait_timer is not None:
            self._wait_timer.stop()
            self._wait_timer = None

    def _set_state(self, state: str) -> None:
        self._stop_wait()
        self.state = state
        answering = state in (ANSWERING, GRADING)
        if state == FEEDBACK and not self.query_one("#answer", Input).disabled:
            # Dimmed just after the verdict's frame: disabling restyles and blurs the input (~3 ms) and
            # the verdict is what the learner waits for. The panel takes the focus at once, so no key
            # reaches the input meanwhile.
            self.call_after_refresh(self._sync_input)
        else:
            self._sync_input()
        for selector in ("#equation-card", "#prompt", "#params", "#choices", "#answer", "#echo"):
            widget = self.query_one(selector)
            if selector == "#choices":
                widget.display = state in (ANSWERING, GRADING, FEEDBACK) and self._has_choices
            elif selector == "#params":
                widget.display = state in (ANSWERING, GRADING, FEEDBACK) and bool(
                    getattr(self.front, "params", None))
            elif selector == "#equation-card":
                # Before the answer only a card the front allows; with the feedback, always.
                widget.display = state == FEEDBACK or (
                    state in (ANSWERING, GRADING) and getattr(self.front, "card", None) is not None)
            else:
                widget.display = state in (ANSWERING, GRADING, FEEDBACK)
        # In feedback the verdict repeats the reading ("you wrote"), so the echo line makes room.
        self.query_one(AnswerEcho).display = answering
        self.query_one(FeedbackPanel).display = state == FEEDBACK
        self.query_one("#empty-state").display = state in (EMPTY, LOADING)
        if state == LOADING:
            self.query_one("#empty-state", Static).update("Loading problems…")
        self.refresh_bindings()

    def _sync_input(self) -> None:
        """The answer can be edited only while answering (read when it runs: the state may have moved on)."""
        self.query_one("#answer", Input).disabled = self.state != ANSWERING

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("rate",):
            return self.scheduled and self.state == FEEDBACK and self.outcome is not None
        if action == "next":
            return self.state == FEEDBACK
        if action in ("hint",):
            return self.state == ANSWERING and self.item is not None and bool(self.item.instance.hint)
        if action == "grid":
            return self.state == ANSWERING and self._matrix_shape() is not None
        if action in ("bury", "suspend"):
            return self.scheduled and self.item is not None and self.state == ANSWERING
        if action == "undo":
            return self.scheduled and self.state in (ANSWERING, FEEDBACK, EMPTY)
        if action == "card_info":
            return self.item is not None and self.state in (ANSWERING, FEEDBACK)
        if action == "reference":
            # the card on request is part of the back unless the front already shows it
            return self.item is not None and (self.state == FEEDBACK or (
                self.state == ANSWERING and getattr(self.front, "card", None) is not None))
        return True

    # -- actions --------------------------------------------------------------------------------
    def action_next(self) -> None:
        self._wait(LOADING)
        self.load_next()

    async def action_rate(self, rating: int) -> None:
        outcome = self.outcome
        try:
            self.outcome = await self.app.runner.call(lambda s: s.override(outcome, rating))
        except Exception as exc:
            self.notify(f"could not change the rating: {exc}", severity="error", markup=False)
            return
        self.overridden = True
        self._show_feedback()

    def action_hint(self) -> None:
        hint = self.query_one("#hint", Static)
        hint.update(Text.assemble("Hint: ", plain(self.item.instance.hint), "  (the rating will be Hard at best)"))
        hint.display = True
        self.hint_used = True
        self.refresh_bindings()

    def _matrix_shape(self) -> tuple[int, int] | None:
        if self.item is None or self.item.instance.answer.type != "matrix":
            return None
        value = self.item.instance.answer.value
        value = value.tolist() if hasattr(value, "tolist") else value  # an ndarray, or nested lists
        try:
            return len(value), len(value[0])
        except (TypeError, IndexError):
            return None

    def action_grid(self) -> None:
        from trainer.ui.screens.matrix_entry_modal import MatrixEntryModal

        shape = self._matrix_shape()
        if shape is None:
            return

        def filled(text: str | None) -> None:
            answer = self.query_one("#answer", Input)
            if text:
                answer.value = text
            answer.focus()

        self.app.push_screen(MatrixEntryModal(*shape), filled)

    def action_reference(self) -> None:
        from trainer.ui.screens.reference_modal import ReferenceModal

        instance = self.item.instance
        self.app.push_screen(ReferenceModal(equation_card(instance.equation), instance.equation))

    def action_card_info(self) -> None:
        from trainer.ui.screens.card_info_modal import CardInfoModal

        self.app.push_screen(CardInfoModal([self.item.instance.template_id]))

    async def action_bury(self) -> None:
        template_id = self.item.instance.template_id
        await self.app.runner.call(lambda s: s.bury(template_id))
        self.notify(f"{template_id} skipped until tomorrow", markup=False)
        self.action_next()

    async def action_suspend(self) -> None:
        template_id = self.item.instance.template_id
        await self.app.runner.call(lambda s: s.suspend(template_id))
        self.notify(f"{template_id} suspended (unsuspend it from the bank)", markup=False)
        self.action_next()

    async def action_undo(self) -> None:
        try:
            undone = await self.app.runner.call(lambda s: s.undo())
        except Exception as exc:
            self.notify(f"could not undo: {exc}", severity="error", markup=False)
            return
        if undone is None:
            self.notify("Nothing to undo")
            return
        self.notify(f"Undid the last review ({undone})", markup=False)
        self.action_next()

    def screen_commands(self):
        from textual.app import SystemCommand

        if self.item is not None and self.check_action("reference", ()):
            yield SystemCommand("Reference card", "The equation of this problem", self.action_reference)
        if self.check_action("card_info", ()):
            yield SystemCommand("Card info", "This template's schedule and every review of it", self.action_card_info)
        if self.scheduled:
            yield SystemCommand("Undo last review", "Take back the last recorded answer", self.action_undo)
            if self.item is not None:
                yield SystemCommand("Skip (bury)", "Bury this template until tomorrow", self.action_bury)
                yield SystemCommand("Suspend", "Stop scheduling this template", self.action_suspend)
        if self.state == ANSWERING and self.item is not None and self.item.instance.hint:
            yield SystemCommand("Hint", "Show the hint (rating Hard at best)", self.action_hint)
