"""The expression language: syntax trees, the template and answer readers, evaluation, printing.

Core layer. Template expressions are read from Python's `ast` through an allow-list
(`template_syntax`); typed answers by a hand-written tokenizer and parser (`answer_tokens`,
`answer_syntax`); both produce the trees of `nodes`, compiled to NumPy closures by `evaluate` and
shown by `printing`. Nothing is eval'd. This package imports only `trainer.core.solvers` (lazily, for
the function whitelist)."""

from trainer.core._lazy import lazy_exports

_EXPORTS = {
    "ExprError": "nodes", "EvalError": "nodes", "MathInputError": "nodes", "Node": "nodes",
    "parse_template": "template_syntax", "compile_node": "evaluate",
    "free_names": "names", "called_functions": "names",
    "to_text": "printing", "echo": "printing", "to_input_text": "printing",
    "parse_answer": "answer_syntax",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
