"""`dossier serve` in a real browser: Debian's chromium + chromedriver driven by
Selenium (no browser download: the Service points at /usr/bin/chromedriver).
The main paths a clerk takes: fill a letter and download its PDF, upload an
Excel form and see the result, build a dossier, check a file. Screenshots of
each page go to the test's folder (``DOSSIER_SHOTS`` to keep them elsewhere).

In CI (``CI`` set) a missing browser is a failure, never a skip."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import docx
import pytest

from dossier.web import close_app, create_app

from .conftest import pdftotext
from .web_helpers import copy_samples

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
pytestmark = [pytest.mark.libreoffice]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from werkzeug.serving import make_server

    tmp = tmp_path_factory.mktemp("web")
    data = copy_samples(tmp)
    app = create_app(data, state_dir=tmp / "state")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}", "data": data, "tmp": tmp}
    server.shutdown()
    close_app(app)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        if os.environ.get("CI"):
            pytest.fail("chromium / chromium-driver chưa được cài (apt-get install chromium chromium-driver)")
        pytest.skip("chromium / chromium-driver chưa được cài; CI luôn chạy các bài này")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--lang=vi",
                f"--user-data-dir={tmp_path_factory.mktemp('chrome-profile')}", "--window-size=1400,1000"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False,
                                              "intl.accept_languages": "vi"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.downloads = downloads
    yield driver
    driver.quit()


def shot(driver, name: str, tmp: Path) -> Path:
    folder = Path(os.environ.get("DOSSIER_SHOTS") or tmp / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000  # a page was drawn, not a blank window
    return path


def wait_for(condition, timeout: float = 60, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _text(driver, css: str) -> str:
    """The first match's visible text, "" while there is none.

    Read inside the page in one script, so an htmx swap cannot replace the element between
    finding it and reading it (chromedriver reports that race as a stale element or as
    "Node with given id does not belong to the document")."""
    return driver.execute_script(
        "const e = document.querySelector(arguments[0]);"
        "return e && e.checkVisibility() ? e.innerText.trim() : '';", css)


def test_fill_a_letter_see_the_preview_and_download_its_pdf(site, browser):
    from selenium.webdriver.common.by import By

    browser.get(site["url"] + "/van-ban?tu=cong-van-son-binh.yaml")
    wait_for(lambda: "Bản xem trước" in _text(browser, "#preview-status"), what="first preview")
    subject = browser.find_element(By.ID, "f-subject")
    subject.clear()
    subject.send_keys("đề nghị hỗ trợ kinh phí sửa đường liên bản")
    started = time.monotonic()
    wait_for(lambda: "đề nghị hỗ trợ" in _pdf_text(browser, site), what="preview of the change")
    assert time.monotonic() - started < 15
    symbol = browser.find_element(By.ID, "f-symbol")
    symbol.clear()
    symbol.send_keys("UBND VP")
    wait_for(lambda: "không đúng dạng" in _text(browser, "#err-f-symbol"), what="the message beside the field")
    shot(browser, "van-ban-loi", site["tmp"])
    symbol.clear()
    symbol.send_keys("UBND-VP")
    wait_for(lambda: not _text(browser, "#err-f-symbol") and "Bản xem trước" in _text(browser, "#preview-status"),
             what="the error cleared")
    shot(browser, "van-ban", site["tmp"])
    browser.find_element(By.ID, "get-pdf").click()
    pdf = wait_for(lambda: next((p for p in browser.downloads.glob("*.pdf")), None), what="the PDF download")
    time.sleep(0.5)
    words = " ".join(pdftotext(pdf).split())
    assert "đề nghị hỗ trợ kinh phí sửa đường liên bản" in words and "DỰ" not in words


def _pdf_text(browser, site) -> str:
    """The text of the PDF the preview frame shows (fetched again from the server)."""
    import urllib.request

    src = browser.execute_script("const f = document.getElementById('preview'); return f ? f.src : '';")
    if not src:
        return ""
    src = src.split("#")[0]
    target = site["tmp"] / "seen.pdf"
    with urllib.request.urlopen(src) as r:  # noqa: S310 (our own local server)
        target.write_bytes(r.read())
    return " ".join(pdftotext(target).split())


def test_upload_an_excel_form_and_see_the_result(site, browser):
    from selenium.webdriver.common.by import By

    from .test_web import filled_form

    filled = filled_form(site["data"] / "communes" / "na-tam.yaml", site["tmp"] / "bieu-mau-na-tam.xlsx",
                         {"3.1": 85, "10": 70, "16": 90})
    from dossier.criteria import evaluate, load_assessment

    expected = evaluate(load_assessment(filled))
    wanted = f"{expected.met_count}/{expected.total}"
    assert wanted != "16/19"
    browser.get(site["url"] + "/xa")
    assert "16/19" in _text(browser, "tr[data-slug=na-tam] .result")
    shot(browser, "xa", site["tmp"])
    browser.get(site["url"] + "/xa/na-tam")
    assert "16/19" in _text(browser, "#summary")
    browser.find_element(By.ID, "form-file").send_keys(str(filled))
    browser.find_element(By.ID, "upload-form").click()
    wait_for(lambda: wanted in _text(browser, "#summary"), what="the uploaded form's result")
    assert "chưa lưu" in _text(browser, "#notice")
    shot(browser, "xa-bieu-mau", site["tmp"])
    browser.find_element(By.ID, "save-upload").click()
    wait_for(lambda: "Đã lưu số liệu" in _text(browser, "#notice"), what="saved")
    browser.get(site["url"] + "/xa")
    assert wanted in _text(browser, "tr[data-slug=na-tam] .result")


def test_build_a_dossier_with_its_progress(site, browser):
    from selenium.webdriver.common.by import By

    browser.get(site["url"] + "/ho-so/son-binh")
    assert "Hồ sơ đủ thành phần" in _text(browser, "#completeness")
    browser.find_element(By.ID, "build").click()
    link = wait_for(lambda: browser.find_elements(By.LINK_TEXT, "Xem / tải ho-so.pdf"), timeout=300,
                    what="the built dossier")
    assert "ghép hồ sơ" in _text(browser, ".progress")
    browser.execute_script("document.getElementById('job-area').scrollIntoView()")
    shot(browser, "ho-so", site["tmp"])
    href = link[0].get_attribute("href")
    import urllib.request

    target = site["tmp"] / "ho-so.pdf"
    with urllib.request.urlopen(href) as r:  # noqa: S310
        target.write_bytes(r.read())
    words = pdftotext(target)
    assert "MỤC LỤC" in words.upper() and "Trang 1/" in words


def test_check_a_file_and_see_the_findings_on_its_pages(site, browser):
    from selenium.webdriver.common.by import By

    document = docx.Document()
    document.add_paragraph("ỦY BAN NHÂN DÂN XÃ SƠN BÌNH")
    document.add_paragraph("Kính gửi: Ủy ban nhân dân huyện")
    document.add_paragraph("Nội dung soạn tay, không theo thể thức.")
    path = site["tmp"] / "van-ban-tu-soan.docx"
    document.save(path)
    browser.get(site["url"] + "/kiem-tra")
    browser.find_element(By.ID, "check-file").send_keys(str(path))
    browser.find_element(By.ID, "check").click()
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "#findings li"), timeout=120, what="the findings")
    image = browser.find_element(By.CSS_SELECTOR, ".page-img img")
    wait_for(lambda: browser.execute_script("return arguments[0].naturalWidth", image) > 100, what="page image")
    assert browser.find_elements(By.CSS_SELECTOR, ".page-img .pin, .page-img .mark")
    shot(browser, "kiem-tra", site["tmp"])
    assert "lỗi" in _text(browser, "#counts")



def test_letters_from_an_uploaded_list(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from .test_merge_run import with_bad_rows

    folder = site["tmp"] / "danh-sach"
    folder.mkdir()
    table = with_bad_rows(folder)
    browser.get(site["url"] + "/van-ban")
    browser.find_element(By.ID, "merge-link").click()
    Select(browser.find_element(By.ID, "m-list")).select_by_value("")
    Select(browser.find_element(By.ID, "m-common")).select_by_value("giay-moi/chung.yaml")
    browser.find_element(By.ID, "m-file").send_keys(str(table))
    browser.find_element(By.ID, "m-name").send_keys("{stt:02d}-{ten_don_vi}")
    browser.find_element(By.NAME, "format-pdf").click()  # Word only, and the combined PDF
    browser.find_element(By.ID, "merge").click()
    wait_for(lambda: browser.find_elements(By.ID, "refused"), timeout=300, what="the merge report")
    assert "Đã tạo 30 văn bản" in browser.page_source
    rows = browser.execute_script(
        "return [...document.querySelectorAll('#refused tbody tr')].map(r => r.innerText.trim());")
    assert len(rows) == 2 and rows[0].startswith("33") and "TS. Lê Văn B" in rows[1]
    assert browser.find_elements(By.LINK_TEXT, "Tệp PDF gộp")
    browser.execute_script("document.getElementById('merge-result').scrollIntoView()")
    shot(browser, "van-ban-hang-loat", site["tmp"])
