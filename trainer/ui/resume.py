"""Reopening a kept screen without restyling it: Textual restyles every node of a screen each time
it is shown again (`ScreenResume.refresh_styles`), in case the theme changed while it was hidden; on
the Bank and Progress screens that restyle was most of a reopen's cost.

UI layer. A kept screen calls `fresh_on_resume(self, event)` first thing in its `on_screen_resume`
(a subclass's handler runs before Textual's own): the restyle is skipped unless the theme, the app's
classes or its ANSI colour mode changed since the screen was last shown, and it learns whether its
`prepare()` (which sets `_prepared`) already read its data for this show.
"""

from __future__ import annotations

from typing import Any


def style_key(app: Any) -> tuple:
    """What the styles of a hidden screen depend on beyond its own classes."""
    return (app.theme, frozenset(app.classes), app.ansi_color)


def keep_styles(screen: Any, event: Any) -> None:
    """Skip the resume's restyle of `screen` when nothing it depends on changed since its last show."""
    key = style_key(screen.app)
    if getattr(screen, "_styled_as", None) == key:
        event.refresh_styles = False
    screen._styled_as = key


def fresh_on_resume(screen: Any, event: Any) -> bool:
    """`keep_styles`, then whether the screen's data was read for this show by its `prepare()` (the
    flag is consumed: the next resume without a prepare reloads)."""
    keep_styles(screen, event)
    fresh = bool(getattr(screen, "_prepared", False))
    screen._prepared = False
    return fresh
