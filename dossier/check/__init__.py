"""`dossier check`: check a DOCX or PDF against the layout rules of Decree
30/2020/NĐ-CP.

Readers (:mod:`.docx_reader`, :mod:`.pdf_reader`) turn a file into a neutral
:class:`~.view.DocumentView`; :mod:`.recognise` names the elements of the
form; the checks registered in :mod:`.registry` (modules ``checks_*``, run by
:mod:`.engine`) report findings whose severity comes from
``dossier/layout/decree30.yaml``.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import input_error
from .recognise import Anatomy
from .registry import Finding
from .report import Report
from .view import DocumentView

__all__ = ["Anatomy", "DocumentView", "Finding", "Report", "check_file", "check_path", "check_view", "read"]


def read(path: Path) -> DocumentView:
    """Read a .docx or .pdf file into a document view."""
    path = Path(path)
    if not path.exists():
        raise input_error(f"Không tìm thấy tệp {path}.")
    if path.is_dir():
        raise input_error(f"{path} là một thư mục, không phải tệp văn bản.")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from .docx_reader import read_docx

        return read_docx(path)
    if suffix == ".pdf":
        from .pdf_reader import read_pdf

        return read_pdf(path)
    raise input_error(
        f"Không kiểm tra được tệp {path.name}: chỉ nhận tệp .docx hoặc .pdf.",
        hint="Với tệp .doc hoặc .odt, mở bằng Word/LibreOffice rồi lưu thành .docx.",
    )


def check_view(view: DocumentView, anatomy=None) -> Report:
    """Check a document view (see :func:`.engine.check_view`)."""
    from .engine import check_view as run

    return run(view, anatomy)


def check_file(path: Path) -> Report:
    """Check one .docx or .pdf file; raises DossierError when it cannot be read."""
    return check_view(read(Path(path)))


def check_path(path: Path) -> list[Report]:
    """Check a file: one report, or one per document for a dossier we assembled (see .dossier)."""
    path = Path(path)
    if path.suffix.lower() == ".pdf" and path.is_file():
        from .dossier import check_dossier, dossier_manifest

        manifest = dossier_manifest(path)
        if manifest is not None:
            return check_dossier(path, manifest)
    return [check_file(path)]
