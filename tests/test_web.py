"""`dossier serve`: plain HTTP tests of every route (Flask's test client),
including hostile uploads, CSRF, host checks and concurrent edits."""

from __future__ import annotations

import html as html_lib
import io
import re
import zipfile

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from dossier.web import close_app, create_app
from dossier.web.server import is_loopback

from .conftest import pdftotext
from .web_helpers import CountingStream, copy_samples, form_values, polyglot_pdf, small_pdf, token, zip_bomb_xlsx


@pytest.fixture
def data(tmp_path):
    return copy_samples(tmp_path)


@pytest.fixture
def app(data, tmp_path):
    app = create_app(data, state_dir=tmp_path / "state", testing=True)
    yield app
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()


def text(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


LETTER = {
    "kind": "cong-van", "issuer.name": "Ủy ban nhân dân\nxã Sơn Bình", "number": "7", "symbol": "UBND-VP",
    "place": "Sơn Bình", "date": "2024-11-04", "subject": "báo cáo kết quả thử nghiệm trang web",
    "recipients": "Ủy ban nhân dân huyện Tam Đường", "body": "## Kết quả\nNội dung thứ nhất.\n- một ý",
    "signer.authority": "TM. ỦY BAN NHÂN DÂN", "signer.title": "CHỦ TỊCH", "signer.name": "Lò Văn Thắng",
    "distribution": "Như trên", "archive": "VT", "end_mark": "1",
}


# --------------------------------------------------------------------------- pages


@pytest.mark.parametrize("url, heading", [
    ("/", "Soạn văn bản và hồ sơ nông thôn mới"),
    ("/van-ban", "Soạn văn bản"),
    ("/van-ban?loai=quyet-dinh", "Các Điều"),
    ("/van-ban?tu=cong-van-son-binh.yaml", "Lò Văn Thắng"),
    ("/xa", "xã Nà Tăm"),
    ("/xa/na-tam", "16/19"),
    ("/ho-so", "son-binh"),
    ("/ho-so/son-binh", "Hồ sơ đủ thành phần"),
    ("/kiem-tra", "Kiểm tra thể thức"),
])
def test_every_page_is_served_in_vietnamese(client, url, heading):
    page = client.get(url)
    assert page.status_code == 200
    assert heading in text(page)
    assert '<html lang="vi">' in text(page)
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_htmx_is_vendored(client):
    js = client.get("/static/htmx.min.js")
    assert js.status_code == 200 and b"htmx" in js.data[:2000]
    html = text(client.get("/van-ban"))
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/static/") for s in sources), sources


@pytest.mark.parametrize("url", [
    "/xa/khong-co", "/xa/..%2f..%2fetc%2fpasswd", "/ho-so/../../etc", "/van-ban?tu=../../etc/passwd",
    "/van-ban?tu=/etc/passwd", "/tep/0123", "/tep/..%2f..%2fetc%2fpasswd", "/viec/abc", "/van-ban?loai=x",
])
def test_unknown_or_traversing_paths_are_404(client, url):
    page = client.get(url)
    assert page.status_code == 404
    assert "root:" not in text(page)


def test_a_foreign_host_header_is_refused(client):
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400


# --------------------------------------------------------------------------- CSRF


def test_post_without_or_with_a_wrong_csrf_token_is_refused(client, data):
    before = (data / "communes" / "na-tam.yaml").read_bytes()
    assert client.post("/xa/na-tam/sua", data={"v-3.1": "90"}).status_code == 403
    token(client)
    missing = client.post("/xa/na-tam/sua", data={"v-3.1": "90"})
    assert missing.status_code == 403 and "chống giả mạo" in text(missing)
    wrong = client.post("/xa/na-tam/sua", data={"v-3.1": "90", "csrf_token": "x" * 43})
    assert wrong.status_code == 403
    assert (data / "communes" / "na-tam.yaml").read_bytes() == before


def test_post_from_another_origin_is_refused(client):
    csrf = token(client)
    page = client.post("/van-ban/xem-truoc", data={**LETTER, "csrf_token": csrf},
                       headers={"Origin": "http://evil.example"})
    assert page.status_code == 403


def test_password_is_asked_when_one_is_set(data, tmp_path):
    app = create_app(data, state_dir=tmp_path / "s2", password="mat-khau", testing=True)
    try:
        client = app.test_client()
        first = client.get("/xa")
        assert first.status_code == 302 and "/dang-nhap" in first.headers["Location"]
        csrf = token(client, "/dang-nhap")
        assert client.post("/dang-nhap", data={"password": "sai", "csrf_token": csrf}).status_code == 401
        assert client.post("/dang-nhap", data={"password": "mat-khau", "csrf_token": csrf}).status_code == 302
        assert client.get("/xa").status_code == 200
    finally:
        close_app(app)


def test_loopback_detection_and_cli_help():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    from dossier.cli import main

    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0 and "Mật khẩu" in result.output
    missing = CliRunner().invoke(main, ["serve", "khong-co-thu-muc-nay", "--no-browser"])
    assert missing.exit_code == 2 and "khong-co-thu-muc-nay" in missing.output


# --------------------------------------------------------------------------- Văn bản


def test_form_shows_the_cli_validation_messages_beside_the_fields(client):
    csrf = token(client, "/van-ban")
    bad = {**LETTER, "signer.name": "", "symbol": "UBND VP", "number": "bảy", "csrf_token": csrf}
    page = client.post("/van-ban/xem-truoc", data=bad)
    html = text(page)
    assert page.status_code == 200
    assert re.search(r'id="err-f-signer-name"[^>]*><span>[^<]*không được để trống', html)
    assert re.search(r'id="err-f-symbol"[^>]*><span>ký hiệu .UBND VP. không đúng dạng', html)
    assert re.search(r'id="err-f-number"[^>]*><span>cần một số nguyên', html)
    assert "<iframe" not in html


def test_kind_rule_messages_reach_the_page(client):
    csrf = token(client, "/van-ban")
    page = client.post("/van-ban/xem-truoc", data={**LETTER, "kind": "to-trinh", "csrf_token": csrf})
    assert "ký hiệu của tờ trình phải bắt đầu bằng 'TTr-'" in text(page)


def test_body_lines_become_headings_and_bullets():
    from dossier.web.forms import body_text, parse_body

    blocks = parse_body("# Phần một\n## Đề mục\nĐoạn.\n### Mục con\n- ý a\n## Đề mục hai\nĐoạn hai.")
    assert blocks == [{"part": "Phần một", "content": [
        {"heading": "Đề mục", "content": ["Đoạn.", {"heading": "Mục con", "content": [{"bullet": "ý a"}]}]},
        {"heading": "Đề mục hai", "content": ["Đoạn hai."]}]}]
    assert parse_body(body_text(blocks)) == blocks


def test_download_docx_is_the_document(client):
    csrf = token(client, "/van-ban")
    got = client.post("/van-ban/tai-ve/docx", data={**LETTER, "csrf_token": csrf})
    assert got.status_code == 303
    doc = client.get(got.headers["Location"])
    assert doc.status_code == 200 and "attachment" in doc.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(doc.data))
    cells = [p for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    paragraphs = "\n".join(p.text for p in [*document.paragraphs, *cells])
    assert "báo cáo kết quả thử nghiệm trang web" in paragraphs
    assert "Lò Văn Thắng" in paragraphs


def test_download_with_errors_shows_the_form_again(client):
    csrf = token(client, "/van-ban")
    page = client.post("/van-ban/tai-ve/pdf", data={**LETTER, "place": "", "csrf_token": csrf})
    assert page.status_code == 400 and "không được để trống" in text(page)


@pytest.mark.libreoffice
def test_preview_and_pdf_download(client, tmp_path):
    csrf = token(client, "/van-ban")
    page = client.post("/van-ban/xem-truoc", data={**LETTER, "csrf_token": csrf})
    html = text(page)
    key = re.search(r'src="/tep/([0-9a-f]{32})', html)
    assert key, html
    preview = client.get(f"/tep/{key.group(1)}")
    assert preview.mimetype == "application/pdf" and "inline" in preview.headers["Content-Disposition"]
    (tmp_path / "p.pdf").write_bytes(preview.data)
    words = " ".join(pdftotext(tmp_path / "p.pdf").split())
    assert "thử nghiệm trang web" in words and "Lò Văn Thắng" in words
    got = client.post("/van-ban/tai-ve/pdf", data={**LETTER, "csrf_token": csrf})
    pdf = client.get(got.headers["Location"])
    assert "attachment" in pdf.headers["Content-Disposition"]
    (tmp_path / "f.pdf").write_bytes(pdf.data)
    assert "thử nghiệm trang web" in " ".join(pdftotext(tmp_path / "f.pdf").split())


# --------------------------------------------------------------------------- Đánh giá xã


def _version(html: str) -> str:
    return re.search(r'name="version" value="([0-9a-f]+)"', html).group(1)


def test_edit_a_value_reevaluates_and_writes_the_file(client, data):
    page = text(client.get("/xa/na-tam"))
    csrf, version = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1), _version(page)
    # 3.1 is a rate given by its count pair (703/925 = 76 %): a value that contradicts the pair is
    # refused beside the field; the clerk edits the count instead and the rate follows from it
    refused = client.post("/xa/na-tam/sua", data={"csrf_token": csrf, "version": version, "v-3.1": "85"})
    assert refused.status_code == 400 and "không khớp với tử số/mẫu số" in text(refused)
    saved = client.post("/xa/na-tam/sua", data={"csrf_token": csrf, "version": version,
                                                 "v-3.1": "", "n-3.1": "787", "d-3.1": "925"})
    html = text(saved)
    assert saved.status_code == 200 and "Đã lưu" in html
    assert "17/19" in html  # criterion 3 now met
    from dossier.criteria import evaluate, load_assessment

    assert evaluate(load_assessment(data / "communes" / "na-tam.yaml")).met_count == 17
    from .conftest import SAMPLES

    original = (SAMPLES / "communes" / "na-tam.yaml").read_text(encoding="utf-8").splitlines()
    written = (data / "communes" / "na-tam.yaml").read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(original, written) if a != b]
    assert len(written) == len(original) and len(changed) == 1  # comments, layout, every other line kept
    assert changed[0][1] == changed[0][0].replace("value: 76, numerator: 703,", "numerator: 787,")


