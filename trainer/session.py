"""The one API the front ends call: next problem, submit an answer, re-rate, undo, bury, stats, quiz.

Session layer, between the user interfaces (Textual app, CLI) and storage + core. Textual-free. The
clock and the seed are passed in; each graded answer becomes a `ReviewRecord` computed before the
write and committed (card + review, one transaction) before `submit` returns. Template generation and
grading come from `trainer.core.templates` and `trainer.core.grading` unless other functions are
injected (tests). Core types are imported for annotations only, so `import trainer.session` stays light.
"""

from __future__ import annotations

import heapq
import json
import os
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, TypedDict

from trainer.core import scheduling as sched
from trainer.core.progress.stats import HEATMAP_DAYS, Stats, TemplateInfo, compute_stats, streaks
from trainer.core.scheduling import CardState, StudyFilter
from trainer.storage import ConflictError, ImplicitRecord, ReviewRecord, Store, StoreError

if TYPE_CHECKING:
    import numpy as np

    from trainer.core.grading import Verdict
    from trainer.core.learning import Graph, Placement, PlacementResult
    from trainer.core.templates import Instance

#: How often `submit` recomputes a review when another trainer changed the card meanwhile.
SUBMIT_ATTEMPTS = 3
#: The settings key of the learner's fitted FSRS parameters (JSON list of 21 numbers; absent = defaults).
FSRS_PARAMETERS_KEY = "fsrs_parameters"


@dataclass(frozen=True)
class Item:
    """A problem on screen.

    Attributes:
        instance: the generated problem (template id, seed, prompt, answer, ...).
        card_state: "new" | "learning" | "review" | "relearning" when it was drawn ("quiz" in a quiz).
        due: when its card was due (None for a new template).
        is_new: first time this template is shown.
        shown_at: when it was drawn (response time runs from here).
    """

    instance: Instance
    card_state: str
    due: datetime | None
    is_new: bool
    shown_at: datetime


@dataclass(frozen=True)
class Outcome:
    """The result of submitting an answer.

    Attributes:
        verdict: the grader's verdict.
        rating: 1-4 as recorded (None when nothing was recorded).
        review_id: the stored review's id (None when nothing was recorded).
        next_due: when the card is due next (None when nothing was recorded).
        recorded: False for a parse error (not a review) or a quiz answer.
        auto_rating: the rating derived from the verdict, time and hint (before any override).
        template_id: the template answered.
        response_ms: time from `Item.shown_at` to the submission.
        rating_reason: why the automatic rating is what it is ("Good: right, 14 s, no hint").
        intervals: when the card would next be due under each rating 1-4 (what keys 1-4 record).
        reviewed_at: the review's time (the intervals count from it).
    """

    verdict: Verdict
    rating: int | None
    review_id: int | None
    next_due: datetime | None
    recorded: bool
    auto_rating: int | None = None
    template_id: str | None = None
    response_ms: int | None = None
    rating_reason: str | None = None
    intervals: dict[int, datetime] | None = None
    reviewed_at: datetime | None = None


class TodaySummary(TypedDict):
    """Today's practice so far, for the "nothing due" screen (see `Session.today_summary`).

    Keys:
        reviews: answers recorded today (the learning day, see docs/data.md).
        correct: how many of them were right.
        accuracy: correct / reviews (None with no reviews).
        time_ms: answer time summed over today's reviews.
        next_due: when something is next available (UTC), or None.
        next_due_local: the same in the learner's zone (the `timezone` setting), or None.
        next_due_today: the next time falls on today's local calendar date (else a weekday is shown).
    """

    reviews: int
    correct: int
    accuracy: float | None
    time_ms: int
    next_due: datetime | None
    next_due_local: datetime | None
    next_due_today: bool


def summary_line(summary: TodaySummary) -> str:
    """"21 reviews in 14 min, 86% right, next at 09:10" (the weekday is added when not today).

    Args:
        summary: `Session.today_summary()`.

    Returns:
        One line of text.
    """
    n = summary["reviews"]
    parts = []
    if n:
        minutes = round(summary["time_ms"] / 60_000)
        spent = f"{minutes} min" if minutes else "under a minute"
        accuracy = summary["accuracy"] or 0.0
        parts.append(f"{n} review{'s' if n != 1 else ''} in {spent}, {accuracy:.0%} right")
    else:
        parts.append("no reviews yet")
    when = summary["next_due_local"]
    if when is not None:
        parts.append(f"next at {when:%H:%M}" if summary["next_due_today"] else f"next at {when:%a} {when:%H:%M}")
    return ", ".join(parts)


class Summary(TypedDict):
    """The home screen's numbers (see `Session.summary`)."""

    due_now: int
    new_left_today: int
    reviewed_today: int
    streak: int
    desired_retention: float
    next_due: datetime | None
    study: str
    today: TodaySummary


@dataclass(frozen=True)
class GenerationFailure:
    """A template that could not generate a problem and was skipped.

    Attributes:
        template_id: the template.
        message: why (the generator's message).
    """

    template_id: str
    message: str


@dataclass(frozen=True)
class RandomStreams:
    """One independent random stream per purpose, all spawned from one seed.

    Drawing a quiz order never shifts the next problem seed, and a fixed `--seed` replays the same
    problems and the same interval fuzz. Review ids do not come from here (they are uuid4).

    Attributes:
        seeds: problem seeds.
        fuzz: FSRS interval fuzz.
        quiz: quiz order.
        placement: the placement walk's ties, templates and seeds.
    """

    seeds: np.random.Generator
    fuzz: np.random.Generator
    quiz: np.random.Generator
    placement: np.random.Generator | None = None

    @classmethod
    def from_seed(cls, seed: int | None) -> RandomStreams:
        """Streams spawned from `np.random.SeedSequence(seed)` (fresh entropy when `seed` is None)."""
        import numpy as np  # deferred: `trainer stats` builds a session but never draws

        # Children are numbered, so a stream added at the end leaves the earlier ones unchanged.
        seeds, fuzz, quiz, placement = (np.random.default_rng(child)
                                        for child in np.random.SeedSequence(seed).spawn(4))
        return cls(seeds=seeds, fuzz=fuzz, quiz=quiz, placement=placement)


def _default_generate(template, seed: int) -> Instance:
    # The module path, not the package: once imported, the submodule `generate` shadows the lazy export.
    from trainer.core.templates.generation import generate

    return generate(template, seed)


def _default_grade(instance: Instance, text: str) -> Verdict:
    from trainer.core.grading.grader import grade

    return grade(instance, text)


