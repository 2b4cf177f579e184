"""Checking templates before a learner sees them: every seed generates, grades its own answer right and
each listed mistake as that mistake.

Core layer, used by `trainer check`."""

from trainer.core._lazy import lazy_exports

_EXPORTS = {"check_template": "check", "Finding": "check", "Report": "check", "Observer": "check",
            "leak_findings": "leaks", "truth_findings": "leaks",
            "check_graph": "graph_check", "GraphCheck": "graph_check",
            "answer_performs": "weights", "measure_weights": "weights"}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
