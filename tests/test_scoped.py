"""Servers for one command (dossier.pipeline.scoped): a batch run with resident servers off
starts its LibreOffice servers and a zygote in a private folder of its own, its workers
attach to them, and when the run ends, however it ends, nothing of it is left: no
process, no folder, the environment as it was."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from dossier.convert import resident
from dossier.pipeline import batch, scoped, warm

pytestmark = pytest.mark.libreoffice


def _what_a_worker_sees() -> dict:
    return {"runtime": os.environ.get(resident.ENV_RUNTIME), "idle": os.environ.get(resident.ENV_IDLE),
            "servers": [s.running for s in resident.servers()], "forked": warm.SERVED_BY is not None,
            "pid": os.getpid(), "cpus": os.sched_getaffinity(0), "server_cpus": _server_threads_cpus()}


def _server_threads_cpus() -> set[frozenset[int]]:
    """The CPU sets of every thread of the servers' processes (they started off the first CPU)."""
    from dossier.convert.soffice import group_pids

    found = set()
    root = Path(os.environ[resident.ENV_RUNTIME])
    for state in root.glob("*/slot-*.json"):
        for pid in group_pids(int(resident.read_state(state)["pgid"])):
            for tid in os.listdir(f"/proc/{pid}/task"):
                found.add(frozenset(os.sched_getaffinity(int(tid))))
    return found


def _left_behind(folder: str) -> list[int]:
    """Processes whose command line names ``folder`` (servers, helpers, the zygote)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if folder.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _gone(folder: str, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while _left_behind(folder) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not _left_behind(folder)


@pytest.fixture
def idle_off(monkeypatch):
    monkeypatch.delenv(resident.ENV_IDLE, raising=False)
    return os.environ.get(resident.ENV_RUNTIME)


def test_workers_attach_to_servers_started_for_the_run_and_nothing_is_left(idle_off):
    with batch.workers(2) as pool:
        assert isinstance(pool, warm.WarmPool)
        folder = os.environ[resident.ENV_RUNTIME]
        assert Path(folder).parent == Path(idle_off) and Path(folder).name.startswith(scoped.PREFIX)
        seen = [pool.submit(_what_a_worker_sees) for _ in range(2)]
        seen = [f.result(timeout=60) for f in seen]
    for worker in seen:
        assert worker["runtime"] == folder and worker["idle"] == str(scoped.SAFETY_IDLE)
        assert worker["forked"]  # by the run's zygote: the imports were done once
        assert worker["servers"] == [True, True]  # both LibreOffice servers were up before the first task
        assert worker["server_cpus"] == {frozenset(worker["cpus"])}  # and free to run on every CPU again
    assert os.environ.get(resident.ENV_RUNTIME) == idle_off and resident.ENV_IDLE not in os.environ
    assert not Path(folder).exists()
    assert _gone(folder)


def test_a_run_that_fails_or_stops_leaves_nothing_either(idle_off):
    with pytest.raises(KeyboardInterrupt):
        with batch.workers(2) as pool:
            folder = os.environ[resident.ENV_RUNTIME]
            pool.submit(os.getpid).result(timeout=60)
            raise KeyboardInterrupt
    assert not Path(folder).exists()
    assert _gone(folder)
    assert os.environ.get(resident.ENV_RUNTIME) == idle_off


def test_without_a_zygote_ordinary_workers_use_the_runs_servers(idle_off, monkeypatch):
    monkeypatch.setattr(warm.WarmPool, "open", classmethod(lambda cls, *a, **k: None))
    with batch.workers(2) as pool:
        assert not isinstance(pool, warm.WarmPool)
        folder = os.environ[resident.ENV_RUNTIME]
        worker = pool.submit(_what_a_worker_sees).result(timeout=60)
    assert worker["runtime"] == folder and not worker["forked"] and worker["servers"] == [True, True]
    assert not Path(folder).exists()
    assert _gone(folder)


def test_folders_of_commands_that_died_are_removed(idle_off):
    root = Path(idle_off)
    dead = root / f"{scoped.PREFIX}999999999-x"  # no such pid
    dead.mkdir(mode=0o700)
    mine = root / f"{scoped.PREFIX}{os.getpid()}-y"
    mine.mkdir(mode=0o700)
    scoped.remove_stale(root)
    assert not dead.exists() and mine.exists()
    mine.rmdir()
