"""The linear-algebra templates added for a deeper bank, and regression tests for the audit's findings.

Every row generates a template at two fixed seeds and compares its expected answer with a hand
formula written here in plain math/NumPy (never the solver the template calls). Recall rows grade a
hand-typed equivalent formula; concept rows check the keyed option by reasoning from the parameters.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from tests.support.bank import bundled_instance, keyed_option as _keyed
from tests.support.paths import PROBLEMS
from trainer.core.grading.grader import grade
from trainer.core.templates.generation import generate
from trainer.core.templates.spec import load_template

SEEDS = (3, 11)
TOPIC = PROBLEMS / "linear-algebra"


def _instance(template_id: str, seed: int):
    return bundled_instance("linear-algebra", template_id, seed)


def _det2(a) -> float:
    return a[0][0] * a[1][1] - a[0][1] * a[1][0]


def _pca_share(p):
    a, b, c = float(p("a")), float(p("b")), float(p("c"))
    top = (a + c) / 2 + math.sqrt(((a - c) / 2) ** 2 + b * b)
    return top / (a + c)


def _choose_rank(p):
    s2 = p("s") ** 2
    running = 0.0
    for k, v in enumerate(s2, start=1):
        running += v
        if running / s2.sum() >= float(p("thr")):
            return k
    raise AssertionError("threshold never reached")


def _truncation_error(p):
    s, k = p("s"), int(p("k"))
    return math.sqrt(sum(v * v for v in s[k:]))


def _normal_equations(p):
    x, y = p("x"), p("y")
    n, sx, sxx, sy, sxy = len(x), x.sum(), (x * x).sum(), y.sum(), (x * y).sum()
    d = n * sxx - sx * sx
    return np.array([(sxx * sy - sx * sxy) / d, (n * sxy - sx * sy) / d])   # Cramer's rule


def _inverse(p):
    (a, b), (c, d) = p("A")
    return np.array([[d, -b], [-c, a]]) / (a * d - b * c)


NUMERIC = [
    ("affine-unit-square-area", lambda p: abs(_det2(p("A")))),
    ("pca-explained-variance", _pca_share),
    ("svd-choose-rank", _choose_rank),
    ("svd-truncation-error", _truncation_error),
    ("normal-equations-line", _normal_equations),
    ("matrix-inverse-2x2", _inverse),
]


@pytest.mark.parametrize("template_id,expected", NUMERIC, ids=[r[0] for r in NUMERIC])
@pytest.mark.parametrize("seed", SEEDS)
def test_answer_matches_hand_calculation(template_id, expected, seed):
    inst = _instance(template_id, seed)
    want = expected(lambda name: np.asarray(inst.params[name], dtype=float))
    assert np.allclose(np.asarray(inst.answer.value, dtype=float), want, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_dense_layer_parts_are_rows_columns_and_weights_plus_biases(seed):
    inst = _instance("dense-layer-params", seed)
    nin, nout = int(inst.params["nin"]), int(inst.params["nout"])
    assert [int(p.value) for p in inst.answer.parts] == [nout, nin, nout * nin + nout]


RECALL = [
    ("svd-reconstruct-recall", "(U*S) @ Vt", "U @ Vt"),
    ("linear-system-recall", "T(inv(T(A))) @ b", "A @ b"),
    ("eigen-characteristic-recall", "(lam - A[0,0])*(lam - A[1,1]) - A[0,1]*A[1,0]", "lam**2 + trace(A)*lam + det(A)"),
]


@pytest.mark.parametrize("template_id,right,wrong", RECALL, ids=[r[0] for r in RECALL])
@pytest.mark.parametrize("seed", SEEDS)
def test_recall_accepts_an_equivalent_form_and_rejects_a_slip(template_id, right, wrong, seed):
    inst = _instance(template_id, seed)
    assert grade(inst, right).correct
    assert not grade(inst, wrong).correct



def _square(inst):
    area = abs(_det2(np.asarray(inst.params["A"])))
    b = "[" + ", ".join(str(int(v)) for v in inst.params["b"]) + "]"
    text = _keyed(inst)
    return f"|det A| = {area:g}" in text and f"slides it by {b}" in text


def _cloud(inst):
    r = float(inst.params["r"])
    axis = "[1, 1]/√2" if r > 0 else "[1, −1]/√2"   # Σ[1, ±1] = (1 ± r)[1, ±1]
    text = _keyed(inst)
    return text.startswith(f"It points along {axis}") and f"{1 + abs(r):.2f}" in text


def _singular(inst):
    p, q, k = (int(inst.params[n]) for n in ("p", "q", "k"))
    assert p * (k * q) - (k * p) * q == 0   # the drawn system is singular
    return _keyed(inst).startswith("det A = 0")


CONCEPT = [
    ("affine-square-concept", _square),
    ("covariance-eigenvector-concept", _cloud),
    ("linear-system-singular-concept", _singular),
]


@pytest.mark.parametrize("template_id,is_right", CONCEPT, ids=[r[0] for r in CONCEPT])
@pytest.mark.parametrize("seed", SEEDS)
def test_keyed_option_is_the_true_statement(template_id, is_right, seed):
    assert is_right(_instance(template_id, seed))


# --- regression tests for the audit's findings ---------------------------------------------------


def _round_sig(v: float, digits: int) -> float:
    return float(f"{v:.{digits - 1}e}")


def test_singular_values_rounded_to_three_figures_are_accepted_on_every_seed():
    template = load_template(TOPIC / "svd-singular-values.yaml")
    for seed in range(200):
        inst = generate(template, seed)
        s = np.linalg.svd(np.asarray(inst.params["A"], dtype=float), compute_uv=False)
        typed = ", ".join(f"{_round_sig(v, 3):g}" for v in s)
        assert grade(inst, f"[{typed}]").correct, (seed, typed)


def test_eigenvector_solution_prints_the_vector_with_the_sign_it_states():
    template = load_template(TOPIC / "eigenvector-2x2.yaml")
    for seed in range(40):
        inst = generate(template, seed)
        a = np.asarray(inst.params["A"], dtype=float)
        lam = float(inst.params["lam"])
        v = np.array([a[0, 1], lam - a[0, 0]])
        v = v * np.sign(v[0])
        unit = v / np.linalg.norm(v)
        printed = re.search(r"first entry positive: v = \[([^\]]+)\]", inst.solution)
        assert printed, inst.solution
        shown = np.array([float(t) for t in printed.group(1).split(",")])
        assert np.allclose(shown, unit, atol=1e-3), (seed, shown, unit)
        assert np.allclose(a @ unit, lam * unit)


def test_no_authoring_jargon_or_bare_negative_products_in_learner_text():
    bare = re.compile(r"[·×]\s*-\d|[−-]\s*-\d|\+\s*-\d")
    for topic in ("linear-algebra", "calculus", "optimization", "deep-learning"):
        for path in sorted((PROBLEMS / topic).glob("*.yaml")):
            template = load_template(path)
            for seed in range(0, 200, 10):
                inst = generate(template, seed)
                texts = [inst.prompt, inst.solution, inst.hint or ""] + [m.message for m in inst.mistakes]
                if inst.answer.type == "choice":
                    texts += list(inst.answer.options)
                for text in texts:
                    assert "the seed" not in text.lower(), (path.name, seed)
                    assert not bare.search(text), (path.name, seed, bare.search(text).group(0))


def test_no_parameter_named_in_a_prompt_carries_the_answer():
    """The review screen lays out every parameter whose name occurs as a word in the prompt, so
    a parameter holding the answer (or a derived value such as σ(z)) must not be named there."""
    for topic in ("linear-algebra", "calculus", "optimization", "deep-learning"):
        for path in sorted((PROBLEMS / topic).glob("*.yaml")):
            template = load_template(path)
            for seed in range(0, 200, 25):
                inst = generate(template, seed)
                if inst.answer.type not in ("number", "integer", "vector", "matrix"):
                    continue
                words = set(re.findall(r"[^\W\d]\w*", inst.prompt))
                answer = np.asarray(inst.answer.value, dtype=float)
                for name, value in inst.params.items():
                    if name not in words or isinstance(value, str):
                        continue
                    shown = np.asarray(value, dtype=float)
                    same = shown.shape == answer.shape and np.allclose(shown, answer, rtol=1e-3)
                    # an input that happens to equal the answer (a size kept by padding) is no leak
                    derived = name not in ("n", "x", "y", "A", "b")
                    assert not (same and derived), (path.name, seed, name)
