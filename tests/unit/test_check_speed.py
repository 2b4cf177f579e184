"""What makes `check` fast keeps what it reports: repeated instances reuse their findings, mistakes are
graded on the first seeds, per-instance observers see every instance, the plain-float precision and
the scanning leak search agree with the NumPy and regex forms they replace."""

import re
import textwrap

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from trainer.core.checking.check import MISTAKE_SEEDS, check_template, grading_hook
from trainer.core.checking.leaks import _has_number, _has_vector
from trainer.core.grading.precision import Precision
from trainer.core.templates.generation import generate
from trainer.core.templates.spec import parse_template_text


def template(body: str):
    head = "id: t\nequation: entropy\ntopic: information\ntitle: T\nkind: compute\n"
    return parse_template_text(head + textwrap.dedent(body), "t.yaml")


# a is 1 or 2, so at most two distinct instances; the mistake a + a is 2a, the answer, on every seed.
ALWAYS_EQUAL = """\
params:
  a: {int: [1, 2]}
prompt: "Twice {a}?"
answer: {type: number, value: 2 * a}
mistakes:
  - {id: doubled, value: a + a, message: "Added."}
solution: "{answer}"
small_space: true
"""


def test_a_finding_of_a_repeated_instance_is_filed_for_every_seed_that_draws_it():
    report = check_template(template(ALWAYS_EQUAL), seeds=10)
    same = [f for f in report.findings if f.kind == "mistake-equals-answer"]
    # Every one of the 10 seeds has the finding: three are listed (seeds 0, 1, 2), then "7 more".
    assert [f.seed for f in same] == [0, 1, 2, None]
    assert same[-1].message == "… and 7 more like this"
    assert report.distinct == 2


# m1 = a² and m2 = 2a coincide exactly when a = 2 (4 = 4); the answer 10a + 1 is never either.
TWO_MISTAKES_MEET = """\
params:
  a: {int: [1, 9]}
prompt: "Take a = {a}."
answer: {type: number, value: 10 * a + 1}
mistakes:
  - {id: squared, value: a * a, message: "Squared."}
  - {id: doubled, value: 2 * a, message: "Doubled."}
solution: "{answer}"
"""


def test_two_mistakes_that_coincide_on_some_seeds_are_still_found_by_self_grading():
    t = template(TWO_MISTAKES_MEET)
    report = check_template(t, seeds=200, grader=grading_hook())
    found = [f for f in report.findings if f.kind == "self-grade"]
    assert found, "typing 4 for 'doubled' when a = 2 is diagnosed as 'squared'"
    assert "mistake 'doubled' typed as '4.0' grades as squared" in found[0].message
    assert found[0].seed < MISTAKE_SEEDS


def test_past_the_mistake_seeds_only_the_answer_is_graded():
    calls = []

    def grader(inst, mistakes=True):
        calls.append((inst.seed, mistakes))
        return ()

    grader.skips_mistakes = True
    check_template(template(TWO_MISTAKES_MEET), seeds=60, grader=grader, mistake_seeds=5)
    # Repeats reuse what their first sighting found, so not every seed calls the grader.
    assert calls[0] == (0, True) and any(seed >= 5 for seed, _ in calls)
    assert all(mistakes == (seed < 5) for seed, mistakes in calls)


def test_a_grader_without_the_flag_is_called_plainly_once_per_distinct_instance():
    seen = []
    # Called with the instance alone (a `mistakes=` keyword would be a TypeError here).
    report = check_template(template(TWO_MISTAKES_MEET), seeds=30, grader=lambda inst: seen.append(inst.seed) or ())
    assert seen[0] == 0 and len(seen) == len(set(seen)) == report.distinct <= 9  # a is one of 1..9


def test_observers_see_every_generated_instance_and_their_findings_are_filed():
    seen = []

    def observer(t, inst):
        seen.append(inst.seed)
        if inst.seed == 4:
            yield "graph", "measured something odd", t.lines.get("answer")

    report = check_template(template(ALWAYS_EQUAL), seeds=8, observers=[observer])
    assert seen == list(range(8))  # repeats included, in seed order
    graph = [f for f in report.findings if f.kind == "graph"]
    assert [(f.seed, f.message, f.line) for f in graph] == [(4, "measured something odd", 9)]