def test_two_tabs_editing_the_same_commune_see_a_conflict(client, data):
    page = text(client.get("/xa/na-tam"))
    csrf, version = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1), _version(page)
    first = client.post("/xa/na-tam/sua", data={"csrf_token": csrf, "version": version,
                                                 "v-3.1": "", "n-3.1": "787", "d-3.1": "925"})
    assert first.status_code == 200
    after_first = (data / "communes" / "na-tam.yaml").read_bytes()
    second = client.post("/xa/na-tam/sua", data={"csrf_token": csrf, "version": version, "v-10": "60"})
    assert second.status_code == 409
    assert "đã được sửa ở nơi khác" in text(second) and "10 = 60" in text(second)
    assert (data / "communes" / "na-tam.yaml").read_bytes() == after_first


def test_a_wrong_value_is_refused_in_vietnamese(client, data):
    before = (data / "communes" / "na-tam.yaml").read_bytes()
    page = text(client.get("/xa/na-tam"))
    csrf, version = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1), _version(page)
    bad = client.post("/xa/na-tam/sua", data={"csrf_token": csrf, "version": version, "v-2.1": "nhiều"})
    assert bad.status_code == 400 and "2.1" in text(bad)
    assert (data / "communes" / "na-tam.yaml").read_bytes() == before


