"""`trainer check --jobs N`: worker processes change nothing in what is reported, and a worker that
fails costs a finding, never a traceback."""

import json
import os
import re

import pytest

import trainer.cli.authoring as authoring
from trainer.cli import main

GOOD = """\
id: good-{n}
equation: entropy
topic: information
title: Good {n}
kind: compute
params:
  a: {{int: [2, 99]}}
  b: {{int: [2, 99]}}
prompt: "Add a = {{a}} and b = {{b}}."
answer: {{type: integer, value: a + b + {n}00}}
mistakes:
  - {{id: subtracted, value: a - b + {n}00, message: "You subtracted b from a instead of adding them."}}
solution: "{{answer}}"
"""

SAME = """\
id: same
equation: mse
topic: losses
title: S
kind: compute
params:
  a: {int: [1, 9]}
prompt: "Take {a}."
answer: {type: number, value: a * 2}
mistakes:
  - {id: m, value: a + a, message: x}
solution: "{answer}"
"""

BROKEN = "id: broken-one\nequation: entropy\ntopic: information\ntitle: B\nkind: compute\nprompt: [unclosed\n"


def bank(folder):
    for n in (1, 2, 3):
        (folder / f"good-{n}.yaml").write_text(GOOD.format(n=n))
    (folder / "same.yaml").write_text(SAME)
    (folder / "broken-one.yaml").write_text(BROKEN)
    return folder


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def without_time(text):
    return re.sub(r"\d+\.\d s$", "", text.rstrip(), flags=re.M)


def test_two_workers_report_exactly_what_one_process_reports(capsys, tmp_path):
    folder = bank(tmp_path)
    serial = run(capsys, "check", str(folder), "--seeds", "30", "--jobs", "1")
    parallel = run(capsys, "check", str(folder), "--seeds", "30", "--jobs", "2", "--no-cache")
    assert serial[0] == parallel[0] == 1
    assert without_time(serial[1]) == without_time(parallel[1])
    assert f"{folder / 'broken-one.yaml'}:6" in parallel[1]  # file and line of the broken file
    assert "[mistake-equals-answer]" in parallel[1]
    _, one, _ = run(capsys, "check", str(folder), "--seeds", "30", "--jobs", "1", "--json", "--no-cache")
    _, two, _ = run(capsys, "check", str(folder), "--seeds", "30", "--jobs", "2", "--json", "--no-cache")
    one, two = json.loads(one), json.loads(two)
    one.pop("seconds"), two.pop("seconds")
    assert one == two and [r["id"] for r in two["reports"]] == ["good-1", "good-2", "good-3", "same"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the crash is injected into forked workers")
def test_a_worker_that_dies_becomes_a_finding(capsys, tmp_path, monkeypatch):
    folder = bank(tmp_path)
    real = authoring._check_one

    def dying(path, seeds, template_id="", *rest):
        if template_id == "good-2":
            os._exit(3)  # as if killed for memory
        return real(path, seeds, template_id, *rest)

    # Workers find the function by its module and name, and forked ones see the patched module.
    dying.__module__, dying.__qualname__ = real.__module__, real.__qualname__
    monkeypatch.setattr(authoring, "_check_one", dying)
    code, out, err = run(capsys, "check", str(folder), "--seeds", "5", "--jobs", "2", "--json")
    assert code == 1 and "Traceback" not in err
    reports = {r["id"]: r for r in json.loads(out)["reports"]}
    failed = reports["good-2"]["findings"]
    assert len(failed) == 1 and failed[0]["kind"] == "check" and "the checking process failed" in failed[0]["message"]
    assert failed[0]["path"] == str(folder / "good-2.yaml")
    # Only the template whose process died: the others are checked again and pass.
    assert reports["good-1"]["ok"] and reports["good-3"]["ok"] and reports["good-1"]["generated"] == 5


def test_a_checker_error_becomes_a_finding_naming_the_file(capsys, tmp_path, monkeypatch):
    folder = bank(tmp_path)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in check")

    monkeypatch.setattr("trainer.core.checking.check.check_template", broken)
    code, out, err = run(capsys, "check", str(folder / "good-1.yaml"), "--seeds", "5", "--jobs", "1")
    assert code == 1 and "Traceback" not in err
    assert f"{folder / 'good-1.yaml'}: error: [check] checking failed: RuntimeError: a bug in check" in out


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_cold_check_compiles_each_template_once(capsys, tmp_path, monkeypatch, jobs):
    import trainer.core.templates.spec as spec

    folder = bank(tmp_path)
    compiled = []
    real = spec.parse_template_data
    monkeypatch.setattr(spec, "parse_template_data",
                        lambda data, path, *a, **k: compiled.append(os.path.basename(path)) or real(data, path, *a, **k))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no bank index yet: building it compiles them
    run(capsys, "check", str(folder), "--seeds", "3", "--jobs", jobs, "--no-cache")
    # The four sound files once each (forked workers compile nothing); the broken one fails in YAML.
    assert sorted(compiled) == ["good-1.yaml", "good-2.yaml", "good-3.yaml", "same.yaml"]


def test_checks_run_with_the_collector_tuned_and_it_is_restored_after(capsys, tmp_path, monkeypatch):
    import gc

    folder = bank(tmp_path)
    real = authoring._check_one
    seen = []

    def observed(*args, **kwargs):
        seen.append((gc.get_threshold()[0], gc.get_freeze_count() > 0))
        return real(*args, **kwargs)

    monkeypatch.setattr(authoring, "_check_one", observed)
    gc.unfreeze()  # a TUI test run earlier in this process may have frozen its objects
    before_threshold, before_frozen = gc.get_threshold(), gc.get_freeze_count()
    run(capsys, "check", str(folder), "--seeds", "3", "--jobs", "1", "--no-cache")
    # Every check ran with the loaded modules frozen and collections batched by 10,000 allocations ...
    assert seen == [(10_000, True)] * 4
    # ... and the command leaves the collector as it found it, a failing check included.
    assert gc.get_threshold() == before_threshold and gc.get_freeze_count() == before_frozen
    monkeypatch.setattr(authoring, "_check_one", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        run(capsys, "check", str(folder / "good-1.yaml"), "--seeds", "3", "--jobs", "1", "--no-cache")
    assert gc.get_threshold() == before_threshold and gc.get_freeze_count() == before_frozen
