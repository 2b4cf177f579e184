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


# --- characters YAML refuses, files too large to read -------------------------------------------

from trainer.core.templates import safe_yaml  # noqa: E402
from trainer.core.templates.generation import GenerationError, generate  # noqa: E402
from trainer.core.templates.spec import MAX_PARAMS, parse_template_text  # noqa: E402


@pytest.mark.parametrize("text, line, shown", [
    ("# a comment \f with a form feed\n" + GOOD, 1, "U+000C (form feed)"),
    (GOOD.replace("title: T", "title: T\x1b[31m red"), 4, "U+001B (escape)"),
    (GOOD.replace("prompt: x = {x}", "prompt: x = {x}\x07"), 8, "U+0007 (bell)"),
])
def test_a_control_character_is_a_load_error_with_file_and_line(tmp_path, text, line, shown):
    path = write(tmp_path, text)
    with pytest.raises(TemplateError) as info:
        load_template(path)
    assert info.value.path == path and info.value.line == line
    assert shown in info.value.message
    assert str(info.value).startswith(f"{path}:{line}: ")


@pytest.mark.parametrize("lazy", [False, True])
def test_a_control_character_in_one_file_leaves_the_rest_of_the_bank_loaded(tmp_path, lazy):
    write(tmp_path, GOOD, "a-good.yaml")
    write(tmp_path, "# \f\n" + GOOD.replace("id: t", "id: u"), "b-formfeed.yaml")
    write(tmp_path, GOOD.replace("id: t", "id: v").replace("title: T", "title: \x1b]0;x\x07"), "c-esc.yaml")
    write(tmp_path, GOOD.replace("id: t", "id: w"), "d-good.yaml")
    bank = load_bank([tmp_path], lazy=lazy)
    assert sorted(bank.templates) == ["t", "w"]
    assert sorted(str(e) for e in bank.errors) == [
        f"{tmp_path / 'b-formfeed.yaml'}:1: the file contains the character U+000C (form feed) at column 3, "
        "which YAML does not allow; delete it",
        f"{tmp_path / 'c-esc.yaml'}:4: the file contains the character U+001B (escape) at column 8, "
        "which YAML does not allow; delete it",
    ]
    assert generate(bank.templates["w"], 0).params["x"] in range(1, 6)


def test_a_lone_surrogate_and_a_bad_byte_are_located(tmp_path):
    with pytest.raises(TemplateError) as info:
        parse_template_text(GOOD.replace("title: T", "title: \ud800"), "s.yaml")
    assert info.value.line == 4 and "surrogate" in info.value.message
    path = tmp_path / "latin1.yaml"
    path.write_bytes(GOOD.replace("title: T", "title: caf\xe9").encode("latin-1"))
    with pytest.raises(TemplateError) as info:
        load_template(path)
    assert info.value.line == 4 and "not UTF-8" in info.value.message and "0xe9" in info.value.message


class CountingOpen:
    """`open` for safe_yaml that records how many bytes were read from each file."""

    def __init__(self):
        self.read = 0

    def __call__(self, path, mode="r", *args, **kwargs):
        fh = open(path, mode, *args, **kwargs)
        outer = self
        real_read = fh.read

        class Counted:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                fh.close()

            def fileno(self):
                return fh.fileno()

            def read(self, n=-1):
                data = real_read(n)
                outer.read += len(data)
                return data

        return Counted()


def test_a_sparse_2_gib_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as f:
        f.truncate(2 * 1024**3)
    counting = CountingOpen()
    monkeypatch.setattr(safe_yaml, "open", counting, raising=False)
    with pytest.raises(TemplateError) as info:
        load_template(path)
    assert "larger than 256 KiB" in info.value.message and info.value.path == path
    assert counting.read == 0
    write(tmp_path, GOOD, "good.yaml")
    bank = load_bank([tmp_path])
    assert list(bank.templates) == ["t"] and [e.path.name for e in bank.errors] == ["huge.yaml"]


def test_when_the_size_is_unknown_at_most_the_limit_plus_one_byte_is_read(tmp_path, monkeypatch):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (3 * safe_yaml.MAX_BYTES))
    counting = CountingOpen()
    monkeypatch.setattr(safe_yaml, "open", counting, raising=False)

    class NoSize:
        st_size = 0

    monkeypatch.setattr(safe_yaml.os, "fstat", lambda fd: NoSize())
    with pytest.raises(TemplateError, match="larger than 256 KiB"):
        load_template(path)
    assert counting.read == safe_yaml.MAX_BYTES + 1


def test_a_file_just_under_the_limit_still_loads(tmp_path):
    padding = "#" * (safe_yaml.MAX_BYTES - len(GOOD) - 1) + "\n"
    assert load_template(write(tmp_path, padding + GOOD)).id == "t"


# --- bounds on parameters, constraints and draws ------------------------------------------------

