"""Prerequisite weights measured from the solver: which computations an instance's answer really performs.

Core layer, checking. `trainer check` replays each generated instance's answer computation (the answer
expression and the `expr` parameters it reads, or a formula answer at one admissible point) through
an observed copy of the function whitelist whose solvers run as shadows that also record the solvers
they call (attention calls softmax), or under a profile hook where a solver's code cannot vouch for
that (see `_Shadows`). A call counts when it performed something: its arguments are not
empty, its result is finite and not simply one of its arguments. Each equation of `graph.yaml` says
which solver functions or operators constitute its computation (`performs:`); the weight of a
template on a prerequisite is the share of its instances that performed any of them, and an edge's
weight is the mean over the building equation's templates that compute an answer.
"""

from __future__ import annotations

import dis
import inspect
import math
import sys
from collections.abc import Iterable, Mapping
from functools import cache
from types import BuiltinFunctionType, CodeType, FunctionType, ModuleType
from typing import Any

import numpy as np

from trainer.core.language.evaluate import ObservedFunctions, compile_node
from trainer.core.language.names import called_functions, free_names
from trainer.core.language.nodes import BinOp, Call, EvalError
from trainer.core.templates.generation import seeded_points

OPERATORS = ("@", "**", "*", "/", "+", "-")
WEIGHT_DECIMALS = 4  # shares over a few hundred seeds; equal to this precision means unchanged


