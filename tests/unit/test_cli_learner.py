"""`trainer optimize`, `trainer workload` and `trainer import --format csv` as a learner runs them."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timezone

import numpy as np
import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS

from trainer.cli import main
from trainer.core.learning.simulation import simulated_log
from trainer.storage import Store

from tests.support.ui import write_bank

T0 = datetime(2026, 1, 5, tzinfo=timezone.utc)
FORGETFUL = list(DEFAULT_PARAMETERS)
FORGETFUL[0:4] = [0.05, 0.3, 0.6, 2.0]
FORGETFUL[8] = 1.0
FORGETFUL[20] = 0.5


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINER_NOW", "2026-06-10T09:00:00+00:00")
    bank = write_bank(tmp_path / "bank")
    return ["--db", str(tmp_path / "p.db"), "--problems", str(bank)], tmp_path


def write_log(path, cards=150, days=150):
    log = simulated_log(FORGETFUL, cards=cards, days=days, rng=np.random.default_rng(0), start=T0,
                        scheduler_parameters=list(DEFAULT_PARAMETERS), new_per_day=5)
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["card_id", "review_time", "review_rating", "review_state", "review_duration"])
        for r in log:
            out.writerow([r.card, int(r.at.timestamp() * 1000), r.rating, "", 4000])
    return len(log)


def test_import_csv_twice_then_optimize_json_and_apply(env, capsys):
    common, tmp = env
    n = write_log(tmp / "log.csv")
    assert main([*common, "import", "--format", "csv", str(tmp / "log.csv")]) == 0
    assert f"imported {n} reviews (0 already present)" in capsys.readouterr().out
    assert main([*common, "import", "--format", "csv", str(tmp / "log.csv")]) == 0
    assert f"imported 0 reviews ({n} already present)" in capsys.readouterr().out

    assert main([*common, "optimize", "--json", "--apply"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["parameters"]) == 21 and all(isinstance(x, float) for x in out["parameters"])
    assert out["reviews"] == n
    for key in ("before", "after"):
        assert set(out[key]) >= {"log_loss", "rmse_bins"}
    assert out["after"]["log_loss"] < out["before"]["log_loss"]
    assert out["applied"] is True
    with Store.open(tmp / "p.db") as store:
        assert json.loads(store.raw_setting("fsrs_parameters")) == out["parameters"]

    # "before" is now the parameters in use: the ones just applied.
    assert main([*common, "optimize", "--json", "--no-apply"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["before"]["log_loss"] != out["before"]["log_loss"] and again["applied"] is False

    assert main([*common, "optimize", "--reset"]) == 0
    assert "defaults" in capsys.readouterr().out
    with Store.open(tmp / "p.db") as store:
        assert store.raw_setting("fsrs_parameters") is None


def test_optimize_with_too_few_reviews_says_so_without_a_traceback(env, capsys):
    common, tmp = env
    write_log(tmp / "log.csv", cards=5, days=20)
    assert main([*common, "import", "--format", "csv", str(tmp / "log.csv")]) == 0
    capsys.readouterr()
    assert main([*common, "optimize", "--json"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("trainer: cannot optimize yet:") and "at least 200" in err
    assert "Traceback" not in err


def test_a_bad_csv_row_is_named_and_nothing_is_imported(env, capsys):
    common, tmp = env
    (tmp / "bad.csv").write_text("card_id,review_time,review_rating\nx,1767603600000,3\ny,1767603600000,7\n")
    assert main([*common, "import", "--format", "csv", str(tmp / "bad.csv")]) == 1
    err = capsys.readouterr().err
    assert "bad.csv: line 3, column review_rating" in err and "nothing imported" in err
    with Store.open(tmp / "p.db") as store:
        assert store.review_log() == []


def test_the_json_backup_import_still_works(env, capsys):
    common, tmp = env
    assert main([*common, "export", "--format", "json", "-o", str(tmp / "b.json")]) == 0
    assert main([*common, "import", str(tmp / "b.json")]) == 0
    assert "imported 0 reviews" in capsys.readouterr().out


def test_workload_json_and_chart(env, capsys):
    common, _ = env
    assert main([*common, "workload", "--json", "--days", "60"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["days"] == 60 and out["parameters"] == "default"
    assert [round(r["retention"], 2) for r in out["workload"]][0] == 0.7
    assert [round(r["retention"], 2) for r in out["workload"]][-1] == 0.97
    assert main([*common, "workload", "--days", "60"]) == 0
    text = capsys.readouterr().out
    assert "0.90 │" in text and "◀" in text  # the learner's setting is marked
    assert main([*common, "workload", "--days", "0"]) == 2


def test_bar_fills_eighths():
    from trainer.cli.learner import bar

    assert bar(1, 1, width=4) == "████"
    assert bar(0.5, 1, width=4) == "██  "
    assert bar(1 / 32, 1, width=4) == "▏   "  # one eighth of one cell
    assert bar(0, 0, width=2) == "  "


@pytest.mark.parametrize("answer, applied", [("y", True), ("", False)])
def test_on_a_terminal_optimize_asks_before_applying(env, capsys, monkeypatch, answer, applied):
    import sys

    common, tmp = env
    write_log(tmp / "log.csv")
    assert main([*common, "import", "--format", "csv", str(tmp / "log.csv")]) == 0
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    questions = []
    monkeypatch.setattr("builtins.input", lambda q: questions.append(q) or answer)
    assert main([*common, "optimize"]) == 0
    out = capsys.readouterr().out
    assert questions == ["Use the fitted parameters from now on? [y/N] "]
    assert "in use (defaults)" in out and "fitted:" in out
    with Store.open(tmp / "p.db") as store:
        assert (store.raw_setting("fsrs_parameters") is not None) is applied
    assert ("Applied" in out) is applied
