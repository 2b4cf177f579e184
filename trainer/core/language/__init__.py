"""The expression language: syntax trees, the template and answer readers, evaluation, printing.

Core layer. Template expressions are read from Python's `ast` through an allow-list; typed answers by
a hand-written parser; both produce the same trees, compiled to NumPy closures. Nothing is eval'd."""

from trainer.core._lazy import lazy_exports

_EXPORTS = {
    "ExprError": "expr", "EvalError": "expr", "Node": "expr", "parse_template": "expr", "compile_node": "expr",
    "free_names": "expr", "called_functions": "expr", "to_text": "expr",
    "MathInputError": "mathinput", "parse_answer": "mathinput", "echo": "mathinput",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
