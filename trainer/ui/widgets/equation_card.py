"""`EquationCard`: an equation drawn as 2-D Unicode math in a titled panel.

UI layer; shows an `Equation` card's `display` text exactly as its author aligned it.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from trainer.ui.widgets.plain_text import plain


class EquationCard(Static):
    """The equation a problem drills (or a placeholder when the card is unknown)."""

    def show_equation(self, card: Any | None, fallback: str = "") -> None:
        """Show `card.display` titled with `card.name`; `fallback` names an equation without a card."""
        if card is None:
            self.border_title = plain(fallback or "equation")
            self.update(plain(fallback, style="italic"))
            return
        self.border_title = plain(card.name)
        self.update(plain(card.display.strip("\n")))
