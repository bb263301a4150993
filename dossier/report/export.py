"""Writing a report context to a file, by extension: XLSX here, DOCX/PDF
through the renderer's ``render_report`` (Decree 30 layout, landscape table)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import input_error
from .xlsx_report import write_xlsx

KINDS = ("assessment", "district-summary")


def _render(ctx: dict[str, Any], kind: str, out: Path) -> None:
    from ..render.reports import render_report  # DOCX templates + LibreOffice, loaded only when asked

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
