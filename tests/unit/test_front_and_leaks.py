"""The front of a card and the `check` findings about it: leaks, option truth, variety, option length."""

import textwrap
from types import SimpleNamespace

import pytest

from trainer.cli.authoring import balance_text, choice_balance
from trainer.core.checking.check import check_template
from trainer.core.checking.leaks import number_forms
from trainer.core.templates.card_front import front
from trainer.core.templates.generation import generate
from trainer.core.templates.spec import TemplateError, parse_template_text

COMPUTE = """\
id: product
equation: entropy
topic: information
title: A product
kind: compute
params:
  a: {int: [2, 9]}
  b: {int: [11, 19]}
  ab: {expr: a * b}
prompt: "Multiply a = {a} by b = {b}."
answer: {type: number, value: a * b}
mistakes:
  - {id: sum, value: a + b, message: "You added a and b instead of multiplying them together."}
hint: "Write b as ten plus the rest and multiply each piece by a."
solution: "{answer}"
"""

RECALL = """\
id: sig
equation: sigmoid-derivative
topic: calculus
title: Derivative of the sigmoid
kind: recall
small_space: true
prompt: "Write σ′(x) in terms of sigmoid(x)."
answer:
  type: formula
  value: sigmoid(x) * (1 - sigmoid(x))
  variables:
    x: {float: [-3, 3]}
mistakes:
  - {id: input, value: x * (1 - x), message: "Use the output of the sigmoid, not its input."}
solution: "{answer}"
"""

CHOICE = """\
id: indep
equation: bayes-theorem
topic: probability
title: Independence
kind: concept
small_space: true
params:
  pa: {choice: [0.3]}
  pb: {choice: [0.3, 0.5]}
prompt: "P(A) = {pa}, P(B) = {pb} and P(A, B) = P(A) P(B). What is P(A | B)?"
answer:
  type: choice
  options:
    - {text: "P(A) = {pa}", truth: "True"}
    - {text: "P(B) = {pb}", truth: "abs(pa - pb) < 1e-9"}
    - "Zero, since the events exclude each other"
  correct: 1
mistakes:
  - {id: marginal, option: 2, message: "Divide the joint by P(B)."}
solution: "{answer}"
"""


def load(text):
    return parse_template_text(textwrap.dedent(text), "t.yaml")


def kinds(report, kind):
    return [f for f in report.findings if f.kind == kind]


# --- the front --------------------------------------------------------------------------------


def test_without_given_there_is_no_parameter_panel_and_with_it_only_the_given():
    inst = generate(load(COMPUTE), 3)
    assert front(inst, load(COMPUTE), {}).params == {}
    given = load(COMPUTE.replace("kind: compute", "kind: compute\ngiven: [b, a]"))
    shown = front(inst, given, {})
    assert list(shown.params) == ["a", "b"]  # template order, never the derived `ab`


def test_card_defaults_to_after_for_recall_and_concept_and_before_for_compute():
    card = SimpleNamespace(name="Card", display="σ′(x) = σ(x) (1 − σ(x))")
    cards = {"sigmoid-derivative": card, "entropy": card, "bayes-theorem": card}
    recall, compute, concept = load(RECALL), load(COMPUTE), load(CHOICE)
    assert front(generate(recall, 0), recall, cards).card is None
    assert front(generate(concept, 0), concept, cards).card is None
    assert front(generate(compute, 0), compute, cards).card is card
    shown_first = load(RECALL.replace("kind: recall", "kind: recall\ncard: before"))
    assert front(generate(shown_first, 0), shown_first, cards).card is card
    hidden = load(COMPUTE.replace("kind: compute", "kind: compute\ncard: after"))
    assert front(generate(hidden, 0), hidden, cards).card is None


def test_the_hint_is_never_on_the_front():
    template = load(COMPUTE)
    inst = generate(template, 0)
    places = front(inst, template, {}).places()
    assert inst.hint and not any("ten plus the rest" in text for text in places.values())


