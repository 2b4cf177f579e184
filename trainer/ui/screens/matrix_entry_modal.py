"""`MatrixEntryModal`: fill a matrix answer cell by cell; returns it as `1 2; 3 4` text.

UI layer; `ModalScreen[str | None]` — None when cancelled. The text goes back into the answer input
so that the echo and the grader read it exactly as if it had been typed.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class MatrixEntryModal(ModalScreen[str | None]):
    """A rows × cols grid of inputs; Tab moves between cells, Enter accepts, Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "accept", "Accept")]

    def __init__(self, rows: int, cols: int):
        super().__init__()
        self.rows, self.cols = rows, cols

    def compose(self) -> ComposeResult:
        with Vertical(id="matrix-dialog", classes="dialog"):
            grid = Grid(id="matrix-grid")
            grid.styles.grid_size_columns = self.cols
            with grid:
                for r in range(self.rows):
                    for c in range(self.cols):
                        yield Input(placeholder=f"{r + 1},{c + 1}", id=f"cell-{r}-{c}", classes="matrix-cell")
            yield Static("Tab next cell · Enter accept · Esc cancel", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#matrix-dialog").border_title = f"{self.rows}×{self.cols} matrix"
        self.query_one("#cell-0-0", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_accept()

    def action_accept(self) -> None:
        rows = []
        for r in range(self.rows):
            cells = [self.query_one(f"#cell-{r}-{c}", Input).value.strip() or "?" for c in range(self.cols)]
            rows.append(" ".join(cells))
        self.dismiss("; ".join(rows))

    def action_cancel(self) -> None:
        self.dismiss(None)
