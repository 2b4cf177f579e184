"""Shared helpers for the UI tests: a tiny real bank with hand-calculated answers, the app built
as the CLI builds it (but with a fixed clock), and Pilot helpers that wait for the session thread.

Test support, no tests of its own.
"""

from __future__ import annotations

import asyncio
import functools
from datetime import datetime, timezone
from pathlib import Path

FIXED_NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def run_async(test):
    """Run an `async def` test with asyncio (no async pytest plugin is installed)."""

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return wrapper


async def settle(pilot, app, predicate=None, timeout: float = 120.0) -> None:
    """Let the session thread and the message queue drain, then until `predicate()` holds.

    Waiting on a state (not a duration) keeps the tests free of timing assumptions; the timeout only
    turns a hang into a failure, and is generous because a loaded 2-core CI machine is slow, not wrong.
    """
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        await pilot.pause()
        # A poll interval, not a wait for time to pass: the session runs on its own thread, and
        # yielding for a moment (rather than spinning on pause()) leaves it the CPU to finish.
        await asyncio.sleep(0.01)
        await pilot.pause()
        if predicate is None or predicate():
            return
        if loop.time() > end:
            raise AssertionError("the app did not reach the expected state")


# --- a tiny real bank whose answers are hand calculations ---------------------------------------

NOW = FIXED_NOW

ENTROPY = """\
id: ui-entropy
equation: entropy
topic: information
title: Entropy of a fixed distribution
kind: compute
given: [p]
params:
  p: {choice: [[0.5, 0.25, 0.25]]}
prompt: |
  X takes three values with probabilities p = {p}. Compute H(X) in nats.
answer:
  type: number
  value: entropy(p)
  rtol: 1e-3
mistakes:
  - id: log-base-2
    value: entropy(p, base=2)
    message: That is H(X) in bits (log base 2); this asks for nats.
hint: Sum −pᵢ ln pᵢ over the three outcomes.
solution: |
  H(X) = −Σ pᵢ ln pᵢ = 0.5 ln 2 + 2 · 0.25 ln 4 = {answer} nats
"""

SIGMOID = """\
id: ui-sigmoid-slope
equation: sigmoid-derivative
topic: calculus
title: Slope of the sigmoid at zero
kind: compute
given: [z]
params:
  z: {choice: [0]}
prompt: |
  Compute σ′(z) at z = {z}.
answer:
  type: number
  value: sigmoid_grad(z)
  rtol: 1e-3
mistakes:
  - id: value-not-slope
    value: sigmoid(z)
    message: That is σ(z) itself; the derivative is σ(z)(1 − σ(z)).
solution: |
  σ′(z) = σ(z)(1 − σ(z)) = 0.5 · 0.5 = {answer}
"""

MATRIX = """\
id: ui-transpose
equation: linear-transformation
topic: linear-algebra
title: Transpose of a 2×2 matrix
kind: compute
given: [A]
params:
  A: {choice: [[[1, 2], [3, 4]]]}
prompt: |
  Compute the transpose Aᵀ.
answer:
  type: matrix
  value: T(A)
mistakes:
  - id: not-transposed
    value: A
    message: That is A itself; the transpose swaps rows and columns.
solution: |
  Rows become columns: Aᵀ = {answer}
"""

# What to type, by template: (wrong answer, its diagnosis message, right answer) — hand calculations.
ANSWERS = {
    "ui-entropy": ("1.5", "bits (log base 2)", "1.0397"),
    "ui-sigmoid-slope": ("0.5", "σ(z) itself", "0.25"),
    "ui-transpose": ("[[1, 2], [3, 4]]", "A itself", "1 3; 2 4"),
}


# --- templates whose every text is hostile markup -----------------------------------------------
# Each piece of text a template shows is full of Rich/Textual markup, @click actions and an ANSI
# escape; all of it must appear literally. `{shots}` is a folder the screenshot action would write to.

MARKUP = "[b]x[/b] [/] [@click=app.quit]quit[/] E[X] \\e[31mred"
QUIT_LINK = "[@click=app.quit]QUITQUITQUITQUIT[/]"
SHOT_LINK = "[@click=app.screenshot('X.svg','{shots}')]SHOTSHOTSHOTSHOT[/]"

