"""Hostile answers: each gives a clear error or "incorrect", never "correct", never an exception, and
nothing typed is executed. No hang: oversized input is refused by the size, depth, digit and exponent
limits it exceeds (the message names the limit), and grading any hostile text stays within a fixed
budget of function calls, counted with a profiler hook, never timed on a wall clock.
"""

from __future__ import annotations

import builtins
import functools
import sys

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from trainer.core.templates.generation import generate
from trainer.core.grading.grader import grade
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


# Python and C function calls for grading one text. The worst hostile input here needs about 22 000
# (a 999-deep power refused at depth 50); without the limits the deep ones need millions.
WORK_BUDGET = 50_000


def graded_with_call_count(inst, text: str) -> tuple[Verdict, int]:
    """Grade, counting every Python and C function call made meanwhile (a measure of work)."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    previous = sys.getprofile()
    sys.setprofile(count)
    try:
        verdict = grade(inst, text)
    finally:
        sys.setprofile(previous)
    return verdict, calls


@pytest.mark.parametrize("kind", sorted(ANSWERS))
@pytest.mark.parametrize("text", HOSTILE, ids=[repr(h[:24]) for h in HOSTILE])
def test_hostile_answer_is_refused_within_bounded_work(kind, text, no_execution):
    inst = instance(kind)
    verdict, calls = graded_with_call_count(inst, text)
    assert isinstance(verdict, Verdict)
    assert not verdict.correct
    if verdict.error is not None:
        assert verdict.error.message and verdict.diagnosis is None and verdict.score == 0
    else:
        assert verdict.feedback
    assert calls < WORK_BUDGET, f"{text[:30]!r} made {calls} calls"


# Each oversized input is refused by the limit it exceeds, before any work proportional to its size.
LIMITED = [
    ("(" * 10_000 + "1" + ")" * 10_000, "the limit is 2000"),  # characters
    ("9" * 1_000_000, "the limit is 2000"),
    ("(" * 900 + "1" + ")" * 900, "nested more than 50 levels"),  # depth
    ("-" * 1999 + "1", "nested more than 50 levels"),
    ("2^" * 999 + "2", "nested more than 50 levels"),
    ("[" * 60 + "]" * 60, "nested more than 50 levels"),
    ("|" * 101, "nested more than 50 levels"),
    ("1" * 41, "more than 40 digits"),  # digits in one literal
    ("1e308 * 1e308", "out of range (±300)"),  # literal exponents
    ("9**9**9**9", "not a finite number"),  # integer powers beyond 256 bits fall back to float: inf
    ("factorial(10**8)", "from 0 to 170"),  # the solver functions bound their arguments
    ("comb(10**6, 5)", "from 0 to 1000"),
    ("eye(10**9)", "from 0 to 100"),
    ("zeros(10**9)", "from 0 to 100"),
]


@pytest.mark.parametrize(("text", "limit"), LIMITED, ids=[repr(t[:16]) for t, _ in LIMITED])
def test_oversized_answer_is_refused_by_the_limit_it_exceeds(text, limit):
    verdict = grade(instance("number"), text)
    assert verdict.error is not None and not verdict.correct
    assert limit in verdict.error.message


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