def test_blank_and_filled_excel_forms_download(client):
    for url in ("/xa/na-tam/bieu-mau.xlsx?trong=1", "/xa/na-tam/bieu-mau.xlsx"):
        got = client.get(url)
        assert got.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(got.data))
        assert "Tiêu chí" in book.sheetnames


def filled_form(assessment_file, path, values: dict[str, object]):
    """The commune's Excel form filled from its data, with some values (column E) changed."""
    from dossier.criteria import load_assessment
    from dossier.report.form import write_form

    write_form(path, assessment=load_assessment(assessment_file))
    book = openpyxl.load_workbook(path)
    sheet = book["Tiêu chí"]
    for row in sheet.iter_rows(min_row=1):
        if row[0].value in values:
            row[4].value = values[row[0].value]
    book.save(path)
    return path


def test_upload_a_filled_form_shows_its_result_then_saves_it(client, data, tmp_path):
    from dossier.criteria import evaluate, load_assessment

    filled = filled_form(data / "communes" / "na-tam.yaml", tmp_path / "na-tam.xlsx", {"3.1": 85})
    csrf = token(client, "/xa/na-tam")
    shown = client.post("/xa/na-tam/bieu-mau", data={"csrf_token": csrf, "file": (filled.open("rb"), "bieu mau.xlsx")},
                        content_type="multipart/form-data")
    html = text(shown)
    assert shown.status_code == 200 and "17/19" in html and "chưa lưu" in html
    assert evaluate(load_assessment(data / "communes" / "na-tam.yaml")).met_count == 16
    key, version = re.search(r'name="upload" value="([0-9a-f]+)"', html).group(1), _version(html)
    saved = client.post("/xa/na-tam/luu-bieu-mau", data={"csrf_token": csrf, "upload": key, "version": version})
    assert saved.status_code == 200 and "Đã lưu số liệu" in text(saved)
    result = evaluate(load_assessment(data / "communes" / "na-tam.yaml"))
    assert result.met_count == 17 and result.name == "Nà Tăm"
    from .conftest import SAMPLES

    original = (SAMPLES / "communes" / "na-tam.yaml").read_text(encoding="utf-8").splitlines()
    written = (data / "communes" / "na-tam.yaml").read_text(encoding="utf-8").splitlines()
    assert [b for a, b in zip(original, written) if a != b] == [
        '  "3.1": {value: 85, evidence: "Số liệu rà soát năm 2024 của UBND xã; chưa đạt mức quy định"}']


