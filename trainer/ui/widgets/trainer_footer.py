"""`TrainerFooter`: Textual's Footer, compact, with two fixes for long sessions and a fast start (Textual 8.2.8).

UI layer.
- Footer recomposes all its keys after *every* bindings change; a review changes bindings several
  times in one refresh (state, focus, disabled input), so start-up alone recomposed it ~25 times.
  Here changes are coalesced: at most one recompose is pending at a time.
- Every key Footer creates data-binds the footer's `compact` reactive, and the footer keeps a
  watcher per key ever shown (pruned only when `compact` changes, which never happens here): a long
  session grew by ~1.7 MB per review. After each recompose the watchers of unmounted keys are dropped.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class TrainerFooter(Footer):
    """The app's footer: Footer in its compact style, so every key of a screen fits in 80 columns."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(*args, **kwargs)

    _recompose_pending = False

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or self._recompose_pending:
            return
        if self.is_attached and screen is self.screen:
            self._recompose_pending = True
            self.call_after_refresh(self.recompose)

    async def recompose(self) -> None:
        self._recompose_pending = False
        await super().recompose()
        watchers = getattr(self, "__watchers", {}).get("compact")
        if watchers:
            watchers[:] = [(node, callback) for node, callback in watchers
                           if node.is_attached and not node._closing]
