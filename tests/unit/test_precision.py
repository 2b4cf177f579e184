"""The precision policy at its boundaries, with hand-known values (issue 9).

A typed t is right for v when |t − v| ≤ max(half a unit in the last required place of v, rtol·|v|,
atol): by default 3 significant figures, so v correctly rounded to 3 s.f. (or anything more precise)
is right and the next value over is not. Every expected verdict below is worked out by hand in its
comment; none comes from the grader.
"""

from __future__ import annotations

import functools
import math

import pytest

from trainer.core.grading.grader import grade
from trainer.core.grading.precision import Precision, precision_text
from trainer.core.templates.generation import generate
from trainer.core.templates.spec import parse_template_text

HEAD = """
id: precision-{name}
equation: precision
topic: statistics
title: Precision {name}
kind: compute
prompt: P
solution: S
"""


@functools.cache
def inst(name: str, answer: str, mistakes: str = "{id: never, value: -12345, message: never}", params: str = ""):
    text = HEAD.format(name=name) + params + f"answer: {answer}\nmistakes:\n  - {mistakes}\n"
    return generate(parse_template_text(text, f"{name}.yaml"), 0)


THIRD = inst("third", "{type: number, value: 1/3}")
TABLE = inst("table", "{type: number, value: 1 - 0.9772}")
TAIL = inst("tail", "{type: number, value: 1 - Phi(2)}")  # 0.0227501…
NEAR100 = inst("near100", "{type: number, value: 99.96}")
NEAR1 = inst("near1", "{type: number, value: 0.9996}")
HALFWAY = inst("halfway", "{type: number, value: 0.1235}")
PI5 = inst("pi5", "{type: number, value: pi, sigfigs: 5}")
DEC2 = inst("dec2", "{type: number, value: 0.12345, decimals: 2}")
LOOSE = inst("loose", "{type: number, value: 2, rtol: 0.05}")
ZERO = inst("zero", "{type: number, value: 0}")

# (instance, typed, correct?) — |Δ| and the bound worked out by hand
NUMBERS = [
    (THIRD, "0.333", True),     # |Δ| = 3.3e-4 ≤ 5e-4 (half a unit in the 3rd place of 0.333…)
    (THIRD, "0.3333", True),
    (THIRD, "0.334", False),    # |Δ| = 6.7e-4 > 5e-4
    (THIRD, "0.332", False),    # |Δ| = 1.33e-3
    (THIRD, "0.33", False),     # 2 s.f.: |Δ| = 3.3e-3
    (TABLE, "0.0228", True),    # v = 0.0228 exactly (table arithmetic)
    (TABLE, "0.02280", True),
    (TABLE, "0.0227", False),   # |Δ| = 1e-4 > 5e-5
    (TAIL, "0.0228", True),     # 1 − Φ(2) = 0.022750: |Δ| = 4.99e-5 ≤ 5e-5 — a printed table passes
    (TAIL, "0.0227", False),    # |Δ| = 5.0e-5 + 1e-9 > 5e-5
    (NEAR100, "100", True),     # 99.96 to 3 s.f. is 100 (|Δ| = 0.04 ≤ 0.05)
    (NEAR100, "100.0", True),
    (NEAR100, "99.9", True),    # |Δ| = 0.06 > 0.05, but ≤ the default rtol 1e-3 · 99.96 = 0.09996
    (NEAR100, "99.8", False),   # |Δ| = 0.16
    (NEAR100, "100.1", False),  # |Δ| = 0.14
    (NEAR1, "1.00", True),      # 0.9996 → 1.00: |Δ| = 4e-4 ≤ 5e-4
    (NEAR1, "0.999", True),     # |Δ| = 6e-4 ≤ rtol 1e-3 · 0.9996 (the default relative term)
    (NEAR1, "1.001", False),    # |Δ| = 1.4e-3
    (HALFWAY, "0.124", True),   # exactly half a unit away: both neighbours are correct roundings
    (HALFWAY, "0.123", True),
    (HALFWAY, "0.1229", False),  # |Δ| = 6e-4
    (PI5, "3.1416", True),      # 5 s.f.: |Δ| = 7.3e-6 ≤ 5e-5
    (PI5, "3.142", False),      # |Δ| = 4.1e-4 > 5e-5 (sigfigs replaces the default rtol)
    (DEC2, "0.12", True),       # to 0.01: |Δ| = 3.45e-3 ≤ 5e-3
    (DEC2, "0.13", False),      # |Δ| = 6.55e-3
    (LOOSE, "2.09", True),      # rtol 0.05 · 2 = 0.1 ≥ |Δ| = 0.09
    (LOOSE, "2.11", False),
    (ZERO, "0", True),
    (ZERO, "0.001", False),     # v = 0 has no significant figures: only atol (1e-9) counts
]