def canonical_names(functions: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Every name `performs:` may use → the one name its computation is recorded under.

    Whitelist names map to the first name of their function (aliases share it: `lse` → `logsumexp`);
    operators map to themselves; a solver's own helper is named `area._helper` (`information._plogq`,
    the p·log q terms every entropy-like solver sums), so a computation a solver does without calling
    another whitelisted function can still be named.

    Args:
        functions: the whitelist (default: the solver registry).

    Returns:
        {name: canonical name}.
    """
    functions = _registry() if functions is None else functions
    first: dict[Any, str] = {}
    out = {op: op for op in OPERATORS}
    for name, fn in functions.items():
        out[name] = first.setdefault(_identity(fn), name)
    for name in _helpers().values():
        out[name] = name
    return out


def _identity(fn: Any) -> Any:
    return getattr(fn, "__code__", fn)


@cache
def _helpers() -> dict[Any, str]:
    """The private functions of each solver area by code object → `area._name`."""
    return {fn.__code__: name for fn, name in _helper_functions().items()}


@cache
def _helper_functions() -> dict[Any, str]:
    """The private functions of each solver area → `area._name`."""
    from importlib import import_module

    from trainer.core.solvers import AREAS

    out = {}
    for area in AREAS:
        try:
            module = import_module(f"trainer.core.solvers.{area}")
        except ModuleNotFoundError:
            continue
        for name, value in vars(module).items():
            if name.startswith("_") and isinstance(value, FunctionType) and value.__module__ == module.__name__:
                out[value] = f"{area}.{name}"
    return out


@cache
def _registry() -> Mapping[str, Any]:
    # Cached here too: the import statement alone cost about a tenth of a short replay.
    from trainer.core.solvers import registry

    return registry()


class _Recorder:
    """Collects the canonical names of the calls that performed something."""

    def __init__(self, tables: tuple[dict[str, str], dict[Any, str]]):
        self.canon, self.by_code = tables
        self.seen: set[str] = set()
        self._args: dict[int, tuple] = {}

    def observe(self, name: str, args: tuple, out: Any) -> None:
        name = self.canon.get(name, name)
        if name not in self.seen and _performed(args, out):
            self.seen.add(name)

    def chained(self, previous: Any) -> Any:
        def both(frame: Any, event: str, arg: Any) -> None:
            self.profile(frame, event, arg)
            previous(frame, event, arg)

        return both

    def profile(self, frame: Any, event: str, arg: Any) -> None:
        # Only the solvers' Python functions are looked at; everything else passes straight through.
        if event == "call":
            name = self.by_code.get(frame.f_code)
            if name is not None and name not in self.seen:
                self._args[id(frame)] = tuple(frame.f_locals.values())
        elif event == "return":
            args = self._args.pop(id(frame), None)
            if args is not None and _performed(args, arg):
                self.seen.add(self.by_code[frame.f_code])


def _tables(functions: Mapping[str, Any]) -> tuple[dict[str, str], dict[Any, str]]:
    canon = canonical_names(functions)
    by_code = {**_helpers(), **{fn.__code__: canon[name] for name, fn in functions.items() if hasattr(fn, "__code__")}}
    return canon, by_code


@cache
def _default_tables() -> tuple[dict[str, str], dict[Any, str]]:
    return _tables(_registry())


def _performed(args: tuple, out: Any) -> bool:
    """Whether a call did real work: no empty argument, a finite numeric result that is not one of
    its own arguments (x * 1, x + 0 or a clip that changed nothing perform nothing).

    The test of `_performed_general`, taken without converting anything for the values nearly every
    call has (a float, a small int, a float64 array: all compare as NumPy compares them as floats);
    anything else goes the general way."""
    t = type(out)
    if t is float or t is np.float64:
        if not math.isfinite(out):
            return False
        shape: tuple[int, ...] = ()
        first = out
    elif t is int and -_EXACT <= out <= _EXACT:
        shape, first = (), out
    elif t is np.ndarray and out.dtype is _F64:
        size = out.size
        if size == 0 or not (all(map(math.isfinite, out.ravel().tolist())) if size <= 64 else np.isfinite(out).all()):
            return False  # (a small array's floats are checked faster in Python than by two NumPy calls)
        shape, first = out.shape, out.item(0)
    else:
        return _performed_general(args, out)
    if not args:
        return False
    for a in args:
        ta = type(a)
        if ta is float or ta is np.float64 or (ta is int and -_EXACT <= a <= _EXACT):
            if not shape and a == first:
                return False
            continue
        if a is None or isinstance(a, (str, list, tuple)):
            continue
        if ta is np.ndarray and a.dtype.kind in "biuf":
            value = a if a.dtype is _F64 else a.astype(float)  # as np.asarray(a, dtype=float) converts it
        else:
            try:
                value = np.asarray(a, dtype=float)
            except (TypeError, ValueError):
                continue
        if value.size == 0:
            return False
        # Two arrays that differ mostly differ in their first entry: compared first, as floats.
        if value.shape == shape and value.item(0) == first and (not shape or (value == out).all()):
            return False
    return True


def _performed_general(args: tuple, out: Any) -> bool:
    """`_performed` for any values (see there)."""
    if out is None or isinstance(out, (str, list)) or not args:
        return False
    try:
        result = np.asarray(out, dtype=float)
    except (TypeError, ValueError):
        return False
    if result.size == 0 or not np.all(np.isfinite(result)):
        return False
    for a in args:
        if isinstance(a, (str, list, tuple)) or a is None:
            continue
        try:
            value = np.asarray(a, dtype=float)
        except (TypeError, ValueError):
            continue
        if value.size == 0:
            return False
        if value.shape == result.shape and np.array_equal(value, result):
            return False
    return True


_F64 = np.dtype(float)
_EXACT = 2**53  # whole numbers up to this convert to float exactly, as NumPy converts them


class _Live:
    """The set a replay records into, None outside one (shared by all the shadows of a whitelist)."""

    __slots__ = ("seen",)

    def __init__(self) -> None:
        self.seen: set[str] | None = None


class _Shadows:
    """Stand-ins for a whitelist's solver functions that record the tracked calls made inside them.

    The profile hook sees those calls by being called for every Python and C call a solver makes
    (forty-odd per solver call), which cost a third of the weights tally. A shadow sees the same calls
    at no cost to the rest: each solver module gets a copy of its globals in which every solver
    function reachable from the whitelist is replaced by a copy of itself (its very code object,
    nothing compiled) running on those copied globals; a tracked one (a whitelisted function or an
    area's helper) is also wrapped to record its canonical name when it performed something, judged
    as the hook judges it: its arguments as bound at the call, defaults included, against its result.

    Only a function whose code shows that every way to a tracked function is a call through a global
    name gets a shadow (see `_callees`); the others, and whatever reaches them, keep the hook.
    """

    def __init__(self, functions: Mapping[str, Any], by_code: Mapping[Any, str]):
        self.live = _Live()
        # id(function) → (function, its shadow, the same unrecorded: see `unrecorded`)
        self._stand_ins: dict[int, tuple[Any, Any, Any]] = {}
        self._copies: list[tuple[dict[str, Any], dict[str, Any]]] = []  # (module globals, as copied)
        good, self._callees = _shadowable(functions, by_code)
        self._by_code = by_code
        self._reach: dict[int, frozenset[str]] = {}
        copies: dict[int, dict[str, Any]] = {}
        for fn in good:
            if id(fn.__globals__) not in copies:
                copies[id(fn.__globals__)] = dict(fn.__globals__)
                self._copies.append((fn.__globals__, dict(fn.__globals__)))
        for fn in good:
            copy = FunctionType(fn.__code__, copies[id(fn.__globals__)], fn.__name__, fn.__defaults__)
            copy.__kwdefaults__ = fn.__kwdefaults__
            copy.__qualname__ = fn.__qualname__
            name = by_code.get(fn.__code__)
            stand_in = copy if name is None else _recording(copy, name, _binder(fn), self.live)
            self._stand_ins[id(fn)] = (fn, stand_in, None if fn.__code__.co_flags & _PACKS else copy)
        for names in copies.values():
            for key, value in names.items():
                hit = self._stand_ins.get(id(value))
                if hit is not None and hit[0] is value:
                    names[key] = hit[1]

    def stand_in(self, fn: Any) -> Any:
        """The shadow to call instead of `fn` during a replay, or None (then the hook sees inside it)."""
        hit = self._stand_ins.get(id(fn))
        return hit[1] if hit is not None and hit[0] is fn else None

    def unrecorded(self, fn: Any) -> Any:
        """`fn`'s shadow without the recording of `fn` itself (the calls inside are recorded), for a
        function whose every argument is bound to a named parameter (no *args or **kwargs); or None."""
        hit = self._stand_ins.get(id(fn))
        return hit[2] if hit is not None and hit[0] is fn else None

    def reach(self, fn: Any) -> frozenset[str] | None:
        """The canonical names of the tracked functions a call of `fn` can run, itself included, or
        None when `fn` has no shadow (the hook sees whatever runs inside it)."""
        if self.stand_in(fn) is None:
            return None
        out = self._reach.get(id(fn))
        if out is None:
            found: dict[int, Any] = {}
            todo = [fn]
            while todo:
                g = todo.pop()
                if id(g) not in found:
                    found[id(g)] = g
                    todo.extend(self._callees[id(g)])
            out = self._reach[id(fn)] = frozenset(self._by_code[g.__code__] for g in found.values()
                                                  if g.__code__ in self._by_code)
        return out

    def fresh(self) -> bool:
        """Whether every copied module still holds what it held when copied (a monkeypatched or
        reassigned function would otherwise go unseen)."""
        for names, was in self._copies:
            if len(names) != len(was) or any(names.get(k, _MISSING) is not v for k, v in was.items()):
                return False
        return True


_MISSING = object()
_SHADOWS: dict[int, tuple[Any, _Shadows]] = {}


def _shadows(functions: Mapping[str, Any], by_code: Mapping[Any, str]) -> _Shadows:
    """The whitelist's shadows, built once (again when a copied module changed since)."""
    hit = _SHADOWS.get(id(functions))
    if hit is not None and hit[0] is functions and hit[1].fresh():
        return hit[1]
    if len(_SHADOWS) > 4:
        _SHADOWS.clear()
    shadows = _Shadows(functions, by_code)
    _SHADOWS[id(functions)] = (functions, shadows)
    return shadows


#: Packages whose code calls no solver unless handed one (they never import the solvers).
_PLAIN_PACKAGES = frozenset({"builtins", "math", "numpy"})
#: Built-ins that reach names or code by other means than a plain global lookup.
_OPAQUE_BUILTINS = frozenset({"globals", "vars", "locals", "eval", "exec", "compile", "__import__", "getattr",
                              "setattr", "delattr", "breakpoint"})
#: Bytecode that binds or looks up names otherwise than a function's own global lookups.
_OPAQUE_OPS = frozenset({"IMPORT_NAME", "IMPORT_FROM", "STORE_GLOBAL", "DELETE_GLOBAL", "LOAD_NAME", "STORE_NAME",
                         "DELETE_NAME", "LOAD_CLASSDEREF", "LOAD_FROM_DICT_OR_GLOBALS", "LOAD_FROM_DICT_OR_DEREF"})
_PACKS = inspect.CO_VARARGS | inspect.CO_VARKEYWORDS
# A generator's frame starts and returns at every resumption: the hook sees each, a wrapper one call.
_RESUMABLE = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR | inspect.CO_ITERABLE_COROUTINE


def _package(module: Any) -> str:
    return str(module or "").partition(".")[0]


def _shadowable(functions: Mapping[str, Any], by_code: Mapping[Any, str]
                ) -> tuple[list[Any], dict[int, list[Any]]]:
    """The functions that get a shadow: those reachable from the whitelist whose every callee, in
    turn, gets one; and the callees of each (by id)."""
    tracked = set(by_code)
    owners = [*functions.values(), *_helper_functions()]
    if any(_package(getattr(fn, "__module__", None)) in _PLAIN_PACKAGES for fn in owners
           if getattr(fn, "__code__", None) in tracked):
        return [], {}  # a tracked function inside NumPy could be called by any NumPy code: hook everything
    callees: dict[int, list[Any] | None] = {}
    reached: dict[int, Any] = {}
    todo = [fn for fn in functions.values() if type(fn) is FunctionType]
    while todo:
        fn = todo.pop()
        if id(fn) in reached:
            continue
        reached[id(fn)] = fn
        callees[id(fn)] = found = _callees(fn, tracked)
        todo.extend(found or ())
    bad = {key for key, found in callees.items() if found is None}
    changed = True
    while changed:  # whatever calls a function without a shadow needs the hook too
        changed = False
        for key, found in callees.items():
            if key not in bad and any(id(g) in bad for g in found or ()):
                bad.add(key)
                changed = True
    return [fn for key, fn in reached.items() if key not in bad], {k: v for k, v in callees.items() if k not in bad}


def _callees(fn: Any, tracked: set[Any]) -> list[Any] | None:
    """The functions outside the plain packages that `fn` calls by global name, or None when its
    code could reach a tracked function some other way (a function held in a value or a closure,
    an import, a module or object of the project, a name looked up by text, a resumable frame)."""
    code = fn.__code__
    if fn.__closure__ or code.co_flags & _RESUMABLE:
        return None
    if not all(_inert(v) for v in (*(fn.__defaults__ or ()), *(fn.__kwdefaults__ or {}).values())):
        return None
    out = []
    for inner in _codes(code):
        if inner is not code and inner in tracked:
            return None  # a closure made at run time with a tracked code object
        for ins in dis.get_instructions(inner):
            if ins.opname in _OPAQUE_OPS:
                return None
            if ins.opname != "LOAD_GLOBAL":
                continue
            value = fn.__globals__.get(ins.argval, _MISSING)
            if value is _MISSING:  # a built-in
                if ins.argval in _OPAQUE_BUILTINS:
                    return None
            elif type(value) is FunctionType and _package(value.__module__) not in _PLAIN_PACKAGES:
                if not ins.arg & 1:  # LOAD_GLOBAL's low bit: the value is called, not kept or compared
                    return None
                out.append(value)
            elif not _inert(value):
                return None
    return out


def _codes(code: Any) -> Iterable[Any]:
    yield code
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield from _codes(const)


def _inert(value: Any) -> bool:
    """Whether a value a solver reads can lead to no project code: data, and the modules, classes and
    functions of the plain packages."""
    if value is None or type(value) in (bool, int, float, complex, str, bytes):
        return True
    if isinstance(value, np.dtype):
        return True
    if isinstance(value, (np.ndarray, np.generic)):
        return value.dtype != object
    if type(value) in (tuple, list, set, frozenset):
        return all(_inert(v) for v in value)
    if type(value) is dict:
        return all(_inert(k) and _inert(v) for k, v in value.items())
    if isinstance(value, ModuleType):
        return _package(value.__name__) in _PLAIN_PACKAGES
    if isinstance(value, type):
        return _package(value.__module__) in _PLAIN_PACKAGES
    if type(value) in (FunctionType, BuiltinFunctionType):
        return _package(value.__module__) in _PLAIN_PACKAGES and value.__name__ not in _OPAQUE_BUILTINS
    return False


def _binder(fn: Any) -> Any:
    """`bind(args, kwargs)`: the values of `fn`'s parameters for a call that succeeded, defaults
    included, as its frame holds them when it starts (what the profile hook compares the result with)."""
    code = fn.__code__
    n = code.co_argcount
    defaults = fn.__defaults__ or ()
    first = n - len(defaults)
    kwdefaults = fn.__kwdefaults__ or {}
    kwonly_names = code.co_varnames[n:n + code.co_kwonlyargcount]
    simple = not code.co_flags & _PACKS and all(k in kwdefaults for k in kwonly_names)
    kwonly = tuple(kwdefaults[k] for k in kwonly_names) if simple else ()

    def bind(args: tuple, kwargs: dict[str, Any]) -> tuple:
        if simple and not kwargs and first <= len(args) <= n:
            return args + defaults[len(args) - first:] + kwonly
        bound = inspect.signature(fn, follow_wrapped=False).bind(*args, **kwargs)
        bound.apply_defaults()
        return tuple(bound.arguments.values())

    return bind


def _recording(copy: Any, name: str, bind: Any, live: _Live) -> Any:
    """`copy` wrapped to record `name` when a call performed something, as the profile hook would."""

    def recorded(*args: Any, **kwargs: Any) -> Any:
        seen = live.seen
        if seen is None or name in seen:
            return copy(*args, **kwargs)
        out = copy(*args, **kwargs)
        if not isinstance(out, tuple):
            for a in args:
                if a is out:  # an argument handed back (a helper that converts nothing) performed nothing
                    return out
        if live.seen is seen:  # not stopped meanwhile (see below)
            try:
                hit = _performed(bind(args, kwargs), out)
            except BaseException:
                live.seen = None  # a profile hook that raises is removed: nothing more is seen in this call
                raise
            if hit:
                seen.add(name)
        return out

    return recorded


def answer_performs(template: Any, instance: Any, functions: Mapping[str, Any] | None = None) -> frozenset[str]:
    """The computations one instance's answer performs.

    Args:
        template: the compiled template (a lazy one is resolved).
        instance: an instance generated from it (its `expr` parameters hold the values the template
            computes from its drawn ones, as `generate` leaves them: see `_Plan.replay`).
        functions: the whitelist (default: the solver registry).

    Returns:
        Canonical names of the whitelisted functions, solver helpers and operators its answer
        computation called with a real effect (empty for a choice answer, which computes nothing).
    """
    template = template.resolve()
    plan = _plan(template, _registry() if functions is None else functions)
    return frozenset(plan.replay(instance)) if plan.answers else frozenset()


class _Plan:
    """A template's answer computation compiled once against an observed whitelist: the `expr`
    parameters the answer reads (in order), then each computed answer part; with what the tally key
    needs of the template, worked out once."""

    def __init__(self, template: Any, functions: Mapping[str, Any]):
        self.template = template
        self.tables = _default_tables() if functions is _registry() else _tables(functions)
        self.shadows = _shadows(functions, self.tables[1])
        self.recorder = _Recorder(self.tables)
        nodes = _answer_nodes(template.answer)
        needed = _needed(template, nodes)
        exprs = [(name, sampler.node) for name, sampler in template.params
                 if name in needed and getattr(sampler, "kind", "") == "expr"]
        # Only the functions these trees call are looked up when they compile (an unknown one is
        # missing here as it is from the whitelist): a wrapper for each of the ~150 others cost
        # more than a template's replays.
        called = set().union(*map(called_functions, (*nodes, *(node for _, node in exprs))))
        observed = ObservedFunctions({name: self._traced(functions[name]) for name in called if name in functions},
                                     self.recorder.observe)
        self.params = [(name, compile_node(node, observed, guard=False)) for name, node in exprs]
        self.answers = [compile_node(node, observed, guard=False) for node in nodes]
        self.points = _formula_parts(template.answer)
        # What each part of the computation can record at most (None: not known), to skip the parts
        # that can add nothing (see `replay`).
        self.param_names = [_tree_names(node, self.tables[0], functions, self.shadows) for _, node in exprs]
        self.answer_names = [_tree_names(node, self.tables[0], functions, self.shadows) for node in nodes]

    def replay(self, instance: Any) -> set[str]:
        """Run the computation on the instance's values; the canonical names of what performed.

        The answer parts run first, on the `expr` parameters' values as generated, then each `expr`
        parameter the answer reads, in order; a part that can record nothing new (every name it could
        record is recorded already) is skipped. What is recorded is what running the parameters first
        and then the answer records: the computation is pure, generation computed these very values
        with the same functions (a parameter's value recomputed here is compared with the instance's),
        and only a parameter that fails would have stopped the answer from running: then everything
        runs again in that order (`replay_in_order`)."""
        recorder, live = self.recorder, self.shadows.live
        seen = recorder.seen = set()
        outer, live.seen = live.seen, seen
        env = params = instance.params  # only read: nothing here writes a name
        try:
            with np.errstate(all="ignore"):
                try:
                    for run, part, names in zip(self.answers, self.points, self.answer_names):
                        if names is None or not names <= seen:
                            run(env if part is None else {**env, **_formula_point(instance, part)})
                except _FAILURES:
                    pass  # what ran before the failure still counts; the rest of the answer does not run
                for (name, run), names in zip(self.params, self.param_names):
                    if names is not None and names <= seen:
                        continue
                    try:
                        value = run(env)
                    except _FAILURES:
                        return self.replay_in_order(instance)
                    if not _same(value, params.get(name, _MISSING)):
                        return self.replay_in_order(instance)
        finally:
            recorder.seen = set()  # calls made outside a replay record nothing that is read
            live.seen = outer
        return seen

    def replay_in_order(self, instance: Any) -> set[str]:
        """`replay` as the computation runs in generation: each `expr` parameter in order, then the
        answer parts, stopping at the first failure."""
        recorder, live = self.recorder, self.shadows.live
        seen = recorder.seen = set()
        outer, live.seen = live.seen, seen
        env = dict(instance.params)
        try:
            with np.errstate(all="ignore"):
                for name, run in self.params:
                    env[name] = run(env)
                for run, part in zip(self.answers, self.points):
                    run(env if part is None else {**env, **_formula_point(instance, part)})
        except _FAILURES:
            pass  # generation succeeded with the same values; what ran before the failure still counts
        finally:
            recorder.seen = set()
            live.seen = outer
        return seen

    def _traced(self, fn: Any) -> Any:
        """`fn` run so that the recorder also sees the solvers it calls in turn (attention calls
        softmax): through its shadow (see `_Shadows`) where it has one, else under the recorder's
        profile hook (only inside solver calls: profiling the whole evaluation would cost twice as much)."""
        shadows = self.shadows
        stand_in = shadows.stand_in(fn)
        copy = shadows.unrecorded(fn)
        recorder, live = self.recorder, shadows.live
        if stand_in is not None:
            # The expression observes this call's result against its arguments after it returns;
            # with every argument bound to a parameter, that judgement includes the hook's (its
            # parameters hold those arguments and perhaps more), so the call itself need not be
            # recorded twice. Without arguments only the recording shadow sees what it performed.
            unrecorded = stand_in if copy is None else copy

            def shadowed(*args: Any, **kwargs: Any) -> Any:
                try:
                    return unrecorded(*args, **kwargs) if args or kwargs else stand_in()
                finally:
                    live.seen = recorder.seen  # a hook that failed is back for the next call

            return shadowed

        def traced(*args: Any, **kwargs: Any) -> Any:
            previous = sys.getprofile()
            # A profiler written in C (cProfile) can be neither chained nor restored: then only the
            # calls the expressions make are seen, not those solvers make of each other.
            if not (previous is None or callable(previous)):
                return fn(*args, **kwargs)
            sys.setprofile(recorder.chained(previous) if previous is not None else recorder.profile)
            try:
                return fn(*args, **kwargs)
            finally:
                sys.setprofile(previous)

        return traced


_FAILURES = (EvalError, ArithmeticError, LookupError, TypeError, ValueError)


def _same(a: Any, b: Any) -> bool:
    """Whether two values are the very same: type, and value to the bit (-0.0 is not 0.0, NaN is
    NaN); False for values not told apart so (anything but numbers, text and numeric arrays)."""
    t = type(a)
    if t is not type(b):
        return False
    if t is float or t is np.float64:
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b) or (a != a and b != b)
    if t is int or t is str or t is bool:
        return a == b
    if t is np.ndarray and a.dtype.kind in "biuf":
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    return False


