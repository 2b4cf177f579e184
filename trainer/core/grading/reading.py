"""The one reader of typed answers: what the learner typed, as the grader will grade it.

Core layer, grading. `read_answer` turns text into a `Reading`: per part, the parsed tree (and the
evaluated value, for value answers; the option, for a choice; the grading reference, for a formula)
plus the printed form the learner sees, or one refusal with message, position and hint. A value of
the wrong kind or shape (a vector for a number, a 2×3 matrix for a 2×2) is refused here too, so the
echo warns before Enter and the grader records nothing. The live
echo in the UI shows `Reading.shown` or the refusal while the learner types; `grade` grades exactly
the parts of the same reading, so the two can never disagree. Nothing typed is ever executed.
Beyond the expression language it reads what depends on the answer: a unit after a value where the
answer has one (`0.33 nats`), a decimal comma in a single number, multi parts named by their labels
(`x = -1, y = -4`), and a choice as its letter, number, text or `option b`; the echo notes readings
worth saying aloud (`\\log` is the natural log).
"""

from __future__ import annotations

import functools
import math
import re
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from trainer.core._memo import ByIdentity
from trainer.core.grading import equivalence as fm
from trainer.core.grading.measure import ARRAY_TYPES, KIND, as_vector, describe, shape_text
from trainer.core.grading.verdict import InputError
from trainer.core.language.answer_syntax import MAX_LENGTH, parse_answer
from trainer.core.language.evaluate import MAX_ELEMENTS, compile_node
from trainer.core.language.names import called_functions
from trainer.core.language.nodes import EvalError, ListLit, MathInputError, Node, Num
from trainer.core.language.printing import echo

LETTERS = "ABCDEFGH"
_CHOICE = re.compile(r"^(?:(?:option|answer|choice)\s+)?[(\[]?\s*([A-Za-z]|[0-9]{1,2})\s*[)\].:]?$",
                     re.IGNORECASE)
_CHOICE_WITH_TEXT = re.compile(r"^(?:(?:option|answer|choice)\s+)?[(\[]?\s*([A-Ha-h])\s*[)\].:]\s*(.+)$",
                               re.IGNORECASE)
_DECIMAL_COMMA = re.compile(r"^\s*[-−]?(\d+),(\d+)\s*$")
COMMA_NOTE = "the comma read as a decimal point"
LOG_NOTE = "\\log read as the natural log, ln"
# Units a learner may write after a value, by kind; the first name of each is how it is shown.
UNITS: dict[str, tuple[str, tuple[str, ...], float]] = {
    # name → (kind, spellings, size in the kind's base unit)
    "nats": ("information", ("nats", "nat"), 1.0),
    "bits": ("information", ("bits", "bit", "shannons", "shannon"), 0.6931471805599453),
    "s": ("time", ("s", "sec", "secs", "second", "seconds"), 1.0),
    "ms": ("time", ("ms", "millisecond", "milliseconds", "msec"), 1e-3),
    "us": ("time", ("us", "µs", "μs", "microsecond", "microseconds"), 1e-6),
    "min": ("time", ("min", "mins", "minute", "minutes"), 60.0),
    "h": ("time", ("h", "hr", "hrs", "hour", "hours"), 3600.0),
}
_SPELLED = {sp.lower(): name for name, (_, spellings, _) in UNITS.items() for sp in spellings}
_TRAILING_WORD = re.compile(r"^(.*?[0-9.)\]}%²³])\s*([A-Za-zµμ]+)\s*$", re.DOTALL)
_WORD_END = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzµμ")  # `[A-Za-zµμ]` above
_LATEX_LOG = re.compile(r"\\log(?![a-zA-Z0-9])")


@dataclass(frozen=True)
class PartReading:
    """One part of an answer as read.

    Attributes:
        type: the answer type of the part.
        shown: the printed form the learner sees (e.g. `2·x·(1 − x)`, `B: ridge`).
        node: the parsed tree (value and formula answers).
        value: the typed value evaluated (value answers).
        choice: the 0-based option index as shown (choice answers).
        reference: the grading reference (formula answers): its points decide equivalence.
        unit: the unit typed after the value, by its canonical name (e.g. "nats"), or "".
    """

    type: str
    shown: str
    node: Node | None = None
    value: np.ndarray | None = field(default=None, compare=False)
    choice: int | None = None
    reference: Any = field(default=None, compare=False, repr=False)
    unit: str = ""


