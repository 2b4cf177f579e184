"""One thread that owns the session: every call the UI makes to `trainer.session` runs there.

UI layer. Grading, committing a review and building statistics may take milliseconds to seconds and
must never freeze the event loop; SQLite connections are also tied to the thread that opened them
(sqlite3's `check_same_thread`), so the session is built *and* used on the same single worker
thread. Screens `await runner.call(...)`; nothing here touches a widget.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class SessionRunner:
    """Builds the session from a factory on its own thread and serialises every later call there."""

    def __init__(self, session_or_factory: Any, *, start: bool = True):
        """`start=False` builds nothing until `start()` (or the first call): the CLI defers the build
        when a kept problem can be drawn first (see `first_problem.py`), so that numpy and the bank do
        not compete with the first frame."""
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trainer-session")
        self._session: Any = None
        if callable(session_or_factory) and not hasattr(session_or_factory, "next_item"):
            self._factory: Callable[[], Any] = session_or_factory
        else:
            self._factory = lambda: session_or_factory  # noqa: E731 - an already built session
        self._opened: Future = Future()
        self.started = False
        if start:
            # At once, so that loading the bank and opening the store overlap Textual's start-up.
            self.start()

    def start(self) -> None:
        """Build the session on its thread now (once; later calls do nothing)."""
        if self.started:
            return
        self.started = True
        try:
            self._executor.submit(self._open)
        except RuntimeError:  # shut down before it was ever needed
            self._opened.set_exception(RuntimeError("the trainer is closing"))

    def _open(self) -> None:
        try:
            self._session = self._factory()
        except Exception as exc:  # reported to whoever awaits `opened`
            self._opened.set_exception(exc)
        else:
            self._opened.set_result(self._session)

    async def opened(self) -> Any:
        """The session, once built (re-raises whatever the factory raised); starts the build if needed."""
        self.start()
        return await asyncio.wrap_future(self._opened)

    @property
    def session(self) -> Any:
        """The session if it is already built, else None."""
        return self._session

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn(session, *args, **kwargs)` on the session thread and await its result."""
        await self.opened()
        future = self._executor.submit(lambda: fn(self._session, *args, **kwargs))
        return await asyncio.wrap_future(future)

    def post(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Queue `fn(session, *args, **kwargs)` on the session thread now, without waiting.

        Calls run in the order they are queued, so a call posted while a screen closes runs before
        any call the next screen makes. Nothing is reported back; once shut down, nothing runs.
        """
        self.start()
        try:
            self._executor.submit(lambda: fn(self._session, *args, **kwargs))
        except RuntimeError:  # shut down: the app is closing
            pass

    def shutdown(self) -> None:
        """Stop accepting calls, let a call in progress (a commit) finish, then close the session.

        Closing checkpoints the database's write-ahead log, so the `.db` file alone holds every review.
        """
        self._executor.shutdown(wait=True, cancel_futures=True)
        if not self._opened.done():  # never started: nobody waits on it any more
            self._opened.cancel()
        if self._session is not None:
            self._session.close()
            self._session = None
