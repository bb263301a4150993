"""Reproducible PDF bytes from LibreOffice's output.

LibreOffice 7.4 writes the clock into ``/CreationDate``, derives the trailer
``/ID`` and its private ``/DocChecksum`` from it, and ignores
SOURCE_DATE_EPOCH. Everything else in its PDF is the same for the same DOCX
(measured: two conversions differ only in those three entries). So each PDF
is rewritten once with pikepdf: dates from SOURCE_DATE_EPOCH, else the DOCX's
own ``dcterms:modified`` (which dossier's renderer sets from the data), else
2000-01-01 — never the clock — and an ``/ID`` computed from the content.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from pathlib import Path

import pikepdf

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