def test_another_commune_s_form_is_shown_but_never_saved(client, data, tmp_path):
    filled = filled_form(data / "communes" / "son-binh.yaml", tmp_path / "son-binh.xlsx", {})
    before = (data / "communes" / "na-tam.yaml").read_bytes()
    csrf = token(client, "/xa/na-tam")
    shown = client.post("/xa/na-tam/bieu-mau", data={"csrf_token": csrf, "file": (filled.open("rb"), "x.xlsx")},
                        content_type="multipart/form-data")
    html = text(shown)
    assert "19/19" in html and "là của xã Sơn Bình" in html and 'name="upload"' not in html
    assert (data / "communes" / "na-tam.yaml").read_bytes() == before


# --------------------------------------------------------------------------- hostile uploads


def _upload(client, url, payload: bytes, name: str):
    csrf = token(client)
    return client.post(url, data={"csrf_token": csrf, "file": (io.BytesIO(payload), name)},
                       content_type="multipart/form-data")


def test_zip_bomb_as_xlsx_is_refused(client, app):
    page = _upload(client, "/xa/na-tam/bieu-mau", zip_bomb_xlsx(), "bom.xlsx")
    assert page.status_code == 400 and "bom giải nén" in text(page)
    assert not list((app.extensions["dossier"]["storage"].root / "uploads").glob("*"))


def test_a_200_mb_upload_is_refused_before_it_is_read(client):
    csrf = token(client)
    stream = CountingStream(200 * 1024 * 1024, "b0undary")
    page = client.post("/xa/na-tam/bieu-mau", input_stream=stream, content_length=200 * 1024 * 1024,
                       content_type="multipart/form-data; boundary=b0undary", headers={"X-CSRF-Token": csrf})
    assert page.status_code == 413 and "quá lớn" in text(page)
    assert stream.sent < 1024 * 1024


def test_a_file_over_its_own_limit_is_refused(client, app):
    from dossier.web import uploads

    csrf = token(client)
    page = client.post("/kiem-tra", data={"csrf_token": csrf, "file": (io.BytesIO(b"%PDF-" + b"0" * (uploads.MAX_FILE_BYTES + 10)), "x.pdf")},
                       content_type="multipart/form-data")
    assert page.status_code == 400 and "Tệp quá lớn" in text(page)
    assert not list((app.extensions["dossier"]["storage"].root / "uploads").glob("*"))


