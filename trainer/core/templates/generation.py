"""Instances: a template plus a seed becomes one concrete problem with its answer and slips.

Core layer. `generate(template, seed)` is a pure function of its arguments: the seed makes a
`numpy.random.Generator` (PCG64, the same stream on every machine), parameters are drawn in order,
constraints redraw all of them within a fixed budget, and the answer, each mistake, the prompt, hint
and worked solution are evaluated from the same environment.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from trainer.core._memo import ByIdentity
from trainer.core.language.evaluate import shared_calls
from trainer.core.language.nodes import CONSTANTS, EvalError, TreeNode
from trainer.core.language.printing import to_text
from trainer.core.templates.text import fmt
from trainer.core.templates.samplers import (MAX_LEN, DrawError, FloatSampler, MatrixSampler, Sampler, VectorSampler,
                                             _entry_range, _real, _whole)
from trainer.core.templates.spec import MAX_TRIES, AnswerSpec, Template

LETTERS = "ABCDEFGH"


# Scalar-draw units (a retried matrix counts every try) plus constraint tests per instance: about
# 0.2 s of work at most, so a thread generating for the TUI always finishes promptly.
MAX_WORK = 20_000


class GenerationError(ValueError):
    """A template that cannot produce an instance for this seed.

    `field` names the culprit ("where", a parameter, "answer", ...), `line` its line when known,
    `draws` how many tries were spent, `kind` the finding `check` files it under ("generate" or
    "non-finite"), and `constant` says that every seed fails the same way (the failure
    depends on no random draw), so trying other seeds is pointless.
    """

    def __init__(self, message: str, field: str | None = None, draws: int = 0, *, line: int | None = None,
                 kind: str = "generate", constant: bool = False):
        super().__init__(message)
        self.message = message
        self.field = field
        self.draws = draws
        self.line = line
        self.kind = kind
        self.constant = constant


@dataclass(frozen=True)
class Answer:
    """The expected answer of one instance, with everything the grader needs to check it.

    `value` is a number or array (number, integer, vector, matrix, set, direction), the correct option
    text (choice), the reference tree (formula) or None (multi: see `parts`). `display` is how the
    expected answer is shown, in a form the answer parser reads back.
    """

    type: str
    value: Any
    display: str
    rtol: float
    atol: float
    sigfigs: int | None = None
    percent: bool = False
    options: tuple[str, ...] = ()
    correct: int = 0  # 0-based index in the options as shown
    parts: tuple[Answer, ...] = ()
    label: str = ""
    variables: tuple[tuple[str, Sampler], ...] = ()
    env: Mapping[str, Any] = field(default_factory=dict)
    decimals: int | None = None
    unit: str = ""
    sample_size: int | None = None

    @property
    def precision_text(self) -> str:
        """The stated precision ("3 significant figures", "to 0.01"; "" for non-numeric answers)."""
        from trainer.core.grading.precision import precision_text  # grading reads templates' answers

        return precision_text(self)

    def sample_points(self, rng: np.random.Generator, count: int) -> list[dict[str, Any]]:
        """Draw `count` admissible points for a formula answer (each variable from its domain).

        Args:
            rng: the caller's generator (seed it from the instance for reproducible grading).
            count: number of points.

        Returns:
            Environments mapping the instance's parameters and each variable to a value.
        """
        plan = _BULK.get(self.variables, _bulk_plan)
        if plan is not None and count >= _BULK_FROM and _uniform_is_affine():
            state = rng.bit_generator.state if _redraws(plan) else None
            points = _bulk_points(plan, self.env, count, lambda n: rng.random((count, n)), rng)
            if points is not None:
                return points
            if state is not None:
                rng.bit_generator.state = state  # drawing one by one starts where the bulk draw did
        points = []
        for _ in range(count):
            env = dict(self.env)
            for name, sampler in self.variables:
                env[name] = sampler.draw(rng, env)
            points.append(env)
        return points

    @property
    def variable_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.variables)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "display": self.display}
        if self.type == "formula":
            out["value"] = self.display
            out["variables"] = list(self.variable_names)
        elif self.type == "multi":
            out["parts"] = [p.to_dict() for p in self.parts]
        elif self.type == "choice":
            out["value"] = LETTERS[self.correct]
            out["options"] = list(self.options)
        else:
            out["value"] = jsonable(self.value)
        if self.type in ("number", "vector", "matrix", "set", "direction", "formula"):
            out["rtol"], out["atol"] = self.rtol, self.atol
        if self.sigfigs:
            out["sigfigs"] = self.sigfigs
        if self.percent:
            out["percent"] = True
        if self.decimals is not None:
            out["decimals"] = self.decimals
        if self.unit:
            out["unit"] = self.unit
        if self.type in ("number", "vector", "matrix", "set", "direction"):
            out["precision"] = self.precision_text
        if self.label:
            out["label"] = self.label
        return out


# `Answer.sample_points` for variables that draw only uniform floats (float samplers without a step,
# float-entry vectors, float-entry matrices without a property) from bounds that no variable of the
# point sets, plus values computed from the others (expr, value). Each of those draws takes one
# `rng.uniform(low, high)` per number, in order, from bounds that are the same at every point: low +
# (high - low) · the next double of the stream (`_uniform_is_affine`). All of the points' doubles
# drawn at once, row after row, make the same numbers by the same arithmetic; rounded as each
# sampler rounds them (`round` for a float, `ndarray.round` for an array) they are the very values
# the samplers draw one by one, at a fraction of the per-draw overhead.
_FLOAT, _VECTOR, _MATRIX, _COMPUTED = range(4)
_BULK_FROM = 4  # points per call; fewer are drawn one by one (the bulk set-up costs about 3 draws)
_BULK: ByIdentity[tuple | None] = ByIdentity(256)


#: Bound pairs `_uniform_is_affine` tries: enough that a fused multiply-add would show (it rounds
#: differently on a large share of such pairs), few enough that the first formula a learner types
#: does not wait for the probe (4,096 pairs took 15 ms; these take 1 ms).
_PROBES = 128


@cache
def _uniform_is_affine() -> bool:
    """Whether this NumPy's `rng.uniform(low, high)` is `low + (high - low) * rng.random()` to the
    bit, as its C code writes it (a build that fused the multiply-add would round differently):
    tried once on bounds of every magnitude, before any point is drawn in bulk."""
    rng = np.random.Generator(np.random.PCG64(20_24))
    low = rng.uniform(-1.0, 1.0, _PROBES) * 10.0 ** rng.integers(-6, 7, _PROBES)
    high = low + rng.uniform(0.0, 1.0, _PROBES) * 10.0 ** rng.integers(-6, 7, _PROBES)
    state = rng.bit_generator.state
    one_by_one = [rng.uniform(lo, hi) for lo, hi in zip(low.tolist(), high.tolist())]
    rng.bit_generator.state = state
    return (low + (high - low) * rng.random(_PROBES)).tolist() == one_by_one


def _bulk_plan(variables: tuple[tuple[str, Sampler], ...]) -> tuple | None:
    """(kind, name, sampler) for each variable, or None when one draws otherwise (`_bulk_points`)."""
    names = {name for name, _ in variables}
    if names & CONSTANTS.keys():
        return None  # a bound reading `e` or `pi` would read such a variable, which `names` hides
    plan = []
    for name, sampler in variables:
        t = type(sampler)
        if not sampler.random:
            plan.append((_COMPUTED, name, sampler))
            continue
        if sampler.names & names:
            return None  # bounds that change from point to point
        if t is FloatSampler and sampler.step is None and sampler.decimals is not None:
            plan.append((_FLOAT, name, sampler))
        elif t is VectorSampler and sampler.entry_kind == "float":
            plan.append((_VECTOR, name, sampler))
        elif t is MatrixSampler and sampler.entry_kind == "float" and sampler.property is None:
            plan.append((_MATRIX, name, sampler))
        else:
            return None
    if all(kind == _COMPUTED for kind, _, _ in plan):
        return None
    return tuple(plan)


def _redraws(plan: tuple) -> bool:
    """Whether a bulk draw of `plan` may have to be undone (a nonzero vector that drew a zero)."""
    return any(kind == _VECTOR and s.nonzero for kind, _, s in plan)


def _bulk_points(plan: tuple, base: Mapping[str, Any], count: int, doubles: Any,
                 rng: np.random.Generator | None) -> list[dict[str, Any]] | None:
    """The points `sample_points` draws, from `doubles(n)`: the stream's next `count` × n doubles as
    `count` rows (see `_bulk_plan`). None, with nothing drawn, when a bound fails its sampler's checks
    (drawing one by one then meets the failure as it was), or when a nonzero vector drew a zero."""
    lows: list[float] = []
    highs: list[float] = []
    drawn = []  # (kind, name, first column, columns, array shape, sampler)
    try:
        for kind, name, s in plan:
            if kind == _FLOAT:
                lo, hi = _real(s.lo.run(base), "float range low"), _real(s.hi.run(base), "float range high")
                if lo > hi or not math.isfinite(hi - lo):
                    return None
                drawn.append((kind, name, len(lows), 1, (), s))
                lows.append(lo)
                highs.append(hi)
                continue
            if kind == _COMPUTED:
                drawn.append((kind, name, 0, 0, (), s))
                continue
            if kind == _VECTOR:
                n = s._n or _whole(s.n.run(base), "vector length", 1, MAX_LEN)
                shape: tuple[int, ...] = (n,)
            else:
                shape = s._static_shape or s._shape(base)
                n = shape[0] * shape[1]
            lo, hi = s._range or _entry_range(s.entry_kind, s.bounds, base)
            drawn.append((kind, name, len(lows), n, shape, s))
            lows.extend([lo] * n)
            highs.extend([hi] * n)
    except Exception:  # noqa: BLE001 - met again, as it was, by drawing one by one
        return None
    if count < _BULK_FROM and rng is None:
        return _few_points(drawn, base, count, lows, highs, doubles(len(lows)))
    low = np.array(lows)
    numbers = low + (np.array(highs) - low) * doubles(len(lows))
    columns: list[tuple[str, Any]] = []
    computed = False
    for kind, name, first, width, shape, s in drawn:
        if kind == _FLOAT:
            columns.append((name, [round(v, s.decimals) for v in numbers[:, first].tolist()]))
        elif kind == _COMPUTED:
            columns.append((name, s))
            computed = True
        else:
            block = numbers[:, first:first + width].round(s.decimals)  # as `ndarray.round` rounds one draw
            if kind == _VECTOR and s.nonzero and not (block != 0).all():
                return None  # a vector redrawn: the one-by-one draws take another course
            columns.append((name, list(block.reshape(count, *shape))))
    points = []
    if not computed:
        names = tuple(name for name, _ in columns)
        for row in zip(*(values for _, values in columns)):
            env = dict(base)
            env.update(zip(names, row))
            points.append(env)
        return points
    for i in range(count):
        env = dict(base)
        for name, values in columns:
            env[name] = values[i] if type(values) is list else values.draw(rng, env)  # (an expr draws nothing)
        points.append(env)
    return points


def _few_points(drawn: list, base: Mapping[str, Any], count: int, lows: list[float], highs: list[float],
                doubles: np.ndarray) -> list[dict[str, Any]] | None:
    """`_bulk_points` for a point or two, in Python floats where a variable is one number: the same
    low + (high - low) · u, each operation rounded once as NumPy rounds it, without NumPy's per-call cost."""
    flat = doubles.ravel()
    numbers = flat.tolist()
    width = len(lows)
    points = []
    for i in range(count):
        env = dict(base)
        at = i * width
        for kind, name, first, n, shape, s in drawn:
            if kind == _FLOAT:
                lo = lows[first]
                env[name] = round(lo + (highs[first] - lo) * numbers[at + first], s.decimals)
            elif kind == _COMPUTED:
                env[name] = s.draw(None, env)  # an expr or a value draws nothing
            else:
                lo = lows[first]
                value = (lo + (highs[first] - lo) * flat[at + first:at + first + n]).round(s.decimals)
                if kind == _VECTOR and s.nonzero and not (value != 0).all():
                    return None
                env[name] = value if kind == _VECTOR else value.reshape(shape)
        points.append(env)
    return points


