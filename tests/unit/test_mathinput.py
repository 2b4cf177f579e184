"""The learner-input parser: what people type, read into values known by hand; errors with positions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from trainer.core.language.evaluate import compile_node
from trainer.core.language.nodes import BinOp, Call, ListLit, Name, Num, Transpose, Unary
from trainer.core.language.printing import to_text
from trainer.core.language.answer_syntax import MAX_DEPTH, parse_answer
from trainer.core.language.nodes import MathInputError
from trainer.core.language.printing import echo, to_input_text

S = 1 / (1 + math.exp(-0.5))  # sigmoid(0.5), by hand

# (typed, parser options, variables' values, value known independently)
VALUES = [
    ("0.333", {}, {}, 0.333),
    ("1/3", {}, {}, 1 / 3),
    ("1e-3", {}, {}, 0.001),
    ("-2.5", {}, {}, -2.5),
    (".5", {}, {}, 0.5),
    ("33.3%", {"percent": True}, {}, 0.333),
    ("−2", {}, {}, -2),
    ("3×4", {}, {}, 12),
    ("3·4", {}, {}, 12),
    ("3⋅4", {}, {}, 12),
    ("6÷4", {}, {}, 1.5),
    ("π", {}, {}, math.pi),
    ("2π", {}, {}, 2 * math.pi),
    ("√2", {}, {}, math.sqrt(2)),
    ("√(x+1)", {}, {"x": 3}, 2.0),
    ("x²", {}, {"x": 3}, 9),
    ("x⁻¹", {}, {"x": 4}, 0.25),
    ("½", {}, {}, 0.5),
    ("¾", {}, {}, 0.75),
    ("1½", {}, {}, 1.5),
    ("e^x", {}, {"x": 2}, math.e**2),
    ("e", {}, {}, math.e),
    ("2^3^2", {}, {}, 512),  # right-associative: 2^(3^2)
    ("2**3**2", {}, {}, 512),
    ("-x^2", {}, {"x": 3}, -9),  # −(x²), not (−x)²
    ("-3^2", {}, {}, -9),
    ("2^-1", {}, {}, 0.5),
    ("2x", {}, {"x": 5}, 10),
    ("2x(1-x)", {}, {"x": 0.5}, 0.5),
    ("2 sigmoid(x)", {}, {"x": 0.5}, 2 * S),
    ("(2)(3)", {}, {}, 6),
    ("x(1-x)", {"variables": {"x"}}, {"x": 0.25}, 0.1875),
    ("sigmoid(x)", {}, {"x": 0.5}, S),
    ("σ(x)", {"variables": {"x"}}, {"x": 0.5}, S),
    ("σ(x)", {"variables": {"x", "sigma"}}, {"x": 0.5, "sigma": 4}, 2.0),  # a variable: σ·x
    ("exp(1)", {}, {}, math.e),
    ("ln(e)", {}, {}, 1.0),
    ("log(100)", {}, {}, math.log(100)),  # log is natural
    ("log2(8)", {}, {}, 3.0),
    ("log10(1000)", {}, {}, 3.0),
    ("log₂(8)", {}, {}, 3.0),
    ("log(8, 2)", {}, {}, 3.0),
    ("ln x", {}, {"x": math.e**3}, 3.0),
    ("sqrt(16)", {}, {}, 4.0),
    ("abs(-3)", {}, {}, 3),
    ("|2 - 5|", {}, {}, 3),
    ("2|x|", {}, {"x": -4}, 8),
    ("max(1, 7, 3)", {}, {}, 7),
    ("min(4, 2)", {}, {}, 2),
    ("tanh(0)", {}, {}, 0.0),
    ("softplus(0)", {}, {}, math.log(2)),
    ("sin²(x) + cos²(x)", {}, {"x": 0.7}, 1.0),
    ("4!", {}, {}, 24),
    ("μ + σ", {"variables": {"mu", "sigma"}}, {"mu": 1, "sigma": 2}, 3),
    ("mu/sigma", {"variables": {"mu", "sigma"}}, {"mu": 1, "sigma": 2}, 0.5),
    ("xy", {"variables": {"x", "y"}}, {"x": 3, "y": 4}, 12),
    ("2πσ", {"variables": {"sigma"}}, {"sigma": 1}, 2 * math.pi),
    ("ŷ - y", {"variables": {"y", "yhat"}}, {"y": 1, "yhat": 3}, 2),
    ("H = 0.69", {}, {}, 0.69),
    ("P(A|B) = 1/3", {}, {}, 1 / 3),
    ("x[1]", {}, {"x": np.array([5.0, 6.0])}, 6.0),
    ("Σ(x)", {}, {"x": np.array([1.0, 2.0])}, 3.0),
    ("-Σ p log p", {"variables": {"p"}}, {"p": np.array([0.5, 0.5])}, math.log(2)),
]

ARRAYS = [
    ("[4, 7]", {}, [4, 7]),
    ("4 7", {"arrays": True}, [4, 7]),
    ("4, 7", {}, [4, 7]),
    ("(4, 7)", {}, [4, 7]),
    ("[1 -2]", {}, [1, -2]),  # MATLAB: a sign glued to the number starts an entry
    ("[1 - 2]", {}, [-1]),
    ("1 -2 3", {"arrays": True}, [1, -2, 3]),
    ("[[1, 2], [3, 4]]", {}, [[1, 2], [3, 4]]),
    ("1 2; 3 4", {"arrays": True}, [[1, 2], [3, 4]]),
    ("[1 2; 3 4]", {}, [[1, 2], [3, 4]]),
    ("[1, 2; 3, 4]", {}, [[1, 2], [3, 4]]),
    ("1 2\n3 4", {"arrays": True}, [[1, 2], [3, 4]]),
    ("[1 2\n 3 4]", {}, [[1, 2], [3, 4]]),
    ("{1, 2, 3}", {}, [1, 2, 3]),
    ("[½, ¼]", {}, [0.5, 0.25]),
    ("[√4 2^2]", {}, [2, 4]),
]

# issue 9: the same values in LaTeX, NumPy and Unicode spellings (each known by hand)
NOTATION_VALUES = [
    ("\\frac{1}{3}", {}, {}, 1 / 3),
    ("\\dfrac{3}{4}", {}, {}, 0.75),
    ("\\sqrt{16}", {}, {}, 4.0),
    ("\\frac{\\sqrt{9}}{2}", {}, {}, 1.5),
    ("2^{10}", {}, {}, 1024),
    ("2 \\cdot 3", {}, {}, 6),
    ("2 \\times 3", {}, {}, 6),
    ("\\left( 1 + 2 \\right) \\cdot 3", {}, {}, 9),
    ("\\left. 4 \\right.", {}, {}, 4),
    ("\\exp(0)", {}, {}, 1.0),
    ("\\ln(e)", {}, {}, 1.0),
    ("\\log(e^{2})", {}, {}, 2.0),  # \log is the natural log
    ("\\pi", {}, {}, math.pi),
    ("2\\,\\pi", {}, {}, 2 * math.pi),
    ("\\sigma(0)", {}, {}, 0.5),
    ("np.exp(0) + np.sqrt(4)", {}, {}, 3.0),
    ("np.log(np.e)", {}, {}, 1.0),
    ("np.sum(np.array([1, 2, 3]))", {}, {}, 6),
    ("np.mean([1, 2, 3])", {}, {}, 2.0),
    ("numpy.linalg.norm([3, 4])", {}, {}, 5.0),
    ("math.pi", {}, {}, math.pi),
    ("2**10", {}, {}, 1024),
    ("1.28e−3", {}, {}, 0.00128),
    ("1.28E−3", {}, {}, 0.00128),
    ("2ˣ", {}, {"x": 3}, 8),
    ("xⁿ", {}, {"x": 2, "n": 5}, 32),
    ("(1−p)¹⁻ˣ", {}, {"p": 0.25, "x": 0}, 0.75),
    ("eˣ", {}, {"x": 1}, math.e),
    ("cosh(0) + sinh(0)", {}, {}, 1.0),
    ("7 // 2", {}, {}, 3),
    ("-7 // 2", {}, {}, -4),
    ("≈ 0.5", {}, {}, 0.5),
    ("= 0.5", {}, {}, 0.5),
    ("~ 0.5", {}, {}, 0.5),
    ("\\approx 0.5", {}, {}, 0.5),
    ("Σ(x − 2)²/(n − 1)", {"variables": ("x", "n"), "ndims": {"x": 1}}, {"x": np.array([1.0, 2.0, 3.0]), "n": 3}, 1.0),
    ("\\sum_{i=1}^{n} x_i", {"variables": ("x", "n"), "ndims": {"x": 1}}, {"x": np.array([1.0, 2.0, 3.0]), "n": 3}, 6),
    ("\\frac{1}{n}\\sum_i (x_i - \\bar{x})^2", {"variables": ("x", "n"), "ndims": {"x": 1}},
     {"x": np.array([1.0, 2.0, 3.0]), "n": 3}, 2 / 3),
]


@pytest.mark.parametrize(("typed", "options", "env", "expected"), NOTATION_VALUES,
                         ids=[v[0] for v in NOTATION_VALUES])
def test_notation_values(typed, options, env, expected):
    node = parse_answer(typed, **options)
    assert float(compile_node(node)(env)) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("typed", ["K^{T}", "K^{\\top}", "K^\\top", "K\\top", "np.transpose(K)"])
def test_latex_transposes(typed):
    np.testing.assert_allclose(compile_node(parse_answer(typed))(MATRIX_ENV), TRANSPOSED)


MATRIX_ENV = {"K": np.array([[1.0, 2.0], [3.0, 4.0]]), "Q": np.array([[1.0, 0.0], [0.0, 2.0]])}
TRANSPOSED = [[1, 3], [2, 4]]


@pytest.mark.parametrize(("typed", "options", "env", "expected"), VALUES, ids=[v[0] for v in VALUES])
def test_values(typed, options, env, expected):
    node = parse_answer(typed, **options)
    assert compile_node(node)(env) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("typed", "options", "expected"), ARRAYS, ids=[a[0] for a in ARRAYS])
def test_arrays(typed, options, expected):
    value = compile_node(parse_answer(typed, **options))({})
    np.testing.assert_allclose(value, expected)


@pytest.mark.parametrize("typed", ["K^T", "K.T", "K'", "Kᵀ", "K’", "T(K)", "transpose(K)"])
def test_transpose_spellings(typed):
    value = compile_node(parse_answer(typed))(MATRIX_ENV)
    np.testing.assert_allclose(value, TRANSPOSED)


def test_matmul_and_juxtaposed_matrices():
    expected = np.array([[1, 3], [4, 8]])  # Q Kᵀ by hand: [[1·1+0·2, 1·3+0·4], [0·1+2·2, 0·3+2·4]]
    for typed in ("Q@K.T", "Q @ K^T", "Q K'"):
        node = parse_answer(typed, variables={"Q", "K"}, ndims={"Q": 2, "K": 2})
        np.testing.assert_allclose(compile_node(node)(MATRIX_ENV), expected)
    # without shape knowledge juxtaposition stays elementwise
    node = parse_answer("Q K", variables={"Q", "K"})
    np.testing.assert_allclose(compile_node(node)(MATRIX_ENV), [[1, 0], [0, 8]])


def test_tree_shapes():
    assert parse_answer("-x^2") == Unary("-", BinOp("**", Name("x"), Num(2)))
    assert parse_answer("x(1-x)", variables={"x"}) == BinOp("*", Name("x"), BinOp("-", Num(1), Name("x")))
    assert parse_answer("sigmoid(x)") == Call("sigmoid", (Name("x"),))
    assert parse_answer("K'") == Transpose(Name("K"))
    assert parse_answer("e^x") == Call("exp", (Name("x"),))
    assert parse_answer("4 7", arrays=True) == ListLit((Num(4), Num(7)))
    assert parse_answer("33.3%", percent=True) == Num(0.333)


# (typed, options, words in the message, position, words in the hint or None)
ERRORS = [
    ("In(x)", {}, "unknown function In()", 0, "did you mean ln?"),
    ("2*sigmoidd(x)", {}, "unknown function sigmoidd()", 2, "sigmoid"),
    ("(1+2", {}, "unbalanced parenthesis", 0, "')'"),
    ("1+2)", {}, "unbalanced parenthesis", 3, None),
    ("[1, 2", {}, "unbalanced bracket", 0, None),
    ("|x", {}, "never closed", 0, None),
    ("2 3", {}, "two numbers side by side", 2, "operator"),
    ("2*/3", {}, "two operators", 2, None),
    ("33%", {}, "percent", 2, "decimal"),
    ("1; 2", {}, "';' separates matrix rows", 1, None),
    ("[1 2; 3]", {}, "row 2 has 1 entries", 0, None),
    ("x + 1", {"variables": ()}, "unknown name 'x'", 0, None),
    ("z + 1", {"variables": {"x", "y"}}, "unknown variable 'z'", 0, None),
    ("nan", {}, "not a finite number", 0, None),
    ("inf", {}, "not a finite number", 0, None),
    ("∞", {}, "not a finite number", 0, None),
    ("zoo", {}, "not a finite number", 0, None),
    ("", {}, "empty", 0, None),
    ("   ", {}, "empty", 0, None),
    ("1 +", {}, "ends too early", 3, None),
    ("K.shape", {}, "'.shape' is not allowed", 1, None),
    ("'a'", {}, "unexpected", 0, None),
    ("\"a\"", {}, "quotes", 0, None),
    ("1e999", {}, "exponent", 0, None),
    ("1" * 41, {}, "digits", 0, None),
    ("sqrt", {}, "needs an argument", 0, None),
    ("x = ", {}, "'=' needs a value", 2, None),
    ("a = b = 1", {}, "only one '='", 2, None),
    ("_x", {}, "'_'", 0, None),
    ("2 ≤ 3", {}, "comparison", 2, None),
    ("a\x00b", {}, "control character", 1, None),
    ("1 + 😀", {}, "unexpected character", 4, None),
    # issue 9: LaTeX, superscripts and NumPy, refused with the position of what is wrong
    ("1 + \\foo{2}", {}, "unknown LaTeX command \\foo", 4, "\\frac"),
    ("\\frac{1}{3", {}, "never closed", 8, None),  # the second '{', at index 8
    ("\\frac 1 3", {}, "numerator and a denominator in braces", 6, None),
    ("2 + \\", {}, "backslash", 4, None),
    ("x^{", {}, "ends too early", 3, None),
    ("\\sum_", {}, "limit needs a value", 5, None),
    ("\\mathrm{}", {}, "needs a name in braces", 0, None),
    ("2ˣ⁺", {"variables": ()}, "cannot read the superscript", 1, None),
    ("np.shape(x)", {}, "unknown function np.shape()", 0, None),
]


@pytest.mark.parametrize(("typed", "options", "words", "position", "hint"), ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(typed, options, words, position, hint):
    with pytest.raises(MathInputError) as info:
        parse_answer(typed, **options)
    err = info.value
    assert words in err.message
    assert err.position == position
    if hint is not None:
        assert hint in (err.hint or "")


def test_depth_and_length_bounds():
    with pytest.raises(MathInputError, match="nested"):
        parse_answer("(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1))
    assert compile_node(parse_answer("(" * 20 + "1" + ")" * 20))({}) == 1
    with pytest.raises(MathInputError, match="characters long"):
        parse_answer("1+" * 1500 + "1")


ROUND_TRIP = [
    ("sigmoid(x)*(1-sigmoid(x))", {"x": 0.3}),
    ("exp(-(x-mu)**2/(2*sigma**2))/sqrt(2*pi*sigma**2)", {"x": 0.4, "mu": -1.0, "sigma": 1.5}),
    ("-x**2 + (-x)**2 - x**-1", {"x": 1.7}),
    ("2*x*(1-x) / (3*x) - x/(2*x)", {"x": 0.9}),
    ("log(x, 2) + log2(x) + abs(x - 3)", {"x": 5.0}),
    ("sum(p*log(p/q))", {"p": np.array([0.2, 0.8]), "q": np.array([0.5, 0.5])}),
    ("softmax(Q @ T(K) / sqrt(2)) @ Q", MATRIX_ENV),
    ("e**x - e**(2*x)", {"x": 0.3}),
    ("tanh(x) - 1/(1+e**(-x))", {"x": 0.3}),
]


@pytest.mark.parametrize(("source", "env"), ROUND_TRIP, ids=[r[0] for r in ROUND_TRIP])
def test_printed_forms_read_back(source, env):
    """Both the plain form and the Unicode echo of a template tree parse back to the same value."""
    from trainer.core.language.template_syntax import parse_template

    node = parse_template(source)
    want = compile_node(node)(env)
    variables = set(env)
    ndims = {k: np.ndim(v) for k, v in env.items()}
    for text in (to_input_text(node), to_text(node)):
        got = compile_node(parse_answer(text, variables=variables, ndims=ndims))(env)
        np.testing.assert_allclose(got, want, rtol=1e-12, err_msg=text)


def test_echo_is_mathematical():
    assert echo(parse_answer("2x(1-x)")) == "2x·(1 − x)"
    assert echo(parse_answer("sqrt(x)^2")) == "√(x)²"
    assert echo(parse_answer("K.T")) == "Kᵀ"
