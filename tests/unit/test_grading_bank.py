"""Every bundled template: its own answer grades correct on 200 seeds, each mistake as that mistake."""

from __future__ import annotations


import pytest

from trainer.core.templates.bank import load_bank
from tests.support.paths import PROBLEMS
from trainer.core.templates.generation import generate
from trainer.core.grading.grader import answer_text, grade

SEEDS = 200
BANK = load_bank([PROBLEMS])


def test_bank_is_there():
    assert len(BANK.templates) >= 40


@pytest.mark.slow
@pytest.mark.parametrize("template_id", sorted(BANK.templates))
def test_template_grades_itself(template_id):
    template = BANK.templates[template_id]
    problems = []
    for seed in range(SEEDS):
        instance = generate(template, seed)
        text = answer_text(instance)
        verdict = grade(instance, text)
        if not verdict.correct:
            problems.append(f"seed {seed}: answer {text!r} → {verdict.error or verdict.feedback}")
        for mistake in instance.mistakes:
            text = answer_text(instance, mistake)
            verdict = grade(instance, text)
            got = verdict.diagnosis.id if verdict.diagnosis else ("correct" if verdict.correct else "none")
            if got != mistake.id:
                problems.append(f"seed {seed}: mistake {mistake.id} typed {text!r} → {got}")
        if len(problems) > 5:
            break
    assert not problems, "\n".join(problems)
