"""Saving a python-docx document as reproducible bytes: fixed zip timestamps
and document properties from the data (or SOURCE_DATE_EPOCH), never the clock."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile

from docx.document import Document as DocumentObject

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def source_date(default: dt.date | None = None) -> dt.datetime:
    """The timestamp written into outputs: SOURCE_DATE_EPOCH, else the document's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).replace(tzinfo=None)
    if default is not None:
        return dt.datetime(default.year, default.month, default.day)
    return dt.datetime(2000, 1, 1)


def set_properties(doc: DocumentObject, *, title: str = "", subject: str = "", author: str = "",
                   when: dt.datetime | None = None) -> None:
    props = doc.core_properties
    props.title = title[:250]
    props.subject = subject[:250]
    props.author = author[:250] or "dossier"
    props.last_modified_by = "dossier"
    props.language = "vi-VN"
    props.revision = 1
    when = when or source_date()
    props.created = when
    props.modified = when


def docx_bytes(doc: DocumentObject) -> bytes:
    raw = io.BytesIO()
    doc.save(raw)
    return normalise_zip(raw.getvalue())


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a DOCX zip with fixed entry timestamps and attributes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 3
            dst.writestr(fixed, src.read(info.filename), compresslevel=6)
    return out.getvalue()
