"""Text for the terminal: control characters in anything the CLI echoes (a typed answer, a template's
text) are printed as escapes, so an ESC, BEL or C1 sequence is read, not executed by the terminal.

CLI layer; plain functions on `str`, no imports beyond the standard library.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, and the C1 controls (0x9b is a one-byte CSI to a terminal).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def escaped(text: str, *, lines: bool = True) -> str:
    """`text` with control characters written as `\\x1b`-style escapes.

    Args:
        text: what is about to be printed.
        lines: keep newlines and tabs as they are (False escapes them too, for one-line echoes).

    Returns:
        The text safe to print to a terminal; unchanged when it has no control characters.
    """
    out = _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    if not lines:
        out = out.replace("\t", "\\t").replace("\n", "\\n")
    return out


def json_safe(dumped: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with DEL and C1 controls as `\\u` escapes.

    `json.dumps` escapes C0 controls itself; DEL and C1 can only occur inside strings, where a
    `\\u` escape reads back as the same character.
    """
    return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", dumped)


def first_surrogate(text: str) -> int | None:
    """Index of the first lone surrogate in `text` (a byte that was not UTF-8 on the command line
    arrives as one), or None."""
    match = _SURROGATE.search(text)
    return match.start() if match else None
