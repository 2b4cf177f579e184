"""The command line: the composition root that resolves paths, opens the store and builds the session.

CLI layer. Each command lives in a module of this package that exposes `register(subparsers, common)`;
heavy imports (numpy, sympy, textual, sqlite_utils) happen inside the command that needs them so that
`trainer --help` and the TUI's first frame stay fast.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module


COMMAND_MODULES = ("tui", "authoring", "grade", "progress", "card", "graph", "place", "learner")

#: Which module registers each command: `trainer grade ...` imports and registers that module only
#: (importing every command module and building every sub-parser is a tenth of a short command's
#: time). tests/unit/test_cli_parser.py checks it against what the modules really register.
COMMAND_MODULE_OF = {
    "tui": "tui", "list": "authoring", "preview": "authoring", "check": "authoring", "new": "authoring",
    "schema": "authoring", "grade": "grade", "where": "progress", "stats": "progress", "export": "progress",
    "import": "progress", "backup": "progress", "restore": "progress", "config": "progress", "card": "card",
    "graph": "graph", "place": "place", "optimize": "learner", "workload": "learner",
}


class UserError(Exception):
    """A problem the user can fix (bad path, unknown id, corrupt file): printed without a traceback.

    Attributes:
        code: the exit code (1 for a finding or failure, 2 for bad usage).
    """

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


class _Version(argparse.Action):
    """`--version`, reading installed metadata only when asked (it is slow to import)."""

    def __call__(self, parser, namespace, values, option_string=None):
        import trainer

        parser.exit(message=f"trainer {trainer.__version__}\n")


def _common_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """Options every command accepts, before or after its name.

    Subcommands get SUPPRESS defaults so that `trainer --db X stats` is not undone by the
    subparser's own default.
    """
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--db", metavar="PATH", default=default,
                        help="progress database (default: $TRAINER_DB, else the user data directory)")
    parser.add_argument("--problems", metavar="DIR", action="append",
                        default=argparse.SUPPRESS if suppress else [],
                        help="extra problem folder, loaded after the bundled bank (repeatable)")


def study_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """`--topic`, `--tag`, `--equation`: review only part of the bank, scheduled as usual.

    Each may be repeated or given a comma list; within one option any value matches, the options
    combine with "and". `trainer tui` takes them too (SUPPRESS there, as for `--seed`).
    """
    for flag, what in (("--topic", "topic"), ("--tag", "tag"), ("--equation", "equation id")):
        parser.add_argument(flag, metavar=what.split()[0].upper(), action="append",
                            default=argparse.SUPPRESS if suppress else None,
                            help=f"study only this {what}, with normal scheduling (repeatable, or a comma list)")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser, every command registered.

    Args:
        only: register only the module of this command (see `COMMAND_MODULE_OF`); it parses that
            command's arguments exactly as the full parser does.
    """
    parser = argparse.ArgumentParser(
        prog="trainer",
        description="Practise the equations of machine learning: fresh randomized problems, "
        "graded by a solver, scheduled with FSRS.",
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="print the version and exit")
    _common_options(parser, suppress=False)
    parser.add_argument("--seed", type=int, default=None,
                        help="deterministic session (same problems in the same order), for demos and tests")
    study_options(parser, suppress=False)
    common = argparse.ArgumentParser(add_help=False)
    _common_options(common, suppress=True)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in (COMMAND_MODULE_OF[only],) if only is not None else COMMAND_MODULES:
        import_module(f"trainer.cli.{name}").register(subparsers, common)
    return parser


#: Options before the command that take a value in the next word (`--db PATH`).
_VALUE_OPTIONS = ("--db", "--problems", "--seed", "--topic", "--tag", "--equation")


def command_named(argv: list[str]) -> str | None:
    """The command `argv` names (`trainer --db X grade ...` → "grade"), or None when its first word
    that is not an option is not a known command (the full parser then reports it)."""
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word == "--":
            return None
        elif word.startswith("-"):
            # argparse accepts unambiguous abbreviations (`--pro DIR`): any prefix counts as the option.
            skip = "=" not in word and len(word) > 2 and any(o.startswith(word) for o in _VALUE_OPTIONS)
        else:
            return word if word in COMMAND_MODULE_OF else None
    return None


FREE_TEXT_OPTIONS = ("--answer",)


def _glue_free_text(argv: list[str]) -> list[str]:
    """`--answer -sum(p)` → `--answer=-sum(p)`: a typed answer may start with a minus sign, which
    argparse would otherwise take for an option."""
    out, i = [], 0
    while i < len(argv):
        if argv[i] in FREE_TEXT_OPTIONS and i + 1 < len(argv):
            out.append(f"{argv[i]}={argv[i + 1]}")
            i += 2
        else:
            out.append(argv[i])
            i += 1
    return out


def _tui_args(argv: list[str]) -> argparse.Namespace | None:
    """The arguments of a plain `trainer [OPTIONS]` (the TUI), parsed without importing every command's
    module: the TUI's start is timed against a bare Textual app. None when `argv` names a command, asks
    for help or does not parse here; the full parser then handles it, with its own messages."""
    if any(a in ("-h", "--help") for a in argv):
        return None
    parser = argparse.ArgumentParser(prog="trainer", add_help=False, exit_on_error=False)
    parser.add_argument("--version", action=_Version, nargs=0)
    _common_options(parser, suppress=False)
    parser.add_argument("--seed", type=int, default=None)
    study_options(parser, suppress=False)
    try:
        args, extra = parser.parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    return None if extra else args


def main(argv: list[str] | None = None) -> int:
    """Run `trainer`; returns the process exit code."""
    argv = _glue_free_text(sys.argv[1:] if argv is None else argv)
    args = _tui_args(argv) or build_parser(command_named(argv)).parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:  # no command: open the trainer
        handler = import_module("trainer.cli.tui").run
    try:
        from trainer.cli.clock import run_clock

        run_clock()  # a bad TRAINER_NOW stops every command before anything is opened or written
        return handler(args) or 0
    except UserError as exc:
        print(f"trainer: {exc}", file=sys.stderr)
        return exc.code
    except BrokenPipeError:  # `trainer list | head`: the reader left; exit quietly, as Unix tools do
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:
        # A storage error escaping a command (a save refused on a read-only or full disk) is a
        # message with its advice, never a traceback. errors.py is standard library only.
        from trainer.storage.errors import StoreError

        if not isinstance(exc, StoreError):
            raise
        print(f"trainer: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
