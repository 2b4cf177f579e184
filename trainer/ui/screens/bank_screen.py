"""`BankScreen`: every template, filterable; preview any with a seed, re-roll, see its answer,
anticipated mistakes and worked solution; reload from disk; broken files listed with file:line.

UI layer; data from `session.templates`, `session.bank_errors`, `session.preview()`, `session.reload()`.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import ScreenResume
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from trainer.ui.resume import fresh_on_resume
from trainer.ui.widgets.param_grid import param_block
from trainer.ui.widgets.plain_text import plain, visible
from trainer.ui.widgets.trainer_footer import TrainerFooter


def matches(template: Any, words: list[str]) -> bool:
    """Every filter word occurs in the template's id, title, topic, equation, kind or tags."""
    haystack = " ".join([template.id, template.title, template.topic, template.equation,
                         getattr(template, "kind", ""), " ".join(getattr(template, "tags", ()) or ())]).lower()
    return all(w in haystack for w in words)


def error_line(error: Any) -> str:
    """`path:line: message` for a load error."""
    where = str(getattr(error, "path", ""))
    line = getattr(error, "line", None)
    return f"{where}:{line}: {error.message}" if line else f"{where}: {error.message}"


class BankScreen(Screen[None]):
    """Template table on the left, preview on the right."""

    BINDINGS = [
        Binding("escape", "app.home", "Home"),
        Binding("slash", "filter", "Filter"),
        Binding("n", "reroll", "Re-roll"),
        Binding("s", "toggle_suspend", "Suspend/unsuspend"),
        Binding("i", "card_info", "Card info"),
        Binding("ctrl+l", "reload", "Reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.templates: list[Any] = []
        self.seed = 1
        self.selected: str | None = None
        self.card_info: dict | None = None
        #: (template id, seed) of the preview on screen, and its text below the schedule line.
        self._previewed: tuple[str, int] | None = None
        self._preview_body: Text | None = None
        #: The app read the schedule just before showing this screen (`prepare`): no reload on resume.
        self._prepared = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="bank-errors", markup=False)
        with Horizontal(id="bank-body"):
            with Vertical(id="bank-list"):
                yield Input(placeholder="filter: topic, equation, tag, words…", id="bank-filter")
                yield DataTable(id="bank-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="bank-preview"):
                yield Static("Select a template to preview it.", id="preview", markup=False)
        yield TrainerFooter()

    def on_mount(self) -> None:
        table = self.query_one("#bank-table", DataTable)
        # Fixed widths (room for the longest bundled id, topic and equation): a column that widens
        # once its rows are measured can leave the header drawn at the old width (Textual 8.2.8 caches the
        # header row across that change). Longer names are cut; the preview shows them whole.
        for name, width in (("id", 40), ("topic", 14), ("equation", 29), ("kind", 7)):
            table.add_column(name, key=name, width=width)
        self.query_one("#bank-preview").border_title = "preview"
        self.run_worker(self._load(), exclusive=True, group="bank")

    def on_screen_resume(self, event: ScreenResume) -> None:
        # The app keeps this screen between opens: the template list stays (Ctrl+L re-reads it);
        # the schedule line of the preview may have changed meanwhile (read by `prepare` if it could).
        if fresh_on_resume(self, event):
            return
        self.show_preview()

    async def prepare(self) -> None:
        """Before a reopen (the app awaits it): re-read the schedule line of the preview on screen.

        The preview itself stays: the same template and seed generate the same problem.
        """
        self._prepared = True
        template_id = self.selected
        if template_id is None or self._previewed is None or self._previewed[0] != template_id:
            self._prepared = False  # nothing to keep: the resume loads the preview
            return
        try:
            info = await self.app.runner.call(lambda s: s.card_info(template_id))
        except Exception:  # shown as it is; the resume reloads it
            self._prepared = False
            return
        if info != self.card_info and self._previewed is not None and self._previewed[0] == template_id:
            self.card_info = info
            self.query_one("#preview", Static).update(schedule_text(info, self.app) + self._preview_body)

    async def _load(self, reload: bool = False) -> None:
        if reload:  # a template may have changed on disk: its preview is generated again when shown
            self._previewed = None

        def work(session):
            if reload:
                session.reload()
            return list(session.templates), list(session.bank_errors)

        try:
            templates, errors = await self.app.runner.call(work)
        except Exception as exc:
            self.notify(f"could not load the bank: {exc}", severity="error", markup=False)
            return
        self.templates = sorted(templates, key=lambda t: (t.topic, t.equation, t.id))
        box = self.query_one("#bank-errors", Static)
        box.display = bool(errors)
        box.update(Text(f"{len(errors)} template file(s) could not be loaded (the rest work):\n", style="bold")
                   + plain("\n".join(error_line(e) for e in errors)))
        self.fill()
        if reload:
            self.notify(f"Reloaded {len(templates)} templates, {len(errors)} broken", markup=False)

    def fill(self) -> None:
        words = self.query_one("#bank-filter", Input).value.lower().split()
        table = self.query_one("#bank-table", DataTable)
        table.clear()
        for t in self.templates:
            if matches(t, words):
                # Text cells: a str cell is read as markup, and these come from template files.
                table.add_row(plain(t.id), plain(t.topic), plain(t.equation), plain(getattr(t, "kind", "")),
                              key=t.id)
        self.query_one("#bank-list").border_title = f"{table.row_count} of {len(self.templates)} templates"

    @on(Input.Changed, "#bank-filter")
    def filter_changed(self) -> None:
        self.fill()

    @on(Input.Submitted, "#bank-filter")
    def filter_done(self) -> None:
        self.query_one("#bank-table", DataTable).focus()

    @on(DataTable.RowHighlighted, "#bank-table")
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value != self.selected:
            self.selected = event.row_key.value
            self.show_preview()

    def show_preview(self) -> None:
        if self.selected is not None:
            self.run_worker(self._preview(self.selected, self.seed), exclusive=True, group="preview")

    async def _preview(self, template_id: str, seed: int) -> None:
        self._previewed = None
        try:
            info = await self.app.runner.call(lambda s: s.card_info(template_id))
            instance = await self.app.runner.call(lambda s: s.preview(template_id, seed))
        except Exception as exc:
            self.query_one("#preview", Static).update(plain(f"{template_id} (seed {seed}) cannot be generated:\n{exc}"))
            return
        self.card_info = info
        self._previewed, self._preview_body = (template_id, seed), preview_text(instance)
        self.query_one("#preview", Static).update(schedule_text(info, self.app) + self._preview_body)
        self.query_one("#bank-preview").border_title = plain(f"{template_id} · seed {seed}")

    async def action_toggle_suspend(self) -> None:
        template_id, info = self.selected, self.card_info
        if template_id is None:
            return
        suspended = bool(info and info.get("suspended"))
        await self.app.runner.call(lambda s: s.unsuspend(template_id) if suspended else s.suspend(template_id))
        self.notify(f"{template_id} {'back in the queue' if suspended else 'suspended'}", markup=False)
        self.show_preview()

    def action_card_info(self) -> None:
        from trainer.ui.screens.card_info_modal import CardInfoModal

        if self.selected is not None:
            self.app.push_screen(CardInfoModal([self.selected]))

    def action_filter(self) -> None:
        self.query_one("#bank-filter", Input).focus()

    def action_reroll(self) -> None:
        self.seed += 1
        self.show_preview()

    def action_reload(self) -> None:
        self.run_worker(self._load(reload=True), exclusive=True, group="bank")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("reroll", "toggle_suspend", "card_info") and self.query_one("#bank-filter", Input).has_focus:
            return False  # letters belong to the filter box while it has focus
        return True

    def screen_commands(self):
        from textual.app import SystemCommand

        yield SystemCommand("Reload templates", "Re-read every problem folder from disk", self.action_reload)
        yield SystemCommand("Re-roll preview", "Preview the template with the next seed", self.action_reroll)


def schedule_text(info: dict | None, app: Any) -> Text:
    """One line on the template's schedule: state, due, lapses, suspended or leech."""
    if not info:
        return Text()
    out = Text(style="dim")
    out.append(f"schedule: {info.get('state', 'new')}")
    due = app.local(info.get("due"))
    if due is not None:
        out.append(f" · due {due:%d %b %H:%M}")
    if info.get("lapses"):
        out.append(f" · {info['lapses']} lapses")
    if info.get("leech"):
        out.append(" · leech")
    if info.get("suspended"):
        out.append(" · SUSPENDED (s to unsuspend)", style="bold")
    out.append("\n\n")
    return out


def preview_text(instance: Any) -> Text:
    """Everything an author checks: prompt, parameters, answer, mistakes, hint and solution."""
    out = Text()
    out.append(visible(f"{instance.title}\n"), style="bold")
    out.append(visible(f"{instance.topic} · {instance.equation} · {getattr(instance, 'kind', '')}\n\n"), style="dim")
    out.append(visible(instance.prompt.strip() + "\n\n"))
    params = getattr(instance, "params", None) or {}
    if params:
        out.append(param_block(params))
        out.append("\n\n")
    answer = instance.answer
    out.append("answer  ", style="dim")
    out.append(visible(f"{getattr(answer, 'display', answer)}"), style="bold")
    out.append(f"  ({getattr(answer, 'type', '')})\n", style="dim")
    mistakes = getattr(instance, "mistakes", ()) or ()
    if mistakes:
        out.append("\nmistakes\n", style="dim")
        for m in mistakes:
            value = getattr(m, "display", None) or getattr(m, "value", "")
            out.append(visible(f"  {m.id}"), style="bold")
            out.append(visible(f" → {value}\n    {m.message}\n"))
    hint = getattr(instance, "hint", None)
    if hint:
        out.append(visible(f"\nhint  {hint}\n"))
    solution = (getattr(instance, "solution", "") or "").strip()
    if solution:
        out.append("\nsolution\n", style="dim")
        out.append(visible(solution + "\n"))
    return out