@pytest.mark.parametrize(("instance", "typed", "correct"), NUMBERS,
                         ids=[f"{i.template_id}:{t}" for i, t, _ in NUMBERS])
def test_number_boundaries(instance, typed, correct):
    verdict = grade(instance, typed)
    assert verdict.error is None
    assert verdict.correct is correct, verdict.feedback


def test_close_but_outside_names_the_precision():
    verdict = grade(THIRD, "0.334")  # 2× the tolerance away: close
    assert not verdict.correct and verdict.diagnosis is None
    assert "close" in verdict.feedback and "3 significant figures" in verdict.feedback
    far = grade(THIRD, "0.4")  # 0.067 away, 130× the tolerance
    assert "close" not in far.feedback
    assert "to 0.01" in grade(DEC2, "0.13").feedback


def test_a_real_slip_is_never_blamed_on_rounding():
    # bayes-fraud-precision's story: a conceptual error 1.1% off. It is close (|Δ| = 1.1e-3, within
    # 10× the 5e-4 tolerance), but it is the listed mistake, and that is what the learner hears.
    slip = inst("slip", "{type: number, value: 0.1}", "{id: forgot-false-positives, value: 0.1011, message: M}")
    verdict = grade(slip, "0.1011")
    assert verdict.diagnosis is not None and verdict.diagnosis.id == "forgot-false-positives"
    assert "close" not in verdict.feedback
    # a generic slip too: 0.1667 is 1/6, half of 1/3, not a rounding of 1/3
    assert grade(THIRD, "0.1667").diagnosis.id == "half"


VECTOR = inst("vector", '{type: vector, value: "[1/3, 12.345]"}', '{id: never, value: "[9, 9]", message: m}')
MATRIX = inst("matrix", '{type: matrix, value: "[[1/3, 2], [3, 99.96]]"}',
              '{id: never, value: "[[9, 9], [9, 9]]", message: m}')
SET = inst("set", '{type: set, value: "[1/3, 2/3]"}', '{id: never, value: "[9, 9]", message: m}')


@pytest.mark.parametrize(("instance", "typed", "correct"), [
    (VECTOR, "[0.333, 12.3]", True),     # per entry: 3.3e-4 ≤ 5e-4; 0.045 ≤ 0.05
    (VECTOR, "[0.333, 12.4]", False),    # entry 2: |Δ| = 0.055 > 0.05
    (VECTOR, "[0.334, 12.35]", False),   # entry 1: 6.7e-4 > max(5e-4, 1e-3 · 0.333)
    (MATRIX, "[[0.333, 2], [3, 100]]", True),
    (MATRIX, "[[0.333, 2], [3, 99.8]]", False),  # cell (2,2): 0.16 > max(0.05, 1e-3 · 99.96)
    (SET, "0.667 0.333", True),
    (SET, "0.667 0.334", False),
])
def test_arrays_per_entry(instance, typed, correct):
    assert grade(instance, typed).correct is correct


def test_close_message_names_the_entry():
    assert "Entry 2 is close" in grade(VECTOR, "[0.333, 12.4]").feedback
    assert "Entry 1 is close" in grade(VECTOR, "[0.334, 12.35]").feedback
    assert "Cell (2,2) is close" in grade(MATRIX, "[[0.333, 2], [3, 99.8]]").feedback


def test_precision_text():
    assert THIRD.answer.precision_text == "3 significant figures"
    assert PI5.answer.precision_text == "5 significant figures"
    assert DEC2.answer.precision_text == "to 0.01"
    assert VECTOR.answer.precision_text == "3 significant figures"
    integer = inst("integer", "{type: integer, value: 3}", "{id: never, value: 4, message: never}")
    assert integer.answer.precision_text == ""
    multi = inst("multi", """
  type: multi
  parts:
    - {label: a, type: number, value: 0.5}
    - {label: b, type: number, value: 0.25, decimals: 3}""", "{id: never, part: 1, value: 9, message: never}")
    assert multi.answer.precision_text == "a: 3 significant figures; b: to 0.001"
    assert precision_text(type("A", (), {"type": "choice"})()) == ""


