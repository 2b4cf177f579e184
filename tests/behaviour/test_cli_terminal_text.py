"""What the CLI echoes to a terminal cannot drive it: control characters in a typed answer or in a
template's text are printed as `\\x1b`-style escapes, and an answer that is not UTF-8 text is a usage
error (exit 2), never a traceback.

Behaviour tests through `trainer.cli.main` (in-process) and one subprocess for real argv bytes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.ui import write_hostile_bank
from trainer.cli import main

ESC_RED = "\x1b[31m"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def no_raw_controls(text: str) -> bool:
    """Nothing a terminal would act on: no C0 control but newline and tab, no DEL, no C1."""
    return not any((ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in text)


def test_grade_echoes_control_characters_as_escapes(capsys) -> None:
    typed = f"1{ESC_RED}red\x07\x9b2J"
    code, out, err = run(capsys, "grade", "entropy-nats", "--answer", typed)
    assert code == 0 and err == ""
    assert no_raw_controls(out)
    lines = out.splitlines()
    assert lines[0] == "Could not read: control character '\\x1b' in the answer"
    assert lines[1] == "  1\\x1b[31mred\\x07\\x9b2J"
    assert lines[2] == "   ^"  # under the escape of the ESC at position 1


def test_grade_json_keeps_controls_escaped(capsys) -> None:
    typed = f"1{ESC_RED}\x9b"
    code, out, _ = run(capsys, "grade", "entropy-nats", "--answer", typed, "--json")
    assert code == 0 and no_raw_controls(out)
    assert json.loads(out)["answer"] == typed  # escaped in the JSON text, the same string read back


def test_grade_prints_template_text_with_controls_escaped(capsys, tmp_path: Path) -> None:
    bank = write_hostile_bank(tmp_path / "bank", tmp_path / "shots")
    code, out, _ = run(capsys, "--problems", str(bank), "grade", "ui-hostile-number", "--answer", "0.5")
    assert code == 0 and no_raw_controls(out)
    assert "Mistake: value-not-slope — Mistake [b]x[/b] [/] [@click=app.quit]quit[/] E[X] \\x1b[31mred" in out
    assert "Solution [b]x[/b] [/] [@click=app.quit]quit[/] E[X] \\x1b[31mred = 0.25" in out


def test_preview_prints_template_text_with_controls_escaped(capsys, tmp_path: Path) -> None:
    bank = write_hostile_bank(tmp_path / "bank", tmp_path / "shots")
    code, out, _ = run(capsys, "--problems", str(bank), "preview", "ui-hostile-number")
    assert code == 0 and no_raw_controls(out)
    assert out.startswith("Title [b]x[/b] [/] E[X] \\x1b[31mred  [ui-hostile-number")
    assert "Hint: Hint [b]x[/b] [/] [@click=app.quit]quit[/] E[X] \\x1b[31mred" in out
    code, out, _ = run(capsys, "--problems", str(bank), "preview", "ui-hostile-number", "--json")
    assert code == 0 and no_raw_controls(out)
    assert json.loads(out)["hint"].endswith(f"E[X] {ESC_RED}red")


@pytest.mark.parametrize(("typed", "what"), [("\udcff1", "byte 0xff at position 0"),
                                             ("1\ud800", "lone surrogate U+D800 at position 1")])
def test_an_answer_that_is_not_utf8_is_a_usage_error(capsys, typed: str, what: str) -> None:
    code, out, err = run(capsys, "grade", "entropy-nats", "--answer", typed)
    assert code == 2 and out == ""
    assert err == f"trainer: --answer is not valid UTF-8 text: {what}; retype the answer in a UTF-8 terminal\n"


@pytest.mark.skipif(os.name != "posix", reason="argv bytes are a POSIX notion")
def test_a_non_utf8_byte_on_the_real_command_line_is_a_usage_error(tmp_path: Path) -> None:
    """A strict UTF-8 stdout (PYTHONIOENCODING) is where printing the byte back used to raise."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "TRAINER_HOME": str(tmp_path)}
    done = subprocess.run([os.fsencode(sys.executable), b"-m", b"trainer", b"grade", b"entropy-nats",
                           b"--answer", b"\xff1"], capture_output=True, env=env, timeout=120)
    assert done.returncode == 2, done.stderr
    assert b"Traceback" not in done.stderr
    assert b"--answer is not valid UTF-8 text: byte 0xff at position 0" in done.stderr
