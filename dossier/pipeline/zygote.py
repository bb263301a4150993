"""The zygote: a resident Python process with the pipeline imported, forking
one worker per connection (see :mod:`.warm` for why, the folder and the protocol).

Started by :class:`.warm.WarmPool` as ``python -c … main(folder, idle)``. It
imports what batch workers use, listens on ``folder/zygote.sock``, prints one
ready line and serves until it has had no connection for ``idle`` seconds.
It never runs a request itself: it stays single-threaded and unchanged, so
each fork starts from the same clean state.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import select
import signal
import socket
import struct
import sys
import time
import traceback
from multiprocessing.connection import Connection
from pathlib import Path

from .. import signals
from ..convert.resident import read_state, write_state
from . import warm
from .warm import LOCK, SOCKET, STATE, locked

POLL = 1.0  # seconds between checks for idleness and finished workers


MODULES = ("dossier.render.reports", "dossier.report.xlsx_report", "dossier.report.context", "dossier.criteria",
           "dossier.convert.converter", "dossier.assemble.build", "dossier.assemble.probe", "dossier.render.html",
           "dossier.pipeline.plans", "dossier.pipeline.listing", "dossier.compose.villages",  # district-wide commands
           "click", "PIL.Image")  # WeasyPrint: by the warm-up below (dossier.render.html imports it)


def preload() -> None:
    """Do once what every batch worker would do before its first document.
    Nothing here depends on a caller's data; what depends on files is cached by
    their content (templates) or is part of the code key (fonts)."""
    import threading

    from ..convert import soffice  # noqa: F401 - imported here, not by two threads at once
    from .registry import PIPELINES

    # which Python talks UNO: a child interpreter's start (0.04 s) waited for beside the imports
    uno = threading.Thread(target=_find_uno_python, name="dossier-uno-probe")
    uno.start()
    for name in (*(f"{__package__}.{n}" for n in ("batch", "reuse", *PIPELINES.values())), *MODULES):
        importlib.import_module(name)
    from PIL import Image

    from ..assemble.fontmerge import load_face, shipped_faces
    from ..render.docx import warm_up_bundled
    from ..render.html import html_to_pdf_bytes

    Image.preinit()  # the JPEG and PNG readers (annex photos, the annex probe)
    warm_up_bundled()  # the bundled DOCX templates compiled, cached by their text
    for face in shipped_faces():  # parsed for the font merge, cached by path, size and mtime
        load_face(face)
    # fontconfig and Pango load the project's fonts (0.15 s a worker's first page would pay)
    html_to_pdf_bytes('<p style="font-family: \'Times New Roman\'">Cộng hòa xã hội chủ nghĩa Việt Nam</p>',
                      label="warm-up")
    uno.join()  # no thread left when the zygote forks


def _find_uno_python() -> None:
    """Which Python talks UNO to this LibreOffice (a ``python3 -c 'import uno'`` each
    worker would run): remembered per soffice path, so a caller finding another
    soffice probes it itself."""
    from ..convert.soffice import probe_uno_python, find_soffice
    from ..errors import DossierError

    try:
        probe_uno_python(find_soffice())
    except DossierError:  # no LibreOffice: the caller's conversion says so
        pass


def main(folder: str, idle: float) -> None:
    import gc

    from ..proc import collect_less

    base = Path(folder)
    collect_less()
    # No collection while importing: what the imports make is frozen below and never collected
    # anyway, and the ~110 young collections of the preload cost 0.05-0.1 s of the start,
    # which every command of a cold run waits for. Left unreachable: ~4,000 objects.
    gc.disable()
    preload()
    gc.freeze()  # what the imports made is never collected: forked workers leave those pages shared
    gc.enable()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    path = base / SOCKET
    path.unlink(missing_ok=True)
    old = os.umask(0o177)
    try:
        listener.bind(str(path))
    finally:
        os.umask(old)
    listener.listen(64)
    write_state(base / STATE, {"pid": os.getpid()})
    print(json.dumps({"ready": True, "pid": os.getpid()}), flush=True)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 1)  # the caller has read the ready line; workers get the callers' own streams
    signal.signal(signal.SIGTERM, lambda *_: _leave(base, listener))
    _serve(base, listener, idle)


def _serve(base: Path, listener: socket.socket, idle: float) -> None:
    last = time.monotonic()
    while True:
        _reap()
        ready, _, _ = select.select([listener], [], [], POLL)
        if ready:
            conn, _ = listener.accept()
            last = time.monotonic()
            if not _same_user(conn):
                conn.close()
                continue
            if os.fork() == 0:
                listener.close()
                warm.SERVED_BY = base
                _worker(conn)  # never returns
            conn.close()
        elif time.monotonic() - last > idle:
            # under the callers' lock: a caller either connected before (and is served) or starts a new zygote
            with locked(base / LOCK):
                if not select.select([listener], [], [], 0)[0]:
                    _leave(base, listener)


def _leave(base: Path, listener: socket.socket) -> None:
    if _owns(base):
        (base / SOCKET).unlink(missing_ok=True)
        (base / STATE).unlink(missing_ok=True)
    listener.close()
    os._exit(0)


def _owns(base: Path) -> bool:
    return read_state(base / STATE).get("pid") == os.getpid()


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _same_user(conn: socket.socket) -> bool:
    try:
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    except OSError:
        return False
    return struct.unpack("3i", creds)[1] == os.getuid()


# -- one worker (a forked child) --------------------------------------------------------------

def _worker(sock: socket.socket) -> None:
    status = 0
    conn = None
    closing = False
    try:
        signals.install_for_process()  # SIGINT (the caller's cancel) is a request: see _answer
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        sock.settimeout(10)
        _, fds, _, _ = socket.recv_fds(sock, 1, 2)
        for target, fd in zip((1, 2), fds):
            os.dup2(fd, target)
            os.close(fd)
        sock.settimeout(None)
        conn = Connection(sock.detach())
        cwd, env, umask = conn.recv()
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        os.umask(umask)
        conn.send(os.getpid())
        closing = _answer(conn)
    except (EOFError, KeyboardInterrupt):
        status = 1
    except BaseException:  # noqa: BLE001 - reported on the caller's stderr, then this worker ends
        traceback.print_exc()
        status = 1
    finally:
        try:
            atexit._run_exitfuncs()  # what the work registered (its LibreOffice worker), as at a normal exit
            if closing:
                conn.send("closed")
        except BaseException:  # noqa: BLE001
            pass
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
        os._exit(status)


def _answer(conn: Connection) -> bool:
    """Run requests until the caller asks to close (True) or goes away (False)."""
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return False
        if request is None:
            return True
        signals.checkpoint()  # a cancel that came between two calls
        fn, args, kwargs = request
        try:
            answer = ("ok", fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - the caller's Future raises it
            answer = ("error", exc)
        try:
            conn.send(answer)
        except Exception as exc:  # noqa: BLE001 - an answer that cannot be pickled
            conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
