"""Lazy package exports: a package names its public API without importing it.

Core layer helper. `import trainer.core.templates.safe_yaml` must not pull numpy in through the
package's `__init__` (start-up time; `trainer --help` loads no numpy), so each package maps its
public names to the module that defines them and imports that module on first attribute access
(PEP 562), as py-fsrs does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Build `__getattr__` and `__dir__` for `package` from {public name: submodule name}."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(import_module(f"{package}.{module}"), name)

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__
