"""Checking an assembled dossier (``ho-so.pdf``): each document on its own.

A dossier is not one document: its cover, contents, annexes and photos follow
no Decree 30 form, and the stamped ``Trang n/N`` sits in the bottom margin on
purpose. When ``manifest.json`` beside the PDF describes that very file (same
name, same SHA-256), each part that is a document is cut out of the dossier,
its stamps are taken off, and it is checked as it was before assembly.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

from .report import Report

MANIFEST = "manifest.json"


def dossier_manifest(path: Path) -> dict | None:
    """The manifest of the dossier ``path``, or None when ``path`` is not one we assembled."""
    manifest = Path(path).with_name(MANIFEST)
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("dossier") != Path(path).name:
        return None
    if data.get("sha256") != hashlib.sha256(Path(path).read_bytes()).hexdigest():
        return None  # the PDF changed since (edited, rebuilt elsewhere): check it as a plain PDF
    return data


def document_ranges(manifest: dict) -> list[tuple[str, int, int]]:
    """(title, first page, last page) of each document of the dossier (annexes left out)."""
    out = []
    for part in manifest.get("parts", []):
        if part.get("kind", "document") != "document" or part.get("missing") or not part.get("sources"):
            continue
        first, last = part["sources"][0]["pages"]  # the document itself; its annexes follow
        out.append((part["sources"][0].get("title") or part["title"], int(first), int(last)))
    return out


def check_dossier(path: Path, manifest: dict) -> list[Report]:
    """One report per document of the dossier, page numbers counted within the document."""
    import pikepdf

    from ..assemble.stamp import unstamp
    from .engine import check_view
    from .pdf_reader import read_pdf

    reports = []
    with pikepdf.open(path) as pdf:
        for number, (title, first, last) in enumerate(document_ranges(manifest), 1):
            part = pikepdf.new()
            part.pages.extend(pdf.pages[first - 1:last])
            for page in part.pages:
                unstamp(page)
            buffer = io.BytesIO()
            part.save(buffer)
            label = f"{Path(path).name}, văn bản {number} «{title}» (trang {first}–{last} của hồ sơ)"
            report = check_view(read_pdf(label, buffer.getvalue()))
            report.notes.insert(0, "Số trang dưới đây tính từ trang đầu của văn bản; số trang đóng dấu "
                                   "của hồ sơ («Trang n/N») không được tính là một phần văn bản.")
            reports.append(report)
    return reports
