"""`TrainerFooter`: Textual's Footer, minus a memory leak of Textual 8.2.8.

UI layer. Each time the bindings change, Footer recomposes its keys and every new key data-binds the
footer's `compact` reactive; the footer keeps a watcher for every key it ever showed (they are only
pruned when `compact` changes, which never happens here). A review changes the bindings several times,
so a long session grew by ~1.7 MB per review. After each recompose this footer drops the watchers of
keys that are no longer mounted.
"""

from __future__ import annotations

from textual.widgets import Footer


class TrainerFooter(Footer):
    """The app's footer (same look and behaviour as Footer)."""

    async def recompose(self) -> None:
        await super().recompose()
        watchers = getattr(self, "__watchers", {}).get("compact")
        if watchers:
            watchers[:] = [(node, callback) for node, callback in watchers
                           if node.is_attached and not node._closing]
