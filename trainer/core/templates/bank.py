"""The bank: every template found in a list of folders, with the broken files kept aside as errors.

Core layer. Folders are read in order (the bundled bank first, then the user's folder, then each
`--problems DIR`); a file that fails to load is reported with its file and line while the rest stay
usable, and a template id defined twice keeps its first definition and reports the second.

`load_bank(..., lazy=True)` reads every file's YAML but compiles a template only when it is first
used: the trainer needs one template to show its first problem, not all of them. `build_all()`
finishes the job later and moves any template that fails validation into `errors`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

# spec, generate and safe_yaml pull in numpy and yaml; they are imported where used so that the
# header index (`load_index`) answers `trainer list` from its cache with the standard library only.
try:  # the builtin module behind hashlib.blake2b: hashlib itself loads OpenSSL first (milliseconds)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b

if TYPE_CHECKING:
    from trainer.core.templates.generation import Instance
    from trainer.core.templates.safe_yaml import LineDict
    from trainer.core.templates.spec import Template

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
                 "requires", "_data", "_bank", "_template")

    def __init__(self, data: LineDict, path: Path, bank: Bank):
        self.id, self.equation, self.topic, self.title, self.kind = (str(data[k]).strip() for k in HEADER)
        level = data.get("level", 1)
        self.level = level if level in (1, 2, 3) and not isinstance(level, bool) else 1
        tags = data.get("tags")
        self.tags = tuple(tags) if isinstance(tags, list) else ()
        answer = data.get("answer")
        self.answer_type = answer.get("type") if isinstance(answer, dict) else None
        requires = data.get("requires")
        # The prerequisite graph reads this for every template; a bad value is reported when compiled.
        self.requires = tuple(r for r in requires if isinstance(r, str)) if isinstance(requires, list) else ()
        self.path = path
        self.lines = dict(data.lines)
        self._data, self._bank, self._template = data, bank, None

    @classmethod
    def from_header(cls, header: TemplateHeader, bank: Bank) -> LazyTemplate:
        """A template known from the bank index: nothing of its file is read until first use (its
        `lines` too come from the compiled template)."""
        lazy = cls.__new__(cls)
        lazy.id, lazy.equation, lazy.topic, lazy.title, lazy.kind = (
            header.id, header.equation, header.topic, header.title, header.kind)
        lazy.level, lazy.tags, lazy.answer_type, lazy.path = header.level, header.tags, header.answer_type, header.path
        lazy.requires = header.requires
        lazy._data, lazy._bank, lazy._template = None, bank, None
        return lazy

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
    parsed_cache: Path | None = None

    def _build(self, lazy: LazyTemplate) -> Template:
        from trainer.core.templates.spec import TemplateError, load_template, parse_template_data

        try:
            if lazy._data is None:  # known from the index only: the file is read now
                return load_template(lazy.path, self.functions, cache_dir=self.parsed_cache)
            return parse_template_data(lazy._data, lazy.path, self.functions)
        except TemplateError as exc:
            if self.templates.get(lazy.id) is lazy:
                del self.templates[lazy.id]
                self.errors.append(LoadError(lazy.path, exc.line, exc.message))
            raise

    def build_all(self) -> None:
        """Compile every lazily loaded template now; failures move from `templates` to `errors`."""
        from trainer.core.templates.spec import TemplateError

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
        from trainer.core.templates.generation import generate

        return generate(self.get(template_id), seed)

    def __len__(self) -> int:
        return len(self.templates)


#: Files at the root of a bank folder that are not templates: the prerequisite graph.
NOT_TEMPLATES = ("graph.yaml", "graph.yml")


def template_files(folder: Path) -> list[Path]:
    """Every template file below `folder`, in a stable order (hidden and `_` files skipped, and the
    folder's own `graph.yaml`)."""
    if folder.is_file():
        return [folder]
    hidden = (".", "_")
    return sorted(Path(entry.path) for rel, entry in _files_below(str(folder), lambda name: name.startswith(hidden))
                  if not entry.name.startswith(hidden) and os.path.splitext(entry.name)[1] in SUFFIXES
                  and rel not in NOT_TEMPLATES and entry.is_file())


def _files_below(root: str, skip_dir: Callable[[str], bool], rel: str = "") -> Iterator[tuple[str, os.DirEntry]]:
    """(path relative to `root` with "/", entry) of every non-directory below `root`, not entering
    symbolic links to directories nor directories `skip_dir(name)` names (as `Path.rglob`, but with the
    directory entries' cached types: pathlib cost ~10 ms per command on the bundled bank)."""
    try:
        with os.scandir(os.path.join(root, rel) if rel else root) as it:
            entries = list(it)
    except OSError:
        return
    for entry in entries:
        path = f"{rel}/{entry.name}" if rel else entry.name
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if not is_dir:
            yield path, entry
        elif not entry.is_symlink() and not skip_dir(entry.name):
            yield from _files_below(root, skip_dir, path)


def load_bank(folders: Sequence[Path | str], functions: Mapping[str, Any] | None = None, *,
              lazy: bool = False, index_path: Path | str | None = None) -> Bank:
    """Load every template in `folders` (files or directories), in order.

    Args:
        folders: the bundled bank first, then user folders; missing folders are skipped.
        functions: the expression whitelist (defaults to the solver registry).
        lazy: compile each template on first use (see `LazyTemplate`); YAML errors and duplicate
            ids are still found now, validation errors when a template is built or at `build_all()`.
        index_path: with `lazy` and the default `functions`, the bank index cache (see `load_index`):
            unchanged files are not read at all until used, and every error, validation included,
            is known now; a template is then compiled from the parsed-template cache beside it
            (`parsed_cache_dir`).

    Returns:
        The bank; it never raises for a bad file: see `Bank.errors`.
    """
    bank = Bank(folders=tuple(Path(f) for f in folders), functions=functions)
    if lazy and index_path is not None and functions is None:  # the index is built with the default whitelist
        index = load_index(bank.folders, Path(index_path))
        bank.parsed_cache = parsed_cache_dir(Path(index_path))
        bank.templates = {tid: LazyTemplate.from_header(h, bank) for tid, h in index.templates.items()}
        for lazy in bank.templates.values():  # compiled while indexing: not compiled a second time
            lazy._template = index.built.get(str(lazy.path))
        bank.errors = list(index.errors)
        return bank
    for folder in bank.folders:
        if not folder.exists():
            continue
        add_files(bank, template_files(folder), functions, lazy=lazy)
    return bank


def _lazy(bank: Bank, path: Path) -> Template | LazyTemplate:
    """Read the YAML now; compile later if the header is sound (otherwise now, for the error)."""
    from trainer.core.templates.safe_yaml import LineDict, YamlError, load_yaml
    from trainer.core.templates.spec import TemplateError, parse_template_data, read_template_text

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
    from trainer.core.templates.spec import TemplateError, load_template

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


def parsed_cache_dir(index_path: Path | str) -> Path:
    """The parsed-template cache folder (see `parsed_cache`) that goes with the bank index `index_path`.

    Args:
        index_path: the bank index cache file.

    Returns:
        A folder beside it (it may not exist yet).
    """
    return Path(index_path).with_name("parsed-templates")


# --- the header index: `trainer list` without parsing every file ----------------------------------

INDEX_VERSION = 1

#: The header fields the index keeps per template, with the types its reader accepts.
_SUMMARY_FIELDS: dict[str, tuple[type, ...]] = {
    "id": (str,), "equation": (str,), "topic": (str,), "title": (str,), "kind": (str,), "level": (int,),
    "answer_type": (str, type(None)), "tags": (list,), "path": (str,),
}

#: Entries kept for files outside the current folders (other `--problems` runs), at most.
_INDEX_LIMIT = 5000


@dataclass(frozen=True)
class TemplateHeader:
    """What `trainer list` and the statistics need of a template, without compiling it."""

    id: str
    equation: str
    topic: str
    title: str
    kind: str
    level: int
    answer_type: str | None
    tags: tuple[str, ...]
    path: Path
    id_line: int | None = None
    requires: tuple[str, ...] = ()

    def summary(self) -> dict[str, Any]:
        """The fields `trainer list` shows (as `Template.summary`)."""
        return {"id": self.id, "equation": self.equation, "topic": self.topic, "title": self.title,
                "kind": self.kind, "level": self.level, "answer_type": self.answer_type, "tags": list(self.tags),
                "path": str(self.path)}


@dataclass
class BankIndex:
    """Every template's header in load order (first definition of an id wins) and the files that failed,
    exactly as `load_bank` would report them.

    Attributes:
        templates: header by id, in load order.
        errors: broken files and duplicate ids, in file order.
        rebuilt: how many files had to be parsed because the cache did not know them.
        built: the templates those files compiled to, by path (kept for `load_bank`).
    """

    templates: dict[str, TemplateHeader] = field(default_factory=dict)
    errors: list[LoadError] = field(default_factory=list)
    rebuilt: int = 0
    built: dict[str, Any] = field(default_factory=dict)

    def get(self, template_id: str) -> TemplateHeader:
        """The header of `template_id`.

        Raises:
            KeyError: no such template (the message suggests close ids, as `Bank.get`).
        """
        return Bank.get(self, template_id)  # type: ignore[arg-type]

    def __len__(self) -> int:
        return len(self.templates)


#: As `safe_yaml.MAX_BYTES` (not imported: it would load yaml): larger files are never digested.
_MAX_BYTES = 256 * 1024


def _file_digest(path: Path) -> str | None:
    """The content digest of a template file; None when it cannot be read or is over the size limit."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(_MAX_BYTES + 1)
    except OSError:
        return None
    if len(data) > _MAX_BYTES:
        return None
    return blake2b(data, digest_size=16).hexdigest()


def _valid_entry(entry: Any) -> bool:
    """An index entry as written by `_entry_for`; anything else is ignored (and rebuilt)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("digest"), str):
        return False
    summary, error = entry.get("summary"), entry.get("error")
    if summary is not None:
        if error is not None or not isinstance(summary, dict):
            return False
        for key, types in _SUMMARY_FIELDS.items():
            value = summary.get(key)
            if not isinstance(value, types) or isinstance(value, bool):
                return False
        if not all(isinstance(t, str) for t in summary["tags"]):
            return False
        requires = entry.get("requires", [])
        if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
            return False
        id_line = entry.get("id_line")
        if not (id_line is None or (isinstance(id_line, int) and not isinstance(id_line, bool))):
            return False
    if "stat" in entry and not _valid_stat(entry["stat"]):
        return False
    if summary is not None:
        return True
    if not isinstance(error, dict) or not isinstance(error.get("message"), str):
        return False
    line = error.get("line")
    return line is None or (isinstance(line, int) and not isinstance(line, bool))