def test_polyglot_pdf_is_refused(client, data):
    target = data / "son-binh" / "phu-luc" / "y-kien-mttq.pdf"
    before = target.read_bytes()
    number = _attachment_number(client, "y-kien-mttq.pdf")
    page = _upload(client, f"/ho-so/son-binh/tep/{number}", polyglot_pdf(), "y-kien.pdf")
    assert page.status_code == 400 and "vừa là PDF vừa là tệp nén" in text(page)
    assert target.read_bytes() == before
    html_pdf = b"<html><script>alert(1)</script></html>\n" + small_pdf()
    page = _upload(client, f"/ho-so/son-binh/tep/{number}", html_pdf, "y-kien.pdf")
    assert page.status_code == 400 and "không phải loại tệp được nhận" in text(page)


def test_wrong_type_for_the_place_is_refused(client):
    number = _attachment_number(client, "y-kien-mttq.pdf")
    page = _upload(client, f"/ho-so/son-binh/tep/{number}", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "anh.pdf")
    assert page.status_code == 400
    sheet = _upload(client, "/xa/na-tam/bieu-mau", small_pdf(), "bieu-mau.xlsx")
    assert sheet.status_code == 400 and "là tệp PDF" in text(sheet)


def _attachment_number(client, name: str) -> int:
    html = text(client.get("/ho-so/son-binh"))
    for number, block in re.findall(r'data-number="(\d+)">(.*?)</div>', html, re.S):
        if name in block:
            return int(number)
    raise AssertionError(name)


def test_path_traversal_in_a_file_name_never_leaves_the_named_place(client, data, tmp_path):
    target = data / "son-binh" / "phu-luc" / "y-kien-mttq.pdf"
    target.unlink()
    html = text(client.get("/ho-so/son-binh"))
    assert "Hồ sơ chưa đủ" in html and "chưa có tệp" in html and "Văn bản tham gia ý kiến" in html
    number = _attachment_number(client, "y-kien-mttq.pdf")
    evil = "../../../../../../tmp/owned.pdf"
    page = _upload(client, f"/ho-so/son-binh/tep/{number}", small_pdf(), evil)
    assert page.status_code == 200 and "Đã lưu «owned.pdf»" in text(page)
    assert target.is_file() and target.read_bytes().startswith(b"%PDF-")
    assert not (tmp_path / "owned.pdf").exists()
    assert "Hồ sơ đủ thành phần" in text(client.get("/ho-so/son-binh"))
    assert client.post(f"/ho-so/son-binh/tep/999", data={"csrf_token": token(client)}).status_code == 404


def test_uploads_are_stored_under_generated_names(client, app):
    page = _upload(client, "/kiem-tra", b"not a document", "../../x.docx")
    assert page.status_code == 400
    stored = [p.name for p in (app.extensions["dossier"]["storage"].root / "uploads").glob("*")]
    assert all(re.fullmatch(r"[0-9a-f]{32}\.\w+", n) for n in stored)


# --------------------------------------------------------------------------- Hồ sơ and Kiểm tra (jobs)


def _wait_job(app, client, html: str) -> str:
    job_id = re.search(r'id="job-([0-9a-f]{32})"', html).group(1)
    jobs = app.extensions["dossier"]["jobs"]
    job = jobs.wait(jobs.get(job_id), timeout=600)
    assert job.status == "xong", job.error
    return text(client.get(f"/viec/{job_id}"))


@pytest.mark.libreoffice
def test_build_a_draft_dossier_as_a_job(app, client, data, tmp_path):
    (data / "son-binh" / "phu-luc" / "anh-doi-che.jpg").unlink()
    csrf = token(client, "/ho-so/son-binh")
    started = client.post("/ho-so/son-binh/tao", data={"csrf_token": csrf, "draft": "1"})
    assert started.status_code == 202
    done = _wait_job(app, client, text(started))  # nobody polled meanwhile: the job ran on
    assert "Đã tạo ho-so.pdf" in done and "Cảnh báo" in done and "anh-doi-che.jpg" in done, done
    keys = re.findall(r'href="/tep/([0-9a-f]{32})"', done)
    pdf, archive = client.get(f"/tep/{keys[0]}"), client.get(f"/tep/{keys[1]}")
    (tmp_path / "ho-so.pdf").write_bytes(pdf.data)
    words = pdftotext(tmp_path / "ho-so.pdf")
    assert "DỰ" in words and "TỜ TRÌNH" in words.upper()  # the draft stamp on the pages
    names = zipfile.ZipFile(io.BytesIO(archive.data)).namelist()
    assert "ho-so.pdf" in names and any(n.endswith(".docx") for n in names)
    assert "Bản dự thảo" in text(client.get("/"))  # the home page lists the job


