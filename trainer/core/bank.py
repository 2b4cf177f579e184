"""The bank: every template found in a list of folders, with the broken files kept aside as errors.

Core layer. Folders are read in order (the bundled bank first, then the user's folder, then each
`--problems DIR`); a file that fails to load is reported with its file and line while the rest stay
usable, and a template id defined twice keeps its first definition and reports the second.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trainer.core.generate import Instance, generate
from trainer.core.template import Template, TemplateError, load_template

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class LoadError:
    """A template file that could not be used, located as precisely as the loader could."""

    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "line": self.line, "message": self.message}


@dataclass
class Bank:
    """Loaded templates by id, in load order, and the files that failed."""

    templates: dict[str, Template] = field(default_factory=dict)
    errors: list[LoadError] = field(default_factory=list)
    folders: tuple[Path, ...] = ()

    def get(self, template_id: str) -> Template:
        """The template with this id.

        Raises:
            KeyError: no such template (the message suggests close ids).
        """
        try:
            return self.templates[template_id]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(template_id, list(self.templates), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KeyError(f"no template with id {template_id!r}{hint}") from None

    def generate(self, template_id: str, seed: int) -> Instance:
        """The instance of template `template_id` for `seed`."""
        return generate(self.get(template_id), seed)

    def __len__(self) -> int:
        return len(self.templates)


def template_files(folder: Path) -> list[Path]:
    """Every template file below `folder`, in a stable order (hidden and `_` files skipped)."""
    if folder.is_file():
        return [folder]
    return sorted(p for p in folder.rglob("*") if p.suffix in SUFFIXES and p.is_file()
                  and not any(part.startswith((".", "_")) for part in p.relative_to(folder).parts))


def load_bank(folders: Sequence[Path | str], functions: Mapping[str, Any] | None = None) -> Bank:
    """Load every template in `folders` (files or directories), in order.

    Args:
        folders: the bundled bank first, then user folders; missing folders are skipped.
        functions: the expression whitelist (defaults to the solver registry).

    Returns:
        The bank; it never raises for a bad file: see `Bank.errors`.
    """
    bank = Bank(folders=tuple(Path(f) for f in folders))
    for folder in bank.folders:
        if not folder.exists():
            continue
        add_files(bank, template_files(folder), functions)
    return bank


def add_files(bank: Bank, files: Iterable[Path], functions: Mapping[str, Any] | None = None) -> None:
    """Load `files` into `bank`, recording failures and duplicate ids as errors."""
    for path in files:
        try:
            template = load_template(path, functions)
        except TemplateError as exc:
            bank.errors.append(LoadError(path, exc.line, exc.message))
            continue
        if template.id in bank.templates:
            first = bank.templates[template.id].path
            bank.errors.append(LoadError(path, template.lines.get("id"),
                                         f"duplicate id '{template.id}' (already defined in {first})"))
            continue
        bank.templates[template.id] = template