class Session:
    """A learner's practice session over one bank and one progress store."""

    def __init__(self, bank, store: Store, *, clock: Callable[[], datetime], seed: int | None = None,
                 settings: dict | None = None, loader: Callable[[], Any] | None = None,
                 generate: Callable[[Any, int], Instance] | None = None,
                 grade: Callable[[Instance, str], Verdict] | None = None, study: StudyFilter | None = None,
                 graph: Graph | None = None):
        """
        Args:
            bank: the loaded bank (`templates` dict, `errors` list, `get(id)`).
            store: the open progress store.
            clock: returns the current UTC-aware time.
            seed: seeds the session's random streams (problem seeds, interval fuzz, quiz order);
                None for fresh entropy.
            settings: overrides for the stored settings, for this session only.
            loader: rebuilds the bank from disk (used by `reload`).
            generate: `generate(template, seed) -> Instance` (default: trainer.core.templates.generation).
            grade: `grade(instance, text) -> Verdict` (default: trainer.core.grading.grader).
            study: study only this part of the bank (None: all of it); see `set_study`.
            graph: the prerequisite graph over the bank's equations (None: read from the bank's
                folders on first need, see `graph`). With edges, a
                passed review credits the prerequisites it exercised, a failure pulls what builds on
                it forward (`trainer.core.learning.credit`), the queue serves reviews that cover
                other due cards first, and new templates wait until their prerequisites are recalled.
        """
        self.bank = bank
        #: (the bank, its size, {answer kind: its template ids}) as `_kind_templates` last read them.
        self._kinds: tuple[Any, int, dict[str, set[str]]] = (None, 0, {})
        #: The prerequisite graph; None until first needed (see `graph`), unless given.
        self._graph: Graph | None = graph
        self._graph_given = graph is not None
        self.store = store
        self.clock = clock
        self._seed = seed
        self._streams: RandomStreams | None = None
        self._overrides = dict(settings or {})
        for key, value in self._overrides.items():
            self._overrides[key] = sched.validate_setting(key, value)
        self._loader = loader
        self._generate = generate or _default_generate
        self._grade = grade or _default_grade
        self._last_equation: str | None = None
        #: The part of the bank the review queue serves (empty: all of it).
        self.study = study or StudyFilter()
        #: This session's reviews, oldest first, with the Item each answered (undo serves it again).
        self._history: list[tuple[int, Item]] = []
        #: The card after each rating, computed when a review was recorded (what a re-rating writes).
        self._previews: dict[int, tuple[CardState, dict[int, CardState]]] = {}
        #: An Item to serve before drawing a new one (undone, or set aside when the screen was left),
        #: and the time it had already been on screen.
        self._held: tuple[Item, timedelta] | None = None
        self.generation_errors: list[GenerationFailure] = []
        self._reported_failures = 0
        #: Things the learner should know from the start (a read-only database, a skipped backup).
        self.notices: list[str] = []

    @classmethod
    def open(cls, db_path: str | os.PathLike, *, bank_paths: Sequence[os.PathLike],
             clock: Callable[[], datetime], seed: int | None = None, backups_dir: os.PathLike | None = None,
             settings: dict | None = None, study: StudyFilter | None = None,
             bank_index: os.PathLike | None = None) -> Session:
        """Open the store at `db_path`, load the bank from `bank_paths`, take today's backup.

        A database that can only be read (read-only file or folder, full disk) still opens: the
        session then lists why in `notices`, and each answer raises the storage error when saved.
        A daily backup that fails (full disk, a failed integrity check) is a notice too, not a failure.

        Args:
            study: study only this part of the bank; checked against the loaded bank.
            bank_index: the bank index cache file (the CLI's user cache); None reads every template file.

        Raises:
            trainer.storage.StoreError: the database cannot be used (message says why).
            ValueError: `study` names a topic, tag or equation the bank does not have (the
                message lists the known ones); the store is closed again.
        """
        from trainer.core.templates import load_bank

        store = Store.open(db_path)

        def loader():
            # Lazy: the first problem needs one compiled template; the UI's warm-up builds the rest.
            # With the bank index, unchanged template files are not even read until used.
            return load_bank([os.fspath(p) for p in bank_paths], lazy=True,
                             index_path=None if bank_index is None else os.fspath(bank_index))

        session = cls(loader(), store, clock=clock, seed=seed, settings=settings, loader=loader)
        if study is not None and not study.empty:
            try:
                session.set_study(study)
            except ValueError:
                store.close()
                raise
        _ = session.fsrs_parameters  # read once so a bad stored value is a notice from the start
        if store.read_only:
            session.notices.append(f"Read only — answers will not be saved: {store.read_only_reason}. "
                                   "Your progress is intact; once the cause is fixed, answers are saved again.")
        if backups_dir is not None:
            try:
                store.auto_backup(backups_dir, session.day_of(clock()), int(session.settings["backups_keep"]))
            except StoreError as exc:
                session.notices.append(f"Today's backup was not taken: {exc}")
        return session

    def close(self) -> None:
        """Close the store (its write-ahead log is checkpointed into the database file)."""
        self.store.close()

    # ------------------------------------------------------------------ basics
    @property
    def settings(self) -> dict:
        """Stored settings with this session's overrides on top."""
        return {**self.store.settings(), **self._overrides}

    @property
    def fsrs_parameters(self) -> list[float] | None:
        """The learner's fitted FSRS parameters, or None when the library's defaults are in use.

        Read from the settings table on each use, so a fit applied by `trainer optimize` in
        another process counts from the next review. A stored value that is not 21 numbers within
        the library's bounds schedules with the defaults instead, and says so once in `notices`.
        """
        raw = self.store.raw_setting(FSRS_PARAMETERS_KEY)
        if raw is None:
            return None
        try:
            return sched.validate_parameters(json.loads(raw))
        except ValueError as exc:  # json.JSONDecodeError is a ValueError too
            notice = (f"The stored FSRS parameters cannot be used ({exc}); scheduling uses the defaults. "
                      "Run `trainer optimize` to fit them again, or `trainer optimize --reset`.")
            if notice not in self.notices:
                self.notices.append(notice)
            return None

    def parameters_in_use(self) -> list[float]:
        """The FSRS parameters scheduling uses now: the fitted ones, else the library's defaults."""
        return self.fsrs_parameters or sched.default_parameters()

    def apply_parameters(self, parameters: Sequence[float]) -> list[float]:
        """Schedule with these FSRS parameters from now on (stored in the settings table).

        Returns:
            The stored parameters.

        Raises:
            ValueError: not 21 numbers within the library's bounds (nothing stored).
            trainer.storage.StoreError: the database cannot be written.
        """
        values = sched.validate_parameters(list(parameters))
        self.store.put_raw_setting(FSRS_PARAMETERS_KEY, values)
        return values

    def reset_parameters(self) -> None:
        """Go back to the library's default FSRS parameters."""
        self.store.put_raw_setting(FSRS_PARAMETERS_KEY, None)

    def review_log(self) -> list:
        """Every explicit review, trainer's own and imported, as `LoggedReview`s oldest first."""
        from trainer.core.learning.fitting import LoggedReview

        return [LoggedReview(card, at, int(rating)) for card, at, rating in self.store.review_log()]

    def optimize(self, *, split: float | None = None):
        """Fit FSRS parameters to the review log and compare them with the ones in use.

        Nothing is applied: the caller shows the result and calls `apply_parameters` when the
        learner accepts.

        Args:
            split: share of the log (by time) the comparison fit trains on (default 0.8).

        Returns:
            A `trainer.core.learning.Optimization`.

        Raises:
            trainer.core.learning.NotEnoughReviews: the log is too short (says how many are needed).
            trainer.core.learning.FitError: the optimizer failed.
        """
        from trainer.core.learning.fitting import DEFAULT_SPLIT, optimize

        return optimize(self.review_log(), self.parameters_in_use(),
                        split=DEFAULT_SPLIT if split is None else split)

    def workload(self, *, days: int = 365, seed: int | None = None, retentions: Sequence[float] | None = None) -> list[dict]:
        """Expected reviews per day at each desired retention, for this learner's cards and parameters.

        Started cards (not suspended, in the bank) keep their memory state; the bank's templates not
        yet started arrive at the `new_per_day` setting. See `trainer.core.learning.workload`.

        Args:
            days: the horizon simulated.
            seed: the simulation's seed (None: 0, so the same cards give the same chart).
            retentions: desired retentions to simulate (default `RETENTIONS`).

        Returns:
            [{"retention", "reviews_per_day", "memorized"}].
        """
        import numpy as np

        from trainer.core.learning.workload import RETENTIONS, WorkloadCard, workload_by_retention

        now = self._now()
        in_bank = set(self.bank.templates)
        started, blocked = [], set()
        for rec in self.store.cards():
            if rec.suspended or rec.template_id not in in_bank:
                blocked.add(rec.template_id)
                continue
            card = rec.card
            if card.state == "new" or card.stability is None or card.last_review is None:
                continue
            blocked.add(rec.template_id)
            started.append(WorkloadCard(card.stability, card.difficulty or 5.0,
                                        max(0.0, (now - card.last_review).total_seconds() / 86400)))
        new_cards = len(in_bank - blocked)
        rng = np.random.default_rng(0 if seed is None else seed)
        return workload_by_retention(self.parameters_in_use(), started, new_cards=new_cards, rng=rng,
                                     new_per_day=int(self.settings["new_per_day"]), days=days,
                                     retentions=RETENTIONS if retentions is None else retentions)

    @property
    def streams(self) -> RandomStreams:
        """The session's random streams, spawned from its seed on first use (numpy loads then)."""
        if self._streams is None:
            self._streams = RandomStreams.from_seed(self._seed)
        return self._streams

    @property
    def templates(self) -> list:
        """The bank's templates, in bank order."""
        return list(self.bank.templates.values())

    @property
    def bank_errors(self) -> list:
        """Templates that failed to load (each with path, line, message)."""
        return list(self.bank.errors)

    @property
    def graph(self):
        """The bank's prerequisite graph (`trainer.core.learning.Graph`), read on first use from each
        folder's `graph.yaml` and `graph-weights.json`. A graph file that cannot be used becomes a
        notice naming its file and line, and the graph then has no edges: it never stops the trainer."""
        if self._graph is None:
            from trainer.core.learning import load_bank_graph

            loaded = load_bank_graph(getattr(self.bank, "folders", ()), self.bank.templates.values())
            self.notices.extend(f"Prerequisite graph: {error}" + (" — running without it" if not
                                loaded.graph.edges else "") for error in loaded.errors)
            self._graph = loaded.graph
        return self._graph

    @graph.setter
    def graph(self, graph: Graph) -> None:
        self._graph = graph
        self._graph_given = True

    @property
    def _learning_graph(self) -> Graph | None:
        """The graph when it has edges (implicit credit, coverage, unlock), else None."""
        graph = self.graph
        return graph if graph is not None and graph.edges else None

    def unreported_generation_errors(self) -> list[GenerationFailure]:
        """Templates skipped because they failed to generate since the last call (for a notice)."""
        new = self.generation_errors[self._reported_failures:]
        self._reported_failures = len(self.generation_errors)
        return new

    def reload(self) -> None:
        """Re-read the template folders (progress is keyed on template ids, so it carries over)."""
        if self._loader is not None:
            self.bank = self._loader()
            if not self._graph_given:
                self._graph = None

    def _now(self) -> datetime:
        return sched.require_utc(self.clock())

    # ------------------------------------------------------------------ days and study scope
    @property
    def timezone(self) -> tzinfo:
        """The learner's zone (the `timezone` setting; "local" is this machine's)."""
        return sched.resolve_timezone(str(self.settings["timezone"]))

    def _day_args(self) -> tuple[int, tzinfo]:
        return int(self.settings["next_day_starts_at"]), self.timezone

    def day_of(self, when: datetime) -> str:
        """The learning day of a moment, by the `next_day_starts_at` and `timezone` settings."""
        hour, tz = self._day_args()
        return sched.day_of(when, hour, tz)

    def next_day_start(self, when: datetime) -> datetime:
        """When the learning day after the one holding `when` starts (UTC)."""
        hour, tz = self._day_args()
        return sched.next_day_start(when, hour, tz)

    def set_study(self, study: StudyFilter | None) -> None:
        """Study only part of the bank, with the normal schedule (None or an empty filter: all of it).

        Raises:
            ValueError: a topic, tag or equation no template has (the message lists the known
                ones), or a combination no template matches. The scope is then unchanged.
        """
        study = study or StudyFilter()
        if not study.empty:
            study.check(self.templates)
        self.study = study
        self._last_equation = None

    def study_scopes(self) -> tuple[dict[str, list[str]], list[str]]:
        """What can be studied, for a picker.

        Returns:
            ({topic: its equation ids, sorted} in topic order, every tag sorted).
        """
        by_topic: dict[str, set[str]] = {}
        tags: set[str] = set()
        for t in self.templates:
            by_topic.setdefault(t.topic, set()).add(t.equation)
            tags.update(getattr(t, "tags", ()) or ())
        return {topic: sorted(by_topic[topic]) for topic in sorted(by_topic)}, sorted(tags)

    def _template(self, template_id: str):
        template = self.bank.templates.get(template_id)
        if template is None:
            raise KeyError(f"no template {template_id!r} in the bank")
        return template

    # ------------------------------------------------------------------ the queue
    def _queue(self, now: datetime) -> tuple[list[sched.Candidate], dict]:
        settings = self.settings
        counts = self.store.day_counts(self.day_of(now))
        due, blocked = self.store.queue_cards(now + sched.LEARN_AHEAD, now)
        study = self.study
        candidates = []
        for rec in due:
            template = self.bank.templates.get(rec.template_id)
            # Orphaned cards keep their history but are not served; outside the study scope they wait.
            if template is not None and study.matches(template):
                candidates.append(sched.Candidate(rec.template_id, template.equation, rec.card,
                                                  topic=template.topic))
        limits = {"new_left": max(0, int(settings["new_per_day"]) - counts["new_cards"]),
                  "reviews_left": max(0, int(settings["reviews_per_day"]) - counts["review_cards"]),
                  "reviewed_today": counts["reviews"]}
        new = [sched.Candidate(tid, template.equation, topic=template.topic)
               for tid, template in _curriculum(self.bank.templates.values())
               if tid not in blocked and study.matches(template)]
        covers = None
        graph = self._learning_graph
        if graph is not None:
            new, covers = self._graph_order(graph, candidates, new, now)
        new = sched.interleave_new(new, last_equation=self._last_equation,
                                   recent_new_topics=self.store.recent_new_topics(sched.MAX_TOPIC_RUN),
                                   limit=limits["new_left"])
        queue = sched.build_queue(candidates + new, now, new_left=limits["new_left"],
                                  reviews_left=limits["reviews_left"], covers=covers)
        return queue, limits

    def _graph_order(self, graph: Graph, due: list[sched.Candidate], new: list[sched.Candidate],
                     now: datetime) -> tuple[list[sched.Candidate], dict[str, float]]:
        """What the prerequisite graph changes in the queue: the new templates that are unlocked
        (each prerequisite equation recalled, or with nothing to study: no template in the study
        scope that is not suspended), and how much other due
        work each due card's pass would cover (see `trainer.core.learning.credit`)."""
        from trainer.core.learning import Peer, coverage, is_unlocked, recalled_equations

        templates = self.bank.templates
        due_peers = [Peer(c.template_id, c.equation, getattr(templates[c.template_id], "kind", "compute"), c.card)
                     for c in due if c.card.due is not None and c.card.due <= now]
        covers = coverage(graph, due_peers)
        if not new:
            return new, covers
        records = self.store.cards()
        started = [Peer(r.template_id, templates[r.template_id].equation,
                        getattr(templates[r.template_id], "kind", "compute"), r.card)
                   for r in records if r.card.state != "new" and r.template_id in templates]
        recalled = recalled_equations(started, now, desired_retention=float(self.settings["desired_retention"]),
                                      parameters=self.fsrs_parameters)
        # A prerequisite the learner cannot study (outside the scope, or every template suspended)
        # holds nothing back.
        suspended = {r.template_id for r in records if r.suspended}
        taught = {t.equation for tid, t in templates.items() if tid not in suspended and self.study.matches(t)}
        return [c for c in new if is_unlocked(graph, c.template_id, c.equation, recalled, taught)], covers

    def next_item(self) -> Item | None:
        """The next problem to review, with a seed not seen recently for its template.

        Returns:
            An Item, or None when nothing is due (see `next_due()` / `summary()['next_due']`).
        """
        now = self._now()
        held = self._take_held(now)
        if held is not None:
            return held
        queue, _ = self._queue(now)
        while queue:
            cand = sched.pick(queue, self._last_equation)
            queue = [c for c in queue if c is not cand]
            template = self.bank.templates[cand.template_id]
            recent = [r["seed"] for r in self.store.recent(cand.template_id, sched.RECENT_SEEDS)]
            seed = sched.fresh_seed(self.streams.seeds, recent)
            try:
                instance = self._generate(template, seed)
            except Exception as exc:  # a broken template must not stop the session; it is reported
                self.generation_errors.append(GenerationFailure(cand.template_id, str(exc)))
                continue
            self._last_equation = cand.equation
            return Item(instance=instance, card_state=cand.card.state, due=cand.card.due,
                        is_new=cand.card.state == "new", shown_at=now)
        return None

    def _take_held(self, now: datetime) -> Item | None:
        """The held Item, re-timed to now, if its template is still in the bank and servable."""
        if self._held is None:
            return None
        item, spent = self._held
        self._held = None
        tid = item.instance.template_id
        template = self.bank.templates.get(tid)
        if template is None or not self.study.matches(template):  # gone, or outside the study scope now
            return None
        rec = self.store.card(tid)
        if rec is not None and (rec.suspended or (rec.buried_until is not None and rec.buried_until > now)):
            return None
        return replace(item, shown_at=now - spent)

    def set_aside(self, item: Item) -> None:
        """Keep the problem on screen for later: the next `next_item` serves it again (same template,
        seed and numbers), and the time away does not count towards its response time.

        Args:
            item: the Item being answered when the learner left the review.
        """
        self._held = (item, max(timedelta(0), self._now() - item.shown_at))

    def resume(self, template_id: str, seed: int, on_screen: timedelta = timedelta(0)) -> Item | None:
        """Serve a given problem next: the one the front end kept from the last run and drew while
        this session loaded (same template and seed, so the same numbers).

        Args:
            template_id: the template.
            seed: the problem seed.
            on_screen: how long it has been on screen already (counts towards its response time).

        Returns:
            The Item, or None when the template is gone, outside the study scope, suspended, buried
            or fails to generate (the caller then asks `next_item`).
        """
        template = self.bank.templates.get(template_id)
        if template is None:
            return None
        try:
            instance = self._generate(template, seed)
        except Exception:
            return None
        now = self._now()
        rec = self.store.card(template_id)
        state = rec.card.state if rec is not None else "new"
        item = Item(instance=instance, card_state=state, due=rec.card.due if rec is not None else None,
                    is_new=state == "new", shown_at=now)
        self._held = (item, max(timedelta(0), on_screen))
        item = self._take_held(now)
        if item is not None:
            self._last_equation = template.equation
        return item

    def next_due(self) -> datetime | None:
        """When something will next be available: now if an item is available, else the earliest
        due card, or the next day start when only the daily limits hold cards back; None if nothing."""
        now = self._now()
        queue, limits = self._queue(now)
        if queue:
            return now
        times = []
        tomorrow = self.next_day_start(now)
        started = set()
        for rec in self.store.cards():
            started.add(rec.template_id)
            template = self.bank.templates.get(rec.template_id)
            if rec.suspended or template is None or not self.study.matches(template):
                continue
            if rec.card.state == "new":
                if rec.buried_until is not None:
                    times.append(rec.buried_until)
                continue
            when = rec.card.due
            if rec.buried_until is not None and (when is None or rec.buried_until > when):
                when = rec.buried_until
            if when is not None:
                times.append(max(when, tomorrow) if when <= now else when)
        if any(tid not in started and self.study.matches(t) for tid, t in self.bank.templates.items()):
            times.append(tomorrow)
        future = [t for t in times if t is not None]
        return min(future) if future else None

    def summary(self) -> Summary:
        """Home-screen numbers.

        Returns:
            {"due_now": due learning/review cards available now (within today's review cap),
             "new_left_today", "reviewed_today", "streak" (current, days), "desired_retention",
             "next_due" (datetime or None; now when something is available),
             "study" (the study scope, e.g. "topic probability"; "" for the whole bank),
             "today" (`today_summary()`)}.
        """
        now = self._now()
        queue, limits = self._queue(now)
        due_now = sum(1 for c in queue if c.card.state != "new" and c.card.due is not None and c.card.due <= now)
        new_available = sum(1 for c in queue if c.card.state == "new")
        active = self.store.active_days(limit=HEATMAP_DAYS * 10)
        current, _ = streaks(active, self.day_of(now))
        next_due = self.next_due()
        return Summary(due_now=due_now, new_left_today=new_available, reviewed_today=limits["reviewed_today"],
                       streak=current, desired_retention=float(self.settings["desired_retention"]),
                       next_due=next_due, study=self.study.describe(), today=self._today(now, next_due))

    # ------------------------------------------------------------------ answering
    def submit(self, item: Item, text: str, *, hint_used: bool = False) -> Outcome:
        """Grade an answer and, unless it could not be read, record it as a review.

        The card and the clock are read right before the write; if another trainer reviews the same
        template in between, storage refuses the stale record and it is computed again, so per
        template the commit order and the `reviewed_at` order agree.

        Args:
            item: the Item from `next_item`.
            text: what the learner typed.
            hint_used: the learner looked at the hint first (rating is Hard at best).

        Returns:
            The Outcome. With `recorded=True` the review and the card update are committed.

        Raises:
            trainer.storage.ConflictError: the card kept changing under this session.
        """
        instance = item.instance
        verdict = self._grade(instance, text)
        tid = instance.template_id
        if verdict.error is not None:
            return Outcome(verdict=verdict, rating=None, review_id=None, next_due=None, recorded=False,
                           template_id=tid)
        for attempt in range(SUBMIT_ATTEMPTS):
            record, decision, previews, record_parameters = self._review_record(item, text, verdict,
                                                                               hint_used=hint_used)
            try:
                review_id = self.store.record_review(record)
            except ConflictError:
                if attempt + 1 == SUBMIT_ATTEMPTS:
                    raise
                continue
            break
        # The previews drew from copies; the real stream now takes the recorded review's draw, so
        # a fixed seed replays the same fuzz as before previews existed.
        sched.review(record.card_before, record.rating, record.reviewed_at, rng=self.streams.fuzz,
                     desired_retention=float(self.settings["desired_retention"]),
                     leech_threshold=int(self.settings["leech_threshold"]), parameters=record_parameters)
        self._history.append((review_id, item))
        self._previews[review_id] = (record.card_before, previews)
        return Outcome(verdict=verdict, rating=record.rating, review_id=review_id, next_due=record.card_after.due,
                       recorded=True, auto_rating=record.rating, template_id=tid,
                       response_ms=record.response_ms, rating_reason=decision.reason,
                       intervals={r: c.due for r, c in previews.items()}, reviewed_at=record.reviewed_at)

    def _kind_templates(self, instance: Instance) -> tuple[str, set[str]]:
        """The answer kind of an instance and the bank's templates of that kind (its own included)."""
        template = self.bank.templates.get(instance.template_id)
        answer_kind = sched.answer_kind
        kind = answer_kind(getattr(template, "answer_type", None) or instance.answer.type)
        bank, size, cached = self._kinds
        # Built once per bank (on every answer it cost ~1.5 ms); a template that fails to compile
        # leaves the bank, which changes its size.
        if bank is not self.bank or size != len(self.bank.templates):
            cached = {}
            for t in self.bank.templates.values():
                cached.setdefault(answer_kind(getattr(t, "answer_type", None)), set()).add(t.id)
            self._kinds = (self.bank, len(self.bank.templates), cached)
        return kind, cached.get(kind, set()) | {instance.template_id}

    def _review_record(self, item: Item, text: str, verdict: Verdict, *, hint_used: bool
                       ) -> tuple[ReviewRecord, sched.RatingDecision, dict[int, CardState], list[float] | None]:
        """Everything one review writes, computed from the stored card and the clock read now, with
        the rating's reason, the card after each rating (nothing is drawn from the fuzz stream) and
        the FSRS parameters they were computed with."""
        instance = item.instance
        tid = instance.template_id
        settings = self.settings
        template = self.bank.templates.get(tid)
        stored = self.store.card(tid)
        before = stored.card if stored is not None else CardState()
        kind, same_kind = self._kind_templates(instance)
        prior = self.store.correct_times_among(same_kind, sched.TYPICAL_WINDOW)
        now = self._now()
        response_ms = max(0, int(round((now - item.shown_at).total_seconds() * 1000)))
        decision = sched.decide_rating(verdict.correct, hint_used=hint_used, response_ms=response_ms,
                                       prior_times_ms=prior, first_sighting=before.reps == 0, kind=kind,
                                       typed_chars=sum(1 for ch in text if not ch.isspace()))
        rating = decision.rating
        parameters = self.fsrs_parameters
        previews = sched.review_each(before, now, rng=self.streams.fuzz,
                                     desired_retention=float(settings["desired_retention"]),
                                     leech_threshold=int(settings["leech_threshold"]), parameters=parameters)
        after = previews[rating]
        implicit = self._implicit(tid, rating, now, self._started_cards()) if self._learning_graph else ()
        record = ReviewRecord(
            uid=uuid.uuid4().hex, template_id=tid,
            equation=template.equation if template is not None else None,
            topic=template.topic if template is not None else None,
            seed=int(instance.seed), params=json.dumps(instance.to_dict()["params"]), answer=text,
            verdict=json.dumps(verdict.to_dict()), correct=bool(verdict.correct), score=float(verdict.score),
            diagnosis_id=verdict.diagnosis.id if verdict.diagnosis is not None else None,
            rating=rating, auto_rating=rating, decided="auto", hint_used=bool(hint_used), response_ms=response_ms,
            reviewed_at=now, day=self.day_of(now), card_before=before, card_after=after,
            suspend=settings["leech_action"] == "suspend" and after.leech and not before.leech,
            implicit=implicit)
        return record, decision, previews, parameters

    def _started_cards(self) -> dict[str, CardState]:
        return {rec.template_id: rec.card for rec in self.store.cards() if rec.card.state != "new"}

    def _implicit(self, template_id: str, rating: int, at: datetime,
                  cards: dict[str, CardState]) -> tuple[ImplicitRecord, ...]:
        """The implicit reviews (credit or penalty, see `trainer.core.learning.credit`) that a review
        of `template_id` at `rating` and time `at` causes on the other started cards `cards`."""
        from trainer.core.learning import Peer, implicit_updates

        template = self.bank.templates.get(template_id)
        graph = self._learning_graph
        if graph is None or template is None:
            return ()
        peers = [Peer(tid, t.equation, getattr(t, "kind", "compute"), cards[tid])
                 for tid, t in self.bank.templates.items() if tid in cards]
        updates = implicit_updates(graph, template_id, template.equation, rating, peers, at,
                                   kind=getattr(template, "kind", "compute"),
                                   desired_retention=float(self.settings["desired_retention"]),
                                   parameters=self.fsrs_parameters)
        return tuple(ImplicitRecord(u.template_id, u.kind, u.weight, u.before, u.after) for u in updates)

    def override(self, outcome: Outcome, rating: int) -> Outcome:
        """Re-rate the review just recorded (keys 1-4): the card is recomputed from its state before.

        Returns:
            The Outcome with the new rating and next due time.

        Raises:
            ValueError: the outcome was not recorded, or the rating is not 1-4.
            trainer.storage.ConflictError: the card has been reviewed again since.
        """
        if not outcome.recorded or outcome.review_id is None:
            raise ValueError("only a recorded review can be re-rated")
        if rating not in sched.RATING_NAMES:
            raise ValueError(f"rating must be 1, 2, 3 or 4, got {rating!r}")
        settings = self.settings
        row = self.store.review(outcome.review_id)
        if row is None:
            raise ConflictError(f"review {outcome.review_id} no longer exists")
        if row["state_before"] is None:  # older than its card's undo window: no longer kept
            raise ConflictError(f"review {outcome.review_id} is too old to re-rate")
        before = CardState.from_dict(row["state_before"])
        basis, previews = self._previews.get(outcome.review_id, (None, {}))
        if basis == before and rating in previews:
            after = previews[rating]  # the interval shown on the key is the one recorded
        else:
            after = sched.review(before, rating, sched.parse_time(row["reviewed_at"]), rng=self.streams.fuzz,
                                 desired_retention=float(settings["desired_retention"]),
                                 leech_threshold=int(settings["leech_threshold"]),
                                 parameters=self.fsrs_parameters)
        at = sched.parse_time(row["reviewed_at"])
        implicit: tuple[ImplicitRecord, ...] = ()
        if self._learning_graph is not None:
            # The new rating's implicit reviews start from the cards as they are once the old
            # rating's are reverted (a card changed since keeps its newer state, as the store does).
            cards = self._started_cards()
            for old in self.store.implicit_for(outcome.review_id):
                if old["state_after"] is None or old["state_before"] is None:
                    continue  # no longer kept: the store leaves that card as it is too
                if cards.get(old["template_id"]) == CardState.from_dict(old["state_after"]):
                    cards[old["template_id"]] = CardState.from_dict(old["state_before"])
            implicit = self._implicit(row["template_id"], rating, at, cards)
        self.store.rerate(outcome.review_id, rating, before=before, after=after, implicit=implicit, at=at)
        return replace(outcome, rating=rating, next_due=after.due)

    def undo(self) -> str | None:
        """Undo this session's latest review (the card goes back to its state before).

        The problem that review answered (same template, seed and numbers) is served by the next
        `next_item`, timed afresh.

        Returns:
            The template id, or None when there is nothing (left) to undo.
        """
        while self._history:
            review_id, item = self._history.pop()
            self._previews.pop(review_id, None)
            try:
                tid = self.store.undo(review_id)
            except ConflictError:
                continue
            self._last_equation = None
            self._held = (item, timedelta(0))
            return tid
        return None

    def bury(self, template_id: str) -> None:
        """Hide a template until the next learning day starts (`next_day_starts_at`, local time)."""
        template = self.bank.templates.get(template_id)
        self.store.bury(template_id, self.next_day_start(self._now()),
                        equation=template.equation if template else None, topic=template.topic if template else None)

    def suspend(self, template_id: str) -> None:
        """Keep a template out of reviews until unsuspended."""
        template = self.bank.templates.get(template_id)
        self.store.set_suspended(template_id, True, equation=template.equation if template else None,
                                 topic=template.topic if template else None)

    def unsuspend(self, template_id: str) -> None:
        """Put a suspended template back into the queue."""
        self.store.set_suspended(template_id, False)

    # ------------------------------------------------------------------ progress
    def card_info(self, template_id: str) -> dict:
        """One template's schedule, for an info panel.

        Returns:
            {"template_id", "state", "due", "last_review", "stability", "difficulty", "retrievability",
             "reps", "lapses", "leech", "suspended", "buried_until", "orphaned"}; state "new" if never seen.
        """
        rec = self.store.card(template_id)
        card = rec.card if rec else CardState()
        return {"template_id": template_id, "state": card.state, "due": card.due, "last_review": card.last_review,
                "stability": card.stability, "difficulty": card.difficulty,
                "retrievability": sched.retrievability(card, self._now(), self.fsrs_parameters), "reps": card.reps,
                "lapses": card.lapses, "leech": card.leech, "suspended": bool(rec and rec.suspended),
                "buried_until": rec.buried_until if rec else None,
                "orphaned": template_id not in self.bank.templates}

    def _infos(self) -> list[TemplateInfo]:
        return [TemplateInfo(t.id, t.equation, t.topic, t.title) for t in self.templates]

    def card_history(self, template_id: str) -> dict:
        """Everything about one template's card, for the card-info panel and `trainer card`.

        Returns:
            `card_info(template_id)` plus "title", "equation", "topic" (None for an orphan) and
            "history": one dict per review, oldest first: {"review_id", "reviewed_at" (datetime),
            "seed", "answer", "correct", "score", "verdict" ("right", "wrong" or "partial"),
            "diagnosis_id", "rating", "rating_name", "decided" ("auto" or "overridden"),
            "response_ms", "due" (datetime the review scheduled), "interval_days" (due − reviewed_at,
            in days), "stability", "difficulty" (after the review), "implicit" (False)}. Implicit
            reviews (credit or penalty along the prerequisite graph) are listed among them by time,
            with "implicit" True, "kind" ("credit" or "penalty"), "weight", "source" (the template
            whose review caused it), "label" ("implicit (credit from <template>)"), "review_id" the
            causing review's id, the same schedule keys, and None for the answer keys.
        """
        info = self.card_info(template_id)
        template = self.bank.templates.get(template_id)
        rows = []
        unknown = CardState(state="new")  # a card after no longer kept (m008): no schedule to show
        for r in self.store.history(template_id):
            after = unknown if r["state_after"] is None else CardState.from_dict(r["state_after"])
            at = sched.parse_time(r["reviewed_at"])
            score = r.get("score")
            verdict = ("right" if r["correct"] else
                       "partial" if isinstance(score, (int, float)) and 0 < score < 1 else "wrong")
            rows.append({
                "review_id": r["id"], "reviewed_at": at, "seed": r["seed"], "answer": r["answer"],
                "correct": bool(r["correct"]), "score": score, "verdict": verdict,
                "diagnosis_id": r.get("diagnosis_id"), "rating": r["rating"],
                "rating_name": sched.RATING_NAMES.get(r["rating"], str(r["rating"])), "decided": r["decided"],
                "response_ms": r.get("response_ms"), "due": after.due,
                "interval_days": (after.due - at).total_seconds() / 86400 if after.due and at else None,
                "stability": after.stability, "difficulty": after.difficulty, "implicit": False})
        implicit = []
        for r in self.store.implicit_history(template_id):
            after = unknown if r["state_after"] is None else CardState.from_dict(r["state_after"])
            at = sched.parse_time(r["reviewed_at"])
            implicit.append({
                "review_id": r["cause_id"], "reviewed_at": at, "seed": None, "answer": None, "correct": None,
                "score": None, "verdict": None, "diagnosis_id": None, "rating": None, "rating_name": None,
                "decided": None, "response_ms": None, "due": after.due,
                "interval_days": (after.due - at).total_seconds() / 86400 if after.due and at else None,
                "stability": after.stability, "difficulty": after.difficulty, "implicit": True,
                "kind": r["kind"], "weight": r["weight"], "source": r["cause_template"],
                "label": f"implicit ({r['kind']} from {r['cause_template']})"})
        # A merge, not a sort: each list keeps its own (commit) order, and an implicit row comes
        # after the explicit rows of the same moment.
        rows = list(heapq.merge(rows, implicit, key=lambda row: row["reviewed_at"]))
        return {**info, "title": template.title if template is not None else None,
                "equation": template.equation if template is not None else None,
                "topic": template.topic if template is not None else None, "history": rows}

    def set_setting(self, key: str, value: object) -> object:
        """Validate and store one setting (this session uses it at once).

        Returns:
            The stored, normalised value.

        Raises:
            ValueError: unknown key or a value out of range (the message names both).
            trainer.storage.StoreError: the database cannot be written.
        """
        stored = self.store.set_setting(key, value)
        self._overrides.pop(key, None)
        return stored

    def overview(self) -> list[dict]:
        """Per equation, sorted by topic then equation: {"topic", "equation", "title", "templates",
        "new", "learning", "young", "mature" (template counts by card class), "classes" (one class
        per template, in bank order), "template_ids" (in the same order), "recall_now" (mean predicted recall over started templates, or
        None), "due", "reviews"}."""
        from trainer.core.progress.cards import card_class

        now = self._now()
        parameters = self.fsrs_parameters
        cards = {c.template_id: c for c in self.store.cards()}
        reviews = self.store.reviews_by_template()
        titles = {}
        try:
            from trainer.core.solvers.equations import equations

            titles = {k: v.name for k, v in equations().items()}
        except Exception:  # equation cards are a nicety; a broken solver module must not hide progress
            titles = {}
        rows: dict[tuple[str, str], dict] = {}
        recalls: dict[tuple[str, str], list[float]] = {}
        for t in self.templates:
            key = (t.topic, t.equation)
            row = rows.setdefault(key, {"topic": t.topic, "equation": t.equation,
                                        "title": titles.get(t.equation, t.equation), "templates": 0,
                                        "new": 0, "learning": 0, "young": 0, "mature": 0, "classes": [],
                                        "template_ids": [],
                                        "recall_now": None, "due": 0, "reviews": 0})
            rec = cards.get(t.id)
            cls = card_class(rec.card if rec is not None else None)
            row["templates"] += 1
            row[cls] += 1
            row["classes"].append(cls)
            row["template_ids"].append(t.id)
            row["reviews"] += reviews.get(t.id, 0)
            if cls != "new":
                recalls.setdefault(key, []).append(sched.retrievability(rec.card, now, parameters))
            if (rec is not None and not rec.suspended and rec.card.state != "new" and rec.card.due is not None
                    and rec.card.due <= now):
                row["due"] += 1
        for key, values in recalls.items():
            rows[key]["recall_now"] = sum(values) / len(values)
        return [rows[k] for k in sorted(rows)]

    def stats(self) -> Stats:
        """The `trainer stats --json` payload (keys documented in docs/data.md)."""
        now = self._now()
        hour, tz = self._day_args()
        since = (datetime.fromisoformat(sched.day_of(now, hour, tz)) - timedelta(days=HEATMAP_DAYS - 1)).date().isoformat()
        rows = self.store.stats_rows(since)
        return compute_stats(rows, self._infos(), now, desired_retention=float(self.settings["desired_retention"]),
                             day_start_hour=hour, tz=tz, parameters=self.fsrs_parameters)

    def today_summary(self) -> TodaySummary:
        """Today's reviews, time and accuracy, and when something is next available.

        "Today" is the learning day (`next_day_starts_at`, `timezone`); the time is the answer time
        of today's reviews (from each problem shown to its answer), as Anki counts study time.

        Returns:
            A TodaySummary (format it with `summary_line`).
        """
        return self._today(self._now(), self.next_due())

    def _today(self, now: datetime, next_due: datetime | None) -> TodaySummary:
        counts = self.store.day_practice(self.day_of(now))
        reviews, correct = counts["reviews"], counts["correct"]
        tz = self.timezone
        local = next_due.astimezone(tz) if next_due is not None else None
        return TodaySummary(reviews=reviews, correct=correct, accuracy=correct / reviews if reviews else None,
                            time_ms=counts["time_ms"], next_due=next_due, next_due_local=local,
                            next_due_today=local is not None and local.date() == now.astimezone(tz).date())

    # ------------------------------------------------------------------ placement
    def placement_refusal(self) -> str | None:
        """Why a placement cannot run on this database (it has reviews or a schedule), or None."""
        started = self.store.schedule_started()
        if started is None:
            return None
        return (f"placement is only for a new database, and this one already has a schedule ({started}); "
                "nothing was changed")

    def placement_offer(self) -> int | None:
        """Whether to offer a placement at start: about how many questions it takes, or None.

        Offered once, on a database with no reviews and no schedule, when the offer was neither
        declined nor taken before and the bank has something to ask.
        """
        if self.store.placement() is not None or self.placement_refusal() is not None:
            return None
        from trainer.core.learning.placement import estimate_questions

        estimate = estimate_questions(self.graph, self.templates)
        return estimate or None

    def decline_placement(self) -> None:
        """Remember that the learner declined the placement offer (`placement_offer` is None from now on)."""
        self.store.decline_placement(self._now())

    def start_placement(self, max_questions: int | None = None) -> PlacementRun:
        """A placement run over the bank's graph; nothing is written until `PlacementRun.finish`.

        Args:
            max_questions: stop after this many answers (None: when every equation is decided).

        Raises:
            trainer.core.learning.PlacementError: the database already has reviews or a schedule (the
                message says so), the cap is below 1, or the bank has nothing to ask.
        """
        from trainer.core.learning.placement import Placement, PlacementError

        refusal = self.placement_refusal()
        if refusal is not None:
            raise PlacementError(refusal)
        placement = Placement(self.graph, self.templates, rng=self.streams.placement, max_questions=max_questions)
        return PlacementRun(self, placement)

    # ------------------------------------------------------------------ quiz and preview
    def start_quiz(self, count: int, topics: Iterable[str] | None = None,
                   equations: Iterable[str] | None = None) -> Quiz:
        """A self-check run that never touches cards or reviews.

        Args:
            count: number of problems (≥ 1).
            topics: restrict to these topics (None: all).
            equations: restrict to these equation ids (None: all).

        Raises:
            ValueError: count < 1 or no template matches the filters.
        """
        if count < 1:
            raise ValueError("a quiz needs at least one problem")
        topic_set = set(topics) if topics else None
        eq_set = set(equations) if equations else None
        pool = [t for t in self.templates
                if (topic_set is None or t.topic in topic_set) and (eq_set is None or t.equation in eq_set)]
        if not pool:
            raise ValueError("no template matches those topics/equations")
        order: list = []
        while len(order) < count:
            order.extend(pool[i] for i in self.streams.quiz.permutation(len(pool)))
        return Quiz(self, order[:count])

    def preview(self, template_id: str, seed: int) -> Instance:
        """Generate any template with a chosen seed (bank browser, authoring); records nothing.

        Raises:
            KeyError: no such template.
        """
        return self._generate(self._template(template_id), int(seed))