def test_a_static_formula_is_checked_afresh_on_each_seed_with_its_own_points():
    # A formula answer's test points follow the seed: no reuse, and the reference is still proven.
    t = template("""\
        prompt: "Write the square of x."
        answer: {type: formula, value: "x ** 2", variables: {x: {float: [-3, 3]}}}
        mistakes:
          - {id: same, value: "x * x", message: "Same."}
        solution: "{answer}"
        small_space: true
        """)
    report = check_template(t, seeds=5)
    same = [f for f in report.findings if f.kind == "mistake-equals-answer"]
    assert [f.seed for f in same] == [0, 1, 2, None]


# a is 2 or 3, so two formula instances; "a * x" is the answer written another way.
FORMULA_TWO_INSTANCES = """\
    params:
      a: {choice: [2, 3]}
    prompt: "Write {a} times x."
    answer: {type: formula, value: "a * x", variables: {x: {float: [-3, 3]}}}
    mistakes:
      - {id: same, value: "x * a", message: "Same."}
    solution: "{answer}"
    small_space: true
    """


def test_a_repeated_formula_instance_is_proven_at_its_own_points_on_the_first_seeds_only():
    calls = []

    def grader(inst, mistakes=True):
        calls.append(inst.seed)
        return ()

    grader.skips_mistakes = True
    report = check_template(template(FORMULA_TWO_INSTANCES), seeds=60, grader=grader, measure=True)
    # Both instances appear among the first 20 seeds (a 1-in-2**19 chance otherwise), each of which
    # is graded at its own points; the 40 later seeds repeat one of them and reuse its findings.
    assert calls == list(range(20))
    assert report.distinct == 2
    # A repeat's finding is still filed on its own seed: the mistake is the answer on all 60.
    same = [f for f in report.findings if f.kind == "mistake-equals-answer"]
    assert [f.seed for f in same] == [0, 1, 2, None] and same[-1].message == "… and 57 more like this"
    # The weights are measured on every seed (at a point drawn from it), repeats included.
    assert sum(report.performed.values()) == 60


def test_a_new_formula_instance_after_the_first_seeds_is_proven():
    calls = []
    t = template(FORMULA_TWO_INSTANCES.replace("{choice: [2, 3]}", "{int: [1, 1000]}"))
    check_template(t, seeds=40, grader=lambda inst: calls.append(inst.seed) or ())
    drawn = [generate(t, seed).params["a"] for seed in range(40)]
    # Seeds 0-19 are all graded; a later seed only when its a was not drawn before.
    later = [seed for seed in range(20, 40) if drawn[seed] not in drawn[:seed]]
    assert calls == [*range(20), *later] and len(later) > 10


# --- the plain-float precision and the scanning leak search ------------------------------------------

def test_plain_float_precision_at_hand_checked_boundaries():
    p = Precision()  # 3 significant figures: half a unit of 0.123 is 0.0005
    assert p.within(0.1235, 0.123) and not p.within(0.1236, 0.123)
    assert p.within(123.5, 123.0) and not p.within(123.6, 123.0)
    assert Precision(None, 2).within(1.005, 1.0) and not Precision(None, 2).within(1.006, 1.0)
    assert p.close(0.128, 0.123) and not p.close(0.129, 0.123)  # ten times the tolerance: 0.005
    assert float(p.tolerance(0.0)) == 0.0


finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).filter(lambda x: x == 0 or abs(x) > 1e-9)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(t=finite, e=finite, sig=st.sampled_from([None, 2, 3, 5]), dec=st.sampled_from([None, 0, 2]),
       rtol=st.sampled_from([0.0, 0.01]), scale=st.one_of(st.none(), st.floats(0, 1e6)))
@example(t=0.0, e=0.5, sig=5, dec=None, rtol=0.0, scale=None)  # NumPy's 10**-5 is 1 ulp below 1e-05
def test_plain_float_precision_agrees_with_the_numpy_path(t, e, sig, dec, rtol, scale):
    p = Precision(sig, dec, rtol, 1e-9)
    for typed in (t, e + (t - e) * 1e-4):
        assert bool(p.within(typed, e, scale)) == bool(p.within(np.array([typed]), np.array([e]), scale)[0])
        assert bool(p.close(typed, e, scale)) == bool(p.close(np.array([typed]), np.array([e]), scale)[0])
    assert float(p.tolerance(e, scale)) == float(p.tolerance(np.array([e]), scale)[0])


