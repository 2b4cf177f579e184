"""`OptimizeModal`: FSRS parameters fitted to the learner's reviews, against the ones in use, with the
choice to use them from now on.

UI layer; `ModalScreen[bool]` returning True when the learner chose Apply (False: keep the
parameters in use). It only shows an `Optimization` computed elsewhere; applying is the caller's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from trainer.ui.widgets.dialog_buttons import DialogButtons
from trainer.ui.widgets.plain_text import plain

if TYPE_CHECKING:
    from trainer.core.learning import Optimization


def comparison_text(result: Optimization, fitted_before: bool) -> str:
    """Before/after on the held-out reviews, lower is better, with the log's warnings."""
    before, after = result.before, result.after
    in_use = "fitted earlier" if fitted_before else "defaults"
    lines = [f"{result.reviews} reviews in the log; scored on the {after['reviews']} later ones "
             f"(from {result.held_out_from:%Y-%m-%d}), which the fit did not see.", "",
             f"{'':<22}{'log loss':>10}{'RMSE(bins)':>12}",
             f"{'in use (' + in_use + ')':<22}{before['log_loss']:>10.4f}{before['rmse_bins']:>12.4f}",
             f"{'fitted':<22}{after['log_loss']:>10.4f}{after['rmse_bins']:>12.4f}",
             "lower is better"]
    if after["log_loss"] >= before["log_loss"]:
        lines += ["", "The fit does not predict your later reviews better: keeping the parameters in use "
                  "is the safer choice."]
    lines += [f"warning: {w}" for w in result.warnings]
    return "\n".join(lines)


class OptimizeModal(ModalScreen[bool]):
    """The comparison and two buttons: Apply (True) or Keep (False, also Esc)."""

    BINDINGS = [Binding("escape", "keep", "Keep"), Binding("a", "apply", "Apply")]

    def __init__(self, result: Optimization, fitted_before: bool):
        super().__init__()
        self.result = result
        self.fitted_before = fitted_before

    def compose(self) -> ComposeResult:
        with Vertical(id="optimize-dialog", classes="dialog"):
            yield Static(plain(comparison_text(self.result, self.fitted_before)), id="optimize-comparison")
            with DialogButtons():
                yield Button("Apply", variant="primary", id="optimize-apply")
                yield Button("Keep current", id="optimize-keep")
            yield Static("a applies the fitted parameters to every review from now on · Esc keeps the "
                         "current ones · `trainer optimize --reset` restores the defaults",
                         classes="dialog-keys", markup=False)

    def on_mount(self) -> None:
        self.query_one("#optimize-dialog").border_title = "FSRS parameters fitted to your reviews"
        self.query_one("#optimize-keep", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "optimize-apply")

    def action_apply(self) -> None:
        self.dismiss(True)

    def action_keep(self) -> None:
        self.dismiss(False)
