"""The bank: every template found in a list of folders, with the broken files kept aside as errors.

Core layer. Folders are read in order (the bundled bank first, then the user's folder, then each
`--problems DIR`); a file that fails to load is reported with its file and line while the rest stay
usable, and a template id defined twice keeps its first definition and reports the second.

`load_bank(..., lazy=True)` reads every file's YAML but compiles a template only when it is first
used: the trainer needs one template to show its first problem, not all of them. `build_all()`
finishes the job later and moves any template that fails validation into `errors`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trainer.core.templates.generate import Instance, generate
from trainer.core.templates.spec import (
    Template,
    TemplateError,
    load_template,
    parse_template_data,
    read_template_text,
)
from trainer.core.templates.safe_yaml import LineDict, YamlError, load_yaml

HEADER = ("id", "equation", "topic", "title", "kind")

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


class LazyTemplate:
    """A template's header now (id, equation, topic, title, kind, level, tags, answer_type, path), the
    compiled template on first use of anything else.

    Raises (on first use of a non-header attribute):
        TemplateError: the file does not validate; the bank then lists it in `errors`.
    """

    __slots__ = ("id", "equation", "topic", "title", "kind", "level", "tags", "answer_type", "path", "lines",
                 "_data", "_bank", "_template")

    def __init__(self, data: LineDict, path: Path, bank: Bank):
        self.id, self.equation, self.topic, self.title, self.kind = (str(data[k]).strip() for k in HEADER)
        level = data.get("level", 1)
        self.level = level if level in (1, 2, 3) and not isinstance(level, bool) else 1
        tags = data.get("tags")
        self.tags = tuple(tags) if isinstance(tags, list) else ()
        answer = data.get("answer")
        self.answer_type = answer.get("type") if isinstance(answer, dict) else None
        self.path = path
        self.lines = dict(data.lines)
        self._data, self._bank, self._template = data, bank, None

    def resolve(self) -> Template:
        """The compiled template (built once)."""
        if self._template is None:
            self._template = self._bank._build(self)
        return self._template

    def __getattr__(self, name: str):
        return getattr(self.resolve(), name)

    def __repr__(self) -> str:
        return f"LazyTemplate({self.id!r})"


@dataclass
class Bank:
    """Loaded templates by id, in load order, and the files that failed."""

    templates: dict[str, Template] = field(default_factory=dict)
    errors: list[LoadError] = field(default_factory=list)
    folders: tuple[Path, ...] = ()
    functions: Mapping[str, Any] | None = None

    def _build(self, lazy: LazyTemplate) -> Template:
        try:
            return parse_template_data(lazy._data, lazy.path, self.functions)
        except TemplateError as exc:
            if self.templates.get(lazy.id) is lazy:
                del self.templates[lazy.id]
                self.errors.append(LoadError(lazy.path, exc.line, exc.message))
            raise

    def build_all(self) -> None:
        """Compile every lazily loaded template now; failures move from `templates` to `errors`."""
        for template in list(self.templates.values()):
            if isinstance(template, LazyTemplate):
                try:
                    template.resolve()
                except TemplateError:
                    pass

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


def load_bank(folders: Sequence[Path | str], functions: Mapping[str, Any] | None = None, *,
              lazy: bool = False) -> Bank:
    """Load every template in `folders` (files or directories), in order.

    Args:
        folders: the bundled bank first, then user folders; missing folders are skipped.
        functions: the expression whitelist (defaults to the solver registry).
        lazy: compile each template on first use (see `LazyTemplate`); YAML errors and duplicate
            ids are still found now, validation errors when a template is built or at `build_all()`.

    Returns:
        The bank; it never raises for a bad file: see `Bank.errors`.
    """
    bank = Bank(folders=tuple(Path(f) for f in folders), functions=functions)
    for folder in bank.folders:
        if not folder.exists():
            continue
        add_files(bank, template_files(folder), functions, lazy=lazy)
    return bank


def _lazy(bank: Bank, path: Path) -> Template | LazyTemplate:
    """Read the YAML now; compile later if the header is sound (otherwise now, for the error)."""
    text = read_template_text(path)
    try:
        data = load_yaml(text)
    except YamlError as exc:
        raise TemplateError(path, exc.line, exc.message) from None
    if isinstance(data, LineDict) and all(isinstance(data.get(k), str) and data[k].strip() for k in HEADER):
        return LazyTemplate(data, path, bank)
    return parse_template_data(data, path, bank.functions)


def add_files(bank: Bank, files: Iterable[Path], functions: Mapping[str, Any] | None = None, *,
              lazy: bool = False) -> None:
    """Load `files` into `bank`, recording failures and duplicate ids as errors."""
    for path in files:
        try:
            template = _lazy(bank, path) if lazy else load_template(path, functions)
        except TemplateError as exc:
            bank.errors.append(LoadError(path, exc.line, exc.message))
            continue
        except Exception as exc:  # one file must never stop the rest of the bank from loading
            bank.errors.append(LoadError(path, None, f"could not be loaded ({type(exc).__name__}: {exc})"))
            continue
        if template.id in bank.templates:
            first = bank.templates[template.id].path
            bank.errors.append(LoadError(path, template.lines.get("id"),
                                         f"duplicate id '{template.id}' (already defined in {first})"))
            continue
        bank.templates[template.id] = template
