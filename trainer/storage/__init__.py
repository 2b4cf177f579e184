"""SQLite persistence through sqlite-utils: migrations, atomic review writes, queue and statistics queries."""
