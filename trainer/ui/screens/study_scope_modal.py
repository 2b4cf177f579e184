"""`StudyScopeModal`: choose the part of the bank to study with the normal schedule (Anki's filtered deck).

UI layer; `ModalScreen[StudyFilter | None]`: the topics, equations and tags picked (an empty filter:
the whole bank again), or None when cancelled. Home opens it with `s`; the app hands the choice to
`Session.set_study` and starts the review.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, SelectionList

from trainer.core.scheduling.study import StudyFilter
from trainer.ui.widgets.dialog_buttons import DialogButtons
from trainer.ui.widgets.plain_text import plain


class StudyScopeModal(ModalScreen[StudyFilter | None]):
    """Topics with their equations indented below them, then tags, as one selection list."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: StudyFilter | None = None) -> None:
        super().__init__()
        self.current = current or StudyFilter()

    def compose(self) -> ComposeResult:
        with Vertical(id="study-dialog", classes="dialog"):
            yield Label("Study only these (none = the whole bank); Space toggles, Tab to the buttons")
            yield SelectionList[str](id="study-scope")
            with DialogButtons():
                yield Button("Study", variant="primary", id="study-start")
                yield Button("Whole bank", id="study-all")
                yield Button("Cancel", id="study-cancel")

    async def on_mount(self) -> None:
        self.query_one("#study-dialog").border_title = "Study part of the bank — scheduled as usual"
        by_topic, tags = await self.app.runner.call(lambda s: s.study_scopes())
        scope = self.query_one("#study-scope", SelectionList)
        current = self.current
        for topic, equations in by_topic.items():
            scope.add_option((plain(topic), f"topic:{topic}", topic in current.topics))
            for equation in equations:
                scope.add_option((plain(f"   {equation}"), f"equation:{equation}", equation in current.equations))
        for tag in tags:
            scope.add_option((plain(f"#{tag}"), f"tag:{tag}", tag in current.tags))
        scope.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "study-start":
            self.action_start()
        elif event.button.id == "study-all":
            self.dismiss(StudyFilter())
        else:
            self.action_cancel()

    def action_start(self) -> None:
        selected = self.query_one("#study-scope", SelectionList).selected
        picked: dict[str, list[str]] = {"topic": [], "equation": [], "tag": []}
        for value in selected:
            kind, _, name = value.partition(":")
            picked[kind].append(name)
        self.dismiss(StudyFilter(frozenset(picked["topic"]), frozenset(picked["tag"]),
                                 frozenset(picked["equation"])))

    def action_cancel(self) -> None:
        self.dismiss(None)
