"""`TRAINER_NOW`: the run's clock starts at a given instant and then runs in real time; a review
recorded under it carries that time, and the learning day moves with it (stats' "today").
Bad values are usage errors (exit 2) with the variable named. Instants are written by hand."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from tests.support.ui import ANSWERS, write_bank
from trainer.cli import UserError, main
from trainer.cli.clock import make_clock, parse_now, run_clock
from trainer.session import Session


class Steady:
    """A settable monotonic clock (seconds)."""

    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


@pytest.mark.parametrize("text,expected", [
    ("2026-12-10T09:00:00+00:00", datetime(2026, 12, 10, 9, 0, tzinfo=timezone.utc)),
    ("2026-12-10T09:00:00Z", datetime(2026, 12, 10, 9, 0, tzinfo=timezone.utc)),
    ("2026-12-10T10:30:00+01:00", datetime(2026, 12, 10, 9, 30, tzinfo=timezone.utc)),
])
def test_parse_now_reads_iso_times_with_a_zone(text, expected):
    assert parse_now(text) == expected
    assert parse_now(text).utcoffset() == timedelta(0)


@pytest.mark.parametrize("text,words", [("tomorrow", "not an ISO 8601 time"),
                                        ("2026-12-10T09:00:00", "has no time zone"),
                                        ("2026-13-40T09:00:00+00:00", "not an ISO 8601 time")])
def test_bad_values_are_usage_errors(text, words):
    with pytest.raises(UserError) as info:
        parse_now(text)
    assert info.value.code == 2 and "TRAINER_NOW" in str(info.value) and words in str(info.value)


def test_the_clock_starts_there_and_runs():
    steady = Steady()
    clock = make_clock({"TRAINER_NOW": "2026-12-10T09:00:00+00:00"}, monotonic=steady)
    assert clock() == datetime(2026, 12, 10, 9, 0, tzinfo=timezone.utc)
    steady.t += 14.5
    assert clock() == datetime(2026, 12, 10, 9, 0, 14, 500000, tzinfo=timezone.utc)
    system = make_clock({})()
    assert system.tzinfo is not None and abs(system - datetime.now(timezone.utc)) < timedelta(minutes=5)


def test_a_review_under_trainer_now_is_recorded_then_and_the_day_moves(tmp_path, monkeypatch, capsys):
    bank = write_bank(tmp_path / "bank")
    db = tmp_path / "progress.db"
    monkeypatch.setenv("TRAINER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TRAINER_NOW", "2026-12-10T09:00:00+00:00")
    session = Session.open(db, bank_paths=[bank], clock=run_clock(), seed=1)
    item = session.next_item()
    out = session.submit(item, ANSWERS[item.instance.template_id][2])
    row = session.store.review(out.review_id)
    session.close()
    # The clock ran only for as long as the test took (well under an hour) since 09:00.
    reviewed = datetime.fromisoformat(row["reviewed_at"])
    assert datetime(2026, 12, 10, 9, 0, tzinfo=timezone.utc) <= reviewed < datetime(2026, 12, 10, 10, 0,
                                                                                    tzinfo=timezone.utc)
    assert row["day"] == "2026-12-10"

    assert main(["stats", "--json", "--db", str(db), "--problems", str(bank)]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["today"] == "2026-12-10" and stats["totals"]["reviews"] == 1

    monkeypatch.setenv("TRAINER_NOW", "2026-12-13T08:00:00+00:00")  # three days on
    assert main(["stats", "--json", "--db", str(db), "--problems", str(bank)]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["today"] == "2026-12-13"
    assert stats["heatmap"]["counts"][-4:] == [1, 0, 0, 0]  # the review's day is now three days back


def test_an_unreadable_trainer_now_stops_the_cli_with_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRAINER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TRAINER_NOW", "next tuesday")
    assert main(["stats", "--db", str(tmp_path / "p.db")]) == 2
    assert "TRAINER_NOW='next tuesday' is not an ISO 8601 time" in capsys.readouterr().err
    assert not (tmp_path / "p.db").exists()  # refused before the database was opened
    assert main(["tui", "--db", str(tmp_path / "p.db")]) == 2  # before the terminal is taken over
    assert "TRAINER_NOW='next tuesday'" in capsys.readouterr().err