def _tree_names(node: Any, canon: Mapping[str, str], functions: Mapping[str, Any], shadows: _Shadows
                ) -> frozenset[str] | None:
    """Every canonical name that evaluating `node` could record (its operators, the functions it
    calls and the tracked functions they run), or None when a function it calls has no shadow."""
    out: set[str] = set()
    todo = [node]
    while todo:
        n = todo.pop()
        if isinstance(n, BinOp):
            out.add(canon.get(n.op, n.op))
        elif isinstance(n, Call):
            reach = shadows.reach(functions.get(n.func))
            if reach is None:
                return None
            out |= reach
            out.add(canon.get(n.func, n.func))
        for field in getattr(n, "__slots__", ()):
            child = getattr(n, field)
            for c in child if isinstance(child, tuple) else (child,):
                if isinstance(c, tuple):  # a keyword argument: (name, tree)
                    todo.append(c[1])
                elif c is not None and not isinstance(c, (str, int, float)):
                    todo.append(c)
    return frozenset(out)


_PLANS: dict[tuple[int, int], tuple[Any, Any, _Plan]] = {}


def _plan(template: Any, functions: Mapping[str, Any]) -> _Plan:
    key = (id(template), id(functions))
    hit = _PLANS.get(key)
    if hit is not None and hit[0] is template and hit[1] is functions:
        return hit[2]
    if len(_PLANS) > 16:  # a check worker proves one template at a time
        _PLANS.clear()
    plan = _Plan(template, functions)
    _PLANS[key] = (template, functions, plan)
    return plan


