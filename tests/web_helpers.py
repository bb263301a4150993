"""Shared by the web tests: a copy of the sample data folder, the app over it,
the CSRF token of a page, files for uploads."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pikepdf

from .conftest import SAMPLES

TOKEN = re.compile(r'"X-CSRF-Token": "([^"]+)"')  # every page carries it for htmx; forms repeat it


def copy_samples(tmp: Path) -> Path:
    data = tmp / "du-lieu"
    shutil.copytree(SAMPLES, data)
    return data


def token(client, url: str = "/") -> str:
    page = client.get(url)
    assert page.status_code == 200, page.data[:500]
    found = TOKEN.search(page.get_data(as_text=True))
    assert found, "no CSRF token on the page"
    return found.group(1)


def small_pdf(pages: int = 1) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def zip_bomb_xlsx() -> bytes:
    """Looks like a workbook (the parts a sniffer checks) with one entry that unpacks
    to 50 MB of zeros from about 50 KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as entry:
            block = b"\0" * (1 << 20)
            for _ in range(50):
                entry.write(block)
    return out.getvalue()


def polyglot_pdf() -> bytes:
    """A real PDF with a ZIP appended: opens as both."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("payload.html", "<script>alert(1)</script>")
    return small_pdf() + out.getvalue()


class CountingStream(io.RawIOBase):
    """``size`` bytes of a multipart body, produced on demand; counts what the server read."""

    def __init__(self, size: int, boundary: str) -> None:
        self.head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"lon.xlsx\"\r\n"
                     "Content-Type: application/octet-stream\r\n\r\n").encode()
        self.size = size
        self.sent = 0

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.sent

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:  # werkzeug's test client measures the stream
        self.sent = self.size + offset if whence == 2 else offset
        return self.sent

    def readinto(self, buffer) -> int:
        if self.sent >= self.size:
            return 0
        n = min(len(buffer), self.size - self.sent)
        start = self.sent
        chunk = (self.head + b"x" * n)[:n] if start == 0 else b"x" * n
        buffer[:n] = chunk
        self.sent += n
        return n


def form_values(html: str, form_id: str) -> dict[str, str]:
    """What a browser would submit from the form ``form_id`` of ``html`` (text, ticked boxes, selected options)."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.inside, self.values, self.textarea, self.select = False, {}, None, None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form":
                self.inside = a.get("id") == form_id
            if not self.inside:
                return
            if tag == "input" and a.get("name") and a.get("type") not in ("file", "submit"):
                if a.get("type") != "checkbox" or "checked" in a:
                    self.values[a["name"]] = a.get("value") or ""
            elif tag == "textarea":
                self.textarea = a["name"]
                self.values[self.textarea] = ""
            elif tag == "select":
                self.select = a["name"]
            elif tag == "option" and self.select and ("selected" in a or self.select not in self.values):
                self.values[self.select] = a.get("value", "")

        def handle_endtag(self, tag):
            if tag == "form":
                self.inside = False
            elif tag == "textarea":
                self.textarea = None
            elif tag == "select":
                self.select = None

        def handle_data(self, data):
            if self.textarea:
                self.values[self.textarea] += data

    reader = Reader()
    reader.feed(html)
    return reader.values
