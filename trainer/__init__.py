"""trainer: practise the equations of machine learning in a terminal.

The version comes from installed metadata so it never drifts from pyproject.toml.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("trainer")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
