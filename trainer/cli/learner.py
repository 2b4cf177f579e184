"""Learner-model commands: `optimize` (fit FSRS parameters to your reviews) and `workload` (reviews per
day against desired retention).

CLI layer. Both read through the session; the FSRS optimizer and numpy are imported by the session
methods that need them, so `trainer --help` stays light.
"""

from __future__ import annotations

import json
import sys
import textwrap

from trainer.cli import UserError


def register(subparsers, common) -> None:
    """Add `trainer optimize` and `trainer workload` to the `trainer` parser."""
    p = subparsers.add_parser(
        "optimize", parents=[common], help="fit FSRS parameters to your own reviews",
        description="Fit the 21 FSRS parameters to your review log (explicit reviews, and imported ones), "
        "and compare them with the parameters in use on the later fifth of the log (log loss and RMSE(bins), "
        "lower is better; the comparison fit never sees those reviews). On a terminal it asks before "
        "using the fitted parameters; --apply uses them without asking, --no-apply never does. "
        "--reset goes back to the default parameters.")
    p.add_argument("--json", action="store_true", help="print JSON: parameters, reviews, before, after, warnings")
    choice = p.add_mutually_exclusive_group()
    choice.add_argument("--apply", dest="apply", action="store_true", default=None,
                        help="use the fitted parameters from now on, without asking")
    choice.add_argument("--no-apply", dest="apply", action="store_false", help="only report; change nothing")
    choice.add_argument("--reset", action="store_true", help="go back to the default FSRS parameters")
    p.set_defaults(handler=run_optimize)

    p = subparsers.add_parser(
        "workload", parents=[common], help="reviews per day against desired retention",
        description="Simulate your cards (and the templates not yet started, at new_per_day) with your FSRS "
        "parameters and show the expected reviews per day at each desired retention from 0.70 to 0.97, "
        "like Anki's \"Help me decide\". The simulation is seeded: the same cards give the same chart.")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--days", type=int, default=365, metavar="N", help="days simulated (default 365)")
    p.set_defaults(handler=run_workload)


def _session(args, store):
    from trainer.cli.progress import _session as progress_session

    return progress_session(args, store)


def _metrics(m: dict) -> str:
    return f"log loss {m['log_loss']:.4f}, RMSE(bins) {m['rmse_bins']:.4f}"


def _ask(question: str) -> bool:
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def run_optimize(args) -> int:
    """`trainer optimize [--json] [--apply | --no-apply | --reset]`."""
    from trainer.cli.progress import _open
    from trainer.core.learning.fitting import FitError, NotEnoughReviews

    with _open(args) as store:
        session = _session(args, store)
        if args.reset:
            session.reset_parameters()
            if args.json:
                print(json.dumps({"reset": True, "parameters": session.parameters_in_use()}))
            else:
                print("FSRS parameters reset: scheduling uses the defaults from now on.")
            return 0
        fitted_before = session.fsrs_parameters is not None
        try:
            result = session.optimize()
        except NotEnoughReviews as exc:
            raise UserError(f"cannot optimize yet: {exc} (keep reviewing, or bring history with "
                            "`trainer import --format csv FILE`)") from None
        except FitError as exc:
            raise UserError(str(exc)) from None
        better = result.after["log_loss"] < result.before["log_loss"]
        apply = args.apply
        if apply is None and not args.json and sys.stdin.isatty() and sys.stdout.isatty():
            _print_result(result, fitted_before, better)
            apply = _ask("Use the fitted parameters from now on? [y/N] ")
            printed = True
        else:
            printed = False
        if apply:
            try:
                session.apply_parameters(result.parameters)
            except ValueError as exc:  # cannot happen for a fit's output; never a traceback if it does
                raise UserError(f"the fitted parameters cannot be used: {exc}") from None
        if args.json:
            print(json.dumps({"parameters": result.parameters, "reviews": result.reviews,
                              "before": result.before, "after": result.after,
                              "held_out_from": result.held_out_from.isoformat(), "warnings": result.warnings,
                              "applied": bool(apply)}, indent=2))
            return 0
        if not printed:
            _print_result(result, fitted_before, better)
        if apply:
            print("Applied: the fitted parameters schedule every review from now on "
                  "(`trainer optimize --reset` goes back to the defaults).")
        elif args.apply is None:
            print("Nothing changed. `trainer optimize --apply` uses the fitted parameters.")
    return 0


def _print_result(result, fitted_before: bool, better: bool) -> None:
    print(f"Reviews in the log: {result.reviews}; scored on the {result.after['reviews']} later reviews "
          f"from {result.held_out_from:%Y-%m-%d}.")
    print(f"  in use ({'fitted earlier' if fitted_before else 'defaults'}): {_metrics(result.before)}")
    print(f"  fitted:               {_metrics(result.after)}")
    print("  (lower is better)")
    if not better:
        print("The fit does not predict your later reviews better than the parameters in use; "
              "keeping those is the safer choice.")
    for warning in result.warnings:
        print(f"warning: {warning}")
    print("Parameters: " + ", ".join(f"{x:.4f}" for x in result.parameters))


BAR_WIDTH = 40
_EIGHTHS = " ▏▎▍▌▋▊▉█"


def bar(value: float, top: float, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of `width` cells for `value` on a scale whose full width is `top`, in eighths."""
    eighths = 0 if top <= 0 else round(max(0.0, min(1.0, value / top)) * width * 8)
    full, rest = divmod(eighths, 8)
    return ("█" * full + (_EIGHTHS[rest] if rest else "")).ljust(width)


def run_workload(args) -> int:
    """`trainer workload [--json] [--days N]`."""
    from trainer.cli.progress import _open

    if args.days < 1 or args.days > 3650:
        raise UserError(f"--days must be between 1 and 3650, got {args.days}", 2)
    with _open(args) as store:
        session = _session(args, store)
        rows = session.workload(days=args.days)
        desired = float(session.settings["desired_retention"])
        fitted = session.fsrs_parameters is not None
    if args.json:
        print(json.dumps({"days": args.days, "desired_retention": desired,
                          "parameters": "fitted" if fitted else "default", "workload": rows}, indent=2))
        return 0
    top = max(r["reviews_per_day"] for r in rows)
    print(textwrap.fill(f"Expected reviews per day over the next {args.days} days, by desired retention "
                        f"({'your fitted' if fitted else 'default'} FSRS parameters; ◀ your setting, "
                        f"{desired:.2f}):", 80) + "\n")
    for r in rows:
        mark = " ◀" if abs(r["retention"] - desired) < 1e-9 else ""
        print(f"  {r['retention']:.2f} │{bar(r['reviews_per_day'], top)}│ {r['reviews_per_day']:6.1f} /day  "
              f"{r['memorized']:6.0f} remembered{mark}")
    print("\n" + textwrap.fill("\"remembered\": cards expected to be recalled at the end. Higher retention costs "
                              "more reviews; past about 0.95 each point costs far more. "
                              "`trainer config desired_retention X` sets it.", 80))
    return 0
