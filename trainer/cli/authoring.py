"""Commands for authors: list, preview, check, new and schema.

CLI layer. `check` fans the bank out over worker processes (templates are independent) and prints a
progress bar on stderr, the findings with file:line, and a summary table; it exits 1 on any finding.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from trainer.cli import UserError
from trainer.cli.context import bank_index, load_one, problem_folders
from trainer.cli.terminal_text import json_safe


def register(subparsers, common) -> None:
    """Add the authoring commands."""
    p = subparsers.add_parser("list", parents=[common], help="list every template in the bank",
                              description="List every template: id, equation, topic, title, kind, answer type.")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(handler=cmd_list)

    p = subparsers.add_parser("preview", parents=[common], help="show one instance of a template",
                              description="Generate and show one instance of a template, with answer, "
                                          "mistakes and worked solution.")
    p.add_argument("id", help="template id (see `trainer list`)")
    p.add_argument("--seed", type=int, default=0, help="instance seed (default 0)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_preview)

    p = subparsers.add_parser("check", parents=[common], help="prove templates over many seeds",
                              description="Validate template files and generate N seeds of each: reports "
                                          "schema errors with file:line, non-finite or degenerate instances, "
                                          "rarely satisfied constraints, duplicate ids, mistakes equal to the "
                                          "answer, answers that do not grade as expected, fronts that show the "
                                          "answer, a mistake's message or the hint, choice options whose "
                                          "declared truth contradicts the key, keys that are the longest "
                                          "option, and too few distinct instances. Prints the choice items' "
                                          "answer-position and length balance. Exit 1 on any finding.")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="template files or folders (default: every folder in use)")
    p.add_argument("--seeds", type=int, default=200, help="seeds per template (default 200)")
    p.add_argument("--jobs", type=int, default=0,
                   help="worker processes (default: one per core; 1 checks in this process)")
    p.add_argument("--json", action="store_true", help="print the reports as JSON")
    p.add_argument("--write-weights", action="store_true",
                   help="write each folder's graph-weights.json: the prerequisite weights measured now")
    p.add_argument("--no-cache", action="store_true",
                   help="check every template afresh instead of replaying the stored report of an unchanged "
                        "one (the fresh reports still refresh the cache)")
    p.set_defaults(handler=cmd_check)

    p = subparsers.add_parser("new", parents=[common], help="write a commented template to start from",
                              description="Write a commented, working template to start a new problem from.")
    p.add_argument("id", help="kebab-case id of the new template")
    p.add_argument("--topic", default="probability", help="topic folder (default probability)")
    p.add_argument("--dir", metavar="DIR", help="folder to write into (default: your problems folder)")
    p.set_defaults(handler=cmd_new)

    p = subparsers.add_parser("schema", parents=[common], help="print the template JSON Schema",
                              description="Print the JSON Schema of the template format (for editors).")
    p.set_defaults(handler=cmd_schema)


def _report_errors(bank) -> None:
    for err in bank.errors:
        print(f"trainer: skipped {err}", file=sys.stderr)


def cmd_list(args: argparse.Namespace) -> int:
    bank = bank_index(args)
    rows = [t.summary() for t in bank.templates.values()]
    if args.json:
        print(json_safe(json.dumps(rows, indent=2, ensure_ascii=False)))
    else:
        cols = ("id", "equation", "topic", "kind", "level", "answer_type", "title")
        widths = {c: max([len(c)] + [len(str(r[c])) for r in rows]) for c in cols[:-1]}
        print("  ".join(c.upper().ljust(widths.get(c, 0)) for c in cols))
        from trainer.cli.terminal_text import escaped

        for r in rows:
            print(escaped("  ".join(str(r[c]).ljust(widths.get(c, 0)) for c in cols), lines=False))
        print(f"\n{len(rows)} templates")
    _report_errors(bank)
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    from trainer.core.templates.generation import GenerationError, generate

    template = load_one(args, args.id)
    try:
        inst = generate(template, args.seed)
    except GenerationError as exc:
        raise UserError(f"{template.path}: cannot generate seed {args.seed}: {exc.message}") from None
    if args.json:
        print(json_safe(json.dumps(inst.to_dict(), indent=2, ensure_ascii=False)))
        return 0
    from trainer.core.solvers.equations import equations

    from trainer.cli.terminal_text import escaped

    card = equations().get(inst.equation)
    # Template text is the author's, not ours: its control characters are printed as escapes.
    print(escaped(f"{inst.title}  [{inst.template_id} · seed {inst.seed} · {inst.topic} · {inst.kind}]\n"))
    if card:
        print(card.display.rstrip() + "\n")
    print(escaped(inst.prompt.rstrip()))
    if inst.answer.type == "choice":
        for i, opt in enumerate(inst.answer.options):
            print(escaped(f"  {'ABCDEFGH'[i]}. {opt}"))
    print(escaped(f"\nAnswer ({inst.answer.type}): {inst.answer.display}"))
    for m in inst.mistakes:
        print(escaped(f"  mistake {m.id}: {_mistake_display(inst, m)} — {m.message}"))
    if inst.hint:
        print(escaped(f"\nHint: {inst.hint.rstrip()}"))
    print(escaped(f"\nSolution:\n{inst.solution.rstrip()}"))
    return 0


def _mistake_display(inst, mistake) -> str:
    """A mistake's value as the learner would see it (option letter, formula or formatted value)."""
    from trainer.core.language.printing import to_text
    from trainer.core.templates.text import fmt

    if mistake.option is not None:
        return "ABCDEFGH"[mistake.option]
    if inst.answer.type == "formula":
        return to_text(mistake.value)
    part = f"part {mistake.part + 1}: " if mistake.part is not None else ""
    return part + fmt(mistake.value)


