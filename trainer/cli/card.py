"""`trainer card ID`: one template's card — state, difficulty, stability, retrievability — and its
full review history (date, seed, answer typed, verdict, rating, interval), implicit reviews
(credit or penalty along the prerequisite graph) marked "implicit (credit from <template>)".

CLI layer. Reads through `Session.card_history`; the answers were typed by the learner, so they are
printed escaped (`terminal_text`).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from trainer.cli import UserError
from trainer.core.scheduling.days import interval_words


def register(subparsers, common) -> None:
    """Add `trainer card` to the `trainer` parser."""
    p = subparsers.add_parser("card", parents=[common], help="one template's card and its full review history",
                              description="Show a template's schedule (state, difficulty D, stability S, "
                              "retrievability R now) and every review of it: date, instance seed, answer "
                              "typed, verdict, rating and the interval it gave.")
    p.add_argument("template_id", metavar="ID", help="template id (see `trainer list`)")
    p.add_argument("--json", action="store_true", help="print JSON (keys documented in docs/data.md)")
    p.set_defaults(handler=run_card)


def _iso(value):
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if isinstance(value, datetime) else value


def to_json(info: dict) -> dict:
    """`Session.card_history` output with times as ISO 8601 UTC text."""
    out = {k: _iso(v) for k, v in info.items() if k != "history"}
    out["history"] = [{k: _iso(v) for k, v in row.items()} for row in info["history"]]
    return out


def run_card(args) -> int:
    """`trainer card ID [--json]`."""
    from trainer.cli.progress import _open, _session
    from trainer.cli.terminal_text import escaped, json_safe

    with _open(args) as store:
        session = _session(args, store)
        tid = args.template_id
        if tid not in session.bank.templates and store.card(tid) is None:
            raise UserError(f"no template or card {tid!r} (see `trainer list`)", 2)
        info = session.card_history(tid)
    if args.json:
        print(json_safe(json.dumps(to_json(info), indent=2, ensure_ascii=False)))
        return 0
    print(escaped(f"{tid} — {info['title'] or '(no longer in the bank)'}"))
    if info["equation"]:
        print(escaped(f"{info['topic']} · {info['equation']}"))
    d, s, r = info["difficulty"], info["stability"], info["retrievability"]
    line = [f"state {info['state']}", f"D {d:.2f}" if d is not None else "D –",
            f"S {s:.2f} d" if s is not None else "S –", f"R {r:.0%} now" if info["state"] != "new" else "R –",
            f"{info['reps']} reviews", f"{info['lapses']} lapses"]
    if info["due"] is not None:
        line.append(f"due {_iso(info['due'])}")
    if info["leech"]:
        line.append("leech")
    if info["suspended"]:
        line.append("suspended")
    print(" · ".join(line))
    if not info["history"]:
        print("no reviews yet")
        return 0
    print(f"\n{'date (UTC)':<17} {'seed':>10}  {'verdict':<8} {'rating':<6} {'interval':>8}  answer")
    for row in info["history"]:
        when = row["reviewed_at"].astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M")
        if row.get("implicit"):
            print(f"{when:<17} {'':>10}  {'':<8} {'':<6} {interval_words(row['interval_days']):>8}  "
                  + escaped(row["label"]))
            continue
        rating = row["rating_name"] + ("*" if row["decided"] == "overridden" else "")
        print(f"{when:<17} {row['seed']:>10}  {row['verdict']:<8} {rating:<6} "
              f"{interval_words(row['interval_days']):>8}  {escaped(row['answer'], lines=False)}"
              + (escaped(f"  [{row['diagnosis_id']}]") if row["diagnosis_id"] else ""))
    print("\n* rating chosen by hand (1–4) instead of the automatic one")
    return 0
