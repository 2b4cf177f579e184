"""Behaviour tests of the screens the app keeps between opens (Progress, Bank) and of the footer that
updates its keys in place: reopened, they show what changed meanwhile; the footer shows exactly the
keys a fresh Textual Footer would.

The real app, session, store and grader, driven by Pilot, on the tiny hand-calculated bank.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets._footer import FooterKey

from tests.support.ui import ANSWERS, make_app, run_async, settle, write_bank
from trainer.ui import app as app_module


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
async def test_reopened_screens_show_fresh_data_in_their_first_frame(tmp_path: Path, monkeypatch) -> None:
    """The app reads a kept screen's data before it switches to it (`TrainerApp._prepare`): as soon as
    the switch returns, with no wait, Bank's schedule line and Progress's counts include a review made
    meanwhile. (The switch waits at most PREPARE_WAIT for the session: long here, so load can't matter.)"""
    monkeypatch.setattr(app_module, "PREPARE_WAIT", 120.0)
    app = make_app(tmp_path / "progress.db", [write_bank(tmp_path / "bank")])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        template_id = app.screen.item.instance.template_id
        await app.action_progress()
        await settle(pilot, app, lambda: getattr(app.screen, "stats", None) is not None)
        await app.action_bank()
        bank = app.screen
        table = bank.query_one("#bank-table")
        await settle(pilot, app, lambda: table.row_count == 2)
        table.move_cursor(row=table.get_row_index(template_id))
        await settle(pilot, app, lambda: text_of(app, "#preview").startswith("schedule: new"))

        await app.action_review()
        await settle(pilot, app, lambda: getattr(app.screen, "state", "") == "answering")
        assert app.screen.item.instance.template_id == template_id  # the problem set aside at start
        await pilot.press(*ANSWERS[template_id][2], "enter")
        await settle(pilot, app, lambda: app.screen.state == "feedback")

        await app.action_bank()
        assert app.screen is bank and text_of(app, "#preview").startswith("schedule: learning")
        await app.action_progress()
        assert app.screen.stats["totals"]["reviews"] == 1


@run_async
async def test_switching_between_kept_screens_does_not_show_home_in_between(tmp_path: Path) -> None:
    from trainer.ui.screens.home_screen import HomeScreen

    app = make_app(tmp_path / "progress.db", [write_bank(tmp_path / "bank")])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        await app.action_home()
        await settle(pilot, app, lambda: isinstance(app.screen, HomeScreen))
        home = app.screen
        loads = []
        home.refresh_data = lambda: loads.append(1)  # each time Home reloads (it does on every resume)
        await app.action_progress()
        await settle(pilot, app, lambda: getattr(app.screen, "stats", None) is not None)
        await app.action_bank()
        await settle(pilot, app, lambda: app.screen.query_one("#bank-table").row_count == 2)
        await app.action_progress()
        await settle(pilot, app)
        # Started on a review, Home was pushed over the base screen: Progress replaced Bank above it.
        assert loads == [] and [type(s).__name__ for s in app.screen_stack] == ["Screen", "HomeScreen",
                                                                               "ProgressScreen"]
        await app.action_home()
        await settle(pilot, app, lambda: app.screen is home)
        assert [type(s).__name__ for s in app.screen_stack] == ["Screen", "HomeScreen"]


@run_async
async def test_the_feedback_keys_are_mounted_before_the_first_answer(tmp_path: Path) -> None:
    """While the learner reads the first problem the footer mounts, hidden, the keys of the feedback
    (Next, the ratings): the first verdict then only shows them, it does not recompose the footer."""
    from trainer.ui.widgets.trainer_footer import TrainerFooter

    app = make_app(tmp_path / "progress.db", [write_bank(tmp_path / "bank")])
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot, app, lambda: getattr(app.screen, "state", "") == "answering")
        footer = app.screen.query_one(TrainerFooter)

        def mounted(action: str) -> list:
            return [k for k in footer.query(FooterKey) if k.action == action]

        await settle(pilot, app, lambda: mounted("next") and mounted("rate(1)"))
        assert not any(k.display for k in mounted("next") + mounted("rate(1)"))  # hidden while answering
        recomposed = []
        original = footer.recompose

        async def counted():
            recomposed.append(1)
            await original()

        footer.recompose = counted
        template_id = app.screen.item.instance.template_id
        await pilot.press(*ANSWERS[template_id][2], "enter")
        await settle(pilot, app, lambda: app.screen.state == "feedback")
        await settle(pilot, app, lambda: [k[:2] for k in footer_keys(app)] == expected_keys(app))
        assert any(k.display for k in mounted("next")) and recomposed == []


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
