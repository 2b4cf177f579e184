"""The front of a card: exactly what may be on screen before the answer is submitted.

Core layer. As in Anki's front/back templates, the front is the question only: the title, the prompt,
the parameters the template marks as `given`, the options of a choice item, and the equation card
only when the template allows it before answering (`card: before`; by default compute items only).
The hint, the solution and the answer belong to the back. The review and quiz screens render this,
and `trainer check` proves on every seed that no part of it gives the answer away.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from trainer.core.templates.text import fmt


@dataclass(frozen=True)
class Front:
    """What the learner sees before answering.

    Attributes:
        title: the template's title.
        prompt: the rendered prompt.
        params: the given parameters by name, in template order (empty: no parameter panel).
        options: the options of a choice item, as shown.
        card: the equation card (an `Equation`) when it may show before answering, else None.
    """

    title: str
    prompt: str
    params: Mapping[str, Any] = field(default_factory=dict)
    options: tuple[str, ...] = ()
    card: Any | None = None

    def places(self) -> dict[str, str]:
        """The visible text by where it is shown ("title", "prompt", "parameter x", "card"), options aside.

        Returns:
            Place → text, as the learner reads it (parameters as `name = value`).
        """
        out = {"title": self.title, "prompt": self.prompt}
        for name, value in self.params.items():
            out[f"parameter {name}"] = f"{name} = {fmt(value)}"
        if self.card is not None:
            out["card"] = f"{getattr(self.card, 'name', '')}\n{getattr(self.card, 'display', '')}"
        return out


def front(instance: Any, template: Any, cards: Mapping[str, Any] | None = None) -> Front:
    """The front of `instance`: what may be on screen before its answer is submitted.

    Args:
        instance: a generated `Instance`.
        template: its `Template` (for `given` and `card`).
        cards: equation cards by id (default: every card of the solver modules).

    Returns:
        The front.
    """
    given = getattr(template, "given", None)  # a few names: a tuple is searched as fast as a set
    params = {name: value for name, value in instance.params.items() if name in given} if given else {}
    card = None
    if getattr(template, "card_before", False):
        if cards is None:
            from trainer.core.solvers.equations import equations

            cards = equations()
        card = cards.get(instance.equation)
    options = tuple(instance.answer.options) if instance.answer.type == "choice" else ()
    return Front(title=instance.title, prompt=instance.prompt, params=params, options=options, card=card)
