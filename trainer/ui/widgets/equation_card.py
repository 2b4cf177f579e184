"""`EquationCard`: an equation drawn as 2-D Unicode math in a titled panel.

UI layer; shows an `Equation` card's `display` text exactly as its author aligned it.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static


class EquationCard(Static):
    """The equation a problem drills (or a placeholder when the card is unknown)."""

    def show_equation(self, card: Any | None, fallback: str = "") -> None:
        """Show `card.display` titled with `card.name`; `fallback` names an equation without a card."""
        if card is None:
            self.border_title = fallback or "equation"
            self.update(Text(fallback, style="italic"))
            return
        self.border_title = card.name
        self.update(Text(card.display.strip("\n")))
