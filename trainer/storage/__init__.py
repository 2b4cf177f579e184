"""SQLite persistence through sqlite-utils: migrations, atomic review writes, queue and statistics queries.

Storage layer: takes a path (or `:memory:`), never decides where the file lives, never reads the clock.
"""

from trainer.storage.errors import (
    CannotOpenDatabaseError,
    ConflictError,
    CorruptDatabaseError,
    DatabaseLockedError,
    DiskError,
    DiskFullError,
    NewerSchemaError,
    NotADatabaseError,
    NotTrainerDatabaseError,
    ReadOnlyDatabaseError,
    StoreError,
)
from trainer.storage.records import CardRecord, ImplicitRecord, ReviewRecord
from trainer.storage.store import (
    Store,
    check_file,
    list_backups,
    restore,
)

__all__ = [
    "CannotOpenDatabaseError", "CardRecord", "ConflictError", "CorruptDatabaseError", "DatabaseLockedError",
    "DiskError", "DiskFullError", "ImplicitRecord", "NewerSchemaError", "NotADatabaseError", "NotTrainerDatabaseError",
    "ReadOnlyDatabaseError", "ReviewRecord", "Store", "StoreError", "check_file", "list_backups", "restore",
]
