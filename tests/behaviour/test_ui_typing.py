"""Every keystroke and paste is safe: random Unicode (superscripts, lone surrogates, controls, RTL
marks, very long strings) typed into the answer of every answer kind leaves the app running and
showing a message; a long paste's error stays in view.

Behaviour tests (Pilot, real session and store, bundled templates copied one per bank). Hypothesis is
derandomized with a bounded number of examples, so CI runs the same inputs every time.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import Input

from tests.support.paths import PROBLEMS
from tests.support.ui import make_app, settle

# One bundled template per answer kind (read from the bank: its answer type is what the name says).
KINDS = {
    "number": "information/entropy-nats.yaml",
    "vector": "optimization/linreg-gradient-step.yaml",
    "matrix": "deep-learning/attention-weights-compute.yaml",
    "choice": "optimization/learning-rate-concept.yaml",
    "formula": "optimization/gradient-descent-recall.yaml",
    "multi": "probability/bernoulli-mean-variance.yaml",
}

TRICKY = ["²", "ˣ", "³²", "\u200f", "\u202e", "\u200b", "\x1b[31m", "\x07", "\x00", "\r", "\ud800", "\udfff",
          "½", "٣", "𝟘", "\ufeff", "ﬁ", "e\u0301", "[/]", "[@click=app.quit]q[/]", "|", "||", ";", "[", "]]"]

answer_text = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), min_size=1, max_size=40),
    st.lists(st.sampled_from(TRICKY) | st.text(min_size=1, max_size=3), min_size=1, max_size=12).map("".join),
    st.builds(lambda piece, n: piece * n, st.sampled_from(TRICKY + ["1", "x "]), st.integers(500, 3000)),
)


def bank_of(kind: str, root: Path) -> Path:
    """A bank folder holding only the template of `kind`."""
    source = PROBLEMS / KINDS[kind]
    folder = root / kind / source.parent.name
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, folder)
    return root / kind


def test_the_bank_files_are_the_kinds_they_are_named_for() -> None:
    import yaml

    for kind, name in KINDS.items():
        data = yaml.safe_load((PROBLEMS / name).read_text())
        assert data["answer"]["type"] == kind, name


async def type_and_submit(kind: str, texts: list[str], root: Path) -> None:
    """Each text lands in the answer as a paste does (one Changed event: the live echo reads it);
    the last one is submitted with Enter."""
    # A fresh database each run: an answer graded in one example must not leave the next nothing due.
    app = make_app(Path(tempfile.mkdtemp(dir=root)) / "trainer.db", [bank_of(kind, root)])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        screen = app.screen
        answer = screen.query_one("#answer", Input)
        for text in texts:
            answer.value = text
            await settle(pilot, app)
            assert app.is_running and screen.state == "answering"
            assert not any((ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F
                           or 0xD800 <= ord(c) < 0xE000 for c in answer.value), "a control would reach the terminal"
        await pilot.press("enter")
        if texts[-1].strip():
            # Graded (feedback) or refused with a reason under the input; nothing else is acceptable.
            await settle(pilot, app, lambda: screen.state == "feedback"
                         or (screen.state == "answering" and str(screen.query_one("#echo").render()).strip()))
        assert app.is_running
        await pilot.press("ctrl+q")
    assert app.return_code == 0


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(KINDS)), texts=st.lists(answer_text, min_size=1, max_size=3))
def test_any_text_in_any_answer_kind_leaves_the_app_running(tmp_path: Path, kind: str, texts: list[str]) -> None:
    asyncio.run(type_and_submit(kind, texts, tmp_path))


def test_each_kind_survives_the_characters_that_once_crashed_it(tmp_path: Path) -> None:
    """`²` is a digit to `str.isdigit` but not to `int`: it crashed the echo of a choice answer."""
    for kind in sorted(KINDS):
        asyncio.run(type_and_submit(kind, ["²", "\ud800", "\x1b[2J", "\u202e1", "b²"], tmp_path))


def test_a_long_paste_shows_why_it_is_refused_first(tmp_path: Path) -> None:
    """A 100,001-character paste: the reason ("the limit is 2000") is the first line under the input,
    and the pasted text is cut to the part around the caret."""

    async def run() -> None:
        app = make_app(tmp_path / "long.db", [bank_of("number", tmp_path)])
        async with app.run_test(size=(100, 32)) as pilot:
            await settle(pilot, app, lambda: app.problems_shown >= 1)
            screen = app.screen
            screen.query_one("#answer", Input).value = "1" * 100_001
            await settle(pilot, app)
            await pilot.press("enter")
            await settle(pilot, app, lambda: "limit" in str(screen.query_one("#echo").render()))
            shown = str(screen.query_one("#echo").render()).splitlines()
            assert "the limit is 2000" in shown[0]
            assert len(shown) <= 4 and all(len(line) < 200 for line in shown)
            assert screen.state == "answering"
            assert screen.query_one("#answer", Input).value == "1" * 100_001  # the paste is kept

    asyncio.run(run())