def _answer_nodes(spec: Any) -> list[Any]:
    """The tree of each computed part of the answer, in order (none for a choice answer)."""
    if spec.type == "choice":
        return []
    if spec.type == "multi":
        return [node for part in spec.parts for node in _answer_nodes(part)]
    return [spec.value.node] if spec.value is not None else []


def _formula_parts(spec: Any) -> list[int | None]:
    """For each tree of `_answer_nodes`: None, or where its formula answer is (-1: the answer
    itself, else the index of the part), whose variables it is evaluated at."""
    if spec.type == "multi":
        return [i if part.type == "formula" else None for i, part in enumerate(spec.parts)
                if part.type != "choice" and part.value is not None]
    return [-1 if spec.type == "formula" else None for _ in _answer_nodes(spec)]


def _formula_point(instance: Any, part: int) -> dict[str, Any]:
    """A formula answer's (or part's: see `_formula_parts`) variables at one admissible point drawn
    from the seed."""
    answer = instance.answer if part < 0 else instance.answer.parts[part]
    point = seeded_points(answer, instance.seed, 1)[0]  # np.random.default_rng(seed)'s first point
    return {n: point[n] for n, _ in answer.variables}


def _needed(template: Any, nodes: list[Any]) -> set[str]:
    """The parameters the answer reads, directly or through `expr` parameters."""
    samplers = dict(template.params)
    todo = [name for node in nodes for name in free_names(node)]
    needed: set[str] = set()
    while todo:
        name = todo.pop()
        if name in needed or name not in samplers:
            continue
        needed.add(name)
        todo.extend(getattr(samplers[name], "names", ()))
    return needed


