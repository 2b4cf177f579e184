"""`ReferenceModal`: the reference card of an equation (its 2-D form and what it is for).

UI layer; a modal that returns nothing (`ModalScreen[None]`), closed with Esc.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from trainer.ui.widgets.equation_card import EquationCard
from trainer.ui.widgets.plain_text import plain


class ReferenceModal(ModalScreen[None]):
    """Shows one equation card over the current screen."""

    BINDINGS = [Binding("escape,ctrl+r,q", "close", "Close")]

    def __init__(self, card: Any | None, equation_id: str):
        super().__init__()
        self.card = card
        self.equation_id = equation_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="reference-dialog", classes="dialog"):
            yield EquationCard(id="reference-card", markup=False)
            yield Static(plain(getattr(self.card, "summary", "") or "No reference card for this equation yet."),
                         id="reference-summary", markup=False)
            yield Static("Esc closes", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one(EquationCard).show_equation(self.card, self.equation_id)
        self.query_one("#reference-dialog").border_title = plain(f"Reference · {self.equation_id}")

    def action_close(self) -> None:
        self.dismiss(None)
