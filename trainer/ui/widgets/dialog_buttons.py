"""`DialogButtons`: a dialog's row of buttons, between which ← and → move the focus.

UI layer. Textual's buttons take Tab only; a learner who meets a dialog expects the arrows to move
between its buttons too, as in most terminal and desktop dialogs (pressing → then Enter on "Take the
test / Not now" took the test). The bindings live on the row, so they apply only while one of its
buttons has the focus: arrows keep their meaning in a dialog's inputs and lists.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button


class DialogButtons(Horizontal):
    """A horizontal row of buttons; ←/→ focus the previous/next one (no wrap-around)."""

    BINDINGS = [Binding("left", "step(-1)", "Previous button", show=False),
                Binding("right", "step(1)", "Next button", show=False)]

    def action_step(self, by: int) -> None:
        buttons = [b for b in self.query(Button) if b.focusable]
        focused = self.screen.focused
        if focused in buttons:
            buttons[max(0, min(len(buttons) - 1, buttons.index(focused) + by))].focus()
