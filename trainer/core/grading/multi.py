"""Multi-part answers: each part graded by its own type, the score averaged, feedback per part.

Core layer, grading. The parts come read from `trainer.core.grading.reading` (split on `|`, each part
read by its own type); the first part with a named mistake gives the verdict's diagnosis.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainer.core.grading.reading import PartReading, Reading
from trainer.core.grading.verdict import PartResult

PartGrader = Callable[[Any, Any, PartReading, "int | None"], PartResult]


def grade_multi(instance: Any, ans: Any, reading: Reading, grade_part: PartGrader) -> PartResult:
    """Grade every part of a read multi-part answer.

    Args:
        instance: the instance.
        ans: the multi answer (its `parts`).
        reading: the reading, one part per answer part.
        grade_part: grades one part (the dispatcher's, so a part may be of any type).

    Returns:
        The combined result: correct when every part is, score the mean of the parts'.
    """
    results = [grade_part(instance, part, r, i) for i, (r, part) in enumerate(zip(reading.parts, ans.parts))]
    lines = []
    for i, (r, part) in enumerate(zip(results, ans.parts)):
        label = f" ({part.label})" if getattr(part, "label", "") else ""
        lines.append(f"Part {i + 1}{label}: {r.feedback}")
    diagnosis = next((r.diagnosis for r in results if r.diagnosis is not None), None)
    return PartResult(all(r.correct for r in results), sum(r.score for r in results) / len(ans.parts),
                      " ".join(lines), reading.shown, diagnosis)
