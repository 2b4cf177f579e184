"""`trainer grade ID --seed N --answer TEXT [--json]`: grade one typed answer from the command line.

CLI layer. Loads the bank, generates the instance for (ID, seed) and prints the verdict, as text or
as the JSON verdict (`error` set for an answer that cannot be read). Any verdict exits 0; an unknown
id, a bad seed or an answer that is not UTF-8 text is a usage error (exit 2). Control characters in
what is echoed back are printed as escapes (`\x1b`), never sent to the terminal as they are.
"""

from __future__ import annotations

import argparse
import json


def register(subparsers, common) -> None:
    """Add the `grade` command."""
    p = subparsers.add_parser(
        "grade", parents=[common], help="grade a typed answer to one instance",
        description="Generate the instance of template ID for --seed and grade --answer against it.")
    p.add_argument("id", metavar="ID", help="template id (see `trainer list`)")
    p.add_argument("--seed", type=int, default=argparse.SUPPRESS,
                   help="instance seed (default 0, as for `trainer preview`)")
    p.add_argument("--answer", required=True, metavar="TEXT",
                   help="the answer as a learner would type it, e.g. '1/3', '[4, 7]', 'σ(x)(1-σ(x))'")
    p.add_argument("--json", action="store_true", help="print the verdict as JSON")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Grade the answer; exit 0 for any verdict."""
    from trainer.cli import UserError
    from trainer.cli.context import load_one
    from trainer.core.templates.generation import GenerationError, generate
    from trainer.core.grading.grader import grade

    from trainer.cli.terminal_text import escaped, first_surrogate, json_safe

    bad = first_surrogate(args.answer)
    if bad is not None:
        code = ord(args.answer[bad])
        what = (f"byte 0x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF  # undecodable argv byte
                else f"lone surrogate U+{code:04X}")
        raise UserError(f"--answer is not valid UTF-8 text: {what} at position {bad}; "
                        f"retype the answer in a UTF-8 terminal", 2)
    seed = getattr(args, "seed", None)
    seed = 0 if seed is None else seed
    if seed < 0:
        raise UserError("--seed must be a non-negative whole number", 2)
    template = load_one(args, args.id)
    try:
        instance = generate(template, seed)
    except GenerationError as exc:
        raise UserError(f"{template.path}: cannot generate seed {seed}: {exc.message}") from None
    verdict = grade(instance, args.answer)
    if args.json:
        out = {"id": instance.template_id, "seed": instance.seed, "answer": args.answer,
               **verdict.to_dict()}
        print(json_safe(json.dumps(out, ensure_ascii=False, indent=2)))
        return 0
    print(_human(verdict, args.answer, escaped))
    return 0


def _human(verdict, typed: str, escaped) -> str:
    """The verdict for a person; `escaped` makes each echoed piece safe for the terminal."""
    lines = []
    if verdict.error is not None:
        err = verdict.error
        lines.append(f"Could not read: {escaped(err.message)}")
        if err.position is not None and err.position <= len(typed):
            # The caret goes under the escaped text: count what precedes the position as printed.
            lines.append(f"  {escaped(typed, lines=False)}")
            lines.append("  " + " " * len(escaped(typed[:err.position], lines=False)) + "^")
        if err.hint:
            lines.append(f"  hint: {escaped(err.hint)}")
        return "\n".join(lines)
    lines.append(f"You typed: {escaped(str(verdict.parsed), lines=False)}")
    mark = "✓ correct" if verdict.correct else "✗ not correct"
    if not verdict.correct and verdict.score > 0:
        mark += f" (score {verdict.score:.0%})"
    lines.append(mark)
    if verdict.diagnosis is not None:
        lines.append(f"Mistake: {escaped(verdict.diagnosis.id)} — {escaped(verdict.diagnosis.message)}")
    elif not verdict.correct or verdict.feedback != "Correct.":
        lines.append(escaped(verdict.feedback))
    lines.append(f"Expected: {escaped(str(verdict.expected))}")
    if verdict.solution:
        lines.append("")
        lines.append(escaped(verdict.solution.rstrip()))
    return "\n".join(lines)
