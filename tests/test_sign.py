"""Signing and verifying as Decree 30/2020 describes electronic documents: a công văn
signed by the leader then issued by the văn thư verifies with pyHanko and with
poppler's pdfsig; one changed byte fails; the appearances sit where the decree says."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import main

from . import pki as P

pytestmark = pytest.mark.skipif(not shutil.which("pdfsig") and not os.environ.get("CI"),
                                reason="poppler-utils (pdfsig) chưa được cài")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pki")
    p = P.make_pki(folder)
    p.sig = P.signature_png(folder / "chu-ky.png")
    p.seal = P.seal_png(folder / "con-dau.png")
    return p


@pytest.fixture
def env(monkeypatch, pki):
    monkeypatch.setenv("DOSSIER_KEY_PASSWORD", P.PASSWORD)
    return pki


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def pdfsig(path: Path) -> str:
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def sign_leader_then_clerk(pki, src: Path, folder: Path, *extra) -> tuple[Path, Path]:
    one, two = folder / "nguoi-ky.pdf", folder / "van-thu.pdf"
    r = run("sign", src, "-o", one, "--as", "nguoi-ky", "--key", pki.signer.p12, "--image", pki.sig)
    assert r.exit_code == 0, r.output
    r = run("sign", one, "-o", two, "--as", "van-thu", "--key", pki.organisation.p12, "--seal", pki.seal, *extra)
    assert r.exit_code == 0, r.output
    return one, two


def widgets(path: Path) -> dict[str, tuple[int, list[float]]]:
    """Signature/text widgets: field name → (0-based page, rect)."""
    import pypdf

    reader = pypdf.PdfReader(path)
    found = {}
    for i, page in enumerate(reader.pages):
        for a in page.get("/Annots") or []:
            a = a.get_object()
            if a.get("/Subtype") == "/Widget":
                found[str(a.get("/T"))] = (i, [float(v) for v in a["/Rect"]])
    return found


def word_box(pdf: Path, page: int, text: str) -> dict:
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        p = doc.pages[page]
        for line in p.crop((p.width / 2, 0, p.width, p.height)).extract_text_lines():  # the right column
            if line["text"].strip() == text:
                return {**line, "height": p.height}
    raise AssertionError(f"{text!r} not on page {page + 1}")


def ink(png: Path, box, colour: str) -> int:
    """Pixels of ``colour`` ('blue' | 'red' | 'dark') inside ``box`` (pixels) of ``png``."""
    from PIL import Image

    img = Image.open(png).convert("RGB").crop(tuple(round(v) for v in box))
    tests = {"blue": lambda r, g, b: b > 120 and b > r + 60 and b > g + 40,
             "red": lambda r, g, b: r > 150 and r > g + 80 and r > b + 80,
             "dark": lambda r, g, b: r + g + b < 300}
    return sum(1 for px in img.get_flattened_data() if tests[colour](*px))


def render_page(pdf: Path, page: int, out: Path, dpi: int = 72) -> Path:
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page + 1), "-l", str(page + 1), "-singlefile",
                    str(pdf), str(out.with_suffix(""))], check=True)
    return out


@pytest.mark.libreoffice
def test_cong_van_signed_by_leader_then_clerk_verifies_with_pyhanko_and_pdfsig(env, rendered, tmp_path):
    src = rendered("cong-van", "cong-van-son-binh.yaml", ".pdf")
    one, two = sign_leader_then_clerk(env, src, tmp_path)
    assert one.read_bytes().startswith(src.read_bytes())  # incremental: the original bytes untouched
    assert two.read_bytes().startswith(one.read_bytes())

    # pyHanko, directly
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from dossier.sign.verify import load_trust

    roots = load_trust([env.root_pem])
    with open(two, "rb") as fh:
        sigs = PdfFileReader(fh).embedded_signatures
        statuses = [validate_pdf_signature(s, ValidationContext(trust_roots=roots, allow_fetching=False))
                    for s in sigs]
        assert [s.field_name for s in sigs] == ["NguoiKy", "VanThu"]
    assert all(s.intact and s.valid and s.trusted for s in statuses)
    assert [s.coverage.name for s in statuses] == ["ENTIRE_REVISION", "ENTIRE_FILE"]
    assert statuses[0].modification_level.name in ("NONE", "FORM_FILLING") and statuses[0].docmdp_ok
    assert all(s.pkcs7_signature_mechanism == "rsassa_pss" and s.md_algorithm == "sha256" for s in statuses)

    # poppler, independently
    out = pdfsig(two)
    assert out.count("Signature Validation: Signature is Valid.") == 2, out
    assert "Nguyễn Văn A" in out and "UBND xã Bình Lư" in out
    assert out.count("Total document signed") == 1

    # our verify: exit 0, Vietnamese, JSON agrees
    r = run("verify", two, "--trust", env.root_pem)
    assert r.exit_code == 0, r.output
    assert "Kết luận: HỢP LỆ" in r.output and "Thu hồi: chưa kiểm tra" in r.output
    assert "Người ký: Nguyễn Văn A (Chủ tịch) — UBND xã Bình Lư" in r.output
    data = json.loads(run("verify", two, "--trust", env.root_pem, "--format", "json").output)
    assert [s["role"] for s in data["signatures"]] == ["nguoi-ky", "van-thu"]
    assert [s["signer"] for s in data["signatures"]] == ["Nguyễn Văn A", "UBND xã Bình Lư"]
    assert [s["coverage"] for s in data["signatures"]] == ["revision", "whole-file"]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", s["time"]) for s in data["signatures"])

    # without a trusted root: not trusted, exit 1 (pdfsig says the same: issuer not trusted)
    assert run("verify", two).exit_code == 1
    assert "Certificate issuer isn't Trusted" in out

    # one changed byte inside the signed range
    data = bytearray(two.read_bytes())
    k = data.index(b"stream", len(data) // 4) + 20
    data[k] ^= 0x01
    bad = tmp_path / "sua-1-byte.pdf"
    bad.write_bytes(bytes(data))
    r = run("verify", bad, "--trust", env.root_pem)
    assert r.exit_code == 1 and "KHÔNG HỢP LỆ" in r.output
    broken = pdfsig(bad)
    assert broken.count("Signature is Valid.") == 0 and "Digest Mismatch" in broken, broken


@pytest.mark.libreoffice
def test_appearances_where_decree_30_puts_them(env, rendered, tmp_path):
    src = rendered("cong-van", "cong-van-son-binh.yaml", ".pdf")
    _one, two = sign_leader_then_clerk(env, src, tmp_path)
    w = widgets(two)
    page, sig = w["NguoiKy"]
    _, seal = w["VanThu"]
    title = word_box(two, page, "CHỦ TỊCH")
    name = word_box(two, page, "Lò Văn Thắng")
    h = title["height"]
    # between the title and the name, centred on them
    assert sig[3] <= h - title["bottom"] + 0.5 and sig[1] >= h - name["top"] - 0.5
    centre = (sig[0] + sig[2]) / 2
    assert abs(centre - (name["x0"] + name["x1"]) / 2) < 12
    # the seal: real size (36 mm from the PNG's DPI), over the left third of the signature
    from PIL import Image

    with Image.open(env.seal) as img:  # its drawing (transparent margin aside) at the PNG's DPI
        x0, _y0, x1, _y1 = img.getchannel("A").getbbox()
        real = (x1 - x0) / img.info["dpi"][0] * 72
    assert abs((seal[2] - seal[0]) - real) < 0.5 and abs(real - 36 / 25.4 * 72) < 3
    assert abs(seal[2] - (sig[0] + (sig[2] - sig[0]) / 3)) < 0.5
    assert abs((seal[1] + seal[3]) / 2 - (sig[1] + sig[3]) / 2) < 0.5
    # the picture: blue ink in the signature box, red ink in the seal box
    png = render_page(two, page, tmp_path / "trang.png")
    flip = lambda r: (r[0], h - r[3], r[2], h - r[1])  # noqa: E731 - PDF → image coordinates (72 dpi)
    right_two_thirds = (sig[0] + (sig[2] - sig[0]) / 3, sig[1], sig[2], sig[3])
    assert ink(png, flip(right_two_thirds), "blue") > 50
    assert ink(png, flip(seal), "red") > 200
    if os.environ.get("DOSSIER_REVIEW_DIR"):  # keep the picture for a person to look at
        shutil.copy(png, Path(os.environ["DOSSIER_REVIEW_DIR"]) / "ky-so-nguoi-ky-van-thu.png")
    before = render_page(src, page, tmp_path / "truoc.png")
    assert ink(before, flip(seal), "red") == 0 and ink(before, flip(sig), "blue") == 0


@pytest.mark.libreoffice
def test_clerk_fills_the_drafts_blank_number_and_day_without_breaking_the_leader(env, rendered, tmp_path):
    src = rendered("cong-van", "cong-van-ubnd-huyen.yaml", ".pdf")  # Số:   /UBND-NN, ngày   tháng   năm 2024
    one = tmp_path / "nguoi-ky.pdf"
    assert run("sign", src, "-o", one, "--as", "nguoi-ky", "--key", env.signer.p12, "--image", env.sig).exit_code == 0
    # the issuing step refuses to leave them blank
    r = run("sign", one, "-o", tmp_path / "x.pdf", "--as", "van-thu", "--key", env.organisation.p12,
            "--seal", env.seal)
    assert r.exit_code == 2 and "để trống" in r.output and not (tmp_path / "x.pdf").exists()
    two = tmp_path / "van-thu.pdf"
    r = run("sign", one, "-o", two, "--as", "van-thu", "--key", env.organisation.p12, "--seal", env.seal,
            "--number", "15", "--date", "2024-11-04")
    assert r.exit_code == 0, r.output
    import pypdf

    fields = {k: v.get("/V") for k, v in pypdf.PdfReader(two).get_fields().items() if v.get("/FT") == "/Tx"}
    assert fields == {"SoVanBan": "15", "NgayBanHanh": "04", "ThangBanHanh": "11"}
    data = json.loads(run("verify", two, "--trust", env.root_pem, "--format", "json").output)
    assert data["ok"] and [s["ok"] for s in data["signatures"]] == [True, True]
    assert data["signatures"][0]["changes_after"].startswith("chỉ điền ô biểu mẫu")
    assert data["signatures"][0]["filled_after"] == {"SoVanBan": "15", "NgayBanHanh": "04", "ThangBanHanh": "11"}
    assert "Đã điền sau chữ ký này: số văn bản 15; ngày ban hành 04; tháng ban hành 11" in \
        run("verify", two, "--trust", env.root_pem).output
    assert pdfsig(two).count("Signature is Valid.") == 2
    # the number and day print in the blanks of page 1 (ink where there was none)
    w = widgets(two)
    png_before, png_after = render_page(one, 0, tmp_path / "a.png"), render_page(two, 0, tmp_path / "b.png")
    height = word_box(two, 0, "Độc lập - Tự do - Hạnh phúc")["height"]
    for name in ("SoVanBan", "NgayBanHanh", "ThangBanHanh"):
        _, r_ = w[name]
        box = (r_[0], height - r_[3], r_[2], height - r_[1])
        assert ink(png_before, box, "dark") == 0 and ink(png_after, box, "dark") > 10, name


@pytest.mark.libreoffice
def test_appendix_and_copy_text_top_right_of_page_one(env, rendered, tmp_path):
    src = rendered("cong-van", "cong-van-son-binh.yaml", ".pdf")
    out = tmp_path / "phu-luc.pdf"
    r = run("sign", src, "-o", out, "--as", "phu-luc", "--key", env.organisation.p12, "--number", "07/UBND-VP")
    assert r.exit_code == 0, r.output
    copy = tmp_path / "ban-sao.pdf"
    assert run("sign", out, "-o", copy, "--as", "ban-sao", "--key", env.organisation.p12).exit_code == 0
    import pypdf

    reader = pypdf.PdfReader(copy)
    page = reader.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    texts = {}
    for a in page["/Annots"]:
        a = a.get_object()
        rect = [float(v) for v in a["/Rect"]]
        assert rect[1] > height - 60, rect  # in the top margin
        if str(a["/T"]) == "PhuLuc":
            assert rect[0] > width / 2, rect  # the first text top right
        xobj = a["/AP"]["/N"]
        content = xobj.get_data()
        fonts = _fonts(xobj)
        assert all(f["/BaseFont"].endswith("LiberationSerif") for f in fonts)
        # widths in thousandths of an em (the unitsPerEm pitfall would give ~2048-based numbers)
        widths = [w for f in fonts for w in _widths(f)]
        assert widths and max(widths) < 1100
        assert b"10 Tf" in content and b"0 0 0 rg" in content
        texts[str(a["/T"])] = " | ".join(_actual_texts(copy, str(a["/T"])))
    boxes = sorted(([float(v) for v in a.get_object()["/Rect"]] for a in page["/Annots"]), key=lambda r: r[0])
    assert boxes[0][2] < boxes[1][0]  # the copy's text beside the appendix's, never drawn over it
    iso = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00"
    assert re.fullmatch(rf"07/UBND-VP \| {iso}", texts["PhuLuc"]), texts
    assert re.fullmatch(rf"Sao y: UBND xã Bình Lư \| {iso}", texts["BanSao"]), texts
    report = json.loads(run("verify", copy, "--trust", env.root_pem, "--format", "json").output)
    assert report["ok"]
    assert texts["BanSao"].endswith(report["signatures"][1]["time"])  # the time shown is the signing time


def _fonts(xobj) -> list:
    found = []

    def walk(x):
        res = x.get("/Resources") or {}
        for f in (res.get("/Font") or {}).values():
            f = f.get_object()
            found.append(f["/DescendantFonts"][0].get_object() if "/DescendantFonts" in f else f)
        for sub in (res.get("/XObject") or {}).values():
            walk(sub.get_object())

    walk(xobj)
    return found


def _widths(font) -> list[float]:
    out = []
    for item in font.get("/W") or []:
        item = item.get_object() if hasattr(item, "get_object") else item
        if isinstance(item, list):
            out += [float(v) for v in item]
    return out


def _actual_texts(path: Path, field: str) -> list[str]:
    """The /ActualText of each text run in a widget's appearance (read with pikepdf's content parser)."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        for annot in pdf.pages[0].Annots:
            if str(annot.get("/T")) == field:
                return [str(ops[1].ActualText) for ops, op in pikepdf.parse_content_stream(annot.AP.N)
                        if str(op) == "BDC" and isinstance(ops[1], pikepdf.Dictionary) and "/ActualText" in ops[1]]
    raise AssertionError(field)