@dataclass(frozen=True)
class Reading:
    """What a typed text reads as: its parts, or the reason it cannot be read.

    Attributes:
        parts: one reading per part (a single one unless the answer is multi-part); empty on error.
        error: set when the text cannot be read (then nothing is graded).
    """

    parts: tuple[PartReading, ...] = ()
    error: InputError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def shown(self) -> str | None:
        """The printed form of the whole answer (parts joined by ` | `), None when unreadable."""
        if self.error is not None:
            return None
        if len(self.parts) == 1:
            return self.parts[0].shown
        return " | ".join(p.shown for p in self.parts)


def read_answer(answer: Any, text: str, *, seed: int = 0, mistakes: Sequence[Any] = ()) -> Reading:
    """Read a typed answer the way the grader grades it.

    Args:
        answer: the instance's `Answer` (its type, options, parts, percent flag, formula variables).
        text: what the learner typed, any text at all.
        seed: the instance seed (a formula's grading points, whose shapes decide `Q K` products).
        mistakes: the instance's mistakes (a formula may call what a listed mistake calls).

    Returns:
        The reading; never raises for any text.
    """
    try:
        if not isinstance(text, str):
            raise MathInputError(f"expected text, got {type(text).__name__}")
        if answer.type == "multi":
            parts = _read_multi(answer, text, seed, mistakes)
        else:
            parts = (_read_part(answer, text, None, 0, seed, mistakes),)
    except MathInputError as exc:
        return Reading(error=InputError(exc.message, exc.position, exc.hint))
    except (RecursionError, MemoryError):  # defence in depth: the parser bounds depth and size
        return Reading(error=InputError("the answer is too complex to read"))
    return Reading(parts)


def read_instance_answer(instance: Any, text: str) -> Reading:
    """`read_answer` for an instance: its answer, seed and mistakes.

    Args:
        instance: a generated instance.
        text: what the learner typed.

    Returns:
        The reading; never raises for any text.
    """
    return read_answer(instance.answer, text, seed=getattr(instance, "seed", 0),
                       mistakes=getattr(instance, "mistakes", ()))


def _shifted(exc: MathInputError, offset: int) -> MathInputError:
    pos = None if exc.position is None else exc.position + offset
    return MathInputError(exc.message, pos, exc.hint)


def _read_multi(answer: Any, text: str, seed: int, mistakes: Sequence[Any]) -> tuple[PartReading, ...]:
    pieces: list[tuple[int, str]] = []
    start = 0
    for k, ch in enumerate(text + "|"):
        if ch == "|":
            pieces.append((start, text[start:k]))
            start = k + 1
    n = len(answer.parts)
    named = _named_parts(answer, text) if len(pieces) == 1 else None
    if named is not None:
        pieces = named
    hint = "e.g. " + " | ".join(["…"] * n)
    if len(pieces) < n:
        missing = answer.parts[len(pieces)]
        label = f" ({missing.label})" if getattr(missing, "label", "") else ""
        raise MathInputError(f"this answer has {n} parts separated by '|'; part {len(pieces) + 1}{label} "
                             "is missing", len(text), hint)
    if len(pieces) > n:
        raise MathInputError(f"this answer has {n} parts separated by '|'; got {len(pieces)}", None, hint)
    out = []
    for i, ((offset, piece), part) in enumerate(zip(pieces, answer.parts)):
        if not piece.strip():
            raise MathInputError(f"part {i + 1} is empty", offset, "type a value for every part")
        read = _read_part(part, piece, i, offset, seed, mistakes)
        if named is not None:  # show which value went to which part, in the answer's order
            read = replace(read, shown=f"{part.label} = {read.shown}")
        out.append(read)
    return tuple(out)


def _named_parts(answer: Any, text: str) -> list[tuple[int, str]] | None:
    """`x = -1, y = -4`: parts named by their labels (any order), instead of separated by `|`.

    Returns:
        (offset, text) per part in the answer's order, or None when the text does not name every
        part exactly once.
    """
    labels = [_norm(getattr(p, "label", "") or "") for p in answer.parts]
    if not all(labels) or len(set(labels)) != len(labels):
        return None
    # Top-level separators: commas and semicolons outside brackets.
    cuts, depth = [], 0
    for k, ch in enumerate(text):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch in ",;" and depth == 0:
            cuts.append(k)
    found: dict[int, tuple[int, int]] = {}  # part → (value start, value end)
    last = None
    start = 0
    for end in [*cuts, len(text)]:
        segment = text[start:end]
        eq = re.match(r"\s*(.+?)\s*[=:]\s*", segment)
        label = _norm(eq.group(1)) if eq else None
        if eq is not None and label in labels:
            j = labels.index(label)
            if j in found:
                return None
            found[j] = (start + eq.end(), end)
            last = j
        elif last is not None:  # `values = 1, -2`: a comma inside a part's value
            found[last] = (found[last][0], end)
        else:
            return None
        start = end + 1
    if len(found) != len(labels):
        return None
    return [(found[j][0], text[found[j][0]:found[j][1]]) for j in range(len(labels))]


