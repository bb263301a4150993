"""Resident LibreOffice servers (DOSSIER_OFFICE_IDLE): a later converter — a
later `dossier` command — finds LibreOffice warm; servers time out when idle,
are replaced when dead or hung, never shared through an unsafe folder, and
`dossier office status|stop` shows and stops them."""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import main
from dossier.convert import Converter
from dossier.convert import resident
from dossier.convert.soffice import group_pids
from dossier.convert.uno_worker import UnoWorker
from dossier.errors import DossierError

from .conftest import pdftotext
from .test_convert import MOTTO, make_docx, need_uno

pytestmark = pytest.mark.libreoffice


@pytest.fixture
def runtime(monkeypatch):
    """A private runtime folder (short: socket paths are limited to ~100 bytes)."""
    need_uno()
    folder = Path(tempfile.mkdtemp(prefix="dr-"))
    monkeypatch.setenv(resident.ENV_RUNTIME, str(folder / "run"))
    yield folder / "run"
    resident.stop_servers()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def docs(tmp_path):
    return [make_docx(tmp_path / f"van-ban-{i}.docx", f"{MOTTO} — số {i}") for i in range(3)]


def running() -> list[resident.ServerInfo]:
    return [s for s in resident.servers() if s.running]


def state(runtime: Path, slot: int = 0) -> dict:
    (folder,) = [p for p in runtime.iterdir() if p.is_dir()]
    return json.loads((folder / f"slot-{slot}.json").read_text())


def test_a_second_converter_finds_libreoffice_warm(runtime, tmp_path, docs):
    with Converter(workers=1, resident=60) as first:
        assert first.convert([(docs[0], tmp_path / "0.pdf")])[0].ok
        assert first.starts == 1
    (server,) = running()  # the command is over, LibreOffice stays
    assert not server.in_use and server.memory_mb > 10
    t0 = time.monotonic()
    with Converter(workers=1, resident=60) as second:
        result = second.convert([(docs[1], tmp_path / "1.pdf")])[0]
        assert result.ok and second.starts == 0  # attached, not started
    assert time.monotonic() - t0 < 5
    assert [s.pid for s in running()] == [server.pid]
    assert f"{MOTTO} — số 1" in pdftotext(tmp_path / "1.pdf")


