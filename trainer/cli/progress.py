"""Progress commands: where, stats, export, import, backup, restore, config.

CLI layer. Resolves paths through `trainer.cli.locations`, opens the store, and turns every storage
error into a one-line message with exit code 1. sqlite-utils, numpy and the bank are imported inside
the handlers so `trainer --help` stays fast.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path

from trainer.cli import UserError
from trainer.cli import locations


def register(subparsers, common) -> None:
    """Add the progress commands to the `trainer` parser."""
    p = subparsers.add_parser("where", parents=[common], help="print every path trainer uses",
                              description="Print the data folder, database, backups and problem folders in use.")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(handler=run_where)

    p = subparsers.add_parser("stats", parents=[common], help="show review statistics",
                              description="Reviews, streak, true retention, forecast, card states (new, learning, young, "
                              "mature), recall now, time per day, timing, "
                              "frequent mistakes and leeches (JSON keys are documented in docs/data.md).")
    p.add_argument("--json", action="store_true", help="print the full statistics as JSON")
    p.set_defaults(handler=run_stats)

    p = subparsers.add_parser("export", parents=[common], help="export the review log (CSV) or a full backup (JSON)",
                              description="csv: the FSRS optimizer's layout (card_id, review_time, review_rating, "
                              "review_state, review_duration). json: everything, for `trainer import`.")
    p.add_argument("--format", choices=("csv", "json"), default="json", help="output format (default json)")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    p.set_defaults(handler=run_export)

    p = subparsers.add_parser("import", parents=[common], help="merge a JSON backup or a CSV review log (no duplicates)",
                              description="Merge a JSON backup made by `trainer export --format json`, or (--format "
                              "csv) a review log in the FSRS optimizer's layout (card_id, review_time in ms, "
                              "review_rating, review_state, review_duration) from trainer or another program. "
                              "CSV reviews of card ids that are no template here are kept for `trainer optimize` "
                              "only, never served. Reviews already present are skipped, so importing twice "
                              "changes nothing; a bad row stops the import, naming its line and column.")
    p.add_argument("file", metavar="FILE", help="the JSON backup or CSV log")
    p.add_argument("--format", choices=("json", "csv"), default="json", help="input format (default json)")
    p.set_defaults(handler=run_import)

    p = subparsers.add_parser("backup", parents=[common], help="back the database up now",
                              description="Copy the database with SQLite's online backup API (safe while "
                              "trainer runs). Daily backups are also taken automatically.")
    p.add_argument("file", metavar="FILE", nargs="?", help="target file (default: the backups folder)")
    p.add_argument("--list", action="store_true", help="list existing backups instead")
    p.set_defaults(handler=run_backup)

    p = subparsers.add_parser("restore", parents=[common], help="replace the database with a backup",
                              description="Replace the progress database with a backup file. A safety backup of "
                              "the current database is taken first; --yes is required to overwrite.")
    p.add_argument("file", metavar="FILE", help="a backup made by `trainer backup` (or an automatic one)")
    p.add_argument("--yes", action="store_true", help="confirm replacing the current database")
    p.set_defaults(handler=run_restore)

    p = subparsers.add_parser("config", parents=[common], help="show or change settings",
                              description="Without arguments, list settings; with KEY, show one; with KEY VALUE, "
                              "set it. Keys: desired_retention, new_per_day, reviews_per_day, "
                              "leech_threshold, leech_action (tag|suspend), backups_keep, next_day_starts_at (hour 0-23), "
                              "timezone (local, UTC or an IANA name), theme.")
    p.add_argument("key", nargs="?", help="setting name")
    p.add_argument("value", nargs="?", help="new value")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=run_config)


def _now() -> datetime:
    from trainer.cli.clock import run_clock

    return run_clock()()


def _db(args) -> Path:
    return locations.db_path(getattr(args, "db", None))


def _open(args):
    from trainer.storage import StoreError, Store

    path = _db(args)
    try:
        store = Store.open(path)
    except StoreError as exc:
        raise UserError(str(exc)) from None
    if store.read_only:  # said up front; a command that then writes fails with the same cause
        print(f"trainer: note: reading only, nothing can be saved: {store.read_only_reason}", file=sys.stderr)
    return store


def _paths(args) -> dict:
    db = _db(args)
    extra = [str(Path(p).expanduser()) for p in (getattr(args, "problems", None) or [])]
    return {
        "data_dir": str(locations.data_dir()),
        "database": str(db),
        "database_source": ("--db" if getattr(args, "db", None) else
                            "TRAINER_DB" if os.environ.get("TRAINER_DB") else "default"),
        "backups_dir": str(locations.backups_dir(db)),
        "bundled_problems": str(locations.bundled_problems_dir()),
        "user_problems": str(locations.user_problems_dir()),
        "extra_problems": extra,
        "bank_index": str(locations.bank_index_path()),
        "check_results": str(locations.check_results_dir()),
    }


def run_where(args) -> int:
    """`trainer where`."""
    paths = _paths(args)
    if args.json:
        print(json.dumps(paths, indent=2))
        return 0
    labels = {"data_dir": "data folder", "database": "database", "database_source": "database from",
              "backups_dir": "backups", "bundled_problems": "bundled problems", "user_problems": "your problems",
              "extra_problems": "--problems", "bank_index": "bank index"}
    labels["check_results"] = "check results"
    for key, label in labels.items():
        value = paths[key]
        if isinstance(value, list):
            value = ", ".join(value) or "(none)"
        print(f"{label:>17}: {value}")
    return 0


def _session(args, store):
    from trainer.cli.context import bank_index
    from trainer.session import Session

    # Statistics need each template's id, equation, topic and title: the index has them.
    bank = bank_index(args)
    from trainer.cli.clock import run_clock

    return Session(bank, store, clock=run_clock(), seed=getattr(args, "seed", None))


def run_stats(args) -> int:
    """`trainer stats`."""
    with _open(args) as store:
        stats = _session(args, store).stats()
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    _print_stats(stats)
    return 0


def _pct(x) -> str:
    return "–" if x is None else f"{x:.1%}"


def _print_stats(s: dict) -> None:
    t = s["totals"]
    tr = s["true_retention"]
    print(f"Reviews: {t['reviews']} on {_days(t['days_active'])} · today {s['reviewed_today']} · "
          f"accuracy {_pct(t['accuracy'])}")
    print(f"Streak: {_days(s['streak']['current'])} (longest {s['streak']['longest']})")
    print(f"True retention: {_pct(tr['overall'])} overall ({tr['overall_count']} first reviews), "
          f"{_pct(tr['last_30_days'])} last 30 days · desired {tr['desired']:.0%}")
    print(f"Cards started: {t['cards_started']} of {t['templates']} templates")
    week = sum(d["due"] for d in s["forecast"][:7])
    print(f"Due: {s['forecast'][0]['due']} today, {week} within 7 days, "
          f"{sum(d['due'] for d in s['forecast'])} within 30 days")
    if s["topics"]:
        print("\nBy topic:               reviews  accuracy  median time")
        for row in s["topics"]:
            med = "–" if row["median_ms"] is None else f"{row['median_ms'] / 1000:.1f} s"
            print(f"  {row['topic']:<20} {row['reviews']:>8}  {_pct(row['accuracy']):>8}  {med:>11}")
    cards = s["cards"]
    c = cards["counts"]
    print(f"Cards: {c['new']} new · {c['learning']} learning · {c['young']} young · {c['mature']} mature "
          f"(stability ≥ {cards['mature_days']:.0f} days)" + (f" · {c['suspended']} suspended" if c["suspended"] else ""))
    if cards["recall_now"] is not None:
        print(f"Recall now: {cards['recall_now']:.0%} predicted, over the {sum(c[k] for k in ('learning', 'young', 'mature'))}"
              " started cards (right after any review it is near 100%)")
    last7 = s["time_per_day"][-7:]
    print(f"Time answering: {sum(d['seconds'] for d in last7) / 60:.0f} min in the last 7 days, "
          f"{s['time_per_day'][-1]['seconds'] / 60:.0f} min today")
    if cards["topics"]:
        print("\nCards by topic:          new  learn  young  mature  recall now")
        for row in cards["topics"]:
            recall = "–" if row["recall_now"] is None else f"{row['recall_now']:.0%}"
            print(f"  {row['topic']:<20} {row['new']:>5} {row['learning']:>6} {row['young']:>6} {row['mature']:>7}"
                  f"  {recall:>9}")
    if s["mistakes"]:
        print("\nMost frequent mistakes:")
        for m in s["mistakes"]:
            print(f"  {m['count']:>4}× {m['template_id']}: {m['diagnosis_id']}")
    if s["leeches"]:
        print("\nLeeches:")
        for leech in s["leeches"]:
            print(f"  {leech['template_id']} ({leech['lapses']} lapses{', suspended' if leech['suspended'] else ''})")
    if s["orphaned"]:
        print("\nOrphaned (history kept, template no longer in the bank):")
        for o in s["orphaned"]:
            print(f"  {o['template_id']} ({o['reviews']} reviews, last {o['last_day']})")


def _output(args):
    if not args.output or args.output == "-":
        return sys.stdout, False
    try:
        return open(args.output, "w", encoding="utf-8", newline=""), True
    except OSError as exc:
        raise UserError(f"{args.output}: cannot write ({exc.strerror})") from None


def run_export(args) -> int:
    """`trainer export`."""
    with _open(args) as store:
        out, close = _output(args)
        try:
            if args.format == "csv":
                n = store.export_csv(out)
            else:
                data = store.export_json(_now())
                json.dump(data, out, indent=1)
                out.write("\n")
                n = len(data["reviews"])
        finally:
            if close:
                out.close()
    if close:
        print(f"exported {n} reviews to {args.output}", file=sys.stderr)
    return 0


def run_import(args) -> int:
    """`trainer import [--format json|csv] FILE`."""
    if getattr(args, "format", "json") == "csv":
        return _import_csv(args)
    try:
        with open(args.file, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise UserError(f"{args.file}: cannot read ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise UserError(f"{args.file}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    with _open(args) as store:
        try:
            result = store.import_json(data)
        except ValueError as exc:
            raise UserError(f"{args.file}: {exc}") from None
    print(f"imported {result['reviews_added']} reviews ({result['reviews_skipped']} already present), "
          f"{result['cards_updated']} cards updated")
    return 0


def _import_csv(args) -> int:
    from trainer.cli.context import bank_index
    from trainer.core.learning.history import HistoryError, read_review_csv

    try:
        with open(args.file, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except OSError as exc:
        raise UserError(f"{args.file}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{args.file}: not UTF-8 text (byte {exc.start})") from None
    try:
        rows, manual = read_review_csv(text)
    except HistoryError as exc:
        raise UserError(f"{args.file}: {exc}; nothing imported") from None
    template_ids = [t.id for t in bank_index(args).templates.values()]
    with _open(args) as store:
        result = store.import_reviews(rows, template_ids)
    print(f"imported {result['added']} reviews ({result['skipped']} already present"
          + (f", {manual} manual reschedules skipped" if manual else "") + f"): {result['linked']} of "
          f"templates here, the rest of {result['foreign_cards']} other cards (used by `trainer optimize` only)")
    return 0


def _stamp() -> str:
    return _now().strftime("%Y%m%dT%H%M%S")


def run_backup(args) -> int:
    """`trainer backup [FILE]`."""
    from trainer.storage import StoreError, list_backups

    folder = locations.backups_dir(_db(args))
    if args.list:
        for path in sorted(list(list_backups(folder)) + sorted(folder.glob("manual-*.db")) +
                           sorted(folder.glob("pre-restore-*.db")), key=lambda p: p.name, reverse=True):
            print(path)
        return 0
    target = Path(args.file) if args.file else folder / f"manual-{_stamp()}.db"
    with _open(args) as store:
        try:
            store.backup_to(target)
        except StoreError as exc:
            raise UserError(str(exc)) from None
    print(f"backed up to {target}")
    return 0


def run_restore(args) -> int:
    """`trainer restore FILE --yes`."""
    from trainer.storage import StoreError, check_file, restore

    source = Path(args.file)
    db = _db(args)
    try:
        n = check_file(source)
    except StoreError as exc:
        raise UserError(str(exc)) from None
    if db.exists() and db.stat().st_size > 0:
        if not args.yes:
            raise UserError(f"this replaces {db} with {source} ({n} reviews); run again with --yes to confirm")
        with _open(args) as store:
            safety = store.backup_to(locations.backups_dir(db) / f"pre-restore-{_stamp()}.db")
        print(f"safety backup of the current database: {safety}")
    try:
        restore(source, db)
    except StoreError as exc:
        raise UserError(str(exc)) from None
    print(f"restored {n} reviews from {source} into {db}")
    return 0


def run_config(args) -> int:
    """`trainer config [KEY [VALUE]]`."""
    with _open(args) as store:
        if args.key is not None and args.value is not None:
            try:
                value = store.set_setting(args.key, args.value)
            except ValueError as exc:
                raise UserError(str(exc), 2) from None
            print(f"{args.key} = {value}")
            return 0
        settings = store.settings()
    if args.key is not None:
        if args.key not in settings:
            raise UserError(f"unknown setting {args.key!r} (known: {', '.join(settings)})", 2)
        settings = {args.key: settings[args.key]}
    if args.json:
        print(json.dumps(settings, indent=2))
    else:
        for key, value in settings.items():
            print(f"{key} = {value}")
    return 0


__all__ = ["register"]


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"
