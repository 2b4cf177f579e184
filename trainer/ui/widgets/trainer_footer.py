"""`TrainerFooter`: Textual's Footer, compact, drawn without recomposing on every bindings change (Textual 8.2.8).

UI layer.
- Footer recomposes all its keys after *every* bindings change, and each recompose mounts a dozen
  new keys, each restyled against the whole stylesheet: on a loaded machine that alone took hundreds
  of milliseconds per answer. A review changes its bindings several times per answer (answering,
  grading, feedback: keys appear and disappear; Enter or n shows for Next depending on the focus).
  Here every key ever shown on the screen stays mounted, in order: a bindings change hides the
  keys not active now (`display`, a layout change, no restyle), relabels a key in place (a repaint)
  and toggles `-disabled` on the keys whose state changed. Only a key never seen before recomposes
  the footer (once per key per screen), and changes are coalesced to one update per refresh. A screen
  can have every key it declares mounted ahead, hidden (`mount_every_key`), at a moment when nobody
  waits: the review screen does so while the first problem is read.
- Every key Footer creates data-binds the footer's `compact` reactive, and the footer keeps a
  watcher per key ever shown (pruned only when `compact` changes, which never happens here). After
  each recompose the watchers of unmounted keys are dropped, so a long session does not grow.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup


@dataclass
class _Key:
    """One footer key: its action (with its group's label when grouped) and how it shows now."""

    slot: tuple
    key: str
    display: str
    description: str
    tooltip: str
    enabled: bool
    shown: bool = True


class TrainerFooter(Footer):
    """The app's footer: Footer in its compact style, so every key of a screen fits in 80 columns."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(*args, **kwargs)
        #: Every key shown so far on this screen, in footer order (hidden ones stay mounted).
        self._slots: list[_Key] = []
        self._sync_pending = False
        #: `mount_every_key` has run: every key the screen declares is mounted.
        self.every_key_mounted = False

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or self._sync_pending:
            return
        if self.is_attached and screen is self.screen:
            self._sync_pending = True
            self.call_after_refresh(self._sync)

    def mount_every_key(self) -> None:
        """Mount now, hidden, every key the screen and the app declare, so that no later state (the
        review's feedback: Next and the ratings) has to recompose the footer at the moment the
        learner waits for it. Call it when nothing is waited for, e.g. after the first problem is drawn."""
        if not self.is_attached or self.every_key_mounted:
            return
        self.every_key_mounted = True
        declared = {}
        for node in (self.screen, self.app):
            for _key, binding in node._bindings:
                declared.setdefault(binding.key, (node, binding, True, binding.tooltip))
        known = {key.slot for key in self._slots}
        self._slots += [key for key in self._keys(declared.values()) if key.slot not in known]
        for key in self._slots:
            key.shown = False  # the sync shows the active ones again
        self.bindings_changed(self.screen)

    def _active(self) -> list[_Key]:
        """The keys Footer.compose would draw now, in its order."""
        return self._keys(self.screen.active_bindings.values())

    def _keys(self, entries) -> list[_Key]:
        """Footer.compose's keys for `entries` of (node, binding, enabled, tooltip), in its order."""
        active = self.screen.active_bindings
        by_action: defaultdict[str, list] = defaultdict(list)
        for _node, binding, enabled, tooltip in entries:
            if binding.show:
                by_action[binding.action].append((binding, enabled, tooltip))
        keys = []
        # As Footer.compose: consecutive actions of one group share a label when there are several.
        for group, run in groupby(by_action.values(), lambda multi: multi[0][0].group):
            run = list(run)
            grouped = group is not None and len(run) > 1
            for multi in run:
                binding, enabled, tooltip = multi[0]
                keys.append(_Key(
                    (binding.action, group.description if grouped else None, group.compact if grouped else None),
                    binding.key, self.app.get_key_display(binding), "" if grouped else binding.description,
                    ((tooltip or binding.description) if grouped else tooltip) or "", enabled))
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            entry = active.get(self.app.COMMAND_PALETTE_BINDING)
            if entry is not None:
                _node, binding, enabled, _tooltip = entry
                keys.append(_Key((binding.action, "-command-palette", None), binding.key,
                                 self.app.get_key_display(binding), binding.description,
                                 binding.tooltip or binding.description or "", enabled))
        return keys

    def _merged(self, active: list[_Key]) -> list[_Key]:
        """Every key shown so far on this screen, with `active`'s state, in the order of the screen's
        bindings (the order Footer draws them in); the command palette key last."""
        rank: dict[str, int] = {}
        # The declared bindings, unfiltered: the active chain drops keys the focused Input consumes.
        for node in (self.screen, self.app):
            for _key, binding in node._bindings:
                rank.setdefault(binding.action, len(rank))
        now = {key.slot: key for key in active}
        merged = {key.slot: now.get(key.slot) or _Key(key.slot, key.key, key.display, key.description,
                                                       key.tooltip, key.enabled, False)
                  for key in self._slots}
        merged.update(now)
        last = len(rank) + 1

        def order(item: tuple[int, _Key]) -> tuple[int, int]:
            i, key = item
            return (last if key.slot[1] == "-command-palette" else rank.get(key.slot[0], last - 1), i)

        return [key for _, key in sorted(enumerate(merged.values()), key=order)]

    async def _sync(self) -> None:
        self._sync_pending = False
        if not self.is_attached:
            return
        merged = self._merged(self._active())
        drawn = list(self.query(FooterKey))
        same = [k.slot for k in merged] == [k.slot for k in self._slots] and len(drawn) == len(merged)
        self._slots = merged
        if same:
            self._update(drawn)
        else:
            await self.recompose()

    def _update(self, drawn: list[FooterKey]) -> None:
        """Bring the mounted keys to the state in `_slots` (same keys, same order)."""
        for widget, key in zip(drawn, self._slots):
            if widget.display != key.shown:
                widget.display = key.shown
            if (widget.key, widget.key_display, widget.description) != (key.key, key.display, key.description):
                widget.key, widget.key_display, widget.description = key.key, key.display, key.description
                widget.refresh(layout=True)
            if (widget.tooltip or "") != key.tooltip:
                widget.tooltip = key.tooltip or None
            if widget._disabled == key.enabled:  # only the keys whose state changed are restyled
                widget._disabled = not key.enabled
                widget.set_class(not key.enabled, "-disabled")
        group_shown = None
        for child in self.children:  # a group's label follows it and shows with it
            if isinstance(child, KeyGroup):
                group_shown = any(key.display for key in child.query(FooterKey))
            elif not isinstance(child, FooterLabel):
                group_shown = None
            if group_shown is not None and child.display != group_shown:
                child.display = group_shown

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        if not self._slots:
            self._slots = self._active()
        for (label, compact), run in groupby(self._slots, lambda k: k.slot[1:]):
            run = list(run)
            if label == "-command-palette":
                for key in run:
                    yield self._key_widget(key, "-command-palette", compact=False)
            elif label is not None:
                with KeyGroup(classes="-compact" if compact else "") as group:
                    group.display = any(key.shown for key in run)
                    for key in run:
                        yield self._key_widget(key, "-grouped")
                footer_label = FooterLabel(label)
                footer_label.display = group.display
                yield footer_label
            else:
                for key in run:
                    yield self._key_widget(key, "")

    def _key_widget(self, key: _Key, classes: str, compact: bool = True) -> FooterKey:
        widget = FooterKey(key.key, key.display, key.description, key.slot[0], disabled=not key.enabled,
                           tooltip=key.tooltip, classes=classes)
        widget.display = key.shown
        return widget.data_bind(compact=Footer.compact) if compact else widget

    async def recompose(self) -> None:
        await super().recompose()
        watchers = getattr(self, "__watchers", {}).get("compact")
        if watchers:
            watchers[:] = [(node, callback) for node, callback in watchers
                           if node.is_attached and not node._closing]
