"""Hostile answers: each gives a clear error or "incorrect", never "correct", never an exception, and
nothing typed is executed. The 1-second bound is a generous safety property (no hang), not a benchmark.
"""

from __future__ import annotations

import builtins
import functools
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from trainer.core.templates.generate import generate
from trainer.core.grading.grade import grade
from trainer.core.grading.verdict import Verdict
from trainer.core.language.answer_syntax import parse_answer
from trainer.core.language.nodes import MathInputError
from trainer.core.templates.spec import parse_template_text

HOSTILE = [
    "__import__('os').system('x')",
    "().__class__.__bases__",
    "open('f')",
    "eval('1')",
    "exec('1')",
    "lambda: 0",
    "9**9**9**9",
    "9^9^9^9",
    "factorial(10**8)",
    "factorial(171)",
    "comb(10**6, 5)",
    "eye(10**9)",
    "zeros(10**9)",
    "ones(100) @ ones(100) ** 10**9",
    "(" * 10_000 + "1" + ")" * 10_000,
    "(" * 900 + "1" + ")" * 900,
    "-" * 1999 + "1",
    "2^" * 999 + "2",
    "9" * 1_000_000,
    "1e308 * 1e308",
    "1e-300 / 1e300",
    "nan",
    "inf",
    "-inf",
    "zoo",
    "oo",
    "∞",
    "1/0",
    "log(0)",
    "sqrt(-1)",
    "\x00",
    "1\x00",
    "😀",
    "1 + 😀",
    "import os",
    "x.__class__",
    "[x for x in range(10)]",
    "{'a': 1}",
    "sigmoid",
    "sigmoid(",
    "\u202e1",
    "1" + "\u0301" * 50,
    "[" * 60 + "]" * 60,
    "|" * 101,
    "max(" * 40 + "1" + ")" * 40,
]

TEMPLATE = """
id: hostile-{kind}
equation: corpus
topic: information
title: Hostile
kind: compute
prompt: P
answer:
{answer}
mistakes:
{mistakes}
solution: S
"""
ANSWERS = {
    "number": ("  type: number\n  value: 0.5\n  percent: true", "  - {id: m, value: 0.25, message: m}"),
    "matrix": ("  type: matrix\n  value: '[[1, 2], [3, 4]]'", "  - {id: m, value: '[[1, 2], [3, 5]]', message: m}"),
    "formula": ("  type: formula\n  value: sigmoid(x)\n  variables: {x: {float: [-3, 3]}}",
                "  - {id: m, value: sigmoid(-x), message: m}"),
    "choice": ("  type: choice\n  options: [yes, no]\n  correct: 1", "  - {id: m, option: 2, message: m}"),
    "multi": ("  type: multi\n  parts: [{type: number, value: 1}, {type: vector, value: '[1, 2]'}]",
              "  - {id: m, part: 1, value: 2, message: m}"),
}


@functools.cache
def instance(kind: str):
    answer, mistakes = ANSWERS[kind]
    return generate(parse_template_text(TEMPLATE.format(kind=kind, answer=answer, mistakes=mistakes)), 1)


@pytest.fixture
def no_execution(monkeypatch):
    """Fail loudly if anything reaches Python's own code runners while grading."""
    import sympy  # imported before the patch: its own import runs exec

    for kind in ANSWERS:  # build instances and warm lazy imports first (dataclasses use exec)
        grade(instance(kind), "1")

    def refuse(*args, **kwargs):
        raise AssertionError("typed text reached eval/exec")

    for name in ("eval", "exec"):
        monkeypatch.setattr(builtins, name, refuse)
    monkeypatch.setattr(sympy, "sympify", refuse)
    monkeypatch.setattr(sympy, "parse_expr", refuse, raising=False)


@pytest.mark.parametrize("kind", sorted(ANSWERS))
@pytest.mark.parametrize("text", HOSTILE, ids=[repr(h[:24]) for h in HOSTILE])
def test_hostile_answer_is_refused_quickly(kind, text, no_execution):
    inst = instance(kind)
    start = time.perf_counter()
    verdict = grade(inst, text)
    elapsed = time.perf_counter() - start
    assert isinstance(verdict, Verdict)
    assert not verdict.correct
    if verdict.error is not None:
        assert verdict.error.message and verdict.diagnosis is None and verdict.score == 0
    else:
        assert verdict.feedback
    assert elapsed < 1.0, f"{text[:30]!r} took {elapsed:.2f}s"


def test_hostile_parse_errors_name_a_position():
    for text in ("__import__('os')", "lambda: 0", "\x00", "😀", "open('f')"):
        with pytest.raises(MathInputError) as info:
            parse_answer(text, variables=())
        assert info.value.position is not None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60))
def test_parser_never_raises_anything_but_input_errors(text):
    for options in ({}, {"arrays": True}, {"variables": ("x",), "percent": True}):
        try:
            parse_answer(text, **options)
        except MathInputError:
            pass


MATHY = st.text(alphabet="0123456789.+-*/^()[]|,; xeπσ√²½%!'TK@slog", max_size=40)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(MATHY, st.text(max_size=40)), st.sampled_from(sorted(ANSWERS)))
@example(".²", "formula")  # once an internal assertion: '²'.isdigit() is True
def test_grader_never_raises_and_never_accepts_garbage_as_error(text, kind):
    verdict = grade(instance(kind), text)
    assert isinstance(verdict, Verdict)
    assert 0.0 <= verdict.score <= 1.0
    if verdict.error is not None:
        assert not verdict.correct and verdict.parsed is None
    verdict.to_dict()
