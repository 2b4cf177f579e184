"""A formula answer's test points drawn all at once are the very points drawn one variable at a time.

Each expected point below is written out from `np.random.default_rng(seed)` as the sampler documents
its draw (a float: `round(rng.uniform(lo, hi), decimals)`; a float vector or matrix:
`rng.uniform(lo, hi, size).round(decimals)`, redrawn while a `nonzero` vector holds a zero), point
after point, variable after variable.
"""

from __future__ import annotations

import numpy as np
import pytest

from trainer.core.language.template_syntax import parse_template
from trainer.core.templates import generation
from trainer.core.templates.generation import Answer
from trainer.core.templates.samplers import FloatSampler, MatrixSampler, VectorSampler, build_sampler


def _answer(variables: dict, env: dict | None = None) -> Answer:
    return Answer("formula", parse_template("x"), "x", 1e-6, 1e-9,
                  variables=tuple((name, build_sampler(spec)) for name, spec in variables.items()),
                  env=env or {})


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    return a == b and repr(a) == repr(b)  # -0.0 is not 0.0


def _assert_points(got: list[dict], want: list[dict]) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert list(g) == list(w)  # the same names in the same order
        for name in w:
            assert _same(g[name], w[name]), (name, g[name], w[name])


@pytest.fixture
def one_by_one_forbidden(monkeypatch):
    """Fails a test whose points are drawn through the samplers' own `draw` (the path not under test)."""
    def refuse(*_a, **_k):
        raise AssertionError("drawn one by one")

    for cls in (FloatSampler, VectorSampler, MatrixSampler):
        monkeypatch.setattr(cls, "draw", refuse)
        monkeypatch.setattr(cls, "measured_draw", refuse)


def test_floats_are_drawn_point_after_point_variable_after_variable(one_by_one_forbidden):
    ans = _answer({"x": {"float": [0, 1]}, "y": {"float": [-2, 3], "decimals": 3}, "z": {"float": [10, 1000],
                                                                                      "decimals": 0}})
    rng = np.random.default_rng(5)
    want = [{"x": round(rng.uniform(0, 1), 2), "y": round(rng.uniform(-2, 3), 3), "z": round(rng.uniform(10, 1000), 0)}
            for _ in range(24)]
    got_rng = np.random.default_rng(5)
    _assert_points(ans.sample_points(got_rng, 24), want)
    assert got_rng.uniform() == rng.uniform()  # left where drawing one by one leaves it


def test_the_first_doubles_of_seed_zero_written_out(one_by_one_forbidden):
    # np.random.default_rng(0).random(4) = 0.6369616873214543, 0.2697867137638703, 0.04097352393619469,
    # 0.016527635528529094 (NumPy's documented PCG64 stream); x in [0, 10], y in [-1, 1], 4 decimals.
    ans = _answer({"x": {"float": [0, 10], "decimals": 4}, "y": {"float": [-1, 1], "decimals": 4}})
    got = ans.sample_points(np.random.default_rng(0), 4)
    assert [p["x"] for p in got[:2]] == [6.3696, 0.4097]
    assert [p["y"] for p in got[:2]] == [-0.4604, -0.9669]


def test_vectors_matrices_parameters_and_computed_values(one_by_one_forbidden):
    ans = _answer({"v": {"vector": "n", "float": ["-a", "a"]}, "M": {"matrix": [2, 3], "float": [-1, 1], "decimals": 1},
                   "s": {"float": [0, "a"]}, "t": "s * 2 + n"}, env={"n": 3, "a": 4.5})
    rng = np.random.default_rng(11)
    want = []
    for _ in range(10):
        v = rng.uniform(-4.5, 4.5, size=3).round(2)
        m = rng.uniform(-1, 1, size=(2, 3)).round(1)
        s = round(rng.uniform(0, 4.5), 2)
        want.append({"n": 3, "a": 4.5, "v": v, "M": m, "s": s, "t": s * 2 + 3})
    _assert_points(ans.sample_points(np.random.default_rng(11), 10), want)


def test_a_nonzero_vector_that_drew_a_zero_is_redrawn_as_before():
    # Entries in {-0.01, 0, 0.01}: most points redraw, so the stream takes another course.
    ans = _answer({"x": {"float": [0, 1]}, "v": {"vector": 3, "float": [-0.01, 0.01], "nonzero": True}})
    rng = np.random.default_rng(3)
    want = []
    for _ in range(12):
        x = round(rng.uniform(0, 1), 2)
        while True:
            v = rng.uniform(-0.01, 0.01, size=3).round(2)
            if (v != 0).all():
                break
        want.append({"x": x, "v": v})
    got_rng = np.random.default_rng(3)
    _assert_points(ans.sample_points(got_rng, 12), want)
    assert got_rng.uniform() == rng.uniform()