#: Templates loaded by `cmd_check` before checking starts: the checks in this process and forked
#: workers find them here instead of reading and compiling the file again (a spawned one reads it).
_LOADED: dict[str, Any] = {}


def _check_one(path: str, seeds: int, template_id: str = "", measure: bool = False) -> dict:
    """Worker: check one template (runs in a child process, or inline for `--jobs 1`); never raises.
    With `measure`, the report also tallies what each instance's answer performs (for the graph's
    weights)."""
    from trainer.core.checking.check import check_template, grading_hook
    from trainer.core.solvers.equations import equations
    from trainer.core.templates.spec import TemplateError, load_template

    try:
        template = _LOADED.get(template_id)
        if template is None or str(template.path) != path:
            template = load_template(Path(path))
        return check_template(template, seeds, grader=grading_hook(), known_equations=set(equations()),
                              clock=time.monotonic, measure=measure).to_dict()
    except TemplateError as exc:  # the file changed since the bank was loaded
        return _crashed(template_id, path, seeds, "load", exc.message, exc.line)
    except Exception as exc:  # a checker bug must cost one template's report, not the whole run
        return _crashed(template_id, path, seeds, "check", f"checking failed: {type(exc).__name__}: {exc}")


#: Rough relative cost of checking a template by answer type (formula answers are evaluated at many
#: points per seed; choice items are cheap). Only the order work is handed out in depends on it; a
#: template checked before is ordered by the seconds its last check took instead.
_COST = {"formula": 8, "vector": 6, "matrix": 6, "multi": 5, "set": 4, "direction": 4, "number": 3,
         "integer": 3, "choice": 1}
_COST_SECONDS = 0.1  # one unit of `_COST` in seconds at 200 seeds, to rank unknown templates among known ones


def _check_timed(path: str, seeds: int, template_id: str = "", measure: bool = False) -> tuple[dict, float]:
    """Worker: `_check_one` (looked up at call time, so a patched one is used) and the CPU seconds it took."""
    start = time.process_time()
    report = _check_one(path, seeds, template_id, measure)
    return report, time.process_time() - start


