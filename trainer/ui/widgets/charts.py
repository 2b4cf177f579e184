"""Charts drawn with block characters, each with its scale and its numbers beside it: column charts
with a labelled day axis (forecast, time per day), a weekly retention chart against the target, and
horizontal distribution bars.

UI layer; renderable helpers (they return Rich `Text`, never markup), like `mastery_bar`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from rich.text import Text

BLOCKS = " ▁▂▃▄▅▆▇█"
AXIS = 6  # width of the scale column on the left ("  12 │")


def _cell(value: float, level: int, per_row: float) -> str:
    """The block drawn at row `level` (1 = bottom) for `value`, each row worth `per_row`."""
    fill = value / per_row - (level - 1) if per_row else 0
    if fill <= 0:
        return " "
    return BLOCKS[max(1, min(8, round(fill * 8)))]


def column_chart(values: Sequence[float | None], *, height: int = 5, width: int = 1,
                 scale: Callable[[float], str] = str, top: float | None = None, floor: float = 0.0, bottom_labels: Sequence[tuple[int, str]] = (),
                 target: float | None = None, style: str = "green") -> Text:
    """Vertical bars, the scale on the left (top value and 0), labels under chosen columns.

    Args:
        values: one bar per value (None: no data, drawn empty and never marked against the target).
        height: rows of bars.
        width: characters per bar.
        scale: formats a value for the axis.
        top: value of the top row (default: the largest value).
        floor: value of the axis (bars show how far above it a value is).
        bottom_labels: (column index, text) written under the axis, left-aligned at the column.
        target: a value marked with `╌` wherever a bar stays below it.
        style: the bars' style.

    Returns:
        The chart as `Text`, height + 2 lines.
    """
    peak = top if top is not None else max((v for v in values if v is not None), default=0)
    if peak <= floor:
        peak = floor + 1
    per_row = (peak - floor) / height
    # The row the target falls in: a bar that leaves that row empty is below the target.
    target_row = None if target is None else min(height, max(1, math.floor((target - floor) / per_row) + 1))
    out = Text()
    for level in range(height, 0, -1):
        middle = target is None and height >= 4 and level == (height + 1) // 2
        label = (scale(peak) if level == height else scale(target) if level == target_row
                 else scale(floor + level * per_row) if middle else "")
        if middle and label in (scale(peak), scale(floor)):  # a small peak: "1" twice would mislead
            label = ""
        out.append(f"{label:>{AXIS - 2}} │", style="dim")
        for v in values:
            block = " " if v is None else _cell(v - floor, level, per_row)
            if block == " " and level == target_row and v is not None:
                out.append("╌" * width, style="yellow")
            else:
                out.append(block * width, style=style)
        out.append("\n")
    out.append(f"{scale(floor):>{AXIS - 2}} └" + "─" * (len(values) * width) + "\n", style="dim")
    axis = [" "] * (AXIS + len(values) * width + 12)
    for column, text in bottom_labels:
        start = AXIS + column * width
        if all(c == " " for c in axis[max(0, start - 1):start + len(text) + 1]):
            axis[start:start + len(text)] = list(text)
    out.append("".join(axis).rstrip(), style="dim")
    return out


def day_labels(first: date, count: int, *, every: int = 7, today: date | None = None) -> list[tuple[int, str]]:
    """Axis labels for `count` daily columns from `first`: "today" on today, "9 Mar" every `every` days."""
    out = []
    for i in range(0, count, every):
        day = first + timedelta(days=i)
        out.append((i, "today" if day == today else f"{day.day} {day:%b}"))
    return out


def hbars(rows: Sequence[tuple[str, float]], *, width: int = 20, total: float | None = None,
          style: str = "cyan") -> Text:
    """Horizontal bars with the label on the left and the count (and share of `total`) on the right."""
    peak = max((v for _, v in rows), default=0) or 1
    label_width = max((len(label) for label, _ in rows), default=0)
    out = Text()
    for i, (label, value) in enumerate(rows):
        eighths = round(value / peak * width * 8)
        full, rest = divmod(eighths, 8)
        bar = "█" * full + (" ▏▎▍▌▋▊▉"[rest] if rest else "")
        out.append(f"{label:>{label_width}} ", style="dim")
        out.append(bar.ljust(width), style=style)
        share = f" ({value / total:.0%})" if total else ""
        out.append(f" {value:g}{share}")
        if i < len(rows) - 1:
            out.append("\n")
    return out