#: The first doubles of `np.random.default_rng(seed)`'s stream, by seed (read-only arrays).
_DOUBLES: dict[int, np.ndarray] = {}


def _seed_doubles(seed: int, n: int) -> np.ndarray:
    have = _DOUBLES.get(seed)
    if have is None or len(have) < n:
        rng = seeded_rng(seed)
        have = rng.random(max(n, 256))  # a longer stream starts with the shorter one's doubles
        release_rng(rng)
        have.flags.writeable = False
        if len(_DOUBLES) >= 4096:
            _DOUBLES.clear()
        _DOUBLES[seed] = have
    return have


def seeded_points(answer: Answer, seed: int, count: int) -> list[dict[str, Any]]:
    """The first `count` points `np.random.default_rng(seed)` draws for a formula answer (or part):
    `answer.sample_points(np.random.default_rng(seed), count)`, the seed's doubles kept from one
    call to the next where the points take uniform floats alone (`_bulk_plan`; `check` draws the
    same 200 seeds' points for every formula template).

    Args:
        answer: a formula answer, or a formula part of a multi answer.
        seed: the seed.
        count: number of points.

    Returns:
        Environments mapping the instance's parameters and each variable to a value.
    """
    plan = _BULK.get(answer.variables, _bulk_plan)
    if plan is not None and count > 0 and type(seed) is int and seed >= 0 and _uniform_is_affine():
        points = _bulk_points(plan, answer.env, count,
                              lambda n: _seed_doubles(seed, count * n)[:count * n].reshape(count, n), None)
        if points is not None:
            return points
    rng = seeded_rng(seed)
    try:
        return answer.sample_points(rng, count)
    finally:
        release_rng(rng)


