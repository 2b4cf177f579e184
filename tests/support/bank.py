"""Helpers the bank's test tables share: an instance of a bundled template, and its keyed option."""

from __future__ import annotations

from pathlib import Path

from tests.support.paths import PROBLEMS
from trainer.core.templates import Instance, generate, load_template


def bundled_instance(topic: str, template_id: str, seed: int) -> Instance:
    """The instance of `problems/<topic>/<template_id>.yaml` at `seed`."""
    return generate(load_template(Path(PROBLEMS) / topic / f"{template_id}.yaml"), seed)


def keyed_option(inst: Instance) -> str:
    """The text of a choice instance's keyed option."""
    return inst.answer.options[inst.answer.correct]
