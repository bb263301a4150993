"""The communes' yearly plans: one commune's plan (DOCX, or PDF through that
DOCX), or every commune of a folder plus the district's table of plans
(landscape DOCX/PDF and XLSX), written into one folder atomically."""

from __future__ import annotations

import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..compose.commune import Composed
from ..compose.plans import SUMMARY_COLUMNS, CommunePlanFacts, compose_plan, compose_summary, plan_for, summary_rows
from ..errors import Problem, input_error
from ..load.files import load_mapping
from ..models.plan_input import PlanSettings
from ..models.validation import validate
from ..paths import TEMPLATES_DIR
from ..render.docx import render_docx
from ..staging import staged
from .commune import convert_all

Progress = Callable[[str], None]
SUMMARY_STEM = "tong-hop-ke-hoach"


@dataclass
class PlansResult:
    folder: Path
    plans: list[Path] = field(default_factory=list)
    summary: list[Path] = field(default_factory=list)
    facts: list[CommunePlanFacts] = field(default_factory=list)


def load_settings(path: Path | None, year: int | None = None) -> PlanSettings:
    """The plan settings file; without one, defaults for the year after the assessments'."""
    if path is None:
        return PlanSettings(year=(year or 2024) + 1)
    return validate(PlanSettings, load_mapping(Path(path)), str(path))


def slug(name: str) -> str:
    """'Sơn Bình' → 'son-binh' (file names)."""
    text = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def _check_names(settings: PlanSettings, names: list[str], source: str) -> None:
    unknown = sorted(set(settings.communes) - set(names))
    if unknown:
        raise input_error("Tệp thiết lập kế hoạch nêu xã không có trong dữ liệu:",
                          [Problem(f"{source}, trường communes.{n}", f"không có xã này (có: {', '.join(names)})")
                           for n in unknown])


def _render(doc: Composed, out: Path) -> None:
    render_docx(TEMPLATES_DIR / f"{doc.template}.docx", doc.view, out, title=doc.title,
                author=" ".join(doc.document.issuer.name), date=doc.document.date)


def build_plan(data_file: Path, out: Path, *, settings_file: Path | None = None, converter=None) -> CommunePlanFacts:
    """One commune's plan into ``out`` (.docx or .pdf)."""
    from ..criteria import evaluate, load_assessment
    from ..files import atomic_path, write_bytes

    out = Path(out)
    if out.suffix.lower() not in (".docx", ".pdf"):
        raise input_error(f"Kế hoạch chỉ xuất ra được .docx hoặc .pdf, không xuất được “{out.suffix or out.name}”.")
    result = evaluate(load_assessment(Path(data_file)))
    settings = load_settings(settings_file, result.year)
    plan = plan_for(result, settings)
    doc = compose_plan(plan)
    if out.suffix.lower() == ".docx":
        with atomic_path(out) as tmp:
            _render(doc, tmp)
        return plan
    with tempfile.TemporaryDirectory(prefix="dossier-plan-") as tmp:
        docx = Path(tmp) / (out.stem + ".docx")
        _render(doc, docx)
        pdf = docx.with_suffix(".pdf")
        convert_all([(docx, pdf)], converter)
        write_bytes(out, pdf.read_bytes())
    return plan


def build_plans(folder: Path, out_dir: Path, *, settings_file: Path | None = None, converter=None,
                xlsx: bool = True, progress: Progress | None = None) -> PlansResult:
    """Every commune's plan (DOCX + PDF) and the district table (DOCX + PDF, and XLSX) into ``out_dir``."""
    from ..criteria import load_folder, summarise

    say = progress or (lambda _msg: None)
    summary = summarise(load_folder(Path(folder)))
    results = list(summary.communes)
    settings = load_settings(settings_file, summary.year)
    _check_names(settings, [r.name for r in results], str(settings_file or "thiết lập mặc định"))
    plans = [plan_for(r, settings) for r in results]
    documents = [(f"ke-hoach-{slug(p.result.name)}", compose_plan(p)) for p in plans]
    where = f"huyện {summary.district}" if summary.district else None
    table_doc = compose_summary(plans, settings, where)
    out_dir = Path(out_dir)
    result = PlansResult(out_dir, facts=plans)
    with staged(out_dir) as stage:
        pairs = []
        for stem, doc in [*documents, (SUMMARY_STEM, table_doc)]:
            say(f"soạn {stem}.docx")
            docx = stage / f"{stem}.docx"
            _render(doc, docx)
            pairs.append((docx, docx.with_suffix(".pdf")))
        say("chuyển sang PDF")
        convert_all(pairs, converter)
        if xlsx:
            write_table_xlsx(stage / f"{SUMMARY_STEM}.xlsx", [table_doc.document.subject.upper(), where or ""],
                             list(SUMMARY_COLUMNS), summary_rows(plans))
    for stem, _doc in documents:
        result.plans += [out_dir / f"{stem}.docx", out_dir / f"{stem}.pdf"]
    result.summary = [out_dir / f"{SUMMARY_STEM}{ext}" for ext in (".docx", ".pdf", *((".xlsx",) if xlsx else ()))]
    return result


def write_table_xlsx(out: Path, heading: list[str], columns: list[str], rows: list[tuple[list[Any], str]]) -> None:
    """A one-sheet workbook: heading lines, a header row, rows ('commune'/'total' rows bold)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from ..files import write_bytes
    from ..report.form import BOX, CENTER, HEADER_FILL, WRAP
    from ..report.xlsx_package import workbook_bytes

    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    lines = [h for h in heading if h]
    last = get_column_letter(len(columns))
    for n, text in enumerate(lines, 1):
        ws.cell(n, 1, text).font = Font(bold=n == 1, size=13 if n == 1 else 11)
        ws.cell(n, 1).alignment = Alignment(horizontal="center", wrap_text=True)
        ws.merge_cells(f"A{n}:{last}{n}")
    header = len(lines) + 2
    for col, title in enumerate(columns, 1):
        cell = ws.cell(header, col, title)
        cell.border, cell.alignment, cell.fill, cell.font = BOX, CENTER, HEADER_FILL, Font(bold=True)
        ws.column_dimensions[get_column_letter(col)].width = 12 if col == 1 else (50 if col == 4 else 22)
    for k, (cells, kind) in enumerate(rows, header + 1):
        for col, value in enumerate(cells, 1):
            cell = ws.cell(k, col, value)
            cell.border, cell.alignment = BOX, WRAP
            if isinstance(value, int):
                cell.number_format = "#,##0"
            if kind != "task":
                cell.font = Font(bold=True)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.print_title_rows = f"{header}:{header}"
    ws.freeze_panes = f"A{header + 1}"
    write_bytes(out, workbook_bytes(wb))