@pytest.mark.libreoffice
def test_check_a_word_file_lists_and_marks_findings(app, client, tmp_path):
    document = docx.Document()
    document.add_paragraph("ỦY BAN NHÂN DÂN XÃ SƠN BÌNH")
    document.add_paragraph("Nội dung không theo thể thức.")
    path = tmp_path / "van-ban.docx"
    document.save(path)
    started = _upload(client, "/kiem-tra", path.read_bytes(), "văn bản tự soạn.docx")
    assert started.status_code == 202
    done = _wait_job(app, client, text(started))
    assert "văn bản tự soạn.docx" in done and "lỗi" in done
    assert re.search(r'<li class="error"><strong>LỖI</strong>', done)
    image = re.search(r'<img src="/tep/([0-9a-f]{32})" alt="Trang 1"', done)
    assert image and client.get(f"/tep/{image.group(1)}").mimetype == "image/png"
    fixed = re.search(r'href="/tep/([0-9a-f]{32})">Tải tệp đã sửa thể thức', done)
    assert fixed and "Sửa tự động" in done
    got = client.get(f"/tep/{fixed.group(1)}")
    assert "attachment" in got.headers["Content-Disposition"] and "da-sua.docx" in got.headers["Content-Disposition"]
    section = docx.Document(io.BytesIO(got.data)).sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297  # Letter paper fixed to A4


def test_findings_with_a_place_are_marked_where_they_are():
    from dossier.web.checks import _marks

    class F:  # a finding with a place, as the PDF reader gives
        def __init__(self, page, box, severity="error"):
            self.page, self.box, self.severity = page, box, severity

    marks = _marks([F(1, (21.0, 29.7, 105.0, 59.4)), F(2, None, "warning"), F(9, None)],
                   [{"number": 1, "width_mm": 210.0, "height_mm": 297.0}, {"number": 2, "width_mm": 210.0,
                                                                          "height_mm": 297.0}])
    assert marks[1][0]["box"] == {"left": 10.0, "top": 10.0, "width": 40.0, "height": 10.0}
    assert marks[2][0]["box"] is None and marks[2][0]["n"] == 2
    assert 9 not in marks  # a page beyond those shown is listed only


# --------------------------------------------------------------------------- Văn bản hàng loạt (mail merge)


def test_merge_page_lists_the_data_folder_lists(client):
    page = text(client.get("/van-ban/hang-loat"))
    assert "giay-moi/danh-sach.xlsx" in page and "giay-moi/chung.yaml" in page
    assert "communes-xlsx" not in page  # assessment forms are not letter lists


def test_merge_refuses_a_choice_that_is_not_listed(client):
    csrf = token(client)
    page = client.post("/van-ban/hang-loat", data={"csrf_token": csrf, "template": "cong-van",
                                                  "list": "../../etc/passwd", "format-docx": "1"})
    assert page.status_code == 400


def test_merge_of_a_data_folder_list_gives_one_docx_per_row(app, client):
    csrf = token(client)
    started = client.post("/van-ban/hang-loat", data={
        "csrf_token": csrf, "template": "cong-van", "list": "giay-moi/danh-sach.xlsx",
        "common": "giay-moi/chung.yaml", "name": "{stt:02d}-{ten_don_vi}", "format-docx": "1"})
    assert started.status_code == 202
    done = _wait_job(app, client, text(started))
    assert "Đã tạo 30 văn bản" in done and "0 dòng không tạo được" in done
    key = re.search(r'href="/tep/([0-9a-f]{32})">Tải tất cả', done).group(1)
    names = zipfile.ZipFile(io.BytesIO(client.get(f"/tep/{key}").data)).namelist()
    assert len([n for n in names if n.endswith(".docx")]) == 30
    assert any(n.startswith("01-") for n in names)


