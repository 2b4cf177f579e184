"""The progress screen's "fit FSRS" action, driven through the real app with Pilot: `f` fits in a
thread worker, the modal shows the parameters in use against the fitted ones, Apply stores them and
Keep does not; with too few reviews it says how many are needed."""

from __future__ import annotations

import json

import numpy as np
from fsrs.scheduler import DEFAULT_PARAMETERS

from tests.support.ui import make_app, run_async, settle, write_bank


def _simulated_history(session) -> None:
    """A forgetful learner's 150 days of reviews, imported as a foreign log (fitting only)."""
    from trainer.core.learning.history import ImportedReview
    from trainer.core.learning.simulation import simulated_log

    true = list(DEFAULT_PARAMETERS)
    true[0:4] = [0.05, 0.3, 0.6, 2.0]
    true[8] = 1.0
    true[20] = 0.5
    start = session.clock().replace(year=2025, month=9, day=1, hour=0, minute=0)
    log = simulated_log(true, cards=150, days=150, rng=np.random.default_rng(0), start=start,
                        scheduler_parameters=list(DEFAULT_PARAMETERS), new_per_day=5)
    rows = [ImportedReview(r.card, int(r.at.timestamp() * 1000), r.rating, None, None) for r in log]
    session.store.import_reviews(rows, [])


def _stored(db) -> list[float] | None:
    from trainer.storage import Store

    with Store.open(db) as store:
        raw = store.raw_setting("fsrs_parameters")
    return None if raw is None else json.loads(raw)


async def _open_fit(pilot, app):
    from trainer.ui.screens.optimize_modal import OptimizeModal

    await settle(pilot, app, lambda: app.problems_shown >= 1 or getattr(app.screen, "state", "") == "empty")
    await app.action_progress()
    await settle(pilot, app, lambda: getattr(app.screen, "stats", None) is not None)
    await pilot.press("f")
    await settle(pilot, app, lambda: isinstance(app.screen, OptimizeModal))
    return app.screen


@run_async
async def test_fit_then_apply_stores_the_fitted_parameters(tmp_path):
    bank = write_bank(tmp_path / "bank")
    db = tmp_path / "progress.db"
    app = make_app(db, [bank], before=_simulated_history)
    async with app.run_test(size=(110, 40)) as pilot:
        modal = await _open_fit(pilot, app)
        shown = str(modal.query_one("#optimize-comparison").render())
        before, after = modal.result.before, modal.result.after
        assert f"{before['log_loss']:.4f}" in shown and f"{after['log_loss']:.4f}" in shown
        assert "in use (defaults)" in shown
        assert after["log_loss"] < before["log_loss"]  # the forgetful learner is better predicted
        fitted = modal.result.parameters
        await pilot.press("a")  # the modal's Apply key (the button does the same)
        await settle(pilot, app, lambda: not isinstance(app.screen, type(modal)))
        await settle(pilot, app, lambda: app.runner.session.fsrs_parameters is not None)
        assert app.runner.session.fsrs_parameters == fitted
    assert _stored(db) == fitted


@run_async
async def test_keep_changes_nothing(tmp_path):
    bank = write_bank(tmp_path / "bank")
    db = tmp_path / "progress.db"
    app = make_app(db, [bank], before=_simulated_history)
    async with app.run_test(size=(110, 40)) as pilot:
        modal = await _open_fit(pilot, app)
        await pilot.press("escape")
        await settle(pilot, app, lambda: not isinstance(app.screen, type(modal)))
        assert app.screen.fitting is False
    assert _stored(db) is None


@run_async
async def test_too_few_reviews_are_reported_not_raised(tmp_path):
    bank = write_bank(tmp_path / "bank")
    app = make_app(tmp_path / "progress.db", [bank])
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1 or getattr(app.screen, "state", "") == "empty")
        await app.action_progress()
        await settle(pilot, app, lambda: getattr(app.screen, "stats", None) is not None)
        screen = app.screen
        await pilot.press("f")
        await settle(pilot, app, lambda: any("at least 200" in str(n.message) for n in app._notifications))
        assert screen.fitting is False and app.screen is screen