def _check_all(templates: list, seeds: int, jobs: int, bar: _Progress, measure: bool = False,
               cache: Any = None) -> list[dict]:
    """Check every template, on `jobs` worker processes when more than one; reports in `templates` order.

    With a `cache` (`trainer.core.checking.results.ResultCache`), an unchanged template's stored
    report is replayed and only the others are checked (and then stored). The costliest templates are
    handed out first so that no worker is left with a long one at the end; a worker that dies costs
    its template a "check" finding, never the run.
    """
    reports: list[dict | None] = [None] * len(templates)
    keys: dict[int, str] = {}
    estimate: dict[int, float] = {}
    for i, t in enumerate(templates):
        estimate[i] = _COST.get(t.answer_type, 3) * _COST_SECONDS * seeds / 200
        if cache is None:
            continue
        try:
            data = Path(t.path).read_bytes()
        except OSError:  # checked afresh: the worker reports why it cannot be read
            continue
        keys[i] = cache.key(t.path, data, seeds, measure)
        hit = cache.get(keys[i], t.path, seeds, measure)
        if hit is not None:
            reports[i] = hit
            bar.step()
            continue
        known = cache.seconds(t.path, seeds, measure)
        if known is not None:
            estimate[i] = known
    todo = sorted((i for i in range(len(templates)) if reports[i] is None), key=lambda i: -estimate[i])

    def store(i: int, report: dict, seconds: float) -> None:
        reports[i] = report
        if i in keys:
            cache.put(keys[i], templates[i].path, seeds, measure, report, seconds)

    from trainer.core.templates.spec import TemplateError

    ready: list[int] = []
    compiled = []
    for i in todo:
        t = templates[i]
        try:
            compiled.append(t.resolve())  # a lazily loaded template is compiled here, before any fork
        except TemplateError as exc:  # the file changed since the bank was loaded
            reports[i] = _crashed(t.id, str(t.path), seeds, "load", exc.message, exc.line)
            bar.step()
            continue
        ready.append(i)
    if ready:
        _run_checks(compiled, seeds, jobs, bar, measure, lambda k, report, seconds: store(ready[k], report, seconds))
    return [r for r in reports if r is not None]


def _run_checks(templates: list, seeds: int, jobs: int, bar: _Progress, measure: bool, done) -> None:
    """Check `templates` in the order given, calling `done(index, report, cpu_seconds)` for each."""
    from trainer.core.checking.check import check_template, grading_hook  # noqa: F401 (forked workers inherit them)
    from trainer.core.solvers.equations import equations

    equations()  # built once here, not once per worker
    _LOADED.clear()
    _LOADED.update({t.id: t for t in templates})
    with _collector_for_checks():
        if jobs <= 1 or len(templates) <= 1:
            try:
                for k, t in enumerate(templates):
                    done(k, *_check_timed(str(t.path), seeds, t.id, measure))
                    bar.step()
            finally:
                _LOADED.clear()
            return
        _run_pool(templates, seeds, jobs, bar, measure, done)


@contextlib.contextmanager
def _collector_for_checks() -> Iterator[None]:
    """The garbage collector tuned for checking, then restored.

    The modules and the loaded bank live as long as the check: frozen, the collector stops walking
    them on every full collection (and a forked worker stops copying their pages as it does). A
    check allocates millions of short-lived objects and few cycles, so it collects in batches of
    10,000 rather than 700: the collector's share of a whole-bank check fell from about 6% to 1.5%.
    """
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if not frozen:  # what a caller froze before stays frozen (nothing tells the two apart)
            gc.unfreeze()


