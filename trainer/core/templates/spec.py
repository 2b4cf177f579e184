"""The template model: one YAML file → a validated, compiled `Template` ready to generate instances.

Core layer. The field tables below are the single model of the format: the loader validates against
them (with the file and line of every error) and `trainer.core.templates.schema` turns the same tables into the
JSON Schema shipped for editors. Expressions are parsed and compiled here, once per template, so an
error in any of them is found at load time and generation stays fast.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trainer.core.language.evaluate import Compiled, compile_node
from trainer.core.language.names import called_functions, free_names
from trainer.core.language.nodes import ExprError, Node
from trainer.core.language.template_syntax import parse_template
from trainer.core.templates.text import TextTemplate
from trainer.core.templates.samplers import Sampler, SpecError, build_sampler
# safe_yaml (PyYAML) is imported where a file is read: a template from the parsed-template cache
# (`parsed_cache`) is compiled without it.
from trainer.core.templates.lined import LineDict, LineList, YamlError

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_ID = re.compile(ID_PATTERN)
KINDS = ("compute", "recall", "concept")
LEVELS = (1, 2, 3)
TOPICS = ("probability", "information", "statistics", "linear-algebra", "calculus", "optimization",
          "losses", "deep-learning")
ANSWER_TYPES = ("number", "integer", "vector", "matrix", "set", "direction", "choice", "formula", "multi")
RESERVED = {"answer", "pi", "e", "True", "False"}

# name: (json type, required, description). "expr" = an expression string (or a plain number).
TOP_FIELDS: dict[str, tuple[str, bool, str]] = {
    "id": ("id", True, "Stable kebab-case id, unique in the bank; progress is keyed on it."),
    "equation": ("id", True, "The equation this template drills (an equation card id)."),
    "topic": ("string", True, "Topic folder: " + ", ".join(TOPICS) + " (others allowed for user banks)."),
    "title": ("string", True, "Short human title shown in lists."),
    "kind": ("kind", True, "compute (numbers), recall (type the formula) or concept (choose)."),
    "level": ("level", False, "Difficulty: 1 (first contact), 2 (fluent use) or 3 (stretch); default 1."),
    "tags": ("strings", False, "Free labels for filtering."),
    "requires": ("ids", False, "Equation ids this template exercises beyond its equation's prerequisites in "
                               "problems/graph.yaml (e.g. a naive-Bayes template with Gaussian likelihoods "
                               "requires gaussian-pdf); checked to exist and not to form a cycle."),
    "params": ("params", False, "Ordered mapping name → sampler; later ones may use earlier ones."),
    "where": ("exprs", False, "Constraints; every parameter is redrawn until all hold (bounded tries)."),
    "prompt": ("text", True, "The problem text, with {expression} placeholders."),
    "answer": ("answer", True, "What the learner must produce and how it is checked."),
    "mistakes": ("mistakes", True, "Anticipated slips, each diagnosed with its own message."),
    "hint": ("text", False, "A nudge shown on request (caps the rating at Hard); never part of the front."),
    "given": ("strings", False, "Parameters shown in the parameter panel before answering (absent: no "
                                "panel, the prompt carries the numbers)."),
    "card": ("card", False, "Whether the equation card shows before answering ('before') or only with the "
                            "feedback ('after'); default: after for recall and concept, before for compute."),
    "small_space": ("boolean", False, "Declares on purpose that the template has fewer than 20 distinct "
                                      "instances in 200 seeds (otherwise `trainer check` fails it)."),
    "solution": ("text", True, "The worked solution; {answer} is the expected answer."),
}
ANSWER_FIELDS: dict[str, tuple[str, str]] = {
    "type": ("answer-type", "One of " + ", ".join(ANSWER_TYPES) + "."),
    "value": ("expr", "The expected value as an expression (for formula: the reference formula)."),
    "rtol": ("number", "Relative tolerance (default 1e-3)."),
    "atol": ("number", "Absolute tolerance (default 1e-9)."),
    "sigfigs": ("integer", "Numeric answers: the significant figures required (default 3: a value correctly "
                           "rounded to 3 significant figures, or anything more precise, is right). "
                           "Replaces rtol."),
    "decimals": ("integer", "Numeric answers: an absolute precision instead, in decimal places (2: 'to 0.01')."),
    "unit": ("string", "Numeric answers: the unit the value is in (nats, bits, ms); a learner may type it "
                       "after the value, and a different unit is diagnosed."),
    "sample_size": ("expr", "Numeric answers: the sample size n of the computation (e.g. n or len(x)); "
                            "only then is dividing by n versus n − 1 diagnosed."),
    "percent": ("boolean", "number: also accept a percentage such as 33.3%."),
    "options": ("options", "choice: the options as written (placeholders allowed); an option may be a "
                           "mapping {text, truth} where truth is an expression over the parameters saying "
                           "whether the option's claim holds for the drawn values."),
    "correct": ("integer", "choice: 1-based position of the right option as written."),
    "shuffle": ("boolean", "choice: shuffle options per instance (default true)."),
    "variables": ("params", "formula: each variable's domain, in sampler syntax."),
    "parts": ("parts", "multi: the parts, each an answer mapping with a label."),
    "label": ("string", "multi part: its label."),
}
ANSWER_KEYS: dict[str, set[str]] = {
    "number": {"value", "rtol", "atol", "sigfigs", "decimals", "percent", "unit", "sample_size"},
    "integer": {"value", "unit"},
    "vector": {"value", "rtol", "atol", "sigfigs", "decimals", "unit", "sample_size"},
    "matrix": {"value", "rtol", "atol", "sigfigs", "decimals", "unit", "sample_size"},
    "set": {"value", "rtol", "atol", "sigfigs", "decimals", "unit"},
    "direction": {"value", "rtol", "atol", "sigfigs", "decimals"},
    "choice": {"options", "correct", "shuffle"},
    "formula": {"value", "variables", "rtol", "atol"},
    "multi": {"parts", "sample_size"},
}
MISTAKE_FIELDS: dict[str, tuple[str, bool, str]] = {
    "id": ("id", True, "Kebab-case id of the slip (reported in statistics)."),
    "value": ("expr", False, "What the slip produces (a formula string for formula answers)."),
    "option": ("integer", False, "choice: 1-based option that this slip picks."),
    "part": ("integer", False, "multi: 1-based part this slip applies to."),
    "message": ("text", True, "What went wrong and how to fix it."),
}
CARD_CHOICES = ("before", "after")
OPTION_FIELDS = ("text", "truth")
DEFAULT_RTOL = 1e-3
DEFAULT_ATOL = 1e-9
MAX_TRIES = 1000
MAX_PARAMS = 64  # parameters (or formula variables) per template: every draw redraws all of them
MAX_CONSTRAINTS = 64


class TemplateError(ValueError):
    """A template file that cannot be used: `path:line: message`."""

    def __init__(self, path: Path | str | None, line: int | None, message: str):
        self.path = Path(path) if path else None
        self.line = line
        self.message = message
        super().__init__(self.where() + message)

    def where(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}: " if self.line else f"{self.path}: "


@dataclass(frozen=True)
class CompiledExpr:
    """An expression with its source, compiled closure and the names it reads."""

    source: str
    node: Node
    run: Compiled
    names: frozenset[str]
    line: int = 0


@dataclass(frozen=True)
class AnswerSpec:
    """How a template's answer is computed and checked (see ANSWER_FIELDS)."""

    type: str
    value: CompiledExpr | None = None
    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL
    sigfigs: int | None = None
    decimals: int | None = None
    percent: bool = False
    unit: str = ""
    sample_size: CompiledExpr | None = None
    options: tuple[TextTemplate, ...] = ()
    truths: tuple[CompiledExpr | None, ...] = ()  # per option as written: whether its claim holds
    correct: int = 0  # 0-based, as written
    shuffle: bool = True
    variables: tuple[tuple[str, Sampler], ...] = ()
    parts: tuple[AnswerSpec, ...] = ()
    label: str = ""


