"""Where a signature goes on a page, in PDF points (origin bottom left).

The signature block is found with the Decree 30 checker's own reader and
recogniser (the same rules that check a document find its signer): the
authority/title lines (``TM. ỦY BAN NHÂN DÂN`` / ``CHỦ TỊCH``) and the name
below them, on whatever page they fall, in documents we made or any other PDF
with a text layer. The signature image goes in the gap between them. The blank
number and day of an unsigned draft (``Số:   /UBND-NN``, ``ngày   tháng   năm``)
are found by word positions on page 1."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass

from ..errors import Problem, input_error
from ..layout.metrics import PT_PER_MM

SIGNATURE_MAX_W_MM = 50.0  # the signature image's box: at most this wide…
SIGNATURE_MARGIN_MM = 1.5  # …and this far from the title and name lines
BLANK_MIN_MM = 3.0  # a gap this wide between "ngày" and "tháng" is a blank to fill


@dataclass(frozen=True)
class Box:
    page: int  # 0-based
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def rect(self) -> tuple[float, float, float, float]:
        return (round(self.x0, 2), round(self.y0, 2), round(self.x1, 2), round(self.y1, 2))

    def fit(self, w: float, h: float) -> Box:
        """The largest box of aspect ``w:h`` centred in this one."""
        scale = min(self.width / w, self.height / h)
        cw, ch = w * scale, h * scale
        cx, cy = (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2
        return Box(self.page, cx - cw / 2, cy - ch / 2, cx + cw / 2, cy + ch / 2)


@dataclass(frozen=True)
class SignatureBlock:
    title: str  # the authority and title lines, as read
    name: str  # the signer's name line
    area: Box  # between the title and the name: where the signature image goes


@dataclass(frozen=True)
class Blanks:
    """Boxes over the blank number and day/month of page 1 (None when filled in)."""

    number: Box | None = None
    day: Box | None = None
    month: Box | None = None
    size_pt: float = 13.0  # the font size of the number line
    date_size_pt: float = 13.0

    @property
    def any(self) -> bool:
        return any((self.number, self.day, self.month))


@dataclass
class _Layout:
    anatomy: object  # dossier.check.recognise.Anatomy of the pages read
    pages: list[int]  # 0-based page of the document for each page read
    heights: list[float]  # page heights (points) of the pages read
    data: bytes  # the pages read, as a PDF
    view: object = None  # their DocumentView


_CACHE: dict[tuple[int, bytes], _Layout] = {}


_BLANK_NUMBER = re.compile(r"^Số\s*:\s*/")
_BLANK_DATE = re.compile(r"ngày\s+tháng|tháng\s+năm", re.I)
_SIGNATURE_HINT = re.compile(r"^\s*(Nơi nhận|(TM|KT|TL|TUQ|Q)\.\s)", re.M)


def _signature_page(data: bytes, count: int) -> int | None:
    """The last page with a "Nơi nhận" or an authority line (TM./KT./TL./TUQ./Q.), found by a quick
    scan with poppler's pdftotext (the full reader takes about half a second a page); None if unsure."""
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        return None
    try:
        text = subprocess.run(["pdftotext", "-q", "-", "-"], input=data, capture_output=True, timeout=60,
                              check=True).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError):
        return None
    pages = text.split("\f")
    hits = [i for i, page in enumerate(pages[:count]) if _SIGNATURE_HINT.search(unicodedata.normalize("NFC", page))]
    return hits[-1] if hits else None


def _pages_read(data: bytes, count: int) -> list[int]:
    """The first page (header: number, date; the recogniser needs it to know where the body
    starts) and the pages around the signature block; every page when it cannot be told."""
    if count <= 4:
        return list(range(count))
    page = _signature_page(data, count)
    if page is None:
        return list(range(count))
    return sorted({0, *(p for p in (page - 1, page, page + 1) if 0 <= p < count)})


def _layout(data: bytes, source: str) -> _Layout:
    import hashlib

    import pikepdf

    key = (len(data), hashlib.sha256(data).digest())
    if key in _CACHE:
        return _CACHE[key]
    from ..check.pdf_reader import read_pdf
    from ..check.recognise import recognise

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            pages = _pages_read(data, len(pdf.pages))
            heights = [float(pdf.pages[i].mediabox[3]) - float(pdf.pages[i].mediabox[1]) for i in pages]
            if len(pages) == len(pdf.pages):
                part = data
            else:
                keep = pikepdf.new()
                keep.pages.extend(pdf.pages[i] for i in pages)
                buf = io.BytesIO()
                keep.save(buf)
                part = buf.getvalue()
    except pikepdf.PdfError as exc:
        raise input_error("Tệp PDF hỏng, không đọc được chữ trong văn bản.", [Problem(source, str(exc))]) from None
    view = read_pdf(source, data=part)
    layout = _Layout(recognise(view), pages, heights, part, view)
    _CACHE.clear()  # one document at a time: signing then locating the blanks reads it once
    _CACHE[key] = layout
    return layout


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _block_named(view, name: str):
    """(title blocks, name block) of the block whose name line reads ``name`` — the signer's own block
    when a document has several (a biên bản: the secretary left, the chair right); None if absent."""
    from ..check.text import is_upper

    want = _fold(name)
    blocks = [b for b in view.blocks if b.text and b.top_mm is not None and b.page is not None]
    for i, b in enumerate(blocks):
        if _fold(b.text) != want:
            continue
        above = sorted((a for a in blocks[:i] if a.page == b.page and a.bottom_mm <= b.top_mm
                        and a.x0_mm < b.x1_mm and b.x0_mm < a.x1_mm and is_upper(a.text)),
                       key=lambda a: a.bottom_mm)
        if not above:
            continue
        group = [above[-1]]
        for a in reversed(above[:-1]):  # the authority line(s) right above the title
            if group[0].top_mm - a.bottom_mm > 3:
                break
            group.insert(0, a)
        return group, b
    return None


