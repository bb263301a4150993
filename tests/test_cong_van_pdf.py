"""The công văn PDF (through LibreOffice) read with pypdf, pdfplumber, pdftotext, pdffonts."""

from __future__ import annotations

import re
import subprocess
import unicodedata

import pdfplumber
import pytest
from pypdf import PdfReader

from .conftest import DATA, pdftotext

pytestmark = pytest.mark.libreoffice
SEED = "cong-van-ubnd-huyen.yaml"
MM = 72 / 25.4


@pytest.fixture(scope="module")
def pdf(rendered):
    return rendered("cong-van", SEED, ".pdf")


def words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def seed_paragraphs() -> list[str]:
    """The seed letter's paragraphs: every header line up to "Kính gửi:" on its
    own; after it a new one starts at '- ', 'N. ', or after a line ending in
    . : ; (over-splitting only makes the check stricter on order)."""
    text = (DATA / "seed-letter.txt").read_text(encoding="utf-8")
    text = text.split("\t\t")[0]  # the signing timestamps are not part of the letter
    lines = [" ".join(l.split()) for l in text.splitlines() if l.strip()]
    paras: list[str] = []
    in_header = True
    for line in lines:
        starts = line.startswith("- ") or re.match(r"^\d+\. ", line)
        if not paras or in_header or starts or re.search(r"[.:;]$", paras[-1]):
            paras.append(line)
        else:
            paras[-1] += " " + line
        in_header = in_header and not line.startswith("Kính gửi")
    return paras


def test_seed_paragraphs_present_in_order_word_for_word(pdf):
    # -raw: content order (left cell before right cell) and no de-hyphenation
    # (the default mode joins "2021-" at a line end into "20212025")
    raw = pdftotext(pdf, "-raw")
    text = words(raw.replace("-\n", "-"))  # a line broken after "2021-" continues without a space
    paras = seed_paragraphs()
    assert len(paras) >= 25
    pos = 0
    for para in paras:
        found = text.find(para, pos)
        assert found >= 0, f"missing or out of order: {para!r}"
        pos = found + len(para)


def test_a4_and_text_inside_margins(pdf):
    reader = PdfReader(pdf)
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            # visible glyphs only (a justified line may end in a space); the page number sits in the top margin
            body = [c for c in page.chars if c["text"].strip() and c["top"] > 20 * MM - 1]
            assert min(c["x0"] for c in body) >= 30 * MM - 1
            assert max(c["x1"] for c in body) <= page.width - 15 * MM + 1
            assert max(c["bottom"] for c in body) <= page.height - 20 * MM + 1


def test_fonts_embedded_liberation_serif(pdf):
    out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        assert "LiberationSerif" in row
        assert row.split()[-5] == "yes"  # emb


def test_page_numbers_from_page_two_top_centre(pdf):
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) >= 2
        for number, page in enumerate(doc.pages, 1):
            top = [w for w in page.extract_words() if w["bottom"] < 20 * MM]
            if number == 1:
                assert top == []
                continue
            assert [w["text"] for w in top] == [str(number)]
            centre = (top[0]["x0"] + top[0]["x1"]) / 2
            assert centre == pytest.approx((30 * MM + page.width - 15 * MM) / 2, abs=3 * MM)


def test_quoc_hieu_on_one_line_and_text_is_nfc(pdf):
    text = pdftotext(pdf, "-f", "1", "-l", "1")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text.splitlines()
    assert unicodedata.normalize("NFC", text) == text


def test_signature_block_not_alone_on_last_page(pdf):
    last = pdftotext(pdf, "-f", str(len(PdfReader(pdf).pages)), "-l", str(len(PdfReader(pdf).pages)))
    assert "nghiêm túc triển khai thực hiện./." in words(last)
    assert "Phong Vĩnh Cường" in last
