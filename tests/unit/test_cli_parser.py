"""The one-command parser (`build_parser(only=...)`) knows every command and parses as the full one does."""

import argparse

import pytest

from trainer.cli import COMMAND_MODULE_OF, build_parser, command_named


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_registered_command_is_mapped_to_its_module():
    full = _commands(build_parser())
    assert set(full) == set(COMMAND_MODULE_OF)
    for name in full:
        only = _commands(build_parser(name))
        assert name in only
        assert only[name].format_help() == full[name].format_help()


@pytest.mark.parametrize(("argv", "command"), [
    (["grade", "x", "--answer", "1"], "grade"),
    (["--db", "grade", "list"], "list"),        # "grade" is the value of --db here
    (["--db=stats", "preview", "x"], "preview"),
    (["--pro", "where", "stats"], "stats"),     # an abbreviated --problems takes a value too
    (["--seed", "3", "--topic", "losses", "tui"], "tui"),
    (["--version"], None),
    (["nonsense"], None),
    (["--", "grade"], None),
    ([], None),
])
def test_command_named_finds_the_command_word(argv, command):
    assert command_named(argv) == command


@pytest.mark.parametrize("argv", [
    ["grade", "softmax-recall", "--seed", "4", "--answer=-1", "--json"],
    ["--db", "/tmp/x.db", "preview", "softmax-recall", "--seed", "2"],
    ["--problems", "a", "list", "--json"],
    ["stats", "--json"],
])
def test_the_one_command_parser_gives_the_full_parsers_namespace(argv):
    full = vars(build_parser().parse_args(argv))
    only = vars(build_parser(command_named(argv)).parse_args(argv))
    assert only == full
