"""The containers safe YAML reading returns (`LineDict`, `LineList`) and its error, without YAML itself.

Core layer. Kept apart from `safe_yaml` so that code which only handles already-parsed template data
(the template compiler, the parsed-template cache) does not import PyYAML, a sizeable share of a
short command's start-up.
"""

from __future__ import annotations

from typing import Any


class YamlError(ValueError):
    """A file that is not acceptable YAML. `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


class LineDict(dict):
    """A mapping that also knows the 1-based line of each key (`lines[key]`) and of itself (`line`)."""

    __slots__ = ("lines", "line")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lines: dict[Any, int] = {}
        self.line: int = 0

    def line_of(self, key: Any) -> int:
        """Line of `key` if present, else the line where this mapping starts."""
        return self.lines.get(key, self.line)


class LineList(list):
    """A sequence that knows the 1-based line of each item."""

    __slots__ = ("lines", "line")

    def __init__(self, *args: Any):
        super().__init__(*args)
        self.lines: list[int] = []
        self.line: int = 0

    def line_of(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else self.line
