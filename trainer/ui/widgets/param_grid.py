"""`ParamGrid`: a problem's parameters laid out as mathematics — scalars inline, vectors as rows,
matrices as bracketed grids with aligned columns.

UI layer; a display widget only (the values come from the instance, unchanged).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text
from textual.widgets import Static

from trainer.ui.widgets.plain_text import plain


def number_text(value: Any) -> str:
    """A number as the bank shows it: integers plainly, floats to four significant decimals."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.4g}"
    try:  # numpy scalars without importing numpy
        return number_text(value.item())
    except AttributeError:
        return str(value)


def _as_list(value: Any) -> Any:
    return value.tolist() if hasattr(value, "tolist") else value


def value_lines(value: Any) -> list[str]:
    """The lines that draw one value: a matrix gets ⎡ ⎤ brackets and right-aligned columns."""
    value = _as_list(value)
    if isinstance(value, (list, tuple)) and value and all(isinstance(r, (list, tuple)) for r in value):
        cells = [[number_text(x) for x in row] for row in value]
        ncols = max(len(r) for r in cells)
        widths = [max((len(r[c]) for r in cells if c < len(r)), default=0) for c in range(ncols)]
        rows = ["  ".join(r[c].rjust(widths[c]) if c < len(r) else " " * widths[c] for c in range(ncols))
                for r in cells]
        if len(rows) == 1:
            return [f"[{rows[0]}]"]
        out = []
        for i, row in enumerate(rows):
            left, right = ("⎡", "⎤") if i == 0 else ("⎣", "⎦") if i == len(rows) - 1 else ("⎢", "⎥")
            out.append(f"{left} {row} {right}")
        return out
    if isinstance(value, (list, tuple)):
        return ["[" + "  ".join(number_text(x) for x in value) + "]"]
    if isinstance(value, str):
        return [value]
    return [number_text(value)]


def param_block(params: Mapping[str, Any]) -> Text:
    """All parameters: one-line values side by side, multi-line ones (matrices) on their own rows.

    Names starting with `_` are helpers of the template, not shown to the learner.
    """
    inline: list[str] = []
    blocks: list[list[str]] = []
    for name, value in params.items():
        if name.startswith("_"):
            continue
        lines = value_lines(value)
        if len(lines) == 1:
            inline.append(f"{name} = {lines[0]}")
        else:
            label = f"{name} = "
            mid = (len(lines) - 1) // 2
            blocks.append([(label if i == mid else " " * len(label)) + line for i, line in enumerate(lines)])
    out: list[str] = []
    if inline:
        out.append("    ".join(inline))
    if blocks:
        # Matrices side by side, vertically centred on each other.
        height = max(len(b) for b in blocks)
        padded = []
        for b in blocks:
            width = max(len(line) for line in b)
            top = (height - len(b)) // 2
            padded.append([" " * width] * top + [line.ljust(width) for line in b]
                          + [" " * width] * (height - len(b) - top))
        for i in range(height):
            out.append("     ".join(b[i] for b in padded).rstrip())
    return plain("\n".join(out))


class ParamGrid(Static):
    """The parameters of the problem on screen."""

    def show_params(self, params: Mapping[str, Any] | None) -> None:
        """Replace the parameters shown (None or empty hides the widget)."""
        self.display = bool(params)
        self.update(param_block(params or {}))
