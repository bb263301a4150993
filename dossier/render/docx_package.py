"""Saving a python-docx document as reproducible bytes: fixed zip timestamps
and document properties from the data (or SOURCE_DATE_EPOCH), never the clock."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile

from docx.document import Document as DocumentObject
from docx.opc.pkgwriter import PackageWriter

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CORE_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
# docxcompose (imported by docxtpl) rebinds python-docx's global "cp" prefix to this
# namespace, so python-docx then writes cp:lastModifiedBy and cp:revision into it:
# elements the core-properties schema does not allow.
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"


def set_core_fields(doc: DocumentObject, **fields: str) -> None:
    """Set ``cp:`` core properties (lastModifiedBy, revision…) in their own namespace,
    whatever python-docx's prefix map says, and drop copies written in the wrong one."""
    element = doc.core_properties._element
    for name, value in fields.items():
        for stray in element.findall(f"{{{CUSTOM_NS}}}{name}"):
            element.remove(stray)
        child = element.find(f"{{{CORE_NS}}}{name}")
        if child is None:
            child = element.makeelement(f"{{{CORE_NS}}}{name}", {})
            element.append(child)
        child.text = value


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
    props.language = "vi-VN"
    set_core_fields(doc, lastModifiedBy="dossier", revision="1")
    when = when or source_date()
    props.created = when
    props.modified = when


class _FixedZip:
    """The writer python-docx's PackageWriter writes entries to, with fixed entry
    timestamps and attributes (what :func:`normalise_zip` would make of its zip)."""

    def __init__(self, dst: zipfile.ZipFile) -> None:
        self.dst = dst

    def write(self, pack_uri, blob: bytes) -> None:
        _write_fixed(self.dst, pack_uri.membername, blob)


def docx_bytes(doc: DocumentObject) -> bytes:
    """``doc.save()`` then :func:`normalise_zip`, in one pass: each part is
    compressed once instead of twice."""
    package = doc.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        writer = _FixedZip(dst)  # the steps of PackageWriter.write, into our zip
        PackageWriter._write_content_types_stream(writer, parts)
        PackageWriter._write_pkg_rels(writer, package.rels)
        PackageWriter._write_parts(writer, parts)
    return out.getvalue()


def _write_fixed(dst: zipfile.ZipFile, name: str, data: bytes) -> None:
    fixed = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
    fixed.compress_type = zipfile.ZIP_DEFLATED
    fixed.external_attr = 0o644 << 16
    fixed.create_system = 3
    dst.writestr(fixed, data, compresslevel=6)


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a DOCX zip with fixed entry timestamps and attributes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            _write_fixed(dst, info.filename, src.read(info.filename))
    return out.getvalue()
