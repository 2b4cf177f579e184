"""A content-keyed cache of `trainer check` reports, as a build tool keeps its outputs.

Core layer, checking. A template's report depends only on its file's bytes, the path it is reported
under, the seeds count, whether weights are measured and the checker's own code (the `trainer/core`
sources, the template schema, the command's worker and the versions of Python, NumPy and PyYAML):
when none of these changed, the stored report is replayed instead of checking the template again.
Each path has one slot, so the cache never holds more than one entry per template checked; a slot
is written atomically, and a missing, unreadable or corrupt one is simply a miss. The caller decides
where the folder is (see `trainer.cli.locations.cache_dir`).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable, Mapping
from hashlib import blake2b
from pathlib import Path
from typing import Any

FORMAT = 1  # bump when the stored entry changes shape
# Findings that depend on more than the key (the clock, a crash, a file changed under the check):
# a report carrying one is never stored, so the next run checks that template again.
UNSTORED_KINDS = frozenset({"budget", "check", "load"})


def checker_digest(extra: Iterable[Path | str] = ()) -> str:
    """A digest of everything the checker's verdicts depend on besides the template itself.

    Args:
        extra: further source files the caller's checking runs through (its worker function).

    Returns:
        A hex digest of the `trainer/core` sources, `trainer/schema`, the `extra` files and the
        versions of trainer, Python, NumPy and PyYAML.
    """
    import numpy
    import yaml

    root = Path(__file__).resolve().parent.parent.parent  # the trainer package
    files = sorted([*(root / "core").rglob("*.py"), *(root / "schema").glob("*")])
    files.extend(Path(p).resolve() for p in extra)
    h = blake2b(digest_size=20)
    for part in (str(FORMAT), _version(), sys.version, numpy.__version__, getattr(yaml, "__version__", "")):
        h.update(part.encode() + b"\0")
    for f in files:
        try:
            data = f.read_bytes()
        except OSError:  # a vanished file still changes the digest (its name is hashed, not its bytes)
            data = b"\1missing"
        h.update(str(f.relative_to(root) if f.is_relative_to(root) else f).encode() + b"\0")
        h.update(blake2b(data, digest_size=20).digest())
    return h.hexdigest()


def _version() -> str:
    import trainer

    return str(trainer.__version__)


class ResultCache:
    """Stored check reports in `folder`, one slot per (template path, seeds, measured)."""

    def __init__(self, folder: Path, checker: str, *, read: bool = True):
        """Args:
            folder: where the slots live (created on the first write).
            checker: `checker_digest()` of the code doing the checking.
            read: False to replay nothing (every `get` misses) while still storing fresh reports.
        """
        self.folder = Path(folder)
        self.checker = checker
        self.read = read

    def key(self, path: Path | str, data: bytes, seeds: int, measure: bool) -> str:
        """The full key of a template file's report (see the module docstring)."""
        h = blake2b(digest_size=20)
        for part in (self.checker, str(path), str(seeds), "measured" if measure else "plain"):
            h.update(part.encode("utf-8", "surrogateescape") + b"\0")
        h.update(blake2b(data, digest_size=20).digest())
        return h.hexdigest()

    def _slot(self, path: Path | str, seeds: int, measure: bool) -> Path:
        name = blake2b(f"{path}\0{seeds}\0{int(measure)}".encode("utf-8", "surrogateescape"),
                       digest_size=16).hexdigest()
        return self.folder / f"{name}.json"

    def _entry(self, path: Path | str, seeds: int, measure: bool) -> dict[str, Any] | None:
        try:
            entry = json.loads(self._slot(path, seeds, measure).read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError, RecursionError):
            return None
        return entry if isinstance(entry, dict) and entry.get("format") == FORMAT else None

    def get(self, key: str, path: Path | str, seeds: int, measure: bool) -> dict[str, Any] | None:
        """The stored report for `key`, or None (no slot, another key, or a slot that cannot be read).

        Returns:
            The report exactly as it was stored (`Report.to_dict()` of the original check).
        """
        entry = self._entry(path, seeds, measure) if self.read else None
        if entry is None or entry.get("key") != key:
            return None
        report = entry.get("report")
        return report if _plausible(report) else None

    def seconds(self, path: Path | str, seeds: int, measure: bool) -> float | None:
        """How long the last stored check of this slot took (whatever its key): an estimate of the
        next one, for handing the longest templates out first."""
        entry = self._entry(path, seeds, measure)
        value = entry.get("seconds") if entry else None
        return float(value) if isinstance(value, (int, float)) and value >= 0 else None

    def put(self, key: str, path: Path | str, seeds: int, measure: bool, report: Mapping[str, Any],
            seconds: float) -> bool:
        """Store a report atomically (a reader sees the old slot or the new one, never half of one).

        A report with a finding of `UNSTORED_KINDS` is not stored; neither is anything when the
        folder cannot be written (the cache is an optimisation, never a reason to fail).

        Returns:
            Whether it was stored.
        """
        if any(f.get("kind") in UNSTORED_KINDS for f in report.get("findings", ())):
            return False
        entry = {"format": FORMAT, "key": key, "seconds": round(float(seconds), 4), "report": report}
        target = self._slot(path, seeds, measure)
        try:
            text = json.dumps(entry, ensure_ascii=False)
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(text)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except (OSError, TypeError, ValueError):
            return False
        return True


def _plausible(report: Any) -> bool:
    """Whether a stored report has the shape `trainer check` reads (a hand-edited slot is a miss)."""
    if not isinstance(report, dict) or not isinstance(report.get("id"), str):
        return False
    if not isinstance(report.get("generated"), int) or not isinstance(report.get("findings"), list):
        return False
    if not isinstance(report.get("acceptance"), (int, float)) or not isinstance(report.get("seeds"), int):
        return False
    return all(isinstance(f, dict) and isinstance(f.get("kind"), str) and isinstance(f.get("message"), str)
               and f.get("severity") in ("error", "warning") for f in report["findings"])
