"""Paths the tests share: the repository root, the bundled bank, the data folder."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBLEMS = ROOT / "problems"
DATA = ROOT / "tests" / "data"
