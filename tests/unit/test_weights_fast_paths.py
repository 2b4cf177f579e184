"""The weights tally's fast paths give what the full paths give: the performed test without NumPy
conversions, solver shadows instead of the profile hook, and the answer replayed before its `expr`
parameters. Each case's verdict is known by hand."""

import importlib
import math

import numpy as np
import pytest

import trainer.core.checking.weights as weights
from trainer.core.checking.weights import answer_performs, performed_key
from trainer.core.solvers import registry
from trainer.core.templates.generation import generate
from trainer.core.templates.spec import parse_template_text

A = np.array
# (id, arguments, result, performed?) — x * 1, x + 0 and a clip that changes nothing perform nothing.
PERFORMED = [
    ("float product", (2.0, 3.0), 6.0, True),
    ("times one", (2.0, 1.0), 2.0, False),
    ("plus zero", (2.0, 0.0), 2.0, False),
    ("numpy float equal to an argument", (np.float64(2.5), 1.0), np.float64(2.5), False),
    ("int sum", (2, 3), 5, True),
    ("int plus zero", (5, 0), 5, False),
    ("int result equal to a float argument", (5.0, 0), 5, False),
    ("infinite result", (1.0, 0.0), math.inf, False),
    ("nan result", (0.0, 0.0), math.nan, False),
    ("no arguments", (), 1.0, False),
    ("array doubled", (A([1.0, 2.0]), 2.0), A([2.0, 4.0]), True),
    ("clip that changed nothing", (A([1.0, 2.0]), -10.0, 10.0), A([1.0, 2.0]), False),
    ("same first entry, other second", (A([1.0, 2.0]),), A([1.0, 3.0]), True),
    ("minus zero equals zero", (A([0.0, 1.0]),), A([-0.0, 1.0]), False),
    ("matrix equal to its argument", (A([[1.0, 0.0], [0.0, 1.0]]), A([[1.0, 2.0], [3.0, 4.0]])),
     A([[1.0, 2.0], [3.0, 4.0]]), False),
    ("matrix product", (A([[1.0, 2.0], [3.0, 4.0]]), A([[2.0, 0.0], [1.0, 2.0]])), A([[4.0, 4.0], [10.0, 8.0]]),
     True),
    ("empty argument", (A([]), 1.0), 3.0, False),
    ("empty result", (A([1.0]),), A([]), False),
    ("nan inside an array result", (A([1.0, 2.0]),), A([1.0, math.nan]), False),
    ("large finite array", (A(np.arange(100.0)),), A(np.arange(100.0) + 1), True),
    ("large array with an inf", (A(np.arange(100.0)),), A([*np.arange(99.0), math.inf]), False),
    ("0-d result equal to a float argument", (3.0, 1.0), A(3.0), False),
    ("float result equal to a 0-d argument", (A(3.0), 1.0), 3.0, False),
    ("int array argument equal to the result", (A([1, 2]),), A([1.0, 2.0]), False),
    ("int array argument, other result", (A([1, 2]),), A([1.0, 3.0]), True),
    ("float32 argument equal to the result", (np.float32(0.5),), 0.5, False),
    ("a bool argument is its number", (True, 5.0), 1.0, False),
    ("text and list arguments are not compared", ("mean", [1.0, 2.0], 2.0), 3.0, True),
    ("None result", (1.0,), None, False),
    ("list result", (1.0,), [1.0], False),
    ("whole numbers beyond 2**53 compare as floats", (2**60, 1), 2**60 + 1, False),  # 2**60 + 1.0 == 2**60
]


@pytest.mark.parametrize("args, out, expected", [c[1:] for c in PERFORMED], ids=[c[0] for c in PERFORMED])
def test_the_fast_performed_test_agrees_with_the_general_one(args, out, expected):
    assert weights._performed(args, out) is expected
    assert weights._performed_general(args, out) is expected


BASE = """\
id: t
equation: attention
topic: deep-learning
title: T
kind: compute
params:
  z: {{vector: 3, int: [1, 3]}}
  k: {{int: [2, 4]}}
{params}
where: ["z[0] != z[1]"]
prompt: "z = {{z}}, k = {{k}}"
answer: {answer}
mistakes:
  - {{id: m, value: '{mistake}', message: slip}}
solution: "{{answer}}"
"""


def template(answer, params="", functions=None):
    mistake = "z + 99" if "vector" in answer else "outer(z, z) + 99" if "matrix" in answer else "99"
    return parse_template_text(BASE.format(answer=answer, params=params, mistake=mistake), functions=functions)


@pytest.fixture
def hook_only(monkeypatch):
    """Every solver call seen by the profile hook, as before the shadows: the full path."""

    def use_hook():
        monkeypatch.setattr(weights, "_shadowable", lambda functions, by_code: ([], {}))
        weights._SHADOWS.clear()
        weights._PLANS.clear()

    yield use_hook
    weights._SHADOWS.clear()
    weights._PLANS.clear()


# (answer, params, what every seed performs). z has entries 1..3, not all equal (equal ones would make
# every attention weight equal and return V itself), and k is 2..4, never 0 or 1. Inside
# softmax, deep._axis(-1, ...) returns its own argument -1: it performs nothing. Inside attention,
# deep._qk turns Q and K (3×3 each) into a pair of them (2×3×3): something new.
HAND = [
    ("{type: vector, value: 'z * 1'}", "", frozenset()),
    ("{type: vector, value: 'outer(z, z) @ z'}", "", frozenset({"@", "outer"})),
    ("{type: vector, value: softmax(z)}", "", frozenset({"softmax"})),
    ("{type: matrix, value: 'attention(outer(z, z), outer(z, z), outer(z, z))'}", "",
     frozenset({"attention", "attention_weights", "attention_scores", "softmax", "outer", "deep._qk"})),
    ("{type: number, value: 's + k'}", "  s: {expr: 'k * 1'}", frozenset({"+"})),
    ("{type: number, value: 's * 3'}", "  s: {expr: 'k * 2'}", frozenset({"*"})),
    ("{type: number, value: 's[0] * 2'}", "  s: {expr: softmax(z)}", frozenset({"*", "softmax"})),
]