def _read_part(ans: Any, text: str, part: int | None, offset: int, seed: int,
               mistakes: Sequence[Any]) -> PartReading:
    try:
        if ans.type == "choice":
            idx = choice_index(ans, text)
            return PartReading("choice", f"{LETTERS[idx]}: {ans.options[idx]}", choice=idx)
        if ans.type == "formula":
            return _read_formula(ans, text, part, seed, mistakes)
        if ans.type not in KIND:
            raise MathInputError(f"answers of type {ans.type!r} cannot be graded")
        text, unit = _unit(ans, text)
        note = ""
        if KIND[ans.type] == "scalar":
            text, note = _decimal_comma(text)
        node = _parse_value(text, bool(getattr(ans, "percent", False)), ans.type in ARRAY_TYPES)
        value = _typed_value(node)
        _refuse_wrong_shape(ans, value, mistakes, part)
    except MathInputError as exc:
        raise _shifted(exc, offset) from None
    shown = echo(node) + (f" {unit}" if unit else "") + note + _notes(text)
    return PartReading(ans.type, shown, node=node, value=value, unit=unit)


#: The tree classes `Node` names: `isinstance` against the tuple, not the slower `Union`.
_NODES = typing.get_args(Node)

#: Text made only of numbers, brackets, commas and spaces (what `answer_text` writes).
_NUMERIC = re.compile(r"[0-9eE.+\-\[\], ]+")


def _parse_value(text: str, percent: bool, arrays: bool) -> Node:
    """`parse_answer(text, variables=(), percent=percent, arrays=arrays)`.

    A part of a multi answer comes with the spaces around `|` (`0.5 | 2.0`), which the parser
    skips; the same numbers without them take its direct path for plain values, and give the same
    tree. Anything else, and any text the trimmed reading refuses, is read as typed, so a refusal
    names the position the learner sees.
    """
    inner = text.strip(" ")
    if len(inner) != len(text) and inner and len(text) <= MAX_LENGTH and _NUMERIC.fullmatch(inner):
        try:
            return parse_answer(inner, variables=(), percent=percent, arrays=arrays)
        except MathInputError:
            pass
    return parse_answer(text, variables=(), percent=percent, arrays=arrays)


def _unit(ans: Any, text: str) -> tuple[str, str]:
    """Split `0.33 nats` into the value's text and the unit's canonical name.

    A unit is read only where the answer has one (`unit:` in the template); a different unit of the
    same kind (bits for nats) is kept, for the grader to diagnose. The text keeps its length, so
    positions in it stay where the learner typed them.
    """
    if text.rstrip()[-1:] not in _WORD_END:  # what `_TRAILING_WORD` needs last, before it backtracks
        return text, ""
    m = _TRAILING_WORD.match(text)
    if m is None:
        return text, ""
    word = m.group(2)
    name = _SPELLED.get(word.lower()) or _SPELLED.get(word)
    if name is None:
        return text, ""
    want = getattr(ans, "unit", "") or ""
    if not want:
        raise MathInputError(f"this answer has no unit: type the value without '{word}'",
                             text.rindex(word), "type only the number")
    want_name = _SPELLED.get(want.lower(), want)
    if name != want_name and (want_name not in UNITS or UNITS[name][0] != UNITS[want_name][0]):
        raise MathInputError(f"'{word}' is not a unit of this answer (it is in {want})",
                             text.rindex(word), f"type the value in {want}")
    return m.group(1) + " " * (len(text) - len(m.group(1))), name


def unit_factor(typed_unit: str, answer_unit: str) -> float | None:
    """How many of the answer's unit one typed unit is (1 bit = 0.693 nats), or None if unrelated.

    Args:
        typed_unit: the canonical unit read after the value.
        answer_unit: the unit the answer declares.

    Returns:
        The factor, or None.
    """
    a, b = UNITS.get(typed_unit), UNITS.get(_SPELLED.get(answer_unit.lower(), answer_unit))
    if a is None or b is None or a[0] != b[0]:
        return None
    return a[2] / b[2]


