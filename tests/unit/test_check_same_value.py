"""`check`'s "mistake equals answer" uses the grader's own comparison: integers exactly, numbers at
the stated precision."""

import textwrap

from trainer.core.checking.check import check_template
from trainer.core.templates.spec import parse_template_text

TEMPLATE = """\
id: t
equation: entropy
topic: information
title: T
kind: compute
params:
  k: {{int: [15, 17]}}
prompt: 2 to the power {{k}}?
answer: {{type: {atype}, value: 2 ** k}}
mistakes:
  - {{id: off, value: 2 ** k + {delta}, message: off}}
solution: "{{answer}}"
"""


def kinds(atype, delta):
    template = parse_template_text(textwrap.dedent(TEMPLATE.format(atype=atype, delta=delta)), "t.yaml")
    return {f.kind for f in check_template(template, seeds=5).findings}


def test_an_integer_mistake_128_away_from_131072_is_a_different_answer():
    # 131200 is within 0.1% of 131072, but an integer answer is graded exactly.
    assert "mistake-equals-answer" not in kinds("integer", 128)


def test_a_number_mistake_inside_3_significant_figures_is_the_answer():
    # 2**15 = 32768 and 32768 + 10 round to the same 3 significant figures (32800): indistinguishable.
    assert "mistake-equals-answer" in kinds("number", 10)
    assert "mistake-equals-answer" not in kinds("number", 1000)
