"""Shared wiring for commands: which problem folders are in use and how the bank is loaded.

CLI layer. The bundled bank comes first, then the user's folder under the platform data directory,
then every `--problems DIR` in the order given.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from trainer.cli import UserError
from trainer.cli.locations import bundled_problems_dir, user_problems_dir


def problem_folders(args: argparse.Namespace) -> list[Path]:
    """Bundled bank, user folder, then `--problems` folders (each must exist)."""
    extra = [Path(p).expanduser() for p in (getattr(args, "problems", None) or [])]
    for folder in extra:
        if not folder.exists():
            raise UserError(f"--problems {folder}: no such file or folder", 2)
    return [bundled_problems_dir(), user_problems_dir(), *extra]


def load_bank(args: argparse.Namespace):
    """The bank for this invocation (broken files are in `bank.errors`, never raised)."""
    from trainer.core.bank import load_bank as _load

    return _load(problem_folders(args))


def template_or_exit(bank, template_id: str):
    """The template `template_id`, or a usage error (exit 2) that suggests close ids."""
    try:
        return bank.get(template_id)
    except KeyError as exc:
        raise UserError(exc.args[0], 2) from None
