"""Writing a report context to a file, by extension: XLSX here, DOCX/PDF
through the renderer's ``render_report`` when it is available."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

from ..errors import input_error
from .xlsx_report import write_xlsx

KINDS = ("assessment", "district-summary")


def _render(ctx: dict[str, Any], kind: str, out: Path) -> None:
    try:
        reports = importlib.import_module("dossier.render.reports")
    except ImportError:
        reports = None
    render_report = getattr(reports, "render_report", None)
    if render_report is None:
        raise input_error(f"Định dạng {out.suffix.lower()} chưa được hỗ trợ cho báo cáo này.",
                          hint="Dùng tệp .xlsx, hoặc cập nhật phần mềm khi có mẫu báo cáo DOCX.")
    render_report(kind, ctx, out)


EXPORTERS = {
    ".xlsx": lambda ctx, kind, out: write_xlsx(ctx, kind, out),
    ".docx": _render,
    ".pdf": _render,
}


def export(context: dict[str, Any], kind: str, out_path: str | os.PathLike[str]) -> Path:
    """Write ``context`` (of ``kind``: "assessment" or "district-summary") to ``out_path``."""
    if kind not in KINDS:
        raise ValueError(f"unknown report kind {kind!r}")
    out = Path(out_path)
    exporter = EXPORTERS.get(out.suffix.lower())
    if exporter is None:
        raise input_error(f"Định dạng “{out.suffix or out.name}” chưa được hỗ trợ.",
                          hint="Chọn tệp kết quả .xlsx, .docx hoặc .pdf.")
    exporter(context, kind, out)
    return out