def tally(counts: dict[str, int], template: Any, instance: Any) -> None:
    """Count one instance's performed computations into `counts` (key: the sorted names joined by
    commas, so a report stays plain JSON across the check's worker processes)."""
    key = performed_key(template, instance)
    counts[key] = counts.get(key, 0) + 1


def performed_key(template: Any, instance: Any) -> str:
    """The tally key of one instance (see `tally`): its performed computations, sorted, comma-joined."""
    plan = _plan(template.resolve(), _registry())
    if not plan.answers:
        return ""  # a choice answer computes nothing, whatever the values
    # Not remembered by the values the answer reads: in `check` (which never asks twice about one
    # instance) 368 of the bank's 20,156 keyed instances repeated one, and keying them all cost
    # four times the replays it saved.
    return ",".join(sorted(plan.replay(instance)))


def share(counts: Mapping[str, int], performs: Iterable[str]) -> float | None:
    """The share of tallied instances that performed any of `performs`; None when nothing was tallied."""
    wanted = set(performs)
    total = sum(counts.values())
    if not total:
        return None
    hits = sum(n for key, n in counts.items() if wanted & set(filter(None, key.split(","))))
    return hits / total


def resolve_performs(authored: Mapping[str, Any], functions: Mapping[str, Any] | None = None
                     ) -> tuple[dict[str, frozenset[str]], list[tuple[Any, int, str]]]:
    """Each equation's `performs:` as canonical names, and the names that are not whitelisted.

    Args:
        authored: the merged graph-file entries (`AuthoredEquation` by id).
        functions: the whitelist (default: the solver registry).

    Returns:
        ({equation: canonical names}, [(path, line, message) for each unknown name]).
    """
    canon = canonical_names(functions)
    out: dict[str, frozenset[str]] = {}
    problems = []
    for eq in authored.values():
        names = set()
        for name in eq.performs:
            if name in canon:
                names.add(canon[name])
            else:
                problems.append((eq.path, eq.line, f"{eq.id}: performs {name!r}, which is not a solver function "
                                                   "or operator"))
        out[eq.id] = frozenset(names)
    return out, problems