def test_timestamp_from_a_local_tsa_gives_pades_b_t(env, tmp_path):
    src = blank_pdf(tmp_path / "don.pdf")
    out = tmp_path / "bt.pdf"
    with P.TSAServer(env) as url:
        r = run("sign", src, "-o", out, "--as", "phu-luc", "--key", env.organisation.p12, "--number", "01/PL",
                "--tsa", url)
    assert r.exit_code == 0 and "PAdES B-T" in r.output, r.output
    data = json.loads(run("verify", out, "--trust", env.root_pem, "--format", "json").output)
    assert data["ok"] and data["signatures"][0]["time_source"] == "dấu thời gian hợp lệ"
    assert "Signature is Valid." in pdfsig(out)
    # a TSA that does not answer: a clear message, nothing written
    r = run("sign", src, "-o", tmp_path / "khong.pdf", "--as", "phu-luc", "--key", env.organisation.p12,
            "--number", "01/PL", "--tsa", "http://127.0.0.1:9/tsa")
    assert r.exit_code == 2 and "dấu thời gian" in r.output and not (tmp_path / "khong.pdf").exists()


def blank_pdf(path: Path, pages: int = 1, text: str | None = None) -> Path:
    """A small PDF without a signature block (WeasyPrint, no LibreOffice needed)."""
    from weasyprint import HTML

    body = "".join(f"<p style='page-break-after:always'>{text or 'Phụ lục'} {k + 1}</p>" for k in range(pages))
    HTML(string=f"<html><body>{body}</body></html>").write_pdf(path)
    return path


