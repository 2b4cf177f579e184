"""Template text is never markup: a template whose title, prompt, hint, options, mistake messages and
solution are full of Rich/Textual markup, `@click` actions and ANSI escapes is shown literally, and
nothing in it runs — driven through a review, the hint, wrong answers with feedback and the bank.

Behaviour tests (Pilot, real session and store). The expected strings are the template's own text
with ESC drawn as its control picture ␛ (U+241B), written out by hand in `tests.support.ui`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.content import Content
from textual.geometry import Region
from textual.widgets import Input, Static

from tests.support.paths import PROBLEMS
from tests.support.ui import SHOWN_MARKUP, make_app, run_async, settle, write_hostile_bank


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def lines_on_screen(app, selector: str) -> list[str]:
    """The widget's lines as drawn (for renderables such as tables whose `render()` is not text)."""
    widget = app.screen.query_one(selector)
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return [strip.text.rstrip() for strip in strips]


def title_of(app, selector: str) -> str:
    """The top border line of a widget as drawn, which carries its title."""
    return lines_on_screen(app, selector)[0]


def no_files(folder: Path) -> bool:
    return not folder.exists() or not any(folder.iterdir())


@run_async
async def test_hostile_template_text_is_shown_literally_and_never_runs(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # a screenshot action without a folder would write here
    shots = tmp_path / "shots"
    bank = write_hostile_bank(tmp_path / "bank", shots)
    app = make_app(tmp_path / "progress.db", [bank])
    seen: set[str] = set()
    async with app.run_test(size=(110, 40)) as pilot:
        for _ in range(2):
            await settle(pilot, app, lambda: app.problems_shown > len(seen))
            instance = app.screen.item.instance
            seen.add(instance.template_id)
            if instance.template_id == "ui-hostile-number":
                assert "Title [b]x[/b] [/] E[X] ␛[31mred  ·  calculus" in title_of(app, "#review-body")
                prompt = text_of(app, "#prompt")
                assert prompt.splitlines() == [
                    "[@click=app.quit]QUITQUITQUITQUIT[/]",
                    f"[@click=app.screenshot('X.svg','{shots}')]SHOTSHOTSHOTSHOT[/]",
                    f"Prompt {SHOWN_MARKUP}. Compute σ′(z) at z = 0.",
                ]
                # Were these links live, a click on the first two lines would quit or write a file.
                for y in (0, 1):
                    for x in (2, 20, 40):
                        await pilot.click("#prompt", offset=(x, y))
                await settle(pilot, app)
                assert app.is_running and no_files(shots)
                app.screen.query_one("#answer", Input).focus()  # the clicks focused the scrolling body
                await pilot.press("ctrl+t")
                await settle(pilot, app, lambda: app.screen.hint_used)
                assert text_of(app, "#hint").startswith(f"Hint: Hint {SHOWN_MARKUP}  (")
                await pilot.press(*"0.5", "enter")  # σ(0) = 0.5: the listed mistake
                await settle(pilot, app, lambda: app.screen.state == "feedback")
                feedback = text_of(app, "#feedback")
                assert f"Mistake {SHOWN_MARKUP}" in feedback
                assert f"Solution {SHOWN_MARKUP} = 0.25" in feedback
            else:
                assert "Choice [@click=app.quit]quit[/]  ·  calculus" in title_of(app, "#review-body")
                assert text_of(app, "#prompt") == "Which option? [/]"
                choices = lines_on_screen(app, "#choices")
                # Generation may shuffle the options; each is shown under its letter, literally.
                order = ["one" if o.startswith("Option one") else "two" for o in instance.answer.options]
                shown = {"one": f"Option one {SHOWN_MARKUP}", "two": "Option two [@click=app.quit]quit[/]"}
                assert choices == [f"({'ab'[i]}) {shown[name]}" for i, name in enumerate(order)]
                await pilot.press("ab"[order.index("two")], "enter")  # option two: the listed mistake
                await settle(pilot, app, lambda: app.screen.state == "feedback")
                feedback = text_of(app, "#feedback")
                assert f"Choice mistake {SHOWN_MARKUP}" in feedback
                assert f"Choice solution {SHOWN_MARKUP}" in feedback
            assert "\x1b" not in feedback
            await pilot.press("enter")
        assert seen == {"ui-hostile-number", "ui-hostile-choice"}

        await pilot.press("escape", "b")
        await settle(pilot, app, lambda: bool(app.screen.query("#bank-table"))
                     and app.screen.query_one("#bank-table").row_count == 2)
        table = app.screen.query_one("#bank-table")
        ids = {str(table.get_row_at(i)[0]) for i in range(2)}
        assert ids == {"ui-hostile-number", "ui-hostile-choice"}
        await pilot.press("tab")
        await settle(pilot, app, lambda: "seed 1" in title_of(app, "#bank-preview"))
        preview = text_of(app, "#preview")
        first = app.screen.selected
        if first == "ui-hostile-number":
            for shown in ("Title [b]x[/b] [/] E[X] ␛[31mred", f"Mistake {SHOWN_MARKUP}", f"hint  Hint {SHOWN_MARKUP}",
                          f"Solution {SHOWN_MARKUP}", "[@click=app.quit]QUITQUITQUITQUIT[/]"):
                assert shown in preview
        else:
            for shown in ("Choice [@click=app.quit]quit[/]", f"Choice mistake {SHOWN_MARKUP}",
                          f"Choice solution {SHOWN_MARKUP}"):
                assert shown in preview
        assert "\x1b" not in preview
        assert app.is_running and no_files(shots) and not list(tmp_path.glob("*.svg"))
        await pilot.press("ctrl+q")
    assert app.return_code == 0
    assert no_files(shots) and not list(tmp_path.glob("*.svg"))


@run_async
async def test_bundled_bernoulli_prompt_keeps_its_brackets(tmp_path: Path) -> None:
    """`E[X²] − E[X]²` in the bundled template used to lose `[X]` as an unknown tag."""
    folder = tmp_path / "bank" / "probability"
    folder.mkdir(parents=True)
    shutil.copy(PROBLEMS / "probability" / "bernoulli-mean-variance.yaml", folder)
    app = make_app(tmp_path / "progress.db", [tmp_path / "bank"])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, app, lambda: app.problems_shown >= 1)
        assert "Using Var[X] = E[X²] − E[X]², give the variance Var[X]" in text_of(app, "#prompt")
        assert app.screen.query_one("#answer", Input).placeholder.startswith("Var[X] | ")


@run_async
async def test_plain_text_is_not_markup_in_a_static() -> None:
    from textual.app import App

    from trainer.ui.widgets.plain_text import plain

    texts = ["E[X] = p, Var[X] = E[X²] − E[X]²", "[/] [@click=app.quit]q[/]", "[b]x[/b]"]

    class One(App[None]):
        def compose(self):
            for text in texts:
                yield Static(plain(text))

    app = One()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert [str(w.render()) for w in app.query(Static)] == texts
        # The same strings as markup lose their brackets (the bug this guards against).
        assert str(Content.from_markup(texts[0])) == "E = p, Var = E[X²] − E²"


def test_visible_draws_control_characters() -> None:
    from trainer.ui.widgets.plain_text import visible

    # ESC, BEL, CR, a C1 control and a lone surrogate are drawn; newline and tab stay.
    assert visible("a\x1b[31mb\x07c\rd\x9be\ud800f\n\tg") == "a␛[31mb␇c␍d\ufffde\ufffdf\n\tg"


def test_input_cursor_does_not_blink_in_ui_tests() -> None:
    """The autouse fixture of tests/conftest.py: a steady cursor keeps snapshots stable."""
    assert Input().cursor_blink is False
