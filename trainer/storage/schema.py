"""The progress database schema, as registered sqlite-utils migrations applied in order at open.

Storage layer. Version 1 holds the facts (cards, reviews, settings); version 2 adds each review's topic
and summary tables kept exact by triggers (per template and day, per day, per template, an
answer-time histogram per topic, mistake counts), so that statistics over a million reviews read a
few thousand rows instead of scanning them all. Migrations are never edited once released: a change is a new migration, and
`tests/fixtures/trainer-v1.db` proves an old file still upgrades.
"""

from __future__ import annotations

import sqlite3
from functools import cache

MIGRATION_SET = "trainer"
MIGRATIONS_TABLE = "_sqlite_migrations"  # sqlite-utils' own bookkeeping table

V1_SQL = """
CREATE TABLE cards (
    template_id TEXT PRIMARY KEY,
    card_id INTEGER NOT NULL UNIQUE,
    equation TEXT,
    topic TEXT,
    state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'learning', 'review', 'relearning')),
    step INTEGER,
    stability REAL,
    difficulty REAL,
    due TEXT,
    last_review TEXT,
    reps INTEGER NOT NULL DEFAULT 0,
    lapses INTEGER NOT NULL DEFAULT 0,
    leech INTEGER NOT NULL DEFAULT 0,
    suspended INTEGER NOT NULL DEFAULT 0,
    buried_until TEXT
);
CREATE INDEX cards_due ON cards (suspended, due);
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    template_id TEXT NOT NULL,
    seed INTEGER NOT NULL,
    params TEXT NOT NULL,
    answer TEXT NOT NULL,
    verdict TEXT NOT NULL,
    correct INTEGER NOT NULL,
    score REAL,
    diagnosis_id TEXT,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    auto_rating INTEGER NOT NULL CHECK (auto_rating BETWEEN 1 AND 4),
    decided TEXT NOT NULL CHECK (decided IN ('auto', 'overridden')),
    hint_used INTEGER NOT NULL DEFAULT 0,
    response_ms INTEGER,
    reviewed_at TEXT NOT NULL,
    day TEXT NOT NULL,
    review_state INTEGER NOT NULL,
    state_before TEXT NOT NULL,
    state_after TEXT NOT NULL
);
CREATE INDEX reviews_template ON reviews (template_id, reviewed_at);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


def _day_refresh(row: str) -> str:
    """SQL that recomputes the review_days row of (template, day) of the trigger row `row`."""
    return f"""
    DELETE FROM review_days WHERE template_id = {row}.template_id AND day = {row}.day;
    INSERT INTO review_days (template_id, day, reviews, correct, new_cards, review_cards, time_ms,
                             first_state, first_correct)
    SELECT r.template_id, r.day, count(*), sum(r.correct), sum(r.review_state = 0), sum(r.review_state = 2),
           sum(coalesce(r.response_ms, 0)), f.review_state, f.correct
    FROM reviews r,
         (SELECT review_state, correct FROM reviews
          WHERE template_id = {row}.template_id AND day = {row}.day
          ORDER BY reviewed_at, id LIMIT 1) f
    WHERE r.template_id = {row}.template_id AND r.day = {row}.day
    GROUP BY r.template_id, r.day;
    """


def _add(row: str, sign: str) -> str:
    """SQL that adds (+1) or removes (-1) the trigger row's answer time and mistake from the summaries."""
    bucket = f"min({row}.response_ms / 100, 6000)"
    topic = f"coalesce({row}.topic, '?')"
    return f"""
    INSERT OR IGNORE INTO review_times (topic, bucket, reviews)
        SELECT {topic}, {bucket}, 0 WHERE {row}.response_ms IS NOT NULL;
    UPDATE review_times SET reviews = reviews {sign} 1
        WHERE {row}.response_ms IS NOT NULL AND topic = {topic} AND bucket = {bucket};
    DELETE FROM review_times WHERE topic = {topic} AND reviews <= 0;
    INSERT OR IGNORE INTO review_mistakes (template_id, diagnosis_id, reviews, message)
        SELECT {row}.template_id, {row}.diagnosis_id, 0, json_extract({row}.verdict, '$.diagnosis.message')
        WHERE {row}.diagnosis_id IS NOT NULL;
    UPDATE review_mistakes SET reviews = reviews {sign} 1
        WHERE {row}.diagnosis_id IS NOT NULL AND template_id = {row}.template_id
          AND diagnosis_id = {row}.diagnosis_id;
    DELETE FROM review_mistakes WHERE template_id = {row}.template_id AND reviews <= 0;
    """