def _run_pool(templates: list, seeds: int, jobs: int, bar: _Progress, measure: bool, done) -> None:
    """`_run_checks` on `jobs` forked worker processes."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # Fork shares the loaded bank and the imported modules with the workers; elsewhere (or where
    # fork is not offered) workers start fresh and read their files.
    context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    lost: list[int] = []
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(templates)), mp_context=context) as pool:
            futures = {pool.submit(_check_timed, str(t.path), seeds, t.id, measure): k
                       for k, t in enumerate(templates)}
            for fut in as_completed(futures):
                try:
                    done(futures[fut], *fut.result())
                    bar.step()
                except Exception:  # a worker died (out of memory, killed): every pending check is lost
                    lost.append(futures[fut])
        # Each lost template again in a process of its own, so that only the one that kills its
        # process is reported, not every template that shared the broken pool.
        for k in sorted(lost):
            t = templates[k]
            try:
                with ProcessPoolExecutor(max_workers=1, mp_context=context) as alone:
                    done(k, *alone.submit(_check_timed, str(t.path), seeds, t.id, measure).result())
            except Exception as exc:
                done(k, _crashed(t.id, str(t.path), seeds, "check",
                                 f"the checking process failed: {type(exc).__name__}: {exc}"), 0.0)
            bar.step()
    finally:
        _LOADED.clear()


def _crashed(template_id: str, path: str, seeds: int, kind: str, message: str, line: int | None = None) -> dict:
    """The report of a template whose check could not run to the end."""
    return {"id": template_id, "seeds": seeds, "generated": 0, "acceptance": 0.0, "ok": False,
            "findings": [{"id": template_id, "path": path, "line": line, "kind": kind, "message": message,
                          "seed": None, "severity": "error"}]}


def cmd_check(args: argparse.Namespace) -> int:
    from trainer.core.checking.check import duplicate_ids
    from trainer.core.checking.graph_check import graph_folders
    from trainer.core.templates.bank import load_bank as load_folders

    if args.seeds < 1:
        raise UserError("--seeds must be at least 1", 2)
    if args.paths:
        folders = [Path(p) for p in args.paths]
        missing = [str(p) for p in folders if not p.exists()]
        if missing:
            raise UserError(f"no such file or folder: {', '.join(missing)}", 2)
    else:
        folders = problem_folders(args)
    start = time.perf_counter()
    from trainer.cli.locations import bank_index_path

    # Headers (and every load error) from the bank index; a template is compiled only when it is
    # checked, so a run that replays stored reports compiles nothing.
    bank = load_folders(folders, lazy=True, index_path=bank_index_path())
    findings = [{"id": None, "path": str(e.path), "line": e.line, "kind": "load", "message": e.message,
                 "seed": None, "severity": "error"} for e in bank.errors]
    if args.paths:
        # An id is unique across every folder in use, not only among the files named here.
        whole = _whole_bank(problem_folders(args), folders, bank)
        findings.extend(f.to_dict() for f in duplicate_ids(bank.templates, whole))
    templates = list(bank.templates.values())
    # The graph is checked over every folder in use, so a template's requires: and a user graph
    # file are judged against the bundled graph too; its weights only when a folder has a graph.
    graph_paths = [*problem_folders(args), *(folders if args.paths else [])]
    measure = args.write_weights or bool(graph_folders(graph_paths))
    jobs = args.jobs or min(len(templates), os.cpu_count() or 1) or 1
    bar = _Progress(len(templates), enabled=not args.json)
    reports = _check_all(templates, args.seeds, jobs, bar, measure, _result_cache(args))
    bar.done()
    reports.sort(key=lambda r: r["id"])
    for r in reports:
        findings.extend(r["findings"])
    graph = _check_graph(args, graph_paths, reports, bank, folders)
    findings.extend(f.to_dict() for f in graph.findings)
    elapsed = time.perf_counter() - start
    errors = [f for f in findings if f["severity"] == "error"]
    not_generated = [r["id"] for r in reports if r["generated"] == 0]
    balance = choice_balance(reports)
    if args.json:
        print(json.dumps({"templates": len(templates), "seeds": args.seeds, "seconds": round(elapsed, 2),
                          "errors": len(errors), "load_errors": [e.to_dict() for e in bank.errors],
                          "not_generated": not_generated, "choice_balance": balance,
                          "graph_findings": [f.to_dict() for f in graph.findings], "reports": reports},
                         indent=2, ensure_ascii=False))
        return 1 if errors else 0
    for f in findings:
        where = f"{f['path']}:{f['line']}" if f.get("line") else (f["path"] or f["id"])
        seed = f" (seed {f['seed']})" if f.get("seed") is not None else ""
        print(f"{where}: {f['severity']}: [{f['kind']}] {f['message']}{seed}")
    if findings:
        print()
    _summary_table(reports, args.seeds)
    if balance["templates"] and len(templates) > 1:
        print("\n" + balance_text(balance))
    if not_generated:
        print(f"\n{len(not_generated)} template(s) generated no instance (cannot be served): "
              f"{', '.join(not_generated)}")
    status = "FAILED" if errors else "ok"
    print(f"\n{status}: {len(templates)} templates × {args.seeds} seeds, {len(errors)} finding(s), "
          f"{len(bank.errors)} file(s) not loaded, {elapsed:.1f} s")
    return 1 if errors else 0


def _result_cache(args: argparse.Namespace):
    """The store of check reports (replayed for unchanged templates), or None when it cannot be used.
    `--no-cache` gives a cache that is written but never read: everything is checked afresh."""
    from trainer.cli.locations import check_results_dir
    from trainer.core.checking.results import ResultCache, checker_digest

    try:
        return ResultCache(check_results_dir(), checker_digest([__file__]), read=not args.no_cache)
    except OSError:  # no cache folder can be named here: check without one
        return None


def _whole_bank(paths: list[Path], folders: list[Path], bank) -> dict:
    """Every template of `paths` by id (the first of an id wins, as `load_bank` does), taking those of
    the folders `bank` was loaded from out of `bank` instead of reading their files again; the
    others are read lazily (headers only)."""
    from trainer.core.templates.bank import load_bank as load_folders

    loaded = [Path(f).resolve() for f in folders]
    unique: list[Path] = []
    for p in paths:
        if Path(p).resolve() not in [u.resolve() for u in unique]:
            unique.append(Path(p))
    resolved = {tid: Path(t.path).resolve() for tid, t in bank.templates.items() if t.path is not None}
    whole: dict = {}
    for p in unique:
        if p.resolve() in loaded:
            root = p.resolve()
            group = {tid: bank.templates[tid] for tid, r in resolved.items() if r == root or r.is_relative_to(root)}
        else:
            group = load_folders([p], lazy=True).templates
        for tid, t in group.items():
            whole.setdefault(tid, t)
    return whole


def _check_graph(args: argparse.Namespace, paths: list[Path], reports: list[dict], bank, folders: list[Path]):
    """The graph findings; with --write-weights, each graph folder's weights file rewritten first."""
    from trainer.core.checking.graph_check import check_graph
    from trainer.core.checking.weights import weights_text
    from trainer.core.learning.authored import WEIGHTS_FILE

    whole = _whole_bank(paths, folders, bank)
    whole.update({tid: t for tid, t in bank.templates.items() if tid not in whole})
    graph = check_graph(paths, whole, reports, args.seeds)
    if not args.write_weights:
        return graph
    for folder, content in graph.weights.items():
        target = folder / WEIGHTS_FILE
        try:
            target.write_text(weights_text(content), encoding="utf-8")
        except OSError as exc:
            raise UserError(f"cannot write {target}: {exc}") from None
        if not args.json:
            print(f"wrote {target}", file=sys.stderr)
    # What was just written is what was measured: judge the files afresh.
    return check_graph(paths, whole, reports, args.seeds)


