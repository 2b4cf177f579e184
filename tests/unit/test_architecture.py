"""The layer contracts hold, heavy packages stay out of light paths, and the wheel carries the bank."""

import subprocess
import sys
import zipfile

import pytest

from tests.support.paths import ROOT


def test_import_contracts_hold():
    proc = subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command; "
                           "lint_imports_command()"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "broken" not in proc.stdout.lower() or "0 broken" in proc.stdout


def modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_session_and_core_do_not_import_textual_or_sympy():
    loaded = modules_after("import trainer.session, trainer.core.grading.grader, trainer.core.templates.bank")
    assert "textual" not in loaded
    assert "sympy" not in loaded


def test_opening_an_existing_database_does_not_import_sqlite_utils(tmp_path):
    # sqlite-utils is needed to create or migrate a file, not to use an up-to-date one (start-up time).
    db = tmp_path / "t.db"
    modules_after(f"from trainer.storage import Store; Store.open({str(db)!r}).close()")
    loaded = modules_after(f"from trainer.storage import Store; Store.open({str(db)!r}).close()")
    assert "sqlite_utils" not in loaded


def test_cli_help_is_light():
    loaded = modules_after("from trainer.cli import build_parser; build_parser()")
    assert not {"numpy", "textual", "sympy", "sqlite_utils"} & loaded


@pytest.mark.slow
def test_the_wheel_carries_the_bank_and_the_schema(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel = next(tmp_path.glob("trainer-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    bundled = [n for n in names if n.startswith("trainer/problems/") and n.endswith(".yaml")]
    source = list((ROOT / "problems").rglob("*.yaml"))
    assert len(bundled) == len(source) >= 40
    assert "trainer/schema/template.schema.json" in names


def test_no_package_export_is_shadowed_by_a_submodule_of_the_same_name():
    """`from trainer.core.templates import generate` once gave the submodule `generate.py`, not the
    function, as soon as anything had imported that submodule: a lazy export must not share its name."""
    import importlib
    import pkgutil

    import trainer.core

    for info in pkgutil.iter_modules(trainer.core.__path__):
        if not info.ispkg:
            continue
        package = importlib.import_module(f"trainer.core.{info.name}")
        submodules = {m.name for m in pkgutil.iter_modules(package.__path__)}
        clash = set(getattr(package, "__all__", ())) & submodules
        assert not clash, f"trainer.core.{info.name} exports {sorted(clash)}, also the names of its submodules"
    from trainer.core.grading import grade
    from trainer.core.templates import generate

    assert callable(generate) and callable(grade)
    assert not isinstance(generate, type(importlib))
