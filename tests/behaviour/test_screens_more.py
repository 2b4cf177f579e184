"""Settings, theme, card info and honest progress, driven through the real app with Pilot; and
`trainer card ID --json`.

Every expected number is derived by hand from a history the test builds: dates from a fixed clock,
ratings chosen with the 1–4 override, card states written directly with known stabilities.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.support.ui import (
    ENTROPY,
    NOW,
    home_card_history,
    make_app,
    run_async,
    settle,
    write_bank,
)


def _problem_on_screen(app) -> bool:
    return app.problems_shown >= 1 and getattr(app, "_theme_restored", False)


def _stored_settings(db: Path) -> dict:
    from trainer.storage import Store

    with Store.open(db) as store:
        return store.settings()


# --- theme and settings -------------------------------------------------------------------------

@run_async
async def test_a_restart_keeps_the_theme(tmp_path):
    bank = write_bank(tmp_path / "bank")
    db = tmp_path / "progress.db"
    first = make_app(db, [bank])
    async with first.run_test(size=(100, 32)) as pilot:
        await settle(pilot, first, lambda: _problem_on_screen(first))
        assert first.theme == "textual-dark"  # the default: nothing stored yet
        first.theme = "nord"  # as the command palette's theme picker does
        await settle(pilot, first, lambda: not [w for w in first.workers if w.group == "theme" and not w.is_finished])
    assert _stored_settings(db)["theme"] == "nord"

    second = make_app(db, [bank])
    async with second.run_test(size=(100, 32)) as pilot:
        await settle(pilot, second, lambda: _problem_on_screen(second))
        assert second.theme == "nord"


@run_async
async def test_settings_screen_refuses_a_bad_value_and_saves_a_good_one(tmp_path):
    from textual.widgets import Input, Static

    bank = write_bank(tmp_path / "bank")
    db = tmp_path / "progress.db"
    app = make_app(db, [bank])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: _problem_on_screen(app))
        await app.action_settings()
        await settle(pilot, app, lambda: bool(app.screen.query("#setting-new_per_day")))
        field = app.screen.query_one("#setting-new_per_day", Input)
        message = app.screen.query_one("#setting-new_per_day-message", Static)
        assert field.value == "10"  # the documented default

        field.focus()
        field.value = "ten"
        await pilot.press("enter")
        await settle(pilot, app, lambda: "not saved" in str(message.render()))
        assert "new_per_day" in str(message.render()) and "whole number" in str(message.render())
        assert message.has_class("-error")

        field.value = "25"
        await pilot.press("enter")
        await settle(pilot, app, lambda: "saved: 25" in str(message.render()))

        retention = app.screen.query_one("#setting-desired_retention", Input)
        retention.focus()
        retention.value = "1.5"  # outside 0.70–0.99
        await pilot.press("enter")
        retention_message = app.screen.query_one("#setting-desired_retention-message", Static)
        await settle(pilot, app, lambda: "not saved" in str(retention_message.render()))
    stored = _stored_settings(db)
    assert stored["new_per_day"] == 25
    assert stored["desired_retention"] == 0.9  # the refused value left the stored one alone


# --- card info ------------------------------------------------------------------------------------

@run_async
async def test_card_info_lists_every_review_of_a_card(tmp_path):
    bank = write_bank(tmp_path / "bank")
    first_at = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    second_at = datetime(2026, 3, 1, 9, 20, tzinfo=timezone.utc)
    now = [first_at]
    seeds = []

    def before(session):
        # Two reviews of ui-entropy: wrong (1.5, the bits slip) then right, re-rated Good by hand.
        for at, typed, rating in ((first_at, "1.5", 1), (second_at, "1.0397", 3)):
            now[0] = at
            item = session.next_item()
            while item.instance.template_id != "ui-entropy":
                session.bury(item.instance.template_id)
                item = session.next_item()
            seeds.append(item.instance.seed)
            outcome = session.submit(item, typed)
            session.override(outcome, rating)
        now[0] = NOW

    app = make_app(tmp_path / "progress.db", [bank], clock=lambda: now[0], before=before)
    async with app.run_test(size=(120, 40)) as pilot:
        equations, rows = await home_card_history(pilot, app, row=1)
        # Home lists calculus (sigmoid) before information (entropy).
        assert equations == ["sigmoid-derivative", "entropy"]
    assert len(rows) == 2
    assert rows[0][:4] == ["2026-03-01 09:00", str(seeds[0]), "1.5", "wrong"]
    assert rows[0][4].startswith("Again")
    assert rows[1][:4] == ["2026-03-01 09:20", str(seeds[1]), "1.0397", "right"]
    assert rows[1][4].startswith("Good")


# --- honest progress ------------------------------------------------------------------------------

def _put_card(store, template_id: str, card, at: datetime) -> None:
    """Record one review that leaves `template_id`'s card exactly as `card` (state chosen by hand)."""
    from trainer.core.scheduling import CardState, day_of
    from trainer.storage import ReviewRecord

    store.record_review(ReviewRecord(
        uid=uuid.uuid4().hex, template_id=template_id, equation="entropy", topic="information", seed=1,
        params="{}", answer="1", verdict="{}", correct=True, score=1.0, diagnosis_id=None, rating=3,
        auto_rating=3, decided="auto", hint_used=False, response_ms=10_000, reviewed_at=at, day=day_of(at),
        card_before=CardState(), card_after=card, suspend=False))


