"""The placement offer at first start, driven by Pilot: accept → questions graded by the real grader (an
unreadable answer asked again) → the result and the seeded cards; decline → the normal Home, and the
offer is not made again; a database with reviews is never offered placement.

The tiny bank of tests/support/ui.py: H([0.5, 0.25, 0.25]) = 1.0397 nats (1.5 bits is the wrong answer),
σ′(0) = 0.25 (σ(0) = 0.5 is the wrong one). Here σ′ is drawn as building on entropy, so a learner who
knows entropy but not σ′ is placed out of entropy only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.ui import ANSWERS, make_app, run_async, settle, write_bank
from trainer.core.learning import Edge, Graph
from trainer.storage import Store

GRAPH = Graph.build(["entropy", "sigmoid-derivative"], [Edge("sigmoid-derivative", "entropy")])
KNOWN = {"entropy"}


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    return write_bank(tmp_path / "bank")


def offering_app(db: Path, bank: Path):
    def before(session) -> None:
        session.graph = GRAPH

    app = make_app(db, [bank], before=before)
    app.offer_placement = True  # as `trainer` (the CLI) builds it
    return app


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def screen_name(app) -> str:
    return type(app.screen).__name__


@run_async
async def test_accepting_the_offer_runs_the_placement_and_seeds_the_schedule(tmp_path: Path, bank: Path) -> None:
    db = tmp_path / "progress.db"
    app = offering_app(db, bank)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: screen_name(app) == "PlacementOfferModal")
        # Learners: none (1 question), entropy only (2), both (2), plus σ′'s closure = both (2): mean 1.75 → 2.
        assert "Take a placement test (about 2 questions)?" in text_of(app, "#placement-offer-question")
        assert [type(s).__name__ for s in app.screen_stack][-2] == "HomeScreen"
        await pilot.press("y")
        await settle(pilot, app, lambda: screen_name(app) == "PlacementScreen" and app.screen.state == "answering")
        assert "question 1" in text_of(app, "#status-line")
        await pilot.press(*"((", "enter")  # unreadable: explained, asked again, not counted
        await settle(pilot, app, lambda: app.screen.state == "answering")
        assert "question 1" in text_of(app, "#status-line")
        asked = []
        while app.screen.state == "answering":
            instance = app.screen.item.instance
            asked.append(instance.equation)
            wrong, _, right = ANSWERS[instance.template_id]
            await pilot.press(*(right if instance.equation in KNOWN else wrong), "enter")
            await settle(pilot, app, lambda: app.screen.state == "feedback")
            await pilot.press("enter")
            await settle(pilot, app, lambda: app.screen.state in ("answering", "empty"))
        assert sorted(asked) == ["entropy", "sigmoid-derivative"]  # neither answer settles the other
        shown = text_of(app, "#empty-state")
        assert "Placement took 2 questions." in shown
        assert "Placed out of 1 equation" in shown
        assert "1 templates start as review cards, due 2026-03-03" in shown
        await pilot.press("escape")
        await settle(pilot, app, lambda: screen_name(app) == "HomeScreen")
    with Store.open(db) as store:
        cards = {c.template_id: c.card for c in store.cards()}
        assert set(cards) == {"ui-entropy"} and cards["ui-entropy"].state == "review"
        assert store.counts()["reviews"] == 0
        assert store.placement()["status"] == "placed"


@run_async
async def test_declining_the_offer_leaves_the_normal_home_and_is_remembered(tmp_path: Path, bank: Path) -> None:
    db = tmp_path / "progress.db"
    app = offering_app(db, bank)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: screen_name(app) == "PlacementOfferModal")
        await pilot.press("escape")
        await settle(pilot, app, lambda: screen_name(app) == "HomeScreen")
        await pilot.press("r")  # Home works as usual: the review starts on a new card
        await settle(pilot, app, lambda: app.problems_shown >= 1)
    with Store.open(db) as store:
        assert store.placement()["status"] == "declined"
        assert store.counts()["cards"] == 0
    again = offering_app(db, bank)
    async with again.run_test(size=(100, 32)) as pilot:
        await settle(pilot, again, lambda: again.problems_shown >= 1)
        await settle(pilot, again)
        assert screen_name(again) == "ReviewScreen"
        assert not any(type(s).__name__ == "PlacementOfferModal" for s in again.screen_stack)


@run_async
async def test_placement_is_refused_on_screen_for_a_database_with_reviews(tmp_path: Path, bank: Path) -> None:
    db = tmp_path / "progress.db"
    app = offering_app(db, bank)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: screen_name(app) == "PlacementOfferModal")
        await pilot.press("n")
        await settle(pilot, app, lambda: screen_name(app) == "HomeScreen")
        await pilot.press("r")
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        instance = app.screen.item.instance
        await pilot.press(*ANSWERS[instance.template_id][2], "enter")
        await settle(pilot, app, lambda: app.screen.state == "feedback")
        await app.action_place()  # the command palette's "Placement test"
        await settle(pilot, app, lambda: screen_name(app) == "PlacementScreen" and app.screen.state == "empty")
        assert "placement is only for a new database" in text_of(app, "#empty-state")
        assert "it has 1 review" in text_of(app, "#empty-state")
    with Store.open(db) as store:
        assert store.counts()["reviews"] == 1


@run_async
async def test_the_arrows_move_between_the_offers_buttons(tmp_path: Path, bank: Path) -> None:
    """→ then Enter is "Not now", as in any dialog (Tab alone used to move there); → stops at the
    last button, ← goes back to "Take the test"."""
    db = tmp_path / "progress.db"
    app = offering_app(db, bank)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app, lambda: screen_name(app) == "PlacementOfferModal")
        await pilot.press("right", "right")
        assert app.screen.focused.id == "placement-decline"
        await pilot.press("left")
        assert app.screen.focused.id == "placement-accept"
        await pilot.press("right", "enter")
        await settle(pilot, app, lambda: screen_name(app) == "HomeScreen")
    with Store.open(db) as store:
        assert store.placement()["status"] == "declined"
