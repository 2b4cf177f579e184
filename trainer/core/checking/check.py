"""`trainer check`: prove a template over many seeds before a learner ever sees it.

Core layer. For each seed the template must generate; its answer must be finite and not degenerate;
no listed mistake may coincide with the answer; the same seed must give the same instance; and, when
the grader is available, the typed form of the answer must grade correct and each mistake must be
diagnosed as itself (mistakes on the first `MISTAKE_SEEDS` seeds). Constraints accepted on fewer than
1% of draws are an authoring error. Callers may add per-instance observers (a measurement, another
check) that see every generated instance.

Checking one template is bounded: it stops at once on a failure no seed can escape (a size error of
constant inputs, a constraint of constants), after the first draws when none was accepted, once the
draws spent prove acceptance is under 1%, and (when a clock is passed in) after a time budget.
"""

from __future__ import annotations

import math
import pickle
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from trainer.core.language.evaluate import compile_node
from trainer.core.language.nodes import EvalError, Name, Num, Slice, Str, TreeNode
from trainer.core.checking.leaks import leak_findings, truth_findings
from trainer.core.checking.wraps import hard_wrap_findings
from trainer.core.templates.card_front import front
from trainer.core.templates.generation import GenerationError, Instance, exact_key, generate, seeded_points
from trainer.core.templates.spec import MAX_TRIES, Template

MIN_ACCEPTANCE = 0.01
MAX_FINDINGS_PER_KIND = 3  # one broken solver should not print 200 lines
STATIC_GRADED_SEEDS = 20
# The typed form of each listed mistake is graded on this many seeds (the answer on all of them).
# Such a finding comes from mistakes that read back wrong (a constant fault: the first seed shows it)
# or that the diagnosis takes for another mistake or for the answer; a mistake equal to the answer
# is also found on every seed, by `same_value` and the formula test points.
MISTAKE_SEEDS = 50
# No accepted draw among the first EARLY_DRAWS means the constraints are plainly unsatisfiable; at an
# acceptance of 2% the chance of a false alarm is 0.98**300 ≈ 0.2%.
EARLY_DRAWS = 300
DRAWS_PER_SEED = round(1 / MIN_ACCEPTANCE)  # beyond this average the acceptance is already too low
# Sampler draws (weighted by cost) plus constraint tests over all seeds: a template with many
# parameters and a rare constraint costs that many times more per accepted instance, for the learner too.
WORK_BUDGET = 300_000
TIME_BUDGET = 60.0  # seconds per template, when the caller passes a clock (a safety net under load)
FORMULA_POINTS = 24  # enough that a variable drawn from {choice: [0, 1]} takes both values
# Fewer distinct instances than this in VARIETY_SEEDS seeds (scaled for fewer) is a finding unless
# the template declares `small_space: true`: a learner would soon meet the same numbers again.
MIN_DISTINCT = 20
VARIETY_SEEDS = 200
LONGEST_SHARE = 0.6  # the keyed option longest in more seeds than this gives the answer away


@dataclass(frozen=True)
class Finding:
    """One problem found: `severity` is "error" (fails the check) or "warning"."""

    template_id: str
    path: Path | None
    line: int | None
    kind: str
    message: str
    seed: int | None = None
    severity: str = "error"

    def location(self) -> str:
        if self.path is None:
            return self.template_id
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def __str__(self) -> str:
        seed = f" (seed {self.seed})" if self.seed is not None else ""
        return f"{self.location()}: {self.severity}: [{self.kind}] {self.message}{seed}"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.template_id, "path": str(self.path) if self.path else None, "line": self.line,
                "kind": self.kind, "message": self.message, "seed": self.seed, "severity": self.severity}