@pytest.mark.parametrize("line, message", [
    ("given: [c]", "'given' names 'c', which is not a parameter"),
    ("card: sometimes", "'card' must be before or after"),
    ("small_space: maybe", "'small_space' must be true or false"),
])
def test_bad_front_fields_are_refused_with_their_line(line, message):
    with pytest.raises(TemplateError) as info:
        load(COMPUTE.replace("kind: compute", "kind: compute\n" + line))
    assert info.value.line == 6 and message in info.value.message


def test_an_option_mapping_needs_text():
    with pytest.raises(TemplateError) as info:
        load(CHOICE.replace('{text: "P(A) = {pa}", truth: "True"}', '{truth: "True"}'))
    assert "needs 'text'" in info.value.message


# --- leaks --------------------------------------------------------------------------------------


def test_number_forms_are_the_roundings_the_grader_accepts():
    # 2/3 = 0.6666…: 0.67 is 0.5 % off (refused at rtol 1e-3); 0.667 and 0.6667 are accepted.
    assert number_forms(2 / 3, rtol=1e-3) == {"0.667", "0.6667"}
    # 1234.6 to 2, 3, 4 significant figures: 1200, 1230, 1235; only 1235 is within 0.1 %,
    # all three within 5 %.
    assert number_forms(1234.6, rtol=1e-3) == {"1235"}
    assert number_forms(1234.6, rtol=0.05) == {"1200", "1230", "1235"}
    # a single significant digit is never looked for: 0.5 and 3 recur in any prompt
    assert number_forms(0.5, rtol=1e-3) == set() and number_forms(3, rtol=0) == set()


def test_a_clean_template_has_no_leak():
    report = check_template(load(COMPUTE), 30)
    assert kinds(report, "leak") == [] and report.ok


def test_a_given_parameter_that_is_the_answer_leaks():
    report = check_template(load(COMPUTE.replace("kind: compute", "kind: compute\ngiven: [a, ab]")), 30)
    leaks = kinds(report, "leak")
    assert leaks and "parameter ab shows the answer" in leaks[0].message and leaks[0].seed == 0


def test_a_whole_number_answer_that_is_a_drawn_input_is_data_not_a_leak():
    # "rows of W for a layer from a inputs to b outputs" is b: the prompt must state it
    text = COMPUTE.replace("value: a * b}", "value: b}").replace("{type: number", "{type: integer")
    text = text.replace("value: a + b,", "value: a,")
    assert kinds(check_template(load(text), 10), "leak") == []


def test_the_answer_value_in_the_prompt_leaks():
    # a·b is a whole number from 22 to 171; the prompt prints it
    report = check_template(load(COMPUTE.replace('Multiply a = {a} by b = {b}.', 'Check that {a} × {b} = {a*b}.')), 10)
    leaks = kinds(report, "leak")
    assert leaks and leaks[0].message.startswith("the prompt shows the answer")


def test_an_answer_rounded_to_the_graded_precision_leaks():
    text = COMPUTE.replace("value: a * b}", "value: a / b}").replace(
        'Multiply a = {a} by b = {b}.', 'Divide a = {a} by b = {b} (about {a / b:.3f}).')
    report = check_template(load(text), 10)
    assert kinds(report, "leak"), report.findings


def test_a_mistake_message_in_the_prompt_leaks():
    text = COMPUTE.replace('Multiply a = {a} by b = {b}.',
                           'Multiply a = {a} by b = {b}. You added a and b instead of multiplying them together.')
    leaks = kinds(check_template(load(text), 5), "leak")
    assert leaks and "mistake 'sum'" in leaks[0].message and "prompt" in leaks[0].message


