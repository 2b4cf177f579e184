"""`mastery_bar`: a fraction (say, the share of an equation's cards that are mature) as a short bar of
block characters, for table cells.

UI layer; a renderable helper rather than a widget because DataTable cells take renderables.
"""

from __future__ import annotations

from rich.text import Text

EIGHTHS = " ▏▎▍▌▋▊▉"


def mastery_bar(value: float | None, width: int = 10) -> Text:
    """`value` in 0..1 as `width` cells of bar followed by the percentage; None for "not started"."""
    if value is None:
        return Text("·" * width + "    –", style="dim")
    value = min(1.0, max(0.0, float(value)))
    eighths = round(value * width * 8)
    full, rest = divmod(eighths, 8)
    bar = "█" * full + (EIGHTHS[rest] if rest else "")
    style = "green" if value >= 0.85 else "yellow" if value >= 0.6 else "red"
    text = Text(bar.ljust(width), style=style)
    text.append(f" {value:>4.0%}")
    return text