@dataclass(frozen=True)
class MistakeSpec:
    """An anticipated slip: its id, what it produces, and the message that explains it."""

    id: str
    message: TextTemplate
    value: CompiledExpr | None = None
    option: int | None = None  # 0-based, as written
    part: int | None = None  # 0-based
    line: int = 0


@dataclass(frozen=True)
class Template:
    """A validated template, ready for `trainer.core.templates.generation.generate`."""

    id: str
    equation: str
    topic: str
    title: str
    kind: str
    level: int
    tags: tuple[str, ...]
    params: tuple[tuple[str, Sampler], ...]
    where: tuple[CompiledExpr, ...]
    prompt: TextTemplate
    answer: AnswerSpec
    mistakes: tuple[MistakeSpec, ...]
    solution: TextTemplate
    hint: TextTemplate | None = None
    path: Path | None = None
    lines: Mapping[str, int] = field(default_factory=dict)
    given: tuple[str, ...] | None = None  # None: no parameter panel
    card: str | None = None  # "before", "after" or None for the default of the kind
    small_space: bool = False
    requires: tuple[str, ...] = ()  # equation ids exercised beyond the equation's own prerequisites

    @property
    def card_before(self) -> bool:
        """Whether the equation card may be on screen before the answer is submitted."""
        if self.card is not None:
            return self.card == "before"
        return self.kind == "compute"

    @property
    def answer_type(self) -> str:
        return self.answer.type

    def resolve(self) -> Template:
        """Itself (a `LazyTemplate` returns its compiled template)."""
        return self

    def summary(self) -> dict[str, Any]:
        """The fields `trainer list` shows."""
        return {"id": self.id, "equation": self.equation, "topic": self.topic, "title": self.title,
                "kind": self.kind, "level": self.level, "answer_type": self.answer_type, "tags": list(self.tags),
                "path": str(self.path) if self.path else None}


