"""`ProgressScreen`: a year heatmap of reviews, retention against the target, the 30-day forecast,
mastery per equation, the most frequent mistakes and the leeches — each chart with its numbers.

UI layer; everything comes from `session.stats()` (the `trainer stats --json` payload), read
tolerantly so that a missing section shows as empty rather than failing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from trainer.ui.widgets.heatmap import Heatmap
from trainer.ui.widgets.mastery_bar import mastery_bar
from trainer.ui.widgets.plain_text import plain
from trainer.ui.widgets.trainer_footer import TrainerFooter

if TYPE_CHECKING:
    from trainer.core.progress import Stats
    from trainer.session import Summary


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value if not hasattr(value, "date") else value.date()
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def daily_counts(stats: Stats) -> dict[date, int]:
    """`{day: reviews}` from the stats heatmap `{"start", "end", "counts": [...]}`."""
    raw = stats.get("heatmap") or {}
    start = _day(raw.get("start")) if isinstance(raw, dict) else None
    if start is None:
        return {}
    return {start + timedelta(days=i): int(n) for i, n in enumerate(raw.get("counts") or []) if n}


def series(raw: Any, value_keys: tuple[str, ...]) -> list[tuple[str, float]]:
    """(label, value) pairs from a mapping, a list of numbers or a list of rows."""
    if isinstance(raw, dict):
        return [(str(k), float(v)) for k, v in raw.items() if isinstance(v, (int, float))]
    out = []
    for i, r in enumerate(raw or []):
        if isinstance(r, (int, float)):
            out.append((str(i), float(r)))
        elif isinstance(r, dict):
            label = str(r.get("date") or r.get("day") or r.get("week") or r.get("month") or i)
            for key in value_keys:
                if isinstance(r.get(key), (int, float)):
                    out.append((label, float(r[key])))
                    break
    return out


class ProgressScreen(Screen[None]):
    """Charts on the left, the numbers on the right; scrolls at small sizes."""

    BINDINGS = [Binding("escape", "app.home", "Home"), Binding("r", "reload", "Refresh")]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="progress-body"):
            yield Static("", id="progress-empty", markup=False)
            with Vertical(id="heatmap-box", classes="panel"):
                yield Heatmap(id="heatmap")
                yield Static("", id="heatmap-numbers")
            with Horizontal(classes="chart-row"):
                with Vertical(id="retention-box", classes="panel"):
                    yield Static("", id="retention-chart", classes="chart")
                    yield Static("", id="retention-numbers")
                with Vertical(id="forecast-box", classes="panel"):
                    yield Static("", id="forecast-chart", classes="chart")
                    yield Static("", id="forecast-numbers")
            with Vertical(id="mastery-box", classes="panel"):
                yield DataTable(id="mastery-table", cursor_type="row", show_cursor=False)
            with Horizontal(classes="chart-row"):
                yield Static("", id="mistakes", classes="panel", markup=False)
                yield Static("", id="leeches", classes="panel", markup=False)
        yield TrainerFooter()

    def on_mount(self) -> None:
        titles = {"#heatmap-box": "Reviews in the last year", "#retention-box": "True retention vs target",
                  "#forecast-box": "Due in the next 30 days", "#mastery-box": "Mastery per equation",
                  "#mistakes": "Most frequent mistakes", "#leeches": "Leeches (8+ lapses)"}
        for selector, title in titles.items():
            self.query_one(selector).border_title = title
        table = self.query_one("#mastery-table", DataTable)
        # Fixed widths (the longest bundled topic and equation ids; a mastery bar): a column that
        # widens once its rows are measured can leave the header drawn at the old width (Textual 8.2.8
        # caches the header row across that change), and snapshots of this screen would flicker.
        for name, width in (("topic", 14), ("equation", 29), ("mastery", 15), ("started", 7)):
            table.add_column(name, key=name, width=width)
        self.action_reload()

    def action_reload(self) -> None:
        self.run_worker(self._load(), exclusive=True, group="stats")

    async def _load(self) -> None:
        try:
            stats, summary = await self.app.runner.call(lambda s: (s.stats(), s.summary()))
        except Exception as exc:
            self.query_one("#progress-empty", Static).update(plain(f"Statistics are unavailable: {exc}"))
            return
        self.show_stats(stats, summary)

    def show_stats(self, stats: Stats, summary: Summary) -> None:
        counts = daily_counts(stats)
        total = int((stats.get("totals") or {}).get("reviews", 0) or sum(counts.values()))
        today = _day(stats.get("today")) or _day((stats.get("heatmap") or {}).get("end")) or date.today()
        empty = self.query_one("#progress-empty", Static)
        empty.display = total == 0
        empty.update("No reviews yet. Answer a few problems (r on the home screen) and your heatmap, "
                     "retention, forecast and mastery appear here.")
        heatmap = self.query_one(Heatmap)
        heatmap.set_counts(counts, today)
        active = sum(1 for n in counts.values() if n)
        streak = stats.get("streak") or {}
        if not isinstance(streak, dict):
            streak = {"current": streak}
        self.query_one("#heatmap-numbers", Static).update(
            f"{total} reviews on {active} days · streak {streak.get('current', 0)} "
            f"(longest {streak.get('longest', 0)}) · best day {max(counts.values(), default=0)} · "
            f"today {stats.get('reviewed_today', 0)}")

        target = float(stats.get("desired_retention", summary.get("desired_retention", 0.9)) or 0.9)
        true_ret = stats.get("true_retention") or {}
        retention = [(r["month"], r["retention"]) for r in true_ret.get("by_month", [])
                     if isinstance(r.get("retention"), (int, float))]
        numbers = [f"target {target:.0%}"]
        for key, label in (("overall", "overall"), ("last_30_days", "last 30 days")):
            value = true_ret.get(key)
            if isinstance(value, (int, float)):
                numbers.append(f"{label} {value:.1%} ({true_ret.get(key + '_count', 0)} first reviews)")
        numbers = " · ".join(numbers)
        if retention:
            numbers += "\n" + "  ".join(f"{m} {v:.0%}" for m, v in retention[-4:])
        self.query_one("#retention-numbers", Static).update(numbers)
        self.query_one("#retention-chart", Static).update(
            spark([v for _, v in retention], lo=0.0, hi=1.0, target=target) if retention else "no data yet")

        forecast = series(stats.get("forecast") or [], ("due",))
        values = [v for _, v in forecast][:30]
        self.query_one("#forecast-chart", Static).update(bars(values) if any(values) else "nothing scheduled")
        self.query_one("#forecast-numbers", Static).update(
            f"tomorrow {int(values[1]) if len(values) > 1 else 0} · next 7 days {int(sum(values[:7]))} · "
            f"30 days {int(sum(values))}")

        table = self.query_one("#mastery-table", DataTable)
        table.clear()
        mastery = stats.get("mastery") or {}
        rows = mastery.get("equations", []) if isinstance(mastery, dict) else mastery
        for r in sorted(rows, key=lambda r: (r.get("topic", ""), r.get("equation", ""))):
            started = r.get("started", 0)
            table.add_row(plain(r.get("topic", "")), plain(r.get("equation", "")),
                          mastery_bar(r.get("mastery") if started else None),
                          f"{started}/{r.get('templates', '')}")

        mistakes = stats.get("frequent_mistakes") or stats.get("mistakes") or []
        lines = [f"{m.get('count', ''):>4}× {m.get('diagnosis_id') or m.get('id')} ({m.get('template_id', '')})"
                 + (f"\n      {m['message']}" if m.get("message") else "") for m in mistakes[:6] if isinstance(m, dict)]
        self.query_one("#mistakes", Static).update(plain("\n".join(lines) or "none diagnosed yet"))
        leeches = stats.get("leeches") or []
        lines = [f"{leech.get('template_id')}  {leech.get('lapses', '?')} lapses"
                 + (" · suspended" if leech.get("suspended") else "") for leech in leeches]
        self.query_one("#leeches", Static).update(plain("\n".join(lines) or "none — good"))


BLOCKS = " ▁▂▃▄▅▆▇█"


def bars(values: list[float], height: int = 4) -> str:
    """Column chart of counts, `height` rows of eighth-blocks, with the peak labelled."""
    peak = max(values, default=0) or 1
    rows = []
    for level in range(height, 0, -1):
        row = ""
        for v in values:
            fill = v / peak * height - (level - 1)
            row += BLOCKS[max(0, min(8, round(fill * 8)))] if fill > 0 else " "
        rows.append(row)
    rows[0] += f"  {int(peak)}"
    rows.append("└" + "─" * max(0, len(values) - 1) + " days")
    return "\n".join(rows)


def spark(values: list[float], *, lo: float, hi: float, target: float, height: int = 4) -> str:
    """A retention line as columns, with the target marked `─` where a column stays below it."""
    rows = []
    for level in range(height, 0, -1):
        row = ""
        top = lo + (hi - lo) * level / height
        bottom = lo + (hi - lo) * (level - 1) / height
        for v in values[-40:]:
            if v >= top:
                row += "█"
            elif v > bottom:
                row += BLOCKS[max(1, round((v - bottom) / (top - bottom) * 8))]
            elif bottom <= target < top:
                row += "─"
            else:
                row += " "
        rows.append(row + (f"  {top:.0%}" if level == height else ""))
    return "\n".join(rows) + f"\n(─ target {target:.0%})"