@pytest.mark.parametrize("answer, params, expected", HAND)
def test_shadows_see_what_the_profile_hook_sees(answer, params, expected, hook_only):
    t = template(answer, params)
    instances = [generate(t, seed) for seed in range(12)]
    fast = [answer_performs(t, inst) for inst in instances]
    hook_only()
    full = [answer_performs(t, inst) for inst in instances]
    assert fast == full == [expected] * len(instances)


@pytest.mark.parametrize("answer, params, expected", HAND)
def test_the_answer_first_replay_records_what_the_in_order_replay_records(answer, params, expected):
    t = template(answer, params).resolve()
    plan = weights._plan(t, registry())
    for seed in range(12):
        inst = generate(t, seed)
        assert plan.replay(inst) == plan.replay_in_order(inst) == set(expected)
        assert performed_key(t, inst) == ",".join(sorted(expected))


def calls_softmax(z, axis=-1):
    return softmax(z)  # noqa: F821 — bound below, as a solver module binds its helpers


def calls_softmax_by_text(z, axis=-1):
    return getattr(importlib.import_module("trainer.core.solvers.deep"), "softmax")(z)


calls_softmax.__globals__["softmax"] = registry()["softmax"]


@pytest.mark.parametrize("stand_in, shadowed", [(calls_softmax, True), (calls_softmax_by_text, False)])
def test_a_function_the_code_cannot_vouch_for_keeps_the_hook(stand_in, shadowed, hook_only):
    # `mean` replaced by a function that calls softmax: through a global name it gets a shadow,
    # through getattr it keeps the hook; softmax inside it is seen either way.
    functions = {**registry(), "mean": stand_in}
    t = template("{type: vector, value: mean(z)}", functions=functions)
    inst = generate(t, 0)
    shadows = weights._shadows(functions, weights._tables(functions)[1])
    assert (shadows.stand_in(stand_in) is not None) is shadowed
    assert answer_performs(t, inst, functions) >= {"softmax", "mean"}
    fast = answer_performs(t, inst, functions)
    hook_only()
    assert answer_performs(t, inst, functions) == fast


def test_a_shadow_binds_defaults_as_the_frame_does():
    def f(x, base=2.0, *, scale=1.0):
        return x

    bind = weights._binder(f)
    assert bind((4.0,), {}) == (4.0, 2.0, 1.0)
    assert bind((4.0, 3.0), {"scale": 5.0}) == (4.0, 3.0, 5.0)

    def g(x, *rest, **named):
        return x

    assert weights._binder(g)((1.0, 2.0, 3.0), {"k": 4.0}) == (1.0, (2.0, 3.0), {"k": 4.0})


def test_a_changed_solver_module_gets_fresh_shadows(monkeypatch):
    functions = registry()
    by_code = weights._default_tables()[1]
    first = weights._shadows(functions, by_code)
    assert weights._shadows(functions, by_code) is first
    deep = importlib.import_module("trainer.core.solvers.deep")
    monkeypatch.setattr(deep, "_axis", lambda *a, **k: None)
    assert weights._shadows(functions, by_code) is not first
    monkeypatch.undo()
    weights._SHADOWS.clear()


def passes_softmax_on(x):
    keep = softmax  # noqa: F821 — bound below
    return keep(x)


def imports_softmax(x):
    from trainer.core.solvers.deep import softmax as s

    return s(x)


def stores_a_global(x):
    global STORED
    STORED = x
    return x


passes_softmax_on.__globals__["softmax"] = registry()["softmax"]


@pytest.mark.parametrize("fn, callees", [
    (calls_softmax, [registry()["softmax"]]),  # called by its global name: shadowed, softmax with it
    (passes_softmax_on, None),  # held in a variable: could be compared or stored, not only called
    (imports_softmax, None),  # reached by an import: the shadow's globals would not see it
    (calls_softmax_by_text, None),  # looked up by text
    (stores_a_global, None),  # rebinds a global: the copied globals would go stale
])
def test_only_code_whose_every_way_to_a_solver_is_a_call_by_global_name_is_shadowed(fn, callees):
    assert weights._callees(fn, set()) == callees


# (arguments, result, recorded?) for the observer's judgement of two numbers.
OBSERVED = [
    ((2.0, 3.0), 6.0, True),
    ((2.0, 1.0), 2.0, False),  # times one
    ((0.0, 2.5), 2.5, False),  # plus zero
    ((1.0, 0.0), math.inf, False),
    ((0.0, 0.0), math.nan, False),
    ((2, 3), 5, True),
    ((5, 0), 5, False),
    ((5.0, 0), 5, False),  # an int result equal to a float argument
    ((3, 0.5), 1.5, True),
    ((2**60, 1), 2**60 + 1, False),  # beyond 2**53: judged as floats (2**60 + 1.0 == 2**60)
    ((True, 5.0), 1.0, False),  # a bool is its number
]


@pytest.mark.parametrize("args, out, expected", OBSERVED)
def test_the_observer_judges_two_numbers_as_the_performed_test_does(args, out, expected):
    recorder = weights._Recorder(weights._default_tables())
    recorder.seen = set()
    recorder.observe("*", args, out)
    assert (recorder.seen == {"*"}) is expected
