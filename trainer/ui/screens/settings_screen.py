"""`SettingsScreen`: every `trainer config` setting, editable, each checked as it is saved, plus the
theme (kept across restarts).

UI layer; reads `session.settings` and saves through `session.set_setting`, which validates (the
message of a refused value names the key and the range) and stores it. Settings the screen does not
describe get a plain text field, so a setting added to the core shows up here without a change.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Select, Static

from trainer.ui.widgets.plain_text import plain
from trainer.ui.widgets.trainer_footer import TrainerFooter

#: key → (label, what it does); choices for keys that take one of a few values.
DESCRIPTIONS = {
    "desired_retention": ("Desired retention", "recall probability FSRS aims for when a card falls due "
                          "(0.70–0.99; higher means more reviews)"),
    "new_per_day": ("New cards per day", "templates introduced per day (0 pauses new cards)"),
    "reviews_per_day": ("Reviews per day", "review-state cards shown per day (learning steps are never capped)"),
    "leech_threshold": ("Leech threshold", "lapses after which a card is flagged as a leech (≥ 1)"),
    "leech_action": ("Leech action", "tag: flag only · suspend: flag and stop scheduling it"),
    "backups_keep": ("Backups kept", "automatic daily backups kept (≥ 1)"),
    "next_day_starts_at": ("Next day starts at", "local hour (0–23, e.g. 4 or 04:00) a learning day begins"),
    "timezone": ("Time zone", "zone of learning days: local, UTC or an IANA name such as Europe/Paris"),
    "theme": ("Theme", "colours of the app; also ctrl+p → Theme; kept across restarts"),
}
CHOICES = {"leech_action": ("tag", "suspend")}


class SettingsScreen(Screen[None]):
    """One row per setting: label, field, what it does, and the result of the last save."""

    TITLE = "Settings"
    BINDINGS = [Binding("escape", "app.home", "Home")]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="settings-body"):
            yield Static("Enter saves a field; a choice is saved when picked.", id="settings-intro", markup=False)
        yield TrainerFooter()

    def on_mount(self) -> None:
        self.run_worker(self._load(), exclusive=True, group="settings")

    async def _load(self) -> None:
        try:
            values = await self.app.runner.call(lambda s: dict(s.settings))
        except Exception as exc:
            self.query_one("#settings-intro", Static).update(plain(f"Settings are unavailable: {exc}"))
            return
        self.values = values
        values["theme"] = self.app.theme  # what is on screen (a stored theme that no longer exists is not)
        rows = [self._row(key, value) for key, value in values.items()]
        await self.query_one("#settings-body").mount_all(rows)
        first = self.query(".setting-field")
        if first:
            first.first().focus()

    def _row(self, key: str, value: Any) -> Vertical:
        label, help_text = DESCRIPTIONS.get(key, (key, ""))
        if key == "theme":
            names = sorted(self.app.available_themes)
            field: Any = Select([(n, n) for n in names], value=value if value in names else Select.NULL,
                                allow_blank=False, id=f"setting-{key}", classes="setting-field")
        elif key in CHOICES:
            field = Select([(c, c) for c in CHOICES[key]], value=value, allow_blank=False, id=f"setting-{key}",
                           classes="setting-field")
        else:
            field = Input(str(value), id=f"setting-{key}", classes="setting-field")
        row = Vertical(Static(plain(f"{label}  ({key})", style="bold"), classes="setting-label", markup=False),
                       field,
                       Static(plain(help_text, style="dim"), classes="setting-help", markup=False),
                       Static("", id=f"setting-{key}-message", classes="setting-message", markup=False),
                       classes="setting-row")
        return row

    @on(Input.Submitted, ".setting-field")
    def input_saved(self, event: Input.Submitted) -> None:
        self.save(event.input.id.removeprefix("setting-"), event.value)

    @on(Select.Changed, ".setting-field")
    def choice_saved(self, event: Select.Changed) -> None:
        key = event.select.id.removeprefix("setting-")
        if event.value is Select.NULL or event.value == self.values.get(key):
            return
        if key == "theme":
            self.app.theme = str(event.value)  # the app stores it when the theme changes
            self.values[key] = event.value
            self._message(key, f"saved: {event.value}", error=False)
            return
        self.save(key, event.value)

    def save(self, key: str, value: Any) -> None:
        self.run_worker(self._save(key, value), group=f"save-{key}")

    async def _save(self, key: str, value: Any) -> None:
        try:
            stored = await self.app.runner.call(lambda s: s.set_setting(key, value))
        except ValueError as exc:
            self._message(key, f"not saved: {exc}", error=True)
            return
        except Exception as exc:  # a storage error (read-only or full disk) says why itself
            self._message(key, f"not saved: {exc}", error=True)
            return
        self.values[key] = stored
        field = self.query_one(f"#setting-{key}")
        if isinstance(field, Input):
            field.value = str(stored)
        self._message(key, f"saved: {stored}", error=False)

    def _message(self, key: str, text: str, *, error: bool) -> None:
        message = self.query_one(f"#setting-{key}-message", Static)
        message.set_class(error, "-error")
        message.set_class(not error, "-saved")
        message.update(plain(text))
