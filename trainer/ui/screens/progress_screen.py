"""`ProgressScreen`: what the learner knows and how the practice goes — cards by state (new,
learning, young, mature), predicted recall and stability distributions, a year heatmap, retention
against the target by week, the 30-day forecast, time spent per day, cards per equation, the most
frequent mistakes and the leeches — each chart with its scale and its numbers. `o` fits FSRS
parameters to the learner's reviews in a thread worker and offers them in `OptimizeModal`.

UI layer; everything comes from `session.stats()` (the `trainer stats --json` payload), read
tolerantly so that a missing section shows as empty rather than failing. Below 100 columns the
charts stack; wider, they sit side by side and bars widen.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import ScreenResume
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from trainer.ui.messages import FitFailed, ParametersFitted
from trainer.ui.screens.optimize_modal import OptimizeModal
from trainer.ui.resume import fresh_on_resume
from trainer.ui.widgets.charts import column_chart, day_labels, hbars
from trainer.ui.widgets.heatmap import Heatmap
from trainer.ui.widgets.mastery_bar import mastery_bar
from trainer.ui.widgets.plain_text import plain
from trainer.ui.widgets.trainer_footer import TrainerFooter

if TYPE_CHECKING:
    from trainer.core.progress import Stats
    from trainer.session import Summary

#: Below this width the chart panels stack instead of sitting two abreast.
NARROW = 100
GLYPHS = {"new": "·", "learning": "○", "young": "◐", "mature": "●"}


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


def minutes(seconds: float) -> str:
    """A duration for a chart axis: "45 s", "12 m", "1.5 h"."""
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} m"
    return f"{seconds / 3600:.1f} h"


def state_strip(counts: dict, width: int = 40) -> Text:
    """Cards by class as one bar (· new ○ learning ◐ young ● mature), widths proportional to counts."""
    total = sum(counts.get(k, 0) for k in GLYPHS) or 1
    out = Text()
    styles = {"new": "dim", "learning": "yellow", "young": "cyan", "mature": "green"}
    for key, glyph in GLYPHS.items():
        n = counts.get(key, 0)
        out.append(glyph * (round(n / total * width) if n else 0), style=styles[key])
    return out


class ProgressScreen(Screen[None]):
    """Cards and charts, each with its numbers; scrolls at small sizes."""

    TITLE = "Progress"
    BINDINGS = [Binding("escape", "app.home", "Home"), Binding("r", "reload", "Refresh"),
                Binding("f", "optimize", "Fit FSRS")]

    def __init__(self) -> None:
        super().__init__()
        self.stats: Stats | None = None
        self.summary: Summary | None = None
        self._table_width = 0
        #: The app read the figures just before showing this screen (`prepare`): no reload on resume.
        self._prepared = False
        #: How many times the charts were drawn (tests wait on it).
        self.charts_drawn = 0
        #: A fit is running (a second `o` waits for it).
        self.fitting = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="progress-body"):
            yield Static("", id="progress-empty", markup=False)
            with Horizontal(classes="chart-row"):
                with Vertical(id="cards-box", classes="panel"):
                    yield Static("", id="card-counts")
                    yield Static("", id="recall-numbers")
                with Vertical(id="distribution-box", classes="panel"):
                    yield Static("", id="stability-chart")
                    yield Static("", id="recall-chart")
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
            with Vertical(id="time-box", classes="panel"):
                yield Static("", id="time-chart", classes="chart")
                yield Static("", id="time-numbers")
            with Vertical(id="equations-box", classes="panel"):
                yield DataTable(id="equations-table", cursor_type="row", show_cursor=False)
            with Horizontal(classes="chart-row"):
                yield Static("", id="mistakes", classes="panel", markup=False)
                yield Static("", id="leeches", classes="panel", markup=False)
        yield TrainerFooter()

    def on_mount(self) -> None:
        titles = {"#cards-box": "Cards", "#distribution-box": "Memory strength (started cards)",
                  "#heatmap-box": "Reviews in the last year", "#retention-box": "True retention vs target, by week",
                  "#forecast-box": "Due in the next 30 days", "#time-box": "Time answering per day, last 30 days",
                  "#equations-box": "Cards per equation", "#mistakes": "Most frequent mistakes",
                  "#leeches": "Leeches (8+ lapses)"}
        for selector, title in titles.items():
            self.query_one(selector).border_title = title
        self.query_one("#equations-box").border_subtitle = "· new  ○ learning  ◐ young  ● mature"
        self.set_class(self.app.size.width < NARROW, "-narrow")
        self.action_reload()

    def on_screen_resume(self, event: ScreenResume) -> None:
        # The app keeps this screen between opens: each later open refreshes the figures, read
        # just before the switch when the app could (`prepare`).
        if fresh_on_resume(self, event):
            return
        if self.stats is not None:
            self.action_reload()

    async def prepare(self) -> None:
        """Before a reopen (the app awaits it): read and show the fresh figures while still hidden."""
        if self.stats is None:
            return
        self._prepared = True
        await self._load()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")
        if self.stats is not None:
            self.call_after_refresh(self._draw_charts)
            if self._columns_for(self.size.width) != self._table_width:
                self._fill_table()

    def action_reload(self) -> None:
        self.run_worker(self._load(), exclusive=True, group="stats")

    # ------------------------------------------------------------------ fitting FSRS parameters
    def action_optimize(self) -> None:
        """Fit FSRS parameters to the review log off the UI thread, then offer them in a modal."""
        if self.fitting:
            return
        self.fitting = True
        self.notify("Fitting FSRS parameters to your reviews…", timeout=3)
        self.run_worker(self._read_log(), exclusive=True, group="optimize-log")

    async def _read_log(self) -> None:
        try:
            log, current, fitted = await self.app.runner.call(
                lambda s: (s.review_log(), s.parameters_in_use(), s.fsrs_parameters is not None))
        except Exception as exc:
            self.post_message(FitFailed(f"could not read the review log: {exc}"))
            return
        # The fit is pure CPU on data already read: a thread worker, so the session thread stays free.
        self.run_worker(lambda: self._fit(log, current, fitted), thread=True, exclusive=True, group="optimize")

    def _fit(self, log, current, fitted: bool) -> None:
        from trainer.core.learning.fitting import FitError, NotEnoughReviews, optimize

        try:
            result = optimize(log, current)
        except (NotEnoughReviews, FitError) as exc:
            self.post_message(FitFailed(str(exc)))
            return
        self.post_message(ParametersFitted(result, fitted))

    def on_fit_failed(self, message: FitFailed) -> None:
        self.fitting = False
        self.notify(message.error, title="Cannot fit FSRS parameters yet", severity="warning", timeout=10,
                    markup=False)

    def on_parameters_fitted(self, message: ParametersFitted) -> None:
        self.fitting = False
        parameters = message.result.parameters

        async def chosen(apply: bool | None) -> None:
            if not apply:
                self.notify("Kept the parameters in use.", timeout=3)
                return
            try:
                await self.app.runner.call(lambda s: s.apply_parameters(parameters))
            except Exception as exc:
                self.notify(f"could not save the parameters: {exc}", severity="error", markup=False)
                return
            self.notify("Fitted FSRS parameters are used from now on.", timeout=4)

        self.app.push_screen(OptimizeModal(message.result, message.fitted_before), chosen)

    async def _load(self) -> None:
        try:
            stats, summary = await self.app.runner.call(lambda s: (s.stats(), s.summary()))
        except Exception as exc:
            self.query_one("#progress-empty", Static).update(plain(f"Statistics are unavailable: {exc}"))
            return
        self.show_stats(stats, summary)

    def show_stats(self, stats: Stats, summary: Summary) -> None:
        if (stats, summary) == (self.stats, self.summary):
            return  # reopened with nothing new: the screen already shows these figures
        self.stats, self.summary = stats, summary
        counts = daily_counts(stats)
        total = int((stats.get("totals") or {}).get("reviews", 0) or sum(counts.values()))
        today = _day(stats.get("today")) or _day((stats.get("heatmap") or {}).get("end")) or date.today()
        empty = self.query_one("#progress-empty", Static)
        empty.display = total == 0
        empty.update("No reviews yet. Answer a few problems (r on the home screen) and your cards, "
                     "retention, forecast and time appear here.")
        self.query_one(Heatmap).set_counts(counts, today)
        active = sum(1 for n in counts.values() if n)
        streak = stats.get("streak") or {}
        if not isinstance(streak, dict):
            streak = {"current": streak}
        self.query_one("#heatmap-numbers", Static).update(
            f"{total} reviews on {active} days · streak {streak.get('current', 0)} "
            f"(longest {streak.get('longest', 0)}) · best day {max(counts.values(), default=0)} · "
            f"today {stats.get('reviewed_today', 0)}")
        self._show_cards(stats.get("cards") or {})
        self._fill_table()
        # After the layout: bar widths follow the panels' widths.
        self.call_after_refresh(self._draw_charts)
        mistakes = stats.get("frequent_mistakes") or stats.get("mistakes") or []
        lines = [f"{m.get('count', ''):>4}× {m.get('diagnosis_id') or m.get('id')} ({m.get('template_id', '')})"
                 + (f"\n      {m['message']}" if m.get("message") else "") for m in mistakes[:6] if isinstance(m, dict)]
        self.query_one("#mistakes", Static).update(plain("\n".join(lines) or "none diagnosed yet"))
        leeches = stats.get("leeches") or []
        lines = [f"{leech.get('template_id')}  {leech.get('lapses', '?')} lapses"
                 + (" · suspended" if leech.get("suspended") else "") for leech in leeches]
        self.query_one("#leeches", Static).update(plain("\n".join(lines) or "none — good"))

    def _show_cards(self, cards: dict) -> None:
        counts = cards.get("counts") or {}
        total = sum(counts.get(k, 0) for k in GLYPHS)
        mature_days = cards.get("mature_days", 21)
        text = Text()
        for key, label in (("new", "new"), ("learning", "learning"), ("young", "young"), ("mature", "mature")):
            text.append(f"{counts.get(key, 0):>5} ", style="bold")
            text.append(f"{GLYPHS[key]} {label}")
            text.append({"new": "  never reviewed\n", "learning": "  still in learning steps\n",
                         "young": f"  stability < {mature_days:.0f} days\n",
                         "mature": f"  stability ≥ {mature_days:.0f} days\n"}[key], style="dim")
        text.append_text(state_strip(counts, 32))
        if counts.get("suspended"):
            text.append(f"\n{counts['suspended']} suspended", style="dim")
        self.query_one("#card-counts", Static).update(text)
        recall = cards.get("recall_now")
        started = total - counts.get("new", 0)
        line = Text()
        if recall is None:
            line.append("\nrecall now: – (no card started yet)", style="dim")
        else:
            line.append(f"\nrecall now {recall:.0%}", style="bold")
            line.append(f" predicted over {started} started cards (≈100% right after any review, even a "
                        "failed one)", style="dim")
        self.query_one("#recall-numbers", Static).update(line)
        stab = [(b.get("label", ""), b.get("count", 0)) for b in cards.get("stability") or []]
        rec = [(b.get("label", ""), b.get("count", 0)) for b in cards.get("retrievability") or []]
        stab_text = Text("stability (days until recall falls to 90%)\n", style="dim")
        stab_text.append_text(hbars(stab, width=16, total=sum(v for _, v in stab) or None))
        rec_text = Text("\npredicted recall now\n", style="dim")
        rec_text.append_text(hbars(rec, width=16, total=sum(v for _, v in rec) or None, style="green"))
        self.query_one("#stability-chart", Static).update(stab_text)
        self.query_one("#recall-chart", Static).update(rec_text)

    def _bar_width(self, selector: str, columns: int) -> int:
        """Characters per bar so `columns` bars fill the panel (at least one)."""
        inner = self.query_one(selector).content_region.width or 40
        return max(1, min(4, (inner - 8) // max(1, columns)))

    def _draw_charts(self) -> None:
        stats, summary = self.stats, self.summary or {}
        if stats is None:
            return
        self.charts_drawn += 1
        today = _day(stats.get("today")) or date.today()
        target = float(stats.get("desired_retention", summary.get("desired_retention", 0.9)) or 0.9)

        weeks = [w for w in stats.get("retention_by_week") or [] if isinstance(w, dict)]
        values = [w.get("retention") if isinstance(w.get("retention"), (int, float)) else None for w in weeks]
        width = self._bar_width("#retention-box", len(values))
        labels = []
        for i, w in enumerate(weeks):
            monday = _day(w.get("week"))
            if monday is not None and i % 4 == 0:
                labels.append((i, f"{monday.day} {monday:%b}"))
        if weeks:
            labels.append((len(weeks) - 1, "now"))
        self.query_one("#retention-chart", Static).update(
            column_chart(values, height=5, width=width, floor=0.5, top=1.0, target=target,
                         scale=lambda v: f"{v:.0%}", bottom_labels=labels)
            if any(v is not None for v in values) else Text("no review-state cards tested yet", style="dim"))
        true_ret = stats.get("true_retention") or {}
        numbers = Text()
        numbers.append(f"target {target:.0%} (╌)", style="yellow")
        for key, label in (("overall", "overall"), ("last_30_days", "last 30 days")):
            value = true_ret.get(key)
            if isinstance(value, (int, float)):
                numbers.append(f" · {label} {value:.1%} ({true_ret.get(key + '_count', 0)} first reviews)")
        recent = [(w, v) for w, v in zip(weeks, values) if v is not None][-3:]
        if recent:
            numbers.append("\n" + "  ".join(f"wk {_day(w.get('week')):%d %b} {v:.0%} ({w.get('count', 0)})"
                                            for w, v in recent), style="dim")
        self.query_one("#retention-numbers", Static).update(numbers)

        forecast = [d for d in stats.get("forecast") or [] if isinstance(d, dict)][:30]
        due = [float(d.get("due", 0) or 0) for d in forecast]
        width = self._bar_width("#forecast-box", len(due))
        first = _day(forecast[0].get("day")) if forecast else today
        self.query_one("#forecast-chart", Static).update(
            column_chart(due, height=5, width=width, scale=lambda v: f"{v:.0f}",
                         bottom_labels=day_labels(first or today, len(due), today=today), style="cyan")
            if any(due) else Text("nothing scheduled", style="dim"))
        self.query_one("#forecast-numbers", Static).update(
            f"today {int(due[0]) if due else 0} · tomorrow {int(due[1]) if len(due) > 1 else 0} · "
            f"next 7 days {int(sum(due[:7]))} · 30 days {int(sum(due))} · peak {int(max(due, default=0))}")

        days = [d for d in stats.get("time_per_day") or [] if isinstance(d, dict)]
        seconds = [float(d.get("seconds", 0) or 0) for d in days]
        width = self._bar_width("#time-box", len(seconds))
        first = _day(days[0].get("day")) if days else today
        self.query_one("#time-chart", Static).update(
            column_chart(seconds, height=4, width=width, scale=minutes,
                         bottom_labels=day_labels(first or today, len(seconds), today=today), style="magenta")
            if any(seconds) else Text("no timed answers in the last 30 days", style="dim"))
        active = [s for s in seconds if s]
        self.query_one("#time-numbers", Static).update(
            f"today {minutes(seconds[-1]) if seconds else '0 s'} · last 7 days {minutes(sum(seconds[-7:]))} · "
            f"30 days {minutes(sum(seconds))} · {minutes(sum(active) / len(active)) if active else '0 s'} "
            "per active day")

    @staticmethod
    def _columns_for(width: int) -> int:
        return max(60, width - 8)

    def _fill_table(self) -> None:
        """Per equation: topic, equation, one glyph per template, mature share, recall now, started."""
        stats = self.stats or {}
        table = self.query_one("#equations-table", DataTable)
        self._table_width = available = self._columns_for(self.size.width or self.app.size.width)
        # Fixed widths, recomputed for the screen width (a column that widens after its first paint
        # can leave a stale header in Textual 8.2.8). Padding is 2 per column.
        fixed = {"cards": 9, "mature": 12, "recall now": 10, "started": 7}
        spare = max(24, available - sum(fixed.values()) - 2 * 6)
        topic_w = min(16, max(10, spare // 3))
        eq_w = max(14, min(40, spare - topic_w))
        table.clear(columns=True)
        for name, width in (("topic", topic_w), ("equation", eq_w), *fixed.items()):
            table.add_column(name, key=name, width=width)
        rows = (stats.get("cards") or {}).get("equations") or []
        for r in sorted(rows, key=lambda r: (r.get("topic", ""), r.get("equation", ""))):
            n = r.get("templates", 0) or 0
            glyphs = Text()
            for key, style in (("mature", "green"), ("young", "cyan"), ("learning", "yellow"), ("new", "dim")):
                glyphs.append(GLYPHS[key] * int(r.get(key, 0) or 0), style=style)
            recall = r.get("recall_now")
            table.add_row(plain(r.get("topic", "")), plain(r.get("equation", "")), glyphs,
                          mastery_bar((r.get("mature", 0) or 0) / n if n else None, width=6),
                          "–" if recall is None else f"{recall:.0%}", f"{r.get('started', 0)}/{n}")
