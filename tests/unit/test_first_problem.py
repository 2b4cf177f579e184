"""Unit tests of the kept first problem's file: what it keeps, and that anything unexpected reads as
"no kept problem" (the start is then the ordinary one) rather than an error."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from trainer.ui.first_problem import MAX_BYTES, CardText, FirstProblem, ProblemView, launch_key, plain_value

KEY = launch_key("/tmp/p.db", ["/tmp/bank"], 1, None)


def kept_file(tmp_path: Path) -> tuple[Path, Path, FirstProblem]:
    template = tmp_path / "t.yaml"
    template.write_text("id: t\n")
    from trainer.ui.first_problem import file_digest

    view = ProblemView(title="Entropy", topic="information", equation="entropy",
                       prompt="X takes three values. Compute H(X) in nats.", params={"p": [0.5, 0.25, 0.25]},
                       options=(), card=CardText("Entropy", "H(X) = −Σ p ln p"), placeholder="a number")
    kept = FirstProblem("t", 7, file_digest(template), str(template), KEY, view)
    path = tmp_path / "cache" / "kept.json"
    kept.write(path)
    return path, template, kept


def test_a_kept_problem_reads_back_equal(tmp_path: Path) -> None:
    path, _, kept = kept_file(tmp_path)
    assert FirstProblem.read(path, KEY) == kept
    assert not list(path.parent.glob(".*tmp"))  # written through a temporary file, then renamed


def test_numpy_parameters_are_kept_as_plain_numbers() -> None:
    assert plain_value(np.array([[1, 2], [3, 4]])) == [[1, 2], [3, 4]]
    assert plain_value(np.float64(0.25)) == 0.25 and type(plain_value(np.float64(0.25))) is float
    assert plain_value((1, 2.5, "x")) == [1, 2.5, "x"]
    with pytest.raises(TypeError):
        plain_value({"a": 1})


@pytest.mark.parametrize("damage", [
    lambda d: {**d, "version": 99},
    lambda d: {**d, "key": "another launch"},
    lambda d: {**d, "seed": "7"},
    lambda d: {**d, "seed": True},
    lambda d: {**d, "view": {**d["view"], "prompt": 3}},
    lambda d: {**d, "view": {**d["view"], "params": {"p": {"nested": "dict"}}}},
    lambda d: {k: v for k, v in d.items() if k != "digest"},
    lambda d: [d],
])
def test_a_damaged_or_foreign_file_reads_as_none(tmp_path: Path, damage) -> None:
    path, _, _ = kept_file(tmp_path)
    path.write_text(json.dumps(damage(json.loads(path.read_text()))))
    assert FirstProblem.read(path, KEY) is None


def test_unreadable_oversized_or_missing_files_read_as_none(tmp_path: Path) -> None:
    path, template, _ = kept_file(tmp_path)
    path.write_bytes(b"\xff\xfe not json")
    assert FirstProblem.read(path, KEY) is None
    path.write_text(" " * (MAX_BYTES + 1))
    assert FirstProblem.read(path, KEY) is None
    assert FirstProblem.read(tmp_path / "none.json", KEY) is None
    path, template, _ = kept_file(tmp_path)
    template.unlink()  # its template is gone
    assert FirstProblem.read(path, KEY) is None


def test_reading_a_kept_problem_loads_neither_numpy_nor_textual() -> None:
    """It is read before the first frame: the point is to draw before numpy and the bank load."""
    import subprocess
    import sys

    code = ("import sys, trainer.ui.first_problem, trainer.cli.tui, trainer.cli.locations; "
            "print(sorted(m for m in ('numpy', 'textual', 'sqlite_utils', 'yaml') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
