"""The card-info modal shows implicit credit, driven through the real app with Pilot; and
`trainer card ID` prints it.

The history is built by hand: ui-entropy placed in review state with known dates, the graph says
the sigmoid template builds on entropy, and a right answer to the sigmoid template credits entropy.
"""

from __future__ import annotations

from datetime import timedelta

from tests.support.ui import (
    ANSWERS,
    NOW,
    home_card_history,
    make_app,
    run_async,
    write_bank,
)

PLACED_AT = NOW - timedelta(days=8)


def graph():
    from trainer.core.learning import Edge, Graph

    return Graph.build(["entropy", "sigmoid-derivative"], [Edge("sigmoid-derivative", "entropy", 1.0)])


def build_history(session) -> None:
    """ui-entropy in review state (S 10 d, reviewed 8 days ago, due in 2), then ui-sigmoid-slope
    answered right: its review credits ui-entropy."""
    from trainer.core.scheduling import CardState

    session.graph = graph()
    entropy = CardState(state="review", stability=10.0, difficulty=5.0, reps=3, last_review=PLACED_AT,
                        due=NOW + timedelta(days=2))
    session.store.import_json({"format": "trainer-backup", "reviews": [],
                               "cards": [{"template_id": "ui-entropy", **entropy.to_dict()}]})
    item = session.next_item()
    assert item.instance.template_id == "ui-sigmoid-slope"
    outcome = session.submit(item, ANSWERS["ui-sigmoid-slope"][2])
    assert outcome.verdict.correct


@run_async
async def test_card_info_marks_the_implicit_credit(tmp_path):
    bank = write_bank(tmp_path / "bank")
    app = make_app(tmp_path / "progress.db", [bank], before=build_history)
    async with app.run_test(size=(120, 40)) as pilot:
        equations, rows = await home_card_history(pilot, app, row=1)
        assert equations == ["sigmoid-derivative", "entropy"]
    (row,) = rows  # ui-entropy has no explicit review: its one row is the credit
    assert row[0] == f"{NOW:%Y-%m-%d %H:%M}"
    assert row[1:5] == ["", "implicit (credit from ui-sigmoid-slope)", "", ""]


def test_trainer_card_prints_the_implicit_credit(tmp_path, capsys):
    from tests.support.ui import NOW as at
    from trainer.cli import main
    from trainer.session import Session

    bank = write_bank(tmp_path / "bank")
    db = tmp_path / "progress.db"
    session = Session.open(db, bank_paths=[bank], clock=lambda: at, seed=1)
    build_history(session)
    session.close()
    assert main(["--db", str(db), "--problems", str(bank), "card", "ui-entropy"]) == 0
    out = capsys.readouterr().out
    assert "implicit (credit from ui-sigmoid-slope)" in out
