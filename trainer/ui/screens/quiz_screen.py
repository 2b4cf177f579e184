"""`QuizScreen`: a self-check run over chosen topics — the review flow without the schedule — that
ends with the score by topic and the mistakes made.

UI layer; reuses `ReviewScreen`'s layout and flow with a `Quiz` from the session as the source.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.widgets import Static

from trainer.ui.screens.review_screen import EMPTY, ReviewScreen


class QuizScreen(ReviewScreen):
    """Problems from `session.start_quiz(...)`; graded answers are never recorded as reviews."""

    BINDINGS = [Binding("escape", "app.home", "Home")]
    scheduled = False

    def __init__(self, count: int = 10, topics: list[str] | None = None, equations: list[str] | None = None):
        super().__init__()
        self.count, self.topics, self.equations = count, topics, equations
        self.quiz: Any = None
        self.answered = 0

    async def fetch(self) -> tuple[Any, dict]:
        if self.quiz is None:
            count, topics, equations = self.count, self.topics, self.equations
            self.quiz = await self.app.runner.call(
                lambda s: s.start_quiz(count, topics=topics, equations=equations))
        quiz = self.quiz
        item = await self.app.runner.call(lambda s: quiz.next_item())
        summary = await self.app.runner.call(lambda s: quiz.summary())
        return item, summary

    async def grade(self, item: Any, text: str, hint_used: bool) -> tuple[Any, Any]:
        quiz = self.quiz
        verdict = await self.app.runner.call(lambda s: quiz.submit(item, text))
        return verdict, None

    def status_text(self, summary: dict) -> str:
        done = summary.get("answered", summary.get("done", self.answered))
        right = summary.get("correct", summary.get("right", 0))
        return f"quiz · {done} of {self.count} answered · {right} right · the schedule is not touched"

    def empty_text(self, summary: dict) -> str:
        lines = ["Quiz finished.", ""]
        by_topic = summary.get("by_topic") or summary.get("score_by_topic") or {}
        total_right = total = 0
        for topic, score in sorted(by_topic.items()):
            right, asked = _pair(score)
            total_right, total = total_right + right, total + asked
            lines.append(f"  {topic:<16} {right}/{asked}  {'█' * right}{'░' * (asked - right)}")
        if total:
            lines.insert(2, f"Score {total_right}/{total} ({total_right / total:.0%})\n")
        mistakes = summary.get("mistakes") or []
        if mistakes:
            lines += ["", "Mistakes:"]
            for m in mistakes:
                lines.append("  · " + _mistake_line(m))
        lines += ["", "Esc for home · Ctrl+P → Quiz for another run"]
        return "\n".join(lines)

    def on_answer_graded(self, message) -> None:
        if getattr(message.outcome, "error", None) is None:
            self.answered += 1
        super().on_answer_graded(message)

    def on_item_loaded(self, message) -> None:
        super().on_item_loaded(message)
        if self.state == EMPTY:
            self.query_one("#status-line", Static).update(f"quiz · finished · {self.answered} answered")


def _pair(score: Any) -> tuple[int, int]:
    if isinstance(score, dict):
        return int(score.get("correct", score.get("right", 0))), int(score.get("total", score.get("asked", 0)))
    if isinstance(score, (list, tuple)) and len(score) == 2:
        return int(score[0]), int(score[1])
    return 0, 0


def _mistake_line(m: Any) -> str:
    if isinstance(m, dict):
        title = m.get("title") or m.get("template_id") or ""
        what = m.get("diagnosis") or m.get("message") or ""
        typed = m.get("answer") or m.get("typed") or ""
        expected = m.get("expected") or ""
        return f"{title}: {what} (you: {typed}; expected {expected})".strip()
    return str(m)
