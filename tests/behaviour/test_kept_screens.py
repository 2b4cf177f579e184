"""Behaviour tests of the screens the app keeps between opens (Progress, Bank) and of the footer that
updates its keys in place: reopened, they show what changed meanwhile; the footer shows exactly the
keys a fresh Textual Footer would.

The real app, session, store and grader, driven by Pilot, on the tiny hand-calculated bank.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets._footer import FooterKey

from tests.support.ui import ANSWERS, make_app, run_async, settle, write_bank


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def footer_keys(app) -> list[tuple[str, str, bool]]:
    """(key shown, description, enabled) of the footer keys on screen, left to right."""
    return [(k.key_display, k.description, not k._disabled) for k in app.screen.query(FooterKey) if k.display]


def expected_keys(app) -> list[tuple[str, str]]:
    """What Textual's Footer draws for the screen's active bindings: one key per action, in order;
    several consecutive actions of one group show their keys only (the group's label follows)."""
    from itertools import groupby

    firsts, seen = [], set()
    active = app.screen.active_bindings
    for _node, binding, _enabled, _tooltip in active.values():
        if binding.show and binding.action not in seen:
            seen.add(binding.action)
            firsts.append(binding)
    # The command palette's key is drawn last, whatever its `show`.
    entry = active.get(app.COMMAND_PALETTE_BINDING)
    palette = (app.get_key_display(entry.binding), entry.binding.description) if entry else None
    out = []
    for group, run in groupby(firsts, lambda b: b.group):
        run = list(run)
        out += [(app.get_key_display(b), "" if group is not None and len(run) > 1 else b.description) for b in run]
    return out + ([palette] if palette else [])


@run_async
async def test_progress_reopened_shows_a_review_made_meanwhile(tmp_path: Path) -> None:
    app = make_app(tmp_path / "progress.db", [write_bank(tmp_path / "bank")])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        await app.action_progress()
        await settle(pilot, app, lambda: getattr(app.screen, "stats", None) is not None)
        progress = app.screen
        assert progress.stats["totals"]["reviews"] == 0

        await app.action_review()
        await settle(pilot, app, lambda: getattr(app.screen, "state", "") == "answering")
        template_id = app.screen.item.instance.template_id
        await pilot.press(*ANSWERS[template_id][2], "enter")
        await settle(pilot, app, lambda: app.screen.state == "feedback")

        await app.action_progress()
        await settle(pilot, app, lambda: app.screen.stats["totals"]["reviews"] == 1)
        assert app.screen is progress  # the same screen, kept, with the new figures
        assert text_of(app, "#heatmap-numbers").startswith("1 reviews on 1 days")


@run_async
async def test_bank_reopened_keeps_its_table_and_filter(tmp_path: Path) -> None:
    app = make_app(tmp_path / "progress.db", [write_bank(tmp_path / "bank")])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        await app.action_bank()
        await settle(pilot, app, lambda: app.screen.query_one("#bank-table").row_count == 2)
        bank = app.screen
        await app.action_home()
        await app.action_bank()
        await settle(pilot, app, lambda: app.screen is bank)
        assert app.screen.query_one("#bank-table").row_count == 2


@run_async
async def test_the_footer_shows_the_keys_of_each_review_state(tmp_path: Path) -> None:
    app = make_app(tmp_path / "progress.db", [write_bank(tmp_path / "bank")])
    async with app.run_test(size=(120, 32)) as pilot:
        for _ in range(2):  # the second round runs on keys kept from the first
            await settle(pilot, app, lambda: getattr(app.screen, "state", "") == "answering")
            await settle(pilot, app, lambda: [k[:2] for k in footer_keys(app)] == expected_keys(app))
            answering = [description for _, description, _ in footer_keys(app)]
            assert "Skip" in answering and "Next" not in answering
            template_id = app.screen.item.instance.template_id
            await pilot.press(*ANSWERS[template_id][0], "enter")
            await settle(pilot, app, lambda: app.screen.state == "feedback")
            await settle(pilot, app, lambda: [k[:2] for k in footer_keys(app)] == expected_keys(app))
            feedback = [description for _, description, _ in footer_keys(app)]
            assert "Next" in feedback and "Skip" not in feedback
            await pilot.press("enter")
