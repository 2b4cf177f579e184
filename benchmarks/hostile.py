"""Hostile template figures: how many hostile files are refused or flagged, and the worst `check` time.

Each file below is a way a template has broken (or could break) the trainer: characters YAML refuses,
a sparse 2 GiB file, alias bombs and Python tags, unsatisfiable or rarely true constraints, ranges a
trillion wide, constant size errors, the parameter limit, answers that are sometimes infinite. Every
broken one must be refused at load or flagged by `check`, and the sound ones that used to hang (a
trillion-wide range with `step` and `not`) must pass; the figures say so, and how long the worst took.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

GOOD = """\
id: ID
equation: entropy
topic: information
title: T
kind: compute
params:
  x: {int: [1, 5]}
prompt: x = {x}
answer: {type: number, value: x * 2}
mistakes:
  - {id: half, value: x / 2, message: halved}
solution: "{answer}"
"""


def _variant(name: str, old: str = "", new: str = "", prefix: str = "") -> tuple[str, str]:
    text = GOOD.replace("ID", name)
    if old:
        assert old in text, old
        text = text.replace(old, new)
    return name, prefix + text


def hostile_texts() -> list[tuple[str, str]]:
    """(name, YAML text) of every hostile template (the sparse file is made separately)."""
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    many = "".join(f"  p{i}: {{int: [1, 5]}}\n" for i in range(65))
    wide_many = "".join(f"  w{i}: {{int: [0, 1000000000000], step: 7, not: [0, 7]}}\n" for i in range(60))
    return [
        _variant("form-feed", prefix="# a comment \f here\n"),
        _variant("escape-title", "title: T", "title: T\x1b[31m"),
        _variant("bell-prompt", "prompt: x = {x}", "prompt: x = {x}\x07"),
        _variant("nul", "title: T", "title: T\x00"),
        ("alias-bomb", bomb),
        _variant("python-tag", "title: T", "title: !!python/object/apply:os.system [echo]"),
        _variant("deep-nesting", "title: T", "title: T\nextra: " + "[" * 5000 + "]" * 5000),
        _variant("unsatisfiable", "prompt:", "where: [x > 10]\nprompt:"),
        _variant("rarely-true", "  x: {int: [1, 5]}\n", "  x: {int: [1, 1000000]}\nwhere: [x == 1]\n"),
        _variant("trillion-wide", "  x: {int: [1, 5]}\n",
                 "  x: {int: [1, 5]}\n  big: {int: [0, 1000000000000], step: 7, not: [0, 7]}\n"),
        _variant("trillion-wide-rare", "  x: {int: [1, 5]}\n", "  x: {int: [1, 5]}\n" + wide_many
                 + "where: [w0 % 1000 == 999]\n"),
        _variant("constant-size-error", "  x: {int: [1, 5]}\n",
                 "  x: {int: [1, 5]}\n  k: {value: 30}\n  A: {matrix: [k, k]}\n"),
        _variant("constant-false-constraint", "  x: {int: [1, 5]}\n",
                 "  x: {int: [1, 5]}\n  k: {value: 3}\nwhere: [k > 4]\n"),
        _variant("too-many-params", "  x: {int: [1, 5]}\n", "  x: {int: [1, 5]}\n" + many),
        _variant("sometimes-infinite", "value: x * 2", "value: 1 / (x - 3)"),
        _variant("always-infinite", "value: x * 2", "value: 1 / (x - x)"),
        _variant("bad-step", "[1, 5]}", "[1, 5], step: abc}"),
        _variant("duplicate-of-bundled", "id: duplicate-of-bundled", "id: entropy-bits"),
    ]


SOUND = {"trillion-wide"}  # hostile to the old list-building sampler, but a valid template


def figures(quick: bool) -> list[dict]:
    from trainer.core.checking.check import check_template, duplicate_ids, grading_hook
    from trainer.core.templates.bank import load_bank

    root = Path(__file__).resolve().parent.parent
    seeds = 50 if quick else 200
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        texts = hostile_texts()
        for name, text in texts:
            (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
        with open(folder / "sparse-2gib.yaml", "wb") as fh:
            fh.truncate(2 * 1024**3)
        count = len(texts) + 1
        start = time.perf_counter()
        bank = load_bank([folder])
        load_ms = (time.perf_counter() - start) * 1000
        whole = load_bank([root / "problems"], lazy=True)
        flagged = {e.path.stem for e in bank.errors}
        flagged |= {f.template_id for f in duplicate_ids(bank.templates, whole.templates)}
        grader = grading_hook()
        times: dict[str, float] = {}
        for tid, template in bank.templates.items():
            start = time.perf_counter()
            report = check_template(template, seeds, grader=grader, clock=time.monotonic)
            times[tid] = time.perf_counter() - start
            if not report.ok:
                flagged.add(tid)
    names = {name for name, _ in texts} | {"sparse-2gib"}
    if "entropy-bits" in flagged:  # a duplicate is flagged under its (bundled) id
        flagged.add("duplicate-of-bundled")
    as_expected = {n for n in names if (n in flagged) != (n in SOUND)}
    worst = max(times, key=times.get) if times else "-"
    return [
        {"group": "hostile", "name": "hostile templates", "value": count, "unit": "files", "target": None,
         "note": f"{len(bank.errors)} refused at load, {len(bank.templates)} checked"},
        {"group": "hostile", "name": "hostile templates handled as expected", "value": len(as_expected),
         "unit": "files", "target": f"= {count}",
         "note": "wrong: " + ", ".join(sorted(names - as_expected)) if names - as_expected
         else f"{count - len(SOUND)} refused or flagged, {len(SOUND)} sound one passes"},
        {"group": "hostile", "name": "hostile bank load (incl. sparse 2 GiB)", "value": load_ms, "unit": "ms",
         "target": None, "note": None},
        {"group": "hostile", "name": f"worst check time, {seeds} seeds", "value": times.get(worst, 0.0),
         "unit": "s", "target": "≤ 10 s", "note": worst},
    ]
