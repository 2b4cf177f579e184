"""`trainer place` driven through standard input on the bundled bank: a simulated learner's answers are
graded by the real grader, an unreadable answer is asked again and not counted, `q` leaves nothing
behind, `--json` prints the result, and a database with reviews is refused."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from tests.support.paths import PROBLEMS
from trainer.cli import main
from trainer.core.scheduling import CardState
from trainer.storage import ReviewRecord, Store

NOW = "2026-03-02T09:30:00+00:00"
SEED = 3


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TRAINER_NOW", NOW)
    monkeypatch.delenv("TRAINER_DB", raising=False)
    return tmp_path / "home"


def typed_answers(known_share: float, cap: int | None = None):
    """What a learner who knows a prerequisite-closed part of the bank types, question by question.

    The CLI run with the same seed asks the same questions (the walk is deterministic for a seed and
    the answers), so a run of the session on its own gives the texts to type: the right answer on a
    known equation, the template's first listed mistake elsewhere.

    Returns:
        (lines to type, the known equations, the bank's templates).
    """
    from trainer.core.grading.grader import answer_text
    from trainer.core.templates import load_bank
    from trainer.session import Session, learning_graph

    bank = load_bank([PROBLEMS])
    graph = learning_graph(bank.templates.values(), [PROBLEMS])  # the bundled graph, as the CLI reads it
    session = Session(bank, Store.open(":memory:"), clock=lambda: datetime.fromisoformat(NOW), seed=SEED,
                      graph=graph)
    order = graph.order()
    known: set[str] = set()
    for equation in order[:int(len(order) * known_share)]:
        known |= graph.ancestors(equation) | {equation}
    run = session.start_placement(cap)
    lines = []
    while (item := run.next_item()) is not None:
        instance = item.instance
        text = answer_text(instance) if instance.equation in known else answer_text(instance, instance.mistakes[0])
        lines.append(text)
        run.submit(item, text)
    return lines, known, session.templates


def place(db, lines, *extra, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    return main(["--db", str(db), "place", "--seed", str(SEED), *extra])


def test_a_learner_is_placed_through_standard_input(home, tmp_path, capsys, monkeypatch):
    lines, known, templates = typed_answers(0.5)
    # Unreadable text, then a blank line, before the first real answer: neither counts as a question.
    code = place(tmp_path / "p.db", ["sqrt(", "", *lines], monkeypatch=monkeypatch)
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.count("Could not read that") == 1
    assert f"Placement took {len(lines)} questions." in out
    assert out.count("answer> ") == len(lines) + 2
    with Store.open(tmp_path / "p.db") as store:
        cards = store.cards()
        assert store.counts()["reviews"] == 0
        assert store.placement()["questions"] == len(lines)
    placed = {t.id for t in templates if t.equation in known}
    assert {c.template_id for c in cards} == placed
    # The run's clock starts at TRAINER_NOW and keeps running, so due dates are compared by day.
    tomorrow = (datetime.fromisoformat(NOW) + timedelta(days=1)).date()
    assert all(c.card.state == "review" and c.card.due.date() >= tomorrow for c in cards)
    assert min(c.card.due for c in cards).date() == tomorrow
    assert f"{len(placed)} templates start as review cards, due 2026-03-03" in out


def test_q_leaves_without_writing_anything(home, tmp_path, capsys, monkeypatch):
    lines, _, _ = typed_answers(1.0)
    code = place(tmp_path / "q.db", [lines[0], "q", *lines[1:]], monkeypatch=monkeypatch)
    assert code == 0
    assert "nothing was saved" in capsys.readouterr().out
    with Store.open(tmp_path / "q.db") as store:
        assert store.counts()["cards"] == 0 and store.placement() is None


def test_input_that_ends_early_writes_nothing_and_fails(home, tmp_path, capsys, monkeypatch):
    lines, _, _ = typed_answers(1.0)
    assert place(tmp_path / "e.db", lines[:1], monkeypatch=monkeypatch) == 1
    assert "input ended" in capsys.readouterr().out
    with Store.open(tmp_path / "e.db") as store:
        assert store.counts()["cards"] == 0


def test_json_prints_only_the_result_on_standard_output(home, tmp_path, capsys, monkeypatch):
    lines, known, _ = typed_answers(0.3, cap=3)
    assert len(lines) == 3
    assert place(tmp_path / "j.db", lines, "--json", "--max-questions", "3", monkeypatch=monkeypatch) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert result["questions"] == 3 and len(result["asked"]) == 3
    assert set(result["passed"]) <= known
    assert "answer> " in captured.err
    assert len(result["passed"]) + len(result["failed"]) + len(result["undecided"]) == 30  # the bank's equations


def test_a_database_with_reviews_is_refused(home, tmp_path, capsys, monkeypatch):
    db = tmp_path / "used.db"
    when = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    with Store.open(db) as store:
        store.record_review(ReviewRecord(
            uid="u1", template_id="entropy-compute", equation="entropy", topic="information", seed=1, params="{}",
            answer="1", verdict="{}", correct=True, score=1.0, diagnosis_id=None, rating=3, auto_rating=3,
            decided="auto", hint_used=False, response_ms=1500, reviewed_at=when, day="2026-03-01",
            card_before=CardState(), card_after=CardState(state="learning", step=1, stability=2.3, difficulty=2.1,
                                                          due=when, last_review=when, reps=1)))
    assert place(db, ["1"], monkeypatch=monkeypatch) == 1
    err = capsys.readouterr().err
    assert "placement is only for a new database" in err and "it has 1 review" in err
    with Store.open(db) as store:
        assert store.counts()["reviews"] == 1 and store.placement() is None
