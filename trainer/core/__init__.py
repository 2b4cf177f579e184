"""The pure domain: templates, the safe expression language, generation, solvers, grading, scheduling.

Standard library, numpy, sympy, yaml and fsrs only; clock and randomness come in as arguments.
"""
