"""Uploaded files: size-limited, type-checked by content, stored under the
server's own folder with generated names.

The client's file name is only ever shown (cleaned), never used to build a
path. The request body is bounded by Flask's ``MAX_CONTENT_LENGTH`` (a larger
``Content-Length`` is refused before anything is read); each file is copied in
chunks and refused as soon as it passes its own limit.

Types are judged by content, not by the name:

* ``xlsx`` / ``docx``: a ZIP holding the parts of a workbook / Word document,
  whose entries unpack to a bounded size (a "ZIP bomb" is refused);
* ``pdf``: ``%PDF-`` at the very first byte, readable by pikepdf, and not also
  a ZIP (a polyglot PDF/ZIP or PDF/HTML is refused);
* ``jpeg`` / ``png``: the magic number, then Pillow verifies the image (its
  decompression-bomb guard on);
* ``data``: small UTF-8 text with no NUL byte (YAML or JSON; the data loader
  then reads it with its own bounds).
"""

from __future__ import annotations

import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import input_error

CHUNK = 1 << 16
MAX_FILE_BYTES = 40 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_RATIO = 200  # unpacked / packed, per entry and overall

KIND_NAMES = {"xlsx": "bảng tính Excel (.xlsx)", "docx": "văn bản Word (.docx)", "pdf": "tệp PDF",
              "jpeg": "ảnh JPEG", "png": "ảnh PNG", "data": "tệp dữ liệu YAML/JSON (chữ UTF-8)"}
EXTENSIONS = {"xlsx": ".xlsx", "docx": ".docx", "pdf": ".pdf", "jpeg": ".jpg", "png": ".png", "data": ".yaml"}
MAX_DATA_BYTES = 1024 * 1024
ZIP_MARKERS = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml"}


@dataclass(frozen=True)
class Upload:
    path: Path  # under the server's folder, generated name
    kind: str  # one of KIND_NAMES
    shown_name: str  # the client's name, cleaned, for display only
    size: int


def shown_name(name: str | None) -> str:
    """The client's file name as we may show it: last component, NFC, no control characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    return name[:120] or "tệp"


def _save_stream(stream, target: Path, limit: int) -> int:
    size = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise input_error(f"Tệp quá lớn (giới hạn {limit // (1024 * 1024)} MB).")
            out.write(chunk)
    return size


def _zip_kind(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise input_error("Tệp nén có quá nhiều thành phần; không mở.")
            total = packed = 0
            for info in infos:
                total += info.file_size
                packed += info.compress_size
                if info.file_size > 1 << 20 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
                    raise input_error("Tệp có dấu hiệu «bom giải nén» (nén bất thường); không mở.")
            if total > MAX_UNZIPPED_BYTES or (total > 1 << 20 and total > MAX_ZIP_RATIO * max(packed, 1)):
                raise input_error("Tệp có dấu hiệu «bom giải nén» (giải nén ra quá lớn); không mở.")
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for kind, marker in ZIP_MARKERS.items() if marker in names), None)


def _pdf_ok(path: Path) -> bool:
    with open(path, "rb") as fh:
        if fh.read(5) != b"%PDF-":
            return False
    if zipfile.is_zipfile(path):
        raise input_error("Tệp vừa là PDF vừa là tệp nén (tệp «đa dạng», có thể chứa mã độc); không nhận.")
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            return len(pdf.pages) > 0
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, OSError):
        raise input_error("Tệp PDF hỏng hoặc có mật khẩu; không đọc được.") from None


def _image_kind(path: Path) -> str | None:
    with open(path, "rb") as fh:
        head = fh.read(8)
    kind = "jpeg" if head.startswith(b"\xff\xd8\xff") else "png" if head.startswith(b"\x89PNG\r\n\x1a\n") else None
    if kind is None:
        return None
    from PIL import Image

    try:
        with Image.open(path) as img:
            img.verify()
    except Exception:  # Pillow raises many types (incl. DecompressionBombError) for bad images
        raise input_error("Ảnh hỏng hoặc quá lớn; không đọc được.") from None
    return kind


def sniff(path: Path) -> str | None:
    """The kind of ``path`` judged by its content, or None."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(b"%PDF-"):
        return "pdf" if _pdf_ok(path) else None
    return _image_kind(path) or _data_kind(path)


def _data_kind(path: Path) -> str | None:
    """Text a data file may be (YAML or JSON): small, UTF-8, no NUL byte. The loader checks the rest."""
    if path.stat().st_size > MAX_DATA_BYTES:
        return None
    raw = path.read_bytes()
    if b"\0" in raw:
        return None
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return "data"


def receive(storage, file, allowed: tuple[str, ...], *, limit: int = MAX_FILE_BYTES) -> Upload:
    """Save the werkzeug ``FileStorage`` ``file`` under ``storage``; check its type is one of ``allowed``."""
    if file is None or not file.filename:
        raise input_error("Chưa chọn tệp.")
    name = shown_name(file.filename)
    target = storage.new_path("uploads", ".bin")
    try:
        size = _save_stream(file.stream, target, limit)
        if size == 0:
            raise input_error(f"Tệp «{name}» rỗng.")
        kind = sniff(target)
        if kind not in allowed:
            wanted = ", ".join(KIND_NAMES[k] for k in allowed)
            found = f"là {KIND_NAMES[kind]}" if kind else "không phải loại tệp được nhận"
            raise input_error(f"Tệp «{name}» {found}; ở đây cần {wanted}.")
        final = target.with_name(target.stem + EXTENSIONS[kind])
        os.replace(target, final)
        return Upload(final, kind, name, size)
    except BaseException:
        target.unlink(missing_ok=True)
        raise

