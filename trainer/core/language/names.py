"""What an expression refers to: the names it reads and the functions it calls.

Core layer, expression language. Used by the template loader (unknown names and functions are
reported at load time) and by grading (a formula that ignores a variable; solver shortcuts).
"""

from __future__ import annotations

from typing import Any

from trainer.core.language.nodes import CONSTANTS, Call, Name, Node


def free_names(node: Node) -> set[str]:
    """Names an expression reads (parameters or variables), constants and functions excluded."""
    out: set[str] = set()
    _collect(node, out)
    return out


def _collect(node: Any, out: set[str]) -> None:
    if isinstance(node, Name):
        if node.id not in CONSTANTS:
            out.add(node.id)
        return
    if isinstance(node, Call):
        for a in node.args:
            _collect(a, out)
        for _, v in node.kwargs:
            _collect(v, out)
        return
    for field in getattr(node, "__slots__", ()):
        child = getattr(node, field)
        if isinstance(child, tuple):
            for c in child:
                _collect(c, out)
        elif child is not None and not isinstance(child, (str, int, float)):
            _collect(child, out)


def called_functions(node: Node) -> set[str]:
    """Function names an expression calls (to report unknown ones at load time)."""
    out: set[str] = set()

    def walk(n: Any) -> None:
        if isinstance(n, Call):
            out.add(n.func)
        for field in getattr(n, "__slots__", ()):
            child = getattr(n, field)
            for c in child if isinstance(child, tuple) else (child,):
                if isinstance(c, tuple):  # kwargs pairs
                    walk(c[1])
                elif c is not None and not isinstance(c, (str, int, float)):
                    walk(c)

    walk(node)
    return out
