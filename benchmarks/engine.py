"""Engine figures: bank load time, instances per second per template, `trainer check` wall and CPU time."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def figures(quick: bool) -> list[dict]:
    from trainer.core.templates.bank import load_bank
    from trainer.core.templates.generation import GenerationError, generate

    folder = ROOT / "problems"
    loads = []
    for _ in range(3 if quick else 7):
        start = time.perf_counter()
        bank = load_bank([folder])
        loads.append(time.perf_counter() - start)
    rates = {}
    budget = 0.05 if quick else 0.25
    for tid, template in bank.templates.items():
        n, start, seed = 0, time.perf_counter(), 0
        while time.perf_counter() - start < budget:
            try:
                generate(template, seed)
            except GenerationError:
                pass
            n += 1
            seed += 1
        rates[tid] = n / (time.perf_counter() - start)
    slowest = min(rates, key=rates.get) if rates else "-"
    out = [
        {"group": "engine", "name": "bank load (all templates)", "value": statistics.median(loads) * 1000,
         "unit": "ms", "target": None, "note": f"{len(bank.templates)} templates, median of {len(loads)}"},
        {"group": "engine", "name": "instances/s per template (median)",
         "value": statistics.median(rates.values()) if rates else 0.0, "unit": "/s", "target": "≥ 2,000",
         "note": f"over {len(rates)} templates"},
        {"group": "engine", "name": "instances/s (slowest template)", "value": rates.get(slowest, 0.0),
         "unit": "/s", "target": None, "note": slowest},
    ]
    out.extend(check_figures(quick))
    return out


def check_figures(quick: bool) -> list[dict]:
    """`trainer check` of the whole bundled bank as a user runs it, three times on one empty cache
    folder: cold (nothing stored: every template checked), warm (nothing changed: every report
    replayed) and with one template edited (a comment added, so its bytes differ: that one checked
    again). Each as wall time and as the CPU time of the command and its worker processes (a fairer
    figure on a shared machine), with the load it ran under. The edited file is restored afterwards."""
    import tempfile

    seeds = 50 if quick else 200
    folder = ROOT / "problems"
    edited = sorted(folder.rglob("*.yaml"))[0]
    name = f"check whole bank, {seeds} seeds" + (" (quick, not 200)" if quick else "")
    reference = _reference_cpu()
    out = [{"group": "engine", "name": "machine: reference work, CPU", "value": reference * 1000, "unit": "ms",
            "target": None, "note": "fixed Python and small-array numpy work, none of trainer's; median of 5: "
                                    "how fast this machine is now (a VM's speed drifts)"}]
    with tempfile.TemporaryDirectory(prefix="trainer-bench-check-") as home:
        env = {**os.environ, "TRAINER_HOME": home}
        original = edited.read_bytes()
        try:
            for label, edit in (("", False), (", warm cache", False), (", one template edited", True)):
                if edit:
                    edited.write_bytes(original + b"\n# edited by the benchmark: new bytes, same template\n")
                out.extend(_timed_check(folder, seeds, env, name + label, label, edited.name if edit else ""))
        finally:
            edited.write_bytes(original)
    cold_cpu = next(f["value"] for f in out if f["name"] == name + ", CPU")
    at = next(i for i, f in enumerate(out) if f["name"] == name + ", CPU") + 1
    out.insert(at, {"group": "engine", "name": name + ", CPU / reference work", "value": cold_cpu / reference,
                   "unit": "×", "target": None,
                   "note": "the cold check's CPU in units of the machine's reference work: comparable across "
                           "runs on a faster or slower machine"})
    return out


def _reference_cpu() -> float:
    """CPU seconds of a fixed piece of work like `check`'s own mix (Python calls and arithmetic, numpy
    calls on a few numbers) that runs no trainer code: the yardstick for the check's CPU figure."""
    import numpy as np

    def work() -> float:
        start = time.process_time()
        total = 0
        for i in range(400_000):
            total += (i * i) % 7
        a, b = np.arange(8.0), np.ones(8)
        for _ in range(40_000):
            a = np.add(a, b) * 0.5
            float(a.sum())
        return time.process_time() - start

    return statistics.median(work() for _ in range(5))


def _timed_check(folder: Path, seeds: int, env: dict, name: str, label: str, edited: str) -> list[dict]:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "trainer", "check", str(folder), "--seeds", str(seeds)],
                          capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    what = {"": "cold: empty cache", ", warm cache": "warm: every report replayed",
            ", one template edited": f"{edited} edited, the rest replayed"}[label]
    note = f"{what}; exit {proc.returncode}, {os.cpu_count()} cores, load {load:.1f} at start"
    return [
        {"group": "engine", "name": name, "value": wall, "unit": "s",
         "target": "≤ 10 s" if seeds == 200 and not label else None, "note": note},
        {"group": "engine", "name": name + ", CPU", "value": cpu, "unit": "s", "target": None,
         "note": "user + sys of the command and its workers"},
    ]
