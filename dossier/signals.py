"""Ctrl-C and SIGTERM: how a command stops, and the steps that must not be cut.

:func:`installed` (around every CLI command) makes SIGINT raise
``KeyboardInterrupt`` and SIGTERM raise :class:`Terminated`, and remembers
the request. CPython can lose the exception on its way: a handler that runs
inside a Python call made from C code which clears errors (a dict lookup, an
attribute probe, a library's ``except Exception`` around an import that
wrapped it). :func:`checkpoint`, called before anything is published, raises
a remembered request again, so a stop the user asked for never ends with new
files in place.

:func:`held` defers both signals over a short step (moving finished files into
place): the Python handlers are swapped for one that only notes the signal,
and the previous handler is called when the step ends. Python runs handlers in
the main thread whichever thread the kernel delivered the signal to, so this
holds while other threads are alive, which blocking the signal in the main
thread alone (``pthread_sigmask``) does not.

:func:`interrupted_by` finds a Ctrl-C that Python wrapped in another exception
(an interrupt during class creation comes out as ``RuntimeError: Error calling
__set_name__``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from typing import Any

HELD = (signal.SIGINT, signal.SIGTERM)

_requested: int | None = None  # the signal a command was asked to stop by, once installed


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, a CI timeout, a service stop), raised like Ctrl-C so the
    same ``finally`` blocks remove temporaries and the previous outputs stay."""


def _stop(signum: int) -> KeyboardInterrupt:
    return Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def _on_signal(signum: int, frame: Any) -> None:
    global _requested
    if signum == signal.SIGTERM:
        # One-shot: a second SIGTERM must not cut the cleanup the first one started.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _requested = _requested or signum
    raise _stop(signum)


@contextlib.contextmanager
def installed() -> Iterator[None]:
    """SIGINT/SIGTERM stop the command run in the block (main thread only; elsewhere
    nothing); the previous handlers come back after it. A SIGINT the parent left
    ignored (a job started with ``&``) stays ignored."""
    global _requested
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _requested = None
    previous = {sig: signal.getsignal(sig) for sig in HELD}
    if previous[signal.SIGINT] is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


def requested() -> int | None:
    """The signal this command was asked to stop by, if any."""
    return _requested


def checkpoint() -> None:
    """Raise the stop asked for earlier, in case something on the way swallowed it."""
    if _requested is not None:
        raise _stop(_requested)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Defer SIGINT/SIGTERM until the block ends (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, _frame: noted.append(signum)) for sig in HELD}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if noted:
            _deliver(noted[0], previous[noted[0]])


def _deliver(signum: int, handler) -> None:
    """Act on ``signum`` as its own handler would have."""
    if callable(handler):
        handler(signum, None)
    elif handler == signal.SIG_DFL:
        os.kill(os.getpid(), signum)
    # SIG_IGN (or a handler set outside Python): nothing to do


def interrupted_by(exc: BaseException) -> KeyboardInterrupt | None:
    """The KeyboardInterrupt (or subclass) ``exc`` stands for, if any, through
    its ``__cause__``/``__context__`` chain."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
