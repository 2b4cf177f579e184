"""`check`'s shortcuts give what the work they skip gives: a formula's value at a test point compared
with the reference's in plain floats (`np.allclose` on equal shapes), a constraint's remembered
outcome for values drawn before, the remembered text of an array printed before, a seed's pooled
generator, and the subtrees a formula's trees share computed once per test point."""

import math

import numpy as np
import pytest

from trainer.core.checking.check import _point_close, _point_value, _SharedPlan
from trainer.core.language.evaluate import compile_node
from trainer.core.language.names import free_names
from trainer.core.language.nodes import EvalError
from trainer.core.language.template_syntax import parse_template
from trainer.core.templates.generation import _holds, exact_key, generate, release_rng, seeded_rng
from trainer.core.templates.text import _nested_list, fmt

RTOL, ATOL = 1e-6, 1e-12

# (typed value, reference value, close?) worked out by hand: |v − r| <= 1e-12 + 1e-6·|r|.
TABLE = [
    ("equal", 2.5, 2.5, True),
    ("inside rtol", 1_000_000.5, 1_000_000.0, True),  # 0.5 <= 1e-12 + 1.0
    ("just outside rtol", 1_000_001.5, 1_000_000.0, False),  # 1.5 > 1.0
    ("inside atol at zero", 1e-13, 0.0, True),
    ("outside atol at zero", 1e-11, 0.0, False),
    ("negative, inside", -3.0000001, -3.0, True),  # 1e-7 <= 3e-6
    ("sign flipped", 3.0, -3.0, False),
    ("inf against finite", math.inf, 1.0, False),
    ("-inf against finite", -math.inf, 1.0, False),
    ("nan against finite", math.nan, 1.0, False),
]


@pytest.mark.parametrize("name,v,r,expected", TABLE, ids=[t[0] for t in TABLE])
def test_plain_floats_close_as_hand_worked(name, v, r, expected):
    assert _point_close(_point_value(v), _point_value(r), RTOL, ATOL) is expected
    # the NumPy form it stands for agrees
    assert bool(np.allclose(np.asarray(v), np.asarray(r), rtol=RTOL, atol=ATOL)) is expected


def test_numpy_scalars_become_plain_floats_and_arrays_stay_arrays():
    assert type(_point_value(np.float64(0.25))) is float and _point_value(np.float64(0.25)) == 0.25
    assert type(_point_value(0.25)) is float
    out = _point_value([1, 2])
    assert isinstance(out, np.ndarray) and out.dtype == float and out.tolist() == [1.0, 2.0]
    assert _point_value(3).shape == ()  # an int goes the array way, as np.asarray(3, dtype=float)


def test_shapes_must_match_and_arrays_compare_entrywise():
    r = np.array([1.0, 2.0])
    assert _point_close(np.array([1.0, 2.0 + 1e-7]), r, RTOL, ATOL)
    assert not _point_close(np.array([1.0, 2.1]), r, RTOL, ATOL)
    assert not _point_close(np.array([[1.0, 2.0]]), r, RTOL, ATOL)  # allclose would broadcast
    assert _point_close(np.asarray(2.0), 2.0, RTOL, ATOL)  # a 0-d array and a float


def test_random_floats_agree_with_allclose():
    rng = np.random.default_rng(11)
    for _ in range(20_000):
        r = float(rng.normal() * 10.0 ** rng.integers(-14, 14))
        kind = rng.integers(4)
        if kind == 0:
            v = r
        elif kind == 1:  # near the rtol edge
            v = r * (1 + rng.uniform(-2e-6, 2e-6))
        elif kind == 2:  # near the atol edge
            v = r + rng.uniform(-2e-12, 2e-12)
        else:
            v = float(rng.normal() * 10.0 ** rng.integers(-14, 14))
        rtol = float(10.0 ** rng.integers(-9, -2))
        atol = max(float(rng.choice([0.0, 1e-9, 1e-3])), 1e-12)
        want = bool(np.allclose(np.asarray(v), np.asarray(r), rtol=rtol, atol=atol))
        assert _point_close(v, r, rtol, atol) is want, (v, r, rtol, atol)


# --- constraint outcomes remembered per drawn values (generation._holds) ------------------------


class Counted:
    """A constraint (`names`, `run`) that counts its evaluations."""

    def __init__(self, source):
        node = parse_template(source)
        self.names = frozenset(free_names(node))
        self._run = compile_node(node)
        self.calls = 0

    def run(self, env):
        self.calls += 1
        return self._run(env)


def test_a_constraint_is_evaluated_once_per_distinct_scalar_draw():
    c = Counted("a + b > 5")
    draws = [{"a": 2, "b": 3}, {"a": 3, "b": 3}, {"a": 2, "b": 3}, {"a": 3, "b": 3}, {"a": 3, "b": 2}]
    assert [_holds(c, env) for env in draws] == [False, True, False, True, False]  # by hand: 5, 6, 5, 6, 5
    assert c.calls == 3  # (2, 3), (3, 3) and (3, 2)


