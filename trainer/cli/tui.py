"""Placeholder for the `tui` commands (being written)."""


def register(subparsers, common):
    """Nothing yet."""


def run(args):
    """Nothing yet."""
    print("trainer: not built yet")
    return 0
