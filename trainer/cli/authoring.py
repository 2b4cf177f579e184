"""Placeholder for the `authoring` commands (being written)."""


def register(subparsers, common):
    """Nothing yet."""


def run(args):
    """Nothing yet."""
    print("trainer: not built yet")
    return 0
