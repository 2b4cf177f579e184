"""The compact forms of review columns (schema versions 3, 7 and 8) and their inverses.

Storage layer. A review row keeps its uid as 16 bytes, its times as whole microseconds since the
epoch, its learning day as a day number, the card before it packed in one small BLOB and its
parameters and answer with recurring text as single characters, because at a million reviews every
byte of a row is a megabyte of file (see docs/data.md, "Version 3" and "Version 7"). Each
encoder here has an exact inverse, so a backup exported from the compact file carries the same
text as before, and the migration and the store share one definition.
"""

from __future__ import annotations

import json
import re
import struct
from datetime import date, datetime, timedelta, timezone

from trainer.core.scheduling import STATE_CODES, CardState, parse_time

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
EPOCH_DAY = date(1970, 1, 1)
_US = timedelta(microseconds=1)
_HEX_UID = re.compile(r"[0-9a-f]{32}")
STATE_NAMES = {code: name for name, code in STATE_CODES.items()}

#: The card-before columns of `reviews`, in the order `before_values` returns them.
BEFORE_COLUMNS = ("before_state", "before_step", "before_stability", "before_difficulty", "before_due",
                  "before_last_review", "before_reps", "before_lapses", "before_leech")


def uid_key(uid: str) -> bytes | str:
    """The stored form of a review uid: 16 bytes for a lowercase 32-digit hex uid (a uuid4's
    `.hex`, what trainer writes), else the text itself, so any uid from an old file or a backup
    keeps its identity and comes back unchanged from `uid_text`."""
    uid = str(uid)
    return bytes.fromhex(uid) if _HEX_UID.fullmatch(uid) else uid


def uid_text(stored: bytes | str) -> str:
    """Inverse of `uid_key`."""
    return stored.hex() if isinstance(stored, bytes) else str(stored)


def time_us(when: datetime | str | None) -> int | None:
    """Microseconds since 1970-01-01 UTC (exact: every stored time has microsecond resolution).

    Args:
        when: an aware datetime, ISO 8601 text (naive text is UTC, as `parse_time` reads it), or None.

    Returns:
        The integer, or None for None or empty text.

    Raises:
        ValueError: unreadable text.
    """
    if isinstance(when, str) or when is None:
        when = parse_time(when)
        if when is None:
            return None
    return (when - EPOCH) // _US


def from_us(us: int | None) -> datetime | None:
    """Inverse of `time_us`: an aware UTC datetime, or None."""
    return None if us is None else EPOCH + timedelta(microseconds=int(us))


def day_number(day: str) -> int:
    """A learning day 'YYYY-MM-DD' as days since 1970-01-01.

    Raises:
        ValueError: not a date in that form.
    """
    return (date.fromisoformat(str(day)) - EPOCH_DAY).days


def day_text(number: int) -> str:
    """Inverse of `day_number`."""
    return (EPOCH_DAY + timedelta(days=int(number))).isoformat()


def before_values(card: CardState, review_state: int) -> tuple:
    """The card-before columns of a review, in `BEFORE_COLUMNS` order.

    `before_state` is NULL when the state is the review's `review_state` (always so for reviews
    trainer records), so it costs a byte only for rows that disagree.
    """
    code = STATE_CODES[card.state]
    return (None if code == review_state else code, card.step, card.stability, card.difficulty,
            time_us(card.due), time_us(card.last_review), card.reps, card.lapses, int(card.leech))


def card_before(row, review_state: int) -> CardState | None:
    """Inverse of `before_values`: the card before a review, from a `reviews` row mapping (its
    `before` BLOB and `reviewed_at`, see `store_before`), or None when it is no longer stored
    (NULL: pruned once the review left its card's undo window, `m008_prune_states`)."""
    if row["before"] is None:
        return None
    code, step, stability, difficulty, due, last, reps, lapses, leech = unpack_before(row["before"],
                                                                                       row["reviewed_at"])
    return CardState(state=STATE_NAMES[review_state if code is None else code], step=step, stability=stability,
                     difficulty=difficulty, due=from_us(due), last_review=from_us(last), reps=reps, lapses=lapses,
                     leech=bool(leech))


