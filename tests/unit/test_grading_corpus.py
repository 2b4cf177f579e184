"""Grading corpus: (reference formula, variable domains, typed answer, expected verdict), read at a glance.

Every expected verdict is a textbook identity or a hand-checked near miss, never the grader's own
output: `correct` for an equivalent rewriting, `wrong` for a near miss with no generic slip, or the id
of the generic slip (trainer.core.grading.slips) that the near miss is an instance of.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from trainer.core.grading import equivalence
from trainer.core.templates.generation import generate
from trainer.core.grading.grader import grade
from trainer.core.templates.spec import parse_template_text

X = "{x: {float: [-3, 3]}}"
Z = "{z: {vector: 3, float: [-3, 3]}}"
GAUSS = "{x: {float: [-3, 3]}, mu: {float: [-2, 2]}, sigma: {float: [0.5, 3]}}"
BAYES = "{pa: {float: [0.05, 0.95]}, pba: {float: [0.05, 0.95]}, pbna: {float: [0.05, 0.95]}}"
BAYES3 = "{pa: {float: [0.05, 0.95]}, pba: {float: [0.05, 0.95]}, pb: {float: [0.3, 0.9]}}"
REG = ("{w: {float: [-2, 2]}, b: {float: [-2, 2]}, x: {vector: 4, float: [-3, 3]}, "
       "y: {vector: 4, float: [-3, 3]}}")
PQ = "{p: {simplex: 4}, q: {simplex: 4}}"
YH = "{y: {simplex: 3}, yhat: {simplex: 3}}"
ATT = ("{Q: {matrix: [3, 2], float: [-2, 2]}, K: {matrix: [3, 2], float: [-2, 2]}, "
       "V: {matrix: [3, 2], float: [-2, 2]}, d: {int: [2, 2]}}")
LIN = "{A: {matrix: [2, 2], float: [-3, 3]}, x: {vector: 2, float: [-3, 3]}, b: {vector: 2, float: [-3, 3]}}"
DATA = "{x: {vector: 5, float: [-3, 3]}}"
GD = "{theta: {vector: 2, float: [-3, 3]}, g: {vector: 2, float: [-3, 3]}, lr: {float: [0.01, 0.5]}}"
DIFF = "{x0: {float: [-2, 2]}, eps: {float: [-2, 2]}, abar: {float: [0.1, 0.9]}}"
BCE = "{z: {float: [-3, 3]}, y: {float: [0, 1]}}"

SIG = "1/(1+exp(-x))"
DSIG = "sigmoid(x)*(1-sigmoid(x))"
LSE = "log(sum(exp(z)))"
PDF = "exp(-(x-mu)**2/(2*sigma**2))/sqrt(2*pi*sigma**2)"
BAYES_FULL = "pba*pa/(pba*pa + pbna*(1-pa))"
DJDW = "2*mean((w*x+b-y)*x)"
DJDB = "2*mean(w*x+b-y)"
XENT = "-sum(y*log(yhat))"
ATTN = "softmax(Q @ T(K) / sqrt(d)) @ V"
SVAR = "sum((x-mean(x))**2)/(len(x)-1)"

CORPUS = [
    # id                         reference     domains typed                                   verdict
    ("sigmoid-exp-form",         SIG,          X,     "exp(x)/(1+exp(x))",                     "correct"),
    ("sigmoid-e-caret",          SIG,          X,     "1/(1+e^-x)",                            "correct"),
    ("sigmoid-name",             SIG,          X,     "σ(x)",                                  "correct"),
    ("sigmoid-flipped-exp",      SIG,          X,     "1/(1+exp(x))",                          "wrong"),
    ("sigmoid-minus-denominator", SIG,         X,     "1/(1-exp(-x))",                         "wrong"),
    ("dsigmoid-symmetry",        DSIG,         X,     "sigmoid(x)*sigmoid(-x)",                "correct"),
    ("dsigmoid-exp",             DSIG,         X,     "e^(-x)/(1+e^(-x))²",                    "correct"),
    ("dsigmoid-implicit",        DSIG,         X,     "σ(x)(1 − σ(x))",                        "correct"),
    ("dsigmoid-plus",            DSIG,         X,     "σ(x)(1+σ(x))",                          "wrong"),
    ("dsigmoid-square",          DSIG,         X,     "σ(x)²",                                 "wrong"),
    ("dsigmoid-sign",            DSIG,         X,     "-σ(x)(1-σ(x))",                         "sign-flip"),
    ("tanh-sigmoid",             "tanh(x)",    X,     "2 sigmoid(2x) - 1",                     "correct"),
    ("tanh-exp",                 "tanh(x)",    X,     "(e^x - e^-x)/(e^x + e^-x)",             "correct"),
    ("tanh-exp-2x",              "tanh(x)",    X,     "(1-exp(-2x))/(1+exp(-2x))",             "correct"),
    ("tanh-missing-2x",          "tanh(x)",    X,     "2σ(x) - 1",                             "wrong"),
    ("tanh-is-not-sinh",         "tanh(x)",    X,     "(e^x - e^-x)/2",                        "wrong"),
    ("dtanh-cosh",               "1-tanh(x)**2", X,   "4/(e^x + e^-x)^2",                      "correct"),
    ("dtanh-unsquared",          "1-tanh(x)**2", X,   "1 - tanh(x)",                           "wrong"),
    ("softplus-log",             "softplus(x)", X,    "log(1+e^x)",                            "correct"),
    ("softplus-ln",              "softplus(x)", X,    "ln(1 + exp(x))",                        "correct"),
    ("softplus-stable",          "softplus(x)", X,    "x + log(1+exp(-x))",                    "correct"),
    ("softplus-bits",            "softplus(x)", X,    "log2(1+e^x)",                           "log-base-2"),
    ("softplus-wrong-sign",      "softplus(x)", X,    "log(1+e^-x)",                           "wrong"),
    ("lse-max-trick",            LSE,          Z,     "max(z) + log(sum(exp(z - max(z))))",    "correct"),
    ("lse-sigma",                LSE,          Z,     "ln(Σ exp(z))",                          "correct"),
    ("lse-log-inside",           LSE,          Z,     "sum(log(exp(z)))",                      "wrong"),
    ("lse-only-max",             LSE,          Z,     "max(z)",                                "wrong"),
    ("lse-log10",                LSE,          Z,     "log10(sum(exp(z)))",                    "log-base-10"),
    ("softmax-name",             "exp(z)/sum(exp(z))", Z, "softmax(z)",                        "refused"),
    ("softmax-shifted",          "softmax(z)", Z,     "exp(z - max(z))/sum(exp(z - max(z)))",  "correct"),
    ("softmax-unnormalized",     "softmax(z)", Z,     "exp(z)",                                "missing-normalization"),
    ("softmax-linear",           "softmax(z)", Z,     "z/sum(z)",                              "wrong"),
    ("softmax-sigmoid",          "softmax(z)", Z,     "exp(z)/(1+exp(z))",                     "wrong"),
    ("gauss-sigma-sqrt2pi",      PDF,          GAUSS, "1/(σ√(2π)) e^(-(x-μ)²/(2σ²))",          "correct"),
    ("gauss-solver",             PDF,          GAUSS, "normal_pdf(x, mu, sigma)",              "refused"),
    ("gauss-half-square",        PDF,          GAUSS, "1/√(2πσ²) exp(-½((x-μ)/σ)²)",           "correct"),
    ("gauss-sigma-not-squared",  PDF,          GAUSS, "1/(σ√(2π)) e^(-(x-μ)²/(2σ))",           "wrong"),
    ("gauss-missing-root",       PDF,          GAUSS, "1/(2πσ) e^(-(x-μ)²/(2σ²))",             "wrong"),
    ("gauss-missing-two",        PDF,          GAUSS, "1/√(2πσ²) e^(-(x-μ)²/σ²)",              "wrong"),
    ("gauss-exponent-sign",      PDF,          GAUSS, "1/√(2πσ²) e^((x-μ)²/(2σ²))",            "wrong"),
    ("zscore-unicode",           "(x-mu)/sigma", GAUSS, "(x − μ)/σ",                           "correct"),
    ("zscore-split",             "(x-mu)/sigma", GAUSS, "x/σ - μ/σ",                           "correct"),
    ("zscore-variance",          "(x-mu)/sigma", GAUSS, "(x-μ)/σ²",                            "wrong"),
    ("zscore-sign",              "(x-mu)/sigma", GAUSS, "(μ-x)/σ",                             "sign-flip"),
    ("zscore-upside-down",       "(x-mu)/sigma", GAUSS, "σ/(x-μ)",                             "reciprocal"),
    ("bayes-odds-form",          BAYES_FULL,   BAYES, "1/(1 + pbna(1-pa)/(pba pa))",           "correct"),
    ("bayes-expanded",           BAYES_FULL,   BAYES, "pba pa/(pba pa + pbna - pbna pa)",      "correct"),
    ("bayes-wrong-prior",        BAYES_FULL,   BAYES, "pba*pa/(pba*pa + pbna*pa)",             "wrong"),
    ("bayes-no-evidence",        BAYES_FULL,   BAYES, "pba*pa",                                "wrong"),
    ("bayes-rule-commuted",      "pba*pa/pb",  BAYES3, "pa pba / pb",                          "correct"),
    ("bayes-rule-inverted",      "pba*pa/pb",  BAYES3, "pb/(pba*pa)",                          "reciprocal"),
    ("bayes-rule-swapped",       "pba*pa/pb",  BAYES3, "pba*pb/pa",                            "swapped-arguments"),
    ("mse-dw-len",               DJDW,         REG,   "2/len(x) * sum(x*(w x + b - y))",       "correct"),
    ("mse-dw-inside",            DJDW,         REG,   "mean(2 x (w x + b − y))",               "correct"),
    ("mse-dw-flipped-residual",  DJDW,         REG,   "-2*mean((y - w*x - b)*x)",              "correct"),
    ("mse-dw-missing-two",       DJDW,         REG,   "mean((w*x+b-y)*x)",                     "half"),
    ("mse-dw-is-db",             DJDW,         REG,   "2*mean(w*x+b-y)",                       "wrong"),
    ("mse-db-residual-sign",     DJDB,         REG,   "2*mean(y-w*x-b)",                       "sign-flip"),
    ("xent-reciprocal-log",      XENT,         YH,    "sum(y*log(1/yhat))",                    "correct"),
    ("xent-sigma-hat",           XENT,         YH,    "-Σ y ln ŷ",                             "correct"),
    ("xent-bits",                XENT,         YH,    "-sum(y*log2(yhat))",                    "log-base-2"),
    ("xent-swapped",             XENT,         YH,    "-sum(yhat*log(y))",                     "swapped-arguments"),
    ("xent-sign",                XENT,         YH,    "sum(y*log(yhat))",                      "sign-flip"),
    ("bce-grad",                 "sigmoid(z) - y", BCE, "1/(1+e^-z) - y",                      "correct"),
    ("bce-grad-sign",            "sigmoid(z) - y", BCE, "y - σ(z)",                            "sign-flip"),
    ("attention-dot-t",          ATTN,         ATT,   "softmax(Q@K.T/sqrt(d))@V",              "correct"),
    ("attention-caret-t",        ATTN,         ATT,   "softmax(Q @ K^T / √d) @ V",             "correct"),
    ("attention-prime-implicit", ATTN,         ATT,   "softmax(Q K' / sqrt(d)) V",             "correct"),
    ("attention-unscaled",       ATTN,         ATT,   "softmax(Q@K.T)@V",                      "wrong"),
    ("attention-divide-by-d",    ATTN,         ATT,   "softmax(Q@K.T/d)@V",                    "wrong"),
    ("attention-no-transpose",   ATTN,         ATT,   "softmax(Q@K/sqrt(d))@V",                "wrong"),
    ("attention-q-k-swapped",    ATTN,         ATT,   "softmax(K@Q.T/sqrt(d))@V",              "swapped-arguments"),
    ("linear-implicit",          "A @ x + b",  LIN,   "A x + b",                               "correct"),
    ("linear-row-vector",        "A @ x + b",  LIN,   "x@A + b",                               "wrong"),
    ("linear-minus-bias",        "A @ x + b",  LIN,   "A@x - b",                               "wrong"),
    ("entropy-sigma",            "-sum(p*log(p))", PQ, "-Σ p log p",                           "correct"),
    ("entropy-reciprocal",       "-sum(p*log(p))", PQ, "sum(p*log(1/p))",                      "correct"),
    ("entropy-bits",             "-sum(p*log(p))", PQ, "-sum(p*log2(p))",                      "log-base-2"),
    ("entropy-sign",             "-sum(p*log(p))", PQ, "sum(p*log(p))",                        "sign-flip"),
    ("kl-difference",            "sum(p*log(p/q))", PQ, "sum(p*(log(p)-log(q)))",              "correct"),
    ("kl-reversed",              "sum(p*log(p/q))", PQ, "sum(q*log(q/p))",                     "swapped-arguments"),
    ("kl-upside-down",           "sum(p*log(p/q))", PQ, "sum(p*log(q/p))",                     "sign-flip"),
    ("var-caret",                SVAR,         DATA,  "sum((x - mean(x))^2)/(len(x) - 1)",     "correct"),
    ("var-population",           SVAR,         DATA,  "mean(x²) - mean(x)²",                   "n-vs-n-minus-1"),
    ("var-is-not-std",           SVAR,         DATA,  "sqrt(sum((x-mean(x))**2)/(len(x)-1))",  "sigma-vs-variance"),
    ("gd-greek",                 "theta - lr*g", GD,  "θ − lr g",                              "correct"),
    ("gd-ascent",                "theta - lr*g", GD,  "theta + lr*g",                          "wrong"),
    ("diffusion-unicode",        "sqrt(abar)*x0 + sqrt(1-abar)*eps", DIFF, "√abar x0 + √(1-abar) ε", "correct"),
    ("diffusion-missing-roots",  "sqrt(abar)*x0 + sqrt(1-abar)*eps", DIFF, "abar*x0 + (1-abar)*eps", "wrong"),
]


@functools.cache
def formula_instance(reference: str, domains: str):
    text = f"""
