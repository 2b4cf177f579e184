"""Hostile and broken template files are refused with file:line and nothing in them runs."""

import textwrap

import pytest

from trainer.core.templates.bank import load_bank
from trainer.core.checking.check import check_template
from trainer.core.templates.spec import TemplateError, load_template

GOOD = """\
id: t
equation: entropy
topic: information
title: T
kind: compute
params:
  x: {int: [1, 5]}
prompt: x = {x}
answer: {type: number, value: x * 2}
mistakes:
  - {id: half, value: x / 2, message: halved}
solution: "{answer}"
"""


def write(tmp_path, text, name="t.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def refused(tmp_path, text):
    with pytest.raises(TemplateError) as info:
        load_template(write(tmp_path, text))
    return info.value


def test_a_good_template_loads(tmp_path):
    assert load_template(write(tmp_path, GOOD)).id == "t"


def test_level_defaults_to_1_and_is_read_when_given(tmp_path):
    assert load_template(write(tmp_path, GOOD)).level == 1
    assert load_template(write(tmp_path, GOOD.replace("kind: compute", "kind: compute\nlevel: 3"))).level == 3


@pytest.mark.parametrize("bad", ["0", "4", "true", "hard"])
def test_a_level_outside_1_to_3_is_refused_with_its_line(tmp_path, bad):
    error = refused(tmp_path, GOOD.replace("kind: compute", f"kind: compute\nlevel: {bad}"))
    assert error.line == 6 and "'level' must be 1, 2 or 3" in str(error)


def test_python_object_tag_is_refused_and_never_constructed(tmp_path):
    marker = tmp_path / "pwned"
    err = refused(tmp_path, GOOD + f'evil: !!python/object/apply:os.system ["touch {marker}"]\n')
    assert err.line == 13 and "!!python/object/apply:os.system" in err.message
    assert not marker.exists()


def test_billion_laughs_alias_bomb_is_refused(tmp_path):
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for prev, cur in zip("abcdefgh", "bcdefghi"):
        bomb += f"{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
    err = refused(tmp_path, bomb)
    assert err.line == 1 and "anchors" in err.message


def test_expression_reaching_for_import_is_refused_with_its_line(tmp_path):
    err = refused(tmp_path, GOOD.replace("value: x * 2", "value: __import__('os')"))
    assert err.line == 9 and "'_'" in err.message


def test_attribute_access_is_refused(tmp_path):
    err = refused(tmp_path, GOOD.replace("x / 2", "x.__class__"))
    assert err.line == 11 and "attribute" in err.message


def test_unknown_function_suggests_the_close_one(tmp_path):
    err = refused(tmp_path, GOOD.replace("x * 2", "entropi(x)"))
    assert "entropy()" in err.message


def test_empty_range_is_refused_at_load(tmp_path):
    err = refused(tmp_path, GOOD.replace("[1, 5]", "[5, 1]"))
    assert err.line == 7 and "empty" in err.message


def test_parameter_used_before_it_is_defined(tmp_path):
    err = refused(tmp_path, GOOD.replace("  x: {int: [1, 5]}", "  y: {expr: x + 1}\n  x: {int: [1, 5]}"))
    assert "not defined before" in err.message


def test_unknown_field_is_named_with_a_suggestion(tmp_path):
    err = refused(tmp_path, GOOD + "mistkes: []\n")
    assert err.line == 13 and "mistkes" in err.message and "mistakes" in err.message


def test_missing_required_field(tmp_path):
    err = refused(tmp_path, GOOD.replace("solution: \"{answer}\"\n", ""))
    assert "solution" in err.message


def test_placeholder_with_unknown_name(tmp_path):
    err = refused(tmp_path, GOOD.replace("prompt: x = {x}", "prompt: x = {y}"))
    assert err.line == 8 and "'y'" in err.message


def test_unsatisfiable_constraint_is_a_finding_not_a_hang(tmp_path):
    template = load_template(write(tmp_path, GOOD.replace("prompt:", "where: [x > 10]\nprompt:")))
    report = check_template(template, seeds=3)
    kinds = {f.kind for f in report.findings}
    assert "generate" in kinds and "constraints" in kinds and not report.ok


def test_solver_dividing_by_zero_for_some_seeds_is_found(tmp_path):
    template = load_template(write(tmp_path, GOOD.replace("value: x * 2", "value: 1 / (x - 3)")))
    report = check_template(template, seeds=40)
    assert any(f.kind == "non-finite" for f in report.findings)


def test_mistake_equal_to_answer_is_found(tmp_path):
    template = load_template(write(tmp_path, GOOD.replace("x / 2", "x + x")))
    report = check_template(template, seeds=5)
    assert any(f.kind == "mistake-equals-answer" for f in report.findings)


def test_a_broken_file_does_not_stop_the_rest_of_the_bank(tmp_path):
    write(tmp_path, GOOD, "good.yaml")
    write(tmp_path, GOOD.replace("id: t", "id: u").replace("[1, 5]", "[1, 5"), "broken.yaml")
    write(tmp_path, GOOD, "dup.yaml")
    bank = load_bank([tmp_path])
    assert list(bank.templates) == ["t"]
    messages = sorted(str(e) for e in bank.errors)
    assert any("broken.yaml:7" in m and "syntax" in m for m in messages)
    assert any("dup.yaml" in m and "duplicate id 't'" in m for m in messages)


def test_non_utf8_and_non_mapping_files(tmp_path):
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(TemplateError, match="UTF-8"):
        load_template(path)
    assert "mapping" in refused(tmp_path, "- just\n- a list\n").message


def test_lazy_bank_compiles_on_use_and_reports_late_failures(tmp_path):
    write(tmp_path, GOOD, "good.yaml")
    write(tmp_path, GOOD.replace("id: t", "id: bad").replace("value: x * 2", "value: x.y"), "bad.yaml")
    bank = load_bank([tmp_path], lazy=True)
    assert sorted(bank.templates) == ["bad", "t"] and bank.errors == []  # headers only so far
    assert bank.generate("t", 3).answer.value == 2 * bank.generate("t", 3).params["x"]
    bank.build_all()
    assert list(bank.templates) == ["t"]
    assert [(e.path.name, e.line) for e in bank.errors] == [("bad.yaml", 9)]


def test_lazy_and_eager_banks_make_identical_instances(bank):
    from tests.support.paths import PROBLEMS

    lazy = load_bank([PROBLEMS], lazy=True)
    for tid in list(bank.templates)[:10]:
        assert lazy.generate(tid, 11).to_dict() == bank.generate(tid, 11).to_dict()