def _notes(text: str) -> str:
    """Readings worth saying aloud in the echo: `\\log` is the natural logarithm here."""
    return f"  ({LOG_NOTE})" if "\\log" in text and _LATEX_LOG.search(text) else ""


def _refuse_wrong_shape(ans: Any, value: np.ndarray, mistakes: Sequence[Any], part: int | None) -> None:
    """A value of the wrong kind or shape is not an answer to grade, and is refused like a parse error.

    A vector for a number, a number or a vector for a matrix, a 2×3 matrix for a 2×2: telling the
    learner is fairer than recording a lapse. Shapes that a real slip has stay gradable, so the
    diagnosis still names them: a matrix's transpose, and the shape of any mistake the template lists
    for this part.
    """
    kind = KIND[ans.type]
    if _plainly_allowed(kind, ans.value, value):
        return
    shapes = _shapes(ans, mistakes, part)
    if shapes is None:  # nothing to compare with: the checker reports it
        return
    exp, allowed = shapes
    if kind == "scalar":
        if value.size != 1:
            raise MathInputError(f"this answer is a single number, not {describe(value)}", None,
                                 "type one number")
        return
    typed = value if kind == "matrix" else as_vector(value)
    if kind == "set":
        if typed.ndim > 1 or (typed.ndim == 0 and exp.size > 1):
            raise MathInputError(f"this answer is {exp.size} values, not {describe(value)}", None,
                                 "type the values separated by spaces, e.g. 1 3")
        return
    if typed.shape in allowed:
        return
    if kind == "matrix":
        want = f"a {shape_text(exp.shape)} matrix" if exp.ndim == 2 else describe(exp)
        raise MathInputError(f"this answer is {want}, not {describe(value)}", None,
                             "separate rows with ';', e.g. 1 2; 3 4")
    raise MathInputError(f"this answer is {describe(exp.reshape(-1))}, not {describe(value)}", None,
                         f"type {exp.size} numbers, e.g. {' '.join(str(i + 1) for i in range(min(exp.size, 4)))}")


def _plainly_allowed(kind: str, expected: Any, value: np.ndarray) -> bool:
    """Whether `_refuse_wrong_shape` lets the typed value through whatever the mistakes allow, told
    without working out the allowed shapes (a new instance's answer is read once or twice): one
    number for a number; any vector for a set; a float array's own shape for a matrix, its count of
    entries for a vector or a direction. False means: look at the allowed shapes."""
    if kind == "scalar":
        return value.size == 1
    if kind == "set":
        return as_vector(value).ndim == 1
    if type(expected) is not np.ndarray or expected.dtype != np.float64:
        return False
    if kind == "matrix":
        return value.shape == expected.shape
    return as_vector(value).shape == (expected.size,)


#: An answer (or part) → (its mistakes, its part, (expected array, allowed shapes) or None): every
#: typed value of an instance is held against the same shapes.
_SHAPES: ByIdentity[tuple[Any, Any, tuple[np.ndarray, frozenset[tuple[int, ...]]] | None]] = ByIdentity(512)


def _shapes(ans: Any, mistakes: Sequence[Any],
            part: int | None) -> tuple[np.ndarray, frozenset[tuple[int, ...]]] | None:
    """The expected value as a float array and the shapes a typed value may have (see
    `_refuse_wrong_shape`), or None when the expected value is not numeric."""
    known = _SHAPES.get(ans, lambda a: (mistakes, part, _allowed_shapes(a, mistakes, part)))
    if known[0] is not mistakes or known[1] != part:  # another instance's mistakes: not remembered
        return _allowed_shapes(ans, mistakes, part)
    return known[2]


def _allowed_shapes(ans: Any, mistakes: Sequence[Any],
                    part: int | None) -> tuple[np.ndarray, frozenset[tuple[int, ...]]] | None:
    kind = KIND[ans.type]
    try:
        exp = np.asarray(ans.value, dtype=float)
    except (TypeError, ValueError):
        return None
    allowed = {exp.shape if kind == "matrix" else exp.reshape(-1).shape}
    if kind == "scalar" or kind == "set":  # judged by size alone: the mistakes' shapes are not read
        return exp, frozenset(allowed)
    if kind == "matrix" and exp.ndim == 2:
        allowed.add(exp.shape[::-1])
    for m in mistakes:
        if getattr(m, "part", None) != part:
            continue
        if getattr(m, "option", None) is None and m.value is not None and not isinstance(m.value, _NODES):
            try:
                shape = np.shape(np.asarray(m.value, dtype=float))
            except (TypeError, ValueError):
                continue
            allowed.add(shape if kind == "matrix" else (math.prod(shape),))
    return exp, frozenset(allowed)


