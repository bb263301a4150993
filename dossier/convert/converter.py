"""The supervised DOCX → PDF converter: a pool of warm LibreOffice workers.

Each worker owns one LibreOffice (private profile, project fonts) that is
started once and reused (or, with ``DOSSIER_OFFICE_IDLE``, borrows a resident
one that outlives the command: :mod:`.resident`): over UNO when a Python with ``uno`` exists (about
0.15 s per small document once warm), else one ``soffice --convert-to`` per
batch. Supervision: a deadline per conversion (the process group is killed on
a hang), a restart after a crash or every ``restart_every`` conversions, one
retry in a fresh LibreOffice, then a result naming the document. LibreOffice
writes into a private temporary folder; the PDF is made reproducible
(:mod:`.normalize`) and renamed into place, so a target is either the old
file or a complete new one.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import queue
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, build_error
from ..files import write_bytes
from ..signals import checkpoint
from .batch_worker import BatchWorker
from .cache import PdfCache
from .failures import CRASH, INVALID, RETRYABLE, START, ConversionFailure, describe
from .normalize import normalise_pdf, source_datetime
from .resident import ResidentWorker, idle_seconds
from .soffice import find_soffice, new_workdir, remove_stale_dirs, remove_tree, strategy as pick_strategy, uno_python
from .uno_worker import UnoWorker

HINT = "Kiểm tra tệp Word mở được bằng LibreOffice/Word và LibreOffice (soffice) chạy được; rồi chạy lại."


@dataclass
class ConversionResult:
    """What happened to one document. ``error`` is Vietnamese (without the file name)."""

    source: Path
    target: Path
    ok: bool
    error: str | None = None
    kind: str | None = None  # see .failures (invalid, open, timeout, crash, start)
    detail: str = ""  # LibreOffice's own words, for logs
    pages: int = 0
    seconds: float = 0.0
    attempts: int = 0


class Converter:
    """Convert many DOCX files with ``workers`` warm LibreOffice processes.

    ``with Converter(workers=2) as conv: results = conv.convert(pairs)``
    ``strategy``: ``"uno"``, ``"batch"`` or ``None`` (DOSSIER_CONVERT, else uno when possible).
    ``start_timeout``: seconds LibreOffice may take to start (separate from ``timeout``).
    ``resident``: seconds a resident LibreOffice stays up idle after this converter is done
    (see :mod:`.resident`); ``None`` reads ``DOSSIER_OFFICE_IDLE``, 0 means a private one.
    ``cache``: look conversions up in the PDF cache first (:mod:`.cache`, ``DOSSIER_CACHE_DIR``).

    Thread-safe: several threads may call ``convert`` at once (e.g. one per
    commune being built); their documents share the same warm workers.
    """

    def __init__(self, workers: int = 1, timeout: float = 120, restart_every: int = 200, *,
                 start_timeout: float = 60, strategy: str | None = None, resident: float | None = None,
                 cache: bool = True):
        if workers < 1 or timeout <= 0 or restart_every < 1:
            raise ValueError("workers, timeout and restart_every must be positive")
        self.soffice = find_soffice()
        self.strategy = pick_strategy(self.soffice, strategy)
        self.python = uno_python(self.soffice) if self.strategy == "uno" else None
        if self.strategy == "uno" and not self.python:
            raise build_error("Không có Python nào nạp được thư viện uno của LibreOffice.",
                              hint="Cài python3-uno (sudo apt-get install -y python3-uno) hoặc đặt "
                                   "DOSSIER_CONVERT=batch.")
        self.workers = workers
        self.timeout = float(timeout)
        self.restart_every = restart_every
        self.start_timeout = float(start_timeout)
        self.resident = idle_seconds() if resident is None else float(resident)
        self.cache = PdfCache.open(self.soffice) if cache else None
        self._keys: dict[tuple[Path, Path], tuple[str, dt.datetime]] = {}  # cache misses being converted
        remove_stale_dirs()
        self._tmp = new_workdir()
        self._pool: list[UnoWorker | BatchWorker] = []
        self._lock = threading.Lock()
        self.starts = 0  # LibreOffice starts so far (for benchmarks and tests)
        self.closed = False
        # Set when LibreOffice failed to start twice in a row: the remaining
        # documents fail at once instead of each waiting for two more start-ups.
        self._broken: ConversionFailure | None = None

    # -- context manager --------------------------------------------------
    def __enter__(self) -> Converter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop every LibreOffice this converter started and remove its temporary folders.

        A conversion in progress (e.g. on Ctrl-C) gets two seconds, then its
        LibreOffice is killed; nothing is restarted after ``close``.
        """
        with self._lock:
            pool, self._pool = self._pool, []
            self.closed = True
        for worker in pool:
            if worker.lock.acquire(timeout=2):
                try:
                    worker.close()
                finally:
                    worker.lock.release()
            else:
                worker.abort()  # its thread sees the process gone, reports a failure, cleans up
        remove_tree(self._tmp)

    def warm(self, first: Path | None = None) -> list[threading.Thread]:
        """Start every worker's LibreOffice now, in the background, so the start-up
        (about 0.4 s) overlaps with whatever the caller does next (rendering DOCX);
        return the threads starting them (join them to wait until they are up).
        ``first``: a document each new LibreOffice then converts, for nothing: the
        first conversion loads the Word filter and the fonts (0.1 s more than the
        next ones), so only for a caller that has nothing to convert yet.
        A failed warm-up is not an error here: ``convert`` starts again and reports."""
        if self.strategy != "uno" or self.closed:
            return []
        threads = [threading.Thread(target=self._warm_one, args=(self._worker(k), first), daemon=True,
                                    name=f"dossier-convert-warm-{k}") for k in range(self.workers)]
        for thread in threads:
            thread.start()
        return threads

    def _warm_one(self, worker: UnoWorker, first: Path | None = None) -> None:
        with worker.lock:
            if self.closed or worker.running:
                return
            try:
                self._start(worker, fresh=False)
                if first is not None:
                    raw = self._tmp / f"{uuid.uuid4().hex}.pdf"
                    worker.convert(first, raw, self.timeout)
                    raw.unlink(missing_ok=True)
            except (ConversionFailure, KeyboardInterrupt):
                pass  # a stop: the worker is killed; the caller's own checkpoint stops the command

    def pids(self) -> list[list[int]]:
        """Process ids of each worker's LibreOffice group (for memory sampling)."""
        with self._lock:
            pool = list(self._pool)
        return [w.pids() for w in pool]

    # -- work -------------------------------------------------------------
    def convert(self, pairs: Sequence[tuple[Path, Path]],
                on_result: Callable[[ConversionResult], None] | None = None) -> list[ConversionResult]:
        """Convert each ``(docx, pdf)``; one result per pair, in order. Never raises for one document."""
        if self.closed:
            raise RuntimeError("Converter is closed")
        pairs = [(Path(s), Path(d)) for s, d in pairs]
        results: list[ConversionResult | None] = [None] * len(pairs)
        todo = []
        for i, (src, dst) in enumerate(pairs):
            problem = precheck(src)
            if problem:
                results[i] = ConversionResult(src, dst, False, describe(INVALID, self.timeout, problem), INVALID,
                                              problem)
            else:
                results[i] = self._cached(src, dst)
                if results[i] is None:
                    todo.append(i)
                    continue
            if on_result:
                on_result(results[i])
        if todo:
            if self.strategy == "uno":
                jobs = [[i] for i in todo]
            else:
                size = max(1, min(self.restart_every, math.ceil(len(todo) / self.workers)))
                jobs = [todo[k:k + size] for k in range(0, len(todo), size)]
            self._run(jobs, pairs, results, on_result)
        return results  # type: ignore[return-value]

    def _run(self, jobs, pairs, results, on_result) -> None:
        work: queue.Queue = queue.Queue()
        for job in jobs:
            work.put(job)
        errors: list[BaseException] = []
        done_lock = threading.Lock()

        def report(i: int, result: ConversionResult) -> None:
            results[i] = result
            if on_result:
                with done_lock:
                    on_result(result)

        def loop(worker) -> None:
            try:
                while True:
                    try:
                        job = work.get_nowait()
                    except queue.Empty:
                        return
                    if isinstance(worker, UnoWorker):
                        with worker.lock:
                            result = self._one(worker, job[0], *pairs[job[0]])
                        report(job[0], result)
                    else:
                        with worker.lock:
                            done = list(self._batch(worker, job, pairs))
                        for i, result in done:
                            report(i, result)
            except BaseException as exc:  # a bug: surface it in the caller's thread
                errors.append(exc)

        threads = [threading.Thread(target=loop, args=(self._worker(k),), daemon=True,
                                    name=f"dossier-convert-{k}") for k in range(min(self.workers, len(jobs)))]
        for t in threads:
            t.start()
        for t in threads:
            while t.is_alive():
                t.join(0.5)  # a stop: each thread raises it at its next wait (UnoWorker._checkpoint)
        checkpoint()  # a stop wins over the failures it caused
        if errors:
            raise errors[0]

    def _worker(self, k: int):
        with self._lock:
            while len(self._pool) <= k:
                n = len(self._pool)
                if self.strategy == "uno":
                    worker = None
                    if self.resident > 0:
                        worker = ResidentWorker.claim(self.soffice, self.python, f"w{n}", self.start_timeout,
                                                      idle=self.resident, max_conversions=self.restart_every)
                    self._pool.append(worker or UnoWorker(self.soffice, self.python, f"w{n}", self.start_timeout))
                else:
                    self._pool.append(BatchWorker(self.soffice, f"w{n}", self.start_timeout))
            return self._pool[k]

    def _one(self, worker: UnoWorker, i: int, src: Path, dst: Path) -> ConversionResult:
        """One document on a UNO worker: at most two attempts, the second in a fresh LibreOffice."""
        t0 = time.monotonic()
        raw = self._tmp / f"{uuid.uuid4().hex}.pdf"
        failure: ConversionFailure | None = None
        attempts = 0
        for attempts in (1, 2):
            if self._broken is not None:
                failure = self._broken
                break
            if worker.running and worker.done >= self.restart_every and not isinstance(worker, ResidentWorker):
                worker.stop()  # recycle: LibreOffice grows over long runs (a resident server retires itself)
            try:
                if not worker.running:
                    self._start(worker, fresh=failure is not None)
                worker.convert(src, raw, self.timeout)
                pages = self._finish(src, raw, dst)
                return ConversionResult(src, dst, True, pages=pages, seconds=time.monotonic() - t0,
                                        attempts=attempts)
            except ConversionFailure as exc:
                failure = exc
                raw.unlink(missing_ok=True)
                if exc.kind not in RETRYABLE:
                    break
        assert failure is not None
        if failure.kind == START and attempts == 2:
            self._broken = failure
        return ConversionResult(src, dst, False, describe(failure.kind, self.timeout, failure.detail), failure.kind,
                                failure.detail, seconds=time.monotonic() - t0, attempts=attempts)

    def _start(self, worker: UnoWorker, fresh: bool) -> None:
        with self._lock:
            if self.closed:
                raise ConversionFailure(CRASH, "converter closed")
        started = True  # a failed start counts too
        try:
            started = worker.start(fresh_profile=fresh)  # False: attached to a warm resident server
        finally:
            if started:
                with self._lock:
                    self.starts += 1

    def _batch(self, worker: BatchWorker, job: list[int], pairs):
        """A batch on a soffice --convert-to worker; retryable failures go again once, together."""
        t0 = time.monotonic()
        raws = {i: self._tmp / f"{uuid.uuid4().hex}.pdf" for i in job}
        pending = list(job)
        for attempt in (1, 2):
            if self.closed:
                self._broken = ConversionFailure(CRASH, "converter closed")
            if self._broken is not None:
                for i in pending:
                    f = self._broken
                    yield i, ConversionResult(pairs[i][0], pairs[i][1], False, describe(f.kind, self.timeout, f.detail),
                                              f.kind, f.detail, attempts=attempt - 1)
                return
            with self._lock:
                self.starts += 1
            try:
                outcomes = worker.convert_many([(pairs[i][0], raws[i]) for i in pending], self.timeout,
                                               fresh_profile=attempt > 1)
            except ConversionFailure as exc:
                outcomes = [exc] * len(pending)
            retry = []
            for i, failure in zip(pending, outcomes):
                src, dst = pairs[i]
                if failure is None:
                    try:
                        pages = self._finish(src, raws[i], dst)
                        yield i, ConversionResult(src, dst, True, pages=pages, seconds=time.monotonic() - t0,
                                                  attempts=attempt)
                        continue
                    except ConversionFailure as exc:
                        failure = exc
                raws[i].unlink(missing_ok=True)
                if failure.kind in RETRYABLE and attempt == 1:
                    retry.append(i)
                else:
                    if failure.kind == START:
                        self._broken = failure
                    yield i, ConversionResult(src, dst, False, describe(failure.kind, self.timeout, failure.detail),
                                              failure.kind, failure.detail, seconds=time.monotonic() - t0,
                                              attempts=attempt)
            pending = retry
            if not pending:
                return

    def _cached(self, src: Path, dst: Path) -> ConversionResult | None:
        """The result from the PDF cache (the PDF written to ``dst``), or None to convert."""
        if self.cache is None:
            return None
        t0 = time.monotonic()
        when = source_datetime(src)
        try:
            key = self.cache.key(src, when.isoformat())
        except OSError:
            return None
        data = self.cache.get(key)
        if data is None:
            # remembered for _finish: the key of the bytes LibreOffice is about to read, not of
            # whatever the file holds once it is done (a clerk may save it meanwhile)
            self._keys[(src, dst)] = (key, when)
            return None
        import pikepdf

        try:
            with pikepdf.open(io.BytesIO(data)) as pdf:
                pages = len(pdf.pages)
        except pikepdf.PdfError:
            return None
        write_bytes(dst, data)
        return ConversionResult(src, dst, True, pages=pages, seconds=time.monotonic() - t0, attempts=0)

    def _finish(self, src: Path, raw: Path, dst: Path) -> int:
        """Normalise LibreOffice's PDF and put it in place atomically (an unchanged PDF is not
        touched, so make stays incremental); a PDF pikepdf cannot read counts as a crash."""
        import pikepdf

        final = raw.with_suffix(".final.pdf")
        key, when = self._keys.pop((src, dst), (None, None))
        try:
            when = when or source_datetime(src)
            pages = normalise_pdf(raw, final, when)
            data = final.read_bytes()
            write_bytes(dst, data)
            if self.cache is not None and key is not None:
                self.cache.put(key, data)
        except (pikepdf.PdfError, ValueError) as exc:
            raise ConversionFailure(CRASH, f"unreadable PDF from LibreOffice: {exc}") from exc
        finally:
            raw.unlink(missing_ok=True)
            final.unlink(missing_ok=True)
        return pages


