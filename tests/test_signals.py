"""Ctrl-C and SIGTERM: deferred around the publish step whichever thread the kernel
hands them to, and recognised when Python wraps them in another exception."""

from __future__ import annotations

import os
import signal
import threading
import time

import click
import pytest
from click.testing import CliRunner

from dossier.cli.app import EXIT_INTERRUPTED, EXIT_TERMINATED, run_command
from dossier import signals
from dossier.signals import Terminated, checkpoint, held, installed, interrupted_by
from dossier.staging import staged


def spin(seconds: float = 0.2) -> None:
    """Run Python bytecode for a while (pending handlers run between instructions)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pass


def test_sigint_in_the_block_is_raised_after_it():
    before = signal.getsignal(signal.SIGINT)
    steps = []
    with pytest.raises(KeyboardInterrupt):
        with held():
            os.kill(os.getpid(), signal.SIGINT)
            spin()
            steps.append("whole block ran")
    assert steps == ["whole block ran"]
    assert signal.getsignal(signal.SIGINT) is before


def test_a_signal_delivered_to_another_thread_is_held_too():
    """With only the main thread blocking the signal, the kernel gives it to another
    thread and Python still runs the handler in the main thread, mid-block."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    steps = []
    try:
        with pytest.raises(KeyboardInterrupt):
            with held():
                signal.pthread_kill(other.ident, signal.SIGINT)
                spin()
                steps.append("whole block ran")
    finally:
        stop.set()
    assert steps == ["whole block ran"]


def test_sigterm_reaches_the_previous_handler_once_the_block_ends():
    calls = []
    previous = signal.signal(signal.SIGTERM, lambda signum, _frame: calls.append(signum))
    try:
        with held():
            os.kill(os.getpid(), signal.SIGTERM)
            spin()
            assert calls == []
        assert calls == [signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_no_signal_no_effect_and_handlers_restored():
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with held():
        pass
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_outside_the_main_thread_held_does_nothing():
    errors = []

    def body():
        try:
            with held():
                pass
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    t = threading.Thread(target=body)
    t.start()
    t.join()
    assert errors == []


def swallowed(sig: int) -> None:
    """``sig`` arrives where something catches the exception and carries on."""
    try:
        os.kill(os.getpid(), sig)
        spin()
    except KeyboardInterrupt:
        pass


def test_a_swallowed_stop_is_raised_again_at_the_checkpoint():
    with installed():
        checkpoint()  # nothing asked: nothing raised
        swallowed(signal.SIGINT)
        assert signals.requested() == signal.SIGINT
        with pytest.raises(KeyboardInterrupt):
            checkpoint()
    with installed():
        swallowed(signal.SIGTERM)
        with pytest.raises(Terminated):
            checkpoint()
    with installed():  # each command starts afresh
        assert signals.requested() is None
        checkpoint()


def test_a_swallowed_stop_publishes_nothing(tmp_path):
    target = tmp_path / "kq"
    target.mkdir()
    (target / "ho-so.pdf").write_bytes(b"cu")
    with installed():
        with pytest.raises(KeyboardInterrupt):
            with staged(target) as stage:
                (stage / "ho-so.pdf").write_bytes(b"moi")
                swallowed(signal.SIGINT)
    assert (target / "ho-so.pdf").read_bytes() == b"cu"
    assert [p.name for p in target.iterdir()] == ["ho-so.pdf"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dossier-tmp-")]


def test_installed_restores_the_handlers_and_keeps_an_ignored_sigint():
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with installed():
        assert signal.getsignal(signal.SIGINT) is not before[0]
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with installed():
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before[0])


class _Field:
    def __set_name__(self, owner, name):
        raise KeyboardInterrupt  # as if Ctrl-C arrived while a module defines a class


def _define_class():
    class Spec:  # noqa: F841
        extra = _Field()


def test_a_ctrl_c_wrapped_by_python_is_found():
    with pytest.raises(BaseException) as info:  # RuntimeError on 3.11, KeyboardInterrupt with a note on 3.12
        _define_class()
    assert isinstance(interrupted_by(info.value), KeyboardInterrupt)
    assert interrupted_by(RuntimeError("khác")) is None
    plain = ValueError("x")
    plain.__context__ = plain  # a cycle must not loop
    assert interrupted_by(plain) is None


@pytest.mark.parametrize("raised, code", [
    (lambda: _define_class(), EXIT_INTERRUPTED),
    (lambda: _wrapped(Terminated()), EXIT_TERMINATED),
])
def test_cli_reports_a_wrapped_interrupt_as_stopped_not_as_a_bug(raised, code):
    @click.command()
    @run_command
    def command():
        raised()

    result = CliRunner().invoke(command, [])
    assert result.exit_code == code
    assert "Đã dừng theo yêu cầu" in result.output
    assert "Lỗi không mong đợi" not in result.output


def _wrapped(interrupt: KeyboardInterrupt):
    try:
        raise interrupt
    except KeyboardInterrupt as exc:
        raise RuntimeError("bọc") from exc
