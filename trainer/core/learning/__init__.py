"""The learner model: the prerequisite graph over equations, implicit credit along it, placement,
and FSRS parameters fitted to the learner.

Core layer: pure functions of the bank, the review log, a clock and a seeded generator."""

from trainer.core._lazy import lazy_exports

_EXPORTS = {
    "Edge": "graph", "Graph": "graph", "GraphError": "graph",
    "AuthoredEquation": "authored", "GraphFile": "authored", "GraphFileError": "authored",
    "LoadedGraph": "authored", "bank_graph": "authored", "load_bank_graph": "authored",
    "merge_graph_files": "authored", "read_graph_file": "authored", "read_weights": "authored",
    "GRAPH_FILE": "authored", "WEIGHTS_FILE": "authored",
}
# `credit` itself is not exported: it would shadow the submodule of the same name (import it from
# `trainer.core.learning.credit`).
_EXPORTS.update({"penalty": "credit", "Peer": "credit", "Implicit": "credit",
                 "implicit_updates": "credit", "coverage": "credit", "recalled_equations": "credit",
                 "is_unlocked": "credit", "CREDIT": "credit", "PENALTY": "credit"})
_EXPORTS.update({name: "placement" for name in (
    "Placement", "PlacementError", "PlacementResult", "Question", "estimate_questions", "representatives",
    "seed_state", "seeded_cards", "PLACED_PER_DAY", "MAX_SPREAD_DAYS")})
_EXPORTS |= {
    "LoggedReview": "fitting", "fit": "fitting", "evaluate": "fitting", "health": "fitting",
    "optimize": "fitting", "Optimization": "fitting", "NotEnoughReviews": "fitting", "FitError": "fitting",
    "MIN_REVIEWS": "fitting", "predictable": "fitting", "rmse_bins": "fitting",
    "simulated_log": "simulation",
    "workload_by_retention": "workload", "WorkloadCard": "workload", "RETENTIONS": "workload",
    "HistoryError": "history", "ImportedReview": "history", "read_review_csv": "history",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
