"""Shared fixtures: an isolated TRAINER_HOME for every test, the bundled bank loaded once, and a
steady (non-blinking) text cursor in every app a UI test drives."""

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


UI_TIERS = {"behaviour", "snapshots"}


@pytest.fixture(autouse=True)
def steady_cursor(request, monkeypatch):
    """Inputs do not blink in UI tests: a snapshot or a rendered line taken on a loaded machine would
    otherwise catch the cursor on or off depending on when the 0.5 s blink timer last fired.

    Only the UI tiers import Textual, so unit tests keep it out of `sys.modules`.
    """
    if UI_TIERS.isdisjoint(request.node.path.parts):
        return
    from textual.widgets import Input

    # `cursor_blink` is a reactive whose class default seeds every new Input.
    monkeypatch.setattr(Input.__dict__["cursor_blink"], "_default", False)