@run_async
async def test_progress_counts_cards_by_state(tmp_path):
    from trainer.core.scheduling import CardState

    bank = write_bank(tmp_path / "bank")
    for n in (2, 3):  # two more entropy templates: four in all, plus the sigmoid one
        (bank / "information" / f"ui-entropy-{n}.yaml").write_text(ENTROPY.replace("id: ui-entropy", f"id: ui-entropy-{n}"))
    at = NOW - timedelta(days=2)

    def before(session):
        # By construction: ui-entropy learning, ui-entropy-2 young (S 5 d), ui-entropy-3 mature
        # (S 30 d ≥ 21), ui-sigmoid-slope never reviewed (new).
        due = at + timedelta(days=40)
        _put_card(session.store, "ui-entropy", CardState(state="learning", step=1, stability=0.5, difficulty=5.0,
                                                         due=at + timedelta(minutes=10), last_review=at, reps=1), at)
        _put_card(session.store, "ui-entropy-2", CardState(state="review", stability=5.0, difficulty=5.0, due=due,
                                                           last_review=at, reps=3), at)
        _put_card(session.store, "ui-entropy-3", CardState(state="review", stability=30.0, difficulty=5.0, due=due,
                                                           last_review=at, reps=5), at)

    app = make_app(tmp_path / "progress.db", [bank], before=before)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1 or getattr(app.screen, "state", "") == "empty")
        await app.action_progress()
        await settle(pilot, app, lambda: getattr(app.screen, "stats", None) is not None)
        counts_text = str(app.screen.query_one("#card-counts").render())
        counts = app.screen.stats["cards"]["counts"]
        equation = next(r for r in app.screen.stats["cards"]["equations"] if r["equation"] == "entropy")
    assert counts == {"new": 1, "learning": 1, "young": 1, "mature": 1, "suspended": 0}
    for line in ("1 · new", "1 ○ learning", "1 ◐ young", "1 ● mature"):
        assert line in counts_text
    # The three entropy templates: one of each started class; none is new.
    assert (equation["templates"], equation["new"], equation["learning"], equation["young"], equation["mature"]) == (
        3, 0, 1, 1, 1)
    assert "mastery" not in counts_text.lower()


# --- trainer card ID --json -----------------------------------------------------------------------

def test_trainer_card_json_lists_the_history(tmp_path, capsys):
    from trainer.cli import main
    from trainer.session import Session

    bank = write_bank(tmp_path / "bank")
    db = tmp_path / "progress.db"
    at = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    session = Session.open(db, bank_paths=[bank], clock=lambda: at, seed=4)
    item = session.next_item()
    while item.instance.template_id != "ui-entropy":
        session.bury(item.instance.template_id)
        item = session.next_item()
    session.submit(item, "1.5")  # the bits slip: wrong
    seed = item.instance.seed
    session.close()

    assert main(["--db", str(db), "--problems", str(bank), "card", "ui-entropy", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"template_id", "title", "equation", "topic", "state", "difficulty", "stability", "retrievability",
            "due", "reps", "lapses", "history"} <= set(out)
    assert out["template_id"] == "ui-entropy" and out["reps"] == 1
    (row,) = out["history"]
    assert {"reviewed_at", "seed", "answer", "verdict", "rating", "interval_days"} <= set(row)
    assert (row["reviewed_at"], row["seed"], row["answer"], row["verdict"], row["rating"]) == (
        "2026-03-01T09:00:00Z", seed, "1.5", "wrong", 1)

    assert main(["--db", str(db), "--problems", str(bank), "card", "no-such-template"]) == 2
    assert "no-such-template" in capsys.readouterr().err
