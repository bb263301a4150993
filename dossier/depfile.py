"""Make dependency files: which inputs an output was built from, so `make`
rebuilds it when data, a template or an annex changes."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .files import write_text


def _escape(path: Path) -> str:
    return str(path).replace(" ", "\\ ").replace("#", "\\#").replace("$", "$$")


def write_depfile(depfile: Path, target: Path, inputs: Iterable[Path]) -> None:
    """Write ``target: input …`` plus an empty rule per input (deleted inputs don't break make)."""
    unique = sorted({Path(p).resolve() for p in inputs})
    lines = [f"{_escape(Path(target))}: " + " ".join(_escape(p) for p in unique), ""]
    lines += [f"{_escape(p)}:" for p in unique]
    write_text(depfile, "\n".join(lines) + "\n")


def write_stamp(stamp: Path, text: str) -> None:
    """Write make's stamp and make it newer than the inputs even when its text is the
    same (an unchanged file is not rewritten, and make compares times: a stamp left
    older than an edited input had every later ``make`` build that target again)."""
    write_text(stamp, text)
    os.utime(stamp)
