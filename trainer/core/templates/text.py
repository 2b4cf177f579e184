"""How numbers, vectors and matrices are written in prompts, solutions and answers.

Core layer. One formatter so a prompt, the expected answer and the worked solution show a value the
same way, and so what is shown can be typed back and read by the answer parser: `0.3333`,
`[0.2, 0.3, 0.5]`, `[[1, 2], [3, 4]]`. Placeholders in template text (`{expr}`, `{expr:.3f}`,
`{A:grid}`) are compiled once per template by `TextTemplate`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from itertools import repeat
from dataclasses import dataclass
from typing import Any

import numpy as np

from trainer.core.language.evaluate import Compiled, compile_node
from trainer.core.language.nodes import ExprError
from trainer.core.language.template_syntax import parse_template

SIG_DIGITS = 4
_SPEC = re.compile(r"^(grid|[+ ]?\.\d{1,2}[efg%]|\.\d{1,2}|d|%)$")
_BRACE = re.compile(r"[{}]")


#: (float, spec) → its text: an instance shows the same drawn value in its prompt, solution, messages
#: and parameter panel, and many seeds draw the same values. Zero is left out (0.0 and -0.0 are one
#: key but format apart under a spec).
_FORMATTED: dict[tuple[float, str | None], str] = {}
_FORMATTED_SIZE = 1 << 15


def fmt_number(v: Any, spec: str | None = None) -> str:
    """A scalar the way a learner would write it: integers plainly, others to 4 significant digits."""
    t = type(v)
    if t is np.float64:  # formats as its float does
        v = float(v)
    elif t is int and spec is None:
        return str(v)
    if type(v) is float and v:
        key = (v, spec)
        text = _FORMATTED.get(key)
        if text is None:
            text = _fmt_float(v, spec)
            if len(_FORMATTED) >= _FORMATTED_SIZE:
                _FORMATTED.clear()
            _FORMATTED[key] = text
        return text
    return _fmt_number(v, spec)


def _fmt_number(v: Any, spec: str | None) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v)) if spec is None else format(int(v), spec)
    return _fmt_float(float(v), spec)


def _fmt_float(v: float, spec: str | None) -> str:
    if spec is not None:
        return format(v, spec)
    if not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if v == 0:
        return "0"
    mag = math.floor(math.log10(abs(v)))
    if mag < -6 or mag >= 12:
        return f"{v:.{SIG_DIGITS - 1}e}"
    digits = min(max(SIG_DIGITS - 1 - mag, 0), 8)
    text = f"{v:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt(value: Any, spec: str | None = None) -> str:
    """Format any value a template can produce.

    Args:
        value: number, bool, string, list of strings, or a NumPy vector/matrix.
        spec: None for the default, `grid` for a multi-line aligned matrix, or a numeric format
            such as `.3f` applied to every entry.

    Returns:
        The text shown to the learner.
    """
    t = type(value)
    if spec is None and (t is float or t is int):  # most holes: where the checks below lead
        return fmt_number(value)
    if spec == "grid":
        return grid(value)
    if t is np.ndarray:  # where the checks below lead, without them
        return _nested(value, spec) if value.ndim else fmt_number(value.item(), spec)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    if isinstance(value, (np.ndarray, list, tuple)):
        arr = np.asarray(value)
        if arr.ndim == 0:
            return fmt_number(arr.item(), spec)
        return _nested(arr, spec)
    return fmt_number(value, spec)


#: (dtype, shape, bytes, spec) → the text of a numeric array: an instance shows the same vector in
#: its prompt, solution and messages (and `check` prints it again to count distinct instances). The
#: key is the array's whole content, so an equal array, never a changed one, finds the text.
_ARRAY_TEXT: dict[tuple, str] = {}


def _nested(arr: np.ndarray, spec: str | None) -> str:
    if arr.dtype.kind in "biuf":  # plain numbers: one tolist() instead of a NumPy scalar per entry
        if arr.size > 64:
            return _nested_list(arr.tolist(), spec)
        key = (arr.dtype.str, arr.shape, arr.tobytes(), spec)
        text = _ARRAY_TEXT.get(key)
        if text is None:
            text = (_float_list if arr.dtype.kind == "f" else _nested_list)(arr.tolist(), spec)
            if len(_ARRAY_TEXT) >= 4096:
                _ARRAY_TEXT.clear()
            _ARRAY_TEXT[key] = text
        return text
    if arr.ndim == 1:
        return "[" + ", ".join(fmt_number(x.item() if hasattr(x, "item") else x, spec) for x in arr) + "]"
    return "[" + ", ".join(_nested(row, spec) for row in arr) + "]"


def _nested_list(value: list, spec: str | None) -> str:
    if value and isinstance(value[0], list):
        return "[" + ", ".join(_nested_list(row, spec) for row in value) + "]"
    return "[" + ", ".join(fmt_number(x, spec) for x in value) + "]"


def _float_list(value: list, spec: str | None) -> str:
    """`_nested_list` of a float array's entries: each row's texts looked up in `fmt_number`'s cache
    at once, the ones missing (zeros among them, which it never holds) formatted after."""
    if value and type(value[0]) is list:
        return "[" + ", ".join([_float_list(row, spec) for row in value]) + "]"
    texts = list(map(_FORMATTED.get, zip(value, repeat(spec))))
    if None in texts:
        texts = [fmt_number(x, spec) if text is None else text for text, x in zip(texts, value)]
    return "[" + ", ".join(texts) + "]"


def grid(value: Any) -> str:
    """A vector or matrix as aligned rows in brackets (⎡ ⎤ style), for multi-line display."""
    arr = np.asarray(value)
    if arr.ndim == 0:
        return fmt(arr.item())
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    cells = [[fmt_number(x.item()) for x in row] for row in arr]
    widths = [max(len(r[j]) for r in cells) for j in range(arr.shape[1])]
    lines = ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in cells]
    if len(lines) == 1:
        return f"[ {lines[0]} ]"
    out = []
    for i, line in enumerate(lines):
        left, right = ("⎡", "⎤") if i == 0 else (("⎣", "⎦") if i == len(lines) - 1 else ("⎢", "⎥"))
        out.append(f"{left} {line} {right}")
    return "\n".join(out)


@dataclass(frozen=True)
class _Hole:
    source: str
    run: Compiled
    spec: str | None


class TextTemplate:
    """Template text with `{expression}` and `{expression:spec}` holes, compiled once.

    `{{` and `}}` stand for literal braces. Raises ExprError at construction for a bad hole, with
    the character position inside the text, so the loader can point at the line.
    """

    __slots__ = ("parts", "source", "names", "_holes", "_fixed")

    def __init__(self, source: str, functions: Mapping[str, Any] | None = None):
        self.source = source
        self.parts: list[str | _Hole] = []
        self.names: set[str] = set()
        from trainer.core.language.names import free_names

        i, buf, n = 0, [], len(source)
        while i < n:
            brace = _BRACE.search(source, i)  # the literal text up to the next brace, as one piece
            if brace is None:
                buf.append(source[i:])
                break
            if brace.start() > i:
                buf.append(source[i:brace.start()])
                i = brace.start()
            ch = source[i]
            if ch == "{" and source.startswith("{{", i):
                buf.append("{")
                i += 2
            elif ch == "}" and source.startswith("}}", i):
                buf.append("}")
                i += 2
            elif ch == "{":
                end = _closing_brace(source, i)
                if end < 0:
                    raise ExprError("'{' is never closed (write {{ for a literal brace)", i)
                inner = source[i + 1:end]
                expr_text, spec = _split_spec(inner)
                if spec is not None and not _SPEC.match(spec):
                    raise ExprError(f"unknown format '{spec}' (use e.g. .3f, .2e, d, % or grid)", i)
                try:
                    node = parse_template(expr_text)
                except ExprError as exc:
                    raise ExprError(f"in {{{inner}}}: {exc.message}",
                                    i + 1 + (exc.position or 0)) from None
                if buf:
                    self.parts.append("".join(buf))
                    buf = []
                self.names |= free_names(node)
                self.parts.append(_Hole(inner, compile_node(node, functions, guard=False), spec))
                i = end + 1
            else:
                raise ExprError("'}' without '{' (write }} for a literal brace)", i)
        if buf:
            self.parts.append("".join(buf))
        # (position in parts, closure, spec) of each hole: `render` fills a copy of `parts` in place.
        self._holes = tuple((i, p.run, p.spec) for i, p in enumerate(self.parts) if isinstance(p, _Hole))
        # Text without holes (most mistake messages) is the same on every render.
        self._fixed = None if self._holes else "".join(self.parts)

    def render(self, env: Mapping[str, Any]) -> str:
        """Fill every hole from `env` (raises EvalError from the expression language)."""
        if self._fixed is not None:
            return self._fixed
        out: list[Any] = list(self.parts)
        for i, run, spec in self._holes:
            value = run(env)
            t = type(value)
            # The commonest holes, each as `fmt` would write it, without its chain of tests.
            if t is int:
                if spec is None and value >= 0:  # no sign to parenthesize, no line break
                    out[i] = str(value)
                    continue
                text = fmt(value, spec)
            elif t is float or t is np.float64:
                if not value or spec == "grid":  # zero (±0 format apart under a spec), a scalar grid
                    text = fmt(value, spec)
                else:
                    value = float(value)
                    text = _FORMATTED.get((value, spec)) or fmt_number(value, spec)
                    if value > 0:
                        out[i] = text
                        continue
            elif t is str:
                text = value  # a string is shown as it is, under any spec
            elif t is np.ndarray and spec is None and value.ndim:
                text = _nested(value, None)
            else:
                text = fmt(value, spec)
            if text[0:1] == "-" and _needs_parentheses(out[max(i - 2, 0):i]):
                text = "(−" + text[1:] + ")"
            if "\n" in text:
                # A multi-line grid keeps its rows aligned under the column where it starts.
                line_start = "".join(out[:i]).rsplit("\n", 1)[-1]
                text = text.replace("\n", "\n" + " " * len(line_start))
            out[i] = text
        return "".join(out)


# After these a negative number reads as a second operator ("3·-31", "A − -1", "2^-3"): it gets
# parentheses, "3·(−31)". After "=", "(", "," or a word it is a plain signed number ("x = -3").
_OPERATORS = frozenset("·×*/÷−-+^±∓")


def _needs_parentheses(before: list[str]) -> bool:
    """Whether a negative number filled in after the text so far must be parenthesized."""
    text = "".join(before[-2:])
    stripped = text.rstrip(" ")
    if not stripped:
        return False
    last = stripped[-1]
    if last in _OPERATORS:
        return True
    # glued to a symbol or number with no space ("2{x}", "λ{x}"), it would read as a difference
    return stripped == text and (last.isalnum() or last in ")]")


def _closing_brace(text: str, start: int) -> int:
    depth = 0
    quote = None
    for j in range(start + 1, len(text)):
        c = text[j]
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "}":
            if depth == 0:
                return j
            depth -= 1
    return -1


def _split_spec(inner: str) -> tuple[str, str | None]:
    """Split `expr:spec` on the last top-level colon (slices like x[1:] keep theirs)."""
    depth = 0
    for j in range(len(inner) - 1, -1, -1):
        c = inner[j]
        if c in ")]}":
            depth += 1
        elif c in "([{":
            depth -= 1
        elif c == ":" and depth == 0:
            return inner[:j], inner[j + 1:].strip()
    return inner, None
