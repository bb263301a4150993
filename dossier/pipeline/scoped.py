"""Resident servers for one command: what ``DOSSIER_OFFICE_IDLE`` gives, kept for one run.

A batch run with resident servers off (``DOSSIER_OFFICE_IDLE`` unset or 0)
used to start ``jobs`` ordinary worker processes. Each imported the pipeline,
WeasyPrint, openpyxl and the templates (about 1 CPU-s, paid ``jobs`` times
on the same cores), then started its own LibreOffice, and each annex probe
started one more interpreter (0.15 CPU-s a dossier). :func:`command_pool`
does for one command what resident mode does for many:

1. a private runtime folder inside the user's (``run-<pid>-…``, see
   :func:`dossier.convert.resident.runtime_root`) becomes this process's
   runtime folder, with :data:`SAFETY_IDLE` as the idle time;
2. the LibreOffice servers of the run start there at once, in the
   background and off the first CPU (which the next step then has to
   itself), and each converts a small document for nothing (the first
   conversion loads the Word filter);
3. a zygote of that folder imports everything once (:mod:`.zygote`) and forks
   the run's workers; they attach to the servers already up, and their
   annex probes are forked by the same zygote;
4. when the run ends (or stops), the zygote and the servers are stopped, the
   folder is removed and the environment is what it was.

Nothing outlives the command: a server or zygote left by a command that was
killed outright exits after :data:`SAFETY_IDLE` seconds without work, and
the next run removes its folder (:func:`remove_stale`). Where no private
runtime folder can be had, nothing is started; where no zygote can be had,
the caller starts ordinary workers, which use the run's servers all the same.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..convert.resident import ENV_IDLE, ENV_RUNTIME, kill_servers, private_dir, runtime_root
from ..paths import TEMPLATES_DIR
from ..proc import alive

SAFETY_IDLE = 60  # seconds: what a server or zygote of a killed command waits before it leaves
PREFIX = "run-"
WARM_UP_DOCUMENT = TEMPLATES_DIR / "to-trinh.docx"  # any small bundled document: loads the Word filter


@contextlib.contextmanager
def command_pool(jobs: int) -> Iterator:
    """A :class:`~.warm.WarmPool` of ``jobs`` workers whose servers live as long as this block,
    or ``None``: no private folder (nothing started, nothing changed) or no zygote (the
    servers are up in the block all the same, for the caller's own worker processes)."""
    folder = _private_folder()
    if folder is None:
        yield None
        return
    saved = {name: os.environ.get(name) for name in (ENV_RUNTIME, ENV_IDLE)}
    os.environ[ENV_RUNTIME] = str(folder)
    os.environ[ENV_IDLE] = str(SAFETY_IDLE)
    try:
        pool = _start(jobs)
        if pool is None:
            yield None
        else:
            with pool:
                yield pool
    finally:
        from .warm import stop_zygotes

        stop_zygotes()
        kill_servers()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(folder, ignore_errors=True)


def _start(jobs: int):
    """Start ``jobs`` LibreOffice servers in the background while the zygote imports, then
    connect ``jobs`` workers; None when the zygote could not start."""
    import threading

    from ..convert.resident import SOCKET_PATH_MAX
    from .warm import SOCKET, WarmPool

    servers = threading.Thread(target=_start_servers, args=(jobs,), name="dossier-scoped-servers", daemon=True)
    servers.start()
    zygote = Path(os.environ[ENV_RUNTIME]) / "py-run"  # a private folder: no code key to compute
    try:
        if len(str(zygote / SOCKET)) > SOCKET_PATH_MAX:
            return None
        zygote.mkdir(mode=0o700)
        return WarmPool.open(jobs, folder=zygote)
    except OSError:
        return None
    finally:
        servers.join()  # the workers attach to the servers only once their slots are free


def _start_servers(jobs: int) -> None:
    """``jobs`` resident servers up in the runtime folder, then their slots released for the workers.

    While they start they keep off the first CPU (this thread's affinity, which the
    processes it starts inherit): the zygote, the one long task of the start, then has
    a core of its own instead of a share of both; afterwards they may run anywhere."""
    from ..convert import Converter
    from ..errors import DossierError

    try:
        converter = Converter(workers=jobs, cache=False)
    except DossierError:  # no LibreOffice: the run's own conversions say so
        return
    everywhere = _keep_off_first_cpu()
    try:
        for thread in converter.warm(first=WARM_UP_DOCUMENT):  # while the zygote still imports
            thread.join()
    finally:
        converter.close()  # releases the slots; the servers stay up
        if everywhere:
            _allow_servers(everywhere)


def _keep_off_first_cpu() -> set[int]:
    """Move this thread off the first of its CPUs; return the CPUs it had (empty: not moved)."""
    try:
        cpus = os.sched_getaffinity(0)
        if len(cpus) < 2:
            return set()
        os.sched_setaffinity(0, cpus - {min(cpus)})
    except (AttributeError, OSError):  # not Linux, or not allowed
        return set()
    return cpus


def _allow_servers(cpus: set[int]) -> None:
    """Every thread of the servers' processes may run on ``cpus`` again."""
    from ..convert.resident import read_state, runtime_root
    from ..convert.soffice import group_pids

    root = runtime_root()
    for state in sorted(root.glob("*/slot-*.json")) if root else []:
        pgid = int(read_state(state).get("pgid") or 0)
        for pid in group_pids(pgid) if pgid > 1 else []:
            try:
                threads = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
            except OSError:
                continue
            for tid in threads:
                with contextlib.suppress(OSError):
                    os.sched_setaffinity(tid, cpus)


def _private_folder() -> Path | None:
    root = runtime_root()
    if root is None:
        return None
    remove_stale(root)
    try:
        folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=root))
    except OSError:
        return None
    return folder if private_dir(folder) else None


def remove_stale(root: Path) -> None:
    """Remove the folders of commands that are no longer running (named by their pid)."""
    for folder in root.glob(f"{PREFIX}*"):
        pid = folder.name.removeprefix(PREFIX).split("-", 1)[0]
        if pid.isdigit() and not alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