def choice_balance(reports: list[dict]) -> dict:
    """Bank-level balance of the choice items: where the key is shown and how long it is.

    Args:
        reports: `Report.to_dict()` of every template checked.

    Returns:
        {"templates": choice templates, "instances": their instances checked, "positions": share of
        instances keyed at A, B, …, "length_ranks": share whose key is the 1st, 2nd, … longest option}.
    """
    positions: list[int] = []
    ranks: list[int] = []
    count = 0
    for r in reports:
        if not r.get("positions"):
            continue
        count += 1
        for total, new in ((positions, r["positions"]), (ranks, r.get("length_ranks", []))):
            total.extend([0] * (len(new) - len(total)))
            for i, n in enumerate(new):
                total[i] += n
    n = sum(positions)
    share = (lambda xs: [round(x / n, 4) for x in xs]) if n else (lambda xs: [])
    return {"templates": count, "instances": n, "positions": share(positions), "length_ranks": share(ranks)}


def balance_text(balance: dict) -> str:
    """The choice balance as two lines of the `check` summary."""
    letters = "ABCDEFGH"
    where = " · ".join(f"{letters[i]} {p:.0%}" for i, p in enumerate(balance["positions"]))
    ordinals = ("longest", "2nd longest", "3rd longest") + tuple(f"{i}th longest" for i in range(4, 9))
    ranks = " · ".join(f"{ordinals[i]} {p:.0%}" for i, p in enumerate(balance["length_ranks"]))
    return (f"Choice items: {balance['templates']} templates, {balance['instances']} instances checked\n"
            f"  keyed option shown at: {where}\n  keyed option is the: {ranks}")


