"""Front and back: before Enter the review screen shows the question only; the equation card and
the worked solution come with the feedback.

The real app, session, store and grader, driven by Pilot over a tiny bank written here. The recall
item drills σ′(x) = σ(x)(1 − σ(x)); the compute item asks for H([0.5, 0.25, 0.25]) = 1.5 ln 2 =
1.0397 nats, with that value also present as an undeclared (not `given`) parameter `h`.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from tests.support.ui import make_app, run_async, settle

RECALL = """\
id: ui-sigmoid-recall
equation: sigmoid-derivative
topic: calculus
title: Derivative of the sigmoid
kind: recall
small_space: true
prompt: |
  Write the derivative σ′(x) of the logistic sigmoid as a formula in x (use sigmoid(x)).
answer:
  type: formula
  value: sigmoid(x) * (1 - sigmoid(x))
  variables:
    x: {float: [-3, 3]}
mistakes:
  - id: applied-to-input
    value: x * (1 - x)
    message: Use the output σ(x), not the input x.
solution: |
  σ′(x) = σ(x)(1 − σ(x))
"""

COMPUTE = """\
id: ui-entropy-given
equation: entropy
topic: information
title: Entropy of a fixed distribution
kind: compute
given: [p]
params:
  p: {choice: [[0.5, 0.25, 0.25]]}
  h: {expr: entropy(p)}
prompt: |
  X takes three values with probabilities p. Compute its entropy h in nats.
answer:
  type: number
  value: h
mistakes:
  - id: log-base-2
    value: entropy(p, base=2)
    message: That is in bits; this asks for nats.
solution: |
  h = 0.5 ln 2 + 2 · 0.25 ln 4 = {answer} nats
"""


def bank_of(folder: Path, name: str, text: str) -> Path:
    (folder / "t").mkdir(parents=True, exist_ok=True)
    (folder / "t" / f"{name}.yaml").write_text(text)
    return folder


def on_screen(app) -> str:
    """The text of every Static currently displayed (itself and all its containers)."""
    out = []
    for widget in app.screen.query(Static):
        if widget.display and all(getattr(a, "display", True) for a in widget.ancestors_with_self):
            out.append(str(widget.render()))
    return "\n".join(out)


@run_async
async def test_a_recall_formula_is_not_on_screen_before_enter_and_is_after(tmp_path: Path) -> None:
    app = make_app(tmp_path / "p.db", [bank_of(tmp_path / "bank", "ui-sigmoid-recall", RECALL)])
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        before = on_screen(app)
        assert "Write the derivative σ′(x)" in before
        assert "σ(x) (1 − σ(x))" not in before and "1 − σ(x)" not in before
        await pilot.press(*"x*(1-x)", "enter")
        await settle(pilot, app, lambda: app.screen.state == "feedback")
        after = on_screen(app)
        assert "σ′(x) = σ(x) (1 − σ(x))" in after  # the equation card, with the feedback
        assert "σ′(x) = σ(x)(1 − σ(x))" in after  # the worked solution


@run_async
async def test_only_given_parameters_are_in_the_panel(tmp_path: Path) -> None:
    app = make_app(tmp_path / "p.db", [bank_of(tmp_path / "bank", "ui-entropy-given", COMPUTE)])
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        panel = str(app.screen.query_one("#params").render())
        assert "0.25" in panel and "p" in panel
        assert "h =" not in panel and "1.04" not in panel
        assert "1.04" not in on_screen(app)
        await pilot.press(*"1.0397", "enter")
        await settle(pilot, app, lambda: app.screen.state == "feedback")
        assert "✓ Right" in on_screen(app)