def _valid_stat(value: Any) -> bool:
    return (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value))


#: A file's (size, mtime) is remembered only when it was last modified this long before being read:
#: a file written again within the filesystem's timestamp granularity of that read could otherwise
#: keep its size and mtime with new content (git's "racy" entries; these are digested every time).
_SETTLED_NS = 2_000_000_000


def _file_stat(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _code_stamp() -> str:
    """A fingerprint of the core's source files (name, size, mtime): entries validated by another
    version of the template rules or solvers are not trusted. Stats only; no file is read."""
    core = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    h = blake2b(digest_size=16)
    for rel, entry in sorted(_files_below(core, lambda name: False), key=lambda pair: pair[0].split("/")):
        if not entry.name.endswith(".py"):
            continue
        try:
            st = entry.stat()
        except OSError:
            continue
        h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _read_index(cache_path: Path | None, stamp: str) -> dict[str, dict]:
    """The cached entries by path; a missing, corrupt, older or other-version cache reads as empty."""
    if cache_path is None:
        return {}
    try:
        data = json.loads(Path(cache_path).read_bytes())
    except (OSError, ValueError, RecursionError):
        return {}
    if (not isinstance(data, dict) or data.get("version") != INDEX_VERSION or data.get("code") != stamp
            or not isinstance(data.get("files"), dict)):
        return {}
    return {path: entry for path, entry in data["files"].items() if isinstance(path, str) and _valid_entry(entry)}


def _write_index(cache_path: Path, entries: dict[str, dict], stamp: str) -> None:
    """Replace the cache atomically; a cache that cannot be written is simply not there next time."""
    tmp = cache_path.with_name(f"{cache_path.name}.{os.getpid()}.tmp")
    try:
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps({"version": INDEX_VERSION, "code": stamp, "files": entries}, ensure_ascii=False),
                       encoding="utf-8")
        os.replace(tmp, cache_path)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass


def _entry_for(path: Path, digest: str, functions: Mapping[str, Any] | None,
               cache_dir: Path | None = None) -> tuple[dict, Any]:
    """Compile one file (full validation, as `load_bank`): (its entry, with its header or its error;
    the compiled template or None). `cache_dir`: the parsed-template cache, filled on the way."""
    from trainer.core.templates.spec import TemplateError, load_template

    try:
        template = load_template(path, functions, cache_dir=cache_dir)
    except TemplateError as exc:
        return {"digest": digest, "summary": None, "error": {"line": exc.line, "message": exc.message}}, None
    except Exception as exc:  # one file must never stop the rest of the bank from loading
        return {"digest": digest, "summary": None,
                "error": {"line": None, "message": f"could not be loaded ({type(exc).__name__}: {exc})"}}, None
    summary = template.summary()
    summary["path"] = str(path)
    summary["tags"] = [str(t) for t in summary["tags"]]
    return {"digest": digest, "summary": summary, "error": None, "id_line": template.lines.get("id"),
            "requires": list(template.requires)}, template


def load_index(folders: Sequence[Path | str], cache_path: Path | None, *,
               functions: Mapping[str, Any] | None = None) -> BankIndex:
    """The headers of every template in `folders`, reading only the files the cache does not know.

    A file is known when its content digest matches the cached one and the cache was written by the
    same core source files; the cache is plain JSON read back through a validating reader, so a
    corrupt, foreign or older cache is ignored and rebuilt.

    Args:
        folders: as for `load_bank`.
        cache_path: the cache file (None: no cache, parse every file).
        functions: the expression whitelist used to validate changed files (default: solver registry).

    Returns:
        The index; it never raises for a bad file or a bad cache.
    """
    stamp = _code_stamp() if cache_path is not None else ""
    cached = _read_index(cache_path, stamp)
    parsed = parsed_cache_dir(cache_path) if cache_path is not None else None
    index = BankIndex()
    current: dict[str, dict] = {}
    restamped = 0
    for folder in (Path(f) for f in folders):
        if not folder.exists():
            continue
        for path in template_files(folder):
            key = str(path)
            entry = cached.get(key)
            stat = _file_stat(path)
            if entry is not None and stat is not None and entry.get("stat") == stat:
                current[key] = entry  # unchanged since it was digested (size and mtime): not read
            else:
                digest = _file_digest(path)
                if digest is None or entry is None or entry["digest"] != digest:
                    # Unreadable or oversized files are parsed for their error every time, never cached.
                    entry, template = _entry_for(path, digest or "", functions, parsed)
                    index.rebuilt += digest is not None
                    if template is not None and functions is None:
                        index.built[key] = template
                if digest is not None:
                    entry = {k: v for k, v in entry.items() if k != "stat"}
                    if stat is not None and time.time_ns() - stat[1] > _SETTLED_NS:
                        entry["stat"] = stat
                    restamped += entry.get("stat") != cached.get(key, {}).get("stat")
                    current[key] = entry
            if entry["summary"] is None:
                index.errors.append(LoadError(path, entry["error"]["line"], entry["error"]["message"]))
                continue
            s = entry["summary"]
            header = TemplateHeader(s["id"], s["equation"], s["topic"], s["title"], s["kind"], s["level"],
                                    s["answer_type"], tuple(s["tags"]), path, entry.get("id_line"),
                                    tuple(entry.get("requires", ())))
            if header.id in index.templates:
                first = index.templates[header.id].path
                index.errors.append(LoadError(path, header.id_line,
                                              f"duplicate id '{header.id}' (already defined in {first})"))
                continue
            index.templates[header.id] = header
    if cache_path is not None and (index.rebuilt or restamped):
        # Entries of other folder sets (`--problems` elsewhere) stay, oldest dropped past the limit.
        others = [(k, v) for k, v in cached.items() if k not in current]
        keep = max(0, _INDEX_LIMIT - len(current))
        merged = dict(others[len(others) - keep:] if keep else [])
        merged.update(current)
        _write_index(Path(cache_path), merged, stamp)
    return index