def measure_weights(reports: Iterable[Mapping[str, Any]], templates: Mapping[str, Any],
                    authored: Mapping[str, Any], performs: Mapping[str, frozenset[str]],
                    seeds: int, edges_of: Iterable[Any] | None = None) -> dict[str, Any]:
    """The weights file content for some templates, from their check reports.

    Args:
        reports: `Report.to_dict()` of templates checked with `measure=True` (their "performed" tally).
        templates: every template the weights are about (one bank folder's), by id: equation,
            `requires`, answer type. An edge is measured only when all of its equation's templates
            here were reported (a partial check judges, and rewrites, only what it measured).
        authored: the merged graph-file entries (every template's prerequisites come from them).
        performs: each equation's canonical `performs:` names (see `resolve_performs`).
        seeds: the seeds per template the reports used.
        edges_of: the entries whose edges to measure (default: all of `authored`).

    Returns:
        `{"version": 1, "seeds", "edges": [{"from", "to", "weight", "templates"}], "templates": {id: {equation:
        weight}}}`. A template's weight on a prerequisite is the share of its instances that performed
        it; an edge's weight is the mean over the building equation's templates with a computed (not
        choice) answer, or 1.0 (unmeasured, "templates": 0) when it has none.
    """
    from trainer.core.learning.authored import WEIGHTS_VERSION

    per_template: dict[str, dict[str, float]] = {}
    for report in reports:
        t = templates.get(report.get("id"))
        counts = report.get("performed")
        if t is None or counts is None or not sum(counts.values()):
            continue
        prereqs = [*authored.get(t.equation, _NONE).requires, *(getattr(t, "requires", None) or ())]
        per_template[t.id] = {p: round(share(counts, performs.get(p, ())), WEIGHT_DECIMALS)
                              for p in dict.fromkeys(prereqs)}
    edges = []
    for eq in (authored.values() if edges_of is None else edges_of):
        mine = [t for t in templates.values() if t.equation == eq.id]
        if not mine or any(t.id not in per_template for t in mine):
            continue
        computed = [t.id for t in mine if t.answer_type != "choice"]
        for target in eq.requires:
            values = [per_template[i][target] for i in computed]
            weight = round(sum(values) / len(values), WEIGHT_DECIMALS) if values else 1.0
            edges.append({"from": eq.id, "to": target, "weight": weight, "templates": len(values)})
    return {"version": WEIGHTS_VERSION, "seeds": seeds, "edges": edges,
            "templates": {k: per_template[k] for k in sorted(per_template)}}


