"""The UI raises Textual's frame rate to 120 unless the user set TEXTUAL_FPS (trainer/ui/__init__.py)."""

import os
import subprocess
import sys

import pytest

from tests.support.paths import ROOT

PROBE = "import trainer.ui.app, textual.constants, textual.screen; print(textual.constants.MAX_FPS, round(1 / textual.screen.UPDATE_PERIOD))"


@pytest.mark.parametrize("given, expected", [(None, "120 120"), ("30", "30 30")])
def test_frame_rate(given, expected):
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    if given is not None:
        env["TEXTUAL_FPS"] = given
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == expected.split()
