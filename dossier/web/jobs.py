"""The server's own folder and its long jobs.

:class:`Storage` hands out new paths with generated names (``uploads/``,
``out/``) under the server's folder and remembers which files a browser may
download, by a random token: no request names a path.

:class:`Jobs` runs long work (a dossier build, a mail merge, a check with page
images) in a thread pool, outside the request. A job lives on when its tab is
closed; the page that started it polls ``/viec/<id>``, and the home page lists
recent jobs. LibreOffice and the pipeline stay warm in this process (see
:func:`keep_warm`).
"""

from __future__ import annotations

import re
import secrets
import shutil
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DossierError

TOKEN = re.compile(r"^[0-9a-f]{32}$")
KEEP_JOBS = 50


@dataclass(frozen=True)
class Download:
    path: Path
    name: str  # the name the browser saves it under
    mime: str


class Storage:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._downloads: dict[str, Download] = {}
        self._lock = threading.Lock()

    def new_path(self, area: str, suffix: str = "") -> Path:
        folder = self.root / area
        folder.mkdir(parents=True, exist_ok=True)
        return folder / (secrets.token_hex(16) + suffix)

    def new_dir(self, area: str) -> Path:
        path = self.new_path(area)
        path.mkdir()
        return path

    def offer(self, path: Path, name: str, mime: str) -> str:
        """Make ``path`` downloadable as ``name``; return its token."""
        key = secrets.token_hex(16)
        with self._lock:
            self._downloads[key] = Download(Path(path), name, mime)
        return key

    def download(self, key: str) -> Download | None:
        if not TOKEN.match(key or ""):
            return None
        with self._lock:
            found = self._downloads.get(key)
        return found if found is not None and found.path.is_file() else None


@dataclass
class Job:
    id: str
    title: str
    status: str = "chờ"  # chờ | đang chạy | xong | lỗi
    messages: list[str] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    started: float = field(default_factory=time.time)
    finished: float | None = None

    @property
    def done(self) -> bool:
        return self.status in ("xong", "lỗi")


class Jobs:
    def __init__(self, workers: int = 2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dossier-job")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, title: str, work: Callable[[Job], dict[str, Any] | None]) -> Job:
        job = Job(secrets.token_hex(16), title)
        with self._lock:
            self._jobs[job.id] = job
            for old in list(self._jobs)[:-KEEP_JOBS]:
                if self._jobs[old].done:
                    del self._jobs[old]
        self._pool.submit(self._run, job, work)
        return job

    def _run(self, job: Job, work: Callable[[Job], dict[str, Any] | None]) -> None:
        job.status = "đang chạy"
        try:
            job.result = work(job) or {}
            job.status = "xong"
        except DossierError as exc:
            job.error = str(exc)
            job.status = "lỗi"
        except Exception as exc:  # a bug: the clerk sees one line, the log gets the rest
            job.error = f"Lỗi ngoài dự kiến ({type(exc).__name__}): {exc}"
            job.status = "lỗi"
            traceback.print_exc()
        finally:
            job.finished = time.time()

    def get(self, job_id: str) -> Job | None:
        if not TOKEN.match(job_id or ""):
            return None
        with self._lock:
            return self._jobs.get(job_id)

    def recent(self) -> list[Job]:
        with self._lock:
            return list(reversed(self._jobs.values()))

    def wait(self, job: Job, timeout: float = 300) -> Job:
        deadline = time.monotonic() + timeout
        while not job.done and time.monotonic() < deadline:
            time.sleep(0.05)
        return job

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def zip_folder(folder: Path, target: Path) -> Path:
    """``folder`` as a ZIP at ``target`` (written atomically)."""
    from ..files import atomic_path

    with atomic_path(target) as tmp:
        made = shutil.make_archive(str(tmp.with_suffix("")), "zip", root_dir=folder)
        Path(made).replace(tmp)
    return target


def keep_warm(warm_up, stop: threading.Event, every: float = 300.0) -> None:
    """Keep the pipeline and LibreOffice warm while the server runs: the pipeline's
    modules imported now, ``warm_up(folder)`` (one tiny conversion) now, so the first
    preview skips LibreOffice's start-up, and again every ``every`` seconds, well
    inside ``DOSSIER_OFFICE_IDLE``."""
    import importlib
    import tempfile

    for module in ("dossier.pipeline.commune", "dossier.assemble.build", "dossier.check", "dossier.merge.run",
                   "dossier.report.form"):
        importlib.import_module(module)  # the pipeline imported once, before the first request needs it

    while not stop.is_set():
        try:
            with tempfile.TemporaryDirectory(prefix="dossier-web-warm-") as tmp:
                warm_up(Path(tmp))
        except KeyboardInterrupt:  # the server is asked to stop (dossier.signals): so is the warm-up
            return
        except Exception:  # no LibreOffice: pages that need it will say so
            if not stop.is_set():
                traceback.print_exc()
        stop.wait(every)