def test_equal_but_different_values_are_not_confused():
    c = Counted("1 / x < 0")
    assert _holds(c, {"x": -0.0}) is True  # 1/−0 = −inf
    assert _holds(c, {"x": 0.0}) is False  # 1/+0 = +inf
    assert _holds(c, {"x": -0.0}) is True
    d = Counted("x == 2")  # an int and a float key apart, though 2 == 2.0
    assert _holds(d, {"x": 2}) is True and _holds(d, {"x": 2.0}) is True
    assert d.calls == 2


def test_arrays_are_keyed_by_content_and_failures_raise_again():
    c = Counted("sum(v) > 1")
    v = np.array([0.5, 0.75])
    assert _holds(c, {"v": v}) is True and _holds(c, {"v": v.copy()}) is True  # 1.25 > 1, equal arrays
    assert c.calls == 1
    v[1] = 0.25
    assert _holds(c, {"v": v}) is False  # the same array changed: 0.75 > 1 is false
    assert c.calls == 2
    assert _holds(c, {"v": [0.5, 0.75]}) is True  # a list is not keyed: evaluated
    assert c.calls == 3
    bad = Counted("[a, a] > 0")  # a whole array as a condition is refused, each time
    for _ in range(2):
        with pytest.raises(EvalError):
            _holds(bad, {"a": 1})
    assert bad.calls == 2


def test_exact_keys_tell_apart_what_equality_confuses():
    names = ("x",)
    keys = [exact_key({"x": v}, names) for v in (2, 2.0, True, np.float64(2.0), -0.0, 0.0, "2")]
    assert len(set(keys)) == len(keys)
    assert exact_key({}, names) == exact_key({"y": 1}, names)  # missing either way
    assert exact_key({"x": np.array([1.0, 2.0])}, names) != exact_key({"x": np.array([[1.0, 2.0]])}, names)
    assert exact_key({"x": np.array([1, 2])}, names) != exact_key({"x": np.array([1.0, 2.0])}, names)
    assert exact_key({"x": [1, 2]}, names) is None and exact_key({"x": None}, names) is None


# --- the text of a numeric array, remembered by content (text._nested) --------------------------


def test_an_array_prints_as_by_hand_and_a_changed_array_prints_anew():
    v = np.array([0.5, -2.0, 1234.5678])
    assert fmt(v) == "[0.5, -2, 1235]"  # 4 significant digits, integers plainly
    assert fmt(v) == "[0.5, -2, 1235]"  # remembered
    v[1] = 3.25  # the same object with other numbers
    assert fmt(v) == "[0.5, 3.25, 1235]"
    assert fmt(np.array([[1, 2], [3, 4]])) == "[[1, 2], [3, 4]]"
    assert fmt(np.array([[1.0, 2.0], [3.0, 4.0]]), ".2f") == "[[1.00, 2.00], [3.00, 4.00]]"
    assert fmt(np.array([1.0, 2.0, 3.0, 4.0])) == "[1, 2, 3, 4]"  # same bytes as no 2×2 above: shape keys it
    assert fmt(np.array([True, False])) == "[true, false]"


def test_remembered_array_texts_equal_fresh_ones_on_random_arrays():
    rng = np.random.default_rng(3)
    for _ in range(2000):
        shape = [(int(rng.integers(1, 6)),), (int(rng.integers(1, 4)), int(rng.integers(1, 4)))][rng.integers(2)]
        arr = np.round(rng.normal(size=shape) * 10.0 ** rng.integers(-3, 6), int(rng.integers(0, 6)))
        if rng.integers(2):
            arr = arr.astype(int)
        spec = [None, ".3f", ".2e"][rng.integers(3)]
        fresh = _nested_list(arr.tolist(), spec)
        assert fmt(arr, spec) == fresh
        assert fmt(arr.copy(), spec) == fresh  # found by content


# --- seeded generators from a pool (generation.seeded_rng) --------------------------------------


def test_a_pooled_generator_draws_what_default_rng_draws():
    for seed in [0, 1, 7, 199, 2**40 + 3, 0, 7]:  # seeds seen before come from the remembered state
        rng = seeded_rng(seed)
        got = [rng.random(), rng.integers(0, 10, size=3).tolist(), rng.normal(), rng.uniform(-1, 1, size=2).tolist(),
               rng.permutation(5).tolist(), rng.integers(2**40)]
        release_rng(rng)
        ref = np.random.default_rng(seed)
        want = [ref.random(), ref.integers(0, 10, size=3).tolist(), ref.normal(), ref.uniform(-1, 1, size=2).tolist(),
                ref.permutation(5).tolist(), ref.integers(2**40)]
        assert got == want


def test_two_generators_taken_at_once_are_independent():
    a, b = seeded_rng(3), seeded_rng(3)
    assert a is not b
    first = a.random()
    assert b.random() == first  # b starts at seed 3 too, whatever a drew
    release_rng(a)
    release_rng(b)
    assert seeded_rng(4).random() == np.random.default_rng(4).random()