def _totals(row: str, sign: str) -> str:
    """SQL that moves one review_days row into (+) or out of (-) the per-day and per-template totals."""
    passed = f"({row}.first_state = 2 AND {row}.first_correct = 1)"
    return f"""
    INSERT OR IGNORE INTO day_totals (day, reviews, correct, retention_count, retention_passed)
        VALUES ({row}.day, 0, 0, 0, 0);
    UPDATE day_totals SET reviews = reviews {sign} {row}.reviews, correct = correct {sign} {row}.correct,
        retention_count = retention_count {sign} ({row}.first_state = 2),
        retention_passed = retention_passed {sign} {passed}
        WHERE day = {row}.day;
    DELETE FROM day_totals WHERE day = {row}.day AND reviews <= 0;
    INSERT OR IGNORE INTO template_totals (template_id, reviews, correct, last_day)
        VALUES ({row}.template_id, 0, 0, {row}.day);
    UPDATE template_totals SET reviews = reviews {sign} {row}.reviews, correct = correct {sign} {row}.correct,
        last_day = (SELECT max(day) FROM review_days WHERE template_id = {row}.template_id)
        WHERE template_id = {row}.template_id;
    DELETE FROM template_totals WHERE template_id = {row}.template_id AND reviews <= 0;
    """


V2_SQL = f"""
ALTER TABLE reviews ADD COLUMN topic TEXT;
UPDATE reviews SET topic = (SELECT c.topic FROM cards c WHERE c.template_id = reviews.template_id);
CREATE INDEX reviews_day ON reviews (template_id, day, reviewed_at);
CREATE TABLE review_days (
    template_id TEXT NOT NULL,
    day TEXT NOT NULL,
    reviews INTEGER NOT NULL,
    correct INTEGER NOT NULL,
    new_cards INTEGER NOT NULL,
    review_cards INTEGER NOT NULL,
    time_ms INTEGER NOT NULL,
    first_state INTEGER NOT NULL,
    first_correct INTEGER NOT NULL,
    PRIMARY KEY (template_id, day)
) WITHOUT ROWID;
CREATE INDEX review_days_day ON review_days (day);
CREATE TABLE review_times (
    topic TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    reviews INTEGER NOT NULL,
    PRIMARY KEY (topic, bucket)
) WITHOUT ROWID;
CREATE TABLE day_totals (
    day TEXT PRIMARY KEY,
    reviews INTEGER NOT NULL,
    correct INTEGER NOT NULL,
    retention_count INTEGER NOT NULL,
    retention_passed INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE template_totals (
    template_id TEXT PRIMARY KEY,
    reviews INTEGER NOT NULL,
    correct INTEGER NOT NULL,
    last_day TEXT
) WITHOUT ROWID;
CREATE TABLE review_mistakes (
    template_id TEXT NOT NULL,
    diagnosis_id TEXT NOT NULL,
    reviews INTEGER NOT NULL,
    message TEXT,
    PRIMARY KEY (template_id, diagnosis_id)
) WITHOUT ROWID;
CREATE TRIGGER reviews_summary_insert AFTER INSERT ON reviews BEGIN
    {_day_refresh("NEW")}
    {_add("NEW", "+")}
END;
CREATE TRIGGER reviews_summary_delete AFTER DELETE ON reviews BEGIN
    {_day_refresh("OLD")}
    {_add("OLD", "-")}
END;
CREATE TRIGGER reviews_summary_update
AFTER UPDATE OF template_id, topic, day, reviewed_at, correct, review_state, response_ms, diagnosis_id ON reviews
BEGIN
    {_day_refresh("OLD")}
    {_add("OLD", "-")}
    {_day_refresh("NEW")}
    {_add("NEW", "+")}
END;
INSERT INTO review_days (template_id, day, reviews, correct, new_cards, review_cards, time_ms,
                         first_state, first_correct)
SELECT template_id, day, count(*), sum(correct), sum(review_state = 0), sum(review_state = 2),
       sum(coalesce(response_ms, 0)), max(CASE WHEN rn = 1 THEN review_state END),
       max(CASE WHEN rn = 1 THEN correct END)
FROM (SELECT template_id, day, correct, review_state, response_ms,
             row_number() OVER (PARTITION BY template_id, day ORDER BY reviewed_at, id) AS rn
      FROM reviews)
GROUP BY template_id, day;
INSERT INTO review_times (topic, bucket, reviews)
SELECT coalesce(topic, '?'), min(response_ms / 100, 6000), count(*) FROM reviews
WHERE response_ms IS NOT NULL GROUP BY 1, 2;
INSERT INTO day_totals (day, reviews, correct, retention_count, retention_passed)
SELECT day, sum(reviews), sum(correct), sum(first_state = 2), sum(first_state = 2 AND first_correct = 1)
FROM review_days GROUP BY day;
INSERT INTO template_totals (template_id, reviews, correct, last_day)
SELECT template_id, sum(reviews), sum(correct), max(day) FROM review_days GROUP BY template_id;
CREATE TRIGGER review_days_totals_insert AFTER INSERT ON review_days BEGIN
    {_totals("NEW", "+")}
END;
CREATE TRIGGER review_days_totals_delete AFTER DELETE ON review_days BEGIN
    {_totals("OLD", "-")}
END;
INSERT INTO review_mistakes (template_id, diagnosis_id, reviews, message)
SELECT template_id, diagnosis_id, count(*), max(json_extract(verdict, '$.diagnosis.message')) FROM reviews
WHERE diagnosis_id IS NOT NULL GROUP BY 1, 2;
"""


