"""The progress database schema, as registered sqlite-utils migrations applied in order at open.

Storage layer. Version 1 holds the facts (cards, reviews, settings); version 2 adds each review's topic
and summary tables kept exact by triggers (per template and day, per day, per template, an
answer-time histogram per topic, mistake counts), so that statistics over a million reviews read a
few thousand rows instead of scanning them all; version 3 stores each review compactly (a quarter
of the bytes: see docs/data.md), version 7 packs it further (card before, parameters, answer,
uid index), and version 8 keeps card states only within each card's undo window, packs a review's
small columns into one integer and keys the per-day summary by numbers. Migrations are never edited once released: a change is a new migration, and
`tests/fixtures/trainer-v1.db` proves an old file still upgrades.
"""

from __future__ import annotations

import json
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


def _tid(row: str) -> str:
    return f"(SELECT template_id FROM cards WHERE card_id = {row}.card_id)"


def _day(row: str) -> str:
    return f"date({row}.day * 86400, 'unixepoch')"


def _day_refresh_v3(row: str) -> str:
    """`_day_refresh` for the compact reviews of version 3 (card number, day number)."""
    return f"""
    DELETE FROM review_days WHERE template_id = {_tid(row)} AND day = {_day(row)};
    INSERT INTO review_days (template_id, day, reviews, correct, new_cards, review_cards, time_ms,
                             first_state, first_correct)
    SELECT {_tid(row)}, {_day(row)}, count(*), sum(r.correct), sum(r.review_state = 0), sum(r.review_state = 2),
           sum(coalesce(r.response_ms, 0)), f.review_state, f.correct
    FROM reviews r,
         (SELECT review_state, correct FROM reviews
          WHERE card_id = {row}.card_id AND day = {row}.day
          ORDER BY reviewed_at, id LIMIT 1) f
    WHERE r.card_id = {row}.card_id AND r.day = {row}.day
    GROUP BY r.card_id, r.day;
    """


def _add_v3(row: str, sign: str) -> str:
    """`_add` for the compact reviews of version 3 (topic and mistake by number)."""
    bucket = f"min({row}.response_ms / 100, 6000)"
    topic = f"coalesce((SELECT name FROM topics WHERE id = {row}.topic_id), '?')"
    diagnosis = f"(SELECT diagnosis_id FROM diagnoses WHERE id = {row}.diagnosis)"
    return f"""
    INSERT OR IGNORE INTO review_times (topic, bucket, reviews)
        SELECT {topic}, {bucket}, 0 WHERE {row}.response_ms IS NOT NULL;
    UPDATE review_times SET reviews = reviews {sign} 1
        WHERE {row}.response_ms IS NOT NULL AND topic = {topic} AND bucket = {bucket};
    DELETE FROM review_times WHERE topic = {topic} AND reviews <= 0;
    INSERT OR IGNORE INTO review_mistakes (template_id, diagnosis_id, reviews, message)
        SELECT {_tid(row)}, d.diagnosis_id, 0, d.message FROM diagnoses d WHERE d.id = {row}.diagnosis;
    UPDATE review_mistakes SET reviews = reviews {sign} 1
        WHERE {row}.diagnosis IS NOT NULL AND template_id = {_tid(row)} AND diagnosis_id = {diagnosis};
    DELETE FROM review_mistakes WHERE template_id = {_tid(row)} AND reviews <= 0;
    """


def _totals_v3(row: str, sign: str) -> str:
    """`_totals` for version 3: a template's last day is read from the reviews' (card, day) index,
    since review_days is keyed by day first and has no index by template any more."""
    last_day = (f"(SELECT date(max(r.day) * 86400, 'unixepoch') FROM reviews r WHERE r.card_id = "
                f"(SELECT card_id FROM cards WHERE template_id = {row}.template_id))")
    old = f"(SELECT max(day) FROM review_days WHERE template_id = {row}.template_id)"
    text = _totals(row, sign)
    assert old in text  # the one clause that differs from version 2
    return text.replace(old, last_day)


