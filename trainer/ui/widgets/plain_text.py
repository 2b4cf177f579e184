"""`plain`: untrusted text (a template's prompt, a typed answer, an error message) as a Rich `Text`
that is shown exactly as written — never read as markup, never sent to the terminal as control codes.

UI layer; a renderable helper like `mastery_bar`. Textual parses a `str` given to `Static`, `update`,
`border_title` or a `DataTable` cell as markup, so `[@click=app.quit]` in a prompt would become a live
link and `[/]` a crash; a `Text` is never parsed. Control characters other than newline and tab are
drawn as their Unicode control pictures (ESC as ␛), so an ANSI sequence in a template is seen, not
run; a lone surrogate (not encodable) becomes U+FFFD.
"""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text

_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)}
_PICTURES[0x7F] = "\u2421"  # ␡
_PICTURES.update({code: "\ufffd" for code in range(0x80, 0xA0)})  # C1 controls: no pictures exist
_PICTURES.update({code: "\ufffd" for code in range(0xD800, 0xE000)})  # lone surrogates
_PICTURES[0x0A] = "\n"
_PICTURES[0x09] = "\t"


def visible(text: str) -> str:
    """`text` with every control character and lone surrogate replaced by a visible stand-in.

    Newline and tab are kept (they lay text out); a carriage return, ESC, BEL… become ␍, ␛, ␇….
    """
    return text.translate(_PICTURES)


def plain(value: Any, style: str | Style = "") -> Text:
    """`value` (any object, shown with `str`) as literal text in `style`."""
    return Text(visible(value if isinstance(value, str) else str(value)), style=style)