def load_template(path: Path, functions: Mapping[str, Any] | None = None, *,
                  cache_dir: Path | None = None) -> Template:
    """Read and validate one template file.

    Args:
        path: the YAML file.
        functions: the whitelist expressions may call (defaults to the solver registry).
        cache_dir: the parsed-template cache folder (see `parsed_cache`): an unchanged file is not
            parsed as YAML again. None: always parse.

    Returns:
        The compiled template.

    Raises:
        TemplateError: naming the file and line of the first problem found.
    """
    if cache_dir is not None:
        from trainer.core.templates.parsed_cache import parsed_data

        return parse_template_data(parsed_data(path, cache_dir), path, functions)
    return parse_template_text(read_template_text(path), path, functions)


def read_template_text(path: Path | str) -> str:
    """A template file's text, read without ever holding more than the size limit.

    Args:
        path: the YAML file.

    Returns:
        Its UTF-8 text.

    Raises:
        TemplateError: the file cannot be read, is too large or is not UTF-8 (with the file, and the
            line where known).
    """
    from trainer.core.templates.safe_yaml import read_yaml_file

    try:
        return read_yaml_file(path)
    except YamlError as exc:
        raise TemplateError(path, exc.line, exc.message) from None
    except OSError as exc:
        raise TemplateError(path, None, f"cannot read the file: {exc.strerror or exc}") from None


def parse_template_text(text: str, path: Path | str | None = None,
                        functions: Mapping[str, Any] | None = None) -> Template:
    """Validate and compile a template from its YAML text (see `load_template`)."""
    from trainer.core.templates.safe_yaml import load_yaml

    try:
        data = load_yaml(text)
    except YamlError as exc:
        raise TemplateError(path, exc.line, exc.message) from None
    return parse_template_data(data, path, functions)


def parse_template_data(data: Any, path: Path | str | None = None,
                        functions: Mapping[str, Any] | None = None) -> Template:
    """Validate and compile a template from its already-parsed YAML (see `load_template`)."""
    if not isinstance(data, LineDict):
        raise TemplateError(path, 1, "a template must be a YAML mapping (key: value lines)")
    if functions is None:
        from trainer.core.solvers import registry

        functions = registry()
    try:
        return _Builder(path, functions).build(data)
    except TemplateError:
        raise
    except RecursionError:
        raise TemplateError(path, None, "the template is nested too deeply") from None
    except Exception as exc:  # a validator gap must cost one file, never the whole bank
        raise TemplateError(path, None, f"the template could not be read ({type(exc).__name__}: {exc})") from None


