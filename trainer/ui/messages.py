"""Messages the trainer's screens post: small past-tense dataclasses.

UI layer. Workers post these back to the event loop; handlers update widgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class AnswerGraded(Message):
    """The session graded (and, unless it could not be read, recorded) an answer."""

    outcome: Any
    """A `trainer.session.Outcome`."""


@dataclass
class ItemLoaded(Message):
    """The next problem arrived from the session (None: nothing due)."""

    item: Any
    summary: dict | None


@dataclass
class SessionFailed(Message):
    """A session call raised; the text is shown instead of a traceback."""

    error: str
