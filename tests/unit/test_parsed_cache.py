"""The parsed-template cache gives what the YAML reader gives, and is never believed over the file."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.paths import PROBLEMS, ROOT
from trainer.core.templates import bank as bank_module
from trainer.core.templates.bank import load_index, template_files
from trainer.core.templates.generation import generate
from trainer.core.templates.lined import LineDict, LineList
from trainer.core.templates.parsed_cache import parsed_data
from trainer.core.templates.safe_yaml import load_yaml
from trainer.core.templates.spec import TemplateError, load_template

SOFTMAX = (PROBLEMS / "deep-learning" / "softmax-recall.yaml").read_text(encoding="utf-8")


def _same(a, b) -> None:
    """Equal values, equal container types, equal lines at every level."""
    assert type(a) is type(b)
    if isinstance(a, LineDict):
        assert list(a) == list(b)
        assert a.line == b.line and a.lines == b.lines
        for key in a:
            _same(a[key], b[key])
    elif isinstance(a, LineList):
        assert len(a) == len(b) and a.line == b.line and a.lines == b.lines
        for x, y in zip(a, b):
            _same(x, y)
    else:
        assert a == b or (a != a and b != b)  # NaN


def test_every_bundled_template_reads_back_as_the_yaml_reader_reads_it(tmp_path):
    files = template_files(PROBLEMS)
    assert len(files) > 40
    for path in files:
        expected = load_yaml(path.read_text(encoding="utf-8"))
        _same(parsed_data(path, tmp_path), expected)  # parsed, then written
        _same(parsed_data(path, tmp_path), expected)  # from the cache
    assert len(list(tmp_path.glob("*.json"))) == len(files)


def test_a_cached_template_compiles_and_generates_as_the_file_does(tmp_path):
    path = PROBLEMS / "deep-learning" / "softmax-recall.yaml"
    load_template(path, cache_dir=tmp_path)
    cached = load_template(path, cache_dir=tmp_path)
    assert cached.summary() == load_template(path).summary()
    assert generate(cached, 5).answer.display == "exp(z)/sum(exp(z))"
    assert generate(cached, 5).prompt == generate(load_template(path), 5).prompt


def test_a_changed_file_is_parsed_again(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(SOFTMAX, encoding="utf-8")
    assert load_template(path, cache_dir=tmp_path / "c").title == "Write the softmax function"
    path.write_text(SOFTMAX.replace("Write the softmax function", "Write the SOFTMAX function"), encoding="utf-8")
    assert load_template(path, cache_dir=tmp_path / "c").title == "Write the SOFTMAX function"


@pytest.mark.parametrize("data", [
    "not json {",
    {"d": [[1, 2, "key is not text"]], "l": 1},
    {"d": [["id", "one", "x"]], "l": 1},
    {"s": [1, 2], "n": [1], "l": 1},
    {"x": 1},
])
def test_a_corrupt_entry_is_ignored_and_rewritten(tmp_path, data):
    path = tmp_path / "t.yaml"
    path.write_text(SOFTMAX, encoding="utf-8")
    cache = tmp_path / "c"
    parsed_data(path, cache)
    entry_file = next(cache.glob("*.json"))
    if isinstance(data, str):
        entry_file.write_text(data, encoding="utf-8")
    else:
        entry = json.loads(entry_file.read_text(encoding="utf-8"))
        entry["data"] = data
        entry_file.write_text(json.dumps(entry), encoding="utf-8")
    _same(parsed_data(path, cache), load_yaml(SOFTMAX))
    assert json.loads(entry_file.read_text(encoding="utf-8"))["data"]["d"][0][0] == "id"


def test_a_file_that_does_not_parse_fails_as_without_the_cache(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(TemplateError) as plain:
        load_template(path)
    for _ in range(2):
        with pytest.raises(TemplateError) as cached:
            load_template(path, cache_dir=tmp_path / "c")
        assert str(cached.value) == str(plain.value)
    assert not list((tmp_path / "c").glob("*.json"))


def test_a_value_json_cannot_hold_exactly_is_parsed_every_time(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("id: x\nwhen: 2024-05-01\nratio: .inf\n", encoding="utf-8")
    cache = tmp_path / "c"
    for _ in range(2):
        data = parsed_data(path, cache)
        assert str(data["when"]) == "2024-05-01" and data["ratio"] == float("inf")
    assert not cache.exists() or not list(cache.glob("*.json"))


def test_a_settled_file_is_known_by_its_size_and_time_without_being_read(tmp_path, monkeypatch):
    folder, cache = tmp_path / "p", tmp_path / "index.json"
    folder.mkdir()
    path = folder / "a.yaml"
    path.write_text(SOFTMAX, encoding="utf-8")
    old = time.time() - 3600
    os.utime(path, (old, old))
    load_index([folder], cache)
    reads = []
    real = bank_module._file_digest
    monkeypatch.setattr(bank_module, "_file_digest", lambda p: reads.append(p) or real(p))
    assert list(load_index([folder], cache).templates) == ["softmax-recall"]
    assert reads == []
    path.write_text(SOFTMAX.replace("Write the softmax function", "Softmax, new"), encoding="utf-8")
    again = load_index([folder], cache)  # a new mtime: digested, recompiled
    assert reads == [path] and again.rebuilt == 1
    assert again.get("softmax-recall").title == "Softmax, new"


def test_a_just_written_file_is_always_digested(tmp_path, monkeypatch):
    # Written now, it could be written again within the same timestamp tick with the same size.
    folder, cache = tmp_path / "p", tmp_path / "index.json"
    folder.mkdir()
    (folder / "a.yaml").write_text(SOFTMAX, encoding="utf-8")
    load_index([folder], cache)
    reads = []
    real = bank_module._file_digest
    monkeypatch.setattr(bank_module, "_file_digest", lambda p: reads.append(p) or real(p))
    load_index([folder], cache)
    assert reads == [folder / "a.yaml"]


def test_a_warm_grade_imports_no_yaml(tmp_path):
    env = {**os.environ, "TRAINER_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env.pop("TRAINER_DB", None)
    probe = ("import io, sys, contextlib\n"
             "from trainer.cli import main\n"
             "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
             "    main(['grade', 'softmax-recall', '--answer', 'exp(z)/sum(exp(z))'])\n"
             "assert '✓ correct' in out.getvalue(), out.getvalue()\n"
             "print(sorted(m for m in ('yaml', 'sympy', 'textual', 'sqlite_utils') if m in sys.modules))\n")
    run = [sys.executable, "-c", probe]
    subprocess.run(run, env=env, cwd=ROOT, check=True, capture_output=True)  # writes the caches
    warm = subprocess.run(run, env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    assert warm.stdout.strip() == "[]"
