"""The `hard-wrap` finding: a prompt whose sentences were wrapped by hand inside a `|` block.

Core layer, used by `trainer.core.checking.check`. A literal block keeps every newline, and the review
screen shows them, so a line wrapped at ~90 columns in the file breaks a sentence in the middle on an
80-column terminal. Lines meant to stand alone (indented equations, list items, paragraph breaks, a
lead-in ending in a colon, formula or table lines) are left alone. Read once per template, not per seed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from trainer.core.templates.spec import Template

# A line ending in one of these (before closing brackets or quotes) ends a sentence or a clause, or
# introduces what follows: the next line may start afresh.
_STOPS = ".!?;:"
_CLOSERS = ")]}\"'”’»"
_ITEM = re.compile(r"(?:[-*•+]\s|\d{1,2}[.)]\s|\(\w{1,3}\)(?:\s|$))")
_HOLE = re.compile(r"\{[^{}]*\}")
_WORD = re.compile(r"[^\W\d_]{3,}")  # a word of three letters or more: prose has two to a line
_COLUMNS = re.compile(r"\S {3,}\S")


def hard_wrap_lines(text: str) -> Iterator[int]:
    """The 0-based indices of the lines of `text` that end mid-sentence and run on into the next line.

    Such a line is not blank, not indented, ends without sentence or clause punctuation or a colon, is
    prose rather than a formula or table row, and is followed by a line of the same paragraph (not
    blank, not indented); neither line starts a list item ("- ", "* ", "1. ", "(a)"), since items
    are often fragments and the line after the last one starts afresh.

    Args:
        text: template text as written (placeholders not filled in), lines separated by "\\n".

    Returns:
        An iterator over the indices of the broken lines, in order.
    """
    lines = text.split("\n")
    for i, (line, following) in enumerate(zip(lines, lines[1:])):
        if _flowing(line) and _flowing(following) and not _ends_clause(line) and _prose(line) \
                and not _ITEM.match(line) and not _ITEM.match(following):
            yield i


def hard_wrap_findings(template: Template) -> Iterator[tuple[str, str, int | None]]:
    """`hard-wrap` findings for the template's prompt, one per broken line.

    Args:
        template: a loaded template; its prompt source and the line of its `prompt:` key are read.

    Returns:
        An iterator of (kind, message, line) with the file line of each broken line: in a `|` block,
        the n-th line of the text is n lines below the `prompt:` key (None when that key's line is unknown).
    """
    start = template.lines.get("prompt")
    for i in hard_wrap_lines(template.prompt.source):
        yield ("hard-wrap", "this prompt line ends mid-sentence and the next line continues it: the screen "
                            "keeps the line break, so join the two lines (keep breaks only between "
                            "paragraphs, before list items and around indented equations)",
               start + 1 + i if start else None)


def _flowing(line: str) -> bool:
    """Whether the line is running text: not blank and not indented."""
    return bool(line.strip()) and not line[0].isspace()


def _ends_clause(line: str) -> bool:
    end = line.rstrip().rstrip(_CLOSERS)
    return bool(end) and end[-1] in _STOPS


def _prose(line: str) -> bool:
    """Whether the line reads as words rather than as a formula (`Q = {Q}`) or a table row drawn in text."""
    if _COLUMNS.search(line.strip()):  # cells aligned by runs of spaces
        return False
    return len(_WORD.findall(_HOLE.sub(" ", line))) >= 2
