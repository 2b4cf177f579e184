"""A template that fails to generate is skipped with a notice the learner sees, and listed on the session.

Behaviour test: the real app, session, store and grader driven by Pilot, with a generator that fails
for one template of the small UI bank (as a template whose `where` can never hold would).
"""

from __future__ import annotations

from datetime import timezone
from pathlib import Path

from tests.support.ui import NOW, run_async, settle, write_bank


@run_async
async def test_a_template_that_cannot_generate_is_skipped_with_a_notice(tmp_path: Path) -> None:
    from trainer.core.templates import load_bank
    from trainer.core.templates.generation import generate
    from trainer.session import GenerationFailure, Session
    from trainer.storage import Store
    from trainer.ui.app import TrainerApp

    folder = write_bank(tmp_path / "bank")
    built = []

    def failing_generate(template, seed):
        if template.id == "ui-entropy":
            raise ValueError("no parameters satisfy the constraint")
        return generate(template, seed)

    def factory():
        session = Session(load_bank([folder]), Store.open(tmp_path / "progress.db"), clock=lambda: NOW, seed=1,
                          generate=failing_generate)
        built.append(session)
        return session

    app = TrainerApp(factory, tz=timezone.utc)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        # ui-entropy comes first in teaching order (information before calculus) but cannot be drawn.
        assert app.screen.item.instance.template_id == "ui-sigmoid-slope"
        await settle(pilot, app, lambda: any(n.title == "Template skipped" for n in app._notifications))
        notice = next(n for n in app._notifications if n.title == "Template skipped")
        assert notice.message == ("ui-entropy could not generate a problem and was skipped: "
                                  "no parameters satisfy the constraint")
        assert built[0].generation_errors == [
            GenerationFailure("ui-entropy", "no parameters satisfy the constraint")]
        await pilot.press("ctrl+q")
