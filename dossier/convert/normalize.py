"""Reproducible PDF bytes from LibreOffice's output.

LibreOffice 7.4 writes the clock into ``/CreationDate``, derives the trailer
``/ID`` and its private ``/DocChecksum`` from it, and ignores
SOURCE_DATE_EPOCH. Everything else in its PDF is the same for the same DOCX
(measured: two conversions differ only in those three entries). So each PDF
gets dates from SOURCE_DATE_EPOCH, else the DOCX's own ``dcterms:modified``
(which dossier's renderer sets from the data), else 2000-01-01 — never the
clock — and an ``/ID`` computed from the content.

LibreOffice writes one revision with a classic cross-reference table and its
document-information dictionary as the last object, so those entries are
rewritten in place (:func:`rewrite_in_place`, under a millisecond; everything
before that object keeps its bytes and offsets). A file laid out any other way
(another LibreOffice version) is rewritten whole with pikepdf (30 ms for a
commune report, which qpdf decodes and re-encodes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import zipfile
from pathlib import Path

FALLBACK = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
_W3CDTF = re.compile(r"<dcterms:modified[^>]*>\s*(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?")


def source_datetime(docx: Path) -> dt.datetime:
    """The timestamp for the PDF converted from ``docx`` (UTC, never the clock)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    try:
        with zipfile.ZipFile(docx) as zf:
            core = zf.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return FALLBACK
    m = _W3CDTF.search(core)
    if not m:
        return FALLBACK
    parts = [int(x) if x else 0 for x in m.groups()]
    try:
        return dt.datetime(*parts, tzinfo=dt.timezone.utc)
    except ValueError:
        return FALLBACK


def pdf_date(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("D:%Y%m%d%H%M%SZ")


def normalise_pdf(raw: Path, out: Path, when: dt.datetime) -> int:
    """Rewrite LibreOffice's PDF ``raw`` into ``out`` reproducibly; return its page count."""
    stamp = pdf_date(when)
    rewritten = rewrite_in_place(raw.read_bytes(), stamp)
    if rewritten is not None:
        data, pages = rewritten
        out.write_bytes(data)
        return pages
    import pikepdf  # here: the command that only starts LibreOffice servers never needs it (0.05 s)

    with pikepdf.open(raw) as pdf:
        info = pdf.docinfo
        info[pikepdf.Name.CreationDate] = pikepdf.String(stamp)
        info[pikepdf.Name.ModDate] = pikepdf.String(stamp)
        for key in ("/ID", "/DocChecksum"):  # both derived from the clock
            if key in pdf.trailer:
                del pdf.trailer[key]
        pages = len(pdf.pages)
        pdf.save(out, deterministic_id=True)
    return pages


_TAIL = re.compile(rb"trailer\s*<<(?P<trailer>(?:(?!>>).)*)>>\s*startxref\s+(?P<xref>\d+)\s*%%EOF\s*\Z", re.S)
_SUBSECTION = re.compile(rb"xref\r?\n0 (\d+)\r?\n")
_OBJECT = re.compile(rb"(\d+) 0 obj\s*<<(?P<dict>.*)>>\s*endobj\s*\Z", re.S)
_DATE = re.compile(rb"/(?:CreationDate|ModDate)\s*\((?:[^()\\]|\\.)*\)")
_ID = re.compile(rb"/ID\s*\[[^\]]*\]|/DocChecksum\s*/[0-9A-Fa-f]+")


def rewrite_in_place(raw: bytes, stamp: str) -> tuple[bytes, int] | None:
    """(the reproducible PDF, its page count), or None when ``raw`` is not laid out as
    LibreOffice lays it out: one revision, one cross-reference section of 20-byte
    entries, the information dictionary written last, no encryption."""
    tail = _TAIL.search(raw, max(0, len(raw) - 4096))
    if tail is None or re.search(rb"/(?:Prev|Encrypt|XRefStm)\b", tail["trailer"]):
        return None
    start = int(tail["xref"])
    head = _SUBSECTION.match(raw, start)
    refs = {name: re.search(rb"/%s\s+(\d+)\s+0\s+R" % name, tail["trailer"]) for name in (b"Info", b"Root")}
    if head is None or None in refs.values():
        return None
    count, table_at = int(head[1]), head.end()
    table = raw[table_at:table_at + 20 * count]
    if raw[table_at + 20 * count:tail.start()].strip() or len(table) != 20 * count:
        return None
    offsets = {n: int(table[20 * n:20 * n + 10]) for n in range(count) if table[20 * n + 17:20 * n + 18] == b"n"}
    info_no, root_no = int(refs[b"Info"][1]), int(refs[b"Root"][1])
    info_at = offsets.get(info_no)
    if info_at is None or info_at != max(offsets.values()) or root_no not in offsets:
        return None
    info = _OBJECT.match(raw[info_at:start])
    pages = _page_count(raw, offsets, root_no)
    if info is None or int(info[1]) != info_no or pages is None:
        return None
    stamp_bytes = stamp.encode("ascii")
    entries = _DATE.sub(b"", info["dict"]).rstrip()
    obj = b"%d 0 obj\n<<%s\n/CreationDate(%s)/ModDate(%s)>>\nendobj\n" % (info_no, entries, stamp_bytes, stamp_bytes)
    body = raw[:info_at] + obj
    xref = raw[start:tail.start()]
    digest = hashlib.sha256(body + xref).hexdigest()[:32].upper().encode("ascii")
    trailer = _ID.sub(b"", tail["trailer"]).strip()
    end = b"trailer\n<<%s\n/ID [ <%s> <%s> ]\n>>\nstartxref\n%d\n%%%%EOF\n" % (trailer, digest, digest, len(body))
    return body + xref + end, pages


def _page_count(raw: bytes, offsets: dict[int, int], root_no: int) -> int | None:
    """/Count of the page tree's root, read from the catalogue's /Pages object."""
    catalogue = _object_text(raw, offsets, root_no)
    pages_ref = re.search(rb"/Pages\s+(\d+)\s+0\s+R", catalogue or b"")
    tree = _object_text(raw, offsets, int(pages_ref[1])) if pages_ref else None
    count = re.search(rb"/Count\s+(\d+)", tree or b"")
    return int(count[1]) if count and int(count[1]) > 0 else None


def _object_text(raw: bytes, offsets: dict[int, int], number: int) -> bytes | None:
    at = offsets.get(number)
    if at is None or not raw.startswith(b"%d 0 obj" % number, at):
        return None
    end = raw.find(b"endobj", at)
    text = raw[at:end] if end > 0 else b""
    return None if b"stream" in text else text
