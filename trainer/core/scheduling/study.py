"""Which part of the bank a session studies: a filter on topic, tag and equation (Anki's filtered deck).

Core layer, pure. The session keeps its queue to the templates a `StudyFilter` matches, with the
normal schedule and recording; the CLI (`--topic/--tag/--equation`) and Home's study modal build one
and check it against the bank with `check`, which names the known values of a misspelt one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


def _split(values: Iterable[str] | None) -> frozenset[str]:
    """Repeated options and comma lists alike: ["a,b", "c"] → {"a", "b", "c"}."""
    out: set[str] = set()
    for value in values or ():
        out.update(part.strip() for part in str(value).split(",") if part.strip())
    return frozenset(out)


@dataclass(frozen=True)
class StudyFilter:
    """Templates to study. Within a kind any value matches (or); the kinds combine with and.

    Attributes:
        topics: topic names (empty: any topic).
        tags: template tags (empty: any tags).
        equations: equation ids (empty: any equation).
    """

    topics: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    equations: frozenset[str] = frozenset()

    @classmethod
    def build(cls, topics: Iterable[str] | None = None, tags: Iterable[str] | None = None,
              equations: Iterable[str] | None = None) -> StudyFilter:
        """A filter from option values, each possibly a comma list.

        Args:
            topics: topic names.
            tags: tags.
            equations: equation ids.

        Returns:
            The filter (empty when nothing was given).
        """
        return cls(_split(topics), _split(tags), _split(equations))

    @property
    def empty(self) -> bool:
        """True when the filter lets every template through."""
        return not (self.topics or self.tags or self.equations)

    def matches(self, template) -> bool:
        """Whether a template (anything with `topic`, `equation` and optionally `tags`) is studied."""
        if self.topics and template.topic not in self.topics:
            return False
        if self.equations and template.equation not in self.equations:
            return False
        if self.tags and not self.tags.intersection(getattr(template, "tags", ()) or ()):
            return False
        return True

    def describe(self) -> str:
        """A short label for a status line, e.g. "topic probability · tag exam" ("" when empty)."""
        parts = []
        for label, values in (("topic", self.topics), ("tag", self.tags), ("equation", self.equations)):
            if values:
                parts.append(f"{label} {', '.join(sorted(values))}")
        return " · ".join(parts)

    def check(self, templates: Iterable) -> None:
        """Refuse values no template has, and a combination that matches nothing.

        Args:
            templates: the bank's templates.

        Raises:
            ValueError: an unknown topic, tag or equation (the message lists the known ones), or
                no template matching every part of the filter.
        """
        pool = list(templates)
        known = {
            "topic": {t.topic for t in pool},
            "tag": {tag for t in pool for tag in (getattr(t, "tags", ()) or ())},
            "equation": {t.equation for t in pool},
        }
        for label, values in (("topic", self.topics), ("tag", self.tags), ("equation", self.equations)):
            unknown = sorted(values - known[label])
            if unknown:
                listing = ", ".join(sorted(known[label])) or "none"
                raise ValueError(f"unknown {label} {', '.join(repr(u) for u in unknown)} (known {label}s: {listing})")
        if not any(self.matches(t) for t in pool):
            raise ValueError(f"no template matches {self.describe()}")