def test_verify_reports_an_unsigned_file_and_a_folder(env, tmp_path):
    src = blank_pdf(tmp_path / "a.pdf")
    r = run("verify", src, "--trust", env.root_pem)
    assert r.exit_code == 1 and "không có chữ ký số" in r.output
    signed = tmp_path / "ky" / "b.pdf"
    assert run("sign", src, "-o", signed, "--as", "ban-sao", "--key", env.organisation.p12).exit_code == 0
    r = run("verify", signed.parent, "--trust", env.root_pem)
    assert r.exit_code == 0 and "b.pdf" in r.output


def test_ecdsa_p256_key_signs_and_verifies(env, tmp_path):
    ec = P.faulty(env)["ec"]
    out = tmp_path / "ec.pdf"
    r = run("sign", blank_pdf(tmp_path / "a.pdf"), "-o", out, "--as", "ban-sao", "--key", ec.p12)
    assert r.exit_code == 0, r.output
    data = json.loads(run("verify", out, "--trust", env.root_pem, "--format", "json").output)
    assert data["ok"] and data["signatures"][0]["algorithm"] == "ECDSA, SHA-256"


def test_password_is_prompted_when_not_in_the_environment(pki, tmp_path, monkeypatch):
    monkeypatch.delenv("DOSSIER_KEY_PASSWORD", raising=False)
    src, out = blank_pdf(tmp_path / "a.pdf"), tmp_path / "b.pdf"
    r = run("sign", src, "-o", out, "--as", "ban-sao", "--key", pki.organisation.p12, input="sai\n")
    assert r.exit_code == 2 and "Sai mật khẩu" in r.output and not out.exists()
    r = run("sign", src, "-o", out, "--as", "ban-sao", "--key", pki.organisation.p12, input=P.PASSWORD + "\n")
    assert r.exit_code == 0 and out.exists()
    assert P.PASSWORD not in r.output


