"""The mail merge: one document per row of a list, a report of rows made and
refused, optionally one combined PDF; everything published atomically.

A row that cannot be made (bad value, missing field, template error,
LibreOffice failure) is refused with the places and reasons; the other rows
go on. The list itself being unreadable is a :class:`DossierError` (exit 2).
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import json
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import EXIT_BAD_INPUT, EXIT_BUILD_FAILED, EXIT_OK, DossierError, Problem, input_error
from ..load.files import load_mapping
from ..models.document import OfficialDocument
from ..models.validation import problems_from
from ..render import builders
from ..staging import staged
from .names import NameMaker, check_name_pattern
from .rows import RowError, locator, row_data, unknown_headers
from .table import Row, Table, read_table

FORMATS = ("docx", "pdf")
REPORT_JSON = "bao-cao.json"
REPORT_TEXT = "bao-cao.txt"
COMMON_FILE = "chung.yaml"  # the common data beside a list, when it has no same-named .yaml
Progress = Callable[[int, int, str], None]


@dataclass
class MadeRow:
    sheet: str | None
    row: int
    name: str  # file name without extension
    title: str  # the document's subject, for contents and bookmarks
    files: list[str] = field(default_factory=list)  # names inside the output folder
    pdf: Path | None = field(default=None, repr=False)  # its PDF while the merge runs (for the combined PDF)
    date: Any = field(default=None, repr=False)


@dataclass
class RefusedRow:
    sheet: str | None
    row: int
    cell: str  # where the first problem is ("Sheet 'Danh sách', dòng 5, ô C5 (cột 'signer.name')")
    message: str  # the first problem's reason
    problems: list[Problem] = field(default_factory=list)  # every problem of the row

    def __str__(self) -> str:
        return "; ".join(str(p) for p in self.problems)


@dataclass
class MergeReport:
    template: str
    table: str
    sheet: str | None
    out_dir: Path
    made: list[MadeRow] = field(default_factory=list)
    refused: list[RefusedRow] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    combined: str | None = None  # the combined PDF's name in out_dir
    common: str = ""  # the common data file's name ("" when none)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return EXIT_BUILD_FAILED if self.refused else EXIT_OK

    def to_dict(self) -> dict[str, Any]:
        return {
            "template": self.template, "list": self.table, "sheet": self.sheet,
            "made": [{"row": m.row, "name": m.name, "title": m.title, "files": m.files} for m in self.made],
            "refused": [{"row": r.row, "sheet": r.sheet, "cell": r.cell, "message": r.message,
                         "problems": [{"where": p.where, "message": p.message} for p in r.problems]}
                        for r in self.refused],
            "warnings": [{"where": w.where, "message": w.message} for w in self.warnings],
            "combined": self.combined, "common": self.common or None,
        }

    def summary(self, detail: bool = True) -> str:
        """The clerk's summary (Vietnamese): counts, each refused row and why, warnings;
        ``detail``: also each row made and its files."""
        where = f"sheet '{self.sheet}' của {self.table}" if self.sheet else self.table
        lines = [f"Danh sách {where}: đã tạo {len(self.made)} văn bản, "
                 f"từ chối {len(self.refused)} dòng."]
        if self.made:
            files = sum(len(m.files) for m in self.made)
            lines.append(f"Đã tạo {files} tệp trong {self.out_dir}" + (":" if detail else "."))
            if detail:
                lines += [f"  - dòng {m.row}: {', '.join(m.files)}" for m in self.made]
        if self.combined:
            lines.append(f"Tệp PDF gộp: {self.combined} ({len(self.made)} văn bản, có mục lục và dấu trang).")
        if self.refused:
            # a mistake in the common file refuses every row: said once, not once per row
            shared = [p for p in dict.fromkeys(q for r in self.refused for q in r.problems)
                      if self.common and p.where.startswith(f"{self.common},")
                      and all(p in r.problems for r in self.refused)]
            if shared:
                lines.append(f"Lỗi trong phần chung {self.common} (mọi dòng bị từ chối vì lỗi này):")
                lines += [f"  - {p}" for p in shared]
            lines.append("Các dòng bị từ chối (sửa rồi chạy lại):")
            for r in self.refused:
                own = [p for p in r.problems if p not in shared]
                lines.append(f"  - dòng {r.row}:" + ("" if own else f" lỗi trong phần chung {self.common}"))
                lines += [f"      {p}" for p in own]
        if self.warnings:
            lines.append("Cảnh báo:")
            lines += [f"  - {w}" for w in self.warnings]
        return "\n".join(lines)


def _formats(formats: Sequence[str], template: Path) -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(f.lower() for f in formats))
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise input_error(f"Định dạng không hỗ trợ: {', '.join(bad) or '(trống)'}.", hint="Dùng docx, pdf hoặc cả hai.")
    if template.suffix.lower() == ".html":
        if "docx" in wanted and "pdf" not in wanted:
            raise input_error(f"Mẫu HTML {template.name} chỉ xuất ra được PDF, không xuất được .docx.")
        wanted = ("pdf",)
    return wanted


def _common(common: str | Path | None, table_path: Path) -> tuple[dict[str, Any], str]:
    if common is None:
        beside = [table_path.with_suffix(".yaml"), table_path.with_suffix(".yml"),
                  table_path.with_name(COMMON_FILE)]
        common = next((p for p in beside if p.is_file()), None)
        if common is None:
            return {}, ""
    path = Path(common)
    return load_mapping(path), path.name


def _epoch(dates: list[Any]) -> int:
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env.isdigit():
        return int(env)
    known = [d for d in dates if isinstance(d, dt.date)]
    day = min(known) if known else dt.date(2000, 1, 1)
    return calendar.timegm((day.year, day.month, day.day, 0, 0, 0))


def _when(job: builders.Job) -> dt.date | None:
    """The document's date, else 1 January of its year (an unsigned letter)."""
    if isinstance(job.date, dt.date):
        return job.date
    year = job.context.get("year") if isinstance(job.context, dict) else None
    return dt.date(year, 1, 1) if isinstance(year, int) and 1900 <= year <= 2100 else None


