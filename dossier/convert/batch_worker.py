"""Fallback worker: one ``soffice --convert-to pdf`` call per batch of documents.

Used when no Python on the machine can ``import uno``. LibreOffice still
starts once per batch, not per document. Sources are linked into a private
folder under numbered names (no two outputs collide, odd names are safe);
LibreOffice converts them in order, so the deadline restarts every time a
new PDF appears: a hang is caught per document, the process group is killed,
and the document in progress is reported as the one that hung.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

from ..signals import checkpoint
from .failures import CRASH, OPEN, START, TIMEOUT, ConversionFailure
from .profile import prepare
from .soffice import group_pids, kill_group, new_profile, office_env, profile_url, remove_tree
from .options import PDF_OPTIONS

WORD_FILTER = "MS Word 2007 XML"


def filter_spec() -> str:
    """``pdf:writer_pdf_Export:{json}``: the same export options as the UNO worker (LO ≥ 7.4)."""
    options = {k: {"type": "boolean" if isinstance(v, bool) else "long", "value": str(v).lower()
                   if isinstance(v, bool) else str(v)} for k, v in PDF_OPTIONS.items()}
    return "pdf:writer_pdf_Export:" + json.dumps(options, separators=(",", ":"))


class BatchWorker:
    def __init__(self, soffice: str, tag: str, start_timeout: float = 60.0):
        self.soffice = soffice
        self.tag = tag
        self.start_timeout = start_timeout
        self.profile: Path | None = None
        self.proc: subprocess.Popen | None = None
        self.lock = threading.Lock()  # one batch at a time per profile

    def close(self) -> None:
        if self.proc is not None:
            kill_group(self.proc)
            self.proc = None
        remove_tree(self.profile)
        self.profile = None

    def abort(self) -> None:
        """Kill a batch in progress (from another thread); ``convert_many`` then reports it."""
        proc = self.proc
        if proc is not None:
            kill_group(proc)

    def pids(self) -> list[int]:
        proc = self.proc
        return group_pids(proc.pid) if proc is not None and proc.poll() is None else []

    def convert_many(self, items: list[tuple[Path, Path]], timeout: float, fresh_profile: bool = False
                     ) -> list[ConversionFailure | None]:
        """Convert ``(src, dst)`` pairs in one soffice call; one result per pair (None = converted).

        Stops at the first hang: the pairs after it come back as ``None`` if
        converted, else as ``ConversionFailure(CRASH)`` so the caller retries them.
        """
        if fresh_profile or self.profile is None:
            remove_tree(self.profile)
            self.profile = new_profile(self.tag)
            prepare(self.profile, self.soffice, template=not fresh_profile)
        work = self.profile / "batch"
        remove_tree(work)
        (work / "in").mkdir(parents=True)
        (work / "out").mkdir()
        names = []
        for i, (src, _dst) in enumerate(items):
            name = f"{i:05d}{Path(src).suffix.lower()}"
            os.symlink(Path(src).resolve(), work / "in" / name)
            names.append(name)
        cmd = [self.soffice, "-env:UserInstallation=" + profile_url(self.profile), "--headless", "--invisible",
               "--nologo", "--nodefault", "--norestore", "--nolockcheck", "--infilter=" + WORD_FILTER,
               "--convert-to", filter_spec(), "--outdir", str(work / "out"), *(str(work / "in" / n) for n in names)]
        try:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, env=office_env(), start_new_session=True,
                                         cwd=work)
        except OSError as exc:
            raise ConversionFailure(START, str(exc)) from exc
        outs = [work / "out" / (Path(n).stem + ".pdf") for n in names]
        # LibreOffice converts in the order given: output k exists => every
        # document before k was tried. The deadline restarts on each new output;
        # the first document also pays the start-up.
        reached = -1  # highest index with an output
        hung = None
        deadline = time.monotonic() + timeout + self.start_timeout
        while self.proc.poll() is None:
            now = _highest_output(outs, reached)
            if now != reached:
                reached = now
                deadline = time.monotonic() + timeout
            if time.monotonic() > deadline:
                hung = reached + 1
                break
            try:
                checkpoint()
            except KeyboardInterrupt:
                kill_group(self.proc)
                self.proc = None
                raise
            time.sleep(0.05)
        kill_group(self.proc)
        self.proc = None
        results: list[ConversionFailure | None] = []
        for i, ((_src, dst), out) in enumerate(zip(items, outs)):
            if hung is not None and i == hung:
                results.append(ConversionFailure(TIMEOUT if i else START, f"no output in {timeout:g} s"))
            elif hung is not None and i > hung:
                results.append(ConversionFailure(CRASH, "not reached: an earlier document hung"))
            elif out.is_file() and out.stat().st_size > 0:
                os.replace(out, dst)
                results.append(None)
            else:
                results.append(ConversionFailure(OPEN, "soffice wrote no PDF"))
        remove_tree(work)
        return results


def _highest_output(outs: list[Path], start: int) -> int:
    for k in range(len(outs) - 1, start, -1):
        if outs[k].exists():
            return k
    return start
