"""Warm Python workers that outlive one command (with ``DOSSIER_OFFICE_IDLE``).

A worker of ``dossier batch`` imports WeasyPrint, python-docx, openpyxl,
fontTools, pikepdf and pydantic before its first document, compiles the
bundled templates and loads the fonts: about 0.7 s of CPU, paid again by
every worker of every command. With resident servers on
(``DOSSIER_OFFICE_IDLE``, which the Makefile sets), those imports are done
once by a *zygote* (:mod:`.zygote`): a resident Python process that has
imported them and forks one fresh worker per connection. A worker is a new
process for each command (nothing is left over from the previous one) that
starts with everything imported; the zygote stops after that many idle seconds.

The zygote lives in the private runtime folder of the resident LibreOffice
servers (:func:`dossier.convert.resident.runtime_root`), in a folder named
by a *code key*: a hash of the Python, its installed packages, every file of
the ``dossier`` package, the fonts and the environment variables read at
import time, so a zygote never serves code older than the caller's::

    py-<key>/zygote.lock   flock: one caller at a time connects or starts the zygote
    py-<key>/zygote.sock   its socket (0600)
    py-<key>/zygote.json   its pid
    py-<key>/zygote.log    its stderr

Protocol on one connection (one worker): the caller sends its stdout and
stderr file descriptors, then ``(cwd, environment, umask)``; the worker takes
them on and answers its pid. Each request is ``(function, args, kwargs)``, pickled by reference as
with :class:`~concurrent.futures.ProcessPoolExecutor`, and is answered with
``("ok", result)`` or ``("error", exception)``; ``None`` asks the worker to
clean up and answer ``"closed"``. The socket is reachable only by its user
(0700 folder, 0600 socket, and the zygote checks the peer's uid).

Without a safe runtime folder, or when the zygote cannot start, callers get
``None`` from :meth:`WarmPool.open` and use ordinary worker processes.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..keyed import package_digest
from ..paths import FONTS_DIR, PACKAGE_DIR

LOCK, SOCKET, STATE, LOG = "zygote.lock", "zygote.sock", "zygote.json", "zygote.log"
START_TIMEOUT = 60.0  # seconds for a new zygote to import everything and answer
HELLO_TIMEOUT = 10.0  # seconds for a forked worker to answer its pid
CLOSE_TIMEOUT = 10.0  # seconds for a worker to clean up (detach from LibreOffice) when the pool closes
CANCEL_GRACE = 5.0  # seconds an interrupted worker gets to stop its LibreOffice before it is killed
# read when a module is imported, or by fontconfig when the zygote loads the fonts:
# a zygote started with other values must not serve
IMPORT_TIME_ENV = ("DOSSIER_MAX_DATA_BYTES", "PYTHONPATH", "PYTHONHASHSEED", "TMPDIR", "LANG", "LC_ALL",
                   "LC_CTYPE", "HOME", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT", "XDG_CACHE_HOME",
                   "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_DATA_DIRS")


class WorkerDied(RuntimeError):
    """A warm worker's process ended before answering (killed, crashed)."""


def code_key() -> str:
    """What makes a zygote fit to serve this caller (see the module docstring)."""
    import site

    h = hashlib.sha256()
    h.update(f"{os.path.realpath(sys.executable)}\0{sys.version}\0{sys.prefix}\0".encode())
    # where packages come from (not sys.path[0], which is only where the command was started from)
    sources = [*site.getsitepackages(), *([site.getusersitepackages()] if site.ENABLE_USER_SITE else [])]
    for entry in sources:
        h.update(f"path {entry}\0".encode())
        with contextlib.suppress(OSError):  # installed distributions and their versions
            h.update("\0".join(sorted(n for n in os.listdir(entry)
                                      if n.endswith((".dist-info", ".egg-info", ".pth")))).encode())
    h.update(f"package {package_digest()}\0".encode())  # every file of the dossier package
    for path in sorted(FONTS_DIR.rglob("*")):  # the zygote has loaded them (see zygote.preload)
        if path.is_file():
            st = path.stat()
            h.update(f"font {path.relative_to(FONTS_DIR)} {st.st_size} {st.st_mtime_ns}\0".encode())
    for name in IMPORT_TIME_ENV:
        h.update(f"env {name}={os.environ.get(name)}\0".encode())
    return h.hexdigest()[:12]


SERVED_BY: Path | None = None  # in a warm worker: the folder of the zygote that forked it


