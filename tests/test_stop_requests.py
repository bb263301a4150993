"""A stop (SIGINT/SIGTERM) is a request: the handler records it and never raises,
so a signal that lands inside a ``__del__``, a garbage-collection callback or a
weakref callback prints nothing; the command stops at its next checkpoint with
only the Vietnamese message. Unit level here; the real CLI, signalled at many
points of a build (garbage collection included), at the end."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time
import weakref

import click
import pytest
from click.testing import CliRunner

from dossier import signals
from dossier.cli.app import EXIT_INTERRUPTED, EXIT_TERMINATED, run_command

from .test_hostile_build import assert_stopped, edit, good, photos_times, previous_output, wait_for  # noqa: F401

MESSAGE = "Đã dừng theo yêu cầu; các tệp kết quả cũ được giữ nguyên, tệp tạm đã được xóa."


@pytest.fixture
def unraisable(monkeypatch):
    """What Python would print as "Exception ignored in …"."""
    seen = []
    monkeypatch.setattr(sys, "unraisablehook", lambda info: seen.append(info.exc_type))
    return seen


def signal_self(sig: int) -> None:
    os.kill(os.getpid(), sig)
    for _ in range(1000):  # bytecode for the pending handler to run in
        pass


class SignalledOnCollection:
    def __init__(self, sig: int) -> None:
        self.sig = sig
        self.cycle = self  # freed by the collector, not by reference counting

    def __del__(self) -> None:
        signal_self(self.sig)


@pytest.mark.parametrize("sig, stop", [(signal.SIGINT, KeyboardInterrupt), (signal.SIGTERM, signals.Terminated)])
def test_a_signal_inside_a_finaliser_is_recorded_not_raised(unraisable, sig, stop):
    with signals.installed():
        SignalledOnCollection(sig)
        gc.collect()
        assert unraisable == []
        assert signals.requested() == sig
        with pytest.raises(stop):
            signals.checkpoint()


def test_a_signal_inside_a_gc_callback_or_a_weakref_callback_prints_nothing(unraisable):
    class Thing:
        pass

    def on_gc(phase, _info):
        if phase == "start":
            signal_self(signal.SIGTERM)

    with signals.installed():
        gc.callbacks.append(on_gc)
        try:
            gc.collect()
        finally:
            gc.callbacks.remove(on_gc)
        thing = Thing()
        ref = weakref.ref(thing, lambda _ref: signal_self(signal.SIGINT))
        del thing
        assert ref() is None
        assert unraisable == []
        assert signals.requested() == signal.SIGTERM  # the first request is the one acted on
        with pytest.raises(signals.Terminated):
            signals.checkpoint()


def test_the_handler_tells_the_registered_callbacks_and_survives_a_failing_one():
    told = []

    def failing(_signum):
        raise RuntimeError("hỏng")

    with signals.installed(), signals.on_stop(failing), signals.on_stop(told.append):
        signal_self(signal.SIGINT)
        assert told == [signal.SIGINT]
    with signals.installed():
        signal_self(signal.SIGINT)
        assert told == [signal.SIGINT]  # unregistered with its block


def test_sleep_is_cut_short_by_a_stop():
    with signals.installed():
        signals.sleep(0.01)
        start = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            signal_self(signal.SIGINT)
            signals.sleep(30)
        assert time.monotonic() - start < 5


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, EXIT_INTERRUPTED), (signal.SIGTERM, EXIT_TERMINATED)])
def test_a_stop_during_the_last_step_still_ends_as_stopped(sig, code):
    @click.command()
    @run_command
    def command():
        signal_self(sig)  # recorded; nothing in the command checks it

    result = CliRunner().invoke(command, [])
    assert result.exit_code == code
    assert result.output.strip() == MESSAGE


# ---------------------------------------------------------------- the real CLI, at many points

# The CLI with a hook that prints a marker and then waits *inside* a finaliser or a
# garbage-collection callback once the command runs, so the test's signal lands right there.
HOOKED_CLI = """
import gc, signal, sys, time, zipfile
where = sys.argv.pop(1)
seen = [0]
def mark(n):
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        return  # still importing: the command has not started
    seen[0] += 1
    if seen[0] == n:
        print("ĐANG Ở " + where, flush=True)
        time.sleep(1.0)
if where == "ZipFile.__del__":
    original = zipfile.ZipFile.__del__
    def slow_del(self):
        mark(3)
        original(self)
    zipfile.ZipFile.__del__ = slow_del
elif where == "gc":
    import dossier.proc
    dossier.proc.GC_THRESHOLDS = (200, 5, 5)  # the CLI sets these: collections often, a signal lands in one
    gc.callbacks.append(lambda phase, info: phase == "start" and mark(40))
