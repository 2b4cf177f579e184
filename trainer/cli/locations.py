"""Where trainer keeps its files: one module owns every path, with one seam for tests.

CLI layer (the only place platformdirs is imported). `TRAINER_HOME` moves everything under one
folder (tests, portable installs); `TRAINER_DB` or `--db` moves just the database.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "trainer"


def data_dir() -> Path:
    """The user data directory (created on demand by the caller that writes into it)."""
    home = os.environ.get("TRAINER_HOME")
    if home:
        return Path(home)
    from platformdirs import user_data_path

    return user_data_path(APP, appauthor=False)


def db_path(override: str | os.PathLike | None = None) -> Path:
    """The progress database: `--db`, else `$TRAINER_DB`, else `<data dir>/trainer.db`."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("TRAINER_DB")
    if env:
        return Path(env).expanduser()
    return data_dir() / "trainer.db"


def user_problems_dir() -> Path:
    """The user's own problem folder, loaded after the bundled bank when it exists."""
    return data_dir() / "problems"


def backups_dir(db: Path) -> Path:
    """Automatic backups live beside the database they copy."""
    return db.parent / "backups"


def bundled_problems_dir() -> Path:
    """The bank shipped with trainer: inside the installed wheel, else the source tree's `problems/`."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "problems"
    if packaged.is_dir():
        return packaged
    return here.parent / "problems"


def cache_dir() -> Path:
    """Files trainer can rebuild at any time (the bank index): `<TRAINER_HOME>/cache`, else the user
    cache directory."""
    home = os.environ.get("TRAINER_HOME")
    if home:
        return Path(home) / "cache"
    from platformdirs import user_cache_path

    return user_cache_path(APP, appauthor=False)


def first_problem_path(db: Path) -> Path:
    """The problem kept for the next start of the TUI on `db` (see `trainer.ui.first_problem`): one per
    database, in the cache folder (deleting it only costs one start its head start)."""
    try:  # looked up before the TUI's first frame: the blake2 module alone, not hashlib and OpenSSL
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - an interpreter without the builtin module
        from hashlib import blake2b

    digest = blake2b(str(Path(db).resolve()).encode(), digest_size=8).hexdigest()
    return cache_dir() / f"first-problem-{digest}.json"


def bank_index_path() -> Path:
    """The compiled bank index (template headers by file digest), read back through a validating reader."""
    return cache_dir() / "bank-index.json"


def check_results_dir() -> Path:
    """Stored `trainer check` reports, one per template checked, replayed while nothing they depend on
    has changed (see `trainer.core.checking.results`)."""
    return cache_dir() / "check-results"