#: Version 3: one compact reviews table (docs/data.md). The summary tables of version 2 keep their
#: columns and rows; review_days is keyed by (day, template) instead of carrying a second index, and
#: the triggers that feed the summaries are rewritten for the new columns.
V3_SQL = f"""
CREATE TABLE topics (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE diagnoses (
    id INTEGER PRIMARY KEY,
    diagnosis_id TEXT NOT NULL,
    message TEXT
);
CREATE INDEX diagnoses_id ON diagnoses (diagnosis_id, message);
INSERT OR IGNORE INTO cards (template_id, card_id)
    SELECT DISTINCT r.template_id, (SELECT coalesce(max(card_id), 0) FROM cards) + dense_rank() OVER (ORDER BY r.template_id)
    FROM reviews r WHERE r.template_id NOT IN (SELECT template_id FROM cards);
INSERT INTO topics (name) SELECT DISTINCT topic FROM reviews WHERE topic IS NOT NULL ORDER BY topic;
INSERT INTO diagnoses (diagnosis_id, message)
    SELECT DISTINCT diagnosis_id, json_extract(verdict, '$.diagnosis.message') FROM reviews
    WHERE diagnosis_id IS NOT NULL ORDER BY 1, 2;
CREATE TABLE reviews_v3 (
    id INTEGER PRIMARY KEY,
    uid BLOB NOT NULL UNIQUE,
    card_id INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    params TEXT NOT NULL,
    answer TEXT NOT NULL,
    correct INTEGER NOT NULL,
    score REAL,
    diagnosis INTEGER,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    auto_rating INTEGER NOT NULL CHECK (auto_rating BETWEEN 1 AND 4),
    overridden INTEGER NOT NULL,
    hint_used INTEGER NOT NULL DEFAULT 0,
    response_ms INTEGER,
    reviewed_at INTEGER NOT NULL,
    day INTEGER NOT NULL,
    review_state INTEGER NOT NULL,
    topic_id INTEGER,
    before_state INTEGER,
    before_step INTEGER,
    before_stability REAL,
    before_difficulty REAL,
    before_due INTEGER,
    before_last_review INTEGER,
    before_reps INTEGER NOT NULL,
    before_lapses INTEGER NOT NULL,
    before_leech INTEGER NOT NULL
);
INSERT INTO reviews_v3
SELECT r.id, trainer_uid_key(r.uid), c.card_id, r.seed, r.params, r.answer, r.correct, r.score,
       (SELECT d.id FROM diagnoses d WHERE d.diagnosis_id = r.diagnosis_id
          AND d.message IS json_extract(r.verdict, '$.diagnosis.message')),
       r.rating, r.auto_rating, r.decided = 'overridden', r.hint_used, r.response_ms,
       trainer_time_us(r.reviewed_at), trainer_day_number(r.day, r.reviewed_at), r.review_state,
       (SELECT t.id FROM topics t WHERE t.name = r.topic),
       nullif(CASE coalesce(json_extract(r.state_before, '$.state'), 'new')
                WHEN 'new' THEN 0 WHEN 'learning' THEN 1 WHEN 'review' THEN 2 WHEN 'relearning' THEN 3 END,
              r.review_state),
       json_extract(r.state_before, '$.step'), json_extract(r.state_before, '$.stability'),
       json_extract(r.state_before, '$.difficulty'),
       trainer_time_us(json_extract(r.state_before, '$.due')),
       trainer_time_us(json_extract(r.state_before, '$.last_review')),
       coalesce(json_extract(r.state_before, '$.reps'), 0), coalesce(json_extract(r.state_before, '$.lapses'), 0),
       coalesce(json_extract(r.state_before, '$.leech'), 0) != 0
FROM reviews r JOIN cards c ON c.template_id = r.template_id
ORDER BY r.id;
DROP TRIGGER reviews_summary_insert;
DROP TRIGGER reviews_summary_delete;
DROP TRIGGER reviews_summary_update;
DROP TABLE reviews;
ALTER TABLE reviews_v3 RENAME TO reviews;
CREATE INDEX reviews_card ON reviews (card_id, day);
CREATE TABLE review_days_v3 (
    template_id TEXT NOT NULL,
    day TEXT NOT NULL,
    reviews INTEGER NOT NULL,
    correct INTEGER NOT NULL,
    new_cards INTEGER NOT NULL,
    review_cards INTEGER NOT NULL,
    time_ms INTEGER NOT NULL,
    first_state INTEGER NOT NULL,
    first_correct INTEGER NOT NULL,
    PRIMARY KEY (day, template_id)
) WITHOUT ROWID;
INSERT INTO review_days_v3 SELECT * FROM review_days ORDER BY day, template_id;
DROP TABLE review_days;
ALTER TABLE review_days_v3 RENAME TO review_days;
CREATE TRIGGER review_days_totals_insert AFTER INSERT ON review_days BEGIN
    {_totals_v3("NEW", "+")}
END;
CREATE TRIGGER review_days_totals_delete AFTER DELETE ON review_days BEGIN
    {_totals_v3("OLD", "-")}
END;
CREATE VIEW review_log AS
SELECT r.id,
       CASE WHEN typeof(r.uid) = 'blob' THEN lower(hex(r.uid)) ELSE r.uid END AS uid,
       c.template_id, r.seed, r.params, r.answer, r.correct, r.score, d.diagnosis_id,
       d.message AS diagnosis_message, r.rating, r.auto_rating,
       CASE WHEN r.overridden THEN 'overridden' ELSE 'auto' END AS decided, r.hint_used, r.response_ms,
       strftime('%Y-%m-%dT%H:%M:%S', r.reviewed_at / 1000000, 'unixepoch') || '.'
           || printf('%06d', r.reviewed_at % 1000000) || '+00:00' AS reviewed_at,
       date(r.day * 86400, 'unixepoch') AS day, r.review_state, t.name AS topic
FROM reviews r JOIN cards c ON c.card_id = r.card_id LEFT JOIN topics t ON t.id = r.topic_id
LEFT JOIN diagnoses d ON d.id = r.diagnosis;
CREATE TRIGGER reviews_summary_insert AFTER INSERT ON reviews BEGIN
    {_day_refresh_v3("NEW")}
    {_add_v3("NEW", "+")}
END;
CREATE TRIGGER reviews_summary_delete AFTER DELETE ON reviews BEGIN
    {_day_refresh_v3("OLD")}
    {_add_v3("OLD", "-")}
END;
CREATE TRIGGER reviews_summary_update
AFTER UPDATE OF card_id, topic_id, day, reviewed_at, correct, review_state, response_ms, diagnosis ON reviews
BEGIN
    {_day_refresh_v3("OLD")}
    {_add_v3("OLD", "-")}
    {_day_refresh_v3("NEW")}
    {_add_v3("NEW", "+")}
END;
"""


def _day_number_or_date(day, reviewed_at) -> int:
    from trainer.storage.codec import EPOCH_DAY, day_number, from_us, time_us

    try:
        return day_number(day)
    except (TypeError, ValueError):  # a day no trainer wrote: its UTC date, as before day settings existed
        return (from_us(time_us(reviewed_at)).date() - EPOCH_DAY).days


def m001_initial(db) -> None:
    """Cards, reviews and settings."""
    db.executescript(V1_SQL)


def m002_summaries(db) -> None:
    """Trigger-maintained summaries (per template and day; answer-time histogram; mistakes), backfilled."""
    db.executescript(V2_SQL)


