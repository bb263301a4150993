"""Building a whole output folder atomically: everything is written into a
private staging folder beside the target, then moved into place file by file
(each an atomic rename). A failed or interrupted build leaves the previous
outputs as they were; a lock stops two builds of the same folder colliding.

Ctrl-C and SIGTERM are held back while the files are moved, so a folder is
either all old or all new, and a stop asked for earlier publishes nothing
(:mod:`dossier.signals`); a staging folder left by a killed process (SIGKILL,
power loss) is removed by the next build beside it."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import build_error
from .files import TMP_PREFIX
from .proc import alive
from .signals import checkpoint, held, sleep


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` (waits for another build of it to finish)."""
    folder.mkdir(parents=True, exist_ok=True)
    lock_path = folder.parent / f".{folder.name}.lock"
    with open(lock_path, "a+") as handle:
        while True:  # another build of the same folder: wait our turn (a stop asked for ends the wait)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


OWNER_FILE = ".owner"  # pid of the build a staging folder belongs to


def remove_dead_stages(folder: Path) -> None:
    """Remove staging folders in ``folder`` whose build process no longer exists."""
    for stage in folder.glob(TMP_PREFIX + "*"):
        if not stage.is_dir():
            continue
        try:
            pid = int((stage / OWNER_FILE).read_text().strip())
        except (OSError, ValueError):
            continue  # not ours, or being created right now
        if not alive(pid):
            shutil.rmtree(stage, ignore_errors=True)


@contextlib.contextmanager
def staged(target: Path) -> Iterator[Path]:
    """Yield a staging folder; on success move its files into ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with locked(target):
        remove_dead_stages(target.parent)
        stage = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=target.parent))
        try:
            (stage / OWNER_FILE).write_text(str(os.getpid()))
            yield stage
            checkpoint()  # a stop asked for and swallowed on the way: publish nothing
            with held():
                publish(stage, target)
        finally:
            shutil.rmtree(stage, ignore_errors=True)


def publish(stage: Path, target: Path) -> list[Path]:
    """Move every file of ``stage`` to the same place under ``target``; unchanged
    files are left untouched so their timestamps (and make) stay quiet."""
    moved = []
    for src in sorted(p for p in stage.rglob("*") if p.is_file() and not p.name.startswith(".")):
        dst = target / src.relative_to(stage)
        dst.parent.mkdir(parents=True, exist_ok=True)
        if dst.exists() and dst.read_bytes() == src.read_bytes():
            continue
        try:
            os.replace(src, dst)
        except OSError as exc:
            raise build_error(f"Không ghi được {dst}: {exc.strerror}.") from None
        moved.append(dst)
    return moved
