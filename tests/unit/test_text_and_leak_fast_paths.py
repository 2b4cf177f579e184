"""The fast paths of rendering text and of the leak search give what the general paths give:
expected strings worked out by hand from the formatting rules (4 significant digits, Python's
format specs, parentheses around a negative number after an operator), and leaks found or not
found on hand-built fronts."""

from types import SimpleNamespace

import numpy as np
import pytest

from trainer.core.checking.leaks import leak_findings
from trainer.core.templates.card_front import Front
from trainer.core.templates.text import TextTemplate, fmt, fmt_number


def render(text, **env):
    return TextTemplate(text).render(env)


# --- rendering --------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    (0.1 + 0.2, "0.3"),  # 0.30000000000000004 to 4 significant digits, trailing zeros dropped
    (2 / 3, "0.6667"),
    (3.0, "3"),  # a whole number stored as a float
    (1e13, "1.000e+13"),  # 12 digits or more before the point: scientific
    (1.5e-7, "1.500e-07"),  # beyond 6 zeros after the point: scientific
    (1234.5, "1234"),  # 4 significant digits, ties to even ("1234.5" → 1234)
    (np.float64(0.125), "0.125"),
])
def test_a_positive_float_hole_reads_as_fmt_writes_it(value, expected):
    assert render("{x}", x=value) == expected == fmt(value)
    assert render("{x}", x=value) == expected  # the second time from the cache


def test_an_int_stays_plain_even_where_its_float_would_be_scientific():
    assert render("{x}", x=10 ** 13) == "10000000000000"
    assert render("{x}", x=1e13) == "1.000e+13"  # equal to the int as a key, written apart
    assert render("{x}", x=10 ** 13) == "10000000000000"


def test_number_specs_are_pythons_and_a_negative_after_an_operator_is_parenthesized():
    assert render("{x:.2f}", x=2 / 3) == "0.67"
    assert render("{x:.0f}", x=2.5) == "2"  # round half to even
    assert render("{x:.4g}", x=123456.0) == "1.235e+05"
    assert render("{x:.1%}", x=0.25) == "25.0%"
    assert render("2·{x:.2f}", x=-1.5) == "2·(−1.50)"
    assert render("x = {x:.2f}", x=-1.5) == "x = -1.50"  # after "=" a plain signed number
    assert render("2·{x:.1f}", x=np.float64(-0.0)) == "2·(−0.0)"  # a spec keeps the sign of zero
    assert render("2·{x}", x=-0.0) == "2·0"  # the default writes zero plainly
    assert render("{x:grid}", x=2.5) == "2.5"  # a scalar grid is the default form


def test_a_float_under_an_integer_spec_is_refused_as_before():
    with pytest.raises(ValueError, match="Unknown format code 'd'"):
        render("{x:d}", x=2.5)


def test_a_string_hole_is_shown_as_it_is_and_parenthesized_when_negative():
    assert render("a = {s}", s="p(x)") == "a = p(x)"
    assert render("2·{s}", s="-x") == "2·(−x)"


def test_arrays_read_as_fmt_writes_them():
    v = np.array([0.5, -0.0, 2.0, 1 / 3])
    assert render("v = {v}", v=v) == "v = [0.5, 0, 2, 0.3333]"
    assert render("v = {v}", v=v) == "v = [0.5, 0, 2, 0.3333]"  # now from the caches
    assert render("{v:.1f}", v=v) == "[0.5, -0.0, 2.0, 0.3]"
    assert render("{A}", A=np.array([[1.5, 2.0], [3.0, 4.25]])) == "[[1.5, 2], [3, 4.25]]"
    assert render("{A}", A=np.array([[1, -2], [3, 4]])) == "[[1, -2], [3, 4]]"
    assert render("{b}", b=np.array([True, False])) == "[true, false]"
    assert fmt(np.array(2.5)) == "2.5" and fmt(np.array(2.5), ".2f") == "2.50"


def test_fmt_number_of_every_scalar_type():
    assert fmt_number(1e-320) == "1.000e-320"
    assert fmt_number(-2.5e-7) == "-2.500e-07"
    assert fmt_number(float("nan")) == "nan" and fmt_number(-float("inf")) == "-inf"
    assert fmt_number(np.int64(7)) == "7" and fmt_number(True) == "true"
    assert fmt_number(0.5, ".3f") == "0.500" and fmt_number(7, ".2f") == "7.00"


