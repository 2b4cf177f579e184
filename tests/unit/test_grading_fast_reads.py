"""The quick ways through reading and grading give what the full ways give (issue 11, "Fast everywhere").

`check` grades every seed's typed answer and, on the first seeds, every listed mistake typed: the
reader's whole-text reading of a plain number or bracket of numbers, the short literal read without
its bound checks, finiteness read off the typed numbers, shapes plainly allowed, tolerances
remembered per policy, one typed number held against every mistake (`acceptor`), `same_value`'s
float path and `answer_text`'s float path. Every expected value below is worked out by hand (in the
comment beside it); every refusal is the message and position the reader gave before these paths
existed, read from its code: the paths may only be quicker, never different.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from trainer.core.checking.check import same_value
from trainer.core.grading.checks import acceptor, accepts
from trainer.core.grading.grader import answer_text
from trainer.core.grading.precision import Precision
from trainer.core.grading.reading import _literal, read_answer
from trainer.core.language.answer_syntax import _num, _plain_value, parse_answer
from trainer.core.language.answer_tokens import _number
from trainer.core.language.nodes import ListLit, MathInputError, Num


def answer(atype: str, value, **settings) -> SimpleNamespace:
    """An answer at 3 significant figures and no relative slack unless told otherwise."""
    base = {"sigfigs": None, "decimals": None, "rtol": 0.0, "atol": 0.0, "percent": False, "unit": ""}
    return SimpleNamespace(type=atype, value=value, **{**base, **settings})


def value_of(ans, text: str) -> np.ndarray:
    reading = read_answer(ans, text)
    assert reading.error is None, reading.error
    return reading.parts[0].value


def refusal(ans, text: str) -> tuple[str, int | None, str | None]:
    error = read_answer(ans, text).error
    assert error is not None, text
    return error.message, error.position, error.hint


# --- the literal itself -------------------------------------------------------------------------


@pytest.mark.parametrize("text, want, kind", [
    ("0.0205", 0.0205, float),
    ("12", 12, int),
    ("007", 7, int),             # leading zeros: int("007") is 7
    ("12.50", 12.5, float),
    ("1" * 40, int("1" * 40), int),  # exactly the 40 digits allowed
    ("1" * 39 + ".5", float("1" * 39 + ".5"), float),  # 40 digits in 41 characters: allowed
    ("1e3", 1000.0, float),      # an exponent makes a float
    ("2E-2", 0.02, float),
    ("1e−3", 0.001, float),      # a Unicode minus in the exponent
])
def test_a_literal_reads_as_its_number(text, want, kind):
    got = _number(text, 0)
    assert got == want and type(got) is kind


@pytest.mark.parametrize("text, message", [
    ("1" * 41, "number has more than 40 digits"),
    ("1" * 40 + ".5", "number has more than 40 digits"),
    ("1e301", "exponent 301 is out of range (±300)"),
])
def test_a_literal_beyond_the_bounds_is_refused_where_it_starts(text, message):
    with pytest.raises(MathInputError) as caught:
        _number(text, 7)
    assert caught.value.message == message and caught.value.position == 7


@pytest.mark.parametrize("text, want", [
    ("0.0205", Num(0.0205)),
    ("-12", Num(-12)),
    ("-0", Num(0)),
    ("[0.1, 2]", ListLit((Num(0.1), Num(2)))),
    ("[-1.5]", ListLit((Num(-1.5),))),
    ("[[1.0, 2.0], [3.0, 4.5]]", ListLit((ListLit((Num(1.0), Num(2.0))), ListLit((Num(3.0), Num(4.5)))))),
    ("[1, [2, 3]]", ListLit((Num(1), ListLit((Num(2), Num(3)))))),  # ragged: still the item reader's tree
])
def test_a_plain_value_is_read_whole_into_the_parsers_tree(text, want):
    got = _plain_value(text)
    assert got == want and repr(got) == repr(want)  # repr tells Num(1) from Num(1.0)


def test_a_negative_zero_keeps_its_sign():
    got = _plain_value("-0.0")
    assert type(got) is Num and got.value == 0.0 and math.copysign(1.0, got.value) == -1.0


def test_nodes_built_directly_are_the_nodes_the_constructor_builds():
    assert type(_num(1.5)) is Num and _num(1.5) == Num(1.5) and hash(_num(1.5)) == hash(Num(1.5))
    assert repr(_num(2)) == "Num(value=2)"
    with pytest.raises(AttributeError):
        _num(1.5).value = 2.0  # still immutable


@pytest.mark.parametrize("text", ["[1,2]", "[1, 2", "[1, ]", "[]", "[1] [2]", "[1, 2]]", "[1.5.2]", "1 ", "+3",
                                  ".5", "5.", "−2", "1,5", "0x10", "1_000", "inf", "nan", "50%", "[[1, 2], [3]"])
def test_other_texts_are_left_to_the_tokenizer_and_parser(text):
    assert _plain_value(text) is None


# --- reading a typed number or array ------------------------------------------------------------


@pytest.mark.parametrize("text, want", [
    ("0.0205", 0.0205),
    ("1e3", 1000.0),
    ("−2", -2.0),      # Unicode minus, through the tokenizer
    ("1,5", 1.5),      # a decimal comma in a single number
    (".5", 0.5),
    ("5.", 5.0),
    ("+3", 3.0),
    (" 1 ", 1.0),
    ("-0.25", -0.25),
])
def test_a_typed_number_reads_as_its_value(text, want):
    got = value_of(answer("number", 1.0), text)
    assert got.shape == () and float(got) == want


def test_a_typed_number_echoes_as_typed():
    reading = read_answer(answer("number", 0.02), "0.0205")
    assert reading.shown == "0.0205"
    assert read_answer(answer("number", 12.0), "12.0").shown == "12"  # a whole float prints as an int


def test_a_percent_and_a_unit_read_where_the_answer_has_them():
    assert float(value_of(answer("number", 0.5, percent=True), "50%")) == 0.5
    reading = read_answer(answer("number", 0.33, unit="nats"), "0.33 nats")
    assert float(reading.parts[0].value) == 0.33 and reading.parts[0].unit == "nats"


@pytest.mark.parametrize("text, want", [
    ("[0.1, 2]", [0.1, 2.0]),
    ("[1,2]", [1.0, 2.0]),
    ("1 2", [1.0, 2.0]),
    ("[[0.1], [2]]", [0.1, 2.0]),  # a column read as the vector it spells
])
def test_a_typed_vector_reads_as_its_entries(text, want):
    got = value_of(answer("vector", np.array([0.1, 2.0])), text)
    assert got.reshape(-1).tolist() == want


@pytest.mark.parametrize("text, message, position, hint", [
    ("0x10", "unknown name 'x10'", 1, "this answer is a value: type numbers (pi and e are allowed)"),
    ("1_000", "names starting with '_' are not allowed: '_000'", 1, None),
    ("inf", "'inf' is not a finite number", 0, "an answer must be a finite value"),
    ("nan", "'nan' is not a finite number", 0, "an answer must be a finite value"),
    ("50%", "a percent sign is not expected here", 2, "type the value as a decimal, e.g. 0.25"),
    ("1" * 41, "number has more than 40 digits", 0, None),
    ("2 + " + "1" * 41, "number has more than 40 digits", 4, None),
    ("1e301", "exponent 301 is out of range (±300)", 0, None),
    ("1000000000e300", "the answer is not a finite number", None, "an answer must be finite"),  # 1e309 overflows
    ("[1, 2]", "this answer is a single number, not a vector of 2 entries", None, "type one number"),
    ("", "the answer is empty", 0, "type a value"),
])
def test_a_number_answer_refuses_as_before(text, message, position, hint):
    assert refusal(answer("number", 1.0), text) == (message, position, hint)


@pytest.mark.parametrize("text, message, position, hint", [
    ("[1, 2", "unbalanced bracket: '[' is never closed", 0, "add ']'"),
    ("[]", "empty brackets", 0, None),
    ("[1, " + "1" * 41 + "]", "number has more than 40 digits", 4, None),
    ("[1, 1000000000e300]", "the answer is not a finite number", None, "an answer must be finite"),
    ("[1, 2, 3]", "this answer is a vector of 2 entries, not a vector of 3 entries", None,
     "type 2 numbers, e.g. 1 2"),
    ("1.5", "this answer is a vector of 2 entries, not a single number", None, "type 2 numbers, e.g. 1 2"),
])
def test_a_vector_answer_refuses_as_before(text, message, position, hint):
    assert refusal(answer("vector", np.array([0.1, 2.0])), text) == (message, position, hint)


def test_matrix_and_set_shapes_are_allowed_and_refused_as_before():
    wide = answer("matrix", np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    assert value_of(wide, "[[1, 2, 3], [4, 5, 6]]").shape == (2, 3)
    assert value_of(wide, "[[1, 4], [2, 5], [3, 6]]").shape == (3, 2)  # the transpose: a slip to diagnose
    assert refusal(wide, "[[1, 2], [3, 4]]") == ("this answer is a 2×3 matrix, not a 2×2 matrix", None,
                                                 "separate rows with ';', e.g. 1 2; 3 4")
    pair = answer("set", np.array([1.0, 2.0]))
    assert value_of(pair, "[2, 1, 3]").tolist() == [2.0, 1.0, 3.0]  # a set's size is judged by the grader
    assert refusal(pair, "[[1, 2], [3, 4]]") == ("this answer is 2 values, not a 2×2 matrix", None,
                                                 "type the values separated by spaces, e.g. 1 3")
    listed = answer("vector", [0.1, 2.0])  # a plain list, not an array: the allowed shapes decide
    assert value_of(listed, "[1, 2]").tolist() == [1.0, 2.0]
    assert refusal(listed, "[1, 2, 3]")[0] == "this answer is a vector of 2 entries, not a vector of 3 entries"


def test_finiteness_is_read_off_the_typed_numbers():
    assert _literal(Num(1e308))[1] is True
    assert _literal(Num(math.inf))[1] is False
    assert _literal(Num(2**53))[1] is True  # an int that converts exactly
    assert _literal(ListLit((Num(1.0), Num(math.nan))))[1] is False
    assert _literal(ListLit((ListLit((Num(1), Num(2))), ListLit((Num(3), Num(-math.inf))))))[1] is False
    assert _literal(ListLit((ListLit((Num(1), Num(2))), ListLit((Num(3), Num(4))))))[1] is True


def test_one_part_is_shown_as_it_reads_and_parts_joined():
    assert read_answer(answer("number", 1.0), "-0.25").shown == "-0.25"
    multi = SimpleNamespace(type="multi", parts=(answer("number", 1.0), answer("number", 2.0)))
    assert read_answer(multi, "1.5 | 2").shown == "1.5 | 2"


# --- judging numbers ----------------------------------------------------------------------------


def test_a_remembered_tolerance_judges_as_worked_out():
    p = Precision()  # 3 significant figures: 0.124 is right within 5e-4
    for _ in range(2):  # the second time from the policy's memory
        assert p.accepts_number(0.1235, 0.124) and not p.accepts_number(0.1234, 0.124)
        assert p.accepts_number(123.5, 123.0) and not p.accepts_number(123.6, 123.0)  # within 0.5
        assert p.accepts_number(-0.1235, -0.124)  # the tolerance of |−0.124|


def test_each_policy_remembers_its_own_tolerances():
    # 0.12345 at 3 significant figures: 0.12 is 3.45e-3 away, beyond 5e-4; to 0.01 it is within 5e-3.
    sig, dec = Precision(), Precision(None, 2)
    assert not sig.accepts_number(0.12, 0.12345) and dec.accepts_number(0.12, 0.12345)
    assert dec.accepts_number(0.12, 0.12345) and not sig.accepts_number(0.12, 0.12345)
    assert Precision() == sig and hash(Precision()) == hash(sig)  # the memory is no part of equality
    assert repr(sig) == "Precision(sigfigs=3, decimals=None, rtol=0.0, atol=0.0)"


def test_non_finite_numbers_are_never_accepted():
    p = Precision()
    assert not p.accepts_number(1.0, math.inf)
    assert not p.accepts_number(math.inf, math.inf)  # inf − inf is nan, and nan ≤ x is false
    assert not p.accepts_number(math.nan, 1.0)


@pytest.mark.parametrize("atype, ans, typed, expected, want", [
    ("number", answer("number", 0.124), 0.1235, 0.124, True),          # 5e-4 off: half a unit
    ("number", answer("number", 0.124), 0.1235, 0.1220, False),        # 1.5e-3 off
    ("number", answer("number", 0.124), 0.1235, np.float64(0.124), True),
    ("number", answer("number", 0.124), 0.1235, [0.124], True),
    ("number", answer("number", 0.124), [0.1235, 1.0], 0.124, False),  # two numbers for one
    ("number", answer("number", 0.124, decimals=2), 0.12, 0.12345, True),
    ("vector", answer("vector", [0.124, 10.0]), [0.1235, 10.04], [0.124, 10.0], True),
    ("vector", answer("vector", [0.124, 10.0]), [0.1234, 10.04], [0.124, 10.0], False),
])
def test_an_acceptor_says_what_accepts_says(atype, ans, typed, expected, want):
    t = np.asarray(typed, dtype=float)
    assert acceptor(atype, ans, t)(expected) is want
    assert accepts(atype, ans, expected, t) is want


def test_the_nearer_of_two_accepted_mistakes_is_named():
    from trainer.core.grading.diagnosis import diagnose_value

    # 0.1235 is within 5e-4 of both 0.124 and 0.123 (3 s.f.); 0.1236 is nearer 0.124 (4e-4 against 6e-4).
    mistakes = (SimpleNamespace(id="low", message="low", value=0.123, option=None, part=None),
                SimpleNamespace(id="high", message="high", value=0.124, option=None, part=None))
    inst = SimpleNamespace(mistakes=mistakes)
    ans = answer("number", 0.5)
    assert diagnose_value(inst, ans, np.asarray(0.1236), None).id == "high"
    assert diagnose_value(inst, ans, np.asarray(0.1234), None).id == "low"


# --- check's own uses ---------------------------------------------------------------------------


@pytest.mark.parametrize("value, want", [
    (0.1235, True),      # within 5e-4 of 0.124
    (0.1220, False),
    (math.nan, False),
    (math.inf, False),
    ("abc", False),      # not a number at all
    ([0.124], True),     # the array path, its first entry
])
def test_same_value_is_the_graders_comparison(value, want):
    assert same_value(answer("number", 0.124), value) is want


@pytest.mark.parametrize("atype, value, want", [
    ("number", 0.1, "0.1"),
    ("number", -2.5e-07, "-2.5e-07"),
    ("integer", 3.0, "3"),
    ("integer", 7, "7"),
    ("number", np.float64(0.1), "0.1"),
    ("vector", np.array([0.1, 2.0]), "[0.1, 2.0]"),
    ("matrix", np.array([[1.0, 2.0], [3.0, 4.5]]), "[[1.0, 2.0], [3.0, 4.5]]"),
])
def test_answer_text_writes_the_full_precision_value(atype, value, want):
    inst = SimpleNamespace(answer=SimpleNamespace(type=atype, value=value))
    assert answer_text(inst) == want
    mistake = SimpleNamespace(value=value)
    assert answer_text(SimpleNamespace(answer=SimpleNamespace(type=atype, value=None)), mistake) == want


def test_a_typed_answer_text_reads_back_to_its_value():
    for value in (0.1, 1 / 3, -2.5e-07, 123456.789):
        text = answer_text(SimpleNamespace(answer=SimpleNamespace(type="number", value=value)))
        assert float(parse_answer(text, variables=()).value) == value


# --- formula references -------------------------------------------------------------------------


def test_the_grading_points_generator_is_numpys_seeded_generator():
    from trainer.core.grading.equivalence import _SALT, _points_rng

    # The reference's points are drawn from default_rng([seed, salt]); the reused generator must be
    # in that very state whatever was drawn from it before (seeds past 32 bits wrap as before).
    for seed in (0, 7, 2**40 + 3, 7):
        want = np.random.default_rng([seed & 0xFFFF_FFFF, _SALT])
        got = _points_rng(seed)
        assert got.random(4).tolist() == want.random(4).tolist()
        assert got.integers(0, 10**9, 3).tolist() == want.integers(0, 10**9, 3).tolist()