class _Builder:
    def __init__(self, path: Path | str | None, functions: Mapping[str, Any]):
        self.path = path
        self.fns = functions

    def fail(self, line: int | None, message: str) -> TemplateError:
        return TemplateError(self.path, line, message)

    # --- small validators -------------------------------------------------------------------

    def _keys(self, data: LineDict, allowed: set[str] | Mapping[str, Any], what: str) -> None:
        for key in data:
            if key not in allowed:
                close = _closest(str(key), allowed)
                hint = f" (did you mean '{close}'?)" if close else ""
                raise self.fail(data.line_of(key), f"unknown field '{key}' in {what}{hint}")

    def _string(self, data: LineDict, key: str, required: bool, *, where: str = "") -> str | None:
        if key not in data:
            if required:
                raise self.fail(data.line, f"missing required field '{key}'{where}")
            return None
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(data.line_of(key), f"'{key}' must be non-empty text")
        return value

    def _id(self, data: LineDict, key: str, *, where: str = "") -> str:
        value = self._string(data, key, True, where=where)
        if not _ID.match(value):
            raise self.fail(data.line_of(key), f"'{key}' must be kebab-case (a-z, 0-9, '-'), got {value!r}")
        return value

    def expr(self, source: Any, line: int, what: str, known: set[str] | None) -> CompiledExpr:
        if isinstance(source, bool) or not isinstance(source, (str, int, float)):
            raise self.fail(line, f"{what} must be an expression")
        text = str(source)
        try:
            node = parse_template(text)
        except ExprError as exc:
            at = f" (column {exc.position + 1})" if exc.position is not None else ""
            raise self.fail(line, f"{what}: {exc.message}{at}") from None
        unknown_fns = sorted(f for f in called_functions(node) if f not in self.fns)
        if unknown_fns:
            close = _closest(unknown_fns[0], self.fns)
            hint = f" (did you mean {close}()?)" if close else ""
            raise self.fail(line, f"{what}: unknown function {unknown_fns[0]}(){hint}")
        names = frozenset(free_names(node))
        if known is not None:
            missing = sorted(names - known)
            if missing:
                raise self.fail(line, f"{what}: unknown name '{missing[0]}' "
                                      f"(not a parameter defined before it)")
        return CompiledExpr(text, node, compile_node(node, self.fns, guard=False), names, line)

    def text(self, data: LineDict, key: str, known: set[str], required: bool) -> TextTemplate | None:
        value = self._string(data, key, required)
        if value is None:
            return None
        return self.text_value(value, data.line_of(key), key, known)

    def text_value(self, value: Any, line: int, what: str, known: set[str]) -> TextTemplate:
        if not isinstance(value, str):
            raise self.fail(line, f"'{what}' must be text")
        try:
            tt = TextTemplate(value, self.fns)
        except ExprError as exc:
            offset = value[: exc.position or 0].count("\n") if exc.position is not None else 0
            first = 1 if isinstance(value, str) and "\n" in value and line else 0
            raise self.fail(line + offset + first if offset else line, f"'{what}': {exc.message}") from None
        missing = sorted(tt.names - known)
        if missing:
            raise self.fail(line, f"'{what}': unknown name '{missing[0]}' in a {{placeholder}}")
        return tt

    def samplers(self, data: Any, line: int, what: str, known: set[str]) -> tuple[tuple[str, Sampler], ...]:
        if data is None:
            return ()
        if not isinstance(data, LineDict):
            raise self.fail(line, f"'{what}' must be a mapping of name: sampler")
        if len(data) > MAX_PARAMS:
            extra = list(data)[MAX_PARAMS]
            raise self.fail(data.line_of(extra), f"more than {MAX_PARAMS} {what}s: a template draws every one "
                                                 f"of them on every try, so keep it to the ones the problem needs")
        out = []
        seen = set(known)
        for name, spec in data.items():
            pline = data.line_of(name)
            if not isinstance(name, str) or not re.match(r"^[A-Za-z][A-Za-z0-9_]*$", name):
                raise self.fail(pline, f"{what} name {name!r} must be a plain identifier")
            if name in RESERVED or name in self.fns:
                raise self.fail(pline, f"{what} name '{name}' is reserved (a constant or function name)")
            try:
                sampler = build_sampler(spec, self.fns)
            except SpecError as exc:
                at = spec.line_of(exc.key) if isinstance(spec, LineDict) and exc.key else pline
                raise self.fail(at, f"{what} '{name}': {exc.message}") from None
            later = sorted(sampler.names - seen)
            if later:
                raise self.fail(pline, f"{what} '{name}' uses '{later[0]}', which is not defined before it")
            seen.add(name)
            out.append((name, sampler))
        return tuple(out)

    # --- the whole template ------------------------------------------------------------------

    def build(self, data: LineDict) -> Template:
        self._keys(data, TOP_FIELDS, "the template")
        for key, (_, required, _) in TOP_FIELDS.items():
            if required and key not in data:
                raise self.fail(data.line or 1, f"missing required field '{key}'")
        tid = self._id(data, "id")
        equation = self._id(data, "equation")
        topic = self._string(data, "topic", True)
        title = self._string(data, "title", True)
        kind = self._string(data, "kind", True)
        if kind not in KINDS:
            raise self.fail(data.line_of("kind"), f"'kind' must be one of {', '.join(KINDS)}, got {kind!r}")
        level = data.get("level", 1)
        if isinstance(level, bool) or level not in LEVELS:
            raise self.fail(data.line_of("level"), f"'level' must be 1, 2 or 3, got {level!r}")
        tags = data.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise self.fail(data.line_of("tags"), "'tags' must be a list of text labels")
        params = self.samplers(data.get("params"), data.line_of("params"), "parameter", set())
        known = {name for name, _ in params}
        where_raw = data.get("where") or []
        if isinstance(where_raw, str):
            where_raw = LineList([where_raw])
            where_raw.lines = [data.line_of("where")]
        if not isinstance(where_raw, list):
            raise self.fail(data.line_of("where"), "'where' must be a list of conditions")
        if len(where_raw) > MAX_CONSTRAINTS:
            raise self.fail(_line(where_raw, MAX_CONSTRAINTS, data.line_of("where")),
                            f"more than {MAX_CONSTRAINTS} constraints in 'where'")
        where = tuple(self.expr(c, _line(where_raw, i, data.line_of("where")), "constraint", known)
                      for i, c in enumerate(where_raw))
        answer = self.answer(data["answer"], data.line_of("answer"), known, top=True)
        text_names = known | {"answer"}
        prompt = self.text(data, "prompt", known, True)
        solution = self.text(data, "solution", text_names, True)
        hint = self.text(data, "hint", known, False)
        mistakes = self.mistakes(data["mistakes"], data.line_of("mistakes"), answer, text_names)
        given = self.given(data, known)
        card = data.get("card")
        if card is not None and card not in CARD_CHOICES:
            raise self.fail(data.line_of("card"), f"'card' must be before or after, got {card!r}")
        small_space = data.get("small_space", False)
        if not isinstance(small_space, bool):
            raise self.fail(data.line_of("small_space"), "'small_space' must be true or false")
        requires = self.requires(data, equation)
        return Template(
            id=tid, equation=equation, topic=topic, title=title.strip(), kind=kind, level=level, tags=tuple(tags),
            params=params, where=where, prompt=prompt, answer=answer, mistakes=mistakes,
            solution=solution, hint=hint, path=Path(self.path) if self.path else None,
            lines={**data.lines, **_param_lines(data.get("params"))},
            given=given, card=card, small_space=small_space, requires=requires,
        )

    def requires(self, data: LineDict, equation: str) -> tuple[str, ...]:
        """`requires:`: distinct equation ids other than the template's own (that they exist and form
        no cycle is checked against the whole bank's graph by `trainer check`)."""
        ids = data.get("requires")
        if ids is None:
            return ()
        if isinstance(ids, str):
            ids = [ids]
        line = data.line_of("requires")
        if not isinstance(ids, list):
            raise self.fail(line, "'requires' must be a list of equation ids")
        for i, value in enumerate(ids):
            at = _line(ids, i, line)
            if not isinstance(value, str) or not _ID.match(value):
                raise self.fail(at, f"'requires' entries must be kebab-case equation ids, got {value!r}")
            if value == equation:
                raise self.fail(at, f"'requires' names the template's own equation {value!r}")
            if value in ids[:i]:
                raise self.fail(at, f"'requires' names {value!r} twice")
        return tuple(ids)

    def given(self, data: LineDict, known: set[str]) -> tuple[str, ...] | None:
        if "given" not in data:
            return None
        names = data["given"]
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise self.fail(data.line_of("given"), "'given' must be a list of parameter names")
        for name in names:
            if name not in known:
                close = _closest(name, known)
                hint = f" (did you mean '{close}'?)" if close else ""
                raise self.fail(data.line_of("given"), f"'given' names '{name}', which is not a parameter{hint}")
        return tuple(names)

    def answer(self, data: Any, line: int, known: set[str], top: bool) -> AnswerSpec:
        if not isinstance(data, LineDict):
            raise self.fail(line, "'answer' must be a mapping with at least 'type'")
        atype = data.get("type")
        if atype not in ANSWER_TYPES:
            raise self.fail(data.line_of("type"), f"answer 'type' must be one of {', '.join(ANSWER_TYPES)}, "
                                                  f"got {atype!r}")
        allowed = ANSWER_KEYS[atype] | {"type"} | ({"label"} if not top else set())
        self._keys(data, allowed, f"a {atype} answer")
        kw: dict[str, Any] = {"type": atype, "label": str(data.get("label", ""))}
        for key in ("rtol", "atol"):
            if key in data:
                v = _number(data[key])
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v < 1:
                    raise self.fail(data.line_of(key), f"'{key}' must be a number in [0, 1)")
                kw[key] = float(v)
        if "sigfigs" in data:
            v = data["sigfigs"]
            if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 10:
                raise self.fail(data.line_of("sigfigs"), "'sigfigs' must be a whole number from 1 to 10")
            kw["sigfigs"] = v
        if "decimals" in data:
            v = data["decimals"]
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 12:
                raise self.fail(data.line_of("decimals"), "'decimals' must be a whole number from 0 to 12")
            if "sigfigs" in data:
                raise self.fail(data.line_of("decimals"), "give either 'sigfigs' or 'decimals', not both")
            kw["decimals"] = v
        if "unit" in data:
            v = data["unit"]
            if not isinstance(v, str) or not re.fullmatch(r"[A-Za-zµμ°%]{1,12}", v.strip()):
                raise self.fail(data.line_of("unit"), "'unit' must be a short word, e.g. nats, bits or ms")
            kw["unit"] = v.strip()
        if "sample_size" in data:
            kw["sample_size"] = self.expr(data["sample_size"], data.line_of("sample_size"), "sample size", known)
        for key in ("percent", "shuffle"):
            if key in data:
                if not isinstance(data[key], bool):
                    raise self.fail(data.line_of(key), f"'{key}' must be true or false")
                kw[key] = data[key]
        if atype == "multi":
            parts = data.get("parts")
            if not isinstance(parts, list) or len(parts) < 2:
                raise self.fail(data.line_of("parts"), "a multi answer needs 'parts': a list of 2 or more answers")
            specs = []
            for i, part in enumerate(parts):
                spec = self.answer(part, _line(parts, i, data.line_of("parts")), known, top=False)
                if spec.type in ("multi", "formula", "choice"):
                    raise self.fail(_line(parts, i, line), f"a multi part cannot be a {spec.type} answer")
                specs.append(spec)
            kw["parts"] = tuple(specs)
            return AnswerSpec(**kw)
        if atype == "choice":
            options = data.get("options")
            if not isinstance(options, list) or len(options) < 2:
                raise self.fail(data.line_of("options"), "a choice answer needs 'options': 2 or more texts")
            if len(options) > 8:
                raise self.fail(data.line_of("options"), "a choice answer takes at most 8 options")
            texts, truths = [], []
            for i, option in enumerate(options):
                oline = _line(options, i, line)
                truth = None
                if isinstance(option, LineDict):
                    self._keys(option, set(OPTION_FIELDS), "an option")
                    if "text" not in option:
                        raise self.fail(oline, "an option written as a mapping needs 'text'")
                    if "truth" in option:
                        truth = self.expr(option["truth"], option.line_of("truth"), "option truth", known)
                    oline = option.line_of("text")
                    option = option["text"]
                texts.append(self.text_value(option, oline, "option", known))
                truths.append(truth)
            kw["options"] = tuple(texts)
            kw["truths"] = tuple(truths) if any(t is not None for t in truths) else ()
            correct = data.get("correct")
            if isinstance(correct, bool) or not isinstance(correct, int) or not 1 <= correct <= len(options):
                raise self.fail(data.line_of("correct"),
                                f"'correct' must be the 1-based position of the right option (1 to {len(options)})")
            kw["correct"] = correct - 1
            return AnswerSpec(**kw)
        if "value" not in data:
            raise self.fail(data.line, f"a {atype} answer needs 'value'")
        if atype == "formula":
            variables = self.samplers(data.get("variables"), data.line_of("variables"), "variable", known)
            if not variables:
                raise self.fail(data.line_of("variables"),
                                "a formula answer needs 'variables': each variable with its domain")
            names = known | {n for n, _ in variables}
            kw["variables"] = variables
            kw["value"] = self.expr(data["value"], data.line_of("value"), "answer formula", names)
            return AnswerSpec(**kw)
        kw["value"] = self.expr(data["value"], data.line_of("value"), "answer value", known)
        return AnswerSpec(**kw)

    def mistakes(self, data: Any, line: int, answer: AnswerSpec, known: set[str]) -> tuple[MistakeSpec, ...]:
        if not isinstance(data, list) or not data:
            raise self.fail(line, "'mistakes' must list at least one anticipated slip")
        out, seen = [], set()
        formula_names = known | {n for n, _ in answer.variables}
        for i, item in enumerate(data):
            mline = _line(data, i, line)
            if not isinstance(item, LineDict):
                raise self.fail(mline, "each mistake is a mapping with id, value and message")
            self._keys(item, MISTAKE_FIELDS, "a mistake")
            mid = self._id(item, "id", where=" in a mistake")
            if mid in seen:
                raise self.fail(item.line_of("id"), f"mistake id '{mid}' is listed twice")
            seen.add(mid)
            message = self.text(item, "message", known, True)
            part = None
            if "part" in item:
                p = item["part"]
                if answer.type != "multi" or isinstance(p, bool) or not isinstance(p, int) \
                        or not 1 <= p <= len(answer.parts):
                    raise self.fail(item.line_of("part"), "'part' is the 1-based part of a multi answer")
                part = p - 1
            elif answer.type == "multi":
                raise self.fail(mline, "a mistake of a multi answer names its 'part'")
            if answer.type == "choice":
                opt = item.get("option")
                if isinstance(opt, bool) or not isinstance(opt, int) or not 1 <= opt <= len(answer.options):
                    raise self.fail(item.line_of("option"), "a choice mistake needs 'option': a 1-based option")
                if opt - 1 == answer.correct:
                    raise self.fail(item.line_of("option"), "a mistake cannot pick the correct option")
                out.append(MistakeSpec(mid, message, option=opt - 1, line=mline))
                continue
            if "value" not in item:
                raise self.fail(mline, "a mistake needs 'value': what the slip produces")
            names = formula_names if answer.type == "formula" else known
            value = self.expr(item["value"], item.line_of("value"), f"mistake '{mid}'", names)
            out.append(MistakeSpec(mid, message, value=value, part=part, line=mline))
        return tuple(out)


_FLOAT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def _number(value: Any) -> Any:
    """YAML 1.1 reads `1e-3` (no dot) as text; accept it as the number the author meant."""
    if isinstance(value, str) and _FLOAT.match(value.strip()):
        return float(value)
    return value


def _param_lines(params: Any) -> dict[str, int]:
    """`params.NAME` → the line of each parameter, for errors found while drawing it."""
    if not isinstance(params, LineDict):
        return {}
    return {f"params.{name}": params.line_of(name) for name in params}


def _line(seq: Any, index: int, default: int) -> int:
    return seq.line_of(index) if isinstance(seq, LineList) else default


def _closest(word: str, choices: Any) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.75)
    return found[0] if found else None
