"""Safe YAML reading for template files, with the line of every value kept for error messages.

Core layer. Built on PyYAML's *safe* loader (the C one when available): no tags that construct Python
objects, and no aliases at all, because an alias bomb ("billion laughs") is a few lines that expand
into gigabytes once anything walks the result. Mappings come back as `LineDict`, a dict that remembers
on which line each key's value starts, so the template validator can say "file.yaml:12: ...".
"""

from __future__ import annotations

import os
import re
import unicodedata
from typing import Any

import yaml

from trainer.core.templates.lined import LineDict, LineList, YamlError

__all__ = ["LineDict", "LineList", "YamlError", "MAX_BYTES", "load_yaml", "read_yaml_file"]

MAX_BYTES = 256 * 1024  # a template is a page of text; anything larger is a mistake or an attack

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        out = LineDict()
        out.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise YamlError("a mapping key must be plain text", key_node.start_mark.line + 1) from None
            if key in out:
                raise YamlError(f"duplicate key {key!r}", key_node.start_mark.line + 1)
            out[key] = self.construct_object(value_node, deep=True)
            out.lines[key] = value_node.start_mark.line + 1 if not isinstance(
                value_node, yaml.ScalarNode) or value_node.style is None else key_node.start_mark.line + 1
        return out

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LineList:
        out = LineList(self.construct_object(child, deep=True) for child in node.value)
        out.lines = [child.start_mark.line + 1 for child in node.value]
        out.line = node.start_mark.line + 1
        return out


# YAML 1.2 scalars: only true/false are booleans (`message: no` stays text) and `1e-3` is a float.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:float")]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"),
    list("-+0123456789."))
_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_sequence)


def read_yaml_file(path: str | os.PathLike[str]) -> str:
    """Read a template file as UTF-8 text, refusing one larger than MAX_BYTES before reading it.

    Args:
        path: the file.

    Returns:
        Its text.

    Raises:
        YamlError: the file is larger than MAX_BYTES or is not UTF-8 (with the line of the bad byte).
        OSError: the file cannot be opened or read.
    """
    with open(path, "rb") as fh:
        try:
            size = os.fstat(fh.fileno()).st_size
        except OSError:
            size = 0
        if size > MAX_BYTES:
            raise YamlError(_too_large(size))
        # stat can be wrong (a pipe, a file growing while read), so never read more than the limit.
        data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise YamlError(_too_large(None))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                        data[: exc.start].count(b"\n") + 1) from None


def _too_large(size: int | None) -> str:
    shown = f" ({size:,} bytes)" if size is not None else ""
    return f"the file is larger than {MAX_BYTES // 1024} KiB{shown}: a template is a page of text"


_CONTROL_NAMES = {"\t": "tab", "\x0b": "vertical tab", "\x0c": "form feed", "\x1b": "escape", "\x7f": "delete",
                  "\x08": "backspace", "\x07": "bell"}


def _character_error(text: str, exc: yaml.reader.ReaderError) -> YamlError:
    """A reader error located by finding the refused character (C and Python readers count differently)."""
    char = chr(exc.character) if isinstance(exc.character, int) else None
    if char is None or char not in text:
        return YamlError(f"YAML reader error: {exc.reason}")
    index = text.index(char)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    name = _CONTROL_NAMES.get(char) or unicodedata.name(char, "control character")
    return YamlError(f"the file contains the character U+{ord(char):04X} ({name.lower()}) at column {column}, "
                     "which YAML does not allow; delete it", line)


def _surrogate_error(text: str) -> YamlError:
    index = next((i for i, ch in enumerate(text) if "\ud800" <= ch <= "\udfff"), 0)
    return YamlError("the text contains a lone surrogate (not valid Unicode)", text.count("\n", 0, index) + 1)


def _refuse_aliases(text: str) -> None:
    """Scan the event stream (in C when available) for aliases before anything is built."""
    try:
        for event in yaml.parse(text, Loader=_Base):
            if isinstance(event, yaml.AliasEvent):
                raise YamlError("YAML aliases (*name) are not allowed in templates",
                                event.start_mark.line + 1)
            if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)) \
                    and event.anchor:
                raise YamlError("YAML anchors (&name) are not allowed in templates",
                                event.start_mark.line + 1)
    except yaml.reader.ReaderError as exc:
        raise _character_error(text, exc) from None
    except UnicodeEncodeError:
        raise _surrogate_error(text) from None
    except yaml.YAMLError:
        return  # reported with its position by the real load below


def load_yaml(text: str) -> Any:
    """Parse one YAML document safely.

    Args:
        text: the file's contents.

    Returns:
        Plain data with mappings as `LineDict` and sequences as `LineList`.

    Raises:
        YamlError: the text is too large, malformed (including a character YAML refuses, such as a
            form feed or ESC), uses aliases, or asks for a Python object; never another YAML exception.
    """
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise YamlError(_too_large(None))
    if "\x00" in text:
        raise YamlError("the file contains a NUL byte", text[: text.index("\x00")].count("\n") + 1)
    _refuse_aliases(text)
    try:
        loader = _Loader(text)
    except UnicodeEncodeError:
        raise _surrogate_error(text) from None
    try:
        return loader.get_single_data()
    except YamlError:
        raise
    except yaml.reader.ReaderError as exc:
        raise _character_error(text, exc) from None
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        found = re.search(r"'([^']+)'", exc.problem or "")
        tag = f" {found.group(1).replace('tag:yaml.org,2002:', '!!')}" if found else ""
        raise YamlError(f"YAML tag{tag} is not allowed: templates are plain YAML",
                        mark.line + 1 if mark else None) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = f"YAML syntax error: {exc.problem or exc.context}"
        if exc.context_mark is not None and mark is not None and mark.line != exc.context_mark.line:
            # An unclosed bracket is noticed at the end of the file; point at where it was opened.
            message += f" ({exc.context} on line {exc.context_mark.line + 1})"
            if not text[mark.index:].strip():
                mark = exc.context_mark
        raise YamlError(message, mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML error: {exc}") from None
    except RecursionError:
        raise YamlError("the file is nested too deeply") from None
    except (UnicodeError, ValueError, TypeError) as exc:
        # PyYAML's constructors can raise plain errors for odd scalars (e.g. a timestamp out of range).
        raise YamlError(f"YAML value error: {exc}") from None
    finally:
        loader.dispose()