def m003_compact_reviews(db) -> None:
    """Compact reviews: uid as 16 bytes, integer times and days, the card by number, topic and
    mistake by number, the verdict reduced to its diagnosis, the card before as columns and no
    card after (it is the next review's card before, or the card itself); one index instead of two."""
    from trainer.storage.codec import time_us, uid_key

    conn = db.conn
    conn.create_function("trainer_uid_key", 1, uid_key, deterministic=True)
    conn.create_function("trainer_time_us", 1, time_us, deterministic=True)
    conn.create_function("trainer_day_number", 2, _day_number_or_date, deterministic=True)
    db.executescript(V3_SQL)


V5_IMPORTED_SQL = """
CREATE TABLE imported_reviews (
    id INTEGER PRIMARY KEY,
    card_id TEXT NOT NULL,
    template_id TEXT,
    review_time INTEGER NOT NULL,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    review_state INTEGER,
    duration_ms INTEGER,
    UNIQUE (card_id, review_time)
);
"""


def m005_imported_reviews(db) -> None:
    """Reviews imported from another program's log (FSRS optimizer CSV): for fitting only.

    `template_id` is set when the file's card id is a template id here; otherwise the row belongs to
    a foreign card, which is never served. `review_time` is the file's milliseconds since the epoch;
    (card_id, review_time) is unique, so a file imported twice adds nothing the second time.
    """
    db.executescript(V5_IMPORTED_SQL)


V4_IMPLICIT_SQL = """
CREATE TABLE implicit_reviews (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    cause_id INTEGER NOT NULL,
    cause_uid TEXT NOT NULL,
    cause_template TEXT NOT NULL,
    template_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('credit', 'penalty')),
    weight REAL NOT NULL,
    reviewed_at TEXT NOT NULL,
    state_before TEXT NOT NULL,
    state_after TEXT NOT NULL
);
CREATE INDEX implicit_reviews_cause ON implicit_reviews (cause_id);
CREATE INDEX implicit_reviews_template ON implicit_reviews (template_id, cause_id);
"""


def m004_implicit_reviews(db) -> None:
    """Implicit reviews (credit and penalties along the prerequisite graph), apart from `reviews`.

    Their own table, so every summary, retention figure and count over `reviews` stays a count of
    explicit answers. A row names its cause by `reviews.id` (undo and re-rate) and by the cause's
    uid and template (backups, card info), so nothing here reads other columns of `reviews`.
    """
    db.executescript(V4_IMPLICIT_SQL)


#: The card-state columns of a compact implicit review, once for the card before and once after.
STATE_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses", "leech")
IMPLICIT_KINDS = ("credit", "penalty")
#: Columns of `implicit_rows` that are NULL unless the value differs from the one derived from the cause
#: review, the card and the state columns (never, for rows trainer writes; kept so nothing is lost).
IMPLICIT_OVERRIDES = ("uid", "cause_uid", "cause_template", "reviewed_at", "state_before", "state_after")


def _iso_sql(us: str) -> str:
    """SQL for the fixed-width ISO text (`scheduling.iso`) of a microsecond time column."""
    return (f"(strftime('%Y-%m-%dT%H:%M:%S', {us} / 1000000, 'unixepoch') || '.' "
            f"|| printf('%06d', {us} % 1000000) || '+00:00')")


def _state_json_sql(prefix: str) -> str:
    """SQL for a card state's JSON text (`CardState.to_dict`, as `json.dumps` writes it) from its columns;
    reals printed with 17 digits, which read back as the very same double."""
    c = {f: f"i.{prefix}_{f}" for f in STATE_FIELDS}

    def real(col: str) -> str:
        return f"CASE WHEN {col} IS NULL THEN 'null' ELSE printf('%!.17g', {col}) END"

    def time(col: str) -> str:
        return f"CASE WHEN {col} IS NULL THEN 'null' ELSE '\"' || {_iso_sql(col)} || '\"' END"

    return (f"""'{{"state": "' || CASE {c['state']} WHEN 0 THEN 'new' WHEN 1 THEN 'learning' WHEN 2 THEN 'review' """
            f"""WHEN 3 THEN 'relearning' END || '", "step": ' || coalesce({c['step']}, 'null') """
            f"""|| ', "stability": ' || {real(c['stability'])} || ', "difficulty": ' || {real(c['difficulty'])} """
            f"""|| ', "due": ' || {time(c['due'])} || ', "last_review": ' || {time(c['last_review'])} """
            f"""|| ', "reps": ' || {c['reps']} || ', "lapses": ' || {c['lapses']} """
            f"""|| ', "leech": ' || CASE WHEN {c['leech']} THEN 'true' ELSE 'false' END || '}}'""")


_STATE_COLUMNS_SQL = ",\n    ".join(f"{side}_{f} {'REAL' if f in ('stability', 'difficulty') else 'INTEGER'}"
                                   for side in ("before", "after") for f in STATE_FIELDS)

def _implicit_view_sql(states: str) -> str:
    """`implicit_reviews` (version 4's columns) over `implicit_rows`, as versions 6 and 8 define it,
    given the SQL of its last two columns, `state_before` and `state_after` (with their line end)."""
    return f"""CREATE VIEW implicit_reviews AS
SELECT i.id,
       coalesce(i.uid, CASE WHEN typeof(r.uid) = 'blob' THEN lower(hex(r.uid)) ELSE r.uid END
                       || '/' || c.template_id) AS uid,
       i.cause_id,
       coalesce(i.cause_uid, CASE WHEN typeof(r.uid) = 'blob' THEN lower(hex(r.uid)) ELSE r.uid END) AS cause_uid,
       coalesce(i.cause_template, rc.template_id) AS cause_template,
       c.template_id,
       CASE i.kind WHEN 0 THEN 'credit' ELSE 'penalty' END AS kind,
       i.weight,
       coalesce(i.reviewed_at, {_iso_sql("r.reviewed_at")}) AS reviewed_at,
{states}FROM implicit_rows i JOIN cards c ON c.card_id = i.card_id
LEFT JOIN reviews r ON r.id = i.cause_id LEFT JOIN cards rc ON rc.card_id = r.card_id;
"""


