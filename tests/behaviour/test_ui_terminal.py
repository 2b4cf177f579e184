"""Bytes from the terminal that are not UTF-8 do not end the app: the trainer's driver decodes them as
U+FFFD, where Textual's own driver raises in its input thread (and the app exits with a traceback).

Behaviour tests of `trainer.ui.terminal_driver` fed through a pipe, as a terminal feeds stdin.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading

import pytest
from textual import events
from textual.drivers.linux_driver import LinuxDriver

from trainer.ui.terminal_driver import TolerantLinuxDriver

BYTES = b"1\xff2\xc3"  # "1", an invalid byte, "2", then a UTF-8 lead byte cut off at the end


def keys_read(driver_class, data: bytes) -> tuple[list[str], BaseException | None]:
    """Feed `data` to a driver's input thread; the characters of the keys it produced, and what the
    thread raised (None if nothing)."""
    keys: list[str] = []
    got_all = threading.Event()
    raised: list[BaseException] = []

    async def run() -> None:
        driver = driver_class(object(), size=(80, 24))
        read_end, write_end = os.pipe()
        driver.fileno = read_end

        def received(message) -> None:
            if isinstance(message, events.Key):
                keys.append(message.character)
                if len(keys) >= 3:
                    got_all.set()

        driver.process_message = received

        def target() -> None:
            try:
                driver.run_input_thread()
            except BaseException as exc:  # what Textual's wrapper would turn into a panic
                raised.append(exc)
                got_all.set()

        thread = threading.Thread(target=target)
        thread.start()
        os.write(write_end, data)
        # Waits for the condition; the timeout only turns a hang into a failure.
        await asyncio.to_thread(got_all.wait, 30)
        driver.exit_event.set()
        await asyncio.to_thread(thread.join, 30)
        os.close(write_end)
        os.close(read_end)

    handlers = signal.getsignal(signal.SIGTSTP), signal.getsignal(signal.SIGCONT)
    try:
        asyncio.run(run())
    finally:
        signal.signal(signal.SIGTSTP, handlers[0])
        signal.signal(signal.SIGCONT, handlers[1])
    return keys, (raised[0] if raised else None)


@pytest.mark.skipif(not hasattr(signal, "SIGTSTP"), reason="the Linux/macOS driver")
def test_an_invalid_byte_arrives_as_a_replacement_character() -> None:
    keys, raised = keys_read(TolerantLinuxDriver, BYTES)
    assert raised is None
    assert keys[:3] == ["1", "\ufffd", "2"]


@pytest.mark.skipif(not hasattr(signal, "SIGTSTP"), reason="the Linux/macOS driver")
def test_textuals_own_driver_fails_on_the_same_bytes() -> None:
    """Why the trainer has its own driver: if Textual ever decodes tolerantly, this fails and the
    copy in `terminal_driver` can go."""
    keys, raised = keys_read(LinuxDriver, BYTES)
    assert isinstance(raised, UnicodeDecodeError)


def test_the_app_uses_the_tolerant_driver_on_linux() -> None:
    from trainer.ui.app import TrainerApp

    app = TrainerApp(lambda: None)
    try:
        if LinuxDriver in app.driver_class.__mro__:
            assert app.driver_class is TolerantLinuxDriver
    finally:
        app.runner.shutdown()
