"""`HomeScreen`: what is due, today's numbers, and mastery per topic and equation.

UI layer; the app's base screen. Data comes from `session.summary()` and `session.overview()`;
`s` opens the study-scope modal (study one topic, equation or tag with the normal schedule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from trainer.ui.widgets.mastery_bar import mastery_bar
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
        Binding("question_mark", "app.open_help", "Help"),
    ]

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
        table = self.query_one("#overview", DataTable)
        # Fixed widths keep all five columns on an 80-column terminal (long names are cut) and keep
        # the header in step with the rows (a column widened after the first paint can leave a stale
        # header in Textual 8.2.8).
        table.add_column("topic", key="topic", width=14)
        table.add_column("equation", key="equation", width=28)
        table.add_column("mastery", key="mastery", width=13)
        table.add_column("due", key="due")
        table.add_column("reviews", key="reviews")

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

    def on_screen_resume(self) -> None:
        self.refresh_data()

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
        table = self.query_one("#overview", DataTable)
        table.clear()
        last_topic = None
        for row in sorted(overview, key=lambda r: (r.get("topic", ""), r.get("title") or r.get("equation", ""))):
            topic = row.get("topic", "")
            reviews = row.get("reviews", 0)
            mastery = row.get("mastery") if reviews else None
            table.add_row(  # Text cells: titles come from template files and must not be markup
                plain(topic if topic != last_topic else ""),
                plain(row.get("title") or row.get("equation", "")),
                mastery_bar(mastery, width=8),
                str(row.get("due", 0) or ""),
                str(reviews),
            )
            last_topic = topic