#: Version 6's two state columns: JSON built from the eighteen state columns, unless overridden.
_V6_STATES = f"""       coalesce(i.state_before, {_state_json_sql("before")}) AS state_before,
       coalesce(i.state_after, {_state_json_sql("after")}) AS state_after
"""


#: Version 6: implicit reviews stored compactly (docs/data.md): the card by number, the kind as 0/1,
#: the two card states as columns; uid, cause uid and template and time are derived from the cause
#: review. `implicit_reviews` becomes a view with the columns of version 4, so reads are unchanged.
V6_SQL = f"""
CREATE TABLE implicit_rows (
    id INTEGER PRIMARY KEY,
    cause_id INTEGER NOT NULL,
    card_id INTEGER NOT NULL,
    kind INTEGER NOT NULL CHECK (kind IN (0, 1)),
    weight REAL NOT NULL,
    {_STATE_COLUMNS_SQL},
    {", ".join(f"{c} TEXT" for c in IMPLICIT_OVERRIDES)}
);
CREATE INDEX implicit_rows_cause ON implicit_rows (cause_id, card_id);
CREATE INDEX implicit_rows_card ON implicit_rows (card_id, cause_id);
{_implicit_view_sql(_V6_STATES)}"""


def implicit_state_values(state) -> tuple:
    """The state columns (`STATE_FIELDS` order) of a card state given as JSON text or a dict, or a
    tuple of NULLs when it is not a readable card state (its text is then kept as an override)."""
    from trainer.core.scheduling import STATE_CODES, CardState
    from trainer.storage.codec import time_us

    try:
        card = CardState.from_dict(json.loads(state) if isinstance(state, str) else state)
        return (STATE_CODES[card.state], card.step, card.stability, card.difficulty, time_us(card.due),
                time_us(card.last_review), card.reps, card.lapses, int(card.leech))
    except (TypeError, ValueError, AttributeError, KeyError):
        return (None,) * len(STATE_FIELDS)


def _same_json(a, b) -> bool:
    try:
        return json.dumps(json.loads(a) if isinstance(a, str) else a, sort_keys=True) == \
            json.dumps(json.loads(b) if isinstance(b, str) else b, sort_keys=True)
    except (TypeError, ValueError):
        return a == b


_IMPLICIT_NAMES = ["id", "cause_id", "card_id", "kind", "weight"] + [f"{side}_{f}" for side in ("before", "after")
                                                                       for f in STATE_FIELDS]
_INSERT_IMPLICIT = (f"INSERT INTO implicit_rows ({', '.join(_IMPLICIT_NAMES)}) "
                    f"VALUES ({', '.join('?' for _ in _IMPLICIT_NAMES)})")
_SELECT_DERIVED = f"SELECT id, {', '.join(IMPLICIT_OVERRIDES)} FROM implicit_reviews"


def _implicit_values(cause_id: int, card_id: int, row: dict, row_id: int | None) -> list:
    """The compact columns (`_IMPLICIT_NAMES` order) of a version-4 implicit review."""
    kind = IMPLICIT_KINDS.index(row["kind"]) if row["kind"] in IMPLICIT_KINDS else -1  # -1 fails the CHECK
    return [row_id, cause_id, card_id, kind, row["weight"], *implicit_state_values(row["state_before"]),
            *implicit_state_values(row["state_after"])]


def _overrides(derived, row) -> dict:
    """The override columns a row needs: each given value that the view does not derive exactly."""
    keep = {}
    for i, name in enumerate(IMPLICIT_OVERRIDES, start=1):
        given = row[name]
        if name.startswith("state_"):
            if not _same_json(derived[i], given):
                keep[name] = given if isinstance(given, str) else json.dumps(given)
        elif derived[i] != given:
            keep[name] = given
    return keep


def _set_overrides(conn: sqlite3.Connection, row_id: int, keep: dict) -> None:
    if keep:
        conn.execute(f"UPDATE implicit_rows SET {', '.join(f'{k} = ?' for k in keep)} WHERE id = ?",
                     [*keep.values(), row_id])


def write_implicit(conn: sqlite3.Connection, cause_id: int, card_id: int, row: dict) -> int:
    """Write one implicit review compactly and check it reads back exactly as given.

    Args:
        conn: the connection, inside the caller's transaction.
        cause_id: `reviews.id` of the explicit review that caused it.
        card_id: the receiving card's number.
        row: the version-4 fields (`uid`, `cause_uid`, `cause_template`, `template_id`, `kind`, `weight`,
            `reviewed_at` as text, `state_before`, `state_after` as JSON text or dicts).

    Returns:
        The new row's id.

    Raises:
        sqlite3.IntegrityError: an unknown kind (as version 4's CHECK).
    """
    new_id = int(conn.execute(_INSERT_IMPLICIT, _implicit_values(cause_id, card_id, row, None)).lastrowid)
    derived = conn.execute(f"{_SELECT_DERIVED} WHERE id = ?", (new_id,)).fetchone()
    _set_overrides(conn, new_id, _overrides(derived, row))
    return new_id


