"""`FeedbackPanel`: the verdict on an answer — right or wrong, the diagnosed mistake, the expected
answer, the worked solution, the rating the scheduler will record and why, and the next interval
under each of the four ratings.

UI layer; renders a `Verdict` (and the rating chosen by the session), decides nothing.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from trainer.ui.widgets.plain_text import visible

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


class FeedbackPanel(Static, can_focus=True):
    """Shown after grading; focusable so that it can scroll and take the 1–4 keys."""

    def show_verdict(
        self,
        verdict: Any,
        *,
        rating: int | None = None,
        overridden: bool = False,
        next_due: str | None = None,
        hint_used: bool = False,
        reason: str | None = None,
        intervals: str | None = None,
        note: str | None = None,
    ) -> None:
        """Render the verdict; `rating` None means nothing is scheduled (a quiz).

        `reason` says why the automatic rating is what it is; `intervals` is the line of the four
        rating keys with the next interval each would give ("1 Again 10m · 2 Hard 1d · …"); `note`
        replaces "quiz — not scheduled" when nothing is scheduled.
        """
        self.set_class(bool(verdict.correct), "-right")
        self.set_class(not verdict.correct, "-wrong")
        out = Text()
        if verdict.correct:
            out.append("✓ Right", style="bold")
            score = getattr(verdict, "score", 1.0)
        else:
            score = getattr(verdict, "score", 0.0) or 0.0
            out.append("✗ Not quite" if score > 0 else "✗ Wrong", style="bold")
        if score and 0 < score < 1:
            out.append(f"  (partial credit {score:.0%})", style="dim")
        diagnosis = getattr(verdict, "diagnosis", None)
        if diagnosis is not None:
            out.append(f"\n{visible(diagnosis.message)}")
        feedback = getattr(verdict, "feedback", "") or ""
        if feedback and (diagnosis is None or feedback.strip() != diagnosis.message.strip()):
            out.append(f"\n{visible(feedback)}", style="italic")
        parsed = getattr(verdict, "parsed", None)
        out.append("\n\n")
        if parsed:
            out.append("you wrote  ", style="dim")
            out.append(f"{visible(str(parsed))}\n")
        out.append("expected   ", style="dim")
        out.append(visible(f"{verdict.expected}"), style="bold")
        solution = (getattr(verdict, "solution", "") or "").strip("\n")
        if solution:
            out.append("\n\nsolution\n", style="dim")
            out.append(visible(solution))
        out.append("\n\n")
        if rating is None:
            out.append(note or "quiz — not scheduled", style="dim")
        else:
            how = "your choice" if overridden else "after a hint" if hint_used else "automatic"
            out.append("rating  ", style="dim")
            out.append(RATING_NAMES.get(rating, str(rating)), style="bold")
            out.append(f" ({how})")
            if next_due:
                out.append(f" · next {next_due}", style="dim")
            if reason:
                out.append("\nwhy     ", style="dim")
                out.append(visible(reason))
            out.append("\nkeys    ", style="dim")
            out.append(intervals or "1 Again · 2 Hard · 3 Good · 4 Easy", style="dim")
            out.append(" · Enter next", style="dim")
        self.update(out)
