"""`HelpScreen`: every key of every screen, and how answers are typed.

UI layer; static text, opened with F1 or `?` and closed with Esc.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from trainer.ui.widgets.trainer_footer import TrainerFooter

KEYS = """\
[b]Everywhere[/b]
  ctrl+p   command palette (every action, and themes)     f1   this help
  ctrl+q   quit                                           esc  back / home

[b]Home[/b]
  r review   s study one topic/equation/tag (scheduled)   q quiz   p progress
  b bank     o settings   ? help   ↑↓ move in the table
  i card info of the highlighted equation (every review of its templates)

[b]Review[/b]
  enter    submit (an answer that cannot be read is shown, not counted)
  ctrl+t   hint — the rating will be Hard at best
  ctrl+g   fill a matrix answer in a grid
  ctrl+r   reference card of the equation
  ctrl+b   skip: bury this template until the next day starts
  ctrl+s   suspend this template
  ctrl+z   undo the last review
  ctrl+o   card info: difficulty, stability, recall now and every review of this template
  then     1 Again  2 Hard  3 Good  4 Easy: change the rating · enter next

[b]Quiz[/b]
  like review, nothing scheduled; ends with the score and the mistakes

[b]Progress[/b]
  r  refresh   f  fit FSRS parameters to your reviews: before/after, then Apply or keep

[b]Bank[/b]
  /  filter (id, title, topic, equation, tags)   ↑↓ preview   n re-roll
  s  suspend / unsuspend   i  card info   ctrl+l  reload the templates from disk
"""

ANSWERS = """\
[b]Typing answers[/b]  (the line under the input shows how your answer is read)
  numbers     0.333  1/3  1e-3  -2.5  π  √2  ½   33.3% (if percent is allowed)
  powers      x^2   x**2   x²        e^x   exp(x)
  products    2x   2x(1-x)   2·x   2×x     (implicit multiplication works)
  functions   ln, log (natural)  log2  log10  sqrt  abs  max  min
              sigmoid  tanh  softplus  exp
  greek       mu sigma  or  μ σ
  vectors     [4, 7]   4 7
  matrices    1 2; 3 4    or    [[1, 2], [3, 4]]    (ctrl+g fills a grid)
  transpose   K^T   K.T   K'
  formulas    sum(p*log(p/q))   -sum(y*log(yhat))   exp(z)/sum(exp(z))
              softmax(Q@K.T/sqrt(d))@V
  sets        eigenvalues in any order: 1 3   or   [3, 1]
  directions  any nonzero multiple of the vector: [1, -1] or [-2, 2]
  several     parts separated by |      e.g.   0.5 | 0.25
  choices     the letter or the number shown: b   or   2
"""


class HelpScreen(Screen[None]):
    """Keys and answer syntax."""

    BINDINGS = [Binding("escape,q,f1", "close", "Close")]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="help-body"):
            yield Static(KEYS, id="help-keys")
            yield Static(ANSWERS, id="help-answers")
        yield TrainerFooter()

    def action_close(self) -> None:
        self.app.pop_screen()