def m006_compact_implicit(db) -> None:
    """Compact implicit reviews: the card by number, the kind as 0/1, both card states as columns, and
    uid, cause uid, cause template and time derived from the cause review (about a fifth of the bytes);
    `implicit_reviews` becomes a view with version 4's columns. Every row reads back as it was: a value
    that cannot be derived is kept in its override column."""
    conn = db.conn
    db.executescript("DROP INDEX implicit_reviews_cause; DROP INDEX implicit_reviews_template; "
                     "ALTER TABLE implicit_reviews RENAME TO implicit_reviews_v4;" + V6_SQL)
    conn.execute("INSERT OR IGNORE INTO cards (template_id, card_id) "
                 "SELECT DISTINCT template_id, (SELECT coalesce(max(card_id), 0) FROM cards) "
                 "+ dense_rank() OVER (ORDER BY template_id) FROM implicit_reviews_v4 "
                 "WHERE template_id NOT IN (SELECT template_id FROM cards)")
    conn.row_factory, old_factory = sqlite3.Row, conn.row_factory
    try:
        # In bulk: every row written, then every derived value compared with the old row at once.
        old = {r["id"]: dict(r) for r in conn.execute(
            "SELECT v.*, c.card_id FROM implicit_reviews_v4 v JOIN cards c ON c.template_id = v.template_id")}
        conn.executemany(_INSERT_IMPLICIT, (_implicit_values(r["cause_id"], r["card_id"], r, i)
                                            for i, r in sorted(old.items())))
        for derived in conn.execute(_SELECT_DERIVED).fetchall():
            _set_overrides(conn, derived[0], _overrides(derived, old[derived[0]]))
    finally:
        conn.row_factory = old_factory
    conn.execute("DROP TABLE implicit_reviews_v4")


#: The columns of version 7's `reviews` that `review_log` reads, in table order.
_LOG_COLUMNS = ("id", "uid", "card_id", "seed", "params", "answer", "correct", "score", "diagnosis", "rating",
                "auto_rating", "overridden", "hint_used", "response_ms", "reviewed_at", "day", "review_state",
                "topic_id")


def _unpacked_reviews_sql() -> str:
    """A subquery of `reviews` with `params` and `answer` unpacked (`codec.text_sql`) in plain SQL, one
    nesting of `replace` calls per level (SQLite's parser allows only so many in one expression)."""
    from trainer.storage.codec import text_sql, text_sql_steps

    plain = ", ".join(c for c in _LOG_COLUMNS if c not in ("params", "answer"))
    sql = (f"SELECT {plain}, params AS packed_params, answer AS packed_answer, {text_sql('params', 0)} AS p, "
           f"{text_sql('answer', 0)} AS a FROM reviews")
    for step in range(1, text_sql_steps()):
        sql = (f"SELECT {plain}, packed_params, packed_answer, {text_sql('p', step)} AS p, {text_sql('a', step)} AS a "
               f"FROM ({sql})")
    return (f"SELECT {plain}, coalesce(p, packed_params) AS params, coalesce(a, packed_answer) AS answer "
            f"FROM ({sql})")


def _v7_sql() -> str:
    """Version 7's schema change (see `m007_pack_reviews`), as one script."""
    before = ", ".join(f"r.{c}" for c in ("before_state", "before_step", "before_stability", "before_difficulty",
                                          "before_due", "before_last_review", "before_reps", "before_lapses",
                                          "before_leech"))
    implicit_view = V6_SQL[V6_SQL.index("CREATE VIEW implicit_reviews"):]
    return f"""
DROP VIEW review_log;
DROP VIEW implicit_reviews;
DROP TRIGGER review_days_totals_insert;
DROP TRIGGER review_days_totals_delete;
CREATE TABLE reviews_v7 (
    id INTEGER PRIMARY KEY,
    uid BLOB NOT NULL,
    card_id INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    params TEXT NOT NULL,
    answer TEXT NOT NULL,
    correct INTEGER NOT NULL,
    score REAL,
    diagnosis INTEGER,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    auto_rating INTEGER NOT NULL CHECK (auto_rating BETWEEN 1 AND 4),
    overridden INTEGER NOT NULL,
    hint_used INTEGER NOT NULL DEFAULT 0,
    response_ms INTEGER,
    reviewed_at INTEGER NOT NULL,
    day INTEGER NOT NULL,
    review_state INTEGER NOT NULL,
    topic_id INTEGER,
    before BLOB
);
INSERT INTO reviews_v7
SELECT r.id, r.uid, r.card_id, r.seed, trainer_pack_text(r.params), trainer_pack_text(r.answer), r.correct, r.score,
       r.diagnosis, r.rating, r.auto_rating, r.overridden, r.hint_used, r.response_ms, r.reviewed_at, r.day,
       r.review_state, r.topic_id, trainer_pack_before({before}, r.reviewed_at)
FROM reviews r ORDER BY r.id;
DROP TABLE reviews;
ALTER TABLE reviews_v7 RENAME TO reviews;
CREATE INDEX reviews_card ON reviews (card_id, day);
CREATE INDEX reviews_uid ON reviews (substr(uid, 1, 4));
CREATE TRIGGER reviews_uid_insert BEFORE INSERT ON reviews
WHEN EXISTS (SELECT 1 FROM reviews WHERE substr(uid, 1, 4) = substr(NEW.uid, 1, 4) AND uid = NEW.uid)
BEGIN
    SELECT RAISE(ABORT, 'UNIQUE constraint failed: reviews.uid');
END;
CREATE TRIGGER reviews_uid_update BEFORE UPDATE OF uid ON reviews
WHEN EXISTS (SELECT 1 FROM reviews WHERE substr(uid, 1, 4) = substr(NEW.uid, 1, 4) AND uid = NEW.uid
             AND id != NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'UNIQUE constraint failed: reviews.uid');
END;
CREATE TRIGGER review_days_totals_insert AFTER INSERT ON review_days BEGIN
    {_totals_v3("NEW", "+")}
END;
CREATE TRIGGER review_days_totals_delete AFTER DELETE ON review_days BEGIN
    {_totals_v3("OLD", "-")}
END;
CREATE TRIGGER reviews_summary_insert AFTER INSERT ON reviews BEGIN
    {_day_refresh_v3("NEW")}
    {_add_v3("NEW", "+")}
END;
CREATE TRIGGER reviews_summary_delete AFTER DELETE ON reviews BEGIN
    {_day_refresh_v3("OLD")}
    {_add_v3("OLD", "-")}
END;
CREATE TRIGGER reviews_summary_update
AFTER UPDATE OF card_id, topic_id, day, reviewed_at, correct, review_state, response_ms, diagnosis ON reviews
BEGIN
    {_day_refresh_v3("OLD")}
    {_add_v3("OLD", "-")}
    {_day_refresh_v3("NEW")}
    {_add_v3("NEW", "+")}
END;
CREATE VIEW review_log AS
SELECT r.id,
       CASE WHEN typeof(r.uid) = 'blob' THEN lower(hex(r.uid)) ELSE r.uid END AS uid,
       c.template_id, r.seed, r.params, r.answer, r.correct, r.score, d.diagnosis_id,
       d.message AS diagnosis_message, r.rating, r.auto_rating,
       CASE WHEN r.overridden THEN 'overridden' ELSE 'auto' END AS decided, r.hint_used, r.response_ms,
       {_iso_sql("r.reviewed_at")} AS reviewed_at,
       date(r.day * 86400, 'unixepoch') AS day, r.review_state, t.name AS topic
FROM ({_unpacked_reviews_sql()}) r JOIN cards c ON c.card_id = r.card_id LEFT JOIN topics t ON t.id = r.topic_id
LEFT JOIN diagnoses d ON d.id = r.diagnosis;
{implicit_view}
"""


