"""`dossier preview`: watermarked draft PDFs read back with real readers, the CLI's
exit codes and messages, and the watch loop re-rendering on save."""

from __future__ import annotations

import queue
import shutil
import threading
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import yaml
from click.testing import CliRunner

from dossier import preview as lib
from dossier.cli import main
from dossier.errors import DossierError

from .conftest import SAMPLES, pdftotext

SAMPLE = SAMPLES / "cong-van-son-binh.yaml"
WAIT = 300  # seconds: an upper bound for a hung LibreOffice, never a performance assertion


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def sample_copy(tmp_path: Path, name: str = "cong-van-son-binh.yaml") -> Path:
    path = tmp_path / name
    shutil.copyfile(SAMPLE, path)
    return path


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def dump(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def long_letter(tmp_path: Path) -> Path:
    """The sample with its body repeated, so the letter runs over several pages."""
    path = sample_copy(tmp_path, "cong-van-dai.yaml")
    data = load(path)
    data["body"] = data["body"] * 6
    dump(path, data)
    return path


def watermark_chars(page) -> str:
    return "".join(c["text"] for c in page.chars if c["size"] > 50).replace(" ", "")


def text_chars(page) -> str:
    return "".join(c["text"] for c in page.chars if c["size"] <= 50)


def assert_watermarked(pdf_path: Path) -> int:
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            assert watermark_chars(page) == "DỰTHẢO", page.page_number
            big = [c for c in page.chars if c["size"] > 50]
            assert abs(big[0]["matrix"][1]) > 0.5  # diagonal: the text matrix has a rotation
        return len(pdf.pages)


# --------------------------------------------------------------------------- watermark alone


def test_watermark_adapter_every_page_upright_no_page_numbers(tmp_path):
    src = tmp_path / "plain.pdf"
    with pikepdf.new() as pdf:
        for rotate in (0, 90, 0):
            pdf.add_blank_page(page_size=(595.276, 841.89))
            if rotate:
                pdf.pages[-1].obj.Rotate = rotate
        pdf.save(src)
    out = tmp_path / "du-thao.pdf"
    assert lib.watermark_file(src, out) == 3
    assert assert_watermarked(out) == 3
    text = pdftotext(out)
    assert "Trang" not in text  # a single document's preview carries no dossier page numbers


# --------------------------------------------------------------------------- one preview


@pytest.mark.libreoffice
def test_preview_watermarks_every_page_and_keeps_the_text(tmp_path):
    data = long_letter(tmp_path)
    plain = tmp_path / "plain.pdf"
    from dossier.render.builders import render

    render("cong-van", data, plain)
    out = tmp_path / "xem" / "cv.pdf"
    result = run("preview", "cong-van", data, "-o", out, "--no-open")
    assert result.exit_code == 0, result.output
    assert f"Đã tạo bản xem trước {out}" in result.output and "giây)" in result.output
    print(result.output)  # the measured time, reported not asserted
    assert out.exists() and not list(out.parent.glob(".dossier-tmp-*"))
    pages = assert_watermarked(out)
    with pdfplumber.open(plain) as a, pdfplumber.open(out) as b:
        assert pages == len(a.pages) > 1
        for before, after in zip(a.pages, b.pages, strict=True):
            assert text_chars(after) == text_chars(before)  # the letter is untouched under the mark
    text = pdftotext(out)
    assert "báo cáo kết quả thực hiện" in text and "Lò Văn Thắng" in text


@pytest.mark.libreoffice
def test_preview_default_output_next_to_data(tmp_path):
    data = sample_copy(tmp_path)
    result = run("preview", "cong-van", data, "--no-open")
    assert result.exit_code == 0, result.output
    out = tmp_path / "cong-van-son-binh.du-thao.pdf"
    assert f"Mở tệp để xem: {out}" in result.output
    assert assert_watermarked(out) == 1


@pytest.mark.libreoffice
def test_preview_existing_docx(tmp_path):
    from dossier.render.builders import render

    docx = render("cong-van", SAMPLE, tmp_path / "cong-van.docx")
    result = run("preview", docx, "--no-open")
    assert result.exit_code == 0, result.output
    out = tmp_path / "cong-van.du-thao.pdf"
    assert out.exists()
    assert assert_watermarked(out) >= 1
    assert "Ủy ban nhân dân huyện Tam Đường" in pdftotext(out)


# --------------------------------------------------------------------------- errors


def test_bad_data_exit_2_vietnamese_and_no_output(tmp_path):
    bad = sample_copy(tmp_path, "sai.yaml")
    data = load(bad)
    del data["signer"]["name"]
    dump(bad, data)
    result = run("preview", "cong-van", bad, "--no-open")
    assert result.exit_code == 2
    assert "sai.yaml, trường signer.name: thiếu trường bắt buộc" in result.output
    assert list(tmp_path.iterdir()) == [bad]

    result = run("preview", "cong-van", bad, "-o", tmp_path / "ra" / "x.pdf", "--no-open")
    assert result.exit_code == 2 and not (tmp_path / "ra").exists()


def test_broken_yaml_and_missing_inputs(tmp_path):
    broken = tmp_path / "hong.yaml"
    broken.write_text("subject: [\n  x: y\n", encoding="utf-8")
    result = run("preview", "cong-van", broken, "--no-open")
    assert result.exit_code == 2 and "sai cú pháp ở dòng" in result.output
    result = run("preview", "cong-van", "--no-open")
    assert result.exit_code == 2 and "Thiếu tệp dữ liệu cho mẫu 'cong-van'" in result.output
    result = run("preview", tmp_path / "khong-co.docx", "--no-open")
    assert result.exit_code == 2 and "Không tìm thấy tệp" in result.output
    result = run("preview", "cong-van", SAMPLE, "-o", tmp_path / "x.docx", "--no-open")
    assert result.exit_code == 2 and "Bản xem trước là tệp PDF" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hong.yaml"]


def test_default_output_falls_back_to_temp_folder(tmp_path, monkeypatch):
    data = tmp_path / "du-lieu.yaml"
    assert lib.default_output("cong-van", data) == tmp_path / "du-lieu.du-thao.pdf"
    assert lib.default_output(tmp_path / "cv.docx", None) == tmp_path / "cv.du-thao.pdf"
    monkeypatch.setattr(lib.os, "access", lambda *a, **k: False)
    out = lib.default_output("cong-van", data)
    assert out.name == "du-lieu.du-thao.pdf" and out.parent.name == lib.TEMP_FOLDER


def test_viewer_never_opens_in_tests_or_without_display(tmp_path, monkeypatch):
    from dossier.cli import preview as cli

    assert cli.viewer_command(tmp_path / "x.pdf") is None  # under pytest
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(cli.sys, "platform", "linux")
    assert cli.viewer_command(tmp_path / "x.pdf") is None


def test_watched_files_include_the_bundled_template(tmp_path):
    from dossier.paths import TEMPLATES_DIR

    data = tmp_path / "d.yaml"
    assert lib.watched_files("cong-van", data) == [TEMPLATES_DIR / "cong-van.docx", data]
    assert lib.watched_files(tmp_path / "cv.docx", None) == [tmp_path / "cv.docx"]


def test_help_is_vietnamese():
    result = run("preview", "--help")
    assert result.exit_code == 0 and "DỰ THẢO" in result.output and "--watch" in result.output


# --------------------------------------------------------------------------- watch


@pytest.mark.libreoffice
def test_watch_rerenders_on_save_and_keeps_last_good_pdf_on_error(tmp_path):
    data = sample_copy(tmp_path)
    out = tmp_path / "xem-truoc.pdf"
    events: queue.Queue[lib.WatchEvent] = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(
        target=lib.watch, args=("cong-van", data, out),
        kwargs={"report": events.put, "interval": 0.05, "debounce": 0.15, "stop": stop}, daemon=True,
    )
    thread.start()
    try:
        first = events.get(timeout=WAIT)
        assert first.ok, first.error
        assert first.number == 1 and first.preview.pdf == out
        assert "báo cáo kết quả thực hiện" in pdftotext(out)
        print(f"first preview: {first.preview.seconds:.2f} s")

        changed = load(data)
        changed["subject"] = "tổ chức hội nghị tổng kết xây dựng nông thôn mới"
        dump(data, changed)
        second = events.get(timeout=WAIT)
        assert second.ok, second.error
        assert second.number == 2 and second.changed == (data,)
        text = pdftotext(out)
        assert "tổ chức hội nghị tổng kết" in text and "báo cáo kết quả thực hiện" not in text
        assert_watermarked(out)
        print(f"re-render: {second.preview.seconds:.2f} s")
        good = out.read_bytes()

        data.write_text("subject: [\n  x: y\n", encoding="utf-8")
        third = events.get(timeout=WAIT)
        assert not third.ok and isinstance(third.error, DossierError)
        assert third.error.exit_code == 2 and "sai cú pháp ở dòng" in str(third.error)
        assert third.kept == out and out.read_bytes() == good  # the last good preview stays
        assert not list(tmp_path.glob(".dossier-tmp-*"))

        dump(data, changed | {"subject": "kế hoạch kiểm tra hồ sơ"})  # fixed: back to live
        fourth = events.get(timeout=WAIT)
        assert fourth.ok, fourth.error
        assert "kế hoạch kiểm tra hồ sơ" in pdftotext(out)
    finally:
        stop.set()
        thread.join(timeout=WAIT)
    assert not thread.is_alive()
    assert events.empty()


def test_watch_reports_errors_and_stops_after_max_renders(tmp_path):
    """No LibreOffice needed: a data error is reported, never raised, and the loop ends."""
    bad = tmp_path / "hong.yaml"
    bad.write_text("subject: [\n", encoding="utf-8")
    seen: list[lib.WatchEvent] = []
    count = lib.watch("cong-van", bad, tmp_path / "x.pdf", report=seen.append, max_renders=1,
                      convert=lambda src, dst: None)
    assert count == 1 and len(seen) == 1
    assert not seen[0].ok and seen[0].kept is None and "sai cú pháp" in str(seen[0].error)
    assert not (tmp_path / "x.pdf").exists()


def test_watch_stops_on_timeout(tmp_path):
    bad = tmp_path / "hong.yaml"
    bad.write_text("subject: [\n", encoding="utf-8")
    seen: list[lib.WatchEvent] = []
    count = lib.watch("cong-van", bad, tmp_path / "x.pdf", report=seen.append, timeout=0.2,
                      interval=0.05, convert=lambda src, dst: None)
    assert count == 1 and len(seen) == 1
