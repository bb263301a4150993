"""Every commune of a district at once: each commune's assessment report
(XLSX, DOCX, PDF) and, where a dossier file exists, its recognition dossier;
then the district summary. Communes run in worker processes, each with one
warm LibreOffice reused for all its documents; a failing commune is reported
and the others go on.

Data folder layout::

    DIR/communes/<slug>.yaml|.xlsx     assessments
    DIR/ho-so-<name>.yaml              dossier files (any kind: xa-ntm, ban-ntm, huyen-ntm…)

Output layout::

    OUT/<slug>/danh-gia.xlsx|.docx|.pdf
    OUT/ho-so/<name>/…                 (ho-so.pdf, documents, manifest.json)
    OUT/tong-hop/tong-hop.xlsx|.docx|.pdf
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DossierError, build_error, input_error
from ..load.files import load_mapping
from ..signals import checkpoint, on_stop

if TYPE_CHECKING:
    from .reuse import Built

ASSESSMENT_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx", ".xlsm")
REPORT = "danh-gia"
SUMMARY_DIR = "tong-hop"
DOSSIERS_DIR = "ho-so"

@dataclass(frozen=True)
class Unit:
    """One commune: its assessment and the dossier files that name it."""

    slug: str
    assessment: Path | None  # None: a district-level dossier that belongs to no one commune
    dossiers: tuple[Path, ...] = ()

@dataclass
class Outcome:
    slug: str
    ok: bool
    seconds: float
    outputs: list[Path] = field(default_factory=list)
    inputs: list[Path] = field(default_factory=list)
    error: str = ""
    pages: int = 0
    built: list[Built] = field(default_factory=list)  # dossiers built, for a dossier that nests them
    signatures: int = 0  # signatures made (``--sign``)

def discover(data_dir: Path) -> list[Unit]:
    """The communes of ``data_dir`` and their dossier files, in name order."""
    data_dir = Path(data_dir)
    communes = data_dir / "communes"
    if not communes.is_dir():
        raise input_error(f"Không thấy thư mục {communes}.",
                          hint="Thư mục dữ liệu cần có thư mục con 'communes' chứa tệp đánh giá của từng xã.")
    files = sorted(p for p in communes.iterdir() if p.suffix.lower() in ASSESSMENT_SUFFIXES and p.is_file())
    by_file = {p.resolve(): p.stem for p in files}
    dossiers: dict[str, list[Path]] = {}
    for dossier in sorted(data_dir.glob("ho-so-*.yaml")):
        named = load_mapping(dossier).get("assessment")
        slug = by_file.get((data_dir / str(named)).resolve()) if named else None
        dossiers.setdefault(slug or dossier.stem.removeprefix("ho-so-"), []).append(dossier)
    units = [Unit(p.stem, p, tuple(dossiers.pop(p.stem, ()))) for p in files]
    if not units:
        raise input_error(f"Thư mục {communes} không có tệp đánh giá nào (.yaml, .json hoặc .xlsx).")
    # Dossier files naming no commune's assessment (the district's dossier to the province)
    units += [Unit(name, None, tuple(found)) for name, found in sorted(dossiers.items())]
    return units

# --- one worker process: one warm LibreOffice for everything it converts -------------------

_CONVERTER = None

def _converter():
    global _CONVERTER
    if _CONVERTER is None:
        from ..convert import Converter

        _CONVERTER = Converter(workers=1)
        _CONVERTER.warm()
        atexit.register(_CONVERTER.close)
    return _CONVERTER

@dataclass(frozen=True)
class Task:
    """One piece of work for a worker: a commune's report, one dossier, or the summary.

    A commune's report and its dossiers are separate tasks, so the slow ones
    (dossiers) spread over the workers instead of queueing behind each other.
    """

    slug: str
    kind: str  # "report", "dossier" or "summary"
    path: Path | None  # the assessment, the dossier file, or the data folder


def tasks_for(units: list[Unit], summary_of: Path | None = None) -> list[Task]:
    """Every task, slowest kinds first (dossiers, then the summary, then reports)."""
    tasks = [Task(u.slug, "dossier", d) for u in units for d in u.dossiers]
    if summary_of is not None:
        tasks.append(Task(SUMMARY_DIR, "summary", Path(summary_of)))
    tasks += [Task(u.slug, "report", u.assessment) for u in units if u.assessment]
    return tasks


def run_task(task: Task, out_root: Path, *, draft: bool = False, prebuilt: dict | None = None,
             share: bool = False, signing=None) -> Outcome:
    """Do one task in this process; never raises (a failure is an Outcome with its message).

    ``prebuilt``: dossiers this run already built, for a dossier that nests them.
    ``share``: another dossier of the run nests this one: record what was built.
    ``signing``: a :class:`dossier.sign.batch.BatchSigning`: sign the dossier (not reports)."""
    import multiprocessing

    if multiprocessing.parent_process() is not None:  # a worker process: a forkserver one starts without
        from ..signals import install_for_process    # the request handler a forked one inherits

        install_for_process()
    start = time.perf_counter()
    outcome = Outcome(task.slug, ok=False, seconds=0.0)
    try:
        converter = _converter()  # LibreOffice starts in the background while data is read and rendered
        if task.kind == "report":
            from ..render.reports import TEMPLATE

            outcome.inputs += [task.path, TEMPLATE]
            outcome.outputs += _assessment_report(task.path, Path(out_root) / task.slug)
        elif task.kind == "dossier":
            from .registry import pipeline_for
            from .reuse import forget, record, save

            if signing is None:  # signatures belong to their build: another command never copies them
                prebuilt = {**_saved_nested(task.path, out_root), **(prebuilt or {})}
            extra = {"prebuilt": prebuilt} if prebuilt else {}  # only a dossier that nests others gets some
            with _signing(signing) as hook:
                result = pipeline_for(task.path).build(task.path, _dossier_dir(out_root, task.path),
                                                       draft=draft, converter=converter, **extra)
            if hook is not None:
                outcome.signatures += len(hook.signed)
                outcome.inputs += signing.dependencies()
            outcome.outputs.append(result.output)
            outcome.inputs += result.inputs
            outcome.pages += result.pages
            built = record(task.path, result, draft=draft)
            if signing is None:
                save(built)  # for a later command nesting it (make builds the district's dossier on its own)
            else:
                forget(result.output.parent)  # what an unsigned build left there no longer describes it
            if share:
                outcome.built.append(built)
        else:
            outcome.outputs += build_summary(task.path, out_root, converter)
        outcome.ok = True
    except DossierError as exc:
        outcome.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - one commune's bug must not stop the batch
        outcome.error = f"Lỗi không mong đợi ({type(exc).__name__}): {exc}\n{traceback.format_exc(limit=5)}"
    outcome.seconds = time.perf_counter() - start
    return outcome


def _dossier_dir(out_root: Path, data_file: Path) -> Path:
    return Path(out_root) / DOSSIERS_DIR / Path(data_file).stem.removeprefix("ho-so-")


def _saved_nested(data_file: Path, out_root: Path) -> dict:
    """The dossiers ``data_file`` nests that an earlier command built under ``out_root``."""
    from .registry import nested_files
    from .reuse import saved

    found = {}
    for nested in nested_files(data_file):
        built = saved(_dossier_dir(out_root, nested))
        if built is not None and built.data_file == nested:
            found[nested] = built
    return found


def _signing(plan):
    """Inside the block, the dossiers assembled are signed as ``plan`` says (None: not signed)."""
    if plan is None:
        return contextlib.nullcontext()
    from ..sign.batch import signing_task

    return signing_task(plan)


def _merge(into: Outcome | None, part: Outcome) -> Outcome:
    """One commune's outcome from its tasks' outcomes (ok only if every task was)."""
    if into is None:
        return part
    into.ok = into.ok and part.ok
    into.seconds += part.seconds
    into.outputs += part.outputs
    into.inputs += part.inputs
    into.pages += part.pages
    into.built += part.built
    into.signatures += part.signatures
    into.error = "\n".join(e for e in (into.error, part.error) if e)
    return into


def _assessment_report(assessment: Path, out_dir: Path) -> list[Path]:
    from ..criteria import evaluate, load_assessment
    from ..report.context import assessment_context

    ctx = assessment_context(evaluate(load_assessment(assessment)))
    return _report_files("assessment", ctx, out_dir, REPORT, _converter())


def _report_files(kind: str, ctx: dict, out_dir: Path, stem: str, converter) -> list[Path]:
    """XLSX, DOCX, and the PDF converted from that same DOCX (rendered once)."""
    from ..pipeline.commune import convert_all
    from ..render.reports import render_report_docx
    from ..report.xlsx_report import write_xlsx

    xlsx, docx, pdf = (out_dir / f"{stem}{ext}" for ext in (".xlsx", ".docx", ".pdf"))
    render_report_docx(kind, ctx, docx)
    # LibreOffice converts while this process writes the XLSX (the thread only waits on it)
    with ThreadPoolExecutor(1, thread_name_prefix="dossier-report-pdf") as background:
        converted = background.submit(convert_all, [(docx, pdf)], converter)
        write_xlsx(ctx, kind, xlsx)
        converted.result()
    return [xlsx, docx, pdf]

def build_summary(data_dir: Path, out_root: Path, converter=None) -> list[Path]:
    """The summary over every commune of ``data_dir`` (described by its tong-hop.yaml, if any)."""
    from ..criteria import load_folder, summarise
    from ..criteria.summary import folder_info
    from ..report.context import summary_context

    ctx = summary_context(summarise(load_folder(Path(data_dir) / "communes"), folder_info(data_dir)))
    return _report_files("district-summary", ctx, Path(out_root) / SUMMARY_DIR, SUMMARY_DIR, converter)

class _Schedule:
    """Tasks in priority order; one that nests other dossiers of the run waits for them,
    then gets what they built (so it copies them instead of building them again)."""

    def __init__(self, tasks: list[Task]) -> None:
        from .registry import nested_files

        self.waiting = list(tasks)
        produced = {t.path.resolve() for t in tasks if t.kind == "dossier"}
        self.needs = {id(t): (set(nested_files(t.path)) & produced) - {t.path.resolve()} if t.kind == "dossier"
                      else set() for t in tasks}
        self.wanted = set().union(*self.needs.values())  # dossiers some other task nests
        self.unfinished = set(produced)
        self.prebuilt: dict[Path, Built] = {}

    def next(self, *, idle: bool = False) -> Task | None:
        """The first waiting task whose nested dossiers are all finished (None: none ready).
        ``idle``: nothing is running, so nothing will finish: take the first waiting task
        anyway (dossiers nesting each other build theirs themselves)."""
        for i, task in enumerate(self.waiting):
            if not self.needs[id(task)] & self.unfinished:
                return self.waiting.pop(i)
        return self.waiting.pop(0) if idle and self.waiting else None

    def finished(self, task: Task, outcome: Outcome) -> None:
        if task.kind == "dossier":
            self.unfinished.discard(task.path.resolve())
        self.prebuilt.update((b.data_file, b) for b in outcome.built)

    def prebuilt_for(self, task: Task) -> dict:
        return {p: self.prebuilt[p] for p in self.needs[id(task)] if p in self.prebuilt}

    def arguments(self, task: Task) -> dict:
        """run_task's keyword arguments for ``task`` beyond the run's own."""
        return {"prebuilt": self.prebuilt_for(task),
                "share": task.kind == "dossier" and task.path.resolve() in self.wanted}


def run(units: list[Unit], out_root: Path, *, jobs: int = 1, draft: bool = False,
        summary_of: Path | None = None, signing=None) -> Iterator[Outcome]:
    """Build ``units`` (and the summary of ``summary_of`` when given) with ``jobs``
    worker processes; yield one outcome per commune as soon as all its tasks are
    done (the summary's outcome has the slug ``tong-hop``). ``signing``: a
    :class:`dossier.sign.batch.BatchSigning` (see :func:`dossier.sign.batch.batch_signing`)."""
    tasks = tasks_for(units, summary_of)
    left: dict[str, int] = {}
    for task in tasks:
        left[task.slug] = left.get(task.slug, 0) + 1
    merged: dict[str, Outcome] = {}

    def finished(outcome: Outcome) -> Outcome | None:
        merged[outcome.slug] = _merge(merged.get(outcome.slug), outcome)
        left[outcome.slug] -= 1
        return merged[outcome.slug] if left[outcome.slug] == 0 else None

    for unit in units:  # a commune with neither an assessment nor a dossier: nothing to do
        if unit.slug not in left:
            yield Outcome(unit.slug, ok=True, seconds=0.0)
    schedule = _Schedule(tasks)
    jobs = max(1, min(jobs, len(tasks)))
    # Never more tasks in flight than workers: the next one is chosen when a worker frees,
    # so a dossier that waited for its nested ones runs as soon as they are done.
    with workers(jobs, clean=signing is not None) as pool, on_stop(lambda signum: forward_stop(pool, signum)):
        running: dict = {}
        while schedule.waiting or running:
            checkpoint()  # a stop: no new task; the running ones stop at their own checkpoints
            while len(running) < jobs and (task := schedule.next(idle=not running)) is not None:
                future = pool.submit(run_task, task, out_root, draft=draft, signing=signing,
                                     **schedule.arguments(task))
                running[future] = task
            future = next(as_completed(running))
            task = running.pop(future)
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - its worker process died; the others go on
                outcome = Outcome(task.slug, ok=False, seconds=0.0,
                                  error=f"Tiến trình làm việc dừng bất thường ({type(exc).__name__}: {exc}).")
            checkpoint()  # a task the stop cut short is not reported as failed
            schedule.finished(task, outcome)
            if done := finished(outcome):
                yield done


@contextlib.contextmanager
def workers(jobs: int, *, clean: bool = False):
    """Where tasks run: warm workers forked by the resident zygote when resident servers
    are on (:mod:`.warm`); this process for one job; else warm workers of servers started
    for this run only (:mod:`.scoped`), or failing that ``jobs`` new worker processes.
    ``clean``: new workers start from a fresh interpreter (``forkserver``), not as a copy of
    this process (which holds open signing keys); a zygote's workers are never copies of it."""
    from .scoped import command_pool
    from .warm import WarmPool

    pool = WarmPool.open(jobs)
    if pool is not None:
        with pool:
            yield pool
        return
    if jobs == 1:
        yield InProcess()
        return
    with command_pool(jobs) as pool:
        if pool is not None:
            yield pool
            return
        import multiprocessing

        context = multiprocessing.get_context("forkserver") if clean else None
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            yield pool


def forward_stop(pool, signum: int) -> None:
    """Pass a stop signal on to the pool's worker processes (called from the signal
    handler: a SIGTERM sent to this process alone reaches no worker otherwise)."""
    if hasattr(pool, "signal_busy"):
        pool.signal_busy(signal.SIGINT)  # warm workers: stop at their next checkpoint
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError):
            os.kill(process.pid, signum)


class InProcess:
    """An executor that runs each call at once, in this process."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - raised again by result(), as other executors do
            future.set_exception(exc)
        return future

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *exc) -> None:
        pass


def run_summary(data_dir: Path, out_root: Path) -> list[Path]:
    """The district summary alone (``--summary-only``), in a warm worker when there is one."""
    from .warm import in_worker

    outcome = in_worker(f"{__name__}:run_task", Task(SUMMARY_DIR, "summary", Path(data_dir)), out_root)
    if not outcome.ok:
        raise build_error(f"Không tạo được báo cáo tổng hợp: {outcome.error}")
    return outcome.outputs


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 4))
