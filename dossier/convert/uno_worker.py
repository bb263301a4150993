"""One warm LibreOffice driven over UNO: the preferred worker.

The venv's Python cannot import ``uno``, so a small helper script
(``uno_helper.py``) runs under the system Python, starts one headless soffice
listening on a private pipe with a private profile, and converts on request.
This side only speaks JSON lines to the helper and supervises it: it waits for
each answer with a deadline and, on a hang or a crash, kills the helper's
whole process group (helper + soffice) so the next request starts fresh.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import threading
import time
from pathlib import Path

from ..signals import checkpoint
from .options import PDF_OPTIONS
from .failures import CRASH, OPEN, START, TIMEOUT, ConversionFailure
from .profile import prepare, remember
from .soffice import group_pids, kill_group, new_profile, office_env, profile_url, remove_tree, unique_name

HELPER = Path(__file__).with_name("uno_helper.py")
WORD_FILTER = "MS Word 2007 XML"  # never let LibreOffice guess: garbage would import as text


class UnoWorker:
    """A helper + soffice pair; ``convert`` one document at a time."""

    def __init__(self, soffice: str, python: str, tag: str, start_timeout: float = 60.0):
        self.soffice = soffice
        self.python = python
        self.tag = tag
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen | None = None
        self.profile: Path | None = None
        self.done = 0  # conversions since the last start
        self.lock = threading.Lock()  # one user at a time: the converter's thread or a warm-up
        self._buf = b""

    # -- life cycle -------------------------------------------------------
    def start(self, fresh_profile: bool = False) -> bool:
        """Start the helper and its LibreOffice; True (LibreOffice was started)."""
        self.stop()
        if fresh_profile or self.profile is None:
            remove_tree(self.profile)
            self.profile = new_profile(self.tag)
        copied = prepare(self.profile, self.soffice, template=not fresh_profile)  # a failed start: none
        cmd = [self.python, str(HELPER), self.soffice, profile_url(self.profile), unique_name(self.tag),
               str(self.start_timeout), json.dumps(PDF_OPTIONS)]
        log = self.profile / "helper.log"  # the helper's and soffice's stderr, quoted on a failed start
        try:
            with open(log, "ab") as err:
                self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                             env=office_env(), start_new_session=True, cwd=self.profile)
        except OSError as exc:
            raise ConversionFailure(START, str(exc)) from exc
        self._buf = b""
        self.done = 0
        try:
            ready = self._read(self.start_timeout + 10)
        except ConversionFailure as exc:
            self.kill()
            raise ConversionFailure(START, _with_log(exc.detail or "no answer", log)) from exc
        if not ready.get("ready"):
            self.kill()
            raise ConversionFailure(START, _with_log(str(ready.get("error", "")), log))
        if not copied:
            remember(self.profile, self.soffice)
        return True

    def stop(self) -> None:
        """Ask the helper to close LibreOffice, then make sure the group is gone."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()
        except OSError:
            pass
        kill_group(proc, grace=10)
        for stream in (proc.stdout,):
            if stream:
                stream.close()

    def kill(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            kill_group(proc)
            for stream in (proc.stdin, proc.stdout):
                try:
                    if stream:
                        stream.close()
                except OSError:
                    pass

    def abort(self) -> None:
        """Kill LibreOffice from another thread. Streams are left to the owning thread,
        which sees end-of-file, reports a crash and cleans up."""
        proc = self.proc
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def close(self) -> None:
        self.stop()
        remove_tree(self.profile)
        self.profile = None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def pids(self) -> list[int]:
        return group_pids(self.proc.pid) if self.running else []

    # -- work -------------------------------------------------------------
    def convert(self, src: Path, dst: Path, timeout: float) -> None:
        """Convert ``src`` into ``dst``; raise ConversionFailure (the worker is dead after TIMEOUT/CRASH)."""
        if not self.running:
            self.start()
        request = {"src": str(Path(src).resolve()), "dst": str(Path(dst).resolve()), "filter": WORD_FILTER}
        if Path(src).suffix.lower() != ".docx":
            request["filter"] = ""
        try:
            self._send((json.dumps(request) + "\n").encode())
        except (BrokenPipeError, OSError) as exc:
            self.kill()
            raise ConversionFailure(CRASH, f"helper gone: {exc}") from exc
        answer = self._read(timeout)
        self.done += 1
        self._answered(answer)
        if answer.get("ok"):
            if not Path(dst).is_file():
                raise ConversionFailure(OPEN, "no PDF written")
            return
        if answer.get("fatal"):
            self.kill()
            raise ConversionFailure(CRASH, str(answer.get("error", "")))
        raise ConversionFailure(OPEN, str(answer.get("error", "")))

    # -- transport (a pipe to our own helper; resident.py speaks over a socket) --
    def _send(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def _fd(self) -> int:
        return self.proc.stdout.fileno()

    def _exit_code(self) -> int | None:
        return self.proc.poll() if self.proc else None

    def _answered(self, answer: dict) -> None:
        """Hook: look at each answer (the resident worker notices a retiring server)."""

    def _checkpoint(self) -> None:
        """A safe point in a wait: on a stop request, end this conversion (the request
        and its answer would be out of step) and raise the stop."""
        try:
            checkpoint()
        except KeyboardInterrupt:
            self._abandon()
            raise

    def _abandon(self) -> None:
        self.kill()

    def _read(self, timeout: float) -> dict:
        """One JSON line from the helper within ``timeout`` seconds, else kill and raise."""
        deadline = time.monotonic() + timeout
        fd = self._fd()
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise ConversionFailure(TIMEOUT, f"no answer in {timeout:g} s")
            self._checkpoint()
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                code = self._exit_code()
                self.kill()
                raise ConversionFailure(CRASH, f"helper exited (code {code})")
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError as exc:
            self.kill()
            raise ConversionFailure(CRASH, f"bad answer {line[:200]!r}") from exc


def _with_log(detail: str, log: Path) -> str:
    """``detail`` plus the last lines the helper or soffice wrote to stderr (minus known noise)."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return detail
    lines = [x for x in lines if x.strip() and "javaldx" not in x][-5:]
    return detail + ("; stderr: " + " | ".join(lines) if lines else "")