def test_half_a_unit_in_the_last_place_is_the_same_number_for_a_float_and_an_array():
    """0.5 at 5 significant figures: half a unit of the fifth figure is 0.5e-5 (and the 1e-9 slack).
    NumPy's own power gives 10**-5 one unit in the last place low, which made an array's tolerance
    differ from a float's; across magnitudes and precisions the two now agree to the bit."""
    assert float(Precision(5).tolerance(0.5)) == 0.5 * 1e-05 * (1 + 1e-9)
    assert float(Precision(5).tolerance(np.array([0.5]))[0]) == 0.5 * 1e-05 * (1 + 1e-9)
    assert float(Precision(None, 5).tolerance(np.array([3.0]))[0]) == 0.5 * 1e-05 * (1 + 1e-9)
    values = [m * 10.0 ** k for m in (1.0, 2.5, 5.0, 9.99) for k in range(-15, 16)]
    for sig in (1, 2, 3, 5, 7):
        together = Precision(sig).tolerance(np.array(values)).tolist()
        assert [float(Precision(sig).tolerance(v)) for v in values] == together


def _number_pattern(text: str, form: str) -> bool:
    """The regular expression the leak search used to compile for every number."""
    body = re.escape(form.lstrip("-"))
    sign = "-" if form.startswith("-") else r"(?<!-)"
    return re.search(rf"(?<![\d./]){sign}{body}(?![\d/])(?!\.\d)(?![eE][-+]?\d)",
                     text.replace("−", "-")) is not None


def test_number_search_at_hand_checked_places():
    assert _has_number("the answer is 0.27.", "0.27")
    assert not _has_number("p = 0.275", "0.27")  # more decimals: another number
    assert not _has_number("x = -14/3", "-14")  # a fraction
    assert not _has_number("2.5e3 units", "2.5")  # an exponent
    assert not _has_number("a = -3", "3") and _has_number("a = −3", "-3")
    assert not _has_number("v = 13", "3") and not _has_number("v = 1.3", "3")


@settings(max_examples=600, derandomize=True, deadline=None)
@given(text=st.text(alphabet="0123456789.-−/eE+ x٣,", max_size=14),
       form=st.sampled_from(["12", "-12", "1.5", "-0.25", "3", "120", "2.5", "1e-05"]),
       at=st.integers(0, 14), inserted=st.booleans())
def test_number_search_agrees_with_the_pattern(text, form, at, inserted):
    if inserted:
        text = text[:at] + form + text[at:]
    assert _has_number(text, form) == _number_pattern(text, form)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(text=st.text(alphabet="[], 12.-x", max_size=10), display=st.sampled_from(["[2, 1]", "[[2, 1], [5, 5]]"]),
       at=st.integers(0, 10))
def test_vector_search_agrees_with_the_pattern(text, display, at):
    from trainer.core.checking.leaks import normalise

    text = text[:at] + display + text[at:]
    body = re.escape(normalise(display))
    expected = re.search(rf"(?<![\[,]){body}(?![,\]])", normalise(text)) is not None
    assert _has_vector(text, display) == expected
    assert _has_vector("the answer is [2, 1].", "[2, 1]") and not _has_vector("A = [[2, 1], [5, 5]]", "[2, 1]")


def test_leak_text_is_compared_without_case_signs_or_any_space():
    from trainer.core.checking.leaks import normalise

    # Unicode minus, en dash, times and middle dot become ASCII; tabs, newlines, no-break spaces go.
    assert normalise("X − Y – Z × W · V") == "x-y-z*w*v"
    assert normalise("a\tb\nc\u00a0d\u2009e\u3000f") == "abcdef"


def test_instances_with_the_same_prompt_are_told_apart_by_their_parameters():
    # The prompt shows a (1 or 2) but not b (1, 2 or 3): 40 seeds draw all 6 pairs, in 2 prompts.
    hidden = template("""\
        params:
          a: {int: [1, 2]}
          b: {int: [1, 3]}
          c: {expr: a * 10}
        prompt: "Take {a}."
        answer: {type: number, value: a * b + 0.5}
        mistakes:
          - {id: m, value: a + b + 100, message: "Added."}
        solution: "{answer}"
        small_space: true
        """)
    assert check_template(hidden, seeds=40).distinct == 6
    # Shown in the prompt, the parameters add nothing: 1.0 and 1.0001 both show as 1 (4 digits).
    shown = template("""\
        params:
          a: {choice: [1.0, 1.0001, 2.0]}
        prompt: "Take {a}."
        answer: {type: number, value: a + 0.5}
        mistakes:
          - {id: m, value: a + 100, message: "Added."}
        solution: "{answer}"
        small_space: true
        """)
    assert check_template(shown, seeds=40).distinct == 2
