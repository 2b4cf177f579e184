"""Findings about what an item gives away or gets wrong on one seed: leaks on its front, option truth.

Core layer, used by `trainer.core.checking.check`. A leak is the answer (its display form, its
formula in the printed notation, its value to 2–4 significant figures), a listed mistake's message or
the hint appearing in the visible text before the answer is submitted (see `trainer.core.templates.card_front`).
Option truth evaluates each choice option's declared `truth` expression for the drawn parameters: a
distractor that holds, or a keyed option that does not, makes the item wrong for that seed.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from trainer.core.language.nodes import EvalError
from trainer.core.templates.card_front import Front
from trainer.core.templates.text import fmt_number

SIGNIFICANT = (2, 3, 4)  # the graded precisions an answer value is looked for at
MIN_SENTENCE = 24  # characters: shorter pieces of a message ("That is P(A)") recur innocently
MIN_HEAD = 8  # characters of a keyed option's lead phrase worth looking for

Finding = tuple[str, str, "int | None"]


@functools.lru_cache(maxsize=4096)  # the same messages, hints and forms recur from seed to seed
def normalise(text: str) -> str:
    """Text compared for leaks: lower case, one minus sign, one product sign, no spaces (`str.split`
    drops the very characters `\\s` matches: both test `str.isspace`; C-level `replace` is faster
    here than a `translate` table)."""
    text = text.lower().replace("−", "-").replace("–", "-").replace("×", "*").replace("·", "*")
    return "".join(text.split())


def number_forms(value: float, rtol: float = 0.0, atol: float = 0.0, sigfigs: int | None = None) -> set[str]:
    """The ways a number would be written to 2, 3 and 4 significant figures (and as displayed) that
    the grader accepts.

    Args:
        value: the answer.
        rtol, atol: the graded tolerance (a form outside it is another number, not the answer).
        sigfigs: when the answer is graded to this many significant figures, forms with as many
            digits are accepted too.

    Returns:
        The forms. Those with fewer than two significant digits ("3", "0.5") are left out: small
        round numbers recur in any prompt without giving anything away.
    """
    v = float(value)
    if not math.isfinite(v) or v == 0:
        return set()
    out = {fmt_number(value)}
    mag = math.floor(math.log10(abs(v)))
    for n in SIGNIFICANT:
        places = n - 1 - mag  # negative: round to tens, hundreds, …
        text = f"{round(v, places):.{max(places, 0)}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        out.add(text)
    tolerance = max(atol, rtol * abs(v))
    kept = set()
    for t in out:
        digits = _significant(t)
        if digits >= 2 and (abs(float(t) - v) <= tolerance or (sigfigs is not None and digits >= sigfigs)):
            kept.add(t)
    return kept


#: (type, value, rtol, atol, sigfigs) → the sorted forms of an answer value: integer answers and
#: answers of few draws recur from seed to seed. The type is part of the key: an int and a float of
#: one value can be written apart.
_FORMS: dict[tuple, tuple[str, ...]] = {}


def _sorted_forms(value: Any, rtol: float, atol: float, sigfigs: int | None) -> tuple[str, ...]:
    t = type(value)
    if t is not float and t is not int and t is not np.float64 and t is not np.int64:
        return tuple(sorted(number_forms(value, rtol, atol, sigfigs)))
    key = (t, value, rtol, atol, sigfigs)
    forms = _FORMS.get(key)
    if forms is None:
        forms = tuple(sorted(number_forms(value, rtol, atol, sigfigs)))
        if len(_FORMS) >= 4096:
            _FORMS.clear()
        _FORMS[key] = forms
    return forms


_NON_DIGIT = re.compile(r"\D")
_CLAUSE_END = re.compile(r"(?<=[.;!?])\s+|\s+—\s+|\n")
_LEAD_END = re.compile(r"\s+—\s+|[:;,(]|\.\s")


def _significant(text: str) -> int:
    digits = _NON_DIGIT.sub("", text).lstrip("0")
    if "." not in text:
        digits = digits.rstrip("0")
    return len(digits)


def _has_number(text: str, form: str) -> bool:
    r"""Whether `form` stands in `text` as a number of its own: "-14/3" or "2.5e3" is another number
    than -14 or 2.5, and "12" is not in "3.12". The same test as the pattern
    `(?<![\d./])SIGN BODY(?![\d/])(?!\.\d)(?![eE][-+]?\d)` (SIGN "-" or "(?<!-)"), written as a scan
    because compiling one pattern per number was most of the time `check` spent on leaks."""
    text = text.replace("−", "-")
    negative = form.startswith("-")
    needle = _number_needle(form)
    before = "./" if negative else "./-"
    start = text.find(needle)
    while start >= 0:
        end = start + len(needle)
        if not (start > 0 and (text[start - 1].isdecimal() or text[start - 1] in before)) \
                and not _continues(text, end):
            return True
        start = text.find(needle, start + 1)
    return False


def _number_needle(form: str) -> str:
    """The text `_has_number` looks for: the form with one leading minus."""
    return "-" + form.lstrip("-") if form.startswith("-") else form


def _continues(text: str, end: int) -> bool:
    """Whether the number ending before `end` goes on: a digit, a fraction bar, decimals or an exponent."""
    if end >= len(text):
        return False
    c = text[end]
    if c.isdecimal() or c == "/":
        return True
    nxt = text[end + 1:end + 2]
    if c == "." and nxt.isdecimal() and nxt:
        return True
    if c in "eE":
        if nxt in ("-", "+") and nxt:
            nxt = text[end + 2:end + 3]
        return bool(nxt) and nxt.isdecimal()
    return False


def _has_vector(text: str, display: str) -> bool:
    """A vector shown on its own, not as a row of a matrix ("[2, 1]" inside "[[2, 1], [5, 5]]")."""
    needle, text = normalise(display), normalise(text)
    start = text.find(needle)
    while start >= 0:
        end = start + len(needle)
        if not (start > 0 and text[start - 1] in "[,") and not (end < len(text) and text[end] in ",]"):
            return True
        start = text.find(needle, start + 1)
    return False


@functools.lru_cache(maxsize=1024)  # a message or hint is mostly the same text on every seed
def _pieces(text: str) -> tuple[tuple[str, str], ...]:
    """Sentences and clauses of a message or hint, long enough to be worth looking for, each with
    the needle looked for: its normalised text without a final full stop."""
    out = []
    for p in _CLAUSE_END.split(text):
        # `normalise` drops exactly what `strip` does, so the piece's needle is its part's
        n = normalise(p).rstrip(".")
        if len(n) >= MIN_SENTENCE:
            out.append((p.strip(), n))
    return tuple(out)


def leak_findings(template: Any, inst: Any, shown: Front) -> Iterable[Finding]:
    """Every way the front of this instance gives the answer, a mistake's message or the hint away.

    Args:
        template: the template (its `lines` place the finding).
        inst: the instance of one seed.
        shown: its front (see `trainer.core.templates.card_front.front`).

    Returns:
        (kind "leak", message naming what leaked where, line) findings.
    """
    places = shown.places()
    flat = {place: normalise(text) for place, text in places.items()}
    # Normalised text has no whitespace, so a (normalised) needle found in the texts joined by a
    # line break is found in one of them: one search rules out most needles, which are in none.
    everywhere = "\n".join(flat.values())
    answer_line = template.lines.get("answer")
    ans = inst.answer
    seen: set[str] = set()

    def where(n: str) -> list[str]:
        if not n or n not in everywhere:
            return []
        return [p for p, text in flat.items() if n in text]

    def report(what: str, found: list[str], line: int | None) -> Iterable[Finding]:
        for place in found:
            key = f"{what}@{place}"
            if key not in seen:
                seen.add(key)
                yield "leak", f"the {place} shows {what} before the answer is submitted", line

    parts = ans.parts if ans.type == "multi" else (ans,)
    integer = ans.type == "integer" or (ans.type == "multi" and any(part.type == "integer" for part in parts))
    inputs = _drawn_values(template, inst) if integer else set()
    numbers = None  # the visible text with one minus sign, for a first search of every number form
    for part in parts:
        label = f" ({part.label})" if part.label else ""
        if part.type == "integer" and float(part.value) in inputs:
            # A whole number that is one of the drawn inputs (a shape, a channel count) is data the
            # problem must state; picking the right one is the task, not a giveaway.
            continue
        if part.type in ("number", "integer"):
            for form in _sorted_forms(part.value, part.rtol, part.atol, part.sigfigs):
                if numbers is None:
                    numbers = "\n".join(places.values()).replace("−", "-")
                if _number_needle(form) not in numbers:  # then `_has_number` finds it nowhere
                    continue
                found = [p for p, text in places.items() if _has_number(text, form)]
                yield from report(f"the answer{label} {form}", found, answer_line)
        elif part.type in ("vector", "matrix", "set", "direction"):
            if np.size(part.value) > 1 and normalise(part.display) in everywhere:
                found = [p for p, text in places.items() if _has_vector(text, part.display)]
                yield from report(f"the answer{label} {part.display}", found, answer_line)
    if ans.type == "formula":
        yield from report(f"the answer formula {ans.display}", where(normalise(ans.display).rstrip(".")),
                          answer_line)
        source = getattr(template.answer.value, "source", "")
        if source:  # as the author typed it, which a learner could copy as well
            yield from report(f"the answer formula {source}", where(normalise(source).rstrip(".")), answer_line)
        if shown.card is not None:
            yield ("leak", f"the card shows the equation '{inst.equation}' before a formula answer is "
                           "submitted (set `card: after`)", template.lines.get("card", answer_line))
    if ans.type == "choice":
        yield from _choice_leaks(ans, places, flat, report, answer_line)
    # The messages of a report are written only for what is found (almost never).
    for mistake, spec in zip(inst.mistakes, template.mistakes):
        for piece, n in _pieces(mistake.message):
            if n in everywhere:
                yield from report(f"mistake '{mistake.id}''s message \"{piece}\"", where(n), spec.line)
    if inst.hint:
        for piece, n in _pieces(inst.hint):
            if n in everywhere:
                yield from report(f"the hint \"{piece}\"", where(n), template.lines.get("hint"))


def _drawn_values(template: Any, inst: Any) -> set[float]:
    """Every scalar a random sampler drew for this instance (entries of vectors and matrices too)."""
    out: set[float] = set()
    for name, sampler in getattr(template, "params", ()):
        if not getattr(sampler, "random", True) or name not in inst.params:
            continue
        value = inst.params[name]
        if type(value) is float or (type(value) is int and -2**53 <= value <= 2**53):
            out.add(float(value))  # a drawn scalar, without an array around it
            continue
        try:
            values = np.asarray(inst.params[name], dtype=float).reshape(-1)
        except (TypeError, ValueError):
            continue
        out.update(float(v) for v in values[:1000])
    return out


def _choice_leaks(ans: Any, places: Mapping[str, str], flat: Mapping[str, str], report: Any,
                  line: int | None) -> Iterable[Finding]:
    """The keyed option's lead phrase ("Cross-correlation — …") shown outside the options."""
    lead = _keyed_lead(tuple(ans.options), ans.correct)
    if lead is None:
        return
    head, n = lead
    found = [p for p, text in flat.items() if p != "title" and n in text]
    yield from report(f"the keyed option's lead \"{head}\"", found, line)


