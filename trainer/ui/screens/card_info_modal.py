"""`CardInfoModal`: one or more templates' cards — state, difficulty D, stability S, retrievability R —
and every review of each: date, instance seed, answer typed, verdict, rating and the interval it gave;
implicit reviews (credit from a review that exercised this card's equation, or a penalty) among them.

UI layer; a modal that returns nothing (`ModalScreen[None]`), closed with Esc. Data comes from
`session.card_history(id)`; answers were typed by the learner and titles come from template files,
so every cell is plain text.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from trainer.core.scheduling.days import interval_words
from trainer.ui.widgets.plain_text import plain

#: Fixed columns; the answer column takes what the dialog has left.
COLUMNS = (("date", 16), ("seed", 10), ("answer", 0), ("verdict", 7), ("rating", 6), ("interval", 8))


def card_line(info: dict) -> Text:
    """State and D/S/R (R is the predicted recall now) with reps, lapses and due date."""
    d, s, r = info.get("difficulty"), info.get("stability"), info.get("retrievability")
    started = info.get("state", "new") != "new"
    parts = [f"state {info.get('state', 'new')}", f"D {d:.2f}" if d is not None else "D –",
             f"S {s:.1f} d" if s is not None else "S –", f"R {r:.0%} now" if started and r is not None else "R –",
             f"{info.get('reps', 0)} reviews", f"{info.get('lapses', 0)} lapses"]
    if info.get("leech"):
        parts.append("leech")
    if info.get("suspended"):
        parts.append("suspended")
    return Text(" · ".join(parts))


class CardInfoModal(ModalScreen[None]):
    """The cards of `template_ids`, each with its history table."""

    BINDINGS = [Binding("escape,i,q", "close", "Close")]

    def __init__(self, template_ids: list[str]):
        super().__init__()
        self.template_ids = list(template_ids)
        self.infos: list[dict] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="card-info-dialog", classes="dialog"):
            yield Static("Loading…", id="card-info-loading", markup=False)
            yield Static("Esc closes · D difficulty (1–10) · S stability (days until recall falls to 90%) · "
                         "R predicted recall now · * rating chosen by hand", classes="dialog-keys", markup=False)

    def on_mount(self) -> None:
        self.query_one("#card-info-dialog").border_title = "Card info"
        self.run_worker(self._load(), exclusive=True, group="card-info")

    async def _load(self) -> None:
        ids = self.template_ids
        try:
            infos = await self.app.runner.call(lambda s: [s.card_history(t) for t in ids])
        except Exception as exc:
            self.query_one("#card-info-loading", Static).update(plain(f"Card info is unavailable: {exc}"))
            return
        self.infos = infos
        await self.show(infos)

    async def show(self, infos: list[dict]) -> None:
        dialog = self.query_one("#card-info-dialog")
        await self.query_one("#card-info-loading").remove()
        widgets = []
        for n, info in enumerate(infos):
            head = Text.assemble(plain(info.get("template_id", ""), style="bold"), "  ",
                                 plain(info.get("title") or "(no longer in the bank)"), "\n")
            head.append_text(card_line(info))
            due = self.app.local(info.get("due"))
            if due is not None:
                head.append(f" · due {due:%d %b %H:%M}")
            widgets.append(Static(head, classes="card-info-head", markup=False))
            history = info.get("history") or []
            if not history:
                widgets.append(Static("no reviews yet", classes="card-info-none", markup=False))
                continue
            table = DataTable(id=f"card-history-{n}", classes="card-history", cursor_type="row",
                              show_cursor=False, zebra_stripes=True)
            widgets.append(table)
        await dialog.mount_all(widgets, before=dialog.query_one(".dialog-keys"))
        # Dialog border, padding, a scrollbar, and 2 cells of padding per column.
        inner = min(110, self.app.size.width) - 2 - 4 - 2 - 2 * len(COLUMNS)
        answer_width = max(10, inner - sum(width for _, width in COLUMNS))
        for n, info in enumerate(infos):
            if not info.get("history"):
                continue
            table = self.query_one(f"#card-history-{n}", DataTable)
            for name, width in COLUMNS:
                table.add_column(name, key=name, width=width or answer_width)
            for row in info["history"]:
                table.add_row(*history_cells(row, self.app))

    def action_close(self) -> None:
        self.dismiss(None)


def history_cells(row: dict, app: Any) -> list[Text]:
    """One review as table cells (all plain text); an implicit review (credit or penalty along the
    prerequisite graph) is marked as such in the answer column, with no seed, verdict or rating."""
    when = app.local(row.get("reviewed_at"))
    if row.get("implicit"):
        return [plain(f"{when:%Y-%m-%d %H:%M}" if when else ""), plain(""),
                plain(row.get("label") or "implicit", style="italic"), plain(""), plain(""),
                plain(interval_words(row.get("interval_days")))]
    verdict = row.get("verdict", "")
    style = "green" if verdict == "right" else "yellow" if verdict == "partial" else "red"
    rating = f"{str(row.get('rating_name', '')).capitalize()}{'*' if row.get('decided') == 'overridden' else ''}"
    return [plain(f"{when:%Y-%m-%d %H:%M}" if when else ""), plain(str(row.get("seed", ""))),
            plain(row.get("answer", "")), plain(verdict, style=style), plain(rating),
            plain(interval_words(row.get("interval_days")))]
