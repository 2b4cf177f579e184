"""The solver core: NumPy functions for every equation of the bank, and the whitelist built from them.

Core layer. Each area module lists its public solvers in `__all__` and its reference cards in
`EQUATIONS`; this package merges them into the one registry that the safe expression language may
call. Nothing outside these registries is callable from a template or a typed answer.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import import_module
from typing import Any

AREAS = (
    "elementary",
    "probability",
    "information",
    "statistics",
    "linalg",
    "calculus",
    "deep",
)


def _modules():
    for area in AREAS:
        try:
            yield import_module(f"trainer.core.solvers.{area}")
        except ModuleNotFoundError as exc:  # an area not written yet must not break the rest
            if exc.name != f"trainer.core.solvers.{area}":
                raise


@cache
def registry() -> dict[str, Callable[..., Any]]:
    """Every whitelisted function by the name expressions call it with.

    Raises:
        RuntimeError: two areas export the same name (the registry must be unambiguous).
    """
    out: dict[str, Callable[..., Any]] = {}
    for module in _modules():
        for name in getattr(module, "__all__", ()):
            if name in out:
                raise RuntimeError(f"solver name {name!r} is exported twice ({module.__name__})")
            out[name] = getattr(module, name)
        for alias, target in getattr(module, "ALIASES", {}).items():
            if alias in out:
                raise RuntimeError(f"solver alias {alias!r} clashes ({module.__name__})")
            out[alias] = getattr(module, target)
    return out


@cache
def equation_cards():
    """Every equation card by id, from each area's `EQUATIONS` list."""
    out = {}
    for module in _modules():
        for card in getattr(module, "EQUATIONS", ()):
            if card.id in out:
                raise RuntimeError(f"equation {card.id!r} is defined twice ({module.__name__})")
            out[card.id] = card
    return out
