"""`trainer` / `trainer tui`: open the Textual app on the progress database and the problem bank.

CLI layer (composition root for the TUI). Resolves `--db`, `--problems`, `--seed`, the study scope
(`--topic`, `--tag`, `--equation`: an unknown one is a usage error listing the known) and the clock
(`TRAINER_NOW`, see `trainer.cli.clock`), then hands the
app a *factory* that opens the store, loads the bank and builds the session: it runs on the app's
session thread while Textual draws its first frame, so numpy, the bank and SQLite load in parallel
with the UI. When the problem kept from the last run of the same launch is there (`trainer.ui.first_problem`:
same database, folders, `--seed` and study scope; template file unchanged), the app draws it before
anything else and the factory starts only after that first frame. Textual itself is imported only
here, inside `run`.
"""

from __future__ import annotations

import argparse
import gc
import os
from pathlib import Path

#: Benchmarks: "1" quits once the first problem takes input; "session" once the session has it too.
EXIT_WHEN_READY = "TRAINER_EXIT_WHEN_READY"


def register(subparsers, common) -> None:
    """Add `trainer tui` (the same as running `trainer` with no command)."""
    parser = subparsers.add_parser("tui", parents=[common], help="open the trainer (the default command)",
                                   description="Open the terminal trainer: review what is due, quiz yourself, "
                                   "see your progress, browse the bank.")
    parser.add_argument("--seed", type=int, default=argparse.SUPPRESS,
                        help="deterministic session (same problems in the same order)")
    from trainer.cli import study_options

    study_options(parser, suppress=True)
    parser.set_defaults(handler=run)


def study_filter(args):
    """The StudyFilter of `--topic/--tag/--equation` (None when none was given)."""
    topics, tags, equations = (getattr(args, name, None) for name in ("topic", "tag", "equation"))
    if not (topics or tags or equations):
        return None
    from trainer.core.scheduling.study import StudyFilter

    return StudyFilter.build(topics, tags, equations)


def session_factory(db: Path, folders: list[Path], seed: int | None, study=None, clock=None):
    """A zero-argument callable that builds the real session (called on the session thread).

    `clock` is the run's clock (see `trainer.cli.clock`; default: the system's UTC time).
    """

    def build():
        from datetime import datetime, timezone

        from trainer.cli import UserError, locations
        from trainer.session import Session
        from trainer.storage.store import StoreError

        try:
            return Session.open(db, bank_paths=folders, clock=clock or (lambda: datetime.now(timezone.utc)),
                                seed=seed, backups_dir=locations.backups_dir(db), study=study,
                                bank_index=locations.bank_index_path())
        except StoreError as exc:
            raise UserError(str(exc)) from None
        except ValueError as exc:  # an unknown --topic/--tag/--equation: a usage error
            raise UserError(f"{exc}", 2) from None
        finally:
            # The start-up heap (modules, the bank) lives as long as the app: freeze it so the
            # collector, paused by `run` while it was built, never scans it again.
            gc.freeze()
            gc.enable()

    return build


def run(args) -> int:
    """Run the app until the learner quits; returns the exit code."""
    from trainer.cli import locations

    db = locations.db_path(getattr(args, "db", None))
    new_db = not db.exists()
    from trainer.cli.context import folders_for

    folders = folders_for(getattr(args, "problems", None))
    from trainer.cli.clock import run_clock

    clock = run_clock()  # a bad TRAINER_NOW is a usage error before the terminal is taken over

    from trainer.ui import first_problem
    from trainer.ui.runner import SessionRunner

    gc.disable()  # start-up allocates much and frees little; the factory re-enables collection

    seed, study = getattr(args, "seed", None), study_filter(args)
    key = first_problem.launch_key(db, folders, seed, study.describe() if study is not None else None)
    kept_path = locations.first_problem_path(db)
    # A new database starts on Home with the placement offer: nothing kept is drawn.
    kept = None if new_db else first_problem.FirstProblem.read(kept_path, key)
    # Without a kept problem, started before Textual is imported: numpy, SQLite and the bank load
    # while the UI starts. With one, after the first frame (the app starts it): the kept problem is
    # drawn without waiting for them, and they do not compete with it.
    runner = SessionRunner(session_factory(db, folders, seed, study, clock), start=kept is None)

    from trainer.ui.app import TrainerApp

    mode = os.environ.get(EXIT_WHEN_READY)
    # A database that does not exist yet is new: the app starts on Home and offers the placement test.
    app = TrainerApp(runner, exit_when_ready="session" if mode == "session" else mode == "1", first_problem=kept,
                     first_problem_path=kept_path, first_problem_key=key, offer_placement=new_db)
    app.run()
    if app.failure is not None:
        from trainer.cli import UserError

        if isinstance(app.failure, UserError):
            raise app.failure
        raise UserError(f"could not start: {app.failure}")
    return app.return_code or 0