@pytest.mark.libreoffice
def test_merge_of_an_uploaded_list_names_the_refused_rows(app, client, data, tmp_path):
    from .test_merge_run import with_bad_rows

    table = with_bad_rows(tmp_path)
    csrf = token(client)
    started = client.post("/van-ban/hang-loat", data={
        "csrf_token": csrf, "template": "cong-van", "common": "giay-moi/chung.yaml", "combined": "1",
        "name": "{stt:02d}-{ten_don_vi}", "file": (table.open("rb"), "danh sách mời.xlsx")},
        content_type="multipart/form-data")
    assert started.status_code == 202
    done = _wait_job(app, client, text(started))
    assert "Đã tạo 30 văn bản" in done and "2 dòng không tạo được" in done
    assert re.search(r"<td>33</td><td>[^<]*dòng 33", done) and "TS. Lê Văn B" in done
    key = re.search(r'href="/tep/([0-9a-f]{32})">Tệp PDF gộp', done).group(1)
    import pypdf

    combined = pypdf.PdfReader(io.BytesIO(client.get(f"/tep/{key}").data))
    assert len(combined.outline) >= 30


def test_serving_beyond_the_loopback_warns_and_asks_a_password(data):
    import threading
    import urllib.error
    import urllib.request

    said: list[str] = []
    ready = threading.Event()
    holder = {}

    def on_ready(server):
        holder["server"] = server
        ready.set()

    thread = threading.Thread(target=lambda: __import__("dossier.web.server", fromlist=["serve"]).serve(
        data, host="0.0.0.0", port=0, open_browser=False, say=said.append, on_ready=on_ready), daemon=True)
    thread.start()
    assert ready.wait(30)
    try:
        port = holder["server"].server_port
        assert any("CẢNH BÁO" in s for s in said) and any("Mật khẩu đăng nhập" in s for s in said)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/xa") as page:  # noqa: S310 - our own server
            assert page.url.endswith("/dang-nhap?next=/xa")
    finally:
        holder["server"].shutdown()
        thread.join(30)
    assert said[-1] == "Đã dừng máy chủ."


def test_open_a_data_file_from_the_clerk_s_machine(client):
    from .conftest import SAMPLES

    page = _upload(client, "/van-ban/mo", (SAMPLES / "cong-van-ubnd-huyen.yaml").read_bytes(), "công văn.yaml")
    assert page.status_code == 200
    assert re.search(r'id="f-subject"[^>]*>[^<]*\S', text(page))  # the subject filled in
    assert "công văn.yaml" in text(page)
    bad = _upload(client, "/van-ban/mo", b"kind: cong-van\nsubject: [unclosed\n", "loi.yaml")
    assert bad.status_code == 400 and "«loi.yaml»" in text(bad) and "sai cú pháp" in text(bad)
    binary = _upload(client, "/van-ban/mo", b"\x00\x01\x02" * 100, "x.yaml")
    assert binary.status_code == 400 and "không phải loại tệp được nhận" in text(binary)
    levels = ["a0: &a0 [" + "x, " * 10 + "]"]
    levels += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    bomb = _upload(client, "/van-ban/mo", ("\n".join(levels) + "\n").encode(), "bom.yaml")  # "billion laughs"
    assert bomb.status_code == 400


@pytest.mark.parametrize("kind", ["cong-van", "to-trinh", "bao-cao", "ke-hoach", "thong-bao", "quyet-dinh", "bien-ban"])
def test_a_new_document_of_each_kind_starts_valid(client, kind):
    """The form a clerk opens is a valid draft (the placeholders '…' to overwrite), never a page of errors."""
    from dossier.models.document import OfficialDocument
    from dossier.web.documents import FIELDS
    from dossier.web.forms import form_to_data, validate_form

    values = form_values(client.get(f"/van-ban?loai={kind}").get_data(as_text=True), "doc-form")
    values = {k: html_lib.unescape(v) for k, v in values.items()}
    data, state = form_to_data(FIELDS, values)
    assert validate_form(OfficialDocument, FIELDS, data, state) is not None, (state.errors, state.general)
    assert data["kind"] == kind


