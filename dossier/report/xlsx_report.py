"""XLSX outputs of an assessment and of the district summary, written from
the same contexts the DOCX templates receive."""

from __future__ import annotations

import os
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..files import write_bytes
from .form import BOX, CENTER, HEADER_FILL, WRAP
from .xlsx_package import workbook_bytes

BOLD = Font(bold=True)
GROUP_FILL = PatternFill("solid", fgColor="EDEDED")
NOT_MET_FONT = Font(color="C00000", bold=True)


def _heading(ws: Worksheet, lines: list[str], width: int) -> int:
    last = get_column_letter(width)
    for n, text in enumerate(lines, 1):
        ws.cell(n, 1, text).font = Font(bold=n == 1, size=13 if n == 1 else 11)
        ws.cell(n, 1).alignment = Alignment(horizontal="center" if n == 1 else "left", wrap_text=True)
        ws.merge_cells(f"A{n}:{last}{n}")
    return len(lines) + 2


def _row(ws: Worksheet, row: int, values: list[Any], *, header: bool = False, bold: bool = False) -> None:
    for col, value in enumerate(values, 1):
        cell = ws.cell(row, col, value)
        cell.border = BOX
        cell.alignment = CENTER if header else WRAP
        if header:
            cell.fill, cell.font = HEADER_FILL, BOLD
        elif bold:
            cell.font = BOLD


def _landscape(ws: Worksheet, header_row: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.freeze_panes = f"A{header_row + 1}"


def assessment_workbook(ctx: dict[str, Any]) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "Kết quả"
    lines = [f"BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN CÁC TIÊU CHÍ – {ctx['unit']['label'].upper()} NĂM {ctx['year']}",
             f"{ctx['criteria_set']['name']} ({ctx['criteria_set']['basis']})"]
    if ctx["sample_data"]:
        lines.append(ctx["note"] or "Dữ liệu mẫu")
    row = _heading(ws, lines, 8)
    header = row
    _row(ws, row, [*ctx["columns"], "Độ tin cậy mức đạt chuẩn"], header=True)
    for group in ctx["groups"]:
        row += 1
        _row(ws, row, [group["id"], group["name"], "", "", "", "", "", ""], bold=True)
        for c in range(1, 9):
            ws.cell(row, c).fill = GROUP_FILL
        for r in group["rows"]:
            row += 1
            if r["kind"] == "criterion":
                _row(ws, row, [r["stt"], r["name"], "", "", "", r["result"], "", ""], bold=True)
            else:
                note = "; ".join(x for x in (r["gap"], r["evidence"]) if x)
                _row(ws, row, [r["stt"], "", r["name"], r["target"], r["value"], r["result"], note,
                               f"{r['confidence']} – {r['confidence_text']}"])
            if not r["met"]:
                ws.cell(row, 6).font = NOT_MET_FONT
    row += 2
    ws.cell(row, 1, ctx["totals"]["text"]).font = BOLD
    for text in [*ctx["disagreements"], ctx["unverified_note"]]:
        if text:
            row += 1
            ws.cell(row, 1, text)
    for col, width in zip("ABCDEFGH", (7, 24, 52, 16, 18, 12, 40, 22)):
        ws.column_dimensions[col].width = width
    _landscape(ws, header)
    villages = ctx["villages"]
    if villages["total"]:
        vs = wb.create_sheet("Thôn bản")
        row = _heading(vs, [f"KẾT QUẢ THỰC HIỆN TIÊU CHÍ THÔN, BẢN – {ctx['unit']['label'].upper()} NĂM {ctx['year']}",
                            villages["criteria_set"]["name"]], 5)
        header = row
        _row(vs, row, ["STT", "Tên thôn, bản", "Số tiêu chí đạt", "Kết quả", "Còn thiếu"], header=True)
        for v in villages["rows"]:
            row += 1
            _row(vs, row, [v["stt"], v["name"], f"{v['met']}/{v['total']}", v["result"], "; ".join(v["missing"])])
        vs.cell(row + 2, 1, villages["text"]).font = BOLD
        for col, width in zip("ABCDE", (7, 26, 14, 16, 70)):
            vs.column_dimensions[col].width = width
        _landscape(vs, header)
    return wb


def summary_workbook(ctx: dict[str, Any]) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    ids = [c["id"] for c in ctx["criteria"]]
    width = len(ids) + 5
    row = _heading(ws, [f"TỔNG HỢP KẾT QUẢ THỰC HIỆN CÁC TIÊU CHÍ NÔNG THÔN MỚI NĂM {ctx['year']}"
                        + (f" – {ctx['location'].upper()}" if ctx["location"] else ""),
                        ctx["criteria_set"]["name"], "Ký hiệu: x = đạt tiêu chí"], width)
    header = row
    _row(ws, row, ["STT", "Tên xã", *ids, "Số tiêu chí đạt", "Kết quả", "Thôn, bản đạt chuẩn"], header=True)
    for c in ctx["communes"]:
        row += 1
        _row(ws, row, [c["stt"], c["name"], *c["cells"], c["met"], c["result"],
                       f"{c['villages_met']}/{c['villages_total']}"])
        for col in range(3, 3 + len(ids)):
            ws.cell(row, col).alignment = CENTER
    row += 1
    _row(ws, row, ["", "Số xã đạt", *[c["communes_met"] for c in ctx["criteria"]], "", "", ""], bold=True)
    t = ctx["totals"]
    for text in (t["text"], "Các xã đạt đủ tiêu chí: " + (", ".join(t["communes_all_met_names"]) or "không có"),
                 t["villages_text"], ctx["unverified_note"]):
        if text:
            row += 1
            ws.cell(row + 1, 1, text)
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 18
    for n in range(len(ids)):
        ws.column_dimensions[get_column_letter(3 + n)].width = 4.5
    _landscape(ws, header)
    crit = wb.create_sheet("Tiêu chí")
    row = _heading(crit, ["SỐ XÃ ĐẠT TỪNG TIÊU CHÍ"], 3)
    _row(crit, row, ["Tiêu chí", "Tên tiêu chí", "Số xã đạt"], header=True)
    for c in ctx["criteria"]:
        row += 1
        _row(crit, row, [c["id"], c["name"], c["communes_met"]])
    crit.column_dimensions["B"].width = 48
    return wb


WRITERS = {"assessment": assessment_workbook, "district-summary": summary_workbook}


def write_xlsx(ctx: dict[str, Any], kind: str, out: str | os.PathLike[str]) -> None:
    write_bytes(out, workbook_bytes(WRITERS[kind](ctx)))