id: corpus-formula
equation: corpus
topic: information
title: Corpus formula
kind: recall
prompt: Type the formula.
answer:
  type: formula
  value: "{reference}"
  variables: {domains}
mistakes:
  - id: never-typed
    value: "({reference}) + 12345"
    message: a mistake no corpus row makes
solution: "{{answer}}"
"""
    return generate(parse_template_text(text, "corpus.yaml"), 7)


def test_corpus_is_large_and_balanced():
    verdicts = [row[4] for row in CORPUS]
    assert len(CORPUS) >= 60
    assert len({row[0] for row in CORPUS}) == len(CORPUS)
    correct = verdicts.count("correct")
    assert abs(correct - (len(CORPUS) - correct)) <= len(CORPUS) // 5


@pytest.mark.parametrize(("reference", "domains", "typed", "verdict"),
                         [row[1:] for row in CORPUS], ids=[row[0] for row in CORPUS])
def test_corpus(reference, domains, typed, verdict):
    v = grade(formula_instance(reference, domains), typed)
    if verdict == "refused":  # a recall answer may not call the solver it is asked to write out
        assert v.error is not None and not v.correct and "write out" in v.error.message
        return
    assert v.error is None, v.error
    if verdict == "correct":
        assert v.correct, v.feedback
        assert v.diagnosis is None
    else:
        assert not v.correct
        got = v.diagnosis.id if v.diagnosis else "wrong"
        assert got == verdict, v.feedback


def test_unknown_variable_is_named():
    v = grade(formula_instance(PDF, GAUSS), "exp(-(x-m)^2/2)")
    assert v.error is not None and not v.correct
    assert "'m'" in v.error.message and "mu" in v.error.message
    assert v.error.position == 8  # e0 x1 p2 (3 -4 (5 x6 -7 m8


def test_same_formula_same_verdict_every_time():
    # Two separately generated instances (not the cached one): each builds its own grading
    # reference, so equal verdicts mean the test points come from the seed, not from a cache.
    typed = ("1/(1+exp(x))", "σ(x)", "2σ(x)")
    one, two = formula_instance.__wrapped__(SIG, X), formula_instance.__wrapped__(SIG, X)
    assert one is not two and one.answer is not two.answer
    first = [grade(one, t).to_dict() for t in typed]
    assert first == [grade(two, t).to_dict() for t in typed]
    assert [v["correct"] for v in first] == [False, True, False]  # σ(x) = 1/(1+exp(−x))
    ref_one = equivalence.reference(one.answer, one.seed)
    ref_two = equivalence.reference(two.answer, two.seed)
    assert ref_one is not ref_two
    assert all(np.array_equal(a["x"], b["x"]) for a, b in zip(ref_one.points, ref_two.points))
