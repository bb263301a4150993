"""`dossier build` under hostile conditions (issue 7), through the real CLI on a
copy of the Sơn Bình sample: random bytes as annexes, a build killed with
SIGINT or SIGTERM while it converts or assembles, two builds of one folder at
once, LibreOffice missing. The previous good output survives byte for byte,
no temporary is left behind, every failure is one Vietnamese message."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from dossier import staging

from .conftest import pdftotext
from .test_hostile_common import (
    assert_refused,
    cli,
    dossier_command,
    dossier_copy,
    env_without_soffice,
    no_temporaries,
    snapshot,
)

TEMP = ".dossier-tmp-"


def edit(data_file: Path, change) -> Path:
    data = yaml.safe_load(data_file.read_text(encoding="utf-8"))
    change(data)
    data_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data_file


def to_trinh_number(n: int):
    def change(data):
        data["documents"]["to_trinh"]["number"] = n
    return change


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """A data copy and a good build of it: (data file, output folder, its bytes)."""
    root = tmp_path_factory.mktemp("tot")
    data = dossier_copy(root / "du-lieu")
    out = root / "kq" / "son-binh"
    proc = subprocess.run([*dossier_command(), "build", str(data), "-o", str(out), "-q"], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return data, out, snapshot(out)


def previous_output(good, tmp_path: Path) -> tuple[Path, Path, dict]:
    """A fresh copy of the good output, and a data copy that would change it."""
    _, out, before = good
    target = tmp_path / "kq" / "son-binh"
    shutil.copytree(out, target)
    data = edit(dossier_copy(tmp_path / "du-lieu"), to_trinh_number(16))
    return data, target, before


def photos_times(n: int):
    """Each photo ``n`` times (captions numbered): laying out photo pages is the slowest part of
    assembling, so the build spends long enough in it to be interrupted there."""
    def change(data):
        data["photos"] = [dict(p, caption=f"{p['caption']} ({i + 1})") for i in range(n) for p in data["photos"]]
    return change


# ---------------------------------------------------------------- random bytes as annexes

ANNEXES = {
    "random-pdf": ("rac.pdf", lambda r: r.randbytes(40_000)),
    "pdf-header-then-garbage": ("dau-pdf.pdf", lambda r: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + r.randbytes(30_000)),
    "random-photo": ("anh.jpg", lambda r: r.randbytes(20_000)),
    "png-header-then-garbage": ("anh.png", lambda r: b"\x89PNG\r\n\x1a\n" + r.randbytes(5_000)),
}


@pytest.mark.libreoffice
@pytest.mark.parametrize("case", sorted(ANNEXES))
def test_random_bytes_as_an_annex_name_the_file_and_keep_the_old_output(good, tmp_path, case):
    data, target, before = previous_output(good, tmp_path)
    name, make = ANNEXES[case]
    (data.parent / "son-binh" / name).write_bytes(make(random.Random(case)))

    def change(d):
        if name.endswith(".pdf"):
            d["annexes"]["bao_cao_tong_hop_y_kien"][0]["file"] = f"son-binh/{name}"
        else:
            d["photos"][1]["file"] = f"son-binh/{name}"

    edit(data, change)
    result = cli("build", data, "-o", target, "-q")
    assert_refused(result.output, result.exit_code, result.exit_code, name)
    assert result.exit_code in (1, 2)
    assert snapshot(target) == before
    assert not no_temporaries(tmp_path)
    if case != "random-pdf":
        return
    # and into an empty folder: no ho-so.pdf at all (once: each build costs a LibreOffice run)
    fresh = tmp_path / "moi"
    result = cli("build", data, "-o", fresh, "-q")
    assert result.exit_code in (1, 2) and name in result.output
    assert not (fresh / "ho-so.pdf").exists() and not list(fresh.glob("*.pdf"))


# ---------------------------------------------------------------- killed builds


# The CLI with one change: the first temporary the assembly writes is followed by a
# marker line and a long wait, so a signal lands mid-publish on every machine,
# however fast (a timed delay raced the assembly on a fast CI runner).
HELD_CLI = """
import dossier.assemble.build as build
from dossier.signals import sleep
write_temp = build._write_temp
def held(*args, **kwargs):
    path = write_temp(*args, **kwargs)
    print("ĐANG GIỮ BẢN TẠM", flush=True)
    sleep(120)  # a slow disk; a stop is acted on at the next safe point, which this wait is
    return path