def test_resident_pdf_equals_private_pdf(runtime, tmp_path, docs, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    with Converter(workers=1, resident=60) as conv:
        assert conv.convert([(docs[0], tmp_path / "resident.pdf")])[0].ok
    with Converter(workers=1, resident=0) as conv:
        assert conv.convert([(docs[0], tmp_path / "private.pdf")])[0].ok
    assert (tmp_path / "resident.pdf").read_bytes() == (tmp_path / "private.pdf").read_bytes()


def test_idle_server_exits_and_removes_its_socket(runtime, tmp_path, docs):
    with Converter(workers=1, resident=1.5) as conv:
        assert conv.convert([(docs[0], tmp_path / "0.pdf")])[0].ok
    deadline = time.monotonic() + 20
    while running() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not running()
    assert not list(runtime.rglob("*.sock"))


def test_dead_libreoffice_is_replaced_before_the_next_document(runtime, tmp_path, docs):
    with Converter(workers=1, resident=60) as conv:
        assert conv.convert([(docs[0], tmp_path / "0.pdf")])[0].ok
    os.kill(state(runtime)["soffice_pid"], signal.SIGKILL)
    time.sleep(0.3)
    with Converter(workers=1, resident=60) as conv:
        result = conv.convert([(docs[1], tmp_path / "1.pdf")])[0]
        assert result.ok and result.attempts == 1 and conv.starts == 1
    assert f"{MOTTO} — số 1" in pdftotext(tmp_path / "1.pdf")


def test_hung_server_is_killed_and_the_document_retried(runtime, tmp_path, docs):
    with Converter(workers=1, resident=60) as conv:
        assert conv.convert([(docs[0], tmp_path / "0.pdf")])[0].ok
    hung = state(runtime)
    office = [pid for pid in group_pids(hung["pgid"])
              if "soffice.bin" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")]
    assert office
    for pid in office:
        os.kill(pid, signal.SIGSTOP)  # alive, accepts the connection, never answers
    try:
        with Converter(workers=1, timeout=4, resident=60) as conv:
            result = conv.convert([(docs[1], tmp_path / "1.pdf")])[0]
        assert result.ok and result.attempts == 2 and conv.starts == 1
        assert not group_pids(hung["pgid"])  # the hung group was killed, not left behind
        assert state(runtime)["pid"] != hung["pid"]
    finally:
        for pid in office:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_stale_socket_file_is_replaced(runtime, tmp_path, docs):
    with Converter(workers=1, resident=60) as conv:
        assert conv.convert([(docs[0], tmp_path / "0.pdf")])[0].ok
    resident.stop_servers()
    folder = next(p for p in runtime.iterdir() if p.is_dir())
    (folder / "slot-0.sock").write_text("not a socket")
    with Converter(workers=1, resident=60) as conv:
        assert conv.convert([(docs[1], tmp_path / "1.pdf")])[0].ok and conv.starts == 1


def test_busy_slot_makes_the_next_caller_take_another(runtime, tmp_path, docs):
    with Converter(workers=1, resident=60) as a, Converter(workers=1, resident=60) as b:
        assert a.convert([(docs[0], tmp_path / "a.pdf")])[0].ok
        assert b.convert([(docs[1], tmp_path / "b.pdf")])[0].ok
        slots = sorted(s.slot for s in running())
        assert slots == [0, 1] and all(s.in_use for s in running())
    assert not any(s.in_use for s in running())


def test_unsafe_runtime_folder_means_a_private_libreoffice(monkeypatch, tmp_path, docs):
    need_uno()
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # others could plant a socket there
    monkeypatch.setenv(resident.ENV_RUNTIME, str(shared))
    with Converter(workers=1, resident=60) as conv:
        assert type(conv._worker(0)) is UnoWorker
        assert conv.convert([(docs[0], tmp_path / "0.pdf")])[0].ok
    assert not list(shared.iterdir())


def test_idle_setting_is_checked(monkeypatch):
    monkeypatch.setenv(resident.ENV_IDLE, "mười phút")
    with pytest.raises(DossierError, match="DOSSIER_OFFICE_IDLE"):
        resident.idle_seconds()
    monkeypatch.setenv(resident.ENV_IDLE, "600")
    assert resident.idle_seconds() == 600
    monkeypatch.setenv(resident.ENV_IDLE, "0")
    assert resident.idle_seconds() == 0


def test_office_status_and_stop_commands(runtime, tmp_path, docs):
    runner = CliRunner()
    result = runner.invoke(main, ["office", "status"])
    assert result.exit_code == 0 and "Không có LibreOffice hay tiến trình Python nào chạy nền" in result.output
    with Converter(workers=1, resident=60) as conv:
        assert conv.convert([(docs[0], tmp_path / "0.pdf")])[0].ok
    result = runner.invoke(main, ["office", "status"])
    assert result.exit_code == 0 and "đang chờ" in result.output and "MB" in result.output
    result = runner.invoke(main, ["office", "stop"])
    assert result.exit_code == 0 and "Đã tắt 1 LibreOffice và 0 tiến trình Python chạy nền" in result.output
    assert not running()


def test_cli_with_idle_setting_leaves_libreoffice_for_the_next_command(runtime, tmp_path, monkeypatch):
    from .conftest import SAMPLES

    monkeypatch.setenv(resident.ENV_IDLE, "60")
    runner = CliRunner()
    out = tmp_path / "cv.pdf"
    result = runner.invoke(main, ["render", "cong-van", str(SAMPLES / "cong-van-son-binh.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(running()) == 1
    result = runner.invoke(main, ["render", "cong-van", str(SAMPLES / "cong-van-son-binh.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(running()) == 1
