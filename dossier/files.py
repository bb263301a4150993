"""Atomic, reproducible file output.

Every output goes to a temporary file in the target folder and is renamed into
place, so a killed build never leaves a half-written file and the previous good
output survives. Unchanged content is not rewritten, so ``make`` stays
incremental.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .signals import checkpoint

TMP_PREFIX = ".dossier-tmp-"


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        checkpoint()  # a Ctrl-C swallowed on the way still keeps the old file
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_bytes(target: str | os.PathLike[str], data: bytes) -> bool:
    """Write ``data`` atomically; return False (and touch nothing) when unchanged."""
    target = Path(target)
    if target.exists() and target.read_bytes() == data:
        return False
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return True


def write_text(target: str | os.PathLike[str], text: str) -> bool:
    return write_bytes(target, text.encode("utf-8"))


def remove_stale_temporaries(folder: str | os.PathLike[str]) -> None:
    """Delete temporaries a killed process left behind in ``folder``."""
    for p in Path(folder).glob(TMP_PREFIX + "*"):
        with contextlib.suppress(OSError):
            p.unlink()
