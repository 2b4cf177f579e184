"""SQLite persistence through sqlite-utils: migrations, atomic review writes, queue and statistics queries.

Storage layer: takes a path (or `:memory:`), never decides where the file lives, never reads the clock.
"""

from trainer.storage.records import CardRecord, ReviewRecord
from trainer.storage.store import (
    ConflictError,
    CorruptDatabaseError,
    NewerSchemaError,
    NotADatabaseError,
    Store,
    StoreError,
    check_file,
    list_backups,
    restore,
)

__all__ = [
    "CardRecord", "ConflictError", "CorruptDatabaseError", "NewerSchemaError", "NotADatabaseError", "ReviewRecord",
    "Store", "StoreError", "check_file", "list_backups", "restore",
]
