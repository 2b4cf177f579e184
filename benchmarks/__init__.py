"""Benchmarks: every performance figure of trainer, printed by `python -m benchmarks`.

Each module exposes `figures(quick: bool) -> list[dict]` with keys group, name, value, unit, target
and note. Figures are measured here, never asserted in tests.
"""