def m007_pack_reviews(db) -> None:
    """Packed reviews: the card before in one small BLOB (`codec.pack_before`), parameters and answer
    with their recurring text written as one character each (`codec.pack_text`; a BLOB marks a packed
    value, TEXT stays as it was), and the uid looked up through an index of its first four bytes
    instead of a unique index of all sixteen (triggers refuse a uid already stored, as the unique
    index did, with the same error). Every
    value reads back exactly: `review_log` and `implicit_reviews` keep their columns."""
    from trainer.storage.codec import pack_before, pack_text

    conn = db.conn
    conn.create_function("trainer_pack_text", 1, pack_text, deterministic=True)
    conn.create_function("trainer_pack_before", 10, lambda *v: pack_before(v[:9], v[9]), deterministic=True)
    db.executescript(_v7_sql())


# --------------------------------------------------------------------------- version 8 (m008_prune_states)
#: How long before its card's latest review (commit order) a review keeps its card before, and its
#: implicit reviews their two card states: undo and re-rate act only on a card's latest review, and a
#: session's undo stack holds only its own reviews, so an older state can never be used again. FSRS
#: replay and fitting read card, time, rating, state code and duration, which every review keeps.
UNDO_WINDOW_US = 48 * 3600 * 1_000_000

_V8_IMPLICIT_SQL = f"""
CREATE TABLE implicit_rows (
    id INTEGER PRIMARY KEY,
    cause_id INTEGER NOT NULL,
    card_id INTEGER NOT NULL,
    kind INTEGER NOT NULL CHECK (kind IN (0, 1)),
    weight REAL NOT NULL,
    {", ".join(f"{c} TEXT" for c in IMPLICIT_OVERRIDES)}
);
CREATE INDEX implicit_rows_cause ON implicit_rows (cause_id, card_id);
CREATE INDEX implicit_rows_card ON implicit_rows (card_id, cause_id);
"""

#: Version 8's `implicit_reviews`: version 4's columns. The two card states are stored as their JSON
#: text while the cause review can be undone and NULL once pruned: few rows keep one, so text costs
#: little, and the view stays plain SQL that any SQLite client reads.
_V8_IMPLICIT_VIEW = "\n" + _implicit_view_sql("       i.state_before, i.state_after\n")


def _statements(script: str) -> list[str]:
    """The statements of a script, each complete (a trigger's body included), in order."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    assert not buf.strip(), buf
    return out


def _day_refresh_v8(row: str) -> str:
    """`_day_refresh_v3` for version 8's `card_days`: keyed by the review's own card and day numbers."""
    return f"""
    DELETE FROM card_days WHERE day = {row}.day AND card_id = {row}.card_id;
    INSERT INTO card_days (day, card_id, reviews, correct, new_cards, review_cards, time_ms, first_state,
                           first_correct)
    SELECT {row}.day, {row}.card_id, count(*), sum(r.correct), sum(r.review_state = 0), sum(r.review_state = 2),
           sum(coalesce(r.response_ms, 0)), f.review_state, f.correct
    FROM reviews r,
         (SELECT review_state, correct FROM reviews
          WHERE card_id = {row}.card_id AND day = {row}.day
          ORDER BY reviewed_at, id LIMIT 1) f
    WHERE r.card_id = {row}.card_id AND r.day = {row}.day
    GROUP BY r.card_id, r.day;
    """


def _totals_v8(row: str, sign: str) -> str:
    """`_totals_v3` for a `card_days` row (day and card by number; the totals keep their text keys)."""
    text = _totals_v3(row, sign)
    last_day = (f"(SELECT date(max(r.day) * 86400, 'unixepoch') FROM reviews r WHERE r.card_id = "
                f"(SELECT card_id FROM cards WHERE template_id = {row}.template_id))")
    assert last_day in text
    text = text.replace(last_day, f"(SELECT date(max(r.day) * 86400, 'unixepoch') FROM reviews r "
                                  f"WHERE r.card_id = {row}.card_id)")
    return (text.replace(f"{row}.template_id", f"(SELECT template_id FROM cards WHERE card_id = {row}.card_id)")
            .replace(f"{row}.day", f"date({row}.day * 86400, 'unixepoch')"))


#: The stored columns of version 8's `reviews` but its id, in table order: the six small columns are
#: packed in `flags` (`codec.pack_flags`) and read as VIRTUAL generated columns of the same names.
REVIEW_STORED_COLUMNS = ("uid", "card_id", "seed", "params", "answer", "flags", "score", "diagnosis", "response_ms",
                         "reviewed_at", "day", "topic_id", "before")


def _v8_sql(kept: str) -> str:
    """Version 8's rebuild of `reviews` (card before pruned outside the undo window, see
    `m008_prune_states`) and of `review_days` as `card_days`, with their indexes, triggers and views.

    Args:
        kept: SQL true for a review `r` whose card before is kept, given its card's latest `l`.
    """
    v7 = _v7_sql()
    uid_triggers = v7[v7.index("CREATE TRIGGER reviews_uid_insert"):v7.index("CREATE TRIGGER review_days_totals_insert")]
    review_log = v7[v7.index("CREATE VIEW review_log"):v7.index("CREATE VIEW implicit_reviews")]
    from trainer.storage.codec import FLAG_COLUMNS, flags_sql

    stored = ", ".join(("id",) + REVIEW_STORED_COLUMNS)
    generated = ",\n    ".join(f"{c} INTEGER AS ({flags_sql(c)}) VIRTUAL" for c in FLAG_COLUMNS)
    return f"""
