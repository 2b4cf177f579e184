"""`trainer.ui.resume.keep_styles`: a screen shown again skips Textual's full restyle only when nothing
its styles depend on (theme, app classes, ANSI colour mode) changed since it was last shown."""

from __future__ import annotations

from types import SimpleNamespace

from trainer.ui.resume import fresh_on_resume, keep_styles


def resumed(screen) -> bool:
    """Whether the resume of `screen` restyles it."""
    event = SimpleNamespace(refresh_styles=True)  # Textual's ScreenResume default
    keep_styles(screen, event)
    return event.refresh_styles


def test_the_first_show_restyles_and_an_unchanged_reopen_does_not() -> None:
    app = SimpleNamespace(theme="textual-dark", classes={"-dark-mode"}, ansi_color=False)
    screen = SimpleNamespace(app=app)
    assert resumed(screen) is True
    assert resumed(screen) is False
    assert resumed(screen) is False


def test_a_theme_or_class_change_while_hidden_restyles_once() -> None:
    app = SimpleNamespace(theme="textual-dark", classes={"-dark-mode"}, ansi_color=False)
    screen = SimpleNamespace(app=app)
    resumed(screen)
    app.theme = "nord"
    assert resumed(screen) is True
    assert resumed(screen) is False
    app.classes = {"-light-mode"}
    assert resumed(screen) is True
    app.ansi_color = True
    assert resumed(screen) is True


def test_a_prepared_show_is_fresh_once() -> None:
    app = SimpleNamespace(theme="textual-dark", classes=set(), ansi_color=False)
    screen = SimpleNamespace(app=app, _prepared=False)
    event = SimpleNamespace(refresh_styles=True)
    assert fresh_on_resume(screen, event) is False  # not prepared: the screen reloads
    screen._prepared = True  # what prepare() sets once it has read the data
    assert fresh_on_resume(screen, SimpleNamespace(refresh_styles=True)) is True
    assert fresh_on_resume(screen, SimpleNamespace(refresh_styles=True)) is False  # consumed
