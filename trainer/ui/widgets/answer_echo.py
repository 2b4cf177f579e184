"""`AnswerEcho`: how the typed answer is being read, or where it cannot be read (with a caret).

UI layer; the reading itself comes from `trainer.ui.echo` (the core's learner-input parser).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class AnswerEcho(Static):
    """One or two lines under the answer input."""

    def show_reading(self, shown: str) -> None:
        """The parsed answer in mathematical form."""
        self.remove_class("-error")
        self.update(Text.assemble(("read as  ", "dim"), (shown, "bold")) if shown else "")

    def show_error(self, text: str, message: str, position: int | None, hint: str | None = None) -> None:
        """A parse error: the input with a caret under `position` (0-based), the message and hint."""
        self.add_class("-error")
        lines = Text()
        if position is not None:
            # The text is repeated here so the caret lines up whatever the input has scrolled.
            lines.append("  " + text + "\n")
            lines.append("  " + " " * max(0, min(position, len(text))) + "^\n", style="bold")
        lines.append(message)
        if hint:
            lines.append(f" — {hint}", style="italic")
        self.update(lines)

    def clear(self) -> None:
        self.remove_class("-error")
        self.update("")