def test_more_than_the_parameter_limit_is_refused_at_the_first_extra_one(tmp_path):
    params = "".join(f"  p{i}: {{int: [1, 5]}}\n" for i in range(MAX_PARAMS + 1))
    err = refused(tmp_path, GOOD.replace("  x: {int: [1, 5]}\n", "  x: {int: [1, 5]}\n" + params))
    # x is line 7, p0 line 8, ... the 65th parameter (p63) is on line 7 + 64.
    assert err.line == 7 + MAX_PARAMS and f"more than {MAX_PARAMS} parameters" in err.message


def test_exactly_the_parameter_limit_loads(tmp_path):
    params = "".join(f"  p{i}: {{int: [1, 5]}}\n" for i in range(MAX_PARAMS - 1))
    template = load_template(write(tmp_path, GOOD.replace("  x: {int: [1, 5]}\n", "  x: {int: [1, 5]}\n" + params)))
    assert len(template.params) == MAX_PARAMS


def test_unsatisfiable_constraint_stops_early_and_is_named_with_its_line(tmp_path):
    text = GOOD.replace("prompt:", "where:\n  - x > 0\n  - x > 10\nprompt:")
    template = load_template(write(tmp_path, text))
    report = check_template(template, seeds=200)
    # x is drawn from 1..5, so `x > 10` (line 10) rejects every draw and `x > 0` (line 9) none.
    generate_findings = [f for f in report.findings if f.kind == "generate"]
    assert len(generate_findings) == 1 and generate_findings[0].line == 10
    assert "'x > 10' (line 10) rejected 300 of them" in generate_findings[0].message
    assert report.draws == 300 and report.generated == 0 and not report.ok
    assert any(f.kind == "constraints" and "first 300 draws" in f.message for f in report.findings)


def test_a_size_error_that_no_seed_can_escape_is_reported_once(tmp_path):
    text = GOOD.replace("  x: {int: [1, 5]}\n", "  x: {int: [1, 5]}\n  k: {value: 30}\n  A: {vector: k}\n")
    template = load_template(write(tmp_path, text))
    report = check_template(template, seeds=200)
    assert report.draws == 1 and report.generated == 0
    [finding] = [f for f in report.findings if f.kind == "generate"]
    assert finding.line == 9 and "vector length must be from 1 to 20, got 30" in finding.message
    assert "no seed can succeed" in finding.message


def test_a_constraint_on_constants_only_is_reported_once(tmp_path):
    text = GOOD.replace("  x: {int: [1, 5]}\n", "  x: {int: [1, 5]}\n  k: {value: 3}\n") \
        .replace("prompt:", "where: [k > 4]\nprompt:")
    report = check_template(load_template(write(tmp_path, text)), seeds=200)
    assert report.draws == 1 and not report.ok
    assert sum(f.kind == "generate" for f in report.findings) == 1
    assert any(f.kind == "constraints" and f.line == 9 for f in report.findings)


def test_check_stops_at_its_time_budget_with_a_finding(tmp_path):
    ticks = iter(range(10**6))  # a clock that advances one second per reading
    template = load_template(write(tmp_path, GOOD))
    report = check_template(template, seeds=200, clock=lambda: float(next(ticks)), time_budget=5)
    # Read once for the deadline (t=0, deadline 5) and once per seed: seeds 0..4 run, seed 5 stops.
    assert report.generated == 5
    [finding] = [f for f in report.findings if f.kind == "budget"]
    assert finding.seed == 5 and "5 of 200 seeds" in finding.message


def test_a_rarely_true_constraint_costs_a_bounded_number_of_draws(tmp_path):
    text = GOOD.replace("[1, 5]", "[1, 1000000]").replace("prompt:", "where: [x == 1]\nprompt:")
    report = check_template(load_template(write(tmp_path, text)), seeds=200)
    # True for 1 draw in a million: an exact run would need ~2e8 draws; the budget is 100 per seed.
    assert report.draws <= 100 * 200 and not report.ok
    assert any(f.kind == "constraints" for f in report.findings)


def test_generation_refuses_a_non_finite_answer(tmp_path):
    text = GOOD.replace("  x: {int: [1, 5]}\n", "  x: {value: 3}\n").replace("value: x * 2", "value: 1 / (x - 3)")
    template = load_template(write(tmp_path, text))
    with pytest.raises(GenerationError, match="not finite") as info:
        generate(template, 0)
    assert info.value.kind == "non-finite"


def test_instances_served_for_a_sometimes_infinite_answer_are_all_finite(tmp_path):
    template = load_template(write(tmp_path, GOOD.replace("value: x * 2", "value: 1 / (x - 3)")))
    refused_seeds = 0
    for seed in range(60):
        try:
            inst = generate(template, seed)
        except GenerationError as exc:
            refused_seeds += 1
            assert exc.kind == "non-finite"
            continue
        assert inst.params["x"] != 3 and inst.answer.value == 1 / (inst.params["x"] - 3)
    assert 0 < refused_seeds < 60  # x = 3 is one value in five