@pytest.mark.parametrize("which, message", [
    ("expired", "đã hết hạn"),
    ("not-yet", "chưa có hiệu lực"),
    ("no-usage", "không cho phép ký văn bản"),
    ("weak", "quá yếu"),
])
def test_certificates_circular_15_refuses(env, tmp_path, which, message):
    ident = P.faulty(env)[which]
    out = tmp_path / "b.pdf"
    r = run("sign", blank_pdf(tmp_path / "a.pdf"), "-o", out, "--as", "ban-sao", "--key", ident.p12)
    assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output, r.output
    assert not out.exists()


def test_bad_pictures_and_pdfs_are_refused(env, tmp_path):
    src = blank_pdf(tmp_path / "a.pdf")
    out = tmp_path / "b.pdf"

    def sign(*args):
        return run("sign", *args, "-o", out, "--key", env.signer.p12)

    r = sign(src, "--as", "nguoi-ky", "--image", P.opaque_png(tmp_path / "dac.png"))
    assert r.exit_code == 2 and "không có nền trong suốt" in r.output
    r = sign(src, "--as", "nguoi-ky", "--image", P.jpeg(tmp_path / "anh.jpg"))
    assert r.exit_code == 2 and "PNG" in r.output
    # no signature block in the document
    r = sign(src, "--as", "nguoi-ky", "--image", env.sig)
    assert r.exit_code == 2 and "Không tìm thấy khối chữ ký" in r.output
    # encrypted
    import pikepdf

    enc = tmp_path / "mat-khau.pdf"
    with pikepdf.open(src) as pdf:
        pdf.save(enc, encryption=pikepdf.Encryption(owner="o", user="", R=6))
    r = sign(enc, "--as", "ban-sao")
    assert r.exit_code == 2 and "mã hóa" in r.output
    # not a PDF
    junk = tmp_path / "rac.pdf"
    junk.write_bytes(b"%PDF-1.7\n garbage")
    r = sign(junk, "--as", "ban-sao")
    assert r.exit_code == 2 and "Traceback" not in r.output
    # locked by a certification signature that forbids changes
    locked = tmp_path / "khoa.pdf"
    certify(env, src, locked)
    r = sign(locked, "--as", "ban-sao")
    assert r.exit_code == 2 and "không cho phép thay đổi" in r.output
    assert not out.exists()