def find_signature_block(data: bytes, source: str, name: str | None = None) -> SignatureBlock:
    """The signer's block of the document in ``data`` — the one whose name line is ``name`` (the
    certificate's holder) when there is one, else the one the checker recognises; a Vietnamese
    error naming ``source`` if none."""
    layout = _layout(data, source)
    anatomy = layout.anatomy
    title, name_block = anatomy.signature, anatomy.signer_name
    named = _block_named(layout.view, name) if name else None
    if named is not None:
        title, name_block = named
    name = name_block
    if not title or name is None or name.page is None or any(b.top_mm is None for b in (*title, name)):
        raise input_error(
            "Không tìm thấy khối chữ ký trong văn bản (dòng thẩm quyền/chức vụ và dòng họ tên người ký).",
            [Problem(source, "văn bản không có lớp chữ, hoặc khối chữ ký không theo thể thức Nghị định 30")],
            hint="Dùng văn bản PDF xuất từ Word/LibreOffice (không phải bản quét), có chức vụ và họ tên người ký.")
    last = title[-1]
    if last.page != name.page:
        raise input_error("Dòng chức vụ và dòng họ tên người ký nằm ở hai trang khác nhau; không đặt được chữ ký.",
                          [Problem(source, f"chức vụ ở trang {last.page}, họ tên ở trang {name.page}")])
    height = layout.heights[name.page - 1]
    top_mm = last.bottom_mm + SIGNATURE_MARGIN_MM
    bottom_mm = name.top_mm - SIGNATURE_MARGIN_MM
    if bottom_mm - top_mm < 8:
        raise input_error("Khoảng trống giữa chức vụ và họ tên người ký quá hẹp để đặt chữ ký.",
                          [Problem(source, f"chỉ {max(bottom_mm - top_mm, 0):.0f} mm, cần ít nhất 8 mm")])
    x0 = min(b.x0_mm for b in (*title, name))
    x1 = max(b.x1_mm for b in (*title, name))
    centre = (x0 + x1) / 2
    half = min(SIGNATURE_MAX_W_MM, max(x1 - x0, 30.0)) / 2
    area = Box(layout.pages[name.page - 1], (centre - half) * PT_PER_MM, height - bottom_mm * PT_PER_MM,
               (centre + half) * PT_PER_MM, height - top_mm * PT_PER_MM)
    return SignatureBlock(" / ".join(b.text for b in title), name.text, area)


def _words(data: bytes):  # of the first page
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data), pages=[1]) as pdf:
        page = pdf.pages[0]
        return page.height, page.extract_words(extra_attrs=["size"], keep_blank_chars=False)


def find_blanks(data: bytes, source: str) -> Blanks:
    """The blank number and day/month of page 1 of an unsigned draft."""
    layout = _layout(data, source)
    anatomy = layout.anatomy
    so_text = anatomy.so.text if anatomy.so is not None else ""
    date_text = anatomy.date.text if anatomy.date is not None else ""
    if not (_BLANK_NUMBER.search(so_text) or _BLANK_DATE.search(date_text)):
        return Blanks()  # both filled in (the usual case): no need to read word positions
    height, words = _words(layout.data)

    def line_words(block) -> list[dict]:
        if block is None or block.page != 1 or block.top_mm is None:
            return []
        top, bottom = block.top_mm * PT_PER_MM - 1, block.bottom_mm * PT_PER_MM + 1
        x0, x1 = block.x0_mm * PT_PER_MM - 1, block.x1_mm * PT_PER_MM + 1
        found = [w for w in words if w["top"] >= top and w["bottom"] <= bottom and w["x0"] >= x0 and w["x1"] <= x1]
        return sorted(found, key=lambda w: w["x0"])

    def gap(left: dict, right: dict) -> Box:
        return Box(0, left["x1"] + 1, height - left["bottom"] - 1, right["x0"] - 1, height - left["top"] + 1)

    number = day = month = None
    size = date_size = 13.0
    so = line_words(anatomy.so)
    for a, b in zip(so, so[1:]):
        if a["text"].rstrip(":").lower() == "số" and b["text"].startswith("/"):
            number, size = gap(a, b), float(a["size"])
    date = line_words(anatomy.date)
    texts = [w["text"].lower() for w in date]
    for label, following in (("ngày", "tháng"), ("tháng", "năm")):
        if label in texts and texts.index(label) + 1 < len(texts) and texts[texts.index(label) + 1] == following:
            a, b = date[texts.index(label)], date[texts.index(label) + 1]
            if b["x0"] - a["x1"] >= BLANK_MIN_MM * PT_PER_MM:
                box = gap(a, b)
                day, month = (box, month) if label == "ngày" else (day, box)
                date_size = float(a["size"])
    return Blanks(number, day, month, size, date_size)


def top_right(page_width: float, page_height: float, width: float, height: float, page: int = 0,
              top_mm: float = 4.0, right_mm: float = 15.0) -> Box:
    """A box in the top right corner of a page, in the top margin above the national
    motto (appendices and copies, Decree 30)."""
    t, r = top_mm * PT_PER_MM, right_mm * PT_PER_MM
    return Box(page, page_width - r - width, page_height - t - height, page_width - r, page_height - t)
