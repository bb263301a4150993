"""Saving an openpyxl workbook as reproducible bytes: document dates from the
data (or SOURCE_DATE_EPOCH) and fixed zip timestamps, never the clock."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from ..render.docx_package import normalise_zip, source_date


def workbook_bytes(wb: Workbook, when: dt.datetime | None = None) -> bytes:
    when = when or source_date()
    wb.properties.creator = "dossier"
    wb.properties.created = wb.properties.modified = when
    return normalise_zip(_stored_package(wb))


def _stored_package(wb: Workbook) -> bytes:
    """The workbook's parts in an uncompressed zip, as ``wb.save`` writes them
    but without stamping the clock as the modified date; normalise_zip then
    compresses each part once."""
    raw = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED)).save()
    return raw.getvalue()
