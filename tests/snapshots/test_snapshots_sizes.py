"""Snapshots of home, review, feedback and progress at 80×24 (nothing cut, every footer key in view)
and at 200×50 (a centred reading column, tables that use the width).

Same fixtures and waiting rules as `test_snapshots.py`: a fixed clock, a seeded session, the small
test bank, the cursor blink frozen, and every wait on a condition. Update with
`pytest tests/snapshots --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

import pytest

from tests.snapshots.test_snapshots import app_factory, ready, shows  # noqa: F401 - app_factory is a fixture
from tests.support.ui import ANSWERS, settle

SIZES = {"80x24": (80, 24), "200x50": (200, 50)}


@pytest.mark.parametrize("size", SIZES)
def test_home_at(snap_compare, app_factory, size):  # noqa: F811
    async def home(pilot):
        await ready(pilot)
        await pilot.press("escape")
        app = pilot.app
        await settle(pilot, app, lambda: shows(app, "#next-due", "reviewed today")
                     and app.screen.query_one("#overview").row_count == 3)

    assert snap_compare(app_factory(history=True), terminal_size=SIZES[size], run_before=home)


@pytest.mark.parametrize("size", SIZES)
def test_review_at(snap_compare, app_factory, size):  # noqa: F811
    assert snap_compare(app_factory(), terminal_size=SIZES[size], run_before=ready)


@pytest.mark.parametrize("size", SIZES)
def test_feedback_at(snap_compare, app_factory, size):  # noqa: F811
    async def answer_wrong(pilot):
        await ready(pilot)
        app = pilot.app
        await pilot.press(*ANSWERS[app.screen.item.instance.template_id][0], "enter")
        await settle(pilot, app, lambda: app.screen.state == "feedback")

    assert snap_compare(app_factory(), terminal_size=SIZES[size], run_before=answer_wrong)


@pytest.mark.parametrize("size", SIZES)
def test_progress_at(snap_compare, app_factory, size):  # noqa: F811
    async def progress(pilot):
        await ready(pilot)
        await pilot.app.action_progress()
        app = pilot.app
        await settle(pilot, app, lambda: shows(app, "#heatmap-numbers", "reviews on")
                     and app.screen.query_one("#equations-table").row_count == 3 and app.screen.charts_drawn > 0)

    assert snap_compare(app_factory(history=True), terminal_size=SIZES[size], run_before=progress)
