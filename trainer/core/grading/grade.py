"""Grading: read a typed answer, check it against the instance's answer, and name the mistake.

Core layer. `grade(instance, text)` parses the text with the learner-input parser (nothing typed is
ever executed), evaluates it with the safe evaluator, and checks it by answer type: numbers within
tolerance or significant figures, integers exactly, vectors and matrices cell by cell with shape
messages, unordered sets, directions up to scale and sign, choices by letter or number as shown,
formulas at random admissible points (see `trainer.core.grading.equivalence`) and several parts at once. Before
it calls an answer wrong it compares it with every mistake the template anticipates and then with
the generic slips of `trainer.core.grading.slips`, so the verdict says what went wrong. A text that cannot be
read gives a verdict with `error` set: it is never graded and never counts as a lapse.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from trainer.core.grading import equivalence as fm
from trainer.core.language.evaluate import compile_node
from trainer.core.language.names import free_names
from trainer.core.language.nodes import EvalError, Node
from trainer.core.language.printing import to_text
from trainer.core.language.answer_syntax import parse_answer
from trainer.core.language.nodes import MathInputError
from trainer.core.language.printing import echo, to_input_text
from trainer.core.grading.slips import SLIPS, SWAPPED, instance_ints, slip_candidates

LETTERS = "ABCDEFGH"
ARRAY_TYPES = {"vector", "matrix", "set", "direction"}
_KIND = {"number": "scalar", "integer": "scalar", "vector": "vector", "matrix": "matrix",
         "set": "set", "direction": "direction"}
_CHOICE = re.compile(r"^[(\[]?\s*([A-Za-z]|[0-9]{1,2})\s*[)\].:]?$")
_DECIMAL_COMMA = re.compile(r"^\s*[-−]?\d+,\d+\s*$")


@dataclass(frozen=True)
class Diagnosis:
    """A named mistake: the template's own mistake id, or a generic slip id from `slips.SLIPS`."""

    id: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "message": self.message}


@dataclass(frozen=True)
class InputError:
    """Why a typed answer could not be read: message, 0-based position in the text, and a hint."""

    message: str
    position: int | None = None
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"message": self.message, "position": self.position, "hint": self.hint}


