"""`trainer check` replays the stored report of an unchanged template: same output, same exit code;
an edited template, a corrupt cache slot or `--no-cache` is checked afresh."""

import json
import re

import pytest

from trainer.cli import main
from trainer.cli.locations import check_results_dir
from trainer.core.checking.results import ResultCache, checker_digest

# a + a is 2a for every a: the listed mistake equals the answer on every seed (line 11).
DOUBLED = """\
id: doubled
equation: mse
topic: losses
title: Doubled
kind: compute
params:
  a: {int: [1, 9]}
prompt: "Take {a}."
answer: {type: number, value: a * 2}
mistakes:
  - {id: added-twice, value: a + a, message: "You added a to itself."}
solution: "{answer}"
"""

SUM = """\
id: sum
equation: entropy
topic: information
title: Sum
kind: compute
params:
  a: {int: [2, 99]}
  b: {int: [2, 99]}
prompt: "Add a = {a} and b = {b}."
answer: {type: integer, value: a + b}
mistakes:
  - {id: subtracted, value: a - b, message: "You subtracted b from a instead of adding them."}
solution: "{answer}"
"""


@pytest.fixture
def folder(tmp_path):
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "doubled.yaml").write_text(DOUBLED, encoding="utf-8")
    (bank / "sum.yaml").write_text(SUM, encoding="utf-8")
    return bank


@pytest.fixture
def checked(monkeypatch):
    """The ids of the templates really checked (not replayed) in this test, in order."""
    import trainer.core.checking.check as check

    real, ids = check.check_template, []

    def counting(template, *args, **kwargs):
        ids.append(template.id)
        return real(template, *args, **kwargs)

    monkeypatch.setattr(check, "check_template", counting)
    return ids


def run(capsys, *argv):
    code = main(["check", *map(str, argv), "--seeds", "5", "--jobs", "1"])
    out = capsys.readouterr()
    return code, re.sub(r", \d+\.\d s$", "", out.out.rstrip(), flags=re.M), out.err


def expect_known_findings(code, out, folder):
    """What 5 seeds of the fixture bank must report, worked out by hand: `doubled`'s mistake equals
    the answer and grades as correct on all 5 seeds, 3 of each shown, then "… and 2 more"."""
    doubled = folder / "doubled.yaml"
    assert code == 1
    assert out.count(f"{doubled}:11: error: [mistake-equals-answer] mistake 'added-twice' equals the answer") == 3
    assert out.count(f"{doubled}: error: [self-grade] mistake 'added-twice' typed as") == 3
    assert out.count(f"{doubled}: error: [mistake-equals-answer] … and 2 more like this") == 1
    assert out.count(f"{doubled}: error: [self-grade] … and 2 more like this") == 1
    assert re.search(r"^sum +5 +100\.0% +\d+ +ok$", out, flags=re.M)
    assert out.endswith("FAILED: 2 templates × 5 seeds, 8 finding(s), 0 file(s) not loaded")


def test_an_unchanged_bank_is_replayed_with_the_same_output_and_exit_code(capsys, folder, checked):
    cold = run(capsys, folder)
    assert sorted(checked) == ["doubled", "sum"]
    warm = run(capsys, folder)
    assert sorted(checked) == ["doubled", "sum"]  # nothing checked the second time
    expect_known_findings(cold[0], cold[1], folder)
    assert warm[:2] == cold[:2] and "Traceback" not in warm[2]


def test_the_json_reports_are_the_same_replayed(capsys, folder, checked):
    cold = json.loads(run(capsys, folder, "--json")[1])
    warm = json.loads(run(capsys, folder, "--json")[1])
    assert len(checked) == 2
    cold.pop("seconds"), warm.pop("seconds")
    assert warm == cold and cold["errors"] == 8


def test_editing_a_template_checks_that_one_again(capsys, folder, checked):
    run(capsys, folder)
    # Fix the mistake: a - a is 0, never 2a for a ≥ 1; the sum is untouched.
    (folder / "doubled.yaml").write_text(DOUBLED.replace("value: a + a", "value: a - a"), encoding="utf-8")
    code, out, _ = run(capsys, folder)
    assert checked == ["doubled", "sum", "doubled"] or checked == ["sum", "doubled", "doubled"]
    assert code == 0 and "[mistake-equals-answer]" not in out
    assert out.endswith("ok: 2 templates × 5 seeds, 0 finding(s), 0 file(s) not loaded")


def test_a_change_of_one_byte_is_a_change(capsys, folder, checked):
    run(capsys, folder)
    (folder / "sum.yaml").write_text(SUM + "\n", encoding="utf-8")
    run(capsys, folder)
    assert checked.count("sum") == 2 and checked.count("doubled") == 1


