"""Progress statistics from the review history: retention, streaks, forecast, heatmap, mistakes.

Core layer: pure functions of rows and a clock."""

from trainer.core._lazy import lazy_exports

_EXPORTS = {"compute_stats": "stats", "streaks": "stats", "TemplateInfo": "stats",
           "HEATMAP_DAYS": "stats", "Stats": "stats", "StoredCard": "stats"}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