build._write_temp = held
from dossier.cli import main
main()
"""


def start_build(data: Path, out: Path, *, held: bool = False) -> tuple[subprocess.Popen, list[str]]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-c", HELD_CLI] if held else dossier_command()
    proc = subprocess.Popen([*command, "build", str(data), "-o", str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []

    def read():
        for line in proc.stdout:
            lines.append(line)

    threading.Thread(target=read, daemon=True).start()
    return proc, lines


def wait_for(lines: list[str], text: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not any(text in line for line in lines):
        assert time.monotonic() < deadline, f"không thấy «{text}»: {lines}"
        time.sleep(0.02)


@pytest.mark.libreoffice
@pytest.mark.parametrize("sig, stage, delay", [
    (signal.SIGINT, "chuyển sang PDF", 1.0),
    (signal.SIGTERM, "chuyển sang PDF", 1.0),
    (signal.SIGTERM, "soạn 03", 0.0),
])
def test_killed_build_keeps_the_previous_output_byte_identical(good, tmp_path, sig, stage, delay):
    data, target, before = previous_output(good, tmp_path)
    edit(data, photos_times(6))  # ~2 s more of assembly after the conversion: margin for the delay
    proc, lines = start_build(data, target)
    wait_for(lines, stage)
    time.sleep(delay)
    proc.send_signal(sig)
    assert_stopped(proc, lines, sig, stage, target, before, tmp_path)


@pytest.mark.libreoffice
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_build_killed_while_publishing_keeps_the_previous_output(good, tmp_path, sig):
    """The signal arrives once a temporary of the new dossier is on disk and before any rename."""
    data, target, before = previous_output(good, tmp_path)
    proc, lines = start_build(data, target, held=True)
    wait_for(lines, "ĐANG GIỮ BẢN TẠM")
    assert no_temporaries(tmp_path), "chưa có bản tạm nào"
    proc.send_signal(sig)
    assert_stopped(proc, lines, sig, "ghép hồ sơ", target, before, tmp_path)


def assert_stopped(proc, lines, sig, stage, target, before, tmp_path) -> str:
    """The build stopped on ``sig`` with its message, and the old output is intact; its stderr."""
    try:
        code = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    stderr = proc.stderr.read()
    output = "".join(lines) + stderr
    if code == 0:  # finished before the signal arrived: then it must be the whole new output
        pytest.fail(f"bản dựng đã xong trước khi bị dừng ({stage}); tăng dữ liệu hoặc giảm độ trễ:\n{output}")
    assert code == 128 + sig, output
    assert "Đã dừng theo yêu cầu" in stderr and "Traceback" not in output
    assert snapshot(target) == before
    assert not no_temporaries(tmp_path), no_temporaries(tmp_path)
    return stderr


@pytest.mark.libreoffice
def test_two_builds_of_one_folder_both_end_with_one_whole_dossier(good, tmp_path):
    data, target, _ = previous_output(good, tmp_path)
    other = edit(dossier_copy(tmp_path / "du-lieu-2"), to_trinh_number(17))
    first, out1 = start_build(data, target)
    second, out2 = start_build(other, target)
    codes = [first.wait(timeout=300), second.wait(timeout=300)]
    errors = first.stderr.read() + second.stderr.read()
    assert codes == [0, 0], errors + "".join(out1 + out2)
    assert "Traceback" not in errors
    reader = PdfReader(str(target / "ho-so.pdf"))
    assert len(reader.pages) == len(PdfReader(str(good[1] / "ho-so.pdf")).pages)
    # every file comes from the same build (the one that published last)
    numbers = {re.search(r"Số:\s*(\d+)\s*/TTr", " ".join(pdftotext(p).split())).group(1)
               for p in (target / "ho-so.pdf", target / "01-to-trinh.pdf")}
    assert numbers in ({"16"}, {"17"}), numbers
    assert not no_temporaries(tmp_path)


# ---------------------------------------------------------------- LibreOffice missing


def test_libreoffice_missing_build_is_a_clear_error_and_keeps_the_old_output(good, tmp_path):
    data, target, before = previous_output(good, tmp_path)
    result = cli("build", data, "-o", target, "-q", env=env_without_soffice(tmp_path))
    assert_refused(result.output, result.exit_code, 1, "Không tìm thấy LibreOffice", "apt-get install")
    assert snapshot(target) == before and not no_temporaries(tmp_path)


def test_libreoffice_missing_render_pdf_in_a_subprocess(tmp_path):
    from .test_hostile_common import SAMPLES

    out = tmp_path / "cv.pdf"
    proc = subprocess.run([*dossier_command(), "render", "cong-van", str(SAMPLES / "cong-van-son-binh.yaml"),
                           "-o", str(out)], capture_output=True, text=True, timeout=120,
                          env=env_without_soffice(tmp_path))
    assert_refused(proc.stdout + proc.stderr, proc.returncode, 1, "Không tìm thấy LibreOffice")
    assert not out.exists() and not no_temporaries(tmp_path)


# ---------------------------------------------------------------- staging, unit level


def test_signal_during_publish_is_held_until_every_file_is_moved(tmp_path, monkeypatch):
    target = tmp_path / "kq"
    target.mkdir()
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        (target / name).write_text("cũ")
    real_replace = os.replace
    calls = []

    def replace_then_signal(src, dst):
        real_replace(src, dst)
        calls.append(dst)
        if len(calls) == 1:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.1)  # the signal would be acted on here without the hold

    monkeypatch.setattr(staging.os, "replace", replace_then_signal)
    with pytest.raises(KeyboardInterrupt):
        with staging.staged(target) as stage:
            for name in ("a.pdf", "b.pdf", "c.pdf"):
                (stage / name).write_text("mới")
    assert {p.name: p.read_text() for p in target.iterdir()} == {"a.pdf": "mới", "b.pdf": "mới", "c.pdf": "mới"}
    assert not no_temporaries(tmp_path)


def test_stage_left_by_a_killed_process_is_removed_by_the_next_build(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f"{TEMP}abc123"
    stale.mkdir()
    (stale / staging.OWNER_FILE).write_text(str(dead.pid))
    (stale / "ho-so.pdf").write_bytes(b"%PDF-nua-chung")
    alive = tmp_path / f"{TEMP}def456"
    alive.mkdir()
    (alive / staging.OWNER_FILE).write_text(str(os.getpid()))
    with staging.staged(tmp_path / "kq") as stage:
        (stage / "x.txt").write_text("x")
    assert not stale.exists() and alive.exists()
    assert (tmp_path / "kq" / "x.txt").read_text() == "x"


def test_failed_build_keeps_old_files_and_removes_its_stage(tmp_path):
    target = tmp_path / "kq"
    target.mkdir()
    (target / "ho-so.pdf").write_text("cũ")
    with pytest.raises(RuntimeError):
        with staging.staged(target) as stage:
            (stage / "ho-so.pdf").write_text("mới")
            raise RuntimeError("hỏng giữa chừng")
    assert (target / "ho-so.pdf").read_text() == "cũ"
    assert not no_temporaries(tmp_path)