def _decimal_comma(text: str) -> tuple[str, str]:
    """`0,33` for a single number is a decimal comma; `1,234` could be a thousands separator."""
    m = _DECIMAL_COMMA.match(text) if "," in text else None
    if m is None:
        return text, ""
    whole, frac = m.groups()
    if len(frac) == 3 and whole.lstrip("0"):
        raise MathInputError("a comma separates values", text.index(","),
                             f"write a decimal with a point, e.g. {whole}.{frac} (or {whole}{frac} without a comma)")
    # Same length, so every position in the text stays where the learner typed it.
    return text.replace(",", "."), f"  ({COMMA_NOTE})"


def _typed_value(node: Node) -> np.ndarray:
    literal = _literal(node)
    if literal is not None:
        value, finite = literal
    else:
        try:
            value = fm.evaluate(compile_node(node, guard=False), {})  # evaluate enters np.errstate
        except EvalError as exc:
            raise MathInputError(f"cannot evaluate the answer: {exc}") from None
        finite = value.dtype != object and bool(math.isfinite(value) if value.ndim == 0 else np.isfinite(value).all())
    if not finite:
        raise MathInputError("the answer is not a finite number", None, "an answer must be finite")
    return value


_EXACT = 2**53  # an int up to this is a float exactly (a larger one may not convert at all)


def _number_value(node: Any) -> float | int | None:
    """The number a `Num` node holds when it is a float or an int that converts exactly, else None."""
    if type(node) is Num:
        v = node.value
        if type(v) is float or (type(v) is int and -_EXACT <= v <= _EXACT):
            return v
    return None


def _literal_value(node: Node) -> np.ndarray | None:
    """What evaluating a plain value's tree gives, without compiling it: a number, or a bracket of
    numbers, or a bracket of equally long brackets of numbers (as `answer_text` writes answers and
    most learners type them) becomes `np.asarray(..., dtype=float)` of its numbers, the array
    `evaluate` makes of the compiled tree's value; None for any other tree (a name, an operator, a
    ragged or empty bracket, a huge int), which is compiled and evaluated."""
    literal = _literal(node)
    return None if literal is None else literal[0]


def _literal(node: Node) -> tuple[np.ndarray, bool] | None:
    """(`_literal_value(node)`, whether every entry of it is finite) or None: finiteness read off
    the numbers themselves (a float's own, and an int that converts exactly is finite), not tested
    on the array by NumPy."""
    v = _number_value(node)
    if v is not None:
        return np.asarray(v, dtype=float), math.isfinite(v)
    if type(node) is not ListLit or not node.items:
        return None
    first = node.items[0]
    if type(first) is ListLit:
        width = len(first.items)
        if not width:
            return None
        rows = []
        for row in node.items:
            if type(row) is not ListLit or len(row.items) != width:
                return None
            cells = [_number_value(item) for item in row.items]
            if None in cells:
                return None
            rows.append(cells)
        if len(rows) * width > MAX_ELEMENTS:
            return None
        return np.asarray(rows, dtype=float), all(all(map(math.isfinite, row)) for row in rows)
    cells = [_number_value(item) for item in node.items]
    if None in cells or len(cells) > MAX_ELEMENTS:
        return None
    return np.asarray(cells, dtype=float), all(map(math.isfinite, cells))


def choice_index(ans: Any, text: str) -> int:
    """The option a typed text names: a letter as shown (`b`, `(b)`, `b.`), its number, or its text.

    Args:
        ans: the choice answer (its `options`, in the order shown).
        text: the typed text.

    Returns:
        The 0-based option index.

    Raises:
        MathInputError: the text names no option.
    """
    n = len(ans.options)
    s = text.strip().rstrip(".").strip() if len(text.strip()) > 2 else text.strip()
    m = _CHOICE.match(s)
    with_text = _CHOICE_WITH_TEXT.match(s) if m is None else None
    if with_text is not None:  # `B: ridge`, as the echo shows it: the letter and its option text
        letter, said = with_text.groups()
        k = LETTERS.index(letter.upper())
        if k < n and _norm(said) == _norm(ans.options[k]):
            return k
    if m and m.group(1).isalpha():
        idx = LETTERS.index(m.group(1).upper()) if m.group(1).upper() in LETTERS else n
    elif m:
        idx = int(m.group(1)) - 1
    else:
        norm = _norm(s)
        found = [i for i, o in enumerate(ans.options) if _norm(o) == norm]
        if not found:
            raise MathInputError(f"type the letter of an option, A to {LETTERS[n - 1]}", 0,
                                 f"for example {LETTERS[0]}")
        idx = found[0]
    if not 0 <= idx < n:
        raise MathInputError(f"there are only {n} options, A to {LETTERS[n - 1]}", 0)
    return idx


