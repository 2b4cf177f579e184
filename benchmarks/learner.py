"""The `learner` group: the learner model measured on simulated learners, one function per comparison.

`default_vs_fitted`: per-user FSRS parameters against the defaults. Each simulated learner has true
FSRS-6 parameters that differ from the defaults (drawn around them, see `true_parameters`, or the
`FORGETFUL` learner of the unit tests); their
reviews are simulated for 180 days with the true parameters as the memory and the defaults as the
schedule (`trainer.core.learning.simulation`, whose docstring documents the model). The log is split
by time: the fit sees the earlier 80%, and both parameter sets predict the later 20% from each
card's full earlier history. Lower log loss and RMSE(bins) are better.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import datetime, timezone

import numpy as np
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

START = datetime(2026, 1, 5, tzinfo=timezone.utc)


def true_parameters(rng: np.random.Generator) -> list[float]:
    """A learner unlike the average: first stabilities w0..w3 scaled by e^N(0, 0.8) (kept in order),
    recall growth w8 shifted by N(0, 0.35), the forgetting curve's decay w20 uniform in [0.1, 0.6];
    everything clipped to the fsrs library's bounds."""
    w = np.array(DEFAULT_PARAMETERS, dtype=float)
    w[0:4] = np.sort(w[0:4] * np.exp(rng.normal(0, 0.8, 4)))
    w[8] += rng.normal(0, 0.35)
    w[20] = rng.uniform(0.1, 0.6)
    return [float(x) for x in np.clip(w, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS)]


#: A learner who forgets faster than the defaults assume (the unit tests' learner): small first
#: stabilities, slow growth, a steeper forgetting curve.
FORGETFUL = [float(x) for x in DEFAULT_PARAMETERS]
FORGETFUL[0:4] = [0.05, 0.3, 0.6, 2.0]
FORGETFUL[8] = 1.0
FORGETFUL[20] = 0.5


def _compare(learners: list[list[float]], *, days: int, cards: int, rng: np.random.Generator) -> dict:
    """Default, fitted and true parameters on each learner's held-out reviews, averaged."""
    from trainer.core.learning.fitting import evaluate, optimize
    from trainer.core.learning.simulation import simulated_log

    defaults = [float(x) for x in DEFAULT_PARAMETERS]
    out: dict[str, list[float]] = {k: [] for k in ("default", "fitted", "true", "rb_default", "rb_fitted",
                                                   "reviews", "seconds")}
    for truth in learners:
        log = simulated_log(truth, cards=cards, days=days, rng=rng, start=START, scheduler_parameters=defaults,
                            new_per_day=5)
        began = time.perf_counter()
        result = optimize(log, defaults)
        out["seconds"].append(time.perf_counter() - began)
        oracle = evaluate(truth, log, split=result.held_out_from)
        out["default"].append(result.before["log_loss"])
        out["fitted"].append(result.after["log_loss"])
        out["true"].append(oracle["log_loss"])
        out["rb_default"].append(result.before["rmse_bins"])
        out["rb_fitted"].append(result.after["rmse_bins"])
        out["reviews"].append(len(log))
    return out


def _figures(label: str, r: dict, days: int) -> list[dict]:
    mean = statistics.mean
    n = len(r["default"])
    gap = mean(r["default"]) - mean(r["true"])
    closed = (mean(r["default"]) - mean(r["fitted"])) / gap if gap > 0 else float("nan")
    wins = sum(a < b for a, b in zip(r["fitted"], r["default"]))
    note = f"{n} learner{'s' if n > 1 else ''} × {days} days, {mean(r['reviews']):.0f} reviews each"
    g = "learner"
    return [
        {"group": g, "name": f"{label}: log loss, default", "value": mean(r["default"]), "unit": "nats",
         "target": None, "note": note + "; scored on the later 20%"},
        {"group": g, "name": f"{label}: log loss, fitted", "value": mean(r["fitted"]), "unit": "nats",
         "target": "< default", "note": "fit on the earlier 80% only"},
        {"group": g, "name": f"{label}: log loss, true", "value": mean(r["true"]), "unit": "nats",
         "target": None, "note": "the floor: the simulation's own memory"},
        {"group": g, "name": f"{label}: share of the gap closed", "value": closed, "unit": "",
         "target": None, "note": "(default − fitted) / (default − true), log loss"},
        {"group": g, "name": f"{label}: RMSE(bins), default", "value": mean(r["rb_default"]), "unit": "",
         "target": None, "note": "srs-benchmark definition"},
        {"group": g, "name": f"{label}: RMSE(bins), fitted", "value": mean(r["rb_fitted"]), "unit": "",
         "target": "< default", "note": f"{mean(r['rb_fitted']) / mean(r['rb_default']) - 1:+.0%} against the default"},
        {"group": g, "name": f"{label}: learners better predicted", "value": wins, "unit": "learners",
         "target": f"{n} of {n}", "note": "by held-out log loss"},
        {"group": g, "name": f"{label}: fit time", "value": statistics.median(r["seconds"]), "unit": "s",
         "target": None, "note": "median; two fits (comparison and final), fsrs-rs-python"},
    ]


def default_vs_fitted(quick: bool) -> list[dict]:
    """Held-out log loss and RMSE(bins) of the default, fitted and true parameters, on two populations:
    learners drawn around the defaults (`true_parameters`) and the forgetful learner (several seeds)."""
    days, cards = (120, 120) if quick else (180, 200)
    rng = np.random.default_rng(20260105)
    drawn = [true_parameters(rng) for _ in range(3 if quick else 10)]
    out = _figures("drawn", _compare(drawn, days=days, cards=cards, rng=rng), days)
    out += _figures("forgetful", _compare([FORGETFUL] * (2 if quick else 5), days=days, cards=cards, rng=rng), days)
    return out


def figures(quick: bool) -> list[dict]:
    """Every comparison of the learner group."""
    return default_vs_fitted(quick)


if __name__ == "__main__":
    for f in figures("--quick" in sys.argv):
        print(f"{f['name']:<48} {f['value']:>10.4f} {f['unit']:<8} {f['target'] or '':<12} {f['note']}")
