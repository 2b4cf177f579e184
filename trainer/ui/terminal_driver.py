"""`TolerantLinuxDriver`: Textual's Linux/macOS terminal driver, except that bytes which are not UTF-8
(a paste from a Latin-1 file, a stray byte from a serial console) arrive as U+FFFD instead of ending
the app.

UI layer. Textual 8.2.8 decodes stdin with a strict incremental UTF-8 decoder; one bad byte raises
`UnicodeDecodeError` in the input thread, the app panics, prints a traceback, exits with status 0 and
the answer being typed is lost. `run_input_thread` below is Textual's own loop with one change, the
decoder's `errors="replace"`; it is checked against the pinned Textual by a test that feeds a bad byte
through a pipe.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder

from textual._loop import loop_last
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver


def tolerant_decoder():
    """An incremental UTF-8 decoder that turns invalid bytes into U+FFFD (never raises)."""
    return getincrementaldecoder("utf-8")(errors="replace")


class TolerantLinuxDriver(LinuxDriver):
    """LinuxDriver whose input never fails to decode."""

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events (Textual 8.2.8's loop, tolerant decoder)."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        event_read = selectors.EVENT_READ
        parser = XTermParser(self._debug)
        feed, tick = parser.feed, parser.tick
        decode = tolerant_decoder().decode

        def process_selector_events(selector_events, final: bool = False) -> None:
            for last, (_key, mask) in loop_last(selector_events):
                if mask & event_read:
                    unicode_data = decode(os.read(fileno, 1024 * 4), final=final and last)
                    if not unicode_data:
                        break  # stdin is a pipe that has ended
                    for event in feed(unicode_data):
                        self.process_message(event)
            for event in tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process_selector_events(selector.select(0.1))
            selector.unregister(self.fileno)
            process_selector_events(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _event in feed(""):
                    pass
            except (EOFError, ParseError):
                pass
