"""One build at a time per output folder.

Two builds writing the same folder would otherwise interleave their renames
(PDF of one, manifest of the other). :func:`output_lock` takes an exclusive
``flock`` on ``<folder>/.dossier.lock``; the lock dies with the process, so a
killed build never leaves the folder locked. The lock file itself stays (an
empty file): removing it would let a third build lock a different inode.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from ..errors import build_error
from ..signals import sleep

LOCK_NAME = ".dossier.lock"


@contextlib.contextmanager
def output_lock(folder: str | os.PathLike[str], timeout: float = 120.0, poll: float = 0.1) -> Iterator[Path]:
    """Hold the folder's build lock; wait up to ``timeout`` seconds for another build."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise build_error(
                        f"Một lần dựng hồ sơ khác đang ghi vào thư mục {folder}.",
                        hint="Chờ lần dựng đó xong rồi chạy lại.",
                    ) from None
                sleep(poll)  # a stop asked for ends the wait (dossier.signals)
        yield path
    finally:
        os.close(fd)  # closing releases the lock
