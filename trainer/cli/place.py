"""`trainer place`: the placement diagnostic in plain terminal prompts, on a new database.

CLI layer. Builds the session as the TUI does, refuses a database that already has reviews or a
schedule (exit 1, nothing changed), then asks one question at a time on standard input: each answer
is graded by the real grader, an unreadable one is explained and asked again (never counted), and
`q` (or the end of the input) leaves without writing anything. At the end the placed-out templates
become review cards and the run reports how many questions it took and what was placed. With
`--json` the questions go to standard error and standard output carries only the result. Template
text is printed with control characters escaped.
"""

from __future__ import annotations

import argparse
import json
import sys

QUIT = {"q", "quit"}
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def register(subparsers, common) -> None:
    """Add the `place` command."""
    p = subparsers.add_parser(
        "place", parents=[common], help="placement test: start the schedule at what you already know",
        description="A short diagnostic on a new database: it walks the prerequisite graph by bisection "
        "(a right answer places you out of the equation and what it builds on, a wrong one leaves it and "
        "what builds on it to learn) and seeds the schedule: placed-out templates start as review cards. "
        "Type q to leave without saving anything.")
    p.add_argument("--json", action="store_true",
                   help="print the result as JSON on standard output (questions go to standard error)")
    p.add_argument("--max-questions", type=int, default=None, metavar="N",
                   help="stop after N questions (what is undecided then stays new)")
    p.add_argument("--seed", type=int, default=argparse.SUPPRESS,
                   help="deterministic run (same questions for the same answers)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the placement; 0 when saved or left with `q`, 1 when refused or the input ended early."""
    from trainer.cli import UserError, locations
    from trainer.cli.clock import run_clock
    from trainer.cli.context import problem_folders
    from trainer.core.learning.placement import PlacementError
    from trainer.session import Session
    from trainer.storage import StoreError

    if args.max_questions is not None and args.max_questions < 1:
        raise UserError("--max-questions must be at least 1", 2)
    db = locations.db_path(getattr(args, "db", None))
    try:
        session = Session.open(db, bank_paths=problem_folders(args), clock=run_clock(),
                               seed=getattr(args, "seed", None), bank_index=locations.bank_index_path())
    except StoreError as exc:
        raise UserError(str(exc)) from None
    out = sys.stderr if args.json else sys.stdout
    try:
        try:
            placement = session.start_placement(args.max_questions)
        except PlacementError as exc:
            raise UserError(str(exc)) from None
        estimate = session.placement_offer()
        about = f"about {estimate} questions" if estimate else "a few questions"
        _say(out, f"Placement test ({about}). A right answer places you out of that equation and what it "
                  "builds on; a wrong one leaves it, and what builds on it, to learn.\n"
                  "Type q to leave without saving anything.\n")
        ending = _ask_all(session, placement, out)
        if ending != "done":
            return 1 if ending == "ended" else 0
        result = placement.finish()
    except StoreError as exc:
        raise UserError(str(exc)) from None
    finally:
        session.close()
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _report(result, out)
    return 0


def _ask_all(session, placement, out) -> str:
    """Ask until the walk is "done", the learner has "left" (q), or the input has "ended"."""
    from trainer.cli.terminal_text import escaped

    names = _equation_names()
    while (item := placement.next_item()) is not None:
        instance = item.instance
        number = placement.summary()["questions"] + 1
        _say(out, f"\nQuestion {number} · {escaped(names.get(instance.equation, instance.equation))}")
        _say(out, _front_text(session, instance))
        while True:
            out.write("answer> ")
            out.flush()
            line = sys.stdin.readline()
            if not line:
                _say(out, "\nThe input ended before the placement did; nothing was saved.")
                return "ended"
            text = line.strip()
            if text.lower() in QUIT:
                _say(out, "Placement left; nothing was saved.")
                return "left"
            if not text:
                continue
            verdict = placement.submit(item, text)
            if verdict.error is not None:
                _say(out, f"Could not read that: {escaped(verdict.error.message)}"
                          + (f" (hint: {escaped(verdict.error.hint)})" if verdict.error.hint else "")
                          + " — try again; this does not count.")
                continue
            if verdict.correct:
                _say(out, "✓ Right.")
            else:
                _say(out, f"✗ Not right — expected {escaped(str(verdict.expected))}.")
            break
    return "done"


def _front_text(session, instance) -> str:
    """The question as text: title, prompt, given parameters, options (as the review screen shows them)."""
    from trainer.cli.terminal_text import escaped
    from trainer.core.templates.card_front import front
    from trainer.core.templates.text import fmt

    template = session.bank.templates.get(instance.template_id)
    shown = front(instance, template, cards={})
    lines = [escaped(shown.title), escaped(shown.prompt.strip())]
    for name, value in shown.params.items():
        lines.append(f"  {escaped(name)} = {escaped(fmt(value))}")
    for i, option in enumerate(shown.options):
        lines.append(f"  ({LETTERS[i]}) {escaped(option)}")
    precision = getattr(instance.answer, "precision_text", "")
    if precision and precision not in shown.prompt:
        lines.append(f"  ({escaped(precision)})")
    return "\n".join(lines)


def _equation_names() -> dict[str, str]:
    try:
        from trainer.core.solvers.equations import equations

        return {k: v.name for k, v in equations().items()}
    except Exception:  # names are a nicety; ids still say which equation
        return {}


def _report(result: dict, out) -> None:
    from trainer.cli.terminal_text import escaped
    from trainer.session import placement_report

    _say(out, "")
    for line in placement_report(result, _equation_names()):
        _say(out, escaped(line))


def _say(out, text: str) -> None:
    out.write(text + "\n")
    out.flush()
