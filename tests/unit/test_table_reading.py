"""A p-value read off a printed normal table (z to 2 decimals, Φ to 4 decimals) is graded right."""

import math

import pytest

from tests.support.paths import PROBLEMS
from trainer.core.grading.grader import grade
from trainer.core.templates.generation import generate
from trainer.core.templates.spec import load_template


def table_phi(z: float) -> float:
    """Φ as a learner reads it: z rounded to 2 decimals, the table's 4-decimal entry."""
    z = round(z, 2)
    return round(0.5 * (1 + math.erf(z / math.sqrt(2))), 4)


@pytest.mark.parametrize("seed", range(0, 200, 7))
@pytest.mark.parametrize("tid", ["z-test-one-sided", "z-test-two-sided"])
def test_table_arithmetic_passes_and_the_other_tail_does_not(tid, seed):
    inst = generate(load_template(PROBLEMS / "statistics" / f"{tid}.yaml"), seed)
    p = inst.params
    z = (p["xbar"] - p["mu0"]) / (p["sigma"] / math.sqrt(p["n"]))
    if tid == "z-test-one-sided":
        read, other = table_phi(z), 1 - table_phi(z)  # H1: μ < μ0, left tail; the right tail is the slip
    else:
        read, other = 2 * (1 - table_phi(abs(z))), 1 - table_phi(abs(z))  # one tail only is the slip
    assert grade(inst, f"{read:.4f}").correct
    assert grade(inst, f"{read:.3g}").correct
    assert not grade(inst, f"{other:.4f}").correct
