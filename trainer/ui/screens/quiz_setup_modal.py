"""`QuizSetupModal`: choose the topics or equations and the number of problems of a quiz.

UI layer; `ModalScreen[dict | None]` returning `{"count", "topics", "equations"}` (None: cancelled).
Nothing selected means every topic.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, SelectionList

from trainer.ui.widgets.dialog_buttons import DialogButtons
from trainer.ui.widgets.plain_text import plain


class QuizSetupModal(ModalScreen[dict | None]):
    """Topics and equations as one selection list (equations indented under their topic)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="quiz-dialog", classes="dialog"):
            yield Label("Topics or equations (none = all); Space toggles")
            yield SelectionList[str](id="quiz-scope")
            with Horizontal(id="quiz-count-row"):
                yield Label("Problems ", id="quiz-count-label")
                yield Input("10", id="quiz-count", type="integer", max_length=3)
            with DialogButtons():
                yield Button("Start", variant="primary", id="quiz-start")
                yield Button("Cancel", id="quiz-cancel")

    async def on_mount(self) -> None:
        self.query_one("#quiz-dialog").border_title = "Quiz — the schedule is not touched"
        templates = await self.app.runner.call(lambda s: list(s.templates))
        by_topic: dict[str, set[str]] = {}
        for t in templates:
            by_topic.setdefault(t.topic, set()).add(t.equation)
        scope = self.query_one("#quiz-scope", SelectionList)
        for topic in sorted(by_topic):
            scope.add_option((plain(topic), f"topic:{topic}"))
            for equation in sorted(by_topic[topic]):
                scope.add_option((plain(f"   {equation}"), f"equation:{equation}"))
        scope.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "quiz-start":
            self.action_start()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_start()

    def action_start(self) -> None:
        selected = self.query_one("#quiz-scope", SelectionList).selected
        try:
            count = max(1, min(200, int(self.query_one("#quiz-count", Input).value or "10")))
        except ValueError:
            count = 10
        topics = [v.split(":", 1)[1] for v in selected if v.startswith("topic:")] or None
        equations = [v.split(":", 1)[1] for v in selected if v.startswith("equation:")] or None
        self.dismiss({"count": count, "topics": topics, "equations": equations})

    def action_cancel(self) -> None:
        self.dismiss(None)