class _Merge:
    def __init__(self, template_ref: str | Path, table: Table, common: dict[str, Any], common_name: str,
                 names: NameMaker, formats: tuple[str, ...], progress: Progress | None) -> None:
        self.template_ref = template_ref
        self.template = builders.resolve_template(template_ref)
        self.table = table
        self.common = common
        self.common_name = common_name
        self.names = names
        self.formats = formats
        self.progress = progress or (lambda done, total, message: None)
        kind_column = table.column("kind") is not None
        self.model = OfficialDocument if (builders.uses_document_schema(template_ref, common) or kind_column) else None

    def refuse(self, report: MergeReport, row: Row, problems: list[Problem]) -> None:
        first = problems[0]
        report.refused.append(RefusedRow(self.table.sheet, row.number, first.where, first.message, problems))

    def job(self, row: Row) -> builders.Job:
        """Validate one row; raises RowError or DossierError naming its cells."""
        data, problems = row_data(self.table, row, self.common, self.common_name, self.model)
        source = self.common_name or self.table.place(row.number)
        if self.model is None:
            if problems:
                raise RowError(problems)
            return builders.prepare_data(self.template_ref, data, self.table.place(row.number), template=self.template)
        try:
            doc = self.model.model_validate(data)
        except ValidationError as exc:
            locate = locator(self.table, row, self.model, lambda loc: loc[0] in self.common)
            found = problems_from(exc, source, locate)
            # a cell refused while reading (#REF!) is not also "missing"
            problems += [p for p in found if not any(q.where == p.where for q in problems)]
        if problems:
            raise RowError(problems)
        return builders.prepare_data(self.template_ref, data, source, template=self.template, validated=doc)

    def render(self, report: MergeReport, stage: Path, work: Path) -> list[tuple[MadeRow, Path]]:
        """Write every valid row's DOCX (or, from an HTML template, its PDF); return the
        (made, docx) pairs whose PDF is still to make."""
        from ..render.docx import render_docx

        rows = self.table.rows
        pending = []
        for done, row in enumerate(rows, 1):
            report.warnings.extend(row.warnings)
            try:
                job = self.job(row)
                name = self.names.name(row, job)
                if self.template.suffix.lower() == ".html":
                    from ..render.html import render_html_pdf

                    render_html_pdf(job.template, job.context, stage / f"{name}.pdf")
                    report.made.append(MadeRow(self.table.sheet, row.number, name, job.title or name,
                                               [f"{name}.pdf"], stage / f"{name}.pdf", _when(job)))
                    continue
                folder = stage if "docx" in self.formats else work
                docx = folder / f"{name}.docx"
                render_docx(job.template, job.context, docx, title=job.title, author=job.author, date=job.date)
                made = MadeRow(self.table.sheet, row.number, name, job.title or name,
                               [docx.name] if "docx" in self.formats else [],
                               (stage if "pdf" in self.formats else work) / f"{name}.pdf", _when(job))
                pending.append((made, docx))
            except RowError as exc:
                self.refuse(report, row, exc.problems)
            except DossierError as exc:
                if exc.exit_code not in (EXIT_BAD_INPUT, EXIT_BUILD_FAILED):
                    raise
                place = self.table.place(row.number)
                message = exc.message.rstrip(":") + (f" ({exc.hint})" if exc.hint else "")
                self.refuse(report, row, [Problem(place, message)] +
                            [Problem(f"{place}, {p.where}" if p.where else place, p.message) for p in exc.problems])
            finally:
                self.progress(done, len(rows), f"soạn dòng {row.number}")
        return pending

    def convert(self, report: MergeReport, pending: list[tuple[MadeRow, Path]], conv: Any) -> None:
        """Convert the pending DOCX with ``conv`` (a warm Converter, or None for DOCX only)."""
        if conv is None or not pending:
            for made, _ in pending:
                made.pdf = None
                report.made.append(made)
            report.made.sort(key=lambda m: m.row)
            return
        total = len(pending)
        done = [0]

        def on_result(result) -> None:
            done[0] += 1
            self.progress(done[0], total, f"chuyển PDF {result.source.name}")

        results = conv.convert([(docx, made.pdf) for made, docx in pending], on_result=on_result)
        for (made, docx), result in zip(pending, results, strict=True):
            if result.ok:
                if "pdf" in self.formats:
                    made.files.append(made.pdf.name)
                report.made.append(made)
            else:
                docx.unlink(missing_ok=True)
                row = next(r for r in self.table.rows if r.number == made.row)
                self.refuse(report, row, [Problem(self.table.place(row.number),
                                                  f"không chuyển được sang PDF: {result.error}")])
        report.made.sort(key=lambda m: m.row)
        report.refused.sort(key=lambda r: r.row)


