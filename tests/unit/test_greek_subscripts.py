"""Greek letters with subscripts (`\\mu_{x}`, `μ_x`, `\\sigma_1`) name the subscripted variable, as
the ASCII spelling `mu_x` does, instead of reading as the Greek letter times a stray name."""

import pytest

from trainer.core.grading.grader import grade
from trainer.core.templates.generation import generate
from trainer.core.templates.spec import parse_template_text
from trainer.ui import echo

# z = (x − μ_x) / σ_x, the standardised score: a formula in two subscripted Greek variables.
TEMPLATE = """
id: z-subscripts
equation: notation
topic: statistics
title: Standard score
kind: recall
prompt: P
solution: S
answer:
  type: formula
  value: (x - mu_x) / sigma_x
  variables: {x: {float: [-3, 3]}, mu_x: {float: [-1, 1]}, sigma_x: {float: [0.5, 2]}}
mistakes:
  - {id: flipped, value: (mu_x - x) / sigma_x, message: The sign is flipped.}
"""
INSTANCE = generate(parse_template_text(TEMPLATE, "z.yaml"), 0)


@pytest.mark.parametrize("typed, correct", [
    ("(x - mu_x)/sigma_x", True),            # the ASCII names
    (r"\frac{x - \mu_{x}}{\sigma_{x}}", True),  # LaTeX with braced subscripts
    (r"(x - \mu_x)/\sigma_x", True),          # LaTeX with bare subscripts
    ("(x − μ_x)/σ_x", True),                  # Unicode letters
    (r"(x - \mu_{x})/\sigma", False),         # a plain σ is another variable: refused or wrong, never right
    (r"(\mu_{x} - x)/\sigma_{x}", False),     # the sign flipped
])
def test_subscripted_greek_names_the_subscripted_variable(typed, correct):
    v = grade(INSTANCE, typed)
    assert v.correct is correct, (typed, v.feedback, v.error)
    if v.error is None:
        assert echo.read_answer(typed, INSTANCE).shown == v.parsed  # the echo shows what was graded