def test_precision_tolerance_by_hand():
    p = Precision()
    assert math.isclose(float(p.tolerance(1 / 3)), 5e-4, rel_tol=1e-6)
    assert math.isclose(float(p.tolerance(0.0228)), 5e-5, rel_tol=1e-6)
    assert math.isclose(float(p.tolerance(99.96)), 0.05, rel_tol=1e-6)
    assert math.isclose(float(p.tolerance(1234.0)), 5.0, rel_tol=1e-6)


# --- directions: the angle rounding to the stated precision allows --------------------------------

NEVER2 = '{id: never, value: "[1, -9]", message: m}'
DIRECTION = inst("direction", '{type: direction, value: "[1, 2]"}', NEVER2)
DIRECTION2 = inst("direction2", '{type: direction, value: "[1, 2]", sigfigs: 2}', NEVER2)


@pytest.mark.parametrize(("instance", "typed", "correct"), [
    (DIRECTION, "[0.447, 0.894]", True),   # the unit vector (0.44721, 0.89443) to 3 s.f.
    (DIRECTION, "[2, 4]", True),
    (DIRECTION, "[-1, -2]", True),
    (DIRECTION, "[0.45, 0.89]", False),    # 0.26° off; 3 s.f. allows √2·5e-4 rad ≈ 0.04°
    (DIRECTION2, "[0.45, 0.89]", True),    # at 2 s.f. the allowance is √2·5e-3 rad ≈ 0.41°
    (DIRECTION, "[1, 2.2]", False),        # 2.1° off: the old 1 − cos ≤ 1e-3 (2.56°) accepted it
    (DIRECTION2, "[1, 2.2]", False),
])
def test_direction_tolerance_from_precision(instance, typed, correct):
    assert grade(instance, typed).correct is correct


def test_a_wrong_eigenvector_is_rejected():
    # A = [[2, 1], [1, 2]] has eigenvector (1, 1) for λ = 3. v = (1, 1.05) is atan(1.05) − 45° = 1.4°
    # off, inside the old 1 − cos ≤ 1e-3 (2.56°); v = (1, 1.16) is 4.2° off. (0.707, 0.707) is the unit
    # eigenvector to 3 significant figures.
    eig = inst("eig", '{type: direction, value: "[1, 1]"}', NEVER2)
    assert not grade(eig, "[1, 1.05]").correct
    assert not grade(eig, "[1, 1.16]").correct
    assert grade(eig, "[0.707, 0.707]").correct


# --- every bundled answer, honestly rounded, is right ----------------------------------------------


def _rounded(part) -> str:
    """The answer as a learner rounds it at the stated precision (Python's own formatting)."""
    import numpy as np

    def one(x: float) -> str:
        if part.decimals is not None:
            return f"{x:.{part.decimals}f}"
        return repr(float(f"{x:.{part.sigfigs or 3}g}"))

    if part.type == "integer":
        return str(int(part.value))
    v = np.asarray(part.value, dtype=float)
    if v.ndim == 0:
        return one(float(v))
    if v.ndim == 1:
        return "[" + ", ".join(one(x) for x in v) + "]"
    return "[" + ", ".join("[" + ", ".join(one(x) for x in row) + "]" for row in v) + "]"


def test_every_bundled_answer_rounded_to_its_precision_is_right():
    # Issue 9: 29% of number instances rejected a correctly rounded 3-significant-figure answer.
    from tests.support.paths import PROBLEMS
    from trainer.core.templates.bank import load_bank

    bank = load_bank([PROBLEMS])
    wrong = []
    for tid, template in sorted(bank.templates.items()):
        if template.answer.type in ("choice", "formula"):
            continue
        for seed in range(20):
            instance = generate(template, seed)
            a = instance.answer
            typed = " | ".join(_rounded(p) for p in a.parts) if a.type == "multi" else _rounded(a)
            if not grade(instance, typed).correct:
                wrong.append(f"{tid} seed {seed}: {typed}")
    assert not wrong, "\n".join(wrong[:10])