def precheck(src: Path) -> str | None:
    """Why ``src`` cannot be a Word document, checked without LibreOffice; None if it may be one."""
    if not src.is_file():
        return "không tìm thấy tệp"
    if src.suffix.lower() != ".docx":
        return None  # .doc/.odt/.rtf: let LibreOffice decide
    try:
        with zipfile.ZipFile(src) as zf:
            if "word/document.xml" not in zf.namelist():
                return "thiếu phần word/document.xml"
    except (zipfile.BadZipFile, OSError, ValueError):
        return "tệp không phải gói ZIP của Word, có thể bị hỏng hoặc tải về chưa hết"
    return None


def to_pdf(docx: Path, pdf: Path, *, timeout: float = 120) -> Path:
    """Convert one DOCX to ``pdf``; raise a build error naming the document when it fails."""
    docx, pdf = Path(docx), Path(pdf)
    with Converter(workers=1, timeout=timeout) as conv:
        result = conv.convert([(docx, pdf)])[0]
    if not result.ok:
        raise conversion_error([result])
    return pdf


def conversion_error(failed: Sequence[ConversionResult]):
    """One DossierError for failed conversions, each document named."""
    if len(failed) == 1:
        r = failed[0]
        return build_error(f"Không chuyển được {r.source.name} sang PDF: {r.error}.",
                           [Problem(str(r.source), r.error or "")], hint=HINT)
    return build_error(f"Không chuyển được {len(failed)} văn bản sang PDF:",
                       [Problem(str(r.source), r.error or "") for r in failed], hint=HINT)
