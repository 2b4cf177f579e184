"""`AnswerEcho`: how the typed answer is being read, or where it cannot be read (with a caret).

UI layer; the reading itself comes from `trainer.ui.echo` (the core's learner-input parser). What the
learner typed is shown as plain text (`plain_text.visible`): a control character in a paste is drawn,
not sent to the terminal.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from trainer.ui.widgets.plain_text import visible

WINDOW = 60  # characters of the typed text shown each side of the caret


def excerpt(text: str, position: int) -> tuple[str, int]:
    """The part of a long `text` around `position` (cut ends marked …) and the caret's column in it."""
    position = max(0, min(position, len(text)))
    start, end = max(0, position - WINDOW), min(len(text), position + WINDOW)
    head = "…" if start else ""
    tail = "…" if end < len(text) else ""
    return head + text[start:end] + tail, len(head) + position - start


class AnswerEcho(Static):
    """One or two lines under the answer input."""

    def show_reading(self, shown: str) -> None:
        """The parsed answer in mathematical form."""
        self.remove_class("-error")
        self.update(Text.assemble(("read as  ", "dim"), (visible(shown), "bold")) if shown else "")

    def show_error(self, text: str, message: str, position: int | None, hint: str | None = None) -> None:
        """A parse error: the input with a caret under `position` (0-based), the message and hint.

        A long text is cut to the part around the caret and the message comes first, so that the
        reason (say, "the limit is 2000") is in view whatever was pasted.
        """
        self.add_class("-error")
        text = text.replace("\n", " ")
        long = len(text) > 2 * WINDOW
        reason = Text(visible(message))
        if hint:
            reason.append(f" — {visible(hint)}", style="italic")
        lines = Text()
        if long:
            lines.append_text(reason)
            lines.append("\n")
        if position is not None:
            # The text is repeated here so the caret lines up whatever the input has scrolled.
            shown, column = excerpt(text, position) if long else (text, max(0, min(position, len(text))))
            lines.append("  " + visible(shown) + "\n")
            lines.append("  " + " " * column + "^" + ("" if long else "\n"), style="bold")
        elif long:
            lines.append("  " + visible(excerpt(text, 0)[0]))
        if not long:
            lines.append_text(reason)
        self.update(lines)

    def show_note(self, note: str) -> None:
        """A neutral line (no reading, no error), e.g. when the live reader could not run."""
        self.remove_class("-error")
        self.update(Text(visible(note), style="dim"))

    def clear(self) -> None:
        self.remove_class("-error")
        self.update("")
