"""CLI figures: wall time of each everyday command against `python -c pass`, median of interleaved runs.

Benchmark module (`figures(quick)` for `python -m benchmarks`). Each command runs as a user runs it,
`python -m trainer ...` in a fresh process, on the bundled bank with an existing database and a warm
bank index and cached bytecode (the state of every run after the first). Runs are interleaved with `python -c pass` so
that machine load affects both alike; the ratio is the figure to compare across machines.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: A bundled template that every bank version has (a formula item: generation and grading both run).
TEMPLATE = "softmax-recall"

COMMANDS: dict[str, list[str]] = {
    "--help": ["--help"],
    "list": ["list"],
    "preview": ["preview", TEMPLATE],
    "grade": ["grade", TEMPLATE, "--answer", "exp(z)/sum(exp(z))"],
    "stats": ["stats"],
    "where": ["where"],
    # The issue names the six above; a user runs these too, and expects them as quick.
    "schema": ["schema"],
    "card": ["card", TEMPLATE],
    "graph": ["graph"],
    "config": ["config"],
    "export": ["export", "--format", "json"],
    "workload": ["workload"],
}


def _seconds(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def figures(quick: bool) -> list[dict]:
    runs = 5 if quick else 11
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TRAINER_HOME": tmp, "PYTHONPATH": str(ROOT)}
        env.pop("TRAINER_DB", None)
        # As installed by pip, modules run from cached bytecode; a shell that disables the cache would
        # time the compiler (about a third of a command), not trainer.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        trainer = [sys.executable, "-m", "trainer"]
        bare = [sys.executable, "-c", "pass"]
        for args in COMMANDS.values():  # creates the database and the bank index
            _seconds(trainer + args, env)
        times: dict[str, list[float]] = {name: [] for name in COMMANDS}
        base: list[float] = []
        for _ in range(runs):
            base.append(_seconds(bare, env))
            for name, args in COMMANDS.items():
                times[name].append(_seconds(trainer + args, env))
    mb = statistics.median(base)
    out = [{"group": "cli", "name": "python -c pass", "value": mb * 1000, "unit": "ms", "target": None,
            "note": f"median of {runs}, the floor every command pays"}]
    for name, ts in times.items():
        m = statistics.median(ts)
        out.append({"group": "cli", "name": f"trainer {name}", "value": m * 1000, "unit": "ms",
                    "target": "≤ 250 ms",
                    "note": f"median of {runs}; {m / mb:.1f}× python -c pass; p90 {sorted(ts)[-max(1, runs // 10)] * 1000:.0f} ms"})
    return out


if __name__ == "__main__":
    for fig in figures(quick="--quick" in sys.argv):
        print(fig)
