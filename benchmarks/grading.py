"""Grading figures: latency per answer type (p50/p99), accuracy by notation family and answer type with
false accepts (the hand-verdict tables of issue 9), and the formula corpus against a sympy baseline.

Latency is measured warm (each instance graded once first, so a formula's reference is cached) on
instances of the bundled bank: the correct answer, each anticipated mistake, and a wrong value that
runs the whole slip library. The baseline decides the corpus of `tests/test_grading_corpus.py` with
`sympy.simplify(a - b) == 0` on sympy expressions built node by node from the parsed trees (never
from text), each row in a worker process under a time budget.
"""

from __future__ import annotations

import multiprocessing as mp
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TYPES = ("number", "integer", "vector", "matrix", "set", "direction", "choice", "formula", "multi")
TARGETS = {"number": 2.0, "integer": 2.0, "formula": 10.0}


def _wrong_text(instance) -> str | None:
    """A wrong value that is no slip: the grader tries every mistake and slip before saying so."""
    import numpy as np

    from trainer.core.grading.grader import _value_text

    ans = instance.answer
    if ans.type in ("number", "vector", "matrix", "set"):
        return _value_text(ans.type, np.asarray(ans.value, dtype=float) * 1.37 + 0.11)
    if ans.type == "integer":
        return str(int(ans.value) + 7)
    if ans.type == "formula":
        from trainer.core.language.printing import to_input_text

        return f"{to_input_text(ans.value)} * 1.37 + 0.11"
    return None


def _latencies(quick: bool) -> dict[str, list[float]]:
    from trainer.core.templates.bank import load_bank
    from trainer.core.templates.generation import generate
    from trainer.core.grading.grader import answer_text, grade

    bank = load_bank([ROOT / "problems"])
    seeds = range(3 if quick else 10)
    repeats = 3 if quick else 10
    out: dict[str, list[float]] = defaultdict(list)
    for template in bank.templates.values():
        for seed in seeds:
            inst = generate(template, seed)
            texts = [answer_text(inst), *(answer_text(inst, m) for m in inst.mistakes)]
            wrong = _wrong_text(inst)
            if wrong is not None:
                texts.append(wrong)
            for text in texts:
                grade(inst, text)  # warm: the formula reference is built and cached here
                for _ in range(repeats):
                    start = time.perf_counter()
                    grade(inst, text)
                    out[inst.answer.type].append((time.perf_counter() - start) * 1000)
    return out


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _sympy_verdict(reference: str, typed: str, names: tuple[str, ...]) -> str:
    """'correct', 'wrong' or 'unsupported', by sympy.simplify(a - b) == 0 (runs in a worker)."""
    import sympy

    from trainer.core.language.template_syntax import parse_template
    from trainer.core.grading.equivalence import to_sympy
    from trainer.core.language.answer_syntax import parse_answer

    try:
        symbols = {n: sympy.Symbol(n, real=True) for n in names}
        a = to_sympy(parse_template(reference), symbols)
        b = to_sympy(parse_answer(typed, variables=names), symbols)
    except ValueError:
        return "unsupported"
    return "correct" if sympy.simplify(a - b) == 0 else "wrong"


def _baseline(rows, budget: float) -> tuple[list[str], list[float]]:
    ctx = mp.get_context("fork" if sys.platform != "win32" else "spawn")
    verdicts, times = [], []
    pool = ctx.Pool(1)
    try:
        for reference, names, typed in rows:
            start = time.perf_counter()
            job = pool.apply_async(_sympy_verdict, (reference, typed, names))
            try:
                verdicts.append(job.get(timeout=budget))
            except mp.TimeoutError:
                verdicts.append("timeout")
                pool.terminate()  # the only way to stop a runaway simplify
                pool = ctx.Pool(1)
            times.append((time.perf_counter() - start) * 1000)
    finally:
        pool.terminate()
    return verdicts, times