# --- the commands that load the bank ------------------------------------------------------------

from trainer.cli import main  # noqa: E402


def test_list_preview_and_check_work_beside_a_file_with_a_control_character(tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    write(folder, GOOD.replace("id: t", "id: my-good"), "good.yaml")
    write(folder, "# \f\n" + GOOD.replace("id: t", "id: my-broken"), "broken.yaml")
    assert main(["list", "--problems", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert "my-good" in out and "my-broken" not in out
    assert f"{folder / 'broken.yaml'}:1: the file contains the character U+000C (form feed)" in err
    assert main(["preview", "my-good", "--problems", str(folder)]) == 0
    assert "x = " in capsys.readouterr().out
    assert main(["check", str(folder), "--seeds", "5", "--jobs", "1"]) == 1
    out = capsys.readouterr().out
    assert f"{folder / 'broken.yaml'}:1: error: [load]" in out and "1 file(s) not loaded" in out


def test_check_file_finds_an_id_that_a_bundled_template_already_uses(tmp_path, capsys):
    path = write(tmp_path, GOOD.replace("id: t", "id: entropy-bits"), "mine.yaml")
    assert main(["check", str(path), "--seeds", "3", "--jobs", "1"]) == 1
    out = capsys.readouterr().out
    assert f"{path}:1: error: [duplicate-id] id 'entropy-bits' is already used by " in out
    assert "entropy-bits.yaml" in out


def test_check_of_a_bundled_file_is_not_its_own_duplicate(capsys):
    from tests.support.paths import PROBLEMS

    path = next(PROBLEMS.rglob("entropy-bits.yaml"))
    main(["check", str(path), "--seeds", "2", "--jobs", "1"])
    assert "duplicate-id" not in capsys.readouterr().out


def test_check_lists_templates_that_generate_nothing(tmp_path, capsys):
    write(tmp_path, GOOD, "good.yaml")
    write(tmp_path, GOOD.replace("id: t", "id: never").replace("prompt:", "where: [x > 10]\nprompt:"), "never.yaml")
    assert main(["check", str(tmp_path), "--seeds", "5", "--jobs", "1"]) == 1
    out = capsys.readouterr().out
    assert "1 template(s) generated no instance (cannot be served): never" in out
    assert f"{tmp_path / 'never.yaml'}:8: error: [generate]" in out and "'x > 10'" in out


def test_a_costly_template_stops_at_the_work_budget(tmp_path, monkeypatch):
    from trainer.core.checking import check

    monkeypatch.setattr(check, "WORK_BUDGET", 30_000)
    params = "".join(f"  p{i}: {{int: [1, 50]}}\n" for i in range(63))
    text = GOOD.replace("  x: {int: [1, 5]}\n", "  x: {int: [1, 5]}\n" + params) \
        .replace("prompt:", "where: [p0 == 1]\nprompt:")
    report = check_template(load_template(write(tmp_path, text)), seeds=200)
    # 64 scalar parameters and one constraint: 65 units a draw, so at most 30,000 // 65 = 461 draws,
    # where the 2% acceptance of `p0 == 1` would need about 200 * 50 = 10,000.
    assert report.draws <= 461 and 0 < report.generated < 200
    assert any(f.kind == "budget" and "65 units" in f.message for f in report.findings)


def test_the_session_the_tui_runs_on_opens_beside_a_broken_file_and_names_it(tmp_path):
    from datetime import datetime, timezone

    from trainer.session import Session

    folder = tmp_path / "mine"
    folder.mkdir()
    write(folder, "# \f\n" + GOOD.replace("id: t", "id: broken"), "broken.yaml")
    with open(folder / "huge.yaml", "wb") as f:
        f.truncate(2 * 1024**3)
    write(folder, GOOD.replace("id: t", "id: mine"), "good.yaml")
    session = Session.open(tmp_path / "t.db", bank_paths=[folder],
                           clock=lambda: datetime(2026, 1, 5, 9, tzinfo=timezone.utc),
                           seed=0)
    assert list(session.bank.templates) == ["mine"]
    assert sorted((e.path.name, e.line) for e in session.bank.errors) == [("broken.yaml", 1), ("huge.yaml", None)]
    item = session.next_item()
    assert item.instance.template_id == "mine" and item.instance.answer.value == 2 * item.instance.params["x"]


def test_a_choice_of_text_lists_is_refused_with_its_line(tmp_path):
    error = refused(tmp_path, GOOD.replace("x: {int: [1, 5]}", "x: {choice: [[a, b], [c, d]]}"))
    assert error.line == 7 and "must hold numbers only" in str(error)