from dossier.cli import main
main()
"""


def start(data, out, where: str = "none") -> tuple[subprocess.Popen, list[str]]:
    import threading

    proc = subprocess.Popen([sys.executable, "-c", HOOKED_CLI, where, "build", str(data), "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()
    return proc, lines


def assert_only_the_message(proc, lines, sig, target, before, tmp_path) -> None:
    stderr = assert_stopped(proc, lines, sig, "bất kỳ bước nào", target, before, tmp_path)
    assert stderr.strip() == MESSAGE, stderr  # no "Exception ignored", no traceback, nothing else


@pytest.mark.libreoffice
@pytest.mark.parametrize("where, sig", [("ZipFile.__del__", signal.SIGTERM), ("gc", signal.SIGINT),
                                        ("gc", signal.SIGTERM)])
def test_a_signal_during_garbage_collection_prints_only_the_message(good, tmp_path, where, sig):  # noqa: F811
    data, target, before = previous_output(good, tmp_path)
    proc, lines = start(data, target, where)
    wait_for(lines, f"ĐANG Ở {where}")
    proc.send_signal(sig)
    assert_only_the_message(proc, lines, sig, target, before, tmp_path)


@pytest.mark.libreoffice
@pytest.mark.parametrize("stage, delay, sig", [
    ("soạn 01", 0.0, signal.SIGTERM),  # reading the data, filling the first document
    ("soạn 04", 0.05, signal.SIGINT),
    ("chuyển sang PDF", 0.3, signal.SIGTERM),  # LibreOffice converting, threads waiting on it
    ("chuyển sang PDF", 1.0, signal.SIGINT),
    ("ghép hồ sơ", 0.3, signal.SIGTERM),  # assembling: WeasyPrint pages, the font merge
])
def test_a_signal_at_any_point_of_a_build_prints_only_the_message(good, tmp_path, stage, delay, sig):  # noqa: F811
    data, target, before = previous_output(good, tmp_path)
    edit(data, photos_times(6))  # a longer assembly: every delay lands before the publish
    proc, lines = start(data, target)
    wait_for(lines, stage)
    time.sleep(delay)
    proc.send_signal(sig)
    assert_only_the_message(proc, lines, sig, target, before, tmp_path)


# ---------------------------------------------------------------- a server ends by a stop

@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_ends_dossier_serve_cleanly(tmp_path, sig):
    """The handler only records the stop; the server's loop is asked to end, and a
    server stopped that way exits 0 with its own message, no traceback."""
    import threading

    env = {**os.environ, "PYTHONUNBUFFERED": "1", "DOSSIER_OFFICE_IDLE": "0",
           "DOSSIER_RUNTIME_DIR": str(tmp_path / "run")}
    proc = subprocess.Popen([sys.executable, "-m", "dossier", "serve", str(tmp_path), "--no-browser", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()
    try:
        wait_for(lines, "Nhấn Ctrl+C", timeout=60)
        proc.send_signal(sig)
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    stderr = proc.stderr.read()
    assert code == 0, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert any("Đã dừng máy chủ." in line for line in lines)


def test_ctrl_c_ends_a_preview_watch_at_its_next_poll(tmp_path):
    """`dossier preview --watch` ends on Ctrl-C (its normal end), though the handler raises nothing."""
    import threading

    from dossier import preview as lib

    bad = tmp_path / "hong.yaml"
    bad.write_text("subject: [\n", encoding="utf-8")
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.monotonic()
    with signals.installed():
        timer.start()
        count = lib.watch("cong-van", bad, tmp_path / "x.pdf", report=lambda _e: None, timeout=30,
                          interval=0.05, convert=lambda src, dst: None)
        assert signals.requested() is None  # taken as the watch's end, not left for a checkpoint
    assert count == 1 and time.monotonic() - start < 10


def test_a_build_waiting_for_the_folder_lock_stops_on_request(tmp_path):
    import threading

    from dossier.staging import locked

    target = tmp_path / "kq"
    with locked(target):  # another build holds the folder
        timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGTERM))
        with signals.installed():
            timer.start()
            start = time.monotonic()
            result = {}

            def wait_in_thread():
                try:
                    with locked(target):
                        result["got"] = True
                except KeyboardInterrupt as exc:
                    result["stop"] = exc

            waiter = threading.Thread(target=wait_in_thread)
            waiter.start()
            waiter.join(timeout=10)
    assert isinstance(result.get("stop"), signals.Terminated) and time.monotonic() - start < 10
