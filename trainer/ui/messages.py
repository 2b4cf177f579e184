"""Messages the trainer's screens post: small past-tense dataclasses.

UI layer. Workers post these back to the event loop; handlers update widgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from trainer.core.grading import Verdict
    from trainer.core.learning import Optimization
    from trainer.session import Item, Outcome


@dataclass
class AnswerGraded(Message):
    """The session graded an answer; in review, unless it could not be read, it was also recorded."""

    verdict: Verdict
    outcome: Outcome | None
    """The recorded review's outcome (None in a quiz, which records nothing)."""


@dataclass
class ItemLoaded(Message):
    """The next problem arrived from the session (None: nothing due)."""

    item: Item | None
    summary: dict | None


@dataclass
class SessionFailed(Message):
    """A session call raised; the text is shown instead of a traceback."""

    error: str


@dataclass
class ParametersFitted(Message):
    """FSRS parameters were fitted to the learner's log (nothing applied yet)."""

    result: Optimization
    fitted_before: bool
    """Whether the parameters in use were themselves fitted (else the defaults)."""


@dataclass
class FitFailed(Message):
    """Fitting could not run (too few reviews, the optimizer failed); the text says why."""

    error: str
