"""Shared fixtures: an isolated TRAINER_HOME for every test, and the bundled bank loaded once."""

from __future__ import annotations


import pytest

from tests.support.paths import PROBLEMS


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """No test may touch the real user data folder or database."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("TRAINER_HOME", str(home))
    monkeypatch.delenv("TRAINER_DB", raising=False)
    return home


@pytest.fixture(scope="session")
def bank():
    from trainer.core.templates.bank import load_bank

    return load_bank([PROBLEMS])
