"""Progress statistics from the review history: retention, streaks, forecast, heatmap, mistakes, and
card states (new, learning, young, mature) with predicted recall.

Core layer: pure functions of rows and a clock."""

from trainer.core._lazy import lazy_exports

_EXPORTS = {"compute_stats": "stats", "streaks": "stats", "TemplateInfo": "stats",
           "HEATMAP_DAYS": "stats", "Stats": "stats", "StoredCard": "stats",
           "card_class": "cards", "card_summary": "cards", "MATURE_DAYS": "cards"}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