def test_other_seeds_are_checked_again(capsys, folder, checked):
    run(capsys, folder)
    main(["check", str(folder), "--seeds", "6", "--jobs", "1"])
    capsys.readouterr()
    assert len(checked) == 4


@pytest.mark.parametrize("garbage", [b"{not json", b"\xff\xfe\x00", b"[]", b'{"format": 1, "key": 3}',
                                     json.dumps({"format": 1, "key": "x", "report": {"id": 1}}).encode()])
def test_a_corrupt_cache_slot_is_ignored(capsys, folder, checked, garbage):
    cold = run(capsys, folder)
    slots = sorted(check_results_dir().glob("*.json"))
    assert len(slots) == 2
    for slot in slots:
        slot.write_bytes(garbage)
    again = run(capsys, folder)
    assert len(checked) == 4  # both checked afresh, no error
    assert again[:2] == cold[:2] and "Traceback" not in again[2]
    expect_known_findings(again[0], again[1], folder)


def test_a_slot_whose_key_was_rewritten_to_the_right_one_but_report_mangled_is_ignored(capsys, folder, checked):
    run(capsys, folder)
    for slot in check_results_dir().glob("*.json"):
        entry = json.loads(slot.read_text(encoding="utf-8"))
        entry["report"]["findings"] = "nonsense"
        slot.write_text(json.dumps(entry), encoding="utf-8")
    code, out, _ = run(capsys, folder)
    assert len(checked) == 4
    expect_known_findings(code, out, folder)


def test_no_cache_checks_everything_again(capsys, folder, checked):
    cold = run(capsys, folder)
    fresh = run(capsys, folder, "--no-cache")
    assert len(checked) == 4
    assert fresh[:2] == cold[:2]
    expect_known_findings(fresh[0], fresh[1], folder)


def test_an_unwritable_cache_folder_only_costs_the_replay(capsys, folder, checked, tmp_path, monkeypatch):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("TRAINER_HOME", str(blocker))  # the cache folder would be inside a file
    code, out, err = run(capsys, folder)
    expect_known_findings(code, out, folder)
    run(capsys, folder)
    assert len(checked) == 4 and "Traceback" not in err


def test_a_report_with_a_time_dependent_finding_is_not_stored(tmp_path):
    cache = ResultCache(tmp_path, "digest")
    budget = {"id": "t", "seeds": 5, "generated": 2, "acceptance": 1.0, "findings": [
        {"id": "t", "path": "t.yaml", "line": None, "kind": "budget", "message": "stopped", "seed": 2,
         "severity": "error"}]}
    key = cache.key("t.yaml", b"bytes", 5, False)
    assert cache.put(key, "t.yaml", 5, False, budget, 1.0) is False
    assert cache.get(key, "t.yaml", 5, False) is None
    fine = {**budget, "findings": []}
    assert cache.put(key, "t.yaml", 5, False, fine, 1.0) is True
    assert cache.get(key, "t.yaml", 5, False) == fine
    assert cache.seconds("t.yaml", 5, False) == 1.0


def test_the_key_follows_every_input(tmp_path):
    a = ResultCache(tmp_path, "checker-1")
    b = ResultCache(tmp_path, "checker-2")
    base = a.key("t.yaml", b"bytes", 5, False)
    assert base == a.key("t.yaml", b"bytes", 5, False)
    others = {a.key("t.yaml", b"bytez", 5, False), a.key("u.yaml", b"bytes", 5, False),
              a.key("t.yaml", b"bytes", 6, False), a.key("t.yaml", b"bytes", 5, True),
              b.key("t.yaml", b"bytes", 5, False)}
    assert base not in others and len(others) == 5


def test_the_checker_digest_follows_its_source_files(tmp_path):
    worker = tmp_path / "worker.py"
    worker.write_text("x = 1\n", encoding="utf-8")
    first = checker_digest([worker])
    assert checker_digest([worker]) == first
    worker.write_text("x = 2\n", encoding="utf-8")
    assert checker_digest([worker]) != first


def test_where_names_the_check_results_folder(capsys, isolated_home):
    assert main(["where", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["check_results"] == str(isolated_home / "cache" / "check-results")


def test_a_file_that_does_not_load_is_reported_alike_cold_and_warm(capsys, folder, checked):
    (folder / "broken.yaml").write_text("id: broken\nequation: mse\ntopic: losses\ntitle: B\nkind: compute\n"
                                        "prompt: [unclosed\n", encoding="utf-8")
    cold = run(capsys, folder)
    warm = run(capsys, folder)
    assert sorted(checked) == ["doubled", "sum"]  # the broken file is never a report, the rest replayed
    assert warm[:2] == cold[:2] and cold[0] == 1
    assert f"{folder / 'broken.yaml'}:6: error: [load] YAML syntax error" in warm[1]
    assert warm[1].endswith("FAILED: 2 templates × 5 seeds, 9 finding(s), 1 file(s) not loaded")
