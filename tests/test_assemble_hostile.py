"""Hostile annexes and interrupted or concurrent builds (issue 7): a clear
Vietnamese message naming the file, never a traceback, nothing half-written."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from dossier.assemble import Cover, DossierSpec, assemble_dossier, output_lock
from dossier.assemble import build as build_module
from dossier.errors import DossierError

ROOT = Path(__file__).resolve().parent.parent
ANNEXES = ROOT / "samples" / "tam-duong" / "son-binh" / "phu-luc"


def small_pdf(path: Path, pages: int = 1) -> Path:
    pdf = pikepdf.new()
    for _ in range(pages):
        page = pdf.add_blank_page()
        page.obj.Contents = pdf.make_stream(b"0 0 1 rg 100 100 200 200 re f")
    pdf.save(path, deterministic_id=True)
    return path


@pytest.fixture()
def base(tmp_path) -> dict[str, list]:
    return {key: [small_pdf(tmp_path / f"{key}.pdf")] for key in
            ("to_trinh", "bao_cao_ket_qua", "bao_cao_tong_hop_y_kien", "bien_ban_hop", "bao_cao_no_dong_xdcb")}


def build(sources, out: Path, **kw):
    return assemble_dossier(DossierSpec(kind="xa-ntm", cover=Cover(title="HỒ SƠ THỬ", year=2024, commune="xã Sơn Bình"),
                                        sources=sources, output=out, source_date_epoch=0, **kw))


def refused(sources, out: Path, name: str) -> DossierError:
    with pytest.raises(DossierError) as info:
        build(sources, out)
    text = str(info.value)
    assert name in text, text
    assert not out.exists()
    return info.value


def with_annex(base, annex: Path) -> dict:
    return {**base, "bao_cao_tong_hop_y_kien": [*base["bao_cao_tong_hop_y_kien"], annex]}


def test_encrypted_pdf(base, tmp_path):
    bad = tmp_path / "mat-khau.pdf"
    pdf = pikepdf.open(small_pdf(tmp_path / "plain.pdf"))
    pdf.save(bad, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    error = refused(with_annex(base, bad), tmp_path / "o" / "ho-so.pdf", "mat-khau.pdf")
    assert "mật khẩu" in str(error) and error.exit_code == 1


def test_zero_byte_pdf(base, tmp_path):
    bad = tmp_path / "rong.pdf"
    bad.write_bytes(b"")
    assert "tệp rỗng" in str(refused(with_annex(base, bad), tmp_path / "o" / "ho-so.pdf", "rong.pdf"))


def test_not_a_pdf(base, tmp_path):
    bad = tmp_path / "gia.pdf"
    bad.write_bytes(b"<html>this is a web page saved as pdf</html>")
    assert "không phải tệp PDF" in str(refused(with_annex(base, bad), tmp_path / "o" / "ho-so.pdf", "gia.pdf"))


def test_garbage_after_header(base, tmp_path):
    bad = tmp_path / "hong.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    assert "hong.pdf" in str(refused(with_annex(base, bad), tmp_path / "o" / "ho-so.pdf", "hong.pdf"))


def test_truncated_pdf_is_refused_or_repaired(base, tmp_path):
    data = (ANNEXES / "y-kien-mttq.pdf").read_bytes()
    for cut in (0.3, 0.6, 0.95):
        bad = tmp_path / f"cat-{cut}.pdf"
        bad.write_bytes(data[: int(len(data) * cut)])
        out = tmp_path / f"o{cut}" / "ho-so.pdf"
        try:
            result = build(with_annex(base, bad), out)
        except DossierError as error:
            assert bad.name in str(error)
            assert not out.exists()
        else:  # qpdf recovered what was there: every page it kept is whole
            assert result.pages >= 8


def test_broken_xref_is_repaired(base, tmp_path):
    data = bytearray(small_pdf(tmp_path / "ok.pdf", pages=3).read_bytes())
    start = data.rindex(b"startxref")
    data[start:] = b"startxref\n999999\n%%EOF\n"  # the cross-reference table cannot be found
    bad = tmp_path / "xref-hong.pdf"
    bad.write_bytes(bytes(data))
    result = build(with_annex(base, bad), tmp_path / "o" / "ho-so.pdf")
    part = next(p for p in result.parts if p.key == "bao_cao_tong_hop_y_kien")
    assert part.segments[1].pages == 3


def test_image_with_wrong_extension(base, tmp_path):
    png_named_jpg = tmp_path / "anh.jpg"
    Image.new("RGB", (40, 30), "green").save(png_named_jpg, "PNG")
    text_named_png = tmp_path / "ghi-chu.png"
    text_named_png.write_text("không phải ảnh", encoding="utf-8")
    sources = {**base, "hinh_anh": [png_named_jpg, text_named_png]}
    error = refused(sources, tmp_path / "o" / "ho-so.pdf", "anh.jpg")
    assert "ghi-chu.png" in str(error) and len(error.problems) == 2  # all problems at once
    assert "nội dung là ảnh PNG" in str(error)


def test_decompression_bomb(base, tmp_path):
    bomb = tmp_path / "bom.png"
    width = height = 30000  # 900 MP of 1-bit zeros: a few hundred kB compressed
    raw = zlib.compress(b"".join(b"\x00" + bytes(width // 8) for _ in range(height)), 9)

    def chunk(tag: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + tag + body + zlib.crc32(tag + body).to_bytes(4, "big")
    bomb.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", width.to_bytes(4, "big") + height.to_bytes(4, "big")
                     + bytes([1, 0, 0, 0, 0])) + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
    assert bomb.stat().st_size < 2_000_000
    error = refused({**base, "hinh_anh": [bomb]}, tmp_path / "o" / "ho-so.pdf", "bom.png")
    assert "quá lớn" in str(error)


def test_missing_source_file_is_named(base, tmp_path):
    ghost = tmp_path / "khong-co.pdf"
    error = refused(with_annex(base, ghost), tmp_path / "o" / "ho-so.pdf", "khong-co.pdf")
    assert "không có tệp" in str(error)


def test_draft_leaves_bad_annex_out_and_reports_it(base, tmp_path):
    bad = tmp_path / "rong.pdf"
    bad.write_bytes(b"")
    result = build(with_annex(base, bad), tmp_path / "o" / "du-thao.pdf", draft=True)
    assert any("rong.pdf" in w for w in result.warnings)
    assert result.pdf_path.exists()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=0, max_size=3000), header=st.sampled_from([b"", b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n"]),
       suffix=st.sampled_from([".pdf", ".png", ".jpg"]))
def test_random_bytes_as_annex_never_crash(base, tmp_path_factory, data, header, suffix):
    folder = tmp_path_factory.mktemp("rnd")
    annex = folder / f"ngau-nhien{suffix}"
    annex.write_bytes(header + data)
    sources = {**base, "hinh_anh": [annex]} if suffix != ".pdf" else with_annex(base, annex)
    out = folder / "o" / "ho-so.pdf"
    try:
        build(sources, out)
    except DossierError as error:
        assert annex.name in str(error)
        assert not out.exists()


def test_interrupted_build_keeps_previous_output(base, tmp_path, monkeypatch):
    out = tmp_path / "o" / "ho-so.pdf"
    good = build(base, out)
    before = out.read_bytes(), good.manifest_path.read_bytes()

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "stamp_pages", interrupt)
    with pytest.raises(KeyboardInterrupt):
        build({**base, "hinh_anh": [ANNEXES / "anh-truong-hoc.png"]}, out)
    assert (out.read_bytes(), good.manifest_path.read_bytes()) == before
    assert sorted(p.name for p in out.parent.iterdir()) == [".dossier.lock", "ho-so.pdf", "manifest.json"]


def test_interrupt_while_writing_leaves_old_pair_and_no_temporary(base, tmp_path, monkeypatch):
    out = tmp_path / "o" / "ho-so.pdf"
    good = build(base, out)
    before = out.read_bytes(), good.manifest_path.read_bytes()
    real = build_module._write_temp
    calls = []

    def interrupt_second(target, data):
        calls.append(target)
        if len(calls) == 2:  # the PDF's temporary is written, the manifest's is not
            raise KeyboardInterrupt
        return real(target, data)

    monkeypatch.setattr(build_module, "_write_temp", interrupt_second)
    with pytest.raises(KeyboardInterrupt):
        build({**base, "hinh_anh": [ANNEXES / "anh-truong-hoc.png"]}, out)
    assert (out.read_bytes(), good.manifest_path.read_bytes()) == before  # old PDF and manifest, together
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".dossier-tmp-")]


def test_concurrent_build_waits_for_the_lock(base, tmp_path):
    out = tmp_path / "o" / "ho-so.pdf"
    with output_lock(out.parent):
        with pytest.raises(DossierError) as info:
            build(base, out, lock_timeout=0.3)
    assert "đang ghi" in str(info.value)
    assert not out.exists()
    build(base, out)  # released: the next build goes through
    assert out.exists()


def test_repeat_builds_in_parallel_give_one_whole_file(base, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    out = tmp_path / "o" / "ho-so.pdf"
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: build(base, out), range(2)))
    assert results[0].sha256 == results[1].sha256
    assert len(pikepdf.open(io.BytesIO(out.read_bytes())).pages) == results[0].pages


def test_a_file_that_hangs_the_reader_is_named(tmp_path, monkeypatch):
    import json
    import subprocess

    from dossier.assemble import probe

    files = [small_pdf(tmp_path / "a.pdf"), tmp_path / "treo.pdf", small_pdf(tmp_path / "c.pdf")]
    files[1].write_bytes(b"%PDF-1.4\n")
    real_run = subprocess.run
    calls = []

    def fake_run(cmd, *, input, timeout, **kw):
        calls.append(json.loads(input))
        if len(calls) == 1:  # the child answered for a.pdf, then hung on treo.pdf
            raise subprocess.TimeoutExpired(cmd, timeout, output=json.dumps({"ok": True, "format": "PDF", "pages": 1}) + "\n")
        return real_run(cmd, input=input, timeout=timeout, **kw)

    monkeypatch.setattr(probe.subprocess, "run", fake_run)
    found, problems = probe.probe_files([(f, "pdf") for f in files])
    assert [p.where for p in problems] == [str(files[1])]
    assert "quá lâu" in problems[0].message
    assert set(found) == {files[0], files[2]}  # the file after the culprit was looked at again