def certify(pki, src: Path, out: Path) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = signers.SimpleSigner.load_pkcs12(str(pki.organisation.p12), passphrase=P.PASSWORD.encode())
    with open(src, "rb") as fh:
        w = IncrementalPdfFileWriter(fh)
        meta = signers.PdfSignatureMetadata(field_name="Cert", certify=True,
                                            docmdp_permissions=fields.MDPPerm.NO_CHANGES)
        buf = signers.PdfSigner(meta, signer=signer).sign_pdf(w, output=io.BytesIO())
    out.write_bytes(buf.getvalue())


def test_many_files_one_password_and_one_failure_writes_nothing(pki, tmp_path, monkeypatch):
    monkeypatch.delenv("DOSSIER_KEY_PASSWORD", raising=False)
    files = [blank_pdf(tmp_path / f"van-ban-{k}.pdf", pages=2) for k in range(3)]
    out = tmp_path / "da-ky"
    r = run("sign", *files, "-o", out, "--as", "ban-sao", "--key", pki.organisation.p12, input=P.PASSWORD + "\n")
    assert r.exit_code == 0, r.output
    assert r.output.count("Nhập mật khẩu") == 1
    assert sorted(p.name for p in out.iterdir()) == [f.name for f in files]
    data = json.loads(run("verify", out, "--trust", pki.root_pem, "--format", "json").output)
    assert [d["ok"] for d in data] == [True] * 3
    # one unreadable file among them: nothing is written
    junk = tmp_path / "hong.pdf"
    junk.write_bytes(b"not a pdf")
    out2 = tmp_path / "da-ky-2"
    r = run("sign", files[0], junk, "-o", out2, "--as", "ban-sao", "--key", pki.organisation.p12,
            input=P.PASSWORD + "\n")
    assert r.exit_code == 2 and not out2.exists()