def run_merge(template: str | Path, table_path: str | Path, out_dir: str | Path, *,
              sheet: str | None = None, common: str | Path | None = None, name: str | None = None,
              formats: Sequence[str] = FORMATS, combined: bool = False,
              progress: Progress | None = None) -> MergeReport:
    """Make one document per row of the list at ``table_path`` (.xlsx or .csv) into ``out_dir``.

    ``template``: a bundled name (``cong-van``) or a .docx/.html path. ``sheet``: the
    worksheet (default the first). ``common``: YAML/JSON with the fields every
    document shares (default: a same-named .yaml beside the list, if any).
    ``name``: the file-name pattern (``"{stt:02d}-{ten_don_vi}"``) or a column.
    ``formats``: ``docx`` and/or ``pdf``. ``combined``: also one PDF of every
    letter with a contents page and a bookmark each. ``progress(done, total, message)``
    is called as rows are rendered and converted.

    Rows that cannot be made are in ``report.refused`` (never raised); an
    unreadable list, template, common file or name pattern raises DossierError.
    """
    started = time.monotonic()
    table_path, out_dir = Path(table_path), Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise input_error(f"{out_dir} là một tệp; kết quả trộn thư cần một thư mục (mỗi dòng một tệp).")
    template_path = builders.resolve_template(template)
    wanted = _formats(formats, template_path)
    table = read_table(table_path, sheet)
    if not table.rows:
        raise input_error(f"Danh sách {table_path.name} không có dòng dữ liệu nào dưới dòng tiêu đề "
                          f"(dòng {table.header_row}).")
    common_data, common_name = _common(common, table_path)
    check_name_pattern(name, table)
    combined_name = f"{table_path.stem}.pdf" if combined else None
    names = NameMaker(table, name, reserved={REPORT_JSON, REPORT_TEXT, combined_name or ""})
    merge = _Merge(template, table, common_data, common_name, names, wanted, progress)
    kind = common_data.get("kind")
    if str(template) in builders.BUNDLED_DOCX and kind in builders.BUNDLED_DOCX and table.column("kind") is None \
            and builders.BUNDLED_DOCX[kind] != template_path.name:
        raise input_error(f"Phần chung {common_name} là loại '{kind}' nhưng mẫu là '{template}'.",
                          hint=f"Dùng mẫu '{kind}' hoặc sửa trường kind trong {common_name}.")
    report = MergeReport(str(template), table_path.name, table.sheet, out_dir,
                         warnings=[*table.warnings, *unknown_headers(table, merge.model)], common=common_name)
    with contextlib.ExitStack() as stack:
        conv = None
        if template_path.suffix.lower() == ".docx" and ("pdf" in wanted or combined):
            from ..convert import Converter

            workers = max(1, min(int(os.environ.get("DOSSIER_MERGE_WORKERS", "") or 2), os.cpu_count() or 1,
                                 len(table.rows)))
            conv = stack.enter_context(Converter(workers=workers))
            conv.warm()  # LibreOffice starts while the DOCX are written
        stage = stack.enter_context(staged(out_dir))
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dossier-merge-")))
        pending = merge.render(report, stage, work)
        merge.convert(report, pending, conv)
        if combined and any(m.pdf for m in report.made):
            merge.progress(0, 1, "ghép tệp PDF gộp")
            _combine(report, stage, combined_name, table_path.name)
            merge.progress(1, 1, "ghép tệp PDF gộp")
        _write_reports(report, stage)
        previous = _listed(out_dir)
    _remove_stale(out_dir, previous - _listed(out_dir))
    report.seconds = time.monotonic() - started
    return report


