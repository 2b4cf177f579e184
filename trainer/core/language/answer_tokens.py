r"""The tokenizer of typed answers: text to tokens, with the Unicode, LaTeX and NumPy people type.

Core layer, expression language. Numbers (digits bounded; `1.28e−3` with a Unicode minus), names
with subscripts and combining accents, Greek letters, superscript powers (`x²`, `pˣ`, `(1−p)¹⁻ˣ`),
vulgar fractions, roots, transposes, the look-alike minus, times and divide signs, LaTeX commands
(`\frac`, `\sqrt`, `\cdot`, `\left(`, `\sigma`, `\log`, `\sum_{i}`, `^\top`) and NumPy prefixes
(`np.exp`, `np.array`) become a flat list of tokens for `answer_syntax`; any other character or
command is refused with its position. Every token keeps its span in the text as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
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
    "Σ": ("Sigma",), "∑": ("Sigma",), "Φ": ("Phi",), "Ψ": ("Psi",), "Ω": ("Omega",), "ŷ": ("yhat", "y_hat"),
    "∞": ("inf",),
}
_COMBINING = {"\u0302": "hat", "\u0304": "bar", "\u0305": "bar", "\u0303": "tilde"}  # x̂ x̄ x̃
_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+\-−–]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DIGITS = "0123456789"  # str.isdigit() also accepts ² and other digits the regex does not
SPACES = " \t\r\u00a0\u2009\u202f\u2002\u2003\u200b\ufeff"

# Superscript letters and signs (`pˣ`, `(1−p)¹⁻ˣ`): read as the exponent they spell.
_SUP_TEXT = {**{c: str(i) for c, i in _SUP_DIGITS.items()}, "⁺": "+", "⁻": "-", "⁽": "(", "⁾": ")",
             "⁼": "=", "ᵃ": "a", "ᵇ": "b", "ᶜ": "c", "ᵈ": "d", "ᵉ": "e", "ᶠ": "f", "ᵍ": "g", "ʰ": "h",
             "ⁱ": "i", "ʲ": "j", "ᵏ": "k", "ˡ": "l", "ᵐ": "m", "ⁿ": "n", "ᵒ": "o", "ᵖ": "p", "ʳ": "r",
             "ˢ": "s", "ᵗ": "t", "ᵘ": "u", "ᵛ": "v", "ʷ": "w", "ˣ": "x", "ʸ": "y", "ᶻ": "z"}
_SUP_INT = re.compile(r"[+-]?\d+")
MAX_SUPERSCRIPT = 20  # characters in one superscript exponent

# LaTeX commands a learner may paste, by what they read as.
_LATEX_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ",
    "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ",
    "phi": "φ", "varphi": "ϕ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    "infty": "∞",
}
_LATEX_FUNCTIONS = {"log", "ln", "exp", "sin", "cos", "tan", "sinh", "cosh", "tanh", "max", "min",
                    "det", "prod", "arg", "lg"}
_LATEX_TIMES = {"cdot", "times", "ast", "bullet"}
_LATEX_SIZES = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
                "biggl", "biggr", "Biggl", "Biggr", "middle", "displaystyle", "textstyle"}
_LATEX_SPACES = {"quad", "qquad", "space", "nobreakspace"}
_LATEX_WRAPPERS = {"mathrm", "text", "operatorname", "mathbf", "boldsymbol", "mathit", "mathsf",
                   "bm", "textrm", "mathbb"}
_LATEX_ACCENTS = {"hat": "hat", "bar": "bar", "tilde": "tilde", "overline": "bar", "widehat": "hat"}
_LATEX_LABEL = {"approx", "sim", "simeq", "eq", "equiv"}
_COMMAND = re.compile(r"\\([A-Za-z]+)")
_BRACED_WORD = re.compile(r"\s*\{\s*([A-Za-z0-9]*)\s*\}")
_NUMPY = re.compile(r"(?:np|numpy|math|torch)\.(?:linalg\.)?([A-Za-z_][A-Za-z0-9_]*)")
_NUMPY_RENAMES = {"array": "", "asarray": "", "matrix": "", "transpose": "transpose", "pi": "pi",
                  "e": "e", "power": "power"}


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
        elif c == "\\":
            before = len(toks)
            i = _latex(text, i, toks, space)
            if len(toks) == before:  # a size or spacing command: nothing to read
                space = True
                continue
        elif c.isascii() and (c.isalpha() or c == "_") and (m := _NUMPY.match(text, i)) is not None \
                and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_.")):
            # np.exp, np.linalg.norm, math.sqrt: the prefix names where the function lives, nothing more
            name = _NUMPY_RENAMES.get(m.group(1), m.group(1))
            i = m.end()
            if not name:  # np.array([...]) is just the list
                space = True
                continue
            toks.append(Token("name", name, start, i, space, text[start:i]))
        elif c.isascii() and (c.isalpha() or c == "_"):
            m = _NAME.match(text, i)
            assert m is not None
            name, i = m.group(0), m.end()
            if name.endswith("_") and i < n and text[i] == "{":  # x_{i}: a LaTeX subscript
                b = _BRACED_WORD.match(text, i)
                if b is not None and b.group(1):
                    name, i = name + b.group(1), b.end()
            sub = ""
            while i < n and (text[i] in _SUB_DIGITS or text[i] in _COMBINING):
                sub += _SUB_DIGITS.get(text[i]) or _COMBINING[text[i]]
                i += 1
            toks.append(Token("name", name + sub, start, i, space, text[start:i]))
        elif c in _GREEK:
            i += 1
            toks.append(Token("name", _GREEK[c], start, i, space, c))
            if c in "Σ∑" and i < n and text[i] == "_":
                i = _skip_limits(text, i)
            else:
                i = _greek_subscript(text, i, toks)
        elif c in _SUP_TEXT:
            spelled = ""
            while i < n and text[i] in _SUP_TEXT:
                spelled += _SUP_TEXT[text[i]]
                i += 1
            if len(spelled) > MAX_SUPERSCRIPT:
                raise MathInputError("the superscript is too long", start)
            if _SUP_INT.fullmatch(spelled):
                if len(spelled.lstrip("+-")) > 4:
                    raise MathInputError("exponent is too large", start)
                value: int | str = int(spelled)
            elif spelled in ("+", "-"):
                raise MathInputError("a superscript sign needs digits after it", start)
            else:
                value = spelled  # read by the parser as the exponent's expression
            toks.append(Token("sup", value, start, i, space, text[start:i]))
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
        elif c == "/" and text.startswith("//", i):
            i += 2
            toks.append(Token("op", "//", start, i, space, "//"))
        elif c in "≈~≃":
            i += 1
            toks.append(Token("op", "=", start, i, space, c))
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


def _latex(text: str, i: int, toks: list[Token], space: bool) -> int:
    """Read one LaTeX command at `text[i] == "\\"`, appending what it means; returns the next index."""
    n = len(text)
    start = i
    if i + 1 < n and text[i + 1] in ",;:! ":
        return i + 2  # thin, medium, thick and negative spaces
    if i + 1 < n and text[i + 1] in "{}|":
        toks.append(Token("op", "(" if text[i + 1] == "{" else ")" if text[i + 1] == "}" else "|",
                          start, i + 2, space, text[start:i + 2]))
        return i + 2
    m = _COMMAND.match(text, i)
    if m is None:
        raise MathInputError("a backslash starts a LaTeX command, e.g. \\frac{1}{3}", i)
    cmd, i = m.group(1), m.end()
    raw = text[start:i]
    if cmd in _LATEX_SIZES:
        if i < n and text[i] == ".":  # \left. is an invisible delimiter
            i += 1
        return i
    if cmd in _LATEX_SPACES:
        return i
    if cmd in ("frac", "dfrac", "tfrac"):
        toks.append(Token("latexfrac", None, start, i, space, raw))
    elif cmd == "sqrt":
        toks.append(Token("sqrt", None, start, i, space, raw))
    elif cmd in _LATEX_TIMES:
        toks.append(Token("op", "*", start, i, space, raw))
    elif cmd == "div":
        toks.append(Token("op", "/", start, i, space, raw))
    elif cmd in ("top", "intercal", "mathsf") and not (cmd == "mathsf" and not text.startswith("{T}", i)):
        if cmd == "mathsf":
            i += 3
        toks.append(Token("transpose", None, start, i, space, text[start:i]))
    elif cmd in _LATEX_LABEL:
        toks.append(Token("op", "=", start, i, space, raw))
    elif cmd in _LATEX_GREEK:
        toks.append(Token("name", _GREEK[_LATEX_GREEK[cmd]], start, i, space, raw))
        i = _greek_subscript(text, i, toks)
    elif cmd in ("sum", "Sigma"):
        toks.append(Token("name", ("Sigma",), start, i, space, "Σ"))
        i = _skip_limits(text, i)
    elif cmd in _LATEX_FUNCTIONS:
        toks.append(Token("name", "log10" if cmd == "lg" else cmd, start, i, space, raw))
    elif cmd in _LATEX_WRAPPERS or cmd in _LATEX_ACCENTS:
        b = _BRACED_WORD.match(text, i)
        if b is None or not b.group(1):
            raise MathInputError(f"\\{cmd} needs a name in braces, e.g. \\{cmd}{{x}}", start)
        word = b.group(1) + _LATEX_ACCENTS.get(cmd, "")
        if cmd == "mathsf" and word == "T":
            toks.append(Token("transpose", None, start, b.end(), space, text[start:b.end()]))
        else:
            toks.append(Token("num" if word.isdigit() else "name", int(word) if word.isdigit() else word,
                              start, b.end(), space, text[start:b.end()]))
        i = b.end()
    else:
        raise MathInputError(f"unknown LaTeX command {raw}", start,
                             "\\frac, \\sqrt, \\cdot, \\log, \\exp, \\sum and Greek letters are read")
    return i


_SUBSCRIPT_WORD = re.compile(r"_(?:\{\s*([A-Za-z0-9]+)\s*\}|([A-Za-z0-9]+))")


def _greek_subscript(text: str, i: int, toks: list[Token]) -> int:
    """Join a subscript to the Greek name just read: `\\mu_{x}` and `μ_x` name `mu_x`, as `mu_x` does.

    Without this the subscript would read as a second name multiplied in (`μ · _x`).
    """
    m = _SUBSCRIPT_WORD.match(text, i)
    if m is None:
        return i
    sub = m.group(1) or m.group(2)
    tok = toks[-1]
    names = tuple(dict.fromkeys(f"{alt.rstrip('_')}_{sub}" for alt in tok.value))
    toks[-1] = replace(tok, value=names, end=m.end(), text=text[tok.pos:m.end()])
    return m.end()


def _skip_limits(text: str, i: int) -> int:
    """Skip the limits of a sum (`_{i=1}^{n}`, `_i`): the sum runs over every entry."""
    n = len(text)
    for _ in range(2):
        while i < n and text[i] in SPACES:
            i += 1
        if i < n and text[i] in "_^":
            i += 1
            if i < n and text[i] == "{":
                depth, j = 0, i
                while j < n:
                    depth += text[j] == "{"
                    depth -= text[j] == "}"
                    j += 1
                    if depth == 0:
                        break
                if depth:
                    raise MathInputError("unbalanced '{' in the limits of a sum", i)
                i = j
            elif i < n and (text[i].isalnum()):
                i += 1
            else:
                raise MathInputError("a sum's limit needs a value, e.g. \\sum_{i=1}^{n}", i)
    return i


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
    if len(text) <= MAX_DIGITS and "e" not in text and "E" not in text and "−" not in text and "–" not in text:
        # No exponent, no minus to replace and too short to hold too many digits: what the checks
        # below decide for such a literal (the commonest, `0.0205`), without their string work.
        return float(text) if "." in text else int(text)
    text = text.replace("−", "-").replace("–", "-")
    mantissa = text.split("e")[0].split("E")[0]
    plain = mantissa.replace(".", "")  # every other character of a literal's mantissa is a digit
    if (len(plain) if plain.isdigit() else sum(ch.isdigit() for ch in mantissa)) > MAX_DIGITS:
        raise MathInputError(f"number has more than {MAX_DIGITS} digits", pos)
    if "e" in text or "E" in text:
        exponent = int(re.split("[eE]", text)[1])
        if abs(exponent) > MAX_EXPONENT:
            raise MathInputError(f"exponent {exponent} is out of range (±{MAX_EXPONENT})", pos)
    if "." in text or "e" in text or "E" in text:
        return float(text)
    return int(text)