@dataclass
class Quiz:
    """A run of problems graded without touching the schedule."""

    session: Session
    plan: list
    results: list[dict] = field(default_factory=list)
    _index: int = 0

    def next_item(self) -> Item | None:
        """The next problem, or None when the quiz is over."""
        while self._index < len(self.plan):
            template = self.plan[self._index]
            self._index += 1
            seed = int(self.session.streams.seeds.integers(0, sched.SEED_BOUND))
            try:
                instance = self.session._generate(template, seed)
            except Exception as exc:  # skip a broken template, as the review queue does
                self.session.generation_errors.append(GenerationFailure(template.id, str(exc)))
                continue
            return Item(instance=instance, card_state="quiz", due=None, is_new=False,
                        shown_at=self.session._now())
        return None

    def submit(self, item: Item, text: str) -> Verdict:
        """Grade an answer; a parse error is returned but not counted (the learner can retry)."""
        verdict = self.session._grade(item.instance, text)
        if verdict.error is None:
            instance = item.instance
            diagnosis = verdict.diagnosis
            self.results.append({
                "template_id": instance.template_id,
                "topic": instance.topic,
                "title": instance.title,
                "correct": bool(verdict.correct),
                "answer": text,
                "expected": verdict.expected,
                "diagnosis_id": diagnosis.id if diagnosis is not None else None,
                "message": diagnosis.message if diagnosis is not None else None,
            })
        return verdict

    def summary(self) -> dict:
        """{"planned", "answered", "correct", "score" (0..1 or None), "by_topic": {topic: {"total",
        "correct", "score"}}, "mistakes": [{"template_id", "title", "topic", "answer", "expected",
        "diagnosis_id", "message"}]}."""
        by_topic: dict[str, list[int]] = {}
        for r in self.results:
            tally = by_topic.setdefault(r["topic"], [0, 0])
            tally[0] += 1
            tally[1] += int(r["correct"])
        answered = len(self.results)
        correct = sum(int(r["correct"]) for r in self.results)
        return {
            "planned": len(self.plan), "answered": answered, "correct": correct,
            "score": correct / answered if answered else None,
            "by_topic": {t: {"total": n, "correct": c, "score": c / n} for t, (n, c) in sorted(by_topic.items())},
            "mistakes": [{k: r[k] for k in ("template_id", "title", "topic", "answer", "expected", "diagnosis_id",
                                             "message")} for r in self.results if not r["correct"]],
        }


