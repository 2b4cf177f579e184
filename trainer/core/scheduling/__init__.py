"""Scheduling: the card state, the FSRS adapter, ratings from verdicts, the review queue, days and settings.

Core layer, pure: `now` and a `numpy.random.Generator` come in as arguments. `review(card, rating,
now, rng=...)` returns the card after one review; `build_queue` orders what is due; `decide_rating`
turns a graded answer into Again/Hard/Good/Easy with its reason.
"""

from trainer.core._lazy import lazy_exports

_EXPORTS = {
    "CardState": "card", "STATE_CODES": "card",
    "iso": "days", "parse_time": "days", "require_utc": "days", "day_of": "days", "next_day_start": "days", "interval_words": "days",
    "day_start": "days", "resolve_timezone": "days", "LOCAL_ZONE": "days",
    "review": "fsrs_adapter", "make_scheduler": "fsrs_adapter", "retrievability": "fsrs_adapter",
    "fuzzed_interval_days": "fsrs_adapter", "review_each": "fsrs_adapter",
    "default_parameters": "fsrs_adapter", "validate_parameters": "fsrs_adapter",
    "AGAIN": "rating", "HARD": "rating", "GOOD": "rating", "EASY": "rating", "RATING_NAMES": "rating",
    "derive_rating": "rating", "typical_time": "rating", "TYPICAL_WINDOW": "rating",
    "SLOW_FACTOR": "rating", "FAST_FACTOR": "rating", "MIN_PRIOR_TIMES": "rating",
    "DEFAULT_SLOW_MS": "rating", "DEFAULT_FAST_MS": "rating", "RATING_LABELS": "rating",
    "decide_rating": "rating", "RatingDecision": "rating", "answer_kind": "rating", "ANSWER_KINDS": "rating",
    "RECALL_MS_PER_CHAR": "rating", "duration_text": "rating",
    "Candidate": "queue", "build_queue": "queue", "pick": "queue", "fresh_seed": "queue",
    "RECENT_SEEDS": "queue", "interleave_new": "queue", "MAX_TOPIC_RUN": "queue",
    "StudyFilter": "study", "LEARN_AHEAD": "queue", "SEED_BOUND": "queue",
    "DEFAULT_SETTINGS": "settings", "validate_setting": "settings",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
