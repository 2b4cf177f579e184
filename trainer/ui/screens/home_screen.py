"""`HomeScreen`: what is due, today's numbers, and the cards of each topic and equation by state.

UI layer; the app's base screen. Data comes from `session.summary()` and `session.overview()`;
`s` opens the study-scope modal (study one topic, equation or tag with the normal schedule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import ScreenResume
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from trainer.ui.resume import fresh_on_resume
from trainer.ui.widgets.plain_text import plain
from trainer.ui.widgets.trainer_footer import TrainerFooter

if TYPE_CHECKING:
    from trainer.session import Summary


class HomeScreen(Screen[None]):
    """Summary tiles over a table of equations grouped by topic."""

    BINDINGS = [
        Binding("r", "app.review", "Review"),
        Binding("s", "study", "Study…"),
        Binding("q", "app.quiz", "Quiz"),
        Binding("p", "app.progress", "Progress"),
        Binding("b", "app.bank", "Bank"),
        Binding("i", "card_info", "Info"),
        Binding("o", "app.settings", "Settings"),
        Binding("question_mark", "app.open_help", "Help", show=False),  # f1 and ? both open it; room for ^q Quit
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self._table_width = 0
        self._wide = False
        #: The app read the figures just before showing this screen again (`prepare`): no reload.
        self._prepared = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="tiles"):
            for key, label in (("due", "due now"), ("new", "new today"), ("streak", "day streak"),
                               ("retention", "desired retention")):
                yield Static(f"–\n{label}", id=f"tile-{key}", classes="tile")
        yield Static("", id="next-due")
        yield DataTable(id="overview", cursor_type="row", zebra_stripes=True)
        yield TrainerFooter()

    def on_mount(self) -> None:
        self.query_one("#overview").border_subtitle = "cards: · new  ○ learning  ◐ young  ● mature"
        self._fill_table()

    def on_resize(self) -> None:
        if self._available() != self._table_width:
            self._fill_table()

    def _available(self) -> int:
        # Margins, border and a vertical scrollbar: what the columns (each padded by 2) can use.
        return (self.size.width or self.app.size.width) - 8

    def _fill_table(self) -> None:
        """Columns sized to the screen, then the rows (fixed widths: a column widened after its first
        paint can leave a stale header in Textual 8.2.8; recomputed when the terminal is resized)."""
        table = self.query_one("#overview", DataTable)
        self._table_width = available = self._available()
        fixed = {"cards": 9, "mature": 6, "due": 3, "reviews": 7}
        if available >= 110:  # room for predicted recall too
            fixed = {"cards": 9, "mature": 6, "recall now": 10, "due": 3, "reviews": 7}
        spare = max(26, available - sum(fixed.values()) - 2 * (len(fixed) + 2))
        topic_w = min(16, max(10, spare * 2 // 5))
        self._wide = "recall now" in fixed
        table.clear(columns=True)
        for name, width in (("topic", topic_w), ("equation", min(48, spare - topic_w)), *fixed.items()):
            table.add_column(name, key=name, width=width)
        self._add_rows()

    def action_card_info(self) -> None:
        """The card info of the highlighted equation's templates."""
        from trainer.ui.screens.card_info_modal import CardInfoModal

        table = self.query_one("#overview", DataTable)
        if not self.rows or table.cursor_row is None or not 0 <= table.cursor_row < len(self.rows):
            return
        ids = self.rows[table.cursor_row].get("template_ids") or []
        if ids:
            self.app.push_screen(CardInfoModal(list(ids)))

    def action_study(self) -> None:
        """Pick part of the bank to study; the review starts on it (cancel: nothing changes)."""
        from trainer.ui.screens.study_scope_modal import StudyScopeModal

        async def chosen(study) -> None:
            if study is None:
                return
            try:
                await self.app.runner.call(lambda s: s.set_study(study))
            except ValueError as exc:  # e.g. a topic and an equation of another topic: nothing matches
                self.notify(str(exc), title="Study", severity="warning", markup=False)
                return
            await self.app.action_review()

        async def open_modal() -> None:
            current = await self.app.runner.call(lambda s: s.study)
            self.app.push_screen(StudyScopeModal(current), chosen)

        self.run_worker(open_modal(), group="study")

    def on_screen_resume(self, event: ScreenResume) -> None:
        if fresh_on_resume(self, event):  # the app read the figures just before showing this screen
            return
        self.refresh_data()

    async def prepare(self) -> None:
        """Before Home shows again (the app awaits it): read and show the fresh figures while hidden."""
        self._prepared = True
        await self._load()

    def refresh_data(self) -> None:
        self.run_worker(self._load(), exclusive=True, group="home")

    async def _load(self) -> None:
        try:
            summary, overview = await self.app.runner.call(lambda s: (s.summary(), s.overview()))
        except Exception:  # the app reports a failed session itself
            return
        self._show(summary, overview)

    def _show(self, summary: Summary, overview: list[dict]) -> None:
        def tile(key: str, value: str, label: str) -> None:
            self.query_one(f"#tile-{key}", Static).update(Text.assemble((value, "bold"), f"\n{label}"))

        tile("due", str(summary.get("due_now", 0)), "due now")
        tile("new", str(summary.get("new_left_today", 0)), "new left today")
        tile("streak", str(summary.get("streak", 0)), "day streak")
        tile("retention", f"{summary.get('desired_retention', 0.9):.0%}", "desired retention")
        when = self.app.local(summary.get("next_due"))
        reviewed = summary.get("reviewed_today", 0)
        line = f"{reviewed} reviewed today"
        if summary.get("study"):
            line = f"studying {summary['study']} (s to change) · {line}"
        if summary.get("due_now", 0) or summary.get("new_left_today", 0):
            line += " · r to review"
        elif when is not None:
            line += f" · nothing due — next review at {when:%H:%M} ({when:%a %d %b})"
        self.query_one("#next-due", Static).update(plain(line))
        rows = sorted(overview, key=lambda r: (r.get("topic", ""), r.get("title") or r.get("equation", "")))
        if rows != self.rows or not self.query_one("#overview", DataTable).row_count:
            self.rows = rows
            self._add_rows()  # refilled only when a figure changed: a refill redraws every row

    def _add_rows(self) -> None:
        table = self.query_one("#overview", DataTable)
        table.clear()
        last_topic = None
        for row in self.rows:
            topic = row.get("topic", "")
            table.add_row(  # Text cells: titles come from template files and must not be markup
                plain(topic if topic != last_topic else ""),
                plain(row.get("title") or row.get("equation", "")),
                class_glyphs(row),
                mature_share(row),
                *([recall_cell(row.get("recall_now"))] if self._wide else []),
                str(row.get("due", 0) or ""),
                str(row.get("reviews", 0)),
            )
            last_topic = topic


def mature_share(row: dict) -> Text:
    """The share of an equation's templates that are mature, right-aligned ("–" before any review)."""
    n = row.get("templates", 0) or 0
    if not n or not row.get("reviews"):
        return Text("–".rjust(6), style="dim")
    share = (row.get("mature", 0) or 0) / n
    return Text(f"{share:.0%}".rjust(6), style="green" if share >= 0.5 else "")


def recall_cell(recall: float | None) -> Text:
    """Predicted recall now, right-aligned ("–" before any review)."""
    return Text("–".rjust(10) if recall is None else f"{recall:.0%}".rjust(10), style="dim" if recall is None else "")


GLYPHS = (("mature", "●", "green"), ("young", "◐", "cyan"), ("learning", "○", "yellow"), ("new", "·", "dim"))


def class_glyphs(row: dict) -> Text:
    """One glyph per template of an equation, strongest first: ● mature ◐ young ○ learning · new."""
    out = Text()
    for key, glyph, style in GLYPHS:
        out.append(glyph * int(row.get(key, 0) or 0), style=style)
    return out
