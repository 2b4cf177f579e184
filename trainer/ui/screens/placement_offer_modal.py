"""`PlacementOfferModal`: at first start on a new database, offer the placement test.

UI layer; `ModalScreen[bool]` returning True to take the test, False to decline (the app then
remembers the answer, so the offer is made once).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from trainer.ui.widgets.dialog_buttons import DialogButtons


class PlacementOfferModal(ModalScreen[bool]):
    """"Take a placement test (about N questions)?" with Take / Not now."""

    BINDINGS = [Binding("escape,n", "decline", "Not now"), Binding("y", "accept", "Take the test")]

    def __init__(self, questions: int) -> None:
        super().__init__()
        self.questions = questions

    def compose(self) -> ComposeResult:
        with Vertical(id="placement-offer", classes="dialog"):
            yield Label(f"Take a placement test (about {self.questions} questions)?", id="placement-offer-question")
            yield Static("A right answer places you out of that equation and what it builds on, so you start "
                        "reviewing what you know instead of learning it anew. Nothing is saved until the end.",
                        classes="dialog-keys", markup=False)
            with DialogButtons():
                yield Button("Take the test", variant="primary", id="placement-accept")
                yield Button("Not now", id="placement-decline")

    def on_mount(self) -> None:
        self.query_one("#placement-offer").border_title = "Welcome"
        self.query_one("#placement-accept", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "placement-accept")

    def action_accept(self) -> None:
        self.dismiss(True)

    def action_decline(self) -> None:
        self.dismiss(False)
