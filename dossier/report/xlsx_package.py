"""Saving an openpyxl workbook as reproducible bytes: document dates from the
data (or SOURCE_DATE_EPOCH) and fixed zip timestamps, never the clock."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from openpyxl import Workbook

from ..render.docx_package import normalise_zip, source_date

_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def workbook_bytes(wb: Workbook, when: dt.datetime | None = None) -> bytes:
    stamp = (when or source_date()).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    wb.properties.creator = "dossier"
    raw = io.BytesIO()
    wb.save(raw)
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _DATES.sub(lambda m: m.group(1) + stamp + m.group(3), data)
            dst.writestr(info.filename, data)
    return normalise_zip(out.getvalue())