# --------------------------------------------------------------------------- version 7 (m007_pack_reviews)
#: `before_values` of a card never reviewed (state as the review's, nothing scheduled): stored as NULL.
NEW_BEFORE = (None, None, None, None, None, None, 0, 0, 0)
_ESCAPE = 0xFF  # first byte of a card-before kept as JSON (values the compact form cannot hold exactly)
_DOUBLE = struct.Struct(">d")
_MINUTE_US = 60_000_000


def _zigzag(n: int) -> int:
    return n * 2 if n >= 0 else -n * 2 - 1


def _unzigzag(z: int) -> int:
    return z >> 1 if not z & 1 else -((z + 1) >> 1)


def _varint(n: int, out: bytearray) -> None:
    _uvarint(_zigzag(n), out)


def _uvarint(z: int, out: bytearray) -> None:
    while z >= 0x80:
        out.append((z & 0x7F) | 0x80)
        z >>= 7
    out.append(z)


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    z, pos = _read_uvarint(data, pos)
    return _unzigzag(z), pos


def _read_uvarint(data: bytes, pos: int) -> tuple[int, int]:
    z = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        z |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return z, pos


def _same(a, b) -> bool:
    """Exactly the same stored value: same type, and for reals the same bits (so -0.0 and NaN count)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return _DOUBLE.pack(a) == _DOUBLE.pack(b)
    return a == b


def _compact_before(values: tuple, reviewed_at: int) -> bytes | None:
    """The compact form of `pack_before`, or None when a value does not fit it."""
    state, step, stability, difficulty, due, last, reps, lapses, leech = values
    if not (state is None or (type(state) is int and 0 <= state <= 3)) or leech not in (0, 1) \
            or type(leech) is not int or type(reps) is not int or type(lapses) is not int \
            or type(reviewed_at) is not int \
            or any(v is not None and type(v) is not int for v in (step, due, last)) \
            or any(v is not None and type(v) is not float for v in (stability, difficulty)):
        return None
    flags = (0 if state is None else state + 1) | (step is not None) << 3 | (stability is not None) << 4 \
        | (difficulty is not None) << 5 | (last is not None) << 6 | (due is not None) << 7
    out = bytearray((flags,))
    _varint(reps, out)
    _varint(lapses * 2 + leech if lapses >= 0 else lapses * 2 - leech, out)
    if step is not None:
        _varint(step, out)
    for real in (stability, difficulty):
        if real is not None:
            out += _DOUBLE.pack(real)
    if last is not None:
        _varint(reviewed_at - last, out)
    if due is not None:
        # An interval is mostly whole minutes (learning steps, days): then counted in minutes.
        delta = due - (reviewed_at if last is None else last)
        _uvarint(_zigzag(delta // _MINUTE_US) * 2 + 1 if delta % _MINUTE_US == 0 else _zigzag(delta) * 2, out)
    return bytes(out)


def _json_value(v):
    return {"blob": v.hex()} if isinstance(v, bytes) else v


def pack_before(values: tuple, reviewed_at: int) -> bytes | None:
    """The card before a review (`before_values`, `BEFORE_COLUMNS` order) as one small BLOB.

    NULL for a card never reviewed (`NEW_BEFORE`). Otherwise a flags byte (state when it differs
    from the review's, which of step, stability, difficulty, last review and due are set), then
    zigzag varints for reps, lapses with the leech flag, step; stability and difficulty as exact
    big-endian doubles; last review as microseconds before `reviewed_at`, due after the last review
    (else after `reviewed_at`) in minutes when it is a whole number of them (the lowest bit says
    which), else in microseconds. Values that form cannot hold exactly (an odd row of
    an old file) are kept as JSON after a 0xFF byte. `unpack_before` gives back the very values.

    Args:
        values: the nine card-before values as stored at version 3.
        reviewed_at: the review's time, microseconds since 1970.

    Returns:
        The BLOB, or None for a new card.
    """
    values = tuple(values)
    if all(_same(a, b) for a, b in zip(values, NEW_BEFORE)):
        return None
    packed = _compact_before(values, reviewed_at)
    if packed is not None and packed[0] != _ESCAPE \
            and all(_same(a, b) for a, b in zip(unpack_before(packed, reviewed_at), values)):
        return packed
    return bytes((_ESCAPE,)) + json.dumps([_json_value(v) for v in values]).encode()


def unpack_before(packed: bytes | None, reviewed_at: int) -> tuple:
    """Inverse of `pack_before` (and of `store_before`): the nine card-before values (`BEFORE_COLUMNS` order)."""
    if packed is None or len(packed) == 0:
        return NEW_BEFORE
    packed = bytes(packed)
    if packed[0] == _ESCAPE:
        return tuple(bytes.fromhex(v["blob"]) if isinstance(v, dict) else v for v in json.loads(packed[1:]))
    flags = packed[0]
    reps, pos = _read_varint(packed, 1)
    lapses_leech, pos = _read_varint(packed, pos)
    leech = lapses_leech & 1
    lapses = lapses_leech >> 1 if lapses_leech >= 0 else -((-lapses_leech) >> 1)
    step = stability = difficulty = last = due = None
    if flags & 0x08:
        step, pos = _read_varint(packed, pos)
    if flags & 0x10:
        stability = _DOUBLE.unpack_from(packed, pos)[0]
        pos += 8
    if flags & 0x20:
        difficulty = _DOUBLE.unpack_from(packed, pos)[0]
        pos += 8
    if flags & 0x40:
        delta, pos = _read_varint(packed, pos)
        last = reviewed_at - delta
    if flags & 0x80:
        tagged, pos = _read_uvarint(packed, pos)
        delta = _unzigzag(tagged >> 1) * (_MINUTE_US if tagged & 1 else 1)
        due = (reviewed_at if last is None else last) + delta
    state = (flags & 0x07) - 1 if flags & 0x07 else None
    return (state, step, stability, difficulty, due, last, reps, lapses, leech)


# --------------------------------------------------------------------------- version 8 (m008_prune_states)
def store_before(values: tuple, reviewed_at: int) -> bytes:
    """The stored card before of version 8: `pack_before`, with a card never reviewed as an empty
    BLOB (as small as NULL), since NULL now means a state no longer kept (outside the undo window)."""
    return pack_before(values, reviewed_at) or b""


#: The small columns of a review packed into its one stored `flags` integer, in the order `pack_flags` takes.
FLAG_COLUMNS = ("correct", "rating", "auto_rating", "overridden", "hint_used", "review_state")
#: Each flag column's bit offset and mask in `flags`, and the value stored for the lowest (rating 1 as 0).
_FLAG_BITS = {"correct": (0, 1, 0), "overridden": (1, 1, 0), "hint_used": (2, 1, 0), "review_state": (3, 3, 0),
              "rating": (5, 3, 1), "auto_rating": (7, 3, 1)}


def pack_flags(correct, rating, auto_rating, overridden, hint_used, review_state) -> int | str:
    """A review's six small columns as one integer (two bytes on disk instead of about nine): correct,
    overridden, hint used one bit each, the state code two bits, rating and auto rating two bits each
    (less one). Values that do not fit (an odd row of an old file) are kept as a JSON array of the six,
    which `flags_sql` reads back as they were.
    """
    values = dict(zip(FLAG_COLUMNS, (correct, rating, auto_rating, overridden, hint_used, review_state)))
    if all(type(values[n]) is int and 0 <= values[n] - low <= mask for n, (_, mask, low) in _FLAG_BITS.items()):
        return sum((values[n] - low) << shift for n, (shift, _, low) in _FLAG_BITS.items())
    return json.dumps([values[n] for n in FLAG_COLUMNS])


def flags_sql(name: str, column: str = "flags") -> str:
    """SQL for one flag column (`FLAG_COLUMNS`) read from the stored `flags` (built-in functions only)."""
    shift, mask, low = _FLAG_BITS[name]
    return (f"CASE WHEN typeof({column}) = 'integer' THEN (({column} >> {shift}) & {mask}) + {low} "
            f"ELSE json_extract({column}, '$[{FLAG_COLUMNS.index(name)}]') END")


#: Text that recurs in parameters (JSON as `json.dumps` writes it) and typed answers, each written as
#: one code character by `pack_text`. The list is part of the file format: never edit it; a new
#: list needs a new marker. Codes: U+0001–U+001F and U+007F (one byte in UTF-8), U+0080–U+009F (two).
TEXT_TOKENS = (
    '": [0.', '": 0.', ', 0.', '": -', '": [', '], "', ', "', '": ', '{"', '"}', ']}', ', ', '[0.', ' 0.', '0.',
    '00000', '33333', '66666', '99999', '000', '333', '666', '999', ' * ', ' + ', ' - ', ' / ', ' ^ ', ' | ',
    '(((', ')))',
    'sigma', 'log(', 'exp(', 'sqrt(', 'mean(', 'sum(', 'erf(', '((1 - ', '(1 - ', ')) / ', ') / (', 'yhat',
    '2 * pi', ' * log(', 'words', 'theta', 'alpha', 'beta', 'lambda', 'prior', '0000000000',
    '3333333333', '6666666666',
)
_CODES = tuple(chr(i) for i in range(1, 32)) + ("\x7f",) + tuple(chr(0x80 + i) for i in range(32))
#: (token, code), longest token first: the order `pack_text` replaces in (`unpack_text` undoes it backwards).
_TEXT_PAIRS = tuple(sorted(zip(TEXT_TOKENS, _CODES), key=lambda pair: -len(pair[0])))
_CODE_SET = frozenset(_CODES)


def pack_text(text: str) -> str | bytes:
    """A review's parameters or answer in fewer bytes: each `TEXT_TOKENS` entry replaced by its code
    character, stored as a BLOB (the UTF-8 bytes) so that a row stays TEXT when it is not packed.

    Text that already holds a code character, or that packing would not shorten, is returned as is.
    `unpack_text` (and `text_sql` in plain SQL) gives back the very text.
    """
    if not isinstance(text, str) or any(ch in _CODE_SET for ch in text):
        return text
    packed = text
    for token, code in _TEXT_PAIRS:
        packed = packed.replace(token, code)
    data = packed.encode()
    return data if len(data) < len(text.encode()) else text


def unpack_text(stored: str | bytes | None) -> str | None:
    """Inverse of `pack_text` (TEXT comes back unchanged)."""
    if not isinstance(stored, bytes):
        return stored
    text = stored.decode()
    for token, code in reversed(_TEXT_PAIRS):
        text = text.replace(code, token)
    return text


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


#: How many `replace` calls one step of `text_sql` nests: the whole `review_log` view must fit SQLite's parser
#: stack (100 entries), which overflows at 16.
TEXT_SQL_STEP = 10


def text_sql_steps() -> int:
    """How many nested expressions `text_sql` needs to unpack a column (each read from the last)."""
    return -(-len(_TEXT_PAIRS) // TEXT_SQL_STEP)


def text_sql(expr: str, step: int) -> str:
    """SQL for one step of unpacking `pack_text` with built-in functions only (so views work in any
    SQLite client): step 0 takes the stored column (NULL when it is TEXT, which needs no unpacking),
    each later step the previous step's result; the last step's result, or the stored text when it
    is NULL, is the text.

    Args:
        expr: the stored column (step 0) or the previous step's result.
        step: 0 .. `text_sql_steps()` - 1.
    """
    pairs = list(reversed(_TEXT_PAIRS))[step * TEXT_SQL_STEP:(step + 1) * TEXT_SQL_STEP]
    out = f"CASE WHEN typeof({expr}) = 'blob' THEN CAST({expr} AS TEXT) END" if step == 0 else expr
    for token, code in pairs:
        out = f"replace({out}, char({ord(code)}), {_sql_string(token)})"
    return out
