"""`PlacementScreen`: the placement test — the review flow (answer input, live echo, feedback) with a
`PlacementRun` as the source — ending with what was placed and the schedule it seeded.

UI layer; reuses `ReviewScreen`'s layout and flow as `QuizScreen` does. Unreadable answers are
explained and asked again; Esc leaves without saving anything; the seeded cards are written by the
session when the last question is answered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.widgets import Static

from trainer.ui.screens.review_screen import EMPTY, ReviewScreen
from trainer.ui.widgets.plain_text import plain

if TYPE_CHECKING:
    from trainer.core.grading import Verdict
    from trainer.session import Item, Outcome, PlacementRun


class PlacementScreen(ReviewScreen):
    """Questions from `session.start_placement()`; graded answers decide the walk, none is a review."""

    BINDINGS = [Binding("escape", "app.home", "Home")]
    scheduled = False
    mode_title = "Placement"
    feedback_note = "placement — not a review; Enter for the next question"

    def __init__(self) -> None:
        super().__init__()
        self.run: PlacementRun | None = None
        #: `PlacementRun.finish()` once saved, or the reason placement could not run or save.
        self.result: dict | None = None
        self.problem: str | None = None
        self.names: dict[str, str] = {}

    async def fetch(self) -> tuple[Item | None, dict]:
        if self.run is None:
            try:
                self.run = await self.app.runner.call(lambda s: s.start_placement())
            except Exception as exc:  # a database with reviews, or nothing to ask: said on screen
                self.problem = str(exc)
                return None, {}
        run = self.run
        item = await self.app.runner.call(lambda s: run.next_item())
        if item is None and self.result is None and self.problem is None:
            try:
                self.result = await self.app.runner.call(lambda s: run.finish())
            except Exception as exc:  # e.g. a review recorded meanwhile elsewhere: nothing was written
                self.problem = f"Nothing was saved: {exc}"
            else:
                self.names = await self.app.runner.call(lambda s: _equation_names())
        summary = await self.app.runner.call(lambda s: run.summary())
        return item, summary

    async def grade(self, item: Item, text: str, hint_used: bool) -> tuple[Verdict, Outcome | None]:
        run = self.run
        verdict = await self.app.runner.call(lambda s: run.submit(item, text))
        return verdict, None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hint":  # a placement measures what is known without help
            return False
        return super().check_action(action, parameters)

    def status_text(self, summary: dict) -> str:
        if not summary:
            return "placement"
        if summary.get("done"):
            return f"placement · finished · {summary['questions']} questions"
        return (f"placement · question {summary['questions'] + 1} · {summary['passed']} equations placed out, "
                f"{summary['failed']} to learn so far · Esc leaves without saving")

    def empty_text(self, summary: dict) -> str:
        if self.problem is not None:
            return f"{self.problem}\n\nEsc for home."
        from trainer.session import placement_report

        lines = placement_report(self.result, self.names) if self.result else []
        return "\n".join([*lines, "", "Esc for home · r on the home screen to start reviewing"])

    def on_item_loaded(self, message: Any) -> None:
        super().on_item_loaded(message)
        body = self.query_one("#review-body")
        if self.state == EMPTY:
            body.border_title = "Placement finished" if self.result else "Placement"
            self.sub_title = body.border_title
            self.query_one("#status-line", Static).update(plain(self.status_text(message.summary or {})))


def _equation_names() -> dict[str, str]:
    try:
        from trainer.core.solvers.equations import equations

        return {k: v.name for k, v in equations().items()}
    except Exception:  # names are a nicety; ids still say which equation
        return {}