def _norm(text: Any) -> str:
    return " ".join(str(text).lower().replace("−", "-").split()).rstrip(".")


def _read_formula(ans: Any, text: str, part: int | None, seed: int, mistakes: Sequence[Any]) -> PartReading:
    try:
        ref = fm.reference(ans, seed)
    except EvalError as exc:  # a template defect, not the learner's: say so, grade nothing
        raise MathInputError(f"this problem's reference formula cannot be checked: {exc}") from None
    node, shown = _parsed_formula(text, ref.names, ref.ndims)
    own = [m for m in mistakes if getattr(m, "part", None) == part and m.value is not None]
    _refuse_solver_shortcuts(node, text, ans, own)
    return PartReading("formula", shown + _notes(text), node=node, reference=ref)


#: (text, names, ndims) → the tree `parse_answer` reads and its echo: a formula is typed again and
#: again in the same words (the self-check types each template's reference and mistakes on every seed).
_FORMULAS: dict[tuple, tuple[Node, str]] = {}


def _parsed_formula(text: str, names: tuple[str, ...], ndims: dict[str, int]) -> tuple[Node, str]:
    """(`parse_answer(text, variables=names, ndims=ndims)`, its `echo`), memoized (trees are
    immutable; a text that cannot be read raises every time)."""
    key = (text, names, tuple(sorted(ndims.items())))
    hit = _FORMULAS.get(key)
    if hit is None:
        node = parse_answer(text, variables=names, ndims=ndims)
        if len(_FORMULAS) > 256:
            _FORMULAS.clear()
        hit = _FORMULAS[key] = (node, echo(node))
    return hit


#: The functions a tree calls: a template's reference and mistake trees are graded again on every
#: typed answer, and walking them each time cost more than reading the typed text.
_CALLS: ByIdentity[frozenset[str]] = ByIdentity(512)


def _calls(tree: Any) -> frozenset[str]:
    return _CALLS.get(tree, lambda t: frozenset(called_functions(t)))


@functools.cache
def _elementary() -> frozenset[str]:
    """The elementary functions and their aliases (the solver registry is fixed once imported)."""
    from trainer.core.solvers import elementary

    return frozenset(elementary.__all__) | frozenset(elementary.ALIASES)


def _allowed_calls(reference: Any, mistakes: Sequence[Any]) -> frozenset[str]:
    """The elementary functions plus whatever the reference or a listed mistake calls."""
    trees = tuple(mistakes)
    known = _ALLOWED.get(reference, lambda r: (trees, _calls_of(r, trees)))
    if len(known[0]) != len(trees) or any(a is not b for a, b in zip(known[0], trees)):
        return _calls_of(reference, trees)  # other mistake trees than remembered: worked out
    return known[1]


#: A reference tree → (its mistakes' trees, the calls they allow): the template's own trees, the same
#: on every seed.
_ALLOWED: ByIdentity[tuple[tuple[Any, ...], frozenset[str]]] = ByIdentity(512)


def _calls_of(reference: Any, mistakes: Sequence[Any]) -> frozenset[str]:
    allowed = _elementary() | _calls(reference)
    for value in mistakes:
        allowed |= _calls(value)
    return allowed


def _refuse_solver_shortcuts(node: Node, text: str, ans: Any, mistakes: Sequence[Any]) -> None:
    """A recall answer must write the formula out: `dsigmoid(x)` may not answer "what is σ′(x)?".

    Allowed: the elementary functions, and whatever the reference or a listed mistake itself calls
    (so `softmax(...)` stays available where the expected formula is written with it).
    """
    allowed = _allowed_calls(ans.value, [m.value for m in mistakes])
    extra = sorted(_calls(node) - allowed)
    if extra:
        name = extra[0]
        at = text.find(name)
        raise MathInputError(f"{name}() is the formula this question asks you to write out",
                             at if at >= 0 else None,
                             "use elementary functions: exp, log, sum, sqrt, sigmoid, …")
