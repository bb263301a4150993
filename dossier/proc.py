"""Reading a process's ``/proc/<pid>/status`` (Linux); None elsewhere or when it is gone."""

from __future__ import annotations

from pathlib import Path


def status_field(name: str, pid: int | str = "self") -> str | None:
    """The first word of the ``name:`` line (``VmRSS`` → ``"88580"``, ``Umask`` → ``"0022"``)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{name}:"):
                return line.split()[1]
    except (OSError, IndexError):
        pass
    return None


def rss_mb(pids: list[int]) -> float:
    """The resident memory of ``pids`` together, in MB (a process gone counts 0)."""
    return sum(int(status_field("VmRSS", pid) or 0) for pid in pids) / 1024
