"""`check`'s plain-float paths give the verdicts of the NumPy calls they stand for: a formula's value
at a test point compared with the reference's (`np.allclose` on equal shapes)."""

import math

import numpy as np
import pytest

from trainer.core.checking.check import _point_close, _point_value

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