def test_an_instance_is_the_same_whichever_generator_made_it():
    from trainer.core.templates.generation import generate_with_rng
    from trainer.core.templates.spec import parse_template_text

    t = parse_template_text("""\
id: t
equation: entropy
topic: information
title: T
kind: compute
params:
  a: {float: [0, 1]}
  v: {vector: 3, int: [-5, 5]}
prompt: "{a} and {v}"
answer: {type: number, value: a + sum(v)}
mistakes:
  - {id: m, value: a, message: slip}
solution: "{answer}"
""", "t.yaml")
    for seed in range(30):
        assert generate(t, seed).to_dict() == generate_with_rng(t, np.random.default_rng(seed), seed).to_dict()


# --- subtrees a formula's trees repeat, computed once per test point (check._SharedPlan) ---------


def _tree(text):
    return parse_template(text)


def _same_value(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and a.tobytes() == b.tobytes()


def test_repeated_subtrees_get_slots_and_the_trees_their_values():
    trees = (_tree("sigmoid(x) * (1 - sigmoid(x))"), _tree("sigmoid(x) - sigmoid(x)**2"), _tree("x + 1"))
    plan = _SharedPlan(trees)
    assert len(plan.slots) == 1  # sigmoid(x), four times over two trees; x + 1 shares nothing
    points = [{"x": 0.0}, {"x": 2.0}]
    fns = plan.at_points(points)
    # by hand: σ(0) = 1/2, so 1/2 · 1/2 = 1/4 and 1/2 − 1/4 = 1/4; x + 1 = 1
    assert [fns[0][0](points[0]), fns[1][0](points[0]), fns[2][0](points[0])] == [0.25, 0.25, 1.0]
    s = 1 / (1 + math.exp(-2.0))
    assert math.isclose(fns[0][1](points[1]), s * (1 - s), rel_tol=1e-15)


def test_a_point_where_a_shared_subtree_fails_is_evaluated_with_the_original_trees():
    trees = (_tree("inv(A) @ b"), _tree("2 * (inv(A) @ b)"))
    plan = _SharedPlan(trees)
    assert plan.slots
    singular = {"A": np.array([[1.0, 2.0], [2.0, 4.0]]), "b": np.array([1.0, 1.0])}
    fine = {"A": np.array([[2.0, 0.0], [0.0, 4.0]]), "b": np.array([1.0, 1.0])}
    points = [dict(fine), dict(singular)]
    fns = plan.at_points(points)
    assert np.array_equal(fns[0][0](points[0]), [0.5, 0.25]) and np.array_equal(fns[1][0](points[0]), [1.0, 0.5])
    with np.errstate(all="ignore"):
        for k, tree in enumerate(trees):
            with pytest.raises(EvalError) as shared:
                fns[k][1](points[1])
            with pytest.raises(EvalError) as plain:
                compile_node(tree)(dict(singular))
            assert str(shared.value) == str(plain.value)  # the same failure, worded the same


def test_shared_and_plain_trees_agree_on_the_bank_formulas_at_random_points():
    from pathlib import Path

    from trainer.core.templates.spec import load_template

    problems = Path(__file__).resolve().parents[2] / "problems"
    for name in ["attention-recall", "eigen-characteristic-recall", "regression-partial-recall",
                 "sigmoid-derivative-recall", "linear-system-recall"]:
        t = load_template(next(problems.rglob(f"{name}.yaml")))
        trees = (t.answer.value.node, *(m.value.node for m in t.mistakes))
        plan = _SharedPlan(trees)
        assert plan.slots, name
        for seed in range(15):
            inst = generate(t, seed)
            points = inst.answer.sample_points(np.random.default_rng(seed), 8)
            fns = plan.at_points([dict(p) for p in points])
            with np.errstate(all="ignore"):
                for k, tree in enumerate(trees):
                    plain = compile_node(tree, guard=False)
                    for j, p in enumerate(points):
                        env = dict(p)
                        for slot, fn in plan.slots:  # what at_points put in that point
                            env[slot] = fn(env)
                        assert _same_value(fns[k][j](env), plain(dict(p))), (name, seed, k, j)


def test_outcomes_stop_being_remembered_where_values_never_repeat():
    from trainer.core.templates.generation import _OUTCOMES_TRIAL

    rng = np.random.default_rng(7)
    wide = Counted("x > 0.5")  # real draws: no value comes back, nothing is ever known
    narrow = Counted("k > 2")  # five values: all but the first five tests are answered from memory
    for i in range(2 * _OUTCOMES_TRIAL):
        x = float(rng.uniform())
        assert _holds(wide, {"x": x}) is (x > 0.5)
        assert _holds(narrow, {"k": i % 5}) is (i % 5 > 2)
    assert wide.calls == 2 * _OUTCOMES_TRIAL  # every test evaluated, as it would be anyway
    assert narrow.calls == 5
    # Past the trial the wide constraint's values are no longer keyed; the narrow one's still are.
    from trainer.core.templates.generation import _OUTCOMES

    assert _OUTCOMES.get(wide, None).names is None
    assert _OUTCOMES.get(narrow, None).names == ("k",)
