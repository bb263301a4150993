"""Make dependency files: which inputs an output was built from, so `make`
rebuilds it when data, a template or an annex changes."""

from __future__ import annotations

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