def _summary_table(reports: list[dict], seeds: int) -> None:
    width = max([len(r["id"]) for r in reports] + [8])
    print(f"{'TEMPLATE'.ljust(width)}  {'SEEDS':>6}  {'ACCEPT':>7}  {'DISTINCT':>8}  RESULT")
    for r in reports:
        n = sum(1 for f in r["findings"] if f["severity"] == "error")
        result = "ok" if n == 0 else f"{n} finding(s)"
        warn = sum(1 for f in r["findings"] if f["severity"] == "warning")
        if warn:
            result += f", {warn} warning(s)"
        print(f"{r['id'].ljust(width)}  {r['generated']:>6}  {r['acceptance']:>7.1%}  {r.get('distinct', 0):>8}  "
              f"{result}")


class _Progress:
    """A one-line progress bar on stderr (only when stderr is a terminal)."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.n = total, 0
        self.enabled = enabled and sys.stderr.isatty() and total > 0

    def step(self) -> None:
        self.n += 1
        if self.enabled:
            filled = int(30 * self.n / self.total)
            sys.stderr.write(f"\rchecking [{'#' * filled}{'.' * (30 - filled)}] {self.n}/{self.total}")
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()


def cmd_new(args: argparse.Namespace) -> int:
    import re

    from trainer.cli.locations import user_problems_dir
    from trainer.core.templates.spec import ID_PATTERN

    if not re.match(ID_PATTERN, args.id):
        raise UserError(f"id {args.id!r} must be kebab-case: lowercase letters, digits and '-'", 2)
    folder = Path(args.dir) if args.dir else user_problems_dir() / args.topic
    path = folder / f"{args.id}.yaml"
    if path.exists():
        raise UserError(f"{path} already exists; not overwriting it")
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(NEW_TEMPLATE.replace("ID", args.id).replace("TOPIC", args.topic), encoding="utf-8")
    extra = "" if args.dir is None else f" --problems {folder}"
    print(f"wrote {path}\nnext: edit it, then run `trainer check {path}` and "
          f"`trainer preview {args.id}{extra}`")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from trainer.core.templates.schema import template_schema

    print(json.dumps(template_schema(), indent=2, ensure_ascii=False))
    return 0


NEW_TEMPLATE = """\
# A trainer problem template. Full reference: docs/authoring.md; schema: `trainer schema`.
# Every review draws fresh values for `params`, so write the prompt and solution with {placeholders}.
id: ID                      # stable kebab-case id: progress is keyed on it, never rename it
equation: bayes-theorem     # the equation drilled (an id from `trainer list` / the equation cards)
topic: TOPIC
title: Bayes' theorem for a diagnostic test
kind: compute               # compute | recall | concept
tags: [starter]

params:                     # drawn in order; later parameters may use earlier ones
  prior: {float: [0.01, 0.2], decimals: 2}          # P(D)
  sens: {float: [0.8, 0.99], decimals: 2}           # P(+|D)
  fpr: {float: [0.01, 0.1], decimals: 2}            # P(+|not D)
  evidence: {expr: "sens*prior + fpr*(1 - prior)"}  # derived: P(+)

where:                      # redraw every parameter until all of these hold
  - sens*prior/evidence < 0.95

prompt: |
  P(D|+) = P(+|D) P(D) / P(+).
  A disease has prevalence P(D) = {prior}. The test has sensitivity P(+|D) = {sens}
  and false-positive rate P(+|not D) = {fpr}. What is P(D|+)?

answer:
  type: number              # number | integer | vector | matrix | set | direction | choice | formula | multi
  value: sens*prior/evidence
  rtol: 0.005

mistakes:                   # anticipated slips, each diagnosed with its own message
  - id: confuse-conditionals
    value: sens
    message: That is P(+|D), the sensitivity. Bayes turns it around into P(D|+).
  - id: no-evidence-term
    value: sens*prior
    message: You stopped at the numerator P(+|D)P(D); divide by the evidence P(+) = {evidence:.4f}.

hint: First compute the evidence P(+) = P(+|D)P(D) + P(+|not D)P(not D).

solution: |
  P(+) = {sens}·{prior} + {fpr}·{1 - prior} = {evidence:.4f}
  P(D|+) = {sens}·{prior} / {evidence:.4f} = {answer}
"""
