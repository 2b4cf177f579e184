"""The parsed-template cache: an unchanged template file is compiled without parsing its YAML again.

Core layer. PyYAML's import and parse are most of what `trainer preview` and `trainer grade` spend on
their one template, so the parsed data (the `LineDict`/`LineList` tree `safe_yaml.load_yaml` returns,
lines included) is kept as JSON, one small file per template file, in a folder the caller names.
An entry is used only when the file's content digest and the reader's own source files still match;
it is read back through a validating decoder, so a corrupt, foreign or outdated entry is simply
parsed again and rewritten. The data is then validated and compiled as always (`parse_template_data`).
Nothing here decides where the folder lives.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from trainer.core.templates.lined import LineDict, LineList, YamlError

try:  # the builtin module behind hashlib.blake2b: hashlib itself loads OpenSSL first (milliseconds)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b

VERSION = 1

#: As `safe_yaml.MAX_BYTES` (not imported: it would load yaml): larger files are never cached.
MAX_BYTES = 256 * 1024

#: The modules whose behaviour the cached data depends on: an edited reader invalidates every entry.
_READER_FILES = ("safe_yaml.py", "lined.py", "parsed_cache.py")

_MISS = object()


def parsed_data(path: Path | str, cache_dir: Path | str) -> Any:
    """The parsed YAML of the template file `path`, from the cache when the file is unchanged.

    Args:
        path: the template file.
        cache_dir: the cache folder (created when an entry is first written).

    Returns:
        What `safe_yaml.load_yaml` returns for the file's text.

    Raises:
        TemplateError: the file cannot be read or is not acceptable YAML, exactly as `load_template`.
    """
    from trainer.core.templates.spec import TemplateError, read_template_text

    entry_path = Path(cache_dir) / f"{blake2b(os.fsencode(str(path)), digest_size=16).hexdigest()}.json"
    stamp = _reader_stamp()
    raw = _read_bytes(path)
    if raw is not None:
        data = _read_entry(entry_path, _digest(raw), stamp)
        if data is not _MISS:
            return data
    from trainer.core.templates.safe_yaml import load_yaml

    text = read_template_text(path)
    try:
        data = load_yaml(text)
    except YamlError as exc:
        raise TemplateError(path, exc.line, exc.message) from None
    encoded = _encode(data)
    if encoded is not None:
        # A valid UTF-8 file decodes and re-encodes to its own bytes: this is the digest of what was parsed.
        _write_entry(entry_path, {"version": VERSION, "reader": stamp,
                                  "digest": _digest(text.encode("utf-8", "surrogatepass")), "data": encoded})
    return data


def _digest(raw: bytes) -> str:
    return blake2b(raw, digest_size=16).hexdigest()


def _reader_stamp() -> str:
    here = Path(__file__).resolve().parent
    parts = []
    for name in _READER_FILES:
        try:
            st = (here / name).stat()
        except OSError:
            continue
        parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


def _read_bytes(path: Path | str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError:
        return None
    return raw if len(raw) <= MAX_BYTES else None


def _read_entry(entry_path: Path, digest: str, stamp: str) -> Any:
    try:
        entry = json.loads(entry_path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return _MISS
    if (not isinstance(entry, dict) or entry.get("version") != VERSION or entry.get("reader") != stamp
            or entry.get("digest") != digest or "data" not in entry):
        return _MISS
    try:
        return _decode(entry["data"])
    except (ValueError, TypeError, KeyError, RecursionError):
        return _MISS


def _write_entry(entry_path: Path, entry: dict) -> None:
    """Replace the entry atomically; one that cannot be written is simply not there next time."""
    tmp = entry_path.with_name(f"{entry_path.name}.{os.getpid()}.tmp")
    try:
        entry_path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, entry_path)
    except (OSError, ValueError):
        try:
            tmp.unlink()
        except OSError:
            pass


# --- the JSON form: {"d": [[key, line, value], ...], "l": line} for a mapping, {"s": [...], "n": [lines],
# "l": line} for a sequence, plain JSON for text, numbers, booleans and null. Anything else (a date, a
# non-text key) makes the file uncacheable: it is parsed every time, as before the cache.


class _Uncacheable(Exception):
    pass


def _encode(data: Any) -> Any:
    """The JSON form of parsed data, or None when some value has no exact JSON form."""
    try:
        return _enc(data)
    except (_Uncacheable, RecursionError):
        return None


def _enc(value: Any) -> Any:
    if value is None or type(value) in (str, bool, int, float):
        return value
    if type(value) is LineDict:
        items = []
        for key, item in value.items():
            line = value.lines.get(key)
            if type(key) is not str or type(line) is not int:
                raise _Uncacheable
            items.append([key, line, _enc(item)])
        if type(value.line) is not int:
            raise _Uncacheable
        return {"d": items, "l": value.line}
    if type(value) is LineList:
        if (len(value.lines) != len(value) or not all(type(n) is int for n in value.lines)
                or type(value.line) is not int):
            raise _Uncacheable
        return {"s": [_enc(item) for item in value], "n": list(value.lines), "l": value.line}
    raise _Uncacheable


def _line(value: Any) -> int:
    if type(value) is not int:
        raise ValueError("a line must be a whole number")
    return value


def _decode(value: Any) -> Any:
    """Parsed data from its JSON form.

    Raises:
        ValueError: the form is not one `_encode` writes.
    """
    if value is None or type(value) in (str, bool, int, float):
        return value
    if type(value) is not dict:
        raise ValueError("not an encoded value")
    if value.keys() == {"d", "l"} and type(value["d"]) is list:
        out = LineDict()
        out.line = _line(value["l"])
        for item in value["d"]:
            if type(item) is not list or len(item) != 3 or type(item[0]) is not str or item[0] in out:
                raise ValueError("not an encoded mapping item")
            out[item[0]] = _decode(item[2])
            out.lines[item[0]] = _line(item[1])
        return out
    if value.keys() == {"s", "n", "l"} and type(value["s"]) is list and type(value["n"]) is list \
            and len(value["s"]) == len(value["n"]):
        seq = LineList(_decode(item) for item in value["s"])
        seq.lines = [_line(n) for n in value["n"]]
        seq.line = _line(value["l"])
        return seq
    raise ValueError("not an encoded value")