def merged_weights(measured: Mapping[str, Any], committed: Mapping[str, Any] | None) -> dict[str, Any]:
    """The file to write: the committed weights with every measured value replacing its old one
    (a partial check keeps what it did not measure; a different seed count starts afresh).

    Args:
        measured: `measure_weights` output.
        committed: the current file as read, or None.

    Returns:
        The new file content, edges in authored order, templates sorted.
    """
    if committed is None or committed.get("seeds") != measured.get("seeds"):
        return dict(measured)
    edges = {(e["from"], e["to"]): e for e in committed.get("edges", [])}
    edges.update({(e["from"], e["to"]): e for e in measured["edges"]})
    templates = {**committed.get("templates", {}), **measured["templates"]}
    return {**measured, "edges": list(edges.values()), "templates": {k: templates[k] for k in sorted(templates)}}


class _NoEntry:
    requires: tuple[str, ...] = ()


_NONE = _NoEntry()


def stale_weights(measured: Mapping[str, Any], committed: Mapping[str, Any] | None) -> list[str]:
    """What differs between freshly measured weights and the committed file, one line each.

    Args:
        measured: `measure_weights` output for the templates just checked.
        committed: the weights file as read (None: missing).

    Returns:
        Empty when the committed file holds every measured value (to WEIGHT_DECIMALS); templates and
        edges the measurement did not cover are not judged.
    """
    if committed is None:
        return ["missing"]
    if committed.get("seeds") != measured.get("seeds"):
        return [f"measured over {committed.get('seeds')} seeds, checked with {measured.get('seeds')}"]
    out = []
    old_edges = {(e["from"], e["to"]): e["weight"] for e in committed.get("edges", [])}
    for e in measured["edges"]:
        old = old_edges.get((e["from"], e["to"]))
        if old is None or abs(old - e["weight"]) > 10 ** -WEIGHT_DECIMALS / 2:
            out.append(f"{e['from']} → {e['to']}: {_num(old)} in the file, measured {e['weight']:g}")
    old_templates = committed.get("templates", {})
    for tid, table in measured["templates"].items():
        old = old_templates.get(tid, {})
        for target, w in table.items():
            if target not in old or abs(old[target] - w) > 10 ** -WEIGHT_DECIMALS / 2:
                out.append(f"template {tid} → {target}: {_num(old.get(target))} in the file, measured {w:g}")
        for target in set(old) - set(table):
            out.append(f"template {tid} → {target}: in the file but no longer a prerequisite")
    return out


def _num(value: Any) -> str:
    return "missing" if value is None else f"{value:g}"


def weights_text(content: Mapping[str, Any]) -> str:
    """A weights file as JSON text with one edge and one template per line, so that a change of
    weights reads as a short diff.

    Args:
        content: `measure_weights` or `merged_weights` output.

    Returns:
        The file's text, ending with a newline.
    """
    import json

    def line(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    edges = ",\n".join(f"    {line(e)}" for e in content.get("edges", []))
    templates = ",\n".join(f"    {line(k)}: {line(v)}" for k, v in content.get("templates", {}).items())
    head = ",\n".join(f"  {line(k)}: {line(v)}" for k, v in content.items() if k not in ("edges", "templates"))
    return (f"{{\n{head},\n  \"edges\": [\n{edges}\n  ],\n  \"templates\": {{\n{templates}\n  }}\n}}\n")
