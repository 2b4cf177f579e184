"""`check` refuses a prompt that asks for a precision other than the one the answer bar states."""

import textwrap

import pytest

from trainer.core.checking.check import check_template
from trainer.core.templates.spec import parse_template_text


def template(prompt: str, answer: str):
    head = "id: t\nequation: entropy\ntopic: information\ntitle: T\nkind: compute\n"
    body = f"""\
    params:
      a: {{int: [2, 40]}}
    prompt: "{prompt}"
    answer: {answer}
    mistakes:
      - {{id: not-inverted, value: a, message: "That is a itself."}}
    solution: "{{answer}}"
    """
    return parse_template_text(head + textwrap.dedent(body), "t.yaml")


@pytest.mark.parametrize("prompt, answer, flagged", [
    # The default is 3 significant figures (README): asking for 4 without sigfigs is a mismatch.
    ("What is 1/{a}? Give the answer to 4 significant figures.", "{type: number, value: 1 / a}", True),
    ("What is 1/{a}? Give the answer to 4 significant figures.", "{type: number, value: 1 / a, sigfigs: 4}", False),
    ("What is 1/{a}? Give the answer to 3 significant figures.", "{type: number, value: 1 / a}", False),
    ("What is 1/{a}? Give the answer to 2 decimal places.", "{type: number, value: 1 / a, decimals: 2}", False),
    ("What is 1/{a}? Give the answer to 4 decimal places.", "{type: number, value: 1 / a, decimals: 2}", True),
    ("What is 1/{a}?", "{type: number, value: 1 / a}", False),
])
def test_a_stated_precision_must_match_the_answer_bar(prompt, answer, flagged):
    report = check_template(template(prompt, answer), seeds=3)
    kinds = {f.kind for f in report.findings}
    assert ("precision-mismatch" in kinds) is flagged, report.findings


def test_the_bundled_prompts_state_no_other_precision_than_their_answers():
    """The 30 templates that asked for 4 figures over a 3-figure answer no longer do."""
    from trainer.core.templates.bank import load_bank
    from tests.support.paths import PROBLEMS

    bank = load_bank([PROBLEMS])
    for template_ in bank.templates.values():
        report = check_template(template_, seeds=2)
        assert not [f for f in report.findings if f.kind == "precision-mismatch"], template_.id


# `hard-wrap`: a `|` prompt keeps its newlines on screen, so a sentence wrapped by hand in the file is
# shown broken in the middle.

def block_template(*prompt_lines: str):
    """A template whose prompt is a `|` block: `prompt: |` is file line 8, its first line line 9."""
    head = ("id: t\nequation: entropy\ntopic: information\ntitle: T\nkind: compute\n"
            "params:\n  a: {int: [2, 40]}\nprompt: |\n")
    assert head.count("\n") == 8
    body = "".join(f"  {line}\n" if line else "\n" for line in prompt_lines)
    tail = ("answer: {type: number, value: 1 / a}\n"
            "mistakes:\n  - {id: not-inverted, value: a, message: \"That is a itself.\"}\nsolution: \"{answer}\"\n")
    return parse_template_text(head + body + tail, "t.yaml")


def wraps(template_):
    report = check_template(template_, seeds=2)
    return [f for f in report.findings if f.kind == "hard-wrap"], report


def test_a_sentence_wrapped_inside_a_paragraph_is_reported_at_its_line():
    found, report = wraps(block_template(
        "A classifier predicts 1/{a} for each of 5 independent examples whose true",  # line 9: broken
        "labels are known. What is 1/{a}?",
    ))
    assert [(f.line, f.severity, str(f.path)) for f in found] == [(9, "warning", "t.yaml")]
    assert "t.yaml:9: warning: [hard-wrap]" in str(found[0])
    assert report.ok  # a warning, not an error


def test_each_broken_line_of_a_paragraph_is_reported():
    found, _ = wraps(block_template(
        "A model reads a value and",     # 9: broken
        "returns its inverse for the",   # 10: broken
        "caller. What is 1/{a}?",        # 11: ends the paragraph
        "",
        "Give three significant figures, with the",  # 13: broken (a comma or none: still mid-sentence)
        "usual rounding.",
    ))
    assert [f.line for f in found] == [9, 10, 13]


@pytest.mark.parametrize("lines", [
    pytest.param(("The inverse of the drawn number is", "", "    r = 1 / {a}", "",
                  "and it is what you type."), id="indented equation after a blank line"),
    pytest.param(("The model computes the inverse", "    r = 1 / {a}", "of the drawn value."),
                 id="indented equation inside the paragraph"),
    pytest.param(("Consider these facts about the number", "- it is drawn between 2 and 40",
                  "- its inverse is below one half", "What is 1/{a}?"), id="dash list"),
    pytest.param(("The two steps of the computation are", "1. read the number {a}", "2. invert it"),
                 id="numbered list"),
    pytest.param(("Which holds for the number", "(a) it is even", "(b) it is odd"), id="lettered list"),
    pytest.param(("The number is drawn from the integers between two and forty", "",
                  "What is its inverse 1/{a}?"), id="paragraph break"),
    pytest.param(("Each drawn number a has the inverse:", "r = 1 / a, which you compute for a = {a}."),
                 id="colon-ended lead-in"),
    pytest.param(("The number is drawn at random. What is its inverse?", "Give it as a decimal;",
                  "fractions are refused (write 0.5, not 1/2.)", "Round as usual!"), id="lines ending in ? ; .) !"),
    pytest.param(("Q = {a}", "K = {a}", "Compute the inverse 1/{a}."), id="formula lines stacked"),
    pytest.param(("value   inverse", "{a}   1/{a}", "Compute the inverse."), id="table drawn in columns"),
])
def test_lines_meant_to_stand_alone_are_not_reported(lines):
    found, _ = wraps(block_template(*lines))
    assert found == [], [str(f) for f in found]


def test_a_long_run_of_broken_lines_stays_a_warning():
    """Past three findings of a kind the rest are summarized; the summary of warnings is a warning."""
    found, report = wraps(block_template(
        "one line of the",
        "prompt that is",
        "wrapped much too",
        "early and keeps",
        "running on here.",
    ))
    assert [f.line for f in found] == [9, 10, 11, None]
    assert found[-1].message == "… and 1 more like this"
    assert {f.severity for f in found} == {"warning"} and report.ok


def test_the_bundled_prompts_are_not_hard_wrapped():
    from trainer.core.checking.wraps import hard_wrap_findings
    from trainer.core.templates.bank import load_bank
    from tests.support.paths import PROBLEMS

    bank = load_bank([PROBLEMS])
    broken = [f"{t.path}:{line}" for t in bank.templates.values() for _, _, line in hard_wrap_findings(t)]
    assert broken == []