@dataclass(frozen=True)
class Verdict:
    """The outcome of grading one typed answer.

    Attributes:
        correct: whether the answer is right (always False when `error` is set).
        score: 0..1, partial credit per part, per cell or per set element.
        diagnosis: the named mistake, or None.
        feedback: one or a few sentences for the learner.
        expected: the expected answer in display form.
        parsed: the typed answer echoed in mathematical form (None when it could not be read).
        solution: the worked solution of the instance.
        error: set when the text could not be read (then nothing was graded).
    """

    correct: bool
    score: float
    diagnosis: Diagnosis | None
    feedback: str
    expected: str
    parsed: str | None
    solution: str
    error: InputError | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (what `trainer grade --json` prints)."""
        return {
            "correct": self.correct, "score": round(float(self.score), 6),
            "diagnosis": self.diagnosis.to_dict() if self.diagnosis else None,
            "feedback": self.feedback, "expected": self.expected, "parsed": self.parsed,
            "solution": self.solution, "error": self.error.to_dict() if self.error else None,
        }


@dataclass
class _Result:
    correct: bool
    score: float
    feedback: str
    parsed: str | None = None
    diagnosis: Diagnosis | None = None


def grade(instance: Any, text: str) -> Verdict:
    """Grade what a learner typed for an instance.

    Args:
        instance: a `trainer.core.templates.generate.Instance` (its `answer`, `mistakes`, `params`, `seed`,
            `solution` are read).
        text: the typed answer, any text at all.

    Returns:
        The verdict; an unreadable answer gives `error` set, `correct` False and no diagnosis.
        Never raises for any text.
    """
    ans = instance.answer
    expected = expected_text(ans)
    solution = getattr(instance, "solution", "") or ""
    try:
        if not isinstance(text, str):
            raise MathInputError(f"expected text, got {type(text).__name__}")
        if ans.type == "multi":
            result = _grade_multi(instance, ans, text)
        else:
            result = _grade_part(instance, ans, text, None, 0)
    except MathInputError as exc:
        error = InputError(exc.message, exc.position, exc.hint)
        feedback = f"Could not read the answer: {exc.message}" + (f" ({exc.hint})" if exc.hint else "")
        return Verdict(False, 0.0, None, feedback, expected, None, solution, error)
    except (RecursionError, MemoryError):  # defence in depth: the parser bounds depth and size
        error = InputError("the answer is too complex to read")
        return Verdict(False, 0.0, None, "Could not read the answer.", expected, None, solution, error)
    return Verdict(result.correct, float(result.score), result.diagnosis, result.feedback, expected,
                   result.parsed, solution, None)


def expected_text(answer: Any) -> str:
    """The expected answer as shown to the learner.

    Args:
        answer: the instance's `Answer`.

    Returns:
        Its display form; for a choice, the letter as shown and the option text.
    """
    if answer.type == "choice":
        return f"{LETTERS[answer.correct]}: {answer.options[answer.correct]}"
    return str(answer.display)


def answer_text(instance: Any, mistake: Any = None) -> str:
    """What a learner would type for the instance's answer (or for one of its mistakes).

    Full precision, in a form `parse_answer` reads back; used by the self-grading tests and the UI.

    Args:
        instance: the instance.
        mistake: one of `instance.mistakes`, to type that mistake instead of the answer.

    Returns:
        The text.
    """
    ans = instance.answer
    if ans.type == "choice":
        return LETTERS[mistake.option if mistake is not None else ans.correct]
    if ans.type == "multi":
        return " | ".join(
            _value_text(p.type, mistake.value if mistake is not None and mistake.part == i else p.value)
            for i, p in enumerate(ans.parts))
    return _value_text(ans.type, mistake.value if mistake is not None else ans.value)


def _value_text(atype: str, value: Any) -> str:
    if atype == "formula":
        try:
            return to_input_text(value)
        except ValueError:
            return to_text(value)
    arr = np.asarray(value, dtype=float)
    if atype == "integer":
        return str(int(round(float(arr))))
    if arr.ndim == 0:
        return repr(float(arr))
    if arr.ndim == 1:
        return "[" + ", ".join(repr(float(x)) for x in arr) + "]"
    return "[" + ", ".join("[" + ", ".join(repr(float(x)) for x in row) + "]" for row in arr) + "]"


# --- parts --------------------------------------------------------------------------------------


def _shifted(exc: MathInputError, offset: int) -> MathInputError:
    pos = None if exc.position is None else exc.position + offset
    return MathInputError(exc.message, pos, exc.hint)


def _grade_multi(instance: Any, ans: Any, text: str) -> _Result:
    pieces: list[tuple[int, str]] = []
    start = 0
    for k, ch in enumerate(text + "|"):
        if ch == "|":
            pieces.append((start, text[start:k]))
            start = k + 1
    n = len(ans.parts)
    if len(pieces) != n:
        raise MathInputError(f"this answer has {n} parts separated by '|'; got {len(pieces)}", None,
                             "e.g. " + " | ".join(["…"] * n))
    results = []
    for i, ((offset, piece), part) in enumerate(zip(pieces, ans.parts)):
        if not piece.strip():
            raise MathInputError(f"part {i + 1} is empty", offset, "type a value for every part")
        results.append(_grade_part(instance, part, piece, i, offset))
    lines = []
    for i, (r, part) in enumerate(zip(results, ans.parts)):
        label = f" ({part.label})" if getattr(part, "label", "") else ""
        lines.append(f"Part {i + 1}{label}: {r.feedback}")
    diagnosis = next((r.diagnosis for r in results if r.diagnosis is not None), None)
    return _Result(all(r.correct for r in results), sum(r.score for r in results) / n, " ".join(lines),
                   " | ".join(r.parsed or "?" for r in results), diagnosis)


def _grade_part(instance: Any, ans: Any, text: str, part: int | None, offset: int) -> _Result:
    try:
        if ans.type == "choice":
            return _grade_choice(instance, ans, text, part)
        if ans.type == "formula":
            return _grade_formula(instance, ans, text, part)
        if ans.type not in _KIND:
            raise MathInputError(f"answers of type {ans.type!r} cannot be graded")
        if _KIND[ans.type] == "scalar" and _DECIMAL_COMMA.match(text):
            raise MathInputError("a comma separates values", text.index(","),
                                 "write a decimal with a point, e.g. 0.5")
        node = parse_answer(text, variables=(), percent=bool(getattr(ans, "percent", False)),
                            arrays=ans.type in ARRAY_TYPES)
    except MathInputError as exc:
        raise _shifted(exc, offset) from None
    typed = _typed_value(node)
    parsed = echo(node)
    outcome = _check(ans.type, ans, ans.value, typed)
    if outcome.correct:
        return _Result(True, 1.0, "Correct.", parsed)
    diagnosis = _diagnose(instance, ans, typed, part)
    feedback = outcome.feedback if diagnosis is None else diagnosis.message
    return _Result(False, outcome.score, feedback, parsed, diagnosis)


def _typed_value(node: Node) -> np.ndarray:
    try:
        value = fm.evaluate(compile_node(node), {})
    except EvalError as exc:
        raise MathInputError(f"cannot evaluate the answer: {exc}") from None
    if value.dtype == object or not np.all(np.isfinite(value)):
        raise MathInputError("the answer is not a finite number", None, "an answer must be finite")
    return value


# --- value checkers ------------------------------------------------------------------------------


def _describe(v: np.ndarray) -> str:
    if v.ndim == 0:
        return "a single number"
    if v.ndim == 1:
        return f"a vector of {v.size} entr{'y' if v.size == 1 else 'ies'}"
    return f"a {'×'.join(map(str, v.shape))} array" if v.ndim != 2 else \
        f"a {v.shape[0]}×{v.shape[1]} matrix"


def _tol(ans: Any) -> tuple[float, float]:
    return float(getattr(ans, "rtol", 1e-3)), float(getattr(ans, "atol", 1e-9))


def _check(atype: str, ans: Any, expected: Any, typed: np.ndarray) -> _Result:
    exp = np.asarray(expected, dtype=float)
    if atype in ("number", "integer"):
        return _check_number(atype, ans, exp, typed)
    if atype == "vector":
        return _check_cells(ans, exp, _as_vector(typed))
    if atype == "matrix":
        return _check_cells(ans, exp, typed)
    if atype == "set":
        return _check_set(ans, exp, _as_vector(typed))
    if atype == "direction":
        return _check_direction(ans, exp, _as_vector(typed))
    return _Result(False, 0.0, f"answers of type {atype!r} cannot be graded")


def _as_vector(v: np.ndarray) -> np.ndarray:
    if v.ndim == 2 and 1 in v.shape:
        return v.reshape(-1)
    return v


def _check_number(atype: str, ans: Any, exp: np.ndarray, typed: np.ndarray) -> _Result:
    if typed.size != 1:
        return _Result(False, 0.0, f"Expected one number, got {_describe(typed)}.")
    x, b = float(typed.reshape(-1)[0]), float(exp.reshape(-1)[0])
    if atype == "integer":
        if abs(x - round(x)) > 1e-9:
            return _Result(False, 0.0, "Expected a whole number.")
        ok = abs(x - b) < 1e-9
        return _Result(ok, float(ok), "Correct." if ok else "Not correct.")
    sigfigs = getattr(ans, "sigfigs", None)
    rtol, atol = _tol(ans)
    if sigfigs:
        unit = 10.0 ** (math.floor(math.log10(abs(b))) - int(sigfigs) + 1) if b != 0 else atol
        ok = abs(x - b) <= 0.5 * unit * (1 + 1e-9) + 1e-15
    else:
        ok = abs(x - b) <= atol + rtol * abs(b)
    if ok:
        return _Result(True, 1.0, "Correct.")
    rel = abs(x - b) / abs(b) if b else math.inf
    if rel < 0.02:
        how = f"to {sigfigs} significant figures" if sigfigs else f"within {rtol:.2g} relative"
        return _Result(False, 0.0, f"Close, but not {how} (off by {rel:.2%}): keep more digits "
                                   "and round only at the end.")
    return _Result(False, 0.0, "Not correct.")


def _shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(map(str, shape))


def _check_cells(ans: Any, exp: np.ndarray, typed: np.ndarray) -> _Result:
    if typed.shape != exp.shape:
        if exp.ndim == 1:
            if typed.ndim == 1:
                return _Result(False, 0.0, f"Expected {exp.size} entries, got {typed.size}.")
            return _Result(False, 0.0, f"Expected a vector of {exp.size} entries, got {_describe(typed)}.")
        got = _shape_text(typed.shape) if typed.ndim == 2 else _describe(typed)
        extra = " (that is the shape of the transpose)" if typed.shape == exp.shape[::-1] else ""
        return _Result(False, 0.0, f"Expected {_shape_text(exp.shape)}, got {got}{extra}.")
    rtol, atol = _tol(ans)
    scale = float(np.max(np.abs(exp))) if exp.size else 0.0
    # Entries tiny next to the largest are judged relative to it, so rounding them never decides.
    tol = atol + rtol * np.maximum(np.abs(exp), 0.1 * scale)
    ok = np.abs(typed - exp) <= tol
    score = float(np.mean(ok)) if ok.size else 1.0
    if ok.all():
        return _Result(True, 1.0, "Correct.")
    bad = int(ok.size - ok.sum())
    where = ""
    if exp.ndim == 1:
        idx = [str(i + 1) for i in np.flatnonzero(~ok)[:4]]
        where = f" (entr{'y' if len(idx) == 1 else 'ies'} {', '.join(idx)})"
    elif exp.ndim == 2:
        cells = [f"({r + 1},{c + 1})" for r, c in zip(*np.nonzero(~ok))][:4]
        where = f" (cell{'s' if len(cells) > 1 else ''} {', '.join(cells)})"
    return _Result(False, score, f"{ok.size - bad} of {ok.size} entries are right{where}.")


def _check_set(ans: Any, exp: np.ndarray, typed: np.ndarray) -> _Result:
    exp = exp.reshape(-1)
    if typed.ndim != 1:
        return _Result(False, 0.0, f"Expected {exp.size} values, got {_describe(typed)}.")
    rtol, atol = _tol(ans)
    scale = float(np.max(np.abs(exp))) if exp.size else 0.0
    used = [False] * typed.size
    matched = 0
    for e in np.sort(exp):
        tol = atol + rtol * max(abs(e), 0.1 * scale)
        best, best_d = None, None
        for j, t in enumerate(typed):
            d = abs(t - e)
            if not used[j] and d <= tol and (best_d is None or d < best_d):
                best, best_d = j, d
        if best is not None:
            used[best] = True
            matched += 1
    total = max(exp.size, typed.size)
    score = matched / total if total else 1.0
    if matched == exp.size == typed.size:
        return _Result(True, 1.0, "Correct.")
    if typed.size != exp.size:
        return _Result(False, score, f"Expected {exp.size} values, got {typed.size} "
                                     f"({matched} of them right).")
    return _Result(False, score, f"{matched} of {exp.size} values are right (any order is fine).")


def _check_direction(ans: Any, exp: np.ndarray, typed: np.ndarray) -> _Result:
    exp = exp.reshape(-1)
    if typed.ndim != 1 or typed.size != exp.size:
        return _Result(False, 0.0, f"Expected a vector of {exp.size} entries, got {_describe(typed)}.")
    nt, ne = float(np.linalg.norm(typed)), float(np.linalg.norm(exp))
    if nt == 0:
        return _Result(False, 0.0, "The zero vector has no direction.")
    cos = abs(float(typed @ exp)) / (nt * ne) if ne else 0.0
    rtol, _ = _tol(ans)
    if 1 - cos <= max(rtol, 1e-9):
        return _Result(True, 1.0, "Correct (any nonzero multiple, either sign, is the same direction).")
    angle = math.degrees(math.acos(min(1.0, cos)))
    return _Result(False, 0.0, f"Not the same direction: it is {angle:.1f}° away.")


# --- diagnosis -----------------------------------------------------------------------------------


def _own_mistakes(instance: Any, part: int | None) -> list[Any]:
    return [m for m in getattr(instance, "mistakes", ()) if getattr(m, "part", None) == part]


def _diagnose(instance: Any, ans: Any, typed: np.ndarray, part: int | None) -> Diagnosis | None:
    for m in _own_mistakes(instance, part):
        if getattr(m, "option", None) is not None or m.value is None:
            continue
        if _check(ans.type, ans, m.value, typed).correct:
            return Diagnosis(m.id, m.message)
    kind = _KIND[ans.type]
    if kind == "direction":
        return None
    exp = np.asarray(ans.value, dtype=float)
    ints = instance_ints(getattr(instance, "params", {}))
    for slip, cand, fields in slip_candidates(kind, exp, _as_vector(typed) if kind != "matrix" else typed,
                                              ints):
        if not np.all(np.isfinite(cand)):
            continue
        if _check(ans.type, ans, cand, typed).correct and not _check(ans.type, ans, cand, exp).correct:
            return Diagnosis(slip.id, slip.message.format(**fields))
    return None


# --- choice --------------------------------------------------------------------------------------


def _choice_index(ans: Any, text: str) -> int:
    n = len(ans.options)
    s = text.strip()
    m = _CHOICE.match(s)
    if m and m.group(1).isalpha():
        idx = LETTERS.index(m.group(1).upper()) if m.group(1).upper() in LETTERS else n
    elif m:
        idx = int(m.group(1)) - 1
    else:
        norm = " ".join(s.lower().split())
        found = [i for i, o in enumerate(ans.options) if " ".join(str(o).lower().split()) == norm]
        if not found:
            raise MathInputError(f"type the letter of an option, A to {LETTERS[n - 1]}", 0,
                                 f"for example {LETTERS[0]}")
        idx = found[0]
    if not 0 <= idx < n:
        raise MathInputError(f"there are only {n} options, A to {LETTERS[n - 1]}", 0)
    return idx


def _grade_choice(instance: Any, ans: Any, text: str, part: int | None) -> _Result:
    idx = _choice_index(ans, text)
    parsed = f"{LETTERS[idx]}: {ans.options[idx]}"
    if idx == ans.correct:
        return _Result(True, 1.0, "Correct.", parsed)
    for m in _own_mistakes(instance, part):
        if getattr(m, "option", None) == idx:
            return _Result(False, 0.0, m.message, parsed, Diagnosis(m.id, m.message))
    return _Result(False, 0.0, "Not this one.", parsed)


# --- formula -------------------------------------------------------------------------------------


def _grade_formula(instance: Any, ans: Any, text: str, part: int | None) -> _Result:
    try:
        ref = fm.reference(ans, getattr(instance, "seed", 0))
    except EvalError as exc:  # a template defect, not the learner's: say so, grade nothing
        raise MathInputError(f"this problem's reference formula cannot be checked: {exc}") from None
    node = parse_answer(text, variables=ref.names, ndims=ref.ndims)
    mistakes = [m for m in _own_mistakes(instance, part) if m.value is not None]
    _refuse_solver_shortcuts(node, text, ans, mistakes)
    parsed = echo(node)
    try:
        vals = ref.values_of(node)
    except EvalError as exc:
        for m in mistakes:
            if m.value == node:
                return _Result(False, 0.0, m.message, parsed, Diagnosis(m.id, m.message))
        return _Result(False, 0.0, f"Your formula cannot be evaluated: {exc}.", parsed)
    if fm.matches(ref, vals, ref.values):
        return _Result(True, 1.0, f"Correct (it agrees with the reference at {len(vals)} test points).",
                       parsed)
    for m in mistakes:
        mvals = ref.memo_values(m.value)
        if m.value == node or (mvals is not None and fm.matches(ref, vals, mvals)):
            return _Result(False, 0.0, m.message, parsed, Diagnosis(m.id, m.message))
    diagnosis = _formula_slip(instance, ref, vals)
    if diagnosis is not None:
        return _Result(False, 0.0, diagnosis.message, parsed, diagnosis)
    return _Result(False, 0.0, _formula_feedback(ref, node, vals), parsed)


def _refuse_solver_shortcuts(node: Any, text: str, ans: Any, mistakes: Sequence[Any]) -> None:
    """A recall answer must write the formula out: `dsigmoid(x)` may not answer "what is σ′(x)?".

    Allowed: the elementary functions, and whatever the reference or a listed mistake itself calls
    (so `softmax(...)` stays available where the expected formula is written with it).
    """
    from trainer.core.language.names import called_functions
    from trainer.core.solvers import elementary

    allowed = set(elementary.__all__) | set(elementary.ALIASES) | called_functions(ans.value)
    for m in mistakes:
        allowed |= called_functions(m.value)
    extra = sorted(called_functions(node) - allowed)
    if extra:
        name = extra[0]
        at = text.find(name)
        raise MathInputError(f"{name}() is the formula this question asks you to write out",
                             at if at >= 0 else None,
                             "use elementary functions: exp, log, sum, sqrt, sigmoid, …")


def _formula_slip(instance: Any, ref: fm.Reference, vals: Sequence[np.ndarray]) -> Diagnosis | None:
    shape = ref.values[0].shape
    if any(v.shape != shape for v in vals):
        return None
    kind = {0: "scalar", 1: "vector", 2: "matrix"}.get(len(shape))
    ints = instance_ints(getattr(instance, "params", {})) + instance_ints(
        {k: ref.points[0][k] for k in ref.variables})
    if kind is not None:
        for slip in SLIPS:
            if kind not in slip.kinds:
                continue
            per_point = [list(slip.candidates(r, t, ints)) for r, t in zip(ref.values, vals)]
            width = len(per_point[0])
            if width == 0 or any(len(c) != width for c in per_point):
                continue
            for j in range(width):
                cands = [np.asarray(c[j][0], dtype=float) for c in per_point]
                if fm.matches(ref, vals, cands) and not fm.matches(ref, ref.values, cands):
                    return Diagnosis(slip.id, slip.message.format(**per_point[0][j][1]))
    for a, b, svals in ref.swapped():
        if fm.matches(ref, vals, svals):
            return Diagnosis(SWAPPED.id, SWAPPED.message.format(a=a, b=b))
    return None


def _formula_feedback(ref: fm.Reference, node: Node, vals: Sequence[np.ndarray]) -> str:
    want, got = ref.values[0], vals[0]
    if got.shape != want.shape:
        return (f"Your formula gives {_describe(got)}; the answer is {_describe(want)} "
                f"(at {ref.describe(ref.points[0])}).")
    unused = [v for v in ref.variables if v not in free_names(node)]
    detail = ""
    if unused and len(ref.variables) > 1:
        detail = f" It does not use {', '.join(unused)}."
    bad = next(i for i, (t, r) in enumerate(zip(vals, ref.values)) if not fm.close(t, r, ref.rtol, ref.atol))
    if want.ndim == 0:
        where = (f" At {ref.describe(ref.points[bad])} it gives {float(vals[bad]):.4g}, "
                 f"the answer is {float(ref.values[bad]):.4g}.")
    else:
        where = f" It differs from the reference at {ref.describe(ref.points[bad])}."
    return "Not equivalent to the expected formula." + where + detail
