"""The answer bar states the precision for every numeric answer, several-part answers included."""

from trainer.core.templates.generation import generate
from trainer.core.templates.spec import parse_template_text
from trainer.ui.screens.review_screen import answer_placeholder

TWO_PARTS = """
id: mean-and-variance
equation: mean-median-variance
topic: statistics
title: Mean and variance
kind: compute
prompt: P
solution: S
answer:
  type: multi
  parts:
    - {label: mean, type: number, value: 1/3}
    - {label: variance, type: number, value: 2/9, sigfigs: 4}
mistakes:
  - {id: never, value: 5, part: 1, message: never}
"""
ONE_PRECISION = TWO_PARTS.replace(", sigfigs: 4", "")


def test_a_several_part_answer_states_each_parts_precision():
    # 3 significant figures is the default (README); the variance asks for 4.
    text = answer_placeholder(generate(parse_template_text(TWO_PARTS, "t.yaml"), 0).answer)
    assert "mean | variance" in text
    assert "mean: 3 significant figures" in text and "variance: 4 significant figures" in text


def test_parts_with_one_precision_state_it_once():
    text = answer_placeholder(generate(parse_template_text(ONE_PRECISION, "t.yaml"), 0).answer)
    assert text.count("3 significant figures") == 1
