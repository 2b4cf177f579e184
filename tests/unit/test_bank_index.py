"""The bank index: `trainer list` answered from a validated JSON cache, the same as parsing every file."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import PROBLEMS, ROOT
from trainer.core.templates.bank import load_bank, load_index
from trainer.core.templates.spec import TemplateError

SOFTMAX = (PROBLEMS / "deep-learning" / "softmax-recall.yaml").read_text(encoding="utf-8")


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "problems"
    folder.mkdir()
    (folder / "a.yaml").write_text(SOFTMAX, encoding="utf-8")
    (folder / "b.yaml").write_text(SOFTMAX.replace("id: softmax-recall", "id: softmax-second")
                                   .replace("Write the softmax function", "Softmax again"), encoding="utf-8")
    return folder


def test_the_index_lists_the_bundled_bank_as_the_loader_does(tmp_path):
    cache = tmp_path / "index.json"
    bank = load_bank([PROBLEMS])
    cold = load_index([PROBLEMS], cache)
    warm = load_index([PROBLEMS], cache)
    expected = [t.summary() for t in bank.templates.values()]
    assert [h.summary() for h in cold.templates.values()] == expected
    assert [h.summary() for h in warm.templates.values()] == expected
    assert cold.rebuilt == len(expected) and warm.rebuilt == 0


def test_a_changed_file_is_read_again_and_only_it(tmp_path):
    folder, cache = _folder(tmp_path), tmp_path / "index.json"
    assert load_index([folder], cache).get("softmax-second").title == "Softmax again"
    # Same size, same second: only the content tells the change.
    (folder / "b.yaml").write_text(SOFTMAX.replace("id: softmax-recall", "id: softmax-second")
                                   .replace("Write the softmax function", "Softmax AGAIN"), encoding="utf-8")
    again = load_index([folder], cache)
    assert again.rebuilt == 1
    assert again.get("softmax-second").title == "Softmax AGAIN"


@pytest.mark.parametrize("content", [
    b"not json at all {",
    b'{"version": 999, "files": {}}',
    b"[1, 2, 3]",
    b'{"version": 1, "files": {"x": {"digest": 5}}}',
    b'{"version": 1, "code": "another version", "files": {}}',
])
def test_a_corrupt_or_foreign_cache_is_ignored_and_rebuilt(tmp_path, content):
    folder, cache = _folder(tmp_path), tmp_path / "index.json"
    cache.write_bytes(content)
    index = load_index([folder], cache)
    assert sorted(index.templates) == ["softmax-recall", "softmax-second"]
    assert index.rebuilt == 2
    assert json.loads(cache.read_text(encoding="utf-8"))["version"] == 1


def test_a_tampered_entry_is_not_believed(tmp_path):
    folder, cache = _folder(tmp_path), tmp_path / "index.json"
    load_index([folder], cache)
    data = json.loads(cache.read_text(encoding="utf-8"))
    entry = data["files"][str(folder / "a.yaml")]
    entry["summary"]["level"] = "three"  # wrong type: the whole entry is rebuilt from the file
    cache.write_text(json.dumps(data), encoding="utf-8")
    index = load_index([folder], cache)
    assert index.rebuilt == 1
    assert index.get("softmax-recall").level == 1


def test_broken_files_and_duplicate_ids_are_reported_as_the_loader_reports_them(tmp_path):
    folder, cache = _folder(tmp_path), tmp_path / "index.json"
    (folder / "c.yaml").write_text(SOFTMAX, encoding="utf-8")  # softmax-recall again, id on line 1
    (folder / "d.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    for index in (load_index([folder], cache), load_index([folder], cache)):
        assert [str(e) for e in index.errors] == [str(e) for e in load_bank([folder]).errors]
        assert any(f"{folder / 'c.yaml'}:1: duplicate id 'softmax-recall'" in str(e) for e in index.errors)
        assert any(str(e).startswith(f"{folder / 'd.yaml'}:") for e in index.errors)


def test_an_unknown_id_suggests_close_ones(tmp_path):
    index = load_index([_folder(tmp_path)], None)
    with pytest.raises(KeyError, match="did you mean softmax-recall"):
        index.get("softmax-recal")


def test_a_warm_list_imports_neither_numpy_nor_yaml(tmp_path):
    env = {**os.environ, "TRAINER_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env.pop("TRAINER_DB", None)
    probe = ("import io, sys, contextlib\n"
             "from trainer.cli import main\n"
             "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
             "    main(['list'])\n"
             "assert 'softmax-recall' in out.getvalue()\n"
             "print(sorted(m for m in ('numpy', 'yaml', 'sympy', 'textual', 'sqlite_utils') if m in sys.modules))\n")
    run = [sys.executable, "-c", probe]
    subprocess.run(run, env=env, cwd=ROOT, check=True, capture_output=True)  # writes the cache
    warm = subprocess.run(run, env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    assert warm.stdout.strip() == "[]"
    assert (tmp_path / "cache" / "bank-index.json").is_file()


def test_a_lazy_bank_from_the_index_compiles_each_template_from_its_own_file(tmp_path):
    folder, cache = _folder(tmp_path), tmp_path / "index.json"
    (folder / "c.yaml").write_text(SOFTMAX, encoding="utf-8")  # a duplicate id
    plain = load_bank([folder])
    for _ in range(2):  # cold, then warm: the same bank
        bank = load_bank([folder], lazy=True, index_path=cache)
        assert list(bank.templates) == ["softmax-recall", "softmax-second"]
        assert [str(e) for e in bank.errors] == [str(e) for e in plain.errors]
        second = bank.get("softmax-second")
        assert second.title == "Softmax again"
        assert second.lines["id"] == 1  # from the compiled template: the header holds no line numbers
        assert second.summary() == plain.get("softmax-second").summary()
        assert bank.generate("softmax-second", 3).answer.display == "exp(z)/sum(exp(z))"


def test_a_cache_written_by_other_core_code_is_not_trusted(tmp_path):
    folder, cache = _folder(tmp_path), tmp_path / "index.json"
    load_index([folder], cache)
    data = json.loads(cache.read_text(encoding="utf-8"))
    data["code"] = "0" * 32  # as if the template rules had changed since the entries were validated
    cache.write_text(json.dumps(data), encoding="utf-8")
    assert load_index([folder], cache).rebuilt == 2
    assert load_index([folder], cache).rebuilt == 0


def test_templates_compiled_to_build_the_index_are_not_compiled_again(tmp_path):
    folder, cache = _folder(tmp_path), tmp_path / "index.json"
    fresh = load_bank([folder], lazy=True, index_path=cache)
    # Building the index compiled both files: they are served as compiled, with nothing read again.
    (folder / "a.yaml").unlink()
    (folder / "b.yaml").unlink()
    assert fresh.get("softmax-second").resolve().title == "Softmax again"
    assert fresh.get("softmax-recall").resolve().answer.type == "formula"
    # With the index known, nothing is compiled until used: the deleted file cannot be.
    (tmp_path / "again").mkdir()
    warm_folder = _folder(tmp_path / "again")
    load_bank([warm_folder], lazy=True, index_path=cache)
    warm = load_bank([warm_folder], lazy=True, index_path=cache)
    (warm_folder / "a.yaml").unlink()
    assert warm.get("softmax-second").resolve().title == "Softmax again"
    with pytest.raises(TemplateError, match="cannot read the file"):
        warm.get("softmax-recall").resolve()
