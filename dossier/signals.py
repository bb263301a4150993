"""Ctrl-C and SIGTERM: a stop is a request, acted on at the next safe point.

:func:`installed` (around every CLI command) sets a handler for SIGINT and
SIGTERM that only *records* the request and tells the child processes that
were registered with :func:`on_stop`; it never raises. An exception raised
from a signal handler lands wherever Python happens to be: inside a
``__del__`` or a finaliser (Python prints "Exception ignored in …" and carries
on), inside a C library's callback (which may swallow it), in the middle of a
cleanup. So the build looks for the request itself: :func:`checkpoint` raises
it (``KeyboardInterrupt``, or :class:`Terminated` for SIGTERM) in ordinary
code — between the steps of a build, in the converter's waits, in the batch
loop, before anything is published — and the usual ``finally`` blocks remove
the temporaries while the previous outputs stay as they were.
:func:`sleep` is a wait that a stop cuts short.

:func:`held` defers both signals over a short step (moving finished files into
place) even where no request handler is installed (library use): the Python
handlers are swapped for one that only notes the signal, and the previous
handler is called when the step ends. Python runs handlers in the main thread
whichever thread the kernel delivered the signal to, so this holds while other
threads are alive, which blocking the signal in the main thread alone
(``pthread_sigmask``) does not.

:func:`interrupted_by` finds a Ctrl-C that Python wrapped in another exception
(an interrupt during class creation comes out as ``RuntimeError: Error calling
__set_name__``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

HELD = (signal.SIGINT, signal.SIGTERM)

_requested: int | None = None  # the signal a command was asked to stop by, once installed
_on_stop: list[tuple[int, Callable[[int], None]]] = []  # (pid, callback): told of each stop signal


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, a CI timeout, a service stop), raised like Ctrl-C so the
    same ``finally`` blocks remove temporaries and the previous outputs stay."""


def _stop(signum: int) -> KeyboardInterrupt:
    return Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def _on_signal(signum: int, frame: Any) -> None:
    """Record the request and pass it on; never raise (see the module docstring)."""
    global _requested
    if _requested is None:
        _requested = signum
    for pid, callback in list(_on_stop):
        if pid != os.getpid():
            continue  # registered by the parent this worker was forked from
        try:
            callback(signum)
        except Exception:  # noqa: BLE001 - a handler must not raise; the checkpoint still stops
            pass


@contextlib.contextmanager
def installed() -> Iterator[None]:
    """SIGINT/SIGTERM ask the command run in the block to stop (main thread only;
    elsewhere nothing); the previous handlers come back after it. A SIGINT the
    parent left ignored (a job started with ``&``) stays ignored."""
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
        _requested = None  # acted on inside the block; what comes after is not this command's
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


def install_for_process() -> None:
    """The request handler for the rest of the process (the ``dossier`` program itself):
    a signal that arrives after the command, while the process exits and closes its
    LibreOffice, is recorded too instead of raising during the interpreter's shutdown."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)


def stop_exception() -> KeyboardInterrupt | None:
    """The exception that stands for the stop asked for (None: none asked)."""
    return None if _requested is None else _stop(_requested)


def requested() -> int | None:
    """The signal this command was asked to stop by, if any."""
    return _requested


def consume() -> int | None:
    """Take the stop asked for as done (a server, whose normal end is a stop) and return it."""
    global _requested
    signum, _requested = _requested, None
    return signum


def checkpoint() -> None:
    """A safe point: raise the stop asked for, if any (in any thread)."""
    if _requested is not None:
        raise _stop(_requested)


def sleep(seconds: float, step: float = 0.05) -> None:
    """``time.sleep(seconds)``, cut short by a stop request (which it then raises)."""
    deadline = time.monotonic() + seconds
    while True:
        checkpoint()
        left = deadline - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(step, left))


@contextlib.contextmanager
def on_stop(callback: Callable[[int], None]) -> Iterator[None]:
    """Call ``callback(signum)`` from the handler on each stop signal while the block
    runs (e.g. pass the signal on to worker processes). It runs inside a signal
    handler: keep it to ``os.kill`` and setting flags."""
    entry = (os.getpid(), callback)
    _on_stop.append(entry)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            _on_stop.remove(entry)


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
