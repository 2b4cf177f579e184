"""The tokenizer of typed answers: text to tokens, with the Unicode people type and paste.

Core layer, expression language. Numbers (digits bounded), names with subscripts and combining
accents, Greek letters, superscript powers, vulgar fractions, roots, transposes and the look-alike
minus, times and divide signs become a flat list of tokens for `answer_syntax`; any other character
is refused with its position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from trainer.core.language.nodes import MathInputError

MAX_DIGITS = 40  # digits in one number literal
MAX_EXPONENT = 300  # |n| in a literal like 1e-n (beyond, floats under/overflow)
_MINUS = "−–—‐‑﹣－"
_TIMES = "×·⋅∙•✕∗"
_DIVIDE = "÷∕⁄"
_SUP_DIGITS = {c: i for i, c in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")}
_SUB_DIGITS = {c: str(i) for i, c in enumerate("₀₁₂₃₄₅₆₇₈₉")}
_FRACTIONS = {
    "½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅕": (1, 5), "⅖": (2, 5),
    "⅗": (3, 5), "⅘": (4, 5), "⅙": (1, 6), "⅚": (5, 6), "⅛": (1, 8), "⅜": (3, 8), "⅝": (5, 8),
    "⅞": (7, 8), "⅐": (1, 7), "⅑": (1, 9), "⅒": (1, 10),
}

# Each letter maps to the names it may stand for; the first one the answer declares wins.
_GREEK = {
    "α": ("alpha",), "β": ("beta",), "γ": ("gamma",), "δ": ("delta",), "ε": ("eps", "epsilon"),
    "ϵ": ("eps", "epsilon"), "ζ": ("zeta",), "η": ("eta",), "θ": ("theta",), "ϑ": ("theta",),
    "ι": ("iota",), "κ": ("kappa",), "λ": ("lam", "lambda_", "lmbda"), "μ": ("mu",), "µ": ("mu",),
    "ν": ("nu",), "ξ": ("xi",), "π": ("pi",), "ρ": ("rho",), "σ": ("sigma",), "τ": ("tau",),
    "υ": ("upsilon",), "φ": ("phi",), "ϕ": ("phi",), "χ": ("chi",), "ψ": ("psi",), "ω": ("omega",),
    "Γ": ("Gamma",), "Δ": ("Delta",), "Θ": ("Theta",), "Λ": ("Lambda",), "Ξ": ("Xi",), "Π": ("Pi",),
    "Σ": ("Sigma",), "Φ": ("Phi",), "Ψ": ("Psi",), "Ω": ("Omega",), "ŷ": ("yhat", "y_hat"),
    "∞": ("inf",),
}
_COMBINING = {"\u0302": "hat", "\u0304": "bar", "\u0305": "bar", "\u0303": "tilde"}  # x̂ x̄ x̃
_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DIGITS = "0123456789"  # str.isdigit() also accepts ² and other digits the regex does not
SPACES = " \t\r\u00a0\u2009\u202f\u2002\u2003\u200b\ufeff"


@dataclass(frozen=True, slots=True)
class Token:
    """One token of a typed answer, with its span in the text (for error positions)."""

    kind: str  # num name op sup sub frac sqrt cbrt transpose nl end
    value: Any
    pos: int
    end: int
    space: bool  # whitespace (or start of text) just before it
    text: str = ""


def tokenize(text: str) -> list[Token]:
    """Split typed text into tokens, ending with an `end` token.

    Args:
        text: the typed answer (its length is bounded by the caller).

    Returns:
        The tokens; newlines are kept as `nl` tokens for `split_rows`.

    Raises:
        MathInputError: a character no answer may contain, or a number beyond the digit and exponent
            bounds, with its position.
    """
    toks: list[Token] = []
    i, n = 0, len(text)
    space = True
    while i < n:
        c = text[i]
        if c in SPACES:
            i += 1
            space = True
            continue
        start = i
        if c == "\n":
            toks.append(Token("nl", None, i, i + 1, True))
            i += 1
            space = True
            continue
        if c in _DIGITS or (c == "." and i + 1 < n and text[i + 1] in _DIGITS):
            m = _NUMBER.match(text, i)
            assert m is not None
            toks.append(Token("num", _number(m.group(0), i), i, m.end(), space, m.group(0)))
            i = m.end()
        elif c.isascii() and (c.isalpha() or c == "_"):
            m = _NAME.match(text, i)
            assert m is not None
            name, i = m.group(0), m.end()
            sub = ""
            while i < n and (text[i] in _SUB_DIGITS or text[i] in _COMBINING):
                sub += _SUB_DIGITS.get(text[i]) or _COMBINING[text[i]]
                i += 1
            toks.append(Token("name", name + sub, start, i, space, text[start:i]))
        elif c in _GREEK:
            i += 1
            toks.append(Token("name", _GREEK[c], start, i, space, c))
        elif c in _SUP_DIGITS or c in "⁻⁺":
            sign = 1
            if c in "⁻⁺":
                sign = -1 if c == "⁻" else 1
                i += 1
            digits = ""
            while i < n and text[i] in _SUP_DIGITS:
                digits += str(_SUP_DIGITS[text[i]])
                i += 1
            if not digits:
                raise MathInputError("a superscript sign needs digits after it", start)
            if len(digits) > 4:
                raise MathInputError("exponent is too large", start)
            toks.append(Token("sup", sign * int(digits), start, i, space, text[start:i]))
        elif c in "ᵀ⊤":
            i += 1
            toks.append(Token("transpose", None, start, i, space, c))
        elif c in _FRACTIONS:
            i += 1
            toks.append(Token("frac", _FRACTIONS[c], start, i, space, c))
        elif c in "√∛":
            i += 1
            toks.append(Token("sqrt" if c == "√" else "cbrt", None, start, i, space, c))
        elif c == "*" and text.startswith("**", i):
            i += 2
            toks.append(Token("op", "^", start, i, space, "**"))
        elif c in "+-*/^@()[]{},;|'.!=%":
            i += 1
            toks.append(Token("op", c, start, i, space, c))
        elif c in _MINUS or c in "＋+":
            i += 1
            toks.append(Token("op", "-" if c in _MINUS else "+", start, i, space, c))
        elif c in _TIMES:
            i += 1
            toks.append(Token("op", "*", start, i, space, c))
        elif c in _DIVIDE:
            i += 1
            toks.append(Token("op", "/", start, i, space, c))
        elif c in "’′ʹ`":
            i += 1
            toks.append(Token("op", "'", start, i, space, c))
        elif c in "（）":
            i += 1
            toks.append(Token("op", "(" if c == "（" else ")", start, i, space, c))
        else:
            raise _bad_char(c, i)
        space = False
    toks.append(Token("end", None, n, n, True))
    return toks


def _bad_char(c: str, i: int) -> MathInputError:
    if c in "\"":
        return MathInputError("text in quotes is not an answer", i, "type numbers and formulas only")
    if c == ":":
        return MathInputError("':' is not allowed in an answer", i)
    if c == "#":
        return MathInputError("'#' is not allowed in an answer", i)
    if ord(c) < 32 or ord(c) == 127:
        return MathInputError(f"control character {c!r} in the answer", i)
    if c == "<" or c == ">" or c == "≤" or c == "≥":
        return MathInputError(f"comparison '{c}' is not an answer", i, "type the value itself")
    return MathInputError(f"unexpected character {c!r}", i)


def split_rows(toks: list[Token], arrays: bool) -> list[Token]:
    """Newlines separate matrix rows in an array answer (outside parentheses); elsewhere they are spaces."""
    out: list[Token] = []
    stack: list[str] = []
    for k, t in enumerate(toks):
        if t.kind == "op" and t.value in "([{":
            stack.append(t.value)
        elif t.kind == "op" and t.value in ")]}" and stack:
            stack.pop()
        if t.kind != "nl":
            if out and out[-1].kind == "nl":
                out.pop()
                t = Token(t.kind, t.value, t.pos, t.end, True, t.text)
                if ((arrays and not stack) or (stack and stack[-1] == "[")) and out and not (
                        out[-1].kind == "op" and out[-1].value in "[;,") and not (
                        t.kind in ("op", "end") and t.value in ("]", ";", None)):
                    out.append(Token("op", ";", t.pos - 1, t.pos, True, "\\n"))
            out.append(t)
        elif not out or out[-1].kind != "nl":
            out.append(t)
    return out


def _number(text: str, pos: int) -> int | float:
    mantissa = text.split("e")[0].split("E")[0]
    if sum(ch.isdigit() for ch in mantissa) > MAX_DIGITS:
        raise MathInputError(f"number has more than {MAX_DIGITS} digits", pos)
    if "e" in text or "E" in text:
        exponent = int(re.split("[eE]", text)[1])
        if abs(exponent) > MAX_EXPONENT:
            raise MathInputError(f"exponent {exponent} is out of range (±{MAX_EXPONENT})", pos)
    if "." in text or "e" in text or "E" in text:
        return float(text)
    return int(text)
