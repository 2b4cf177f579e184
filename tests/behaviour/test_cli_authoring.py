"""The authoring commands, run as a user would (in-process through `trainer.cli.main`)."""

import json

import pytest

from trainer.cli import main

BROKEN = "id: broken-one\nequation: entropy\ntopic: information\ntitle: B\nkind: compute\nprompt: [unclosed\n"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_json_has_the_documented_keys(capsys):
    code, out, _ = run(capsys, "list", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) >= 40
    assert {"id", "equation", "topic", "title", "kind", "level", "answer_type"} <= set(rows[0])
    assert {row["level"] for row in rows} <= {1, 2, 3}


def test_preview_json_keys_and_determinism(capsys, bank):
    tid = sorted(bank.templates)[0]
    _, first, _ = run(capsys, "preview", tid, "--seed", "5", "--json")
    _, again, _ = run(capsys, "preview", tid, "--seed", "5", "--json")
    data = json.loads(first)
    assert first == again
    assert {"id", "seed", "params", "prompt", "answer", "solution"} <= set(data)
    assert data["id"] == tid and data["seed"] == 5


def test_preview_unknown_id_is_a_usage_error_with_a_suggestion(capsys, bank):
    tid = sorted(bank.templates)[0]
    code, _, err = run(capsys, "preview", tid + "x")
    assert code == 2 and tid in err and "Traceback" not in err


def test_new_writes_a_template_that_passes_check(capsys, tmp_path):
    code, out, _ = run(capsys, "new", "my-bayes", "--dir", str(tmp_path))
    assert code == 0 and (tmp_path / "my-bayes.yaml").exists()
    code, out, _ = run(capsys, "check", str(tmp_path), "--seeds", "50", "--jobs", "1")
    assert code == 0, out
    code, _, err = run(capsys, "new", "my-bayes", "--dir", str(tmp_path))
    assert code == 1 and "already exists" in err


def test_new_refuses_a_bad_id(capsys, tmp_path):
    code, _, err = run(capsys, "new", "Bad Id", "--dir", str(tmp_path))
    assert code == 2 and "kebab-case" in err


def test_check_reports_file_and_line_and_exits_1(capsys, tmp_path):
    (tmp_path / "broken-one.yaml").write_text(BROKEN)
    code, out, _ = run(capsys, "check", str(tmp_path), "--seeds", "5", "--jobs", "1")
    assert code == 1
    assert f"{tmp_path / 'broken-one.yaml'}:6" in out and "FAILED" in out


def test_check_finds_a_mistake_equal_to_the_answer(capsys, tmp_path):
    (tmp_path / "same.yaml").write_text(
        "id: same\nequation: mse\ntopic: losses\ntitle: S\nkind: compute\nparams:\n  a: {int: [1, 9]}\n"
        "prompt: '{a}'\nanswer: {type: number, value: a*2}\nmistakes:\n  - {id: m, value: a+a, message: x}\n"
        "solution: '{answer}'\n")
    code, out, _ = run(capsys, "check", str(tmp_path), "--seeds", "5", "--jobs", "1", "--json")
    report = json.loads(out)
    assert code == 1
    kinds = {f["kind"] for r in report["reports"] for f in r["findings"]}
    assert "mistake-equals-answer" in kinds


def test_broken_user_file_is_reported_and_the_rest_still_load(capsys, tmp_path):
    (tmp_path / "broken-one.yaml").write_text(BROKEN)
    code, out, err = run(capsys, "--problems", str(tmp_path), "list", "--json")
    assert code == 0 and len(json.loads(out)) >= 40
    assert "broken-one.yaml:6" in err


def test_missing_problems_folder_is_a_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, "list", "--problems", str(tmp_path / "nope"))
    assert code == 2 and "no such" in err


@pytest.mark.slow
def test_check_the_whole_bundled_bank(capsys):
    code, out, _ = run(capsys, "check", "--seeds", "20")
    assert code == 0, out