def test_seal_size_from_its_dpi_or_the_default(tmp_path):
    from dossier.sign.appearance import load_picture

    real = load_picture(P.seal_png(tmp_path / "a.png", dpi=300, diameter_mm=40), "con dấu")
    assert abs(real.real_size_pt(36)[0] - 40 / 25.4 * 72) < 3
    at_72 = load_picture(P.seal_png(tmp_path / "b.png", dpi=72, diameter_mm=120), "con dấu")  # "72 dpi" of editors
    assert abs(at_72.real_size_pt(36)[0] - 36 / 25.4 * 72) < 0.5


def test_verify_a_dossier_folder_reads_its_manifest_and_nested_dossiers(env, tmp_path):
    top, nested = tmp_path / "huyen", tmp_path / "huyen" / "xa" / "son-binh"
    for folder in (top, nested):
        folder.mkdir(parents=True)
        src = blank_pdf(folder / "ban-nhap.pdf")
        assert run("sign", src, "-o", folder / "ho-so.pdf", "--as", "ban-sao", "--key",
                   env.organisation.p12).exit_code == 0
        (folder / "manifest.json").write_text(json.dumps({"signatures": [{"file": "ho-so.pdf"}]}),
                                              encoding="utf-8")
    data = json.loads(run("verify", top, "--trust", env.root_pem, "--format", "json").output)
    assert [Path(d["path"]).relative_to(tmp_path).as_posix() for d in data] == \
        ["huyen/ho-so.pdf", "huyen/xa/son-binh/ho-so.pdf"]  # the unsigned drafts are not parts
    assert all(d["ok"] for d in data)