def zygote_folder() -> Path | None:
    """This code's zygote folder in the private runtime folder; None when there is no safe one.
    A warm worker's own calls (the annex probe) go to the zygote that forked it."""
    from ..convert.resident import SOCKET_PATH_MAX, private_dir, runtime_root

    if SERVED_BY is not None:
        return SERVED_BY
    root = runtime_root()
    if root is None:
        return None
    folder = root / f"py-{code_key()}"
    with contextlib.suppress(OSError):
        folder.mkdir(mode=0o700, exist_ok=True)
    if not private_dir(folder) or len(str(folder / SOCKET)) > SOCKET_PATH_MAX:
        return None
    return folder


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def in_worker(target: str, /, *args: Any, **kwargs: Any) -> Any:
    """``module:function`` called with these arguments in a warm worker when resident
    servers are on (everything is imported there: a district-wide command skips
    about 1 s of imports, and this process does not import ``module`` at all), else
    here. Its result, or its exception; a stop asked for is passed on to the worker.
    The arguments and the result must pickle."""
    from ..signals import on_stop

    pool = WarmPool.open(1)
    if pool is None:
        return call_named(target, *args, **kwargs)
    with pool, on_stop(lambda _signum: pool.signal_busy(signal.SIGINT)):
        return pool.submit(call_named, target, *args, **kwargs).result()


def call_named(target: str, /, *args: Any, **kwargs: Any) -> Any:
    """Import ``module`` and call its ``function`` (``target`` is ``module:function``)."""
    import importlib

    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)(*args, **kwargs)


