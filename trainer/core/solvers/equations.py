"""Equation reference cards: the mathematics each template drills, shown above a prompt and on request.

Core layer. The cards themselves live beside their solvers (`trainer.core.solvers.*.EQUATIONS`) so
that an equation, its solver and its explanation are written and reviewed together.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Equation:
    """One equation of the bank.

    Attributes:
        id: stable kebab-case id that templates name in their `equation` field.
        name: human title, e.g. "Kullback-Leibler divergence".
        topic: the topic folder it belongs to.
        display: the equation as 2-D Unicode math, several lines, monospaced-aligned.
        summary: two or three sentences: what it says and why ML uses it.
    """

    id: str
    name: str
    topic: str
    display: str
    summary: str


def equations() -> dict[str, Equation]:
    """Every known equation card by id (built once, on first use)."""
    from trainer.core.solvers import equation_cards

    return equation_cards()