@dataclass
class PlacementRun:
    """A placement diagnostic: questions graded by the real grader, the schedule seeded at the end.

    Unreadable answers are returned to be typed again and never counted. Nothing is written before
    `finish`, so leaving early changes nothing.
    """

    session: Session
    placement: Placement
    _item: Item | None = None
    _question: Any = None
    #: The cards `finish` wrote, as (template id, equation, due); empty before.
    seeded: list[tuple[str, str, datetime]] = field(default_factory=list)
    finished: bool = False

    def next_item(self) -> Item | None:
        """The question to answer now (the same Item until it is answered), or None when the walk is done."""
        session = self.session
        while True:
            question = self.placement.next_question()
            if question is None:
                return None
            if self._item is not None and question == self._question:
                return self._item
            template = session.bank.templates.get(question.template_id)
            try:
                if template is None:
                    raise KeyError(f"no template {question.template_id!r} in the bank")
                instance = session._generate(template, question.seed)
            except Exception as exc:  # a template that cannot generate is replaced, as in the queue
                session.generation_errors.append(GenerationFailure(question.template_id, str(exc)))
                self.placement.unusable(question.template_id)
                continue
            self._question = question
            self._item = Item(instance=instance, card_state="placement", due=None, is_new=False,
                              shown_at=session._now())
            return self._item

    def submit(self, item: Item, text: str) -> Verdict:
        """Grade an answer to the current question; a readable one settles it, an unreadable one
        (`verdict.error` set) leaves it to be answered again."""
        verdict = self.session._grade(item.instance, text)
        if verdict.error is None and item is self._item:
            self._item = None
            self.placement.answer(bool(verdict.correct))
        return verdict

    @property
    def done(self) -> bool:
        """Every question has been answered (`finish` may be called)."""
        return self.placement.done

    def result(self) -> PlacementResult:
        """What the answers so far decided."""
        return self.placement.result()

    def summary(self) -> dict:
        """{"questions" answered, "passed", "failed", "undecided" (equation counts), "done"}."""
        result = self.placement.result()
        return {"questions": result.questions, "passed": len(result.passed), "failed": len(result.failed),
                "undecided": len(result.undecided), "done": self.placement.done}

    def finish(self) -> dict:
        """Seed the schedule: placed-out templates become review cards (see
        `trainer.core.learning.placement.seeded_cards`), the rest stay new; one transaction, no reviews.

        Returns:
            {"questions", "passed", "failed", "undecided" (equation ids, prerequisites first), "asked"
             ([{"equation", "correct"}]), "cards" (templates seeded), "first_due", "last_due" (ISO
             times or None)}.

        Raises:
            trainer.core.learning.PlacementError: questions are left, or it was already finished.
            trainer.storage.ConflictError: the database gained reviews meanwhile (nothing written).
        """
        from trainer.core.learning.placement import PlacementError, seeded_cards

        if self.finished:
            raise PlacementError("this placement has already been saved")
        if not self.placement.done:
            raise PlacementError("the placement still has questions to answer")
        session = self.session
        now = session._now()
        result = self.placement.result()
        cards = seeded_cards(result, session.templates, now)
        record = {"at": sched.iso(now), **result.to_dict()}
        session.store.seed_placement([(t.id, t.equation, t.topic, card) for t, card in cards], record)
        self.finished = True
        self.seeded = [(t.id, t.equation, card.due) for t, card in cards]
        dues = [card.due for _, card in cards]
        return {**result.to_dict(), "cards": len(cards), "first_due": sched.iso(min(dues)) if dues else None,
                "last_due": sched.iso(max(dues)) if dues else None}


