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
