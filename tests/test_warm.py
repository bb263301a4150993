"""Warm Python workers (dossier.pipeline.warm): a resident zygote with the pipeline
imported forks one worker per connection; a later command finds it warm, a
changed code key gets its own, dead workers fail only their call, idle zygotes
leave, `dossier office stop` stops them, and a batch built by warm workers (the
resident zygote's, or those of a run's own servers) is byte for byte the batch
built by ordinary ones."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import main
from dossier.convert import resident
from dossier.pipeline import batch, warm

from .conftest import SAMPLES


@pytest.fixture
def runtime(monkeypatch):
    """A private runtime folder (short: socket paths are limited to ~100 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="dw-"))
    monkeypatch.setenv(resident.ENV_RUNTIME, str(folder / "run"))
    yield folder / "run"
    warm.stop_zygotes()
    resident.stop_servers()
    shutil.rmtree(folder, ignore_errors=True)


def _getcwd_and(name: str) -> tuple[str, str | None, int, int]:
    return os.getcwd(), os.environ.get(name), warm.current_umask(), os.getpid()


def test_calls_run_in_forked_workers_with_the_callers_folder_and_environment(runtime, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DOSSIER_TEST_MARK", "Sìn Hồ")
    with warm.WarmPool.open(1, idle=30) as first:  # the zygote starts with this umask
        assert first.zygote_started
    previous = os.umask(0o027 if warm.current_umask() != 0o027 else 0o077)
    try:
        pool = warm.WarmPool.open(2, idle=30)
    finally:
        wanted = os.umask(previous)
    with pool:
        cwd, mark, umask, pid = pool.submit(_getcwd_and, "DOSSIER_TEST_MARK").result(timeout=30)
        assert umask == wanted  # the caller's, not the zygote's
        assert (cwd, mark) == (str(tmp_path), "Sìn Hồ")
        assert pid in pool.pids and pid != os.getpid()
        assert len(set(pool.pids)) == 2
        with pytest.raises(ValueError):  # the worker's exception is raised again here
            pool.submit(int, "hai").result(timeout=30)
    (zygote,) = warm.zygotes()
    assert zygote.pid not in pool.pids and zygote.memory_mb > 0


def _collector_state() -> tuple[bool, tuple[int, int, int], int]:
    import gc

    return gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()


def test_workers_collect_garbage_as_the_cli_does(runtime):
    """The zygote imports with the collector off (dossier.pipeline.zygote.main): the
    workers it forks have it on again, with the CLI's thresholds, and the imports frozen."""
    from dossier.proc import GC_THRESHOLDS

    with warm.WarmPool.open(1, idle=30) as pool:
        enabled, thresholds, frozen = pool.submit(_collector_state).result(timeout=60)
    assert enabled and thresholds == GC_THRESHOLDS
    assert frozen > 100_000  # the pipeline's modules, never traversed again


def test_a_later_pool_finds_the_zygote_warm_and_other_code_gets_its_own(runtime, monkeypatch):
    with warm.WarmPool.open(1, idle=30) as first:
        first.submit(os.getpid).result(timeout=30)
    with warm.WarmPool.open(1, idle=30) as second:
        second.submit(os.getpid).result(timeout=30)
    assert first.zygote_started and not second.zygote_started
    assert second.pids[0] != first.pids[0]  # a fresh worker each time
    (zygote,) = warm.zygotes()
    # a variable read at import time changes the code key: not served by that zygote
    monkeypatch.setenv("DOSSIER_MAX_DATA_BYTES", "1000")
    with warm.WarmPool.open(1, idle=30) as third:
        third.submit(os.getpid).result(timeout=30)
    assert third.zygote_started
    assert len(warm.zygotes()) == 2 and zygote.pid in {z.pid for z in warm.zygotes()}


def test_a_killed_zygote_is_replaced_by_the_next_caller(runtime):
    import signal

    with warm.WarmPool.open(1, idle=30) as pool:
        pool.submit(os.getpid).result(timeout=30)
    (zygote,) = warm.zygotes()
    os.kill(zygote.pid, signal.SIGKILL)  # its socket file stays behind
    time.sleep(0.2)
    with warm.WarmPool.open(1, idle=30) as pool:
        assert pool.submit(os.getpid).result(timeout=30) == pool.pids[0]
    assert pool.zygote_started and [z.pid for z in warm.zygotes()] != [zygote.pid]


def test_a_dead_worker_fails_its_call_and_is_replaced(runtime):
    with warm.WarmPool.open(1, idle=30) as pool:
        with pytest.raises(warm.WorkerDied):
            pool.submit(os._exit, 3).result(timeout=30)
        pid = pool.submit(os.getpid).result(timeout=30)
        assert pid == pool.pids[-1] and pid != pool.pids[0]


def test_cancel_interrupts_a_busy_worker(runtime):
    pool = warm.WarmPool.open(1, idle=30)
    busy = pool.submit(time.sleep, 600)
    time.sleep(0.5)
    pool.shutdown(cancel=True)
    with pytest.raises(warm.WorkerDied):
        busy.result(timeout=0)
    assert not Path(f"/proc/{pool.pids[0]}/cmdline").exists() or not Path(
        f"/proc/{pool.pids[0]}/cmdline").read_bytes()


def test_an_idle_zygote_leaves(runtime):
    with warm.WarmPool.open(1, idle=1) as pool:
        pool.submit(os.getpid).result(timeout=30)
    folder = warm.zygote_folder()
    deadline = time.monotonic() + 15
    while warm.zygotes() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert warm.zygotes() == []
    assert not (folder / warm.SOCKET).exists()


def test_office_status_and_stop_show_and_stop_the_zygote(runtime):
    with warm.WarmPool.open(1, idle=30) as pool:
        pool.submit(os.getpid).result(timeout=30)
    status = CliRunner().invoke(main, ["office", "status"])
    assert status.exit_code == 0 and "Python" in status.output, status.output
    stop = CliRunner().invoke(main, ["office", "stop"])
    assert stop.exit_code == 0 and "1 tiến trình Python" in stop.output, stop.output
    deadline = time.monotonic() + 10
    while warm.zygotes() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert warm.zygotes() == []


def test_unsafe_runtime_folder_means_ordinary_workers(monkeypatch, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    monkeypatch.setenv(resident.ENV_RUNTIME, str(shared))
    assert warm.WarmPool.open(1, idle=30) is None
    assert warm.WarmPool.open(1, idle=0) is None  # resident servers off


def _digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.libreoffice
def test_a_batch_by_warm_workers_is_the_batch_by_ordinary_ones(runtime, tmp_path, monkeypatch):
    # Sơn Bình: its report and two dossiers (covers, contents, separators, font merge), and the summary
    from dossier.pipeline import scoped

    units = [u for u in batch.discover(SAMPLES) if u.slug == "son-binh"]
    with monkeypatch.context() as ordinary:  # no servers of its own: ordinary worker processes
        ordinary.setattr(scoped, "_private_folder", lambda: None)
        cold = tmp_path / "cold"
        outcomes = list(batch.run(units, cold, jobs=2, summary_of=SAMPLES))
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    own = tmp_path / "own"  # the run's own servers and zygote (dossier.pipeline.scoped)
    outcomes = list(batch.run(units, own, jobs=2, summary_of=SAMPLES))
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert not warm.zygotes()  # the run's own zygote left with it
    monkeypatch.setenv(resident.ENV_IDLE, "30")
    hot = tmp_path / "warm"
    outcomes = list(batch.run(units, hot, jobs=2, summary_of=SAMPLES))
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert len(warm.zygotes()) == 1  # the work was done by workers the zygote forked
    cold_files = _digests(cold)
    assert {Path(k).name for k in cold_files} >= {"danh-gia.pdf", "ho-so.pdf", "tong-hop.pdf", "tong-hop.xlsx"}
    assert _digests(hot) == _digests(own) == cold_files
    # the summary alone (make's summary target) too, through the CLI
    summary = tmp_path / "summary"
    result = CliRunner().invoke(main, ["batch", str(SAMPLES), "-o", str(summary), "--summary-only"])
    assert result.exit_code == 0, result.output
    assert _digests(summary / "tong-hop") == {k.removeprefix("tong-hop/"): v for k, v in cold_files.items()
                                              if k.startswith("tong-hop/")}


def _crash_on_bad(path: str, kind: str) -> dict:
    """A probe check for the tests below, run in the warm worker."""
    if "treo" in path:
        time.sleep(60)
    if "sap" in path:
        os._exit(9)
    from dossier.assemble.probe import check_limited

    return check_limited(path, kind)


def test_annex_probe_in_warm_workers_refuses_only_the_file_that_hangs_or_crashes(runtime, tmp_path):
    from dossier.assemble import probe

    ok = shutil.copy(SAMPLES / "son-binh" / "phu-luc" / "y-kien-mttq.pdf", tmp_path / "y-kien.pdf")
    photo = shutil.copy(SAMPLES / "son-binh" / "phu-luc" / "anh-doi-che.jpg", tmp_path / "anh.jpg")
    fake = tmp_path / "gia.jpg"
    fake.write_bytes(b"%PDF-1.4 not a photo")
    files = [(Path(ok), "pdf"), (tmp_path / "treo.pdf", "pdf"), (tmp_path / "sap.pdf", "pdf"), (Path(photo), "image"),
             (fake, "image")]
    for path, _ in files[1:3]:
        path.write_bytes(b"%PDF-1.4\n")
    with warm.WarmPool.open(1, idle=30) as pool:
        found, problems = probe.probe_in_warm_workers(pool, files, check=_crash_on_bad, seconds=3)
    assert set(found) == {Path(ok), Path(photo)}
    assert found[Path(photo)].width == 960 and found[Path(ok)].pages == 2
    assert [p.where for p in problems] == [str(tmp_path / "treo.pdf"), str(tmp_path / "sap.pdf"), str(fake)]
    assert all("quá lâu" in p.message for p in problems[:2]) and "không phải ảnh" in problems[2].message
    # the same answers as a new interpreter's
    assert probe._probe_in_new_process(files[:1] + files[3:]) == (found, problems[2:])


def test_probe_files_uses_a_running_zygote_but_never_starts_one(runtime, tmp_path, monkeypatch):
    from dossier.assemble import probe

    monkeypatch.setenv(resident.ENV_IDLE, "30")
    pdf = Path(shutil.copy(SAMPLES / "son-binh" / "phu-luc" / "y-kien-mttq.pdf", tmp_path / "y-kien.pdf"))
    found, problems = probe.probe_files([(pdf, "pdf")])
    assert found[pdf].pages == 2 and not problems
    assert warm.zygotes() == []  # a new interpreter did it
    with warm.WarmPool.open(1, idle=30) as pool:
        pool.submit(os.getpid).result(timeout=30)
    (zygote,) = warm.zygotes()
    monkeypatch.setattr(probe, "_probe_in_new_process", lambda files: pytest.fail("a new interpreter probed"))
    assert probe.probe_files([(pdf, "pdf")]) == (found, problems)
    assert [z.pid for z in warm.zygotes()] == [zygote.pid]