def placement_report(result: dict, names: dict[str, str] | None = None) -> list[str]:
    """The end of a placement in a few lines, for the terminal and the placement screen.

    Args:
        result: `PlacementRun.finish()`.
        names: equation names by id (ids are shown for the rest).

    Returns:
        Lines: the questions it took, what was placed out, the cards seeded and their due days, what
        is left to learn.
    """
    names = names or {}

    def listed(ids: list[str]) -> str:
        return ", ".join(names.get(e, e) for e in ids) or "none"

    n, passed = result["questions"], result["passed"]
    lines = [f"Placement took {n} question{'s' if n != 1 else ''}.",
             f"Placed out of {len(passed)} equation{'s' if len(passed) != 1 else ''}: {listed(passed)}."]
    if result["cards"]:
        first, last = result["first_due"][:10], result["last_due"][:10]
        lines.append(f"{result['cards']} templates start as review cards, due {first}"
                     + (f" to {last}" if last != first else "") + ".")
    rest = result["failed"] + result["undecided"]
    lines.append(f"To learn ({len(rest)}, as new cards): {listed(rest)}.")
    return lines


def learning_graph(templates, folders: Sequence[os.PathLike | str]) -> Graph:
    """The prerequisite graph of `templates` read from the `graph.yaml` at the root of `folders`, as
    `Session.graph` reads it for its bank (an unusable file gives a graph with no edges).

    Args:
        templates: the bank's templates.
        folders: the bank folders, bundled first.

    Returns:
        The Graph.
    """
    from trainer.core.learning import load_bank_graph

    return load_bank_graph([os.fspath(f) for f in folders], list(templates)).graph


def _curriculum(templates) -> list:
    """New templates in teaching order: probability first, deep learning last (bank order within a
    topic); topics a user bank adds come after the bundled ones."""
    from trainer.core.templates import TOPICS

    rank = {t: i for i, t in enumerate(TOPICS)}
    ordered = sorted(enumerate(templates), key=lambda it: (rank.get(it[1].topic, len(TOPICS)), it[0]))
    return [(t.id, t) for _, t in ordered]