def _listed(out_dir: Path) -> set[str]:
    """The files a merge's report in ``out_dir`` says it made (nothing else is ever removed)."""
    try:
        data = json.loads((out_dir / REPORT_JSON).read_text(encoding="utf-8"))
        names = {f for m in data.get("made", []) for f in m.get("files", [])}
        if data.get("combined"):
            names.add(data["combined"])
    except (OSError, ValueError, AttributeError, TypeError):
        return set()
    return {n for n in names if isinstance(n, str) and n == Path(n).name and not n.startswith(".")}


def _remove_stale(out_dir: Path, names: set[str]) -> None:
    """Files an earlier merge into ``out_dir`` made that this one did not (a row
    renamed, removed or now refused): gone, so the folder matches the report."""
    for name in names:
        (out_dir / name).unlink(missing_ok=True)


def _combine(report: MergeReport, stage: Path, combined_name: str, list_name: str) -> None:
    from .combined import combine

    letters = [(m.name, m.pdf) for m in report.made if m.pdf is not None]  # the names tell letters apart
    combine(letters, stage / combined_name, title=f"Các văn bản theo danh sách {list_name}",
            epoch=_epoch([m.date for m in report.made]))
    report.combined = combined_name


def _write_reports(report: MergeReport, stage: Path) -> None:
    (stage / REPORT_JSON).write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n",
                                     encoding="utf-8")
    (stage / REPORT_TEXT).write_text(report.summary() + "\n", encoding="utf-8")