@dataclass(frozen=True)
class Mistake:
    """One anticipated slip of this instance: what it produces and the message that explains it."""

    id: str
    message: str
    value: Any = None  # number/array, or a formula tree
    option: int | None = None  # 0-based index in the options as shown
    part: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "message": self.message}
        if self.option is not None:
            out["option"] = LETTERS[self.option]
        elif isinstance(self.value, (tuple, TreeNode)):
            out["value"] = to_text(self.value)
        else:
            out["value"] = jsonable(self.value)
        if self.part is not None:
            out["part"] = self.part + 1
        return out


@dataclass(frozen=True)
class Instance:
    """One concrete problem: a pure function of (template, seed)."""

    template_id: str
    seed: int
    title: str
    topic: str
    equation: str
    kind: str
    params: Mapping[str, Any]
    prompt: str
    answer: Answer
    mistakes: tuple[Mistake, ...]
    solution: str
    hint: str | None
    draws: int = 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (what `trainer preview --json` prints)."""
        return {
            "id": self.template_id, "seed": self.seed, "title": self.title, "topic": self.topic,
            "equation": self.equation, "kind": self.kind,
            "params": {k: jsonable(v) for k, v in self.params.items()},
            "prompt": self.prompt, "answer": self.answer.to_dict(),
            "mistakes": [m.to_dict() for m in self.mistakes],
            "hint": self.hint, "solution": self.solution,
        }


def jsonable(value: Any) -> Any:
    """NumPy values to plain Python for JSON (non-finite floats become strings)."""
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def generate(template: Template, seed: int, *, max_tries: int = MAX_TRIES) -> Instance:
    """Make the instance of `template` for `seed`.

    Args:
        template: a loaded template.
        seed: any non-negative integer; the same seed always gives the same instance.
        max_tries: how many full draws of the parameters to try before giving up (an instance found
            within fewer tries is the same whatever this bound is).

    Returns:
        The instance.

    Raises:
        GenerationError: the constraints were not met within the draw budget (naming the constraint
            that rejected most draws), a parameter cannot be drawn, an expression failed, or the answer
            is not finite (such an instance is never served).
    """
    rng = seeded_rng(seed)
    try:
        return generate_with_rng(template, rng, seed, max_tries=max_tries)
    finally:
        release_rng(rng)


#: seed → the state of `np.random.PCG64(seed)`: seeding (a SeedSequence hashed into the state) cost
#: more than generating a simple instance, and `check` seeds the same 200 seeds for every template.
_SEEDED: dict[int, dict[str, Any]] = {}
_SPARE = threading.local()  # each thread's generators free for reuse (`seeded_rng`, `release_rng`)


def seeded_rng(seed: int) -> np.random.Generator:
    """A generator in the very state of `np.random.default_rng(seed)`, from a pool of the calling
    thread's generators; hand it back with `release_rng` once no draw is to be made from it.

    Args:
        seed: the seed, as `np.random.default_rng` takes it.

    Returns:
        The generator: the same draws as `np.random.default_rng(seed)` would give.
    """
    if type(seed) is not int or seed < 0:
        return np.random.default_rng(seed)
    state = _SEEDED.get(seed)
    if state is None:
        state = np.random.PCG64(seed).state
        if len(_SEEDED) >= 4096:
            _SEEDED.clear()
        _SEEDED[seed] = state
    spare = getattr(_SPARE, "rngs", None)
    rng = spare.pop() if spare else np.random.Generator(np.random.PCG64(0))
    rng.bit_generator.state = state
    return rng


def release_rng(rng: np.random.Generator) -> None:
    """Hand back a generator from `seeded_rng` (the caller keeps no reference to it)."""
    spare = getattr(_SPARE, "rngs", None)
    if spare is None:
        spare = _SPARE.rngs = []
    if len(spare) < 4:
        spare.append(rng)


def generate_with_rng(template: Template, rng: np.random.Generator, seed: int = 0, *,
                      max_tries: int = MAX_TRIES) -> Instance:
    """Like `generate`, drawing from a generator the caller passes in (`seed` is only recorded)."""
    # Template expressions are compiled unguarded; one errstate here covers all of them, so a
    # division by zero yields inf/nan, refused below with its field instead of a warning.
    template = template.resolve()  # a lazily loaded template compiles here, once
    # Constraints, answer, mistakes and text often call the same solver on the same parameters.
    with np.errstate(all="ignore"), shared_calls():
        try:
            return _generate(template, rng, seed, max_tries)
        except GenerationError:
            raise
        except (ArithmeticError, LookupError, TypeError, ValueError) as exc:
            # An expression the validator could not foresee failing: one refused instance, not a crash.
            raise GenerationError(f"{type(exc).__name__}: {exc}", "answer") from None


def _generate(template: Template, rng: np.random.Generator, seed: int, max_tries: int) -> Instance:
    env, draws = _draw_params(template, rng, max_tries)
    answer = _answer(template.answer, env, rng, "answer")
    text_env = dict(env)
    text_env["answer"] = answer.display if template.answer.type in ("formula", "multi", "choice") \
        else answer.value
    mistakes = tuple(_mistake(m, template, answer, env, text_env) for m in template.mistakes)
    try:
        prompt = template.prompt.render(env)
        solution = template.solution.render(text_env)
        hint = template.hint.render(env) if template.hint else None
    except EvalError as exc:
        raise GenerationError(f"text placeholder: {exc}", "prompt") from None
    return Instance(
        template_id=template.id, seed=int(seed), title=template.title, topic=template.topic,
        equation=template.equation, kind=template.kind, params=env, prompt=prompt, answer=answer,
        mistakes=mistakes, solution=solution, hint=hint, draws=draws,
    )


def fixed_names(template: Template) -> frozenset[str]:
    """Parameters whose value is the same on every draw (constants and expressions of constants)."""
    fixed: set[str] = set()
    for name, sampler in template.params:
        if not sampler.random and sampler.names <= fixed:
            fixed.add(name)
    return frozenset(fixed)


def _truth(value: Any) -> bool:
    try:
        return bool(value)
    except (TypeError, ValueError):
        raise EvalError(f"a constraint must be true or false, got a value of shape {np.shape(value)}") from None


_ABSENT = object()


def exact_key(env: Mapping[str, Any], names: tuple[str, ...]) -> tuple | None:
    """The values of `names` in `env` as a key equal only for identical values, or None when one
    of them is not a plain scalar, text or numeric array.

    Each value is keyed with its type (2 and 2.0 and True apart), a float by its bits (`float.hex`:
    -0.0 and 0.0 apart), an array by its dtype, shape and bytes; a name missing from `env` (a
    constant such as pi) keys as missing. Anything computed from these values alone by pure
    functions may be remembered under the key.

    Args:
        env: names to values.
        names: the names read, in a fixed order.

    Returns:
        The key, or None.
    """
    out: list[Any] = []
    for name in names:
        v = env.get(name, _ABSENT)
        t = type(v)
        if t is float or t is np.float64:
            out.append((t, float(v).hex()))
        elif t is int or t is str or t is bool or v is _ABSENT:
            out.append((t, v))
        elif t is np.ndarray and v.dtype.kind in "biuf":
            out.append((v.dtype.str, v.shape, v.tobytes()))
        else:
            return None
    return tuple(out)


class _Outcomes:
    """A constraint's known outcomes: the names it reads (in order; None once remembering stopped
    paying) and {their drawn values (`exact_key`): its outcome}, with how often a test was answered
    from them."""

    __slots__ = ("names", "known", "tests", "hits")

    def __init__(self, constraint: Any):
        self.names: tuple[str, ...] | None = tuple(sorted(constraint.names))
        self.known: dict[tuple, bool] = {}
        self.tests = self.hits = 0


#: Each constraint's `_Outcomes`: on small integer ranges the same values are drawn again and again.
_OUTCOMES: ByIdentity[_Outcomes] = ByIdentity(256)
_OUTCOMES_SIZE = 4096  # outcomes kept per constraint
# After this many tests a constraint whose outcomes were known for fewer than 1 in 8 (values drawn
# from wide or real ranges) is evaluated afresh: keying its values costs more than it saves.
_OUTCOMES_TRIAL = 512


def _holds(constraint: Any, env: Mapping[str, Any]) -> bool:
    """`_truth(constraint.run(env))`, remembered for the exact values it reads (`exact_key`).

    A constraint is a pure function of the names it reads (the whitelist holds pure functions), so
    the same values give the same outcome; only an identical draw reuses an outcome, any other value
    is evaluated afresh, and so is every failure (it raises again).
    """
    memo = _OUTCOMES.get(constraint, _Outcomes)
    k = exact_key(env, memo.names) if memo.names is not None else None
    if k is None:
        return _truth(constraint.run(env))
    memo.tests += 1
    known = memo.known.get(k)
    if known is not None:
        memo.hits += 1
        return known
    known = _truth(constraint.run(env))
    if memo.tests >= _OUTCOMES_TRIAL and memo.hits * 8 < memo.tests:
        memo.names, memo.known = None, {}  # evaluated afresh from now on
        return known
    if len(memo.known) >= _OUTCOMES_SIZE:
        memo.known.clear()
    memo.known[k] = known
    return known


#: A template's draw plan (`_plan`): what `_draw_params` would otherwise work out on every try.
_PLANS: ByIdentity[tuple[tuple, tuple]] = ByIdentity(256)


def _plan(template: Template) -> tuple[tuple, tuple]:
    """The draw plan of `template`: (the constraints tested before any parameter is drawn, and for
    each parameter in order (name, sampler, line, its inputs are fixed, the constraints tested once
    it is drawn, the work of the parameters a draw those reject skips)); each constraint as
    (its index, constraint, line, reads only fixed parameters, its label).

    A constraint is tested as soon as the parameters it reads, and those of every constraint written
    before it, are drawn, but never before the last random parameter: a draw it rejects then skips
    only computations (`expr` and `value` parameters, which draw nothing), so every seed still gives
    the very same draws, and the constraints are still tested in their written order. The skipped
    parameters' work is counted as if they had run, so the work budget is spent as before.
    """
    fixed = fixed_names(template)
    names = {name: k for k, (name, _) in enumerate(template.params)}
    last_random = max((k for k, (_, sampler) in enumerate(template.params) if sampler.random), default=-1)
    tests: list[list[tuple]] = [[] for _ in range(len(names) + 1)]  # tests[k + 1]: after parameter k
    ready = last_random
    for i, c in enumerate(template.where):
        ready = max(ready, *(names.get(n, -1) for n in c.names), -1)
        tests[ready + 1].append((i, c, c.line or None, c.names <= fixed, f"constraint '{c.source}'"))
    costs = [sampler.cost for _, sampler in template.params]
    params = tuple((name, sampler, template.lines.get(f"params.{name}", template.lines.get("params")),
                    sampler.names <= fixed, tuple(tests[k + 1]), sum(costs[k + 1:]))
                   for k, (name, sampler) in enumerate(template.params))
    return tuple(tests[0]), params


def _draw_params(template: Template, rng: np.random.Generator,
                 max_tries: int = MAX_TRIES) -> tuple[dict[str, Any], int]:
    first, params = _PLANS.get(template, _plan)
    steps = (None, *params)  # None: the constraints tested before any parameter
    rejected = [0] * len(template.where)
    last_error: tuple[str, int | None, str] | None = None
    work = attempt = 0
    while attempt < max_tries and work < MAX_WORK:
        attempt += 1
        env: dict[str, Any] = {}
        current = field = ""
        line: int | None = None
        tests, skipped = first, 0
        try:
            for step in steps:
                if step is not None:
                    name, sampler, line, inputs_fixed, tests, skipped = step
                    current = field = name
                    if work >= MAX_WORK:  # one try of many costly parameters must not overrun the budget
                        raise DrawError("the work budget ran out during this draw", fixed=False)
                    try:
                        env[name], used = sampler.measured_draw(rng, env)
                        work += used
                    except DrawError as exc:
                        work += exc.work
                        if exc.fixed and inputs_fixed:
                            raise _constant(f"parameter '{name}': {exc}", name, attempt, line) from None
                        raise
                    except EvalError as exc:
                        work += sampler.cost
                        if not sampler.random and inputs_fixed:
                            raise _constant(f"parameter '{name}': {exc}", name, attempt, line) from None
                        raise
                    except (ArithmeticError, TypeError, ValueError) as exc:
                        work += sampler.cost
                        raise DrawError(f"{type(exc).__name__}: {exc}", fixed=False) from None
                for i, constraint, line, reads_fixed, current in tests:
                    field = "where"
                    work += 1
                    try:
                        holds = _holds(constraint, env)
                    except EvalError as exc:
                        if reads_fixed:
                            raise _constant(f"constraint '{constraint.source}': {exc}", "where", attempt,
                                            line) from None
                        raise
                    except (ArithmeticError, TypeError, ValueError) as exc:
                        raise EvalError(f"{type(exc).__name__}: {exc}") from None
                    if not holds:
                        rejected[i] += 1
                        if reads_fixed:
                            raise _constant(f"constraint '{constraint.source}' is false for every draw "
                                            "(it reads no random parameter)", "where", attempt, line)
                        work += skipped  # the computations this rejection skips, as if they had run
                        break
                else:
                    continue
                break  # a constraint rejected the draw
            else:
                return env, attempt
        except (DrawError, EvalError) as exc:
            last_error = (f"{current}: {exc}", line, field)
    if any(rejected):
        worst = max(range(len(rejected)), key=rejected.__getitem__)
        c = template.where[worst]
        at = f" (line {c.line})" if c.line else ""
        detail = f"; last error: {last_error[0]}" if last_error else ""
        raise GenerationError(f"constraints not satisfied in {attempt} draws: '{c.source}'{at} rejected "
                              f"{rejected[worst]} of them{detail}", "where", attempt,
                              line=c.line or template.lines.get("where"))
    if last_error:
        raise GenerationError(f"no draw succeeded in {attempt} tries; last error: {last_error[0]}",
                              last_error[2], attempt, line=last_error[1])
    raise GenerationError(f"no draw in {attempt} tries", "where", attempt, line=template.lines.get("where"))


def _constant(message: str, field: str, attempt: int, line: int | None = None) -> GenerationError:
    return GenerationError(f"{message}; no seed can succeed", field, attempt, line=line, constant=True)


#: A formula answer's printed reference tree: the template's own tree, the same on every seed.
_PRINTED: ByIdentity[str] = ByIdentity(512)


def _answer(spec: AnswerSpec, env: dict[str, Any], rng: np.random.Generator, where: str) -> Answer:
    common = {"rtol": spec.rtol, "atol": spec.atol, "sigfigs": spec.sigfigs, "percent": spec.percent,
              "label": spec.label, "decimals": spec.decimals, "unit": spec.unit,
              "sample_size": _sample_size(spec, env, where)}
    if spec.type == "multi":
        parts = tuple(_answer(p, env, rng, f"{where} part {i + 1}") for i, p in enumerate(spec.parts))
        display = " | ".join(p.display for p in parts)
        return Answer("multi", None, display, parts=parts, **common)
    if spec.type == "choice":
        shown = tuple(rng.permutation(len(spec.options)).tolist()) if spec.shuffle \
            else tuple(range(len(spec.options)))
        try:
            options = tuple(spec.options[i].render(env) for i in shown)
        except EvalError as exc:
            raise GenerationError(f"option text: {exc}", where) from None
        correct = shown.index(spec.correct)
        return Answer("choice", options[correct], LETTERS[correct], options=options, correct=correct,
                      env={"order": shown}, **common)
    if spec.type == "formula":
        return Answer("formula", spec.value.node, _PRINTED.get(spec.value.node, to_text),
                      variables=spec.variables, env=env, **common)
    try:
        value = spec.value.run(env)
    except EvalError as exc:
        raise GenerationError(f"{where}: {exc}", where) from None
    value = _coerce(spec.type, value, where)
    display = _display(spec.type, value)
    if not (math.isfinite(value) if type(value) is float else np.isfinite(value).all()):
        # A learner could never type it and the grader could never accept it: refuse the instance.
        raise GenerationError(f"{where} is not finite: {display}", where, kind="non-finite")
    return Answer(spec.type, value, display, **common)


def _sample_size(spec: AnswerSpec, env: dict[str, Any], where: str) -> int | None:
    if spec.sample_size is None:
        return None
    try:
        n = spec.sample_size.run(env)
    except EvalError as exc:
        raise GenerationError(f"{where} sample size: {exc}", where) from None
    if np.ndim(n) != 0:  # a vector names its own length
        n = len(n) if np.ndim(n) == 1 else np.size(n)
    f = float(n)
    if not math.isfinite(f) or f != round(f) or f < 2:
        raise GenerationError(f"{where}: sample size {n!r} is not a whole number ≥ 2", where)
    return int(f)


def _coerce(atype: str, value: Any, where: str) -> Any:
    if atype == "integer":
        if isinstance(value, (np.ndarray, list, str)):
            raise GenerationError(f"{where}: an integer answer must be one whole number", where)
        f = float(value)
        if not math.isfinite(f) or abs(f - round(f)) > 1e-9:
            raise GenerationError(f"{where}: {value!r} is not a whole number", where)
        return int(round(f))
    if atype == "number":
        if type(value) is float or type(value) is np.float64:  # what the general case returns for these
            return float(value)
        if isinstance(value, (np.ndarray, list, str)) and np.ndim(value) != 0:
            raise GenerationError(f"{where}: a number answer must be one number, got shape "
                                  f"{np.shape(value)}", where)
        return float(np.asarray(value, dtype=float))
    arr = np.asarray(value, dtype=float)
    want = {"vector": 1, "set": 1, "direction": 1, "matrix": 2}[atype]
    if arr.ndim != want:
        raise GenerationError(f"{where}: a {atype} answer must have {want} dimension(s), "
                              f"got shape {arr.shape}", where)
    return arr


def _display(atype: str, value: Any) -> str:
    if atype == "set":
        return "{" + ", ".join(fmt(v) for v in np.sort(value)) + "}"
    return fmt(value)


def _mistake(spec, template: Template, answer: Answer, env: dict[str, Any],
             text_env: dict[str, Any]) -> Mistake:
    try:
        message = spec.message.render(text_env)
    except EvalError as exc:
        raise GenerationError(f"mistake '{spec.id}' message: {exc}", f"mistakes.{spec.id}") from None
    if spec.option is not None:
        order = answer.env["order"]
        return Mistake(spec.id, message, option=order.index(spec.option))
    atype = template.answer.type
    if atype == "formula":
        return Mistake(spec.id, message, value=spec.value.node)
    if spec.part is not None:
        atype = template.answer.parts[spec.part].type
    try:
        value = spec.value.run(env)
    except EvalError as exc:
        raise GenerationError(f"mistake '{spec.id}': {exc}", f"mistakes.{spec.id}") from None
    if atype == "number" and (type(value) is float or type(value) is np.float64):
        value = float(value)  # `_coerce`'s first case, without writing out where the value is from
    else:
        value = _coerce(atype, value, f"mistake '{spec.id}'")
    return Mistake(spec.id, message, value=value, part=spec.part)