def test_add_an_annex_and_a_photo_to_a_dossier(client, data):
    import io as io_

    from PIL import Image

    from dossier.pipeline.commune import load

    before = (data / "ho-so-son-binh.yaml").read_text(encoding="utf-8")
    page = _upload(client, "/ho-so/son-binh/them/bao_cao_ket_qua", small_pdf(2), "Biên bản đo đạc.pdf")
    assert page.status_code == 200 and "Đã thêm phụ lục" in text(page)
    picture = io_.BytesIO()
    Image.new("RGB", (64, 48), (200, 50, 50)).save(picture, "JPEG")
    csrf = token(client)
    shot = client.post("/ho-so/son-binh/them/hinh_anh", data={"csrf_token": csrf, "title": "Sân thể thao xã",
                                                            "file": (io_.BytesIO(picture.getvalue()), "../../sân.jpg")},
                       content_type="multipart/form-data")
    assert shot.status_code == 200 and "Đã thêm ảnh" in text(shot)
    assert (data / "son-binh" / "phu-luc" / "bien-ban-do-dac.pdf").is_file()
    assert (data / "son-binh" / "phu-luc" / "san.jpg").is_file()
    loaded = load(data / "ho-so-son-binh.yaml")
    assert loaded.annexes["bao_cao_ket_qua"][-1] == (data / "son-binh" / "phu-luc" / "bien-ban-do-dac.pdf",
                                                     "Biên bản đo đạc")
    assert loaded.photos[-1][1] == "Sân thể thao xã"
    after = (data / "ho-so-son-binh.yaml").read_text(encoding="utf-8")
    assert after.startswith(before.split("\nannexes:")[0])  # everything before the attachments untouched
    assert "# Tệp đính kèm" in after  # comments kept
    wrong = _upload(client, "/ho-so/son-binh/them/hinh_anh", small_pdf(), "anh.pdf")
    assert wrong.status_code == 400
    assert client.post("/ho-so/son-binh/them/khong-co", data={"csrf_token": csrf}).status_code == 404


@pytest.mark.libreoffice
def test_check_a_pdf_marks_each_finding_where_the_reader_found_it(app, client, tmp_path):
    """A letter with a wrong margin and font size made in Word's way: the PDF reader knows where each
    block is, so the page image carries a box for the finding, not only a number."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = docx.shared.Mm(210), docx.shared.Mm(297)
    section.left_margin = docx.shared.Mm(10)
    for line in ("ỦY BAN NHÂN DÂN", "XÃ SƠN BÌNH", "Số: 5/UBND-VP", "Kính gửi: Ủy ban nhân dân huyện Tam Đường.",
                 "Nội dung công văn viết bằng cỡ chữ nhỏ hơn quy định."):
        document.add_paragraph(line)
    source = tmp_path / "cv.docx"
    document.save(source)
    from dossier.convert import to_pdf

    pdf = tmp_path / "cv.pdf"
    to_pdf(source, pdf)
    started = _upload(client, "/kiem-tra", pdf.read_bytes(), "cv.pdf")
    done = _wait_job(app, client, text(started))
    boxes = re.findall(r'class="mark (error|warning)" style="left:([\d.]+)%;top:([\d.]+)%', done)
    assert boxes, done[:3000]
    assert all(0 <= float(left) <= 100 and 0 <= float(top) <= 100 for _, left, top in boxes)


def test_communes_of_the_2026_period_show_their_group(tmp_path):
    """A folder of 2026–2030 communes: the list and a commune's page name its group (nhóm 1–3)
    beside the criteria set, and the result counts 10 criteria."""
    import shutil

    from .conftest import SAMPLES

    data = tmp_path / "lai-chau-2026"
    shutil.copytree(SAMPLES.parent / "lai-chau-2026", data)
    app = create_app(data, state_dir=tmp_path / "state", testing=True)
    try:
        client = app.test_client()
        listing = text(client.get("/xa"))
        assert "Nhóm 2 — Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2026 - 2030" in listing
        assert "10/10" in listing
        page = text(client.get("/xa/binh-lu"))
        assert "Nhóm xã: Nhóm 2" in page and "/10" in page
    finally:
        close_app(app)