class WarmPool:
    """``jobs`` warm workers forked by the zygote, used like a ProcessPoolExecutor
    (``submit(fn, *args, **kwargs)`` returns a Future). At most ``jobs`` calls run
    at once; a worker that dies fails its call with :class:`WorkerDied` and is
    replaced by a new one on the next call."""

    def __init__(self, folder: Path, jobs: int, idle: float, spawn: bool = True) -> None:
        self.folder = folder
        self.jobs = jobs
        self.idle = idle
        self.spawn = spawn
        self.pids: list[int] = []  # every worker this pool used, in order
        self.zygote_started = False  # True when this pool had to start the zygote
        self._free: list[tuple[Connection, int]] = []
        self._busy: dict[int, Connection] = {}
        self._lock = threading.Lock()
        self._calls = ThreadPoolExecutor(jobs, thread_name_prefix="dossier-warm")

    @classmethod
    def open(cls, jobs: int, idle: float | None = None, *, spawn: bool = True,
             folder: Path | None = None) -> WarmPool | None:
        """A pool with ``jobs`` workers connected, or None (resident servers off, no safe
        runtime folder, or the zygote could not start: its log says why). ``spawn=False``:
        only if a zygote is already up (for work too small to pay for starting one).
        ``folder``: the zygote's folder, for a caller whose runtime folder no other code
        shares (:mod:`.scoped`); else the code key's (:func:`zygote_folder`)."""
        from ..convert.resident import idle_seconds

        idle = idle_seconds() if idle is None else idle
        if folder is None:
            folder = zygote_folder() if idle > 0 else None
        if folder is None:
            return None
        pool = cls(folder, jobs, idle, spawn)
        try:
            with locked(folder / LOCK):
                for _ in range(jobs):
                    pool._free.append(pool._connect_locked())
        except (OSError, WorkerDied):
            pool.shutdown(cancel=True)
            return None
        return pool

    # -- executor interface ---------------------------------------------------------
    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        return self._calls.submit(self._call, fn, args, kwargs)

    def __enter__(self) -> WarmPool:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self.shutdown(cancel=exc_type is not None)

    def shutdown(self, cancel: bool = False) -> None:
        """Let every worker clean up and exit (``cancel``: interrupt the calls in progress first)."""
        if cancel:  # as Ctrl-C does to ordinary workers (these are not in the terminal's process group)
            self.signal_busy(signal.SIGINT)
            deadline = time.monotonic() + CANCEL_GRACE
            while self._busy and time.monotonic() < deadline:
                time.sleep(0.05)
            self.signal_busy(signal.SIGKILL)
        self._calls.shutdown(wait=True)
        for conn, _pid in self._free:
            with contextlib.suppress(OSError, EOFError):
                conn.send(None)
                if conn.poll(CLOSE_TIMEOUT):
                    conn.recv()  # "closed": its LibreOffice slot is free for the next command
            conn.close()
        self._free = []

    def kill_busy(self) -> None:
        """Kill the workers running a call now (it fails with WorkerDied); later calls get new ones."""
        self.signal_busy(signal.SIGKILL)

    def signal_busy(self, sig: int) -> None:
        """Send ``sig`` to the workers running a call now (SIGINT: a stop request,
        acted on at the work's next checkpoint)."""
        with self._lock:
            pids = list(self._busy)
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, sig)

    # -- one call ------------------------------------------------------------------------
    def _call(self, fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
        with self._lock:
            conn, pid = self._free.pop() if self._free else (None, 0)
        if conn is None:
            conn, pid = self._connect()
        with self._lock:
            self._busy[pid] = conn
        try:
            conn.send((fn, args, kwargs))
            status, value = conn.recv()
        except (OSError, EOFError) as exc:
            conn.close()
            raise WorkerDied(f"tiến trình {pid} dừng giữa chừng ({type(exc).__name__})") from None
        finally:
            with self._lock:
                self._busy.pop(pid, None)
        with self._lock:
            self._free.append((conn, pid))
        if status == "error":
            raise value
        return value

    # -- connecting ------------------------------------------------------------------------
    def _connect(self) -> tuple[Connection, int]:
        with locked(self.folder / LOCK):
            return self._connect_locked()

    def _connect_locked(self) -> tuple[Connection, int]:
        found = self._hello()
        if found is None and self.spawn:
            self._spawn()
            found = self._hello()
        if found is None:
            raise WorkerDied("không kết nối được tiến trình Python chạy nền")
        self.pids.append(found[1])
        return found

    def _hello(self) -> tuple[Connection, int] | None:
        """A new worker forked by the running zygote, set to our folder and environment."""
        from ..convert.resident import connect_socket

        sock = connect_socket(self.folder / SOCKET, HELLO_TIMEOUT)
        if sock is None:
            return None
        try:
            socket.send_fds(sock, [b"f"], [sys.stdout.fileno() if _has_fd(sys.stdout) else 1,
                                            sys.stderr.fileno() if _has_fd(sys.stderr) else 2])
            sock.settimeout(None)
            conn = Connection(sock.detach())
        except OSError:
            sock.close()
            return None
        try:
            conn.send((os.getcwd(), dict(os.environ), current_umask()))
            if not conn.poll(HELLO_TIMEOUT):
                raise EOFError("no answer")
            return conn, int(conn.recv())
        except (OSError, EOFError, ValueError, TypeError):
            conn.close()
            return None

    def _spawn(self) -> None:
        """Start the zygote (the caller holds the lock) and wait until it listens."""
        from ..convert.resident import read_line
        from ..convert.failures import ConversionFailure

        (self.folder / SOCKET).unlink(missing_ok=True)
        code = ("import sys; sys.path.insert(0, sys.argv[1]); from dossier.pipeline.zygote import main; "
                "main(sys.argv[2], float(sys.argv[3]))")
        with open(self.folder / LOG, "wb") as log:
            proc = subprocess.Popen([sys.executable, "-c", code, str(PACKAGE_DIR.parent), str(self.folder),
                                     f"{self.idle:g}"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=log, start_new_session=True, cwd=self.folder)
        try:
            ready = json.loads(read_line(proc.stdout.fileno(), START_TIMEOUT))
        except (ConversionFailure, ValueError):
            ready = {}
        finally:
            proc.stdout.close()
        if not ready.get("ready"):
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise WorkerDied("tiến trình Python chạy nền không khởi động được")
        self.zygote_started = True


def current_umask() -> int:
    """This process's umask, read without setting it (os.umask would change it for a
    moment under other threads' feet)."""
    from ..proc import status_field

    umask = status_field("Umask")
    if umask is not None:
        return int(umask, 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _has_fd(stream: Any) -> bool:
    try:
        stream.fileno()
    except (AttributeError, OSError, ValueError):  # pytest's and click's captured streams
        return False
    return True


# -- what `dossier office` shows and stops ----------------------------------------------

@dataclass
class ZygoteInfo:
    key: str
    pid: int
    memory_mb: float


def zygotes() -> list[ZygoteInfo]:
    """Every running zygote of this user (any code key)."""
    from ..convert.resident import read_state, runtime_root
    from ..proc import rss_mb

    root = runtime_root()
    found = []
    for folder in sorted(root.glob("py-*")) if root else []:
        pid = int(read_state(folder / STATE).get("pid") or 0)
        if pid > 1 and _is_zygote(pid):
            found.append(ZygoteInfo(folder.name.removeprefix("py-"), pid, rss_mb([pid])))
    return found


def stop_zygotes() -> int:
    """Stop every zygote of this user (workers serving a command finish it); return how many ran."""
    from ..convert.resident import runtime_root

    stopped = 0
    for info in zygotes():
        with contextlib.suppress(OSError):
            os.kill(info.pid, signal.SIGTERM)
            stopped += 1
    root = runtime_root()
    for folder in sorted(root.glob("py-*")) if root else []:
        for name in (SOCKET, STATE):
            (folder / name).unlink(missing_ok=True)
    return stopped


def _is_zygote(pid: int) -> bool:
    """``pid`` runs and is a zygote (not a process that got a dead zygote's pid)."""
    try:
        return b"dossier.pipeline.zygote" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