@dataclass
class Report:
    """What checking one template found, with the figures the summary table shows."""

    template_id: str
    seeds: int = 0
    generated: int = 0
    draws: int = 0
    findings: list[Finding] = field(default_factory=list)
    distinct: int = 0
    positions: list[int] = field(default_factory=list)  # choice: seeds keyed at A, B, C, …
    length_ranks: list[int] = field(default_factory=list)  # choice: seeds whose key is 1st, 2nd… longest
    performed: dict[str, int] | None = None  # with measure=True: see trainer.core.checking.weights.tally

    @property
    def acceptance(self) -> float:
        return self.generated / self.draws if self.draws else 0.0

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.template_id, "seeds": self.seeds, "generated": self.generated,
                "acceptance": round(self.acceptance, 4), "ok": self.ok, "distinct": self.distinct,
                "positions": self.positions, "length_ranks": self.length_ranks,
                "findings": [f.to_dict() for f in self.findings],
                **({"performed": self.performed} if self.performed is not None else {})}


Grader = Callable[[Instance], Iterable[tuple[str, str, int | None]]]
#: A per-instance measurement or check run on every generated instance, in seed order: given the
#: template and one instance, it yields (kind, message, line) findings (often none: it may only record).
Observer = Callable[[Template, Instance], Iterable[tuple[str, str, int | None]]]