DROP VIEW review_log;
DROP VIEW IF EXISTS implicit_reviews;
DROP TRIGGER review_days_totals_insert;
DROP TRIGGER review_days_totals_delete;
CREATE TABLE reviews_v8 (
    id INTEGER PRIMARY KEY,
    uid BLOB NOT NULL,
    card_id INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    params TEXT NOT NULL,
    answer TEXT NOT NULL,
    flags INTEGER NOT NULL,
    score REAL,
    diagnosis INTEGER,
    response_ms INTEGER,
    reviewed_at INTEGER NOT NULL,
    day INTEGER NOT NULL,
    topic_id INTEGER,
    before BLOB,
    {generated},
    CHECK (rating BETWEEN 1 AND 4),
    CHECK (auto_rating BETWEEN 1 AND 4)
);
INSERT INTO reviews_v8 ({stored})
SELECT r.id, {", ".join("trainer_pack_flags(" + ", ".join(f"r.{c}" for c in FLAG_COLUMNS) + ")" if c == "flags"
                  else f"CASE WHEN {kept} THEN coalesce(r.before, x'') END" if c == "before" else f"r.{c}"
                  for c in REVIEW_STORED_COLUMNS)}
FROM reviews r JOIN temp.m008_latest l ON l.card_id = r.card_id ORDER BY r.id;
DROP TABLE reviews;
ALTER TABLE reviews_v8 RENAME TO reviews;
CREATE INDEX reviews_card ON reviews (card_id, day);
CREATE INDEX reviews_uid ON reviews (substr(uid, 1, 4));
{uid_triggers}
CREATE TABLE card_days (
    day INTEGER NOT NULL,
    card_id INTEGER NOT NULL,
    reviews INTEGER NOT NULL,
    correct INTEGER NOT NULL,
    new_cards INTEGER NOT NULL,
    review_cards INTEGER NOT NULL,
    time_ms INTEGER NOT NULL,
    first_state INTEGER NOT NULL,
    first_correct INTEGER NOT NULL,
    PRIMARY KEY (day, card_id)
) WITHOUT ROWID;
INSERT INTO card_days
SELECT day, card_id, count(*), sum(correct), sum(review_state = 0), sum(review_state = 2), sum(coalesce(response_ms, 0)),
       max(CASE WHEN rn = 1 THEN review_state END), max(CASE WHEN rn = 1 THEN correct END)
FROM (SELECT day, card_id, correct, review_state, response_ms,
             row_number() OVER (PARTITION BY card_id, day ORDER BY reviewed_at, id) AS rn FROM reviews)
GROUP BY day, card_id ORDER BY day, card_id;
DROP TABLE review_days;
CREATE VIEW review_days AS
SELECT c.template_id, date(d.day * 86400, 'unixepoch') AS day, d.reviews, d.correct, d.new_cards, d.review_cards,
       d.time_ms, d.first_state, d.first_correct
FROM card_days d JOIN cards c ON c.card_id = d.card_id;
CREATE TRIGGER card_days_totals_insert AFTER INSERT ON card_days BEGIN
    {_totals_v8("NEW", "+")}
END;
CREATE TRIGGER card_days_totals_delete AFTER DELETE ON card_days BEGIN
    {_totals_v8("OLD", "-")}
END;
CREATE TRIGGER reviews_summary_insert AFTER INSERT ON reviews BEGIN
    {_day_refresh_v8("NEW")}
    {_add_v3("NEW", "+")}
END;
CREATE TRIGGER reviews_summary_delete AFTER DELETE ON reviews BEGIN
    {_day_refresh_v8("OLD")}
    {_add_v3("OLD", "-")}
END;
CREATE TRIGGER reviews_summary_update
AFTER UPDATE OF card_id, topic_id, day, reviewed_at, flags, response_ms, diagnosis ON reviews
BEGIN
    {_day_refresh_v8("OLD")}
    {_add_v3("OLD", "-")}
    {_day_refresh_v8("NEW")}
    {_add_v3("NEW", "+")}