HOSTILE_NUMBER = """\
id: ui-hostile-number
equation: sigmoid-derivative
topic: calculus
title: "Title [b]x[/b] [/] E[X] \\e[31mred"
kind: compute
params:
  z: {{choice: [0]}}
prompt: "QUIT_LINK\\nSHOT_LINK\\nPrompt MARKUP. Compute σ′(z) at z = {{z}}."
answer:
  type: number
  value: sigmoid_grad(z)
  rtol: 1e-3
mistakes:
  - id: value-not-slope
    value: sigmoid(z)
    message: "Mistake MARKUP"
hint: "Hint MARKUP"
solution: "Solution MARKUP = {{answer}}"
""".replace("QUIT_LINK", QUIT_LINK).replace("SHOT_LINK", SHOT_LINK).replace("MARKUP", MARKUP)

HOSTILE_CHOICE = """\
id: ui-hostile-choice
equation: sigmoid-derivative
topic: calculus
title: "Choice [@click=app.quit]quit[/]"
kind: concept
prompt: "Which option? [/]"
answer:
  type: choice
  options:
    - "Option one MARKUP"
    - "Option two [@click=app.quit]quit[/]"
  correct: 1
mistakes:
  - id: second
    option: 2
    message: "Choice mistake MARKUP"
solution: "Choice solution MARKUP"
""".replace("MARKUP", MARKUP)

# What each hostile text must look like on screen: markup kept, ESC drawn as its control picture.
SHOWN_MARKUP = "[b]x[/b] [/] [@click=app.quit]quit[/] E[X] ␛[31mred"


async def home_card_history(pilot, app, row: int) -> tuple[list[str], list[list[str]]]:
    """From the first screen, open Home and the card-info modal of Home's row `row` (0-based).

    Returns:
        (the equations Home lists, in order; the first card-history table's rows as text).
    """
    from textual.widgets import DataTable

    await settle(pilot, app, lambda: app.problems_shown >= 1 or getattr(app.screen, "state", "") == "empty")
    await app.action_home()
    await settle(pilot, app, lambda: bool(getattr(app.screen, "rows", None)))
    equations = [r["equation"] for r in app.screen.rows]
    await pilot.press(*(["down"] * row), "i")
    await settle(pilot, app, lambda: bool(app.screen.query("#card-history-0")))
    table = app.screen.query_one("#card-history-0", DataTable)
    return equations, [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def write_hostile_bank(folder: Path, shots: Path) -> Path:
    """Write the two hostile templates under `folder`; `shots` is where a live link would write."""
    (folder / "calculus").mkdir(parents=True, exist_ok=True)
    (folder / "calculus" / "ui-hostile-number.yaml").write_text(HOSTILE_NUMBER.format(shots=shots))
    (folder / "calculus" / "ui-hostile-choice.yaml").write_text(HOSTILE_CHOICE.format(shots=shots))
    return folder


def write_bank(folder: Path, matrix: bool = False) -> Path:
    """Write the test templates (the matrix one only when asked) under `folder`."""
    for topic, name, text in (("information", "ui-entropy", ENTROPY), ("calculus", "ui-sigmoid-slope", SIGMOID),
                              ("linear-algebra", "ui-transpose", MATRIX)):
        if name == "ui-transpose" and not matrix:
            continue
        (folder / topic).mkdir(parents=True, exist_ok=True)
        (folder / topic / f"{name}.yaml").write_text(text)
    return folder


def make_app(db: Path, folders: list[Path], seed: int = 1, clock=None, before=None):
    """The app as the CLI builds it, with a fixed clock; `before(session)` runs first (history)."""

    from trainer.ui.app import TrainerApp

    def factory():
        from trainer.session import Session

        session = Session.open(db, bank_paths=folders, clock=clock or (lambda: NOW),
                               seed=seed)
        if before is not None:
            before(session)
        return session

    return TrainerApp(factory, tz=timezone.utc)
