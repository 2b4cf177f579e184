"""`QuizScreen`: a self-check run over chosen topics — the review flow without the schedule — that
ends with the score by topic and the mistakes made.

UI layer; reuses `ReviewScreen`'s layout and flow with a `Quiz` from the session as the source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.widgets import Static

from trainer.ui.screens.review_screen import EMPTY, ReviewScreen

if TYPE_CHECKING:
    from trainer.core.grading import Verdict
    from trainer.session import Item, Outcome, Quiz


class QuizScreen(ReviewScreen):
    """Problems from `session.start_quiz(...)`; graded answers are never recorded as reviews."""

    BINDINGS = [Binding("escape", "app.home", "Home")]
    scheduled = False

    def __init__(self, count: int = 10, topics: list[str] | None = None, equations: list[str] | None = None):
        super().__init__()
        self.count, self.topics, self.equations = count, topics, equations
        self.quiz: Quiz | None = None
        self.answered = 0

    async def fetch(self) -> tuple[Item | None, dict]:
        if self.quiz is None:
            count, topics, equations = self.count, self.topics, self.equations
            self.quiz = await self.app.runner.call(
                lambda s: s.start_quiz(count, topics=topics, equations=equations))
        quiz = self.quiz
        item = await self.app.runner.call(lambda s: quiz.next_item())
        summary = await self.app.runner.call(lambda s: quiz.summary())
        return item, summary

    async def grade(self, item: Item, text: str, hint_used: bool) -> tuple[Verdict, Outcome | None]:
        quiz = self.quiz
        verdict = await self.app.runner.call(lambda s: quiz.submit(item, text))
        return verdict, None

    def status_text(self, summary: dict) -> str:
        return (f"quiz · {summary['answered']} of {self.count} answered · {summary['correct']} right · "
                "the schedule is not touched")

    def empty_text(self, summary: dict) -> str:
        lines = ["Quiz finished.", ""]
        total_right = total = 0
        for topic, score in sorted(summary["by_topic"].items()):
            right, asked = score["correct"], score["total"]
            total_right, total = total_right + right, total + asked
            lines.append(f"  {topic:<16} {right}/{asked}  {'█' * right}{'░' * (asked - right)}")
        if total:
            lines.insert(2, f"Score {total_right}/{total} ({total_right / total:.0%})\n")
        mistakes = summary["mistakes"]
        if mistakes:
            lines += ["", "Mistakes:"]
            for m in mistakes:
                lines.append("  · " + _mistake_line(m))
        lines += ["", "Esc for home · Ctrl+P → Quiz for another run"]
        return "\n".join(lines)

    def on_answer_graded(self, message) -> None:
        if message.verdict.error is None:
            self.answered += 1
        super().on_answer_graded(message)

    def on_item_loaded(self, message) -> None:
        super().on_item_loaded(message)
        if self.state == EMPTY:
            self.query_one("#status-line", Static).update(f"quiz · finished · {self.answered} answered")


def _mistake_line(m: dict[str, Any]) -> str:
    """One quiz mistake (a row of `Quiz.summary()["mistakes"]`) as a line."""
    title = m["title"] or m["template_id"]
    what = m["message"] or ""
    return f"{title}: {what} (you: {m['answer']}; expected {m['expected'] or ''})".strip()
