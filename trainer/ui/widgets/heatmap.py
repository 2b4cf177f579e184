"""`Heatmap`: a year of daily review counts drawn as a GitHub-style grid of shaded cells.

UI layer; self-contained (its colours are in `DEFAULT_CSS`), takes `{date: count}` and the last day.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

SHADES = " ░▒▓█"


class Heatmap(Widget):
    """Seven rows (Monday to Sunday), one column per week, ending at `last_day`."""

    DEFAULT_CSS = """
    Heatmap { height: 9; width: auto; color: $success; }
    """

    def __init__(self, counts: Mapping[date, int] | None = None, last_day: date | None = None,
                 weeks: int = 53, **kwargs):
        super().__init__(**kwargs)
        self.counts = dict(counts or {})
        self.last_day = last_day or date.today()
        self.weeks = weeks

    def set_counts(self, counts: Mapping[date, int], last_day: date) -> None:
        self.counts = dict(counts)
        self.last_day = last_day
        self.refresh(layout=True)

    def get_content_width(self, container, viewport) -> int:
        return 4 + self.weeks

    def get_content_height(self, container, viewport, width) -> int:
        return 8

    def render(self) -> Text:
        weeks = max(1, min(self.weeks, self.size.width - 4)) if self.size.width else self.weeks
        end = self.last_day
        start = end - timedelta(days=end.weekday() + 7 * (weeks - 1))
        peak = max(self.counts.values(), default=0)
        text = Text()
        months = [" "] * weeks
        for w in range(weeks):
            first = start + timedelta(days=7 * w)
            if first.day <= 7 and w + 3 <= weeks:
                for i, ch in enumerate(first.strftime("%b")):
                    if w + i < weeks:
                        months[w + i] = ch
        text.append("    " + "".join(months) + "\n", style="dim")
        for weekday in range(7):
            text.append(("Mon ", "    ", "Wed ", "    ", "Fri ", "    ", "Sun ")[weekday], style="dim")
            for w in range(weeks):
                day = start + timedelta(days=7 * w + weekday)
                if day > end:
                    text.append(" ")
                    continue
                n = self.counts.get(day, 0)
                level = 0 if n == 0 or peak == 0 else 1 + min(3, int(4 * (n - 1) / max(peak, 1)))
                text.append(SHADES[level] if level else "·", style=Style(dim=level == 0))
            text.append("\n")
        return text
