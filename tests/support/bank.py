"""Helpers the bank's test tables share: an instance of a bundled template, and its keyed option."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.support.paths import PROBLEMS
from trainer.core.templates import Instance, generate, load_template


def bundled_instance(topic: str, template_id: str, seed: int) -> Instance:
    """The instance of `problems/<topic>/<template_id>.yaml` at `seed`."""
    return generate(load_template(Path(PROBLEMS) / topic / f"{template_id}.yaml"), seed)


def keyed_option(inst: Instance) -> str:
    """The text of a choice instance's keyed option."""
    return inst.answer.options[inst.answer.correct]


def answer_value(inst: Instance) -> np.ndarray | list[float]:
    """The keyed value of a numeric instance: an array, or one number per part of a multi answer."""
    if inst.answer.type == "multi":
        return [float(part.value) for part in inst.answer.parts]
    return np.asarray(inst.answer.value, dtype=float)