def test_bounds_read_from_an_earlier_variable_change_per_point():
    ans = _answer({"a": {"float": [1, 2]}, "b": {"float": ["a", "a + 1"]}, "e": {"float": [0, 1]}})
    rng = np.random.default_rng(8)
    want = []
    for _ in range(6):
        a = round(rng.uniform(1, 2), 2)
        want.append({"a": a, "b": round(rng.uniform(a, a + 1), 2), "e": round(rng.uniform(0, 1), 2)})
    _assert_points(ans.sample_points(np.random.default_rng(8), 6), want)
    assert generation._BULK.get(ans.variables, generation._bulk_plan) is None  # drawn one by one


def test_a_failing_bound_fails_as_drawing_one_by_one_does():
    ans = _answer({"x": {"float": [0, "w"]}}, env={"w": -1.0})  # an empty range from a parameter
    with pytest.raises(Exception) as bulk:
        ans.sample_points(np.random.default_rng(1), 24)
    with pytest.raises(Exception) as single:
        ans.variables[0][1].draw(np.random.default_rng(1), {"w": -1.0})
    assert type(bulk.value) is type(single.value) and str(bulk.value) == str(single.value)


def test_integer_and_choice_variables_are_drawn_one_by_one():
    ans = _answer({"k": {"int": [1, 6]}, "x": {"float": [0, 1]}, "c": {"choice": [2, 3]}})
    rng = np.random.default_rng(9)
    want = []
    for _ in range(8):
        k = 1 + int(rng.integers(6))
        x = round(rng.uniform(0, 1), 2)
        want.append({"k": k, "x": x, "c": [2, 3][int(rng.integers(2))]})
    _assert_points(ans.sample_points(np.random.default_rng(9), 8), want)


def test_a_float_is_rounded_as_python_rounds_it(one_by_one_forbidden):
    # 2.675 is stored as 2.67499999…: round() gives 2.67, where NumPy's scaled rounding gives 2.68.
    ans = _answer({"x": {"float": [2.675, 2.675]}, "y": {"float": [0, 1]}})
    rng = np.random.default_rng(2)
    want = []
    for _ in range(5):
        rng.uniform()  # an empty-width range still takes its double
        want.append({"x": 2.67, "y": round(rng.uniform(0, 1), 2)})
    _assert_points(ans.sample_points(np.random.default_rng(2), 5), want)


@pytest.mark.parametrize("count", [1, 2, 24])
def test_a_seeds_points_are_the_first_its_generator_draws(count, one_by_one_forbidden):
    ans = _answer({"x": {"float": [-3, 3], "decimals": 3}, "v": {"vector": 2, "float": [0, 1]},
                   "M": {"matrix": [2, 2], "float": [-1, 1], "decimals": 1}, "y": "x * 2"})
    for seed in (0, 17, 199):
        rng = np.random.default_rng(seed)
        want = []
        for _ in range(count):
            x = round(rng.uniform(-3, 3), 3)
            want.append({"x": x, "v": rng.uniform(0, 1, size=2).round(2), "M": rng.uniform(-1, 1, size=(2, 2)).round(1),
                         "y": x * 2})
        _assert_points(generation.seeded_points(ans, seed, count), want)
        _assert_points(generation.seeded_points(ans, seed, count), want)  # the seed's doubles, kept


def test_a_seeds_first_point_written_out(one_by_one_forbidden):
    # default_rng(0)'s first doubles (see above): x = round(-1 + 2 · 0.63696…, 2), y = round(10 · 0.26978…, 1).
    ans = _answer({"x": {"float": [-1, 1]}, "y": {"float": [0, 10], "decimals": 1}})
    assert generation.seeded_points(ans, 0, 1) == [{"x": 0.27, "y": 2.7}]


def test_a_seeds_points_redraw_a_zero_vector_as_its_generator_does():
    ans = _answer({"v": {"vector": 2, "float": [-0.01, 0.01], "nonzero": True}})
    for seed in range(6):
        rng = np.random.default_rng(seed)
        want = []
        for _ in range(3):
            v = rng.uniform(-0.01, 0.01, size=2).round(2)
            while not (v != 0).all():
                v = rng.uniform(-0.01, 0.01, size=2).round(2)
            want.append({"v": v})
        _assert_points(generation.seeded_points(ans, seed, 3), want)
