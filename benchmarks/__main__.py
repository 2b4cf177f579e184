"""`python -m benchmarks [--quick] [--json] [--only GROUP]`: measure and print every figure."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from importlib import import_module

MODULES = ("engine", "grading", "storage", "startup", "cli", "tui", "hostile", "durability")
MODULES += ("learner",)
MODULES += ("learner_graph",)  # group "learner-graph": plain FSRS against the prerequisite-graph model


def machine() -> dict:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--only", action="append", choices=MODULES, help="run only this group")
    args = parser.parse_args(argv)
    figures: list[dict] = []
    errors: list[str] = []
    for name in args.only or MODULES:
        start = time.perf_counter()
        try:
            module = import_module(f"benchmarks.{name}")
        except ModuleNotFoundError as exc:
            errors.append(f"{name}: not available ({exc.name})")
            continue
        if not args.json:
            print(f"… {name}", file=sys.stderr, flush=True)
        try:
            figures.extend(module.figures(args.quick))
        except Exception as exc:  # a broken benchmark must not hide the others' figures
            errors.append(f"{name}: {type(exc).__name__}: {exc}")
        if not args.json:
            print(f"  {name} took {time.perf_counter() - start:.1f} s", file=sys.stderr)
    if args.json:
        print(json.dumps({"machine": machine(), "quick": args.quick, "figures": figures, "errors": errors},
                         indent=2))
    else:
        m = machine()
        print(f"machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, {m['system']}"
              f"{' (quick)' if args.quick else ''}\n")
        w = max([len(f["name"]) for f in figures] + [10])
        print(f"{'GROUP':<9} {'FIGURE':<{w}} {'VALUE':>12} {'UNIT':<8} {'TARGET':<12} NOTE")
        for f in figures:
            value = f["value"]
            shown = f"{value:,.3f}" if isinstance(value, float) and abs(value) < 100 else f"{value:,.0f}" \
                if isinstance(value, (int, float)) else str(value)
            print(f"{f['group']:<9} {f['name']:<{w}} {shown:>12} {f['unit']:<8} {f.get('target') or '':<12} "
                  f"{f.get('note') or ''}")
        for e in errors:
            print(f"error: {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