def test_a_card_before_a_recall_answer_leaks_and_after_does_not():
    shown_first = load(RECALL.replace("kind: recall", "kind: recall\ncard: before"))
    leaks = kinds(check_template(shown_first, 3), "leak")
    assert leaks and "card shows the equation 'sigmoid-derivative'" in leaks[0].message
    assert kinds(check_template(load(RECALL), 3), "leak") == []


@pytest.mark.parametrize("shown", ["σ(x) · (1 − σ(x))", "sigmoid(x)*(1 - sigmoid(x))"])
def test_the_formula_printed_in_the_prompt_leaks(shown):
    text = RECALL.replace("Write σ′(x) in terms of sigmoid(x).", f"Is σ′(x) = {shown}?")
    leaks = kinds(check_template(load(text), 3), "leak")
    assert leaks and "the prompt shows the answer formula" in leaks[0].message


def test_a_hint_on_the_card_leaks():
    card = SimpleNamespace(name="Product", display="Write b as ten plus the rest and multiply each piece by a.")
    from trainer.core.checking.leaks import leak_findings

    template = load(COMPUTE)
    inst = generate(template, 0)
    found = list(leak_findings(template, inst, front(inst, template, {"entropy": card})))
    assert [f[1] for f in found] == ['the card shows the hint "Write b as ten plus the rest and multiply each piece '
                                     'by a." before the answer is submitted']


# --- option truth, option length, variety -------------------------------------------------------


def test_a_distractor_whose_truth_holds_fails_that_seed_only():
    report = check_template(load(CHOICE), 40)
    truth = kinds(report, "option-truth")
    bad_seeds = [s for s in range(40) if generate(load(CHOICE), s).params["pb"] == 0.3]
    assert truth and {f.seed for f in truth} - {None} <= set(bad_seeds) and truth[0].seed == bad_seeds[0]
    assert len(bad_seeds) == 3 + int(truth[-1].message.split()[2])  # three shown, "… and N more like this"
    assert "distractor 2" in truth[0].message


def test_a_keyed_option_whose_truth_fails_is_a_finding():
    text = CHOICE.replace('truth: "True"', 'truth: "pa > 0.5"').replace("pb: {choice: [0.3, 0.5]}",
                                                                       "pb: {choice: [0.5]}")
    truth = kinds(check_template(load(text), 5), "option-truth")
    assert truth and "keyed option 1" in truth[0].message


def test_the_keyed_option_longest_in_most_seeds_is_a_finding():
    text = CHOICE.replace('"P(A) = {pa}"', '"P(A) = {pa}, because knowing B tells nothing at all about A"')
    report = check_template(load(text.replace("pb: {choice: [0.3, 0.5]}", "pb: {choice: [0.5]}")), 20)
    assert kinds(report, "longest-option")
    assert report.length_ranks[0] == 20 and sum(report.positions) == 20


def test_too_few_distinct_instances_fail_unless_declared_small():
    text = CHOICE.replace("pb: {choice: [0.3, 0.5]}", "pb: {choice: [0.5]}")
    assert kinds(check_template(load(text), 200), "variety") == []  # small_space: true
    report = check_template(load(text.replace("small_space: true\n", "")), 200)
    assert report.distinct == 1 and kinds(report, "variety")
    pairs = {(generate(load(COMPUTE), s).params["a"], generate(load(COMPUTE), s).params["b"]) for s in range(200)}
    assert check_template(load(COMPUTE), 200).distinct == len(pairs) <= 8 * 9  # a in 2..9, b in 11..19


def test_the_bank_balance_adds_up_positions_and_length_ranks():
    reports = [{"positions": [3, 1], "length_ranks": [4, 0]}, {"positions": [0, 2, 2], "length_ranks": [0, 4, 0]},
               {"positions": [], "length_ranks": []}]
    balance = choice_balance(reports)
    assert balance == {"templates": 2, "instances": 8, "positions": [0.375, 0.375, 0.25],
                       "length_ranks": [0.5, 0.5, 0.0]}
    assert "A 38% · B 38% · C 25%" in balance_text(balance)
