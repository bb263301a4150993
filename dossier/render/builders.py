"""One interface over the builders: a template (bundled name, .docx or .html)
plus data gives DOCX, PDF or HTML, chosen by the output's extension.

PDF from a DOCX template always goes through that DOCX and LibreOffice, so the
DOCX and the PDF never disagree."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import input_error
from ..load.files import load_mapping
from ..models.document import KINDS, OfficialDocument, document_view
from ..models.validation import validate
from ..paths import TEMPLATES_DIR

# Bundled DOCX templates, by the name a clerk types (`dossier render cong-van …`).
BUNDLED_DOCX = {
    "cong-van": "cong-van.docx",
    "to-trinh": "to-trinh.docx",
    "bao-cao": "bao-cao.docx",
    "ke-hoach": "ke-hoach.docx",
    "thong-bao": "thong-bao.docx",
    "quyet-dinh": "quyet-dinh.docx",
    "bien-ban": "bien-ban.docx",
}
OUTPUTS = {".docx": {".docx", ".pdf"}, ".html": {".html", ".pdf"}}


@dataclass(frozen=True)
class Job:
    template: Path
    context: dict[str, Any]
    title: str
    author: str
    date: Any


def bundled_templates() -> list[str]:
    return sorted(name for name, file in BUNDLED_DOCX.items() if (TEMPLATES_DIR / file).exists())


def resolve_template(ref: str | Path) -> Path:
    """A bundled name ('cong-van') or a path to a .docx/.html template."""
    ref_s = str(ref)
    if ref_s in BUNDLED_DOCX:
        return TEMPLATES_DIR / BUNDLED_DOCX[ref_s]
    path = Path(ref)
    if path.suffix.lower() not in OUTPUTS:
        names = ", ".join(bundled_templates())
        raise input_error(
            f"Không nhận ra mẫu '{ref_s}'.",
            hint=f"Dùng tên một mẫu có sẵn ({names}) hoặc đường dẫn tới tệp .docx / .html.",
        )
    if not path.exists():
        raise input_error(f"Không tìm thấy tệp mẫu {path}.")
    return path


def prepare(template_ref: str | Path, data_path: Path) -> Job:
    """Load and validate the data for ``template_ref``; nothing is written."""
    return prepare_data(template_ref, load_mapping(data_path), str(data_path))


def uses_document_schema(template_ref: str | Path, data: dict[str, Any]) -> bool:
    """Whether ``data`` is validated as an official document for this template."""
    return str(template_ref) in BUNDLED_DOCX or data.get("kind") in KINDS


def prepare_data(template_ref: str | Path, data: dict[str, Any], source: str, *,
                 template: Path | None = None, validated: OfficialDocument | None = None) -> Job:
    """Validate already-loaded ``data`` (named ``source`` in messages) for ``template_ref``.
    ``validated``: the document when the caller has validated ``data`` itself."""
    template = template or resolve_template(template_ref)
    bundled = str(template_ref) in BUNDLED_DOCX
    if validated is not None or uses_document_schema(template_ref, data):
        doc = validated or validate(OfficialDocument, data, source)
        if bundled and BUNDLED_DOCX.get(doc.kind) != template.name:
            raise input_error(
                f"Dữ liệu {source} là loại '{doc.kind}' nhưng mẫu là '{template_ref}'.",
                hint=f"Dùng mẫu '{doc.kind}' hoặc sửa trường kind trong dữ liệu.",
            )
        return Job(template, document_view(doc), doc.subject, " ".join(doc.issuer.name), doc.date)
    return Job(template, data, str(data.get("title", "")), "", None)


def render(template_ref: str | Path, data_path: Path, out: Path) -> Path:
    """Render ``template_ref`` with the data in ``data_path`` into ``out``."""
    out = Path(out)
    job = prepare(template_ref, Path(data_path))
    kind = job.template.suffix.lower()
    wanted = out.suffix.lower()
    if wanted not in OUTPUTS[kind]:
        allowed = " hoặc ".join(sorted(OUTPUTS[kind]))
        raise input_error(f"Mẫu {job.template.name} chỉ xuất ra được {allowed}, không xuất được '{wanted or out.name}'.")
    if kind == ".docx":
        _render_docx(job, out)
    else:
        _render_html(job, out)
    return out


def _render_docx(job: Job, out: Path) -> None:
    from .docx import render_docx

    if out.suffix.lower() == ".docx":
        render_docx(job.template, job.context, out, title=job.title, author=job.author, date=job.date)
        return
    from ..convert import to_pdf

    with tempfile.TemporaryDirectory(prefix="dossier-render-") as tmp:
        docx = Path(tmp) / (out.stem + ".docx")
        render_docx(job.template, job.context, docx, title=job.title, author=job.author, date=job.date)
        to_pdf(docx, out)


def _render_html(job: Job, out: Path) -> None:
    from . import html

    if out.suffix.lower() == ".pdf":
        html.render_html_pdf(job.template, job.context, out)
    else:
        from ..files import write_text

        write_text(out, html.render_html_string(job.template, job.context))