def _corpus_figures(quick: bool) -> list[dict]:
    sys.path.insert(0, str(ROOT))
    from tests.unit.test_grading_corpus import CORPUS, formula_instance

    from trainer.core.grading.grader import grade

    ours_ok, ours_times, rows, expected = 0, [], [], []
    for _, reference, domains, typed, verdict in CORPUS:
        inst = formula_instance(reference, domains)
        grade(inst, typed)
        start = time.perf_counter()
        v = grade(inst, typed)
        ours_times.append((time.perf_counter() - start) * 1000)
        if v.error is not None:  # corpus rows marked "refused": a solver call may not stand for the formula
            got = "refused"
        else:
            got = "correct" if v.correct else (v.diagnosis.id if v.diagnosis else "wrong")
        ours_ok += got == verdict
        rows.append((reference, inst.answer.variable_names, typed))
        expected.append(verdict == "correct")
    budget = 2.0 if quick else 5.0
    verdicts, base_times = _baseline(rows, budget)
    decided = [v for v in verdicts if v in ("correct", "wrong")]
    base_ok = sum((v == "correct") == want for v, want in zip(verdicts, expected) if v in ("correct", "wrong"))
    decided_times = [t for t, v in zip(base_times, verdicts) if v != "unsupported"]
    ours_binary = 0
    for (_, reference, domains, typed, verdict) in CORPUS:
        v = grade(formula_instance(reference, domains), typed)
        ours_binary += v.correct == (verdict == "correct")
    n = len(CORPUS)
    unsupported = verdicts.count("unsupported")
    timeouts = verdicts.count("timeout")
    return [
        {"group": "grading", "name": "corpus accuracy (grader, verdict + diagnosis)", "value": ours_ok / n,
         "unit": "ratio", "target": "1.0", "note": f"{ours_ok}/{n} rows"},
        {"group": "grading", "name": "corpus accuracy (grader, right/wrong)", "value": ours_binary / n,
         "unit": "ratio", "target": None, "note": f"{ours_binary}/{n} rows"},
        {"group": "grading", "name": "corpus accuracy (sympy simplify baseline)", "value": base_ok / n,
         "unit": "ratio", "target": None,
         "note": f"{base_ok}/{n} right; {len(decided)} decided, {unsupported} not expressible "
                 f"(vectors/matrices), {timeouts} over {budget:.0f} s"},
        {"group": "grading", "name": "corpus median time (grader, warm)", "value": statistics.median(ours_times),
         "unit": "ms", "target": None, "note": f"{n} rows"},
        {"group": "grading", "name": "corpus median time (sympy baseline)",
         "value": statistics.median(decided_times) if decided_times else 0.0, "unit": "ms", "target": None,
         "note": f"median over the {len(decided_times)} rows it could express, incl. worker round trip"},
    ]


def _notation_figures() -> list[dict]:
    """Accuracy by answer type and notation family on the hand-verdict tables, false accepts, latency.

    The rows are the tables of `tests/unit/test_notations.py` (one per notation family) and the
    precision boundaries of `tests/unit/test_precision.py`; each verdict there was worked out by hand.
    A false accept is a row graded correct whose verdict is anything else (target 0).
    """
    sys.path.insert(0, str(ROOT))
    from tests.unit import test_notations as tn
    from tests.unit import test_precision as tp

    from trainer.core.grading.grader import grade

    rows = [(family, inst, typed, verdict) for family, _, inst, typed, verdict in tn.ROWS]
    rows += [("precision", inst, typed, "correct" if ok else "wrong-or-slip") for inst, typed, ok in tp.NUMBERS]
    by_family: dict[str, list[bool]] = defaultdict(list)
    by_type: dict[str, list[bool]] = defaultdict(list)
    false_accepts, times = [], []
    for family, inst, typed, verdict in rows:
        grade(inst, typed)  # warm
        start = time.perf_counter()
        v = grade(inst, typed)
        times.append((time.perf_counter() - start) * 1000)
        if v.error is not None:
            got = "error"
        elif v.correct:
            got = "correct"
        else:
            got = v.diagnosis.id if v.diagnosis else "wrong"
        if verdict == "wrong-or-slip":
            ok = got not in ("correct", "error")
        else:
            ok = got == verdict
        by_family[family].append(ok)
        by_type[inst.answer.type].append(ok)
        if got == "correct" and verdict != "correct":
            false_accepts.append(f"{family}: {typed!r}")
    out = []
    for name, table in (("family", by_family), ("answer type", by_type)):
        for key, oks in sorted(table.items()):
            out.append({"group": "notation", "name": f"accuracy by {name}: {key}", "value": sum(oks) / len(oks),
                        "unit": "ratio", "target": "1.0", "note": f"{sum(oks)}/{len(oks)} rows"})
    out.append({"group": "notation", "name": "false accepts", "value": float(len(false_accepts)),
                "unit": "rows", "target": "0", "note": "; ".join(false_accepts[:3]) or f"of {len(rows)} rows"})
    out.append({"group": "notation", "name": "grade latency p50 (notation rows)", "value": _pct(times, 0.5),
                "unit": "ms", "target": None, "note": f"{len(times)} gradings, warm"})
    out.append({"group": "notation", "name": "grade latency p99 (notation rows)", "value": _pct(times, 0.99),
                "unit": "ms", "target": "≤ 2 ms", "note": "formula rows included"})
    return out


def figures(quick: bool) -> list[dict]:
    """Grading latency per answer type, the notation tables, and the corpus against a sympy baseline."""
    lat = _latencies(quick)
    out = _notation_figures()
    for atype in TYPES:
        values = lat.get(atype)
        if not values:
            continue
        target = TARGETS.get(atype)
        out.append({"group": "grading", "name": f"latency {atype} p50", "value": _pct(values, 0.5),
                    "unit": "ms", "target": None, "note": f"{len(values)} gradings, warm"})
        out.append({"group": "grading", "name": f"latency {atype} p99", "value": _pct(values, 0.99),
                    "unit": "ms", "target": f"≤ {target:g} ms" if target else None,
                    "note": "correct, mistakes and a wrong value"})
    out.extend(_corpus_figures(quick))
    return out


if __name__ == "__main__":
    for f in figures("--quick" in sys.argv):
        print(f"{f['name']:<48} {f['value']:>10.3f} {f['unit']:<6} {f['target'] or '':<10} {f['note']}")
