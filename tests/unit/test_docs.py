"""Docs stay honest: every command has help and is in the README; the README's commands are real."""

import re

import pytest

from trainer.cli import build_parser

from tests.support.paths import ROOT
README = (ROOT / "README.md").read_text()


def commands():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sub.choices, {a.dest: a.help for a in sub._choices_actions}


@pytest.mark.parametrize("name", sorted(commands()[0]))
def test_every_command_has_help_and_is_in_the_readme(name):
    choices, helps = commands()
    assert helps.get(name), f"`trainer {name}` has no help text"
    assert choices[name].format_help()
    assert f"`trainer {name}" in README, f"`trainer {name}` is not documented in README.md"


def test_readme_has_exactly_the_two_quickstart_commands():
    for marker in ("run-command", "test-command"):
        block = re.search(rf"<!-- {marker} -->\n```\n(.+?)\n```\n<!-- /{marker} -->", README, re.S)
        assert block and "\n" not in block.group(1).strip(), marker
    assert "pytest" in re.search(r"<!-- test-command -->(.+?)<!--", README, re.S).group(1)


def test_authoring_doc_covers_every_field_and_sampler():
    from trainer.core.templates import samplers
    from trainer.core.templates import spec as template

    doc = (ROOT / "docs" / "authoring.md").read_text()
    for name in [*template.TOP_FIELDS, *template.ANSWER_FIELDS, *template.ANSWER_TYPES, *samplers.KINDS,
                 *samplers.PROPERTIES]:
        assert f"`{name}`" in doc or f"`{name}:" in doc, f"docs/authoring.md does not mention `{name}`"
