"""The Textual front end (UI layer): `TrainerApp`, its screens and widgets.

Talks only to `trainer.session` (and displays `trainer.core` types); never to storage. Importing this
package is cheap: the app lives in `trainer.ui.app`, screens are imported when first shown.
"""

import os

#: Textual draws at most `TEXTUAL_FPS` frames a second, and after a frame its update timer waits one to
#: two ticks before the next. At Textual's default of 60, the verdict waited up to 33 ms behind the
#: frame its own Enter caused (the input's cursor shown again); at 120 that wait is mostly hidden behind
#: grading. Frames are still drawn only when something changed. Set before Textual is imported (it reads
#: the variable once); a user's own TEXTUAL_FPS wins.
os.environ.setdefault("TEXTUAL_FPS", "120")