def check_template(template: Template, seeds: int = 200, *, first_seed: int = 0,
                   grader: Grader | None = None, known_equations: set[str] | None = None,
                   clock: Callable[[], float] | None = None, time_budget: float = TIME_BUDGET,
                   observers: Sequence[Observer] = (), mistake_seeds: int = MISTAKE_SEEDS,
                   measure: bool = False) -> Report:
    """Generate `seeds` instances of `template` and report every problem found.

    Two seeds that draw the same instance (equal prompt, parameters, answer and mistakes) have the
    same findings, so those of a repeat are taken from the first one (re-dated to the repeat's seed)
    instead of being worked out again. A formula answer is tested at points drawn from the seed, so
    its repeats differ in those points alone: like every seed of a formula template without
    parameters, they are proven at their own points on the first `STATIC_GRADED_SEEDS` seeds only;
    later repeats take the first sighting's findings (their weights are still measured at their own
    point).

    Args:
        template: the template to prove.
        seeds: how many consecutive seeds to try, starting at `first_seed`.
        grader: optional self-grading hook: given an instance, yields (kind, message, line) findings
            (used to grade the answer and every mistake through the real grader). Its findings must
            depend on the instance's content only (the seed matters for formula answers alone).
            A grader with a true `skips_mistakes` attribute (as `grading_hook`'s) is called with
            `mistakes=False` past the first `mistake_seeds` seeds, to grade the answer alone.
        known_equations: equation ids with a reference card; others get a warning.
        clock: seconds from any origin (e.g. `time.monotonic`); with it, checking stops after
            `time_budget` seconds with a finding. Without it only the draw budget applies.
        time_budget: see `clock`.
        observers: run on every generated instance, repeats included, after the built-in checks;
            their findings are filed like any other.
        mistake_seeds: see `grader`.
        measure: also tally what each instance's answer computation performs (`Report.performed`),
            from which `trainer check` measures the prerequisite weights.

    Returns:
        The report for this template.
    """
    report = Report(template.id, seeds=seeds)
    if measure:
        from trainer.core.checking.weights import performed_key

        report.performed = {}
    counts: dict[str, int] = {}

    def add(kind: str, message: str, seed: int | None = None, line: int | None = None,
            severity: str = "error") -> None:
        counts[kind] = counts.get(kind, 0) + 1
        if counts[kind] <= MAX_FINDINGS_PER_KIND:
            report.findings.append(Finding(template.id, template.path, line, kind, message, seed, severity))

    if known_equations is not None and template.equation not in known_equations:
        add("equation", f"no reference card for equation '{template.equation}'",
            line=template.lines.get("equation"), severity="warning")
    for kind, message, line in hard_wrap_findings(template):  # the prompt as written: once, not per seed
        add(kind, message, line=line, severity="warning")
    deadline = clock() + time_budget if clock is not None else None
    draw_budget = max(EARLY_DRAWS, DRAWS_PER_SEED * seeds)
    per_draw = sum(sampler.cost for _, sampler in template.params) + len(template.where) or 1
    draw_budget = min(draw_budget, max(EARLY_DRAWS, WORK_BUDGET // per_draw))
    stopped = False
    cards = _cards()
    distinct: dict[tuple, list[Mapping[str, Any]]] = {}  # (prompt, options) → parameters of each instance
    keyed_longest = 0
    sightings = _Sightings()  # instances checked so far, to find a repeat's findings
    compiled: dict[Any, Any] = {}  # formula trees compiled once per template
    for seed in range(first_seed, first_seed + seeds):
        if deadline is not None and clock() > deadline:
            add("budget", f"checking stopped after {time_budget:g} s at seed {seed}, with "
                          f"{seed - first_seed} of {seeds} seeds done: generating and grading are too slow",
                seed)
            break
        # Until a draw has been accepted, spend only the early budget; afterwards never more than the
        # budget beyond which the acceptance is known to be too low.
        limit = EARLY_DRAWS if report.generated == 0 else draw_budget
        tries = max(1, min(MAX_TRIES, limit - report.draws))
        try:
            inst = generate(template, seed, max_tries=tries)
        except GenerationError as exc:
            report.draws += exc.draws or 1
            line = exc.line or template.lines.get("where" if exc.field == "where" else "answer")
            add(exc.kind, exc.message, seed, line)
            if exc.constant:
                stopped = True
                if exc.field == "where":
                    add("constraints", "a constraint reads no random parameter and is false: "
                                       "checking stopped", line=line)
                break
            if exc.draws and report.draws >= limit:
                stopped = True
                if report.generated == 0:
                    add("constraints", f"no draw succeeded in the first {report.draws} draws: checking stopped",
                        line=line)
                elif report.draws >= DRAWS_PER_SEED * seeds:
                    add("constraints", f"{report.draws} draws for {report.generated} instance(s): acceptance "
                                       f"is under {MIN_ACCEPTANCE:.0%}; checking stopped", line=line)
                else:
                    add("budget", f"{report.draws} draws of {per_draw} units each for {report.generated} "
                                  f"instance(s): generation costs too much work; checking stopped", line=line)
                break
            continue
        report.generated += 1
        report.draws += inst.draws
        # Without parameters every seed is the same problem (only the formula test points differ),
        # so the expensive proofs run on the first seeds only.
        early = seed - first_seed < STATIC_GRADED_SEEDS
        thorough = bool(template.params) or early
        sighting, earlier = sightings.see(inst, thorough, early)
        if measure:
            # The same parameters perform the same computations (a formula answer is measured at a
            # point drawn from the seed, so always afresh: see `_Sighting.per_seed`).
            performed = earlier.performed if earlier is not None else None
            if performed is None:
                performed = performed_key(template, inst)
                if sighting is not None and not sighting.per_seed:
                    sighting.performed = performed
            report.performed[performed] = report.performed.get(performed, 0) + 1
        found = earlier.found if earlier is not None else None
        repeat = found is not None
        if found is None:
            mistakes = seed - first_seed < mistake_seeds or not getattr(grader, "skips_mistakes", False)
            found = _seed_findings(template, inst, thorough, cards, grader, compiled, mistakes)
            if sighting is not None:
                sighting.found = found
        checked, graded = found
        for kind, message, line in checked:
            add(kind, message, seed, line)
        if not repeat:  # a repeat is counted already
            shown = (inst.prompt, tuple(sorted(inst.answer.options)) if inst.answer.type == "choice" else ())
            distinct.setdefault(shown, []).append(inst.params)
        if inst.answer.type == "choice":
            keyed_longest += _tally_choice(report, inst.answer)
        if seed - first_seed < 3 and generate(template, seed).to_dict() != inst.to_dict():
            add("determinism", "the same seed gave two different instances", seed)
        for kind, message, line in graded:
            add(kind, message, seed, line)
        for observer in observers:
            for kind, message, line in observer(template, inst):
                add(kind, message, seed, line)
    # Instances are told apart by what they show and, where that is the same, by their parameters
    # as text, worked out only then: most prompts are shown by one instance alone.
    report.distinct = sum(1 if len(params) == 1 else len(set(map(_fingerprint, params)))
                          for params in distinct.values())
    if report.generated:
        _variety_findings(template, report, keyed_longest, add)
    if not stopped and report.draws and report.acceptance < MIN_ACCEPTANCE:
        add("constraints", f"constraints accepted only {report.acceptance:.2%} of draws "
                           f"(at least {MIN_ACCEPTANCE:.0%} needed)", line=template.lines.get("where"))
    for kind, n in counts.items():
        if n > MAX_FINDINGS_PER_KIND:
            severity = next(f.severity for f in report.findings if f.kind == kind)  # a warning's tail warns
            report.findings.append(Finding(template.id, template.path, None, kind,
                                           f"… and {n - MAX_FINDINGS_PER_KIND} more like this", None, severity))
    return report


_Found = tuple[str, str, "int | None"]


def _seed_findings(template: Template, inst: Instance, thorough: bool, cards: Mapping[str, Any],
                   grader: Grader | None, compiled: dict[Any, Any], mistakes: bool = True
                   ) -> tuple[list[_Found], list[_Found]]:
    """The built-in findings about one instance: (the instance's own checks, the self-grading).

    An instance seen before reuses these (see `check_template`): the first sighting is the most
    thorough, since mistakes are graded on the first seeds."""
    shown = front(inst, template, cards)
    checked = [*_instance_findings(template, inst, thorough, compiled), *leak_findings(template, inst, shown),
               *truth_findings(template, inst)]
    graded = [] if grader is None or not thorough else list(grader(inst) if mistakes else grader(inst, mistakes=False))
    return checked, graded


class _Sighting:
    """One instance checked, with what was found about it (filled in by `check_template`).
    `per_seed`: a formula answer, whose weights are measured at a point drawn from the seed."""

    __slots__ = ("inst", "thorough", "_key", "found", "performed", "per_seed")

    def __init__(self, inst: Instance, thorough: bool, per_seed: bool = False):
        self.inst, self.thorough, self.per_seed = inst, thorough, per_seed
        self._key: bytes | None | bool = False  # False: not worked out yet
        self.found: tuple[list[_Found], list[_Found]] | None = None
        self.performed: str | None = None

    def key(self) -> bytes | None:
        if self._key is False:
            self._key = _content_key(self.inst, self.thorough)
        return self._key  # type: ignore[return-value]


class _Sightings:
    """The instances of one template checked so far, to tell a repeat (equal `_content_key`).

    Instances are grouped by what any repeat shares with its first sighting (the prompt and the
    displayed answer), and the exact key, a pickle of the whole instance, is worked out only within
    a group of two or more: most instances have a prompt of their own and are never pickled.
    Formula instances are keyed by `_formula_key` instead.
    """

    def __init__(self) -> None:
        self.groups: dict[tuple, list[_Sighting]] = {}
        self.formulas: dict[tuple, _Sighting] = {}

    def see(self, inst: Instance, thorough: bool, early: bool = False
            ) -> tuple[_Sighting | None, _Sighting | None]:
        """(this instance's sighting, to fill in, or None when its findings are not to be reused;
        the earlier sighting of an equal instance, or None). `early`: one of the template's first
        seeds, on which a formula instance is proven at its own test points even when it repeats."""
        ans = inst.answer
        if ans.type == "formula" or any(p.type == "formula" for p in ans.parts):
            key = _formula_key(inst, thorough)
            if key is None:
                return None, None
            earlier = self.formulas.get(key)
            if earlier is None:
                sighting = self.formulas[key] = _Sighting(inst, thorough, per_seed=True)
                return sighting, None
            return None, (None if early else earlier)
        group = self.groups.setdefault((thorough, inst.prompt, ans.display), [])
        sighting = _Sighting(inst, thorough)
        if group:
            key = sighting.key()
            if key is not None:
                for earlier in group:
                    if earlier.key() == key:
                        return None, earlier
        group.append(sighting)
        return sighting, None


def _content_key(inst: Instance, thorough: bool) -> bytes | None:
    """What the findings of an instance depend on, exactly (floats to the bit), or None when they
    depend on the seed too: a formula answer is graded at points drawn from the seed."""
    ans = inst.answer
    if ans.type == "formula" or any(p.type == "formula" for p in ans.parts):
        return None
    try:
        return pickle.dumps((thorough, inst.title, inst.prompt, inst.hint, inst.equation, tuple(inst.params.items()),
                             ans, inst.mistakes), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):  # an exotic value: check it afresh
        return None


def _formula_key(inst: Instance, thorough: bool) -> tuple | None:
    """What the findings of a formula instance depend on besides its seed's test points, exactly, or
    None when a parameter is not a plain value (`exact_key`).

    Its trees and variables are the template's own objects, shared by every seed and alive as long
    as the instances holding them, so their identities stand for them; everything else the
    findings read (texts, parameters, each part's value and precision) is keyed by value.
    """
    params = exact_key(inst.params, tuple(inst.params))
    if params is None:
        return None
    ans = inst.answer
    answers = []
    for part in (ans.parts or (ans,)):
        value = id(part.value) if part.type == "formula" else exact_key({"v": part.value}, ("v",))
        if value is None:
            return None
        answers.append((part.type, part.display, value, id(part.variables), part.rtol, part.atol, part.sigfigs,
                        part.decimals, part.percent, part.unit, part.label, part.sample_size, part.options))
    mistakes = []
    for m in inst.mistakes:
        value = id(m.value) if isinstance(m.value, TreeNode) else exact_key({"v": m.value}, ("v",))
        if value is None:
            return None
        mistakes.append((m.id, m.message, value, m.option, m.part))
    return (thorough, inst.title, inst.prompt, inst.hint, inst.equation, tuple(inst.params), params,
            tuple(answers), tuple(mistakes))


def _cards() -> Mapping[str, Any]:
    from trainer.core.solvers.equations import equations

    try:
        return equations()
    except Exception:  # a broken solver module is reported elsewhere; leaks are then checked without cards
        return {}


def _fingerprint(params: Mapping[str, Any]) -> tuple:
    """The drawn parameters as hashable text (two instances with equal prompts may differ in them)."""
    from trainer.core.templates.text import fmt

    return tuple((k, fmt(v)) for k, v in params.items())


def _tally_choice(report: Report, answer: Any) -> int:
    """Count where the key was shown and how its length ranks; 1 if it is strictly the longest."""
    n = len(answer.options)
    if len(report.positions) < n:
        report.positions.extend([0] * (n - len(report.positions)))
        report.length_ranks.extend([0] * (n - len(report.length_ranks)))
    report.positions[answer.correct] += 1
    keyed = len(answer.options[answer.correct])
    rank = sum(1 for o in answer.options if len(o) > keyed)
    report.length_ranks[rank] += 1
    return int(rank == 0 and sum(1 for o in answer.options if len(o) == keyed) == 1)


def _variety_findings(template: Template, report: Report, keyed_longest: int,
                      add: Callable[..., None]) -> None:
    need = max(2, -(-MIN_DISTINCT * min(report.generated, VARIETY_SEEDS) // VARIETY_SEEDS))
    if report.distinct < need and not template.small_space:
        add("variety", f"only {report.distinct} distinct instance(s) in {report.generated} seeds (at least "
                       f"{need} needed): draw from wider ranges, or declare `small_space: true` if the "
                       "problem is meant to recur", line=template.lines.get("params", template.lines.get("id")))
    if template.answer.type == "choice" and keyed_longest > LONGEST_SHARE * report.generated:
        add("longest-option", f"the keyed option is the longest one in {keyed_longest} of {report.generated} "
                              "seeds: a learner can guess it by its length; trim it or lengthen a distractor",
            line=template.lines.get("answer"))


def duplicate_ids(checked: Mapping[str, Any], whole: Mapping[str, Any]) -> list[Finding]:
    """Templates being checked whose id another file of the whole bank already uses.

    Args:
        checked: id → template for the files named on the command line.
        whole: id → template for every folder in use (bundled, user, `--problems`).

    Returns:
        One "duplicate-id" finding per clash, at the checked file's `id` line.
    """
    out = []
    for tid, template in checked.items():
        other = whole.get(tid)
        if other is None or other.path is None or template.path is None:
            continue
        if Path(other.path).resolve() != Path(template.path).resolve():
            out.append(Finding(tid, template.path, template.lines.get("id"), "duplicate-id",
                               f"id '{tid}' is already used by {other.path}; progress is keyed on the id, "
                               "so give this template its own"))
    return out


def _instance_findings(template: Template, inst: Instance, thorough: bool = True,
                       compiled: dict[Any, Any] | None = None
                       ) -> Iterable[tuple[str, str, int | None]]:
    ans = inst.answer
    line = template.lines.get("answer")
    parts = ans.parts if ans.type == "multi" else (ans,)
    stated = _precision_mismatch(inst.prompt, ans)
    if stated:
        yield "precision-mismatch", stated, template.lines.get("prompt")
    for part in parts:
        if part.type in ("choice", "formula"):
            continue
        arr = np.asarray(part.value, dtype=float)
        if not np.isfinite(arr).all():
            yield "non-finite", f"answer {part.label or ''} is not finite: {part.display}".replace("  ", " "), line
            return
        if part.type == "direction" and not np.any(arr):
            yield "degenerate", "a direction answer is the zero vector", line
        if part.type == "set" and arr.size > 1:
            s = np.sort(arr)
            if np.any(np.isclose(s[1:], s[:-1], rtol=part.rtol, atol=max(part.atol, 1e-9))):
                yield "degenerate", f"the set answer has repeated values {part.display}", line
    if ans.type == "choice" and len(set(ans.options)) != len(ans.options):
        yield "degenerate", "two options render to the same text", line
    if ans.type == "formula":
        if thorough:
            yield from _formula_findings(template, inst, {} if compiled is None else compiled)
        return
    for mistake, spec in zip(inst.mistakes, template.mistakes):
        if mistake.option is not None:
            continue
        target = ans.parts[mistake.part] if mistake.part is not None else ans
        if same_value(target, mistake.value):
            yield "mistake-equals-answer", f"mistake '{mistake.id}' equals the answer ({target.display})", spec.line


_STATED_PRECISION = re.compile(r"\b(\d+) (significant figures?|decimal places?)\b")


def _precision_mismatch(prompt: str, ans: Any) -> str:
    """A message when the prompt asks for a precision the answer bar does not state, else "".

    The answer bar states the precision the grader applies; a prompt sentence that asks for another
    ("4 significant figures" over a 3-figure answer) tells the learner one thing and grades another.
    """
    if "significant figure" not in prompt and "decimal place" not in prompt:
        return ""  # what the pattern needs, looked for without it (most prompts state no precision)
    from trainer.core.grading.precision import precision_text

    bar = None  # worked out only for a prompt that states a precision (few do)
    for m in _STATED_PRECISION.finditer(prompt):
        if bar is None:
            bar = precision_text(ans)
        digits = int(m.group(1))
        wanted = (f"{digits} significant figure" if m.group(2).startswith("significant")
                  else f"to {10.0 ** -digits:.{digits}f}" if digits > 0 else "to 1")
        if wanted not in bar:
            return (f"the prompt asks for {m.group(0)} but the answer states "
                    f"{bar or 'no precision'}: set sigfigs:/decimals: or drop the sentence")
    return ""


def same_value(answer: Any, value: Any) -> bool:
    """Whether `value` would be accepted for `answer`: the grader's own value check, so a mistake
    that the grader cannot tell from the answer (at its stated precision; integers exactly) is found."""
    accepts = _ACCEPTS or _grading_accepts()
    if type(value) is float:  # most mistakes are one number: its finiteness without NumPy's calls
        if not math.isfinite(value):
            return False
        return accepts(answer.type, answer, answer.value, np.asarray(value, dtype=float))
    try:
        b = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return False
    if not np.isfinite(b).all():
        return False
    return accepts(answer.type, answer, answer.value, b)


#: `trainer.core.grading.checks.accepts`, imported on the first `same_value` (an import statement
#: run on every call cost a fifth of it).
_ACCEPTS: Callable[..., bool] | None = None


def _grading_accepts() -> Callable[..., bool]:
    global _ACCEPTS
    from trainer.core.grading.checks import accepts

    _ACCEPTS = accepts
    return accepts


def _formula_findings(template: Template, inst: Instance,
                      compiled: dict[Any, Any]) -> Iterable[tuple[str, str, int | None]]:
    with np.errstate(all="ignore"):  # once for the ~100 evaluations below, not once per evaluation
        return list(_formula_point_findings(template, inst, compiled))


def _formula_point_findings(template: Template, inst: Instance,
                            compiled: dict[Any, Any]) -> Iterable[tuple[str, str, int | None]]:
    ans = inst.answer
    points = seeded_points(ans, inst.seed, FORMULA_POINTS)  # np.random.default_rng(inst.seed)'s draws
    trees = (ans.value, *(m.value for m in inst.mistakes))
    plan = _shared_plan(trees, compiled)
    fns = plan.at_points(points)  # per tree, per point: the closure to evaluate there
    try:
        ref_values = [_point_value(fn(p)) for fn, p in zip(fns[0], points)]
    except EvalError as exc:
        yield "formula", f"the reference formula fails at a test point: {exc}", template.lines.get("answer")
        return
    if not all(math.isfinite(v) if type(v) is float else np.isfinite(v).all() for v in ref_values):
        yield "non-finite", "the reference formula is not finite on its declared domain", template.lines.get("answer")
        return
    rtol, atol = ans.rtol, max(ans.atol, 1e-12)
    for k, (mistake, spec) in enumerate(zip(inst.mistakes, template.mistakes), start=1):
        try:
            values = [_point_value(fn(p)) for fn, p in zip(fns[k], points)]
        except EvalError as exc:
            yield "formula", f"mistake '{mistake.id}' fails at a test point: {exc}", spec.line
            continue
        if all(_point_close(v, r, rtol, atol) for v, r in zip(values, ref_values)):
            yield "mistake-equals-answer", f"mistake '{mistake.id}' is the same formula as the answer", spec.line


#: The names a shared subtree's value is kept under in a test point (no expression can name them).
_SLOT = "\x00shared"
#: Nodes never worth sharing (a lookup or a literal) or that mean something only in place (a slice).
_UNSHARED = (Num, Str, Name, Slice)


class _SharedPlan:
    """The reference and mistake trees of a formula template, with the subtrees they repeat (across
    trees or within one: `softmax(Q @ T(K))` in four trees, `sigmoid(x)` twice in one) computed once
    per test point.

    Each repeated subtree (equal printed form: the same nodes and number types, so the same value at
    the same point, the whitelist holding pure functions) is worked out first into a slot of the
    point, and the trees read the slot instead. A point where working out a slot fails in any way
    is evaluated with the original trees, so every failure is met where and as it was without sharing.
    """

    def __init__(self, trees: tuple[Any, ...]):
        self.trees = trees
        self.plain = [compile_node(t, guard=False) for t in trees]
        counts: dict[str, int] = {}
        for t in trees:
            _count_subtrees(t, counts)
        shared = {key for key, n in counts.items() if n > 1}
        self.slots: list[tuple[str, Callable]] = []
        names: dict[str, str] = {}
        rewritten = [_rewrite(t, shared, names, self.slots) for t in trees]
        self.shared = [compile_node(t, guard=False) for t in rewritten] if self.slots else self.plain

    def at_points(self, points: list[dict[str, Any]]) -> list[list[Callable]]:
        """Fill each point's slots; per tree, the closure to run at each point (the original one where
        a slot failed)."""
        if not self.slots:
            return [[fn] * len(points) for fn in self.plain]
        ok = []
        for p in points:
            try:
                for name, fn in self.slots:
                    p[name] = fn(p)
                ok.append(True)
            except Exception:  # noqa: BLE001 - met again, as it was, by the original trees
                ok.append(False)
        return [[s if good else o for good in ok] for s, o in zip(self.shared, self.plain)]


def _count_subtrees(node: Any, counts: dict[str, int]) -> None:
    if isinstance(node, TreeNode):
        if not isinstance(node, _UNSHARED):
            key = repr(node)
            counts[key] = counts.get(key, 0) + 1
        for f in node._fields:
            _count_subtrees(getattr(node, f), counts)
    elif isinstance(node, tuple):
        for item in node:
            _count_subtrees(item, counts)


def _rewrite(node: Any, shared: set[str], names: dict[str, str], slots: list[tuple[str, Callable]]) -> Any:
    """`node` with each shared subtree read from its slot; a slot's own tree (its inner shared
    subtrees read from theirs) is appended to `slots` after theirs, so slots fill in order."""
    if isinstance(node, tuple):
        return tuple(_rewrite(item, shared, names, slots) for item in node)
    if not isinstance(node, TreeNode) or isinstance(node, _UNSHARED):
        return node
    inner = type(node)(*(_rewrite(getattr(node, f), shared, names, slots) for f in node._fields))
    key = repr(node)
    if key not in shared:
        return inner
    name = names.get(key)
    if name is None:
        name = names[key] = f"{_SLOT}{len(names)}"
        slots.append((name, compile_node(inner, guard=False)))
    return Name(name)


def _shared_plan(trees: tuple[Any, ...], cache: dict[Any, Any]) -> _SharedPlan:
    """`_SharedPlan(trees)`, once per template (every seed evaluates the template's same trees)."""
    key = tuple(map(id, trees))
    hit = cache.get(key)
    if hit is None or any(a is not b for a, b in zip(hit[0], trees)):
        hit = cache[key] = (trees, _SharedPlan(trees))
    return hit[1]


def _point_value(value: Any) -> float | np.ndarray:
    """A formula's value at a test point: a float as a plain float (most formulas are scalar), any
    other value as `np.asarray(value, dtype=float)`, the array a float would make too."""
    if type(value) is float or type(value) is np.float64:
        return float(value)
    return np.asarray(value, dtype=float)


def _point_close(v: float | np.ndarray, r: float | np.ndarray, rtol: float, atol: float) -> bool:
    """`v.shape == r.shape and np.allclose(v, r, rtol=rtol, atol=atol)` for a finite reference value
    `r`, of two plain floats (see `_point_value`) in plain float arithmetic: for a finite `r`,
    `isclose` is exactly `|v − r| <= atol + rtol·|r|` (its `v == r` alternative then holds only
    where that does, as atol > 0), and an inf or nan `v` fails it as it fails `isclose`."""
    if type(v) is float and type(r) is float:
        return abs(v - r) <= atol + rtol * abs(r)
    v, r = np.asarray(v, dtype=float), np.asarray(r, dtype=float)
    return v.shape == r.shape and bool(np.allclose(v, r, rtol=rtol, atol=atol))


def grading_hook() -> Grader | None:
    """Self-grading through the real grader, when it is installed (None otherwise).

    Returns:
        hook(instance, mistakes=True): grades the typed answer and, unless `mistakes` is False, the
        typed form of every listed mistake; yields a "self-grade" finding for each that grades
        otherwise than meant.
    """
    try:
        from trainer.core.grading.grader import answer_text, grade
    except ImportError:
        return None

    def hook(inst: Instance, mistakes: bool = True) -> Iterable[tuple[str, str, int | None]]:
        text = answer_text(inst)
        verdict = grade(inst, text)
        if not verdict.correct:
            why = verdict.error.message if verdict.error else verdict.feedback
            yield "self-grade", f"its own answer {text!r} grades as wrong: {why}", None
        for m in inst.mistakes if mistakes else ():
            text = answer_text(inst, m)
            verdict = grade(inst, text)
            got = verdict.diagnosis.id if verdict.diagnosis else ("correct" if verdict.correct else "no diagnosis")
            if verdict.correct or got != m.id:
                yield "self-grade", f"mistake '{m.id}' typed as {text!r} grades as {got}", None

    hook.skips_mistakes = True  # type: ignore[attr-defined]
    return hook