@functools.lru_cache(maxsize=1024)  # the same options on every seed, in a few orders
def _keyed_lead(options: tuple[str, ...], correct: int) -> tuple[str, str] | None:
    """The keyed option's lead phrase and its normalised text, or None when it is not worth looking
    for (short, the whole option, or part of another option)."""
    keyed = options[correct]
    head = _LEAD_END.split(keyed, maxsplit=1)[0].strip().rstrip(".")
    n = normalise(head)
    if len(n) < MIN_HEAD or n == normalise(keyed).rstrip("."):
        return None
    if any(n in normalise(o) for i, o in enumerate(options) if i != correct):
        return None
    return head, n


def truth_findings(template: Any, inst: Any) -> Iterable[Finding]:
    """Options whose declared truth contradicts the key for this seed's parameters.

    Args:
        template: the template (its choice answer's `truths`, options as written).
        inst: the instance of one seed.

    Returns:
        (kind "option-truth", message, line) findings.
    """
    spec = template.answer
    if spec.type != "choice" or not spec.truths:
        return
    order = inst.answer.env.get("order", tuple(range(len(spec.options))))
    for written, truth in enumerate(spec.truths):
        if truth is None:
            continue
        letter = "ABCDEFGH"[order.index(written)]
        try:
            with np.errstate(all="ignore"):
                holds = bool(truth.run(dict(inst.params)))
        except (EvalError, ArithmeticError, TypeError, ValueError) as exc:
            yield "option-truth", f"option {written + 1}'s truth cannot be evaluated: {exc}", truth.line or None
            continue
        if written == spec.correct and not holds:
            yield ("option-truth", f"the keyed option {written + 1} (shown as {letter}) does not hold for these "
                                   f"parameters: {truth.source}", truth.line or None)
        elif written != spec.correct and holds:
            yield ("option-truth", f"distractor {written + 1} (shown as {letter}) holds for these parameters, "
                                   f"so two options are right: {truth.source}", truth.line or None)
