"""Shared wiring for commands: which problem folders are in use and how the bank is loaded.

CLI layer. The bundled bank comes first, then the user's folder under the platform data directory,
then every `--problems DIR` in the order given.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from trainer.cli import UserError
from trainer.cli.locations import bundled_problems_dir, user_problems_dir


def folders_for(extra: list[str] | None) -> list[Path]:
    """Bundled bank, the user folder (skipped by the loader when absent), then each extra folder or
    file; a missing extra one is a usage error (exit 2)."""
    paths = [Path(p).expanduser() for p in (extra or [])]
    for path in paths:
        if not path.exists():
            raise UserError(f"--problems {path}: no such file or folder", 2)
    return [bundled_problems_dir(), user_problems_dir(), *paths]


def problem_folders(args: argparse.Namespace) -> list[Path]:
    """The folders in use for this invocation (see `folders_for`)."""
    return folders_for(getattr(args, "problems", None))


def load_bank(args: argparse.Namespace):
    """The bank for this invocation (broken files are in `bank.errors`, never raised)."""
    from trainer.core.templates.bank import load_bank as _load

    return _load(problem_folders(args))


def template_or_exit(bank, template_id: str):
    """The template `template_id`, or a usage error (exit 2) that suggests close ids."""
    try:
        return bank.get(template_id)
    except KeyError as exc:
        raise UserError(exc.args[0], 2) from None


def bank_index(args: argparse.Namespace):
    """Every template's header for this invocation, from the bank index cache where files are unchanged
    (so `trainer list` parses no YAML and imports neither numpy nor yaml on a warm cache)."""
    from trainer.cli.locations import bank_index_path
    from trainer.core.templates.bank import load_index

    return load_index(problem_folders(args), bank_index_path())


def load_one(args: argparse.Namespace, template_id: str):
    """The compiled template `template_id`, reading only its own file (the index says which);
    an unknown id is a usage error (exit 2) that suggests close ids, as with the whole bank."""
    from trainer.cli.locations import bank_index_path
    from trainer.core.templates.bank import parsed_cache_dir
    from trainer.core.templates.spec import TemplateError, load_template

    header = template_or_exit(bank_index(args), template_id)
    try:
        return load_template(header.path, cache_dir=parsed_cache_dir(bank_index_path()))
    except TemplateError as exc:  # changed since the index was read: report it as the loader would
        raise UserError(f"skipped {exc}") from None