def m001_initial(db) -> None:
    """Cards, reviews and settings."""
    db.executescript(V1_SQL)


def m002_summaries(db) -> None:
    """Trigger-maintained summaries (per template and day; answer-time histogram; mistakes), backfilled."""
    db.executescript(V2_SQL)


V5_IMPORTED_SQL = """
CREATE TABLE imported_reviews (
    id INTEGER PRIMARY KEY,
    card_id TEXT NOT NULL,
    template_id TEXT,
    review_time INTEGER NOT NULL,
    reviewed_at TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    review_state INTEGER,
    duration_ms INTEGER,
    UNIQUE (card_id, review_time)
);
CREATE INDEX imported_reviews_at ON imported_reviews (reviewed_at);
"""


def m005_imported_reviews(db) -> None:
    """Reviews imported from another program's log (FSRS optimizer CSV): for fitting only.

    `template_id` is set when the file's card id is a template id here; otherwise the row belongs to
    a foreign card, which is never served. (card_id, review_time) is unique, so a file imported
    twice adds nothing the second time.
    """
    db.executescript(V5_IMPORTED_SQL)


#: Names of every migration this version knows, oldest first; the schema version is their count.
KNOWN = ["m001_initial", "m002_summaries", "m005_imported_reviews"]
SCHEMA_VERSION = len(KNOWN)


@cache
def migrations():
    """The registered sqlite-utils migration set, built on first need.

    Opening an up-to-date database never needs it (see `applied_names`), so sqlite-utils, the
    slowest import on the way to the first problem, is imported only to create or upgrade a file.
    """
    from sqlite_utils.migrations import Migrations

    registered = Migrations(MIGRATION_SET)
    registered(name="m001_initial")(m001_initial)
    registered(name="m002_summaries")(m002_summaries)
    registered(name="m005_imported_reviews")(m005_imported_reviews)
    return registered


def applied_names(conn: sqlite3.Connection) -> list[str]:
    """Names of the applied migrations of trainer's set, oldest first (read with plain SQL)."""
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                          (MIGRATIONS_TABLE,)).fetchone()
    if not exists:
        return []
    rows = conn.execute(f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
                        (MIGRATION_SET,))
    return [r[0] for r in rows]


#: `PRAGMA application_id` of every trainer database ("trnr"): set on creation and on migration, so
#: that file(1) and trainer itself can tell a trainer file from any other SQLite file.
APPLICATION_ID = int.from_bytes(b"trnr", "big")


def identify(conn: sqlite3.Connection) -> str | None:
    """Whether an SQLite database is trainer's, read without writing anything.

    A file is trainer's when it carries trainer's application id, or (files from before the id was
    set) when trainer's own migration set is recorded with its first step and its tables exist. The
    mere presence of sqlite-utils' `_sqlite_migrations` table proves nothing: other programs use it.

    Args:
        conn: a connection to the database (read access is enough).

    Returns:
        None when the database is trainer's or entirely empty (no schema objects, no user_version,
        no application id: a new file trainer may claim), else a short reason it is not trainer's.
    """
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if app_id == APPLICATION_ID:
        return None
    if app_id != 0:
        return f"it belongs to another program (application id {app_id:#010x})"
    objects = {(row[0], row[1]) for row in conn.execute("SELECT type, name FROM sqlite_master")}
    user_version = conn.execute("PRAGMA user_version").fetchone()[0]
    if not objects:
        return None if user_version == 0 else f"it is marked by another program (user_version {user_version})"
    tables = {name for kind, name in objects if kind == "table"}
    if MIGRATIONS_TABLE not in tables:
        return "it has none of trainer's migrations"
    applied = applied_names(conn)
    if not applied or applied[0] != KNOWN[0]:
        sets = [row[0] for row in conn.execute(f"SELECT DISTINCT migration_set FROM {MIGRATIONS_TABLE}")]
        shown = ", ".join(repr(s) for s in sets[:3]) or "none"
        return f"its migrations belong to another program (migration sets: {shown})"
    if not {"cards", "reviews", "settings"} <= tables:
        return "trainer's migrations are recorded but its tables are missing"
    return None
