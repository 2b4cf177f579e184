"""Plain per-card FSRS against the graph model (implicit credit, penalties, coverage, unlock) on
simulated learners: explicit reviews needed per template, the retention they reach, and how well each
predicts the next explicit review (log loss, RMSE over 20 prediction bins).

The simulated learner (seeded; no wall clock enters the results):
- Skills: one per equation of a fixed 12-equation graph in three layers (4 roots; 4 that each build on
  two roots; 4 that each build on two of the middle layer), every edge of weight 1; one compute
  template per equation, and again with two (the two then share their equation's skill, so each
  answer also exercises the sibling, which neither scheduler credits).
- Memory: each skill has a true FSRS-6 memory (stability S, difficulty D, last exercise) with the
  default parameters, written out below, so that the schedulers' model is right about one skill and
  wrong only about the structure. A skill's first exercise starts it at the Good initial stability
  times a per-skill factor drawn from a log-normal (σ 0.3), with a per-skill difficulty drawn from
  U(3, 8).
- Recall: answering a template of equation E needs E's skill and each of its direct prerequisites'
  skills, each recalled independently with its true retrievability; the answer is right when all
  are. Every skill the answer needed is exercised: a recalled one takes a Good update, a forgotten
  one an Again update (same-day exercises use FSRS-6's short-term formula).
- Practice: every day at 09:00 the learner does every due card (learning steps within the session,
  one minute per answer; a learning card due within 20 minutes is pulled ahead), then up to 4 new
  templates in curriculum order (roots first), for 180 days. A right answer is rated Good, a wrong
  one Again.
The schedulers: (a) `trainer`'s per-card FSRS (`review`, fuzz on, seeded), lowest retrievability
first; (b) the same plus `trainer.core.learning.credit`: credit and penalties after each answer,
due cards that cover other due cards first, new templates only once their prerequisites are recalled.
Prediction error is measured on explicit answers to review-state cards: the scheduler's
retrievability at that moment against the outcome. The two rarely reach the same measured retention
at one desired retention, so the plain scheduler is also run at desired 0.70-0.92 and its cost read
off (linear interpolation) at the graph model's measured retention.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

GROUP = "learner-graph"
START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
DAYS = 180
NEW_PER_DAY = 4
DESIRED = 0.9
LEARN_AHEAD = timedelta(minutes=20)


def skill_graph(per_equation: int = 2):
    """The fixed 12-equation graph and its templates (`per_equation` each), in curriculum order."""
    from trainer.core.learning import Edge, Graph

    roots = [f"r{i}" for i in range(4)]
    middle = [f"m{i}" for i in range(4)]
    top = [f"t{i}" for i in range(4)]
    edges = [Edge(m, roots[i], 1.0) for i, m in enumerate(middle)] + \
            [Edge(m, roots[(i + 1) % 4], 1.0) for i, m in enumerate(middle)] + \
            [Edge(t, middle[i], 1.0) for i, t in enumerate(top)] + \
            [Edge(t, middle[(i + 1) % 4], 1.0) for i, t in enumerate(top)]
    graph = Graph.build(roots + middle + top, edges)
    templates = [(f"{eq}-{k}", eq) for eq in graph.order() for k in "abcd"[:per_equation]]
    return graph, templates


# --- the true memory: FSRS-6 with the default parameters, written out --------------------------

def _w():
    from fsrs.scheduler import DEFAULT_PARAMETERS

    return DEFAULT_PARAMETERS


@dataclass
class Skill:
    stability: float
    difficulty: float
    last: datetime


def true_recall(skill: Skill | None, at: datetime) -> float:
    if skill is None:
        return 0.0
    w = _w()
    decay = -w[20]
    factor = 0.9 ** (1 / decay) - 1
    elapsed = max(0.0, (at - skill.last).total_seconds() / 86400)
    return (1 + factor * elapsed / skill.stability) ** decay


def exercise(skill: Skill, recalled: bool, at: datetime) -> None:
    w = _w()
    grade = 3 if recalled else 1
    elapsed = (at - skill.last).total_seconds() / 86400
    s, d = skill.stability, skill.difficulty
    if elapsed < 1:
        gain = math.exp(w[17] * (grade - 3 + w[18])) * s ** -w[19]
        s = s * (max(gain, 1.0) if recalled else gain)
    else:
        r = true_recall(skill, at)
        if recalled:
            s = s * (1 + math.exp(w[8]) * (11 - d) * s ** -w[9] * (math.exp((1 - r) * w[10]) - 1))
        else:
            s = min(w[11] * d ** -w[12] * ((s + 1) ** w[13] - 1) * math.exp((1 - r) * w[14]),
                    s / math.exp(w[17] * w[18]))
    d0_easy = w[4] - math.exp(w[5] * 3) + 1
    d = w[7] * d0_easy + (1 - w[7]) * (d + (10 - d) * (-w[6] * (grade - 3)) / 9)
    skill.stability = min(max(s, 0.001), 36500.0)
    skill.difficulty = min(max(d, 1.0), 10.0)
    skill.last = at


# --- one learner under one scheduler ------------------------------------------------------------

@dataclass
class Run:
    reviews: int = 0
    started: int = 0
    retention_n: int = 0
    retention_passed: int = 0
    predictions: list = field(default_factory=list)  # (predicted recall, outcome)


def simulate(seed: int, use_graph: bool, days: int = DAYS, desired: float = DESIRED, per_equation: int = 2) -> Run:
    import numpy as np

    from trainer.core.learning import Peer, coverage, implicit_updates, is_unlocked, recalled_equations
    from trainer.core.scheduling import CardState, retrievability, review

    graph, templates = skill_graph(per_equation)
    equation_of = dict(templates)
    memory_rng, fuzz_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    # The learner is the same under both schedulers: skill traits and answer draws come from `seed`.
    traits = {eq: (float(memory_rng.lognormal(0.0, 0.3)), float(memory_rng.uniform(3, 8))) for eq in graph.nodes}
    w = _w()
    skills: dict[str, Skill] = {}
    cards: dict[str, CardState] = {}
    run = Run()
    taught = set(graph.nodes)

    def answer(tid: str, at: datetime) -> None:
        eq = equation_of[tid]
        needed = [eq] + [e.target for e in graph.prerequisites(eq)]
        passed = True
        for s in needed:
            recalled = bool(memory_rng.random() < true_recall(skills.get(s), at))
            passed = passed and recalled
            if s not in skills:
                factor, difficulty = traits[s]
                skills[s] = Skill(w[2] * factor, difficulty, at)  # first exposure: it is learned now
            else:
                exercise(skills[s], recalled, at)
        card = cards[tid]
        if card.state == "review":
            p = retrievability(card, at)
            run.predictions.append((p, int(passed)))
            if card.last_review is None or card.last_review < at - timedelta(hours=20):
                run.retention_n += 1
                run.retention_passed += int(passed)
        rating = 3 if passed else 1
        cards[tid] = review(card, rating, at, rng=fuzz_rng, desired_retention=desired)
        run.reviews += 1
        if use_graph:
            peers = [Peer(t, equation_of[t], "compute", c) for t, c in cards.items()]
            for imp in implicit_updates(graph, tid, eq, rating, peers, at, desired_retention=desired):
                cards[imp.template_id] = imp.after

    for day in range(days):
        at = START + timedelta(days=day)
        while True:
            due = [t for t, c in cards.items() if c.due is not None and c.due <= at]
            if not due:
                ahead = sorted((c.due, t) for t, c in cards.items()
                               if c.state != "review" and c.due is not None and c.due <= at + LEARN_AHEAD)
                if not ahead:
                    break
                at = max(at, ahead[0][0])
                continue
            covers = coverage(graph, [Peer(t, equation_of[t], "compute", cards[t]) for t in due]) if use_graph else {}
            due.sort(key=lambda t: (-covers.get(t, 0.0), retrievability(cards[t], at), cards[t].due, t))
            answer(due[0], at)
            at += timedelta(minutes=1)
        new = [t for t, _ in templates if t not in cards]
        if use_graph:
            recalled = recalled_equations([Peer(t, equation_of[t], "compute", c) for t, c in cards.items()], at,
                                          desired_retention=desired)
            new = [t for t in new if is_unlocked(graph, t, equation_of[t], recalled, taught)]
        for tid in new[:NEW_PER_DAY]:
            cards[tid] = CardState()
            run.started += 1
            answer(tid, at)
            at += timedelta(minutes=1)
            # Its learning steps, as the learner stays until nothing is due within the session.
            while cards[tid].state != "review" and cards[tid].due <= at + LEARN_AHEAD:
                at = max(at, cards[tid].due)
                answer(tid, at)
                at += timedelta(minutes=1)
    return run


def log_loss(pairs) -> float:
    eps = 1e-6
    return -sum(y * math.log(min(max(p, eps), 1 - eps)) + (1 - y) * math.log(1 - min(max(p, eps), 1 - eps))
                for p, y in pairs) / len(pairs)


def rmse_bins(pairs, bins: int = 20) -> float:
    """Root mean square of (mean prediction − observed rate) over equal-width bins of the prediction,
    weighted by the answers in each bin."""
    groups: dict[int, list] = {}
    for p, y in pairs:
        groups.setdefault(min(int(p * bins), bins - 1), []).append((p, y))
    total = sum(len(g) for g in groups.values())
    err = sum(len(g) * (sum(p for p, _ in g) / len(g) - sum(y for _, y in g) / len(g)) ** 2 for g in groups.values())
    return math.sqrt(err / total)


#: Desired retentions the plain scheduler is also run at, to read off its cost at the graph model's
#: measured retention (the two rarely measure the same retention at the same setting).
PLAIN_SWEEP = (0.70, 0.75, 0.80, 0.85, 0.88, 0.90, 0.92)


def _summary(runs: list[Run], learners: int) -> dict[str, float]:
    pairs = [pair for r in runs for pair in r.predictions]
    started = sum(r.started for r in runs)
    return {"reviews_per_template": sum(r.reviews for r in runs) / started,
            "retention": sum(r.retention_passed for r in runs) / sum(r.retention_n for r in runs),
            "log_loss": log_loss(pairs), "rmse_bins": rmse_bins(pairs), "templates": started / learners}


def at_retention(points: list[tuple[float, float]], retention: float) -> float | None:
    """Linear interpolation of reviews/template at `retention` over (retention, reviews) points;
    None outside their range."""
    points = sorted(points)
    for (r0, c0), (r1, c1) in zip(points, points[1:]):
        if r0 <= retention <= r1:
            return c0 if r1 == r0 else c0 + (c1 - c0) * (retention - r0) / (r1 - r0)
    return None


def compare(learners: int, days: int = DAYS, per_equation: int = 2) -> dict[str, dict[str, float]]:
    """Both schedulers over the same simulated learners (seeds 0..learners−1), at desired retention
    0.9, and the plain scheduler's reviews/template at the graph model's measured retention.

    Returns:
        {"plain" | "graph": {"reviews_per_template", "retention", "log_loss", "rmse_bins", "templates"},
         "matched": {"plain_reviews_per_template" (None when out of the sweep's range), "retention"}}.
    """
    out: dict = {}
    sweep = []
    for desired in PLAIN_SWEEP:
        summary = _summary([simulate(seed, False, days, desired, per_equation) for seed in range(learners)],
                           learners)
        sweep.append((summary["retention"], summary["reviews_per_template"]))
        if desired == DESIRED:
            out["plain"] = summary
    out["graph"] = _summary([simulate(seed, True, days, DESIRED, per_equation) for seed in range(learners)],
                            learners)
    out["matched"] = {"retention": out["graph"]["retention"],
                      "plain_reviews_per_template": at_retention(sweep, out["graph"]["retention"])}
    return out


def figures(quick: bool) -> list[dict]:
    learners = 4 if quick else 24
    rows = []
    for per_equation in (1, 2):
        result = compare(learners, per_equation=per_equation)
        tag = f"{per_equation}/eq"
        note = f"{learners} learners, {DAYS} days, {12 * per_equation} templates"
        for name in ("plain", "graph"):
            r = result[name]
            rows += [
                {"group": GROUP, "name": f"{tag} {name} reviews/template", "value": r["reviews_per_template"],
                 "unit": "reviews", "note": note},
                {"group": GROUP, "name": f"{tag} {name} retention", "value": r["retention"], "unit": "ratio",
                 "note": f"measured; desired {DESIRED}"},
                {"group": GROUP, "name": f"{tag} {name} log loss", "value": r["log_loss"], "unit": "nats",
                 "note": "next explicit review"},
                {"group": GROUP, "name": f"{tag} {name} RMSE(bins)", "value": r["rmse_bins"], "unit": "ratio"},
                {"group": GROUP, "name": f"{tag} {name} templates started", "value": r["templates"],
                 "unit": "each"},
            ]
        rows.append({"group": GROUP, "name": f"{tag} graph/plain reviews", "unit": "ratio",
                     "value": result["graph"]["reviews_per_template"] / result["plain"]["reviews_per_template"],
                     "note": f"both at desired {DESIRED}"})
        matched = result["matched"]["plain_reviews_per_template"]
        rows.append({"group": GROUP, "name": f"{tag} plain reviews at graph's retention", "unit": "reviews",
                     "value": "out of range" if matched is None else matched,
                     "note": f"retention {result['matched']['retention']:.3f}, plain swept over desired "
                             f"{PLAIN_SWEEP[0]:.2f}-{PLAIN_SWEEP[-1]:.2f}"})
        if matched is not None:
            rows.append({"group": GROUP, "name": f"{tag} graph/plain reviews, same retention", "unit": "ratio",
                         "value": result["graph"]["reviews_per_template"] / matched})
    return rows