# --- leaks ------------------------------------------------------------------------------------


def _case(answer, *, mistakes=(), hint=None):
    template = SimpleNamespace(lines={"answer": 9, "hint": 12}, params=(),
                               mistakes=[SimpleNamespace(line=10 + i) for i in range(len(mistakes))],
                               answer=SimpleNamespace(value=None))
    inst = SimpleNamespace(answer=answer, mistakes=[SimpleNamespace(id=f"m{i}", message=m)
                                                    for i, m in enumerate(mistakes)],
                           hint=hint, equation="e", params={})
    return template, inst


def _number(value, atype="number", rtol=1e-3):
    return SimpleNamespace(type=atype, value=value, rtol=rtol, atol=0.0, sigfigs=None, label="",
                           display=fmt(value))


def _leaks(answer, front, **kw):
    template, inst = _case(answer, **kw)
    return [message for _, message, _ in leak_findings(template, inst, front)]


def test_a_number_answer_is_found_as_a_number_of_its_own_only():
    answer = _number(2 / 3)  # forms 0.667 and 0.6667 (0.67 is 0.5 % off)
    assert _leaks(answer, Front("T", "It is about 0.667 here.")) == \
        ["the prompt shows the answer 0.667 before the answer is submitted"]
    assert _leaks(answer, Front("T", "p = 0.6671 and q = 10.667")) == []  # other numbers
    assert _leaks(answer, Front("T", "x = −0.667")) == []  # a negative number is another number
    # split between two places, it is in neither
    assert _leaks(answer, Front("It is 0.6", "67 apples")) == []
    shown = Front("T", "Find it.", params={"r": 2 / 3})  # the parameter panel shows r = 0.6667
    assert _leaks(answer, shown) == ["the parameter r shows the answer 0.6667 before the answer is submitted"]


def test_an_int_and_a_float_answer_of_one_value_have_their_own_forms():
    # 12345678901234 as an int is written out; as a float it is 1.235e+13. Both round to
    # 12350000000000 (within 0.1 %).
    shown = Front("T", "Is it 1.235e+13 or 12345678901234?")
    as_int = _leaks(_number(12345678901234, "integer"), shown)
    as_float = _leaks(_number(12345678901234.0), shown)
    assert as_int == ["the prompt shows the answer 12345678901234 before the answer is submitted"]
    assert as_float == ["the prompt shows the answer 1.235e+13 before the answer is submitted"]


def test_a_message_or_hint_piece_is_found_whatever_its_case_and_spacing():
    answer = _number(5.0)  # a single digit: never looked for
    message = "Short one. You divided by the sample size instead of n minus one."
    found = _leaks(answer, Front("T", "Note: you divided by  the SAMPLE size instead of n minus one."),
                   mistakes=[message])
    assert found == ["the prompt shows mistake 'm0''s message \"You divided by the sample size instead of "
                     "n minus one.\" before the answer is submitted"]
    assert _leaks(answer, Front("T", "Short one."), mistakes=[message]) == []  # under 24 characters
    hint = "Count the degrees of freedom first."
    assert _leaks(answer, Front("count the degrees of freedom first", "?"), hint=hint) == \
        ["the title shows the hint \"Count the degrees of freedom first.\" before the answer is submitted"]
    # the end of the title and the start of the prompt do not make one piece
    assert _leaks(answer, Front("count the degrees of", "freedom first"), hint=hint) == []


def test_a_vector_answer_is_found_on_its_own_and_not_as_a_matrix_row():
    answer = SimpleNamespace(type="vector", value=np.array([2.0, 1.0]), display="[2, 1]", label="",
                             rtol=1e-3, atol=0.0, sigfigs=None)
    assert _leaks(answer, Front("T", "Is it [2,1]?")) == \
        ["the prompt shows the answer [2, 1] before the answer is submitted"]
    assert _leaks(answer, Front("T", "A = [[2, 1], [5, 5]]")) == []


def test_the_keyed_options_lead_is_found_outside_the_title():
    answer = SimpleNamespace(type="choice", options=("Cross-correlation — no flip", "Convolution — flip"),
                             correct=0, label="")
    assert _leaks(answer, Front("T", "This is cross-correlation.")) == \
        ["the prompt shows the keyed option's lead \"Cross-correlation\" before the answer is submitted"]
    assert _leaks(answer, Front("Cross-correlation", "Which?")) == []
