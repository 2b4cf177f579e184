"""trainer: practise the equations of machine learning in a terminal.

The version comes from installed metadata so it never drifts from pyproject.toml; it is looked up on
first use because importlib.metadata costs more at start-up than the rest of this package's top level.
"""


def __getattr__(name: str):
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("trainer")
        except PackageNotFoundError:  # running from a source tree that was never installed
            return "0.0.0"
    raise AttributeError(f"module 'trainer' has no attribute {name!r}")