END;
{review_log}
{_V8_IMPLICIT_VIEW}
"""


def prune_states(conn: sqlite3.Connection, card_id: int, latest_id: int, latest_at: int,
                 since_day: int | None = None) -> int:
    """Forget the card states no undo can use any more: the card before of each review of one card
    older than `UNDO_WINDOW_US` before the card's latest review, and both states of the implicit reviews
    those reviews caused.

    Args:
        conn: the connection, inside the caller's transaction.
        card_id: the card.
        latest_id: its latest review's id (commit order); that review always keeps its state.
        latest_at: that review's time, microseconds since 1970.
        since_day: only reviews on this day number or later (through the (card, day) index): every
            older one is already pruned, so a commit reads just the few recent index entries.

    Returns:
        How many reviews lost their card before.
    """
    sql = ("UPDATE reviews SET before = NULL WHERE card_id = ? AND id != ? AND reviewed_at < ? "
           "AND before IS NOT NULL")
    args: list = [card_id, latest_id, latest_at - UNDO_WINDOW_US]
    if since_day is not None:
        sql += " AND day >= ?"
        args.append(since_day)
    ids = [(row[0],) for row in conn.execute(sql + " RETURNING id", args).fetchall()]
    if ids:
        conn.executemany("UPDATE implicit_rows SET state_before = NULL, state_after = NULL WHERE cause_id = ?", ids)
    return len(ids)


def write_implicit_v8(conn: sqlite3.Connection, cause_id: int, card_id: int, row: dict) -> int:
    """Write one implicit review (version 8) and check it reads back exactly as given.

    Args:
        conn: the connection, inside the caller's transaction.
        cause_id: `reviews.id` of the explicit review that caused it.
        card_id: the receiving card's number.
        row: the version-4 fields (`uid`, `cause_uid`, `cause_template`, `template_id`, `kind`, `weight`,
            `reviewed_at` as text, `state_before`, `state_after` as JSON text, dicts, or None when
            no longer known).

    Returns:
        The new row's id.

    Raises:
        sqlite3.IntegrityError: an unknown kind (as version 4's CHECK).
    """
    kind = IMPLICIT_KINDS.index(row["kind"]) if row["kind"] in IMPLICIT_KINDS else -1  # -1 fails the CHECK
    states = [None if row[k] is None else row[k] if isinstance(row[k], str) else json.dumps(row[k])
              for k in ("state_before", "state_after")]
    new_id = int(conn.execute(
        "INSERT INTO implicit_rows (cause_id, card_id, kind, weight, state_before, state_after) "
        "VALUES (?, ?, ?, ?, ?, ?)", (cause_id, card_id, kind, row["weight"], *states)).lastrowid)
    derived = conn.execute(f"{_SELECT_DERIVED} WHERE id = ?", (new_id,)).fetchone()
    _set_overrides(conn, new_id, _overrides(derived, row))
    return new_id


def m008_prune_states(db) -> None:
    """Card states kept while they can be used (`UNDO_WINDOW_US`): a review's card before is kept
    for its card's latest review and the reviews within the window before it, NULL for older ones (a
    card never reviewed becomes an empty BLOB, since NULL now means "no longer kept"); implicit
    reviews keep their two card states as the JSON text the view gave, NULL with their cause's.
    Every value still stored reads back exactly."""
    from trainer.storage.codec import pack_before, pack_flags

    conn = db.conn
    conn.create_function("trainer_pack_values", 10, lambda *v: pack_before(v[:9], v[9]), deterministic=True)
    conn.create_function("trainer_pack_flags", 6, pack_flags, deterministic=True)
    conn.row_factory, old_factory = sqlite3.Row, conn.row_factory
    try:
        conn.execute("CREATE TEMP TABLE m008_latest (card_id INTEGER PRIMARY KEY, id INTEGER, reviewed_at INTEGER)")
        conn.execute("INSERT INTO temp.m008_latest SELECT r.card_id, r.id, r.reviewed_at FROM reviews r "
                     "WHERE r.id IN (SELECT max(id) FROM reviews GROUP BY card_id)")
        kept = (f"(r.id = l.id OR r.reviewed_at >= l.reviewed_at - {UNDO_WINDOW_US})")
        # The states the view gives now, for the implicit rows whose cause stays in its window.
        old = {r["id"]: r for r in conn.execute(
            f"SELECT v.id, v.state_before, v.state_after FROM implicit_reviews v "
            f"LEFT JOIN reviews r ON r.id = v.cause_id LEFT JOIN temp.m008_latest l ON l.card_id = r.card_id "
            f"WHERE r.id IS NULL OR {kept}")}
        # Statement by statement: `executescript` would commit the migration's transaction.
        for statement in ("DROP VIEW implicit_reviews", "DROP INDEX implicit_rows_cause",
                          "DROP INDEX implicit_rows_card", "ALTER TABLE implicit_rows RENAME TO implicit_rows_v6",
                          *_statements(_V8_IMPLICIT_SQL)):
            conn.execute(statement)
        conn.execute("""
INSERT INTO implicit_rows (id, cause_id, card_id, kind, weight, uid, cause_uid, cause_template, reviewed_at)
SELECT i.id, i.cause_id, i.card_id, i.kind, i.weight, i.uid, i.cause_uid, i.cause_template, i.reviewed_at
FROM implicit_rows_v6 i ORDER BY i.id
""")
        # The kept states, as the version-7 view gave them (a row whose cause is gone, an old file's
        # orphan, is in `old` too: no window applies to it).
        conn.executemany("UPDATE implicit_rows SET state_before = ?, state_after = ? WHERE id = ?",
                         [(r["state_before"], r["state_after"], k) for k, r in old.items()])
        conn.execute("DROP TABLE implicit_rows_v6")
        # Reviews rebuilt with each card before outside its window NULL (a card never reviewed, where
        # kept, an empty BLOB); review_days becomes card_days (numbers for keys) behind a view.
        for statement in _statements(_v8_sql(kept)):
            conn.execute(statement)
        conn.execute("DROP TABLE temp.m008_latest")
    finally:
        conn.row_factory = old_factory


#: Names of every migration this version knows, oldest first; the schema version is their count.
KNOWN = ["m001_initial", "m002_summaries", "m003_compact_reviews", "m004_implicit_reviews",
         "m005_imported_reviews", "m006_compact_implicit", "m007_pack_reviews", "m008_prune_states"]
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
    registered(name="m003_compact_reviews")(m003_compact_reviews)
    registered(name="m004_implicit_reviews")(m004_implicit_reviews)
    registered(name="m005_imported_reviews")(m005_imported_reviews)
    registered(name="m006_compact_implicit")(m006_compact_implicit)
    registered(name="m007_pack_reviews")(m007_pack_reviews)
    registered(name="m008_prune_states")(m008_prune_states)
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
