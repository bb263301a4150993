"""XLSX outputs of an assessment and of the district summary, written from
the same contexts the DOCX templates receive."""

from __future__ import annotations

import os
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..files import write_bytes
from .form import BOLD, BOX, CENTER, GROUP_FILL, HEADER, WRAP
from .xlsx_package import CellStyles, Look, workbook_bytes

NOT_MET_FONT = Font(color="C00000", bold=True)

TITLE = Look(alignment=Alignment(horizontal="center", wrap_text=True), font=Font(bold=True, size=13))
SUBTITLE = Look(alignment=Alignment(horizontal="left", wrap_text=True), font=Font(bold=False, size=11))
GROUP = Look(BOX, WRAP, GROUP_FILL, BOLD)
BODY = Look(BOX, WRAP)
BODY_BOLD = Look(BOX, WRAP, font=BOLD)
CENTERED = Look(alignment=CENTER)
NOT_MET = Look(font=NOT_MET_FONT)
TEXT_BOLD = Look(font=BOLD)


def _heading(ws: Worksheet, styles: CellStyles, lines: list[str], width: int) -> int:
    last = get_column_letter(width)
    for n, text in enumerate(lines, 1):
        styles.apply(ws.cell(n, 1, text), TITLE if n == 1 else SUBTITLE)
        ws.merge_cells(f"A{n}:{last}{n}")
    return len(lines) + 2


def _row(ws: Worksheet, styles: CellStyles, row: int, values: list[Any], look: Look = BODY) -> None:
    for col, value in enumerate(values, 1):
        styles.apply(ws.cell(row, col, value), look)


def _landscape(ws: Worksheet, header_row: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.freeze_panes = f"A{header_row + 1}"


def assessment_workbook(ctx: dict[str, Any]) -> Workbook:
    wb, styles = Workbook(), CellStyles()
    ws = wb.active
    ws.title = "Kết quả"
    lines = [f"BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN CÁC TIÊU CHÍ – {ctx['unit']['label'].upper()} NĂM {ctx['year']}",
             f"{ctx['criteria_set']['name']} ({ctx['criteria_set']['basis']})"]
    if ctx.get("group"):
        lines.append(ctx["group"]["text"])
    lines += [f"Cảnh báo: {w}" for w in ctx.get("warnings", ())]
    if ctx["sample_data"]:
        lines.append(ctx["note"] or "Dữ liệu mẫu")
    row = _heading(ws, styles, lines, 8)
    header = row
    _row(ws, styles, row, [*ctx["columns"], "Độ tin cậy mức đạt chuẩn"], HEADER)
    for group in ctx["groups"]:
        row += 1
        _row(ws, styles, row, [group["id"], group["name"], "", "", "", "", "", ""], GROUP)
        for r in group["rows"]:
            row += 1
            if r["kind"] == "criterion":
                _row(ws, styles, row, [r["stt"], r["name"], "", "", "", r["result"], "", ""], BODY_BOLD)
            else:
                note = "; ".join(x for x in (r["gap"], r["evidence"]) if x)
                _row(ws, styles, row, [r["stt"], "", r["name"], r["target"], r["value"], r["result"], note,
                                       f"{r['confidence']} – {r['confidence_text']}"])
            if not r["met"]:
                styles.apply(ws.cell(row, 6), NOT_MET)
    row += 2
    styles.apply(ws.cell(row, 1, ctx["totals"]["text"]), TEXT_BOLD)
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
        row = _heading(vs, styles, [f"KẾT QUẢ THỰC HIỆN TIÊU CHÍ THÔN, BẢN – {ctx['unit']['label'].upper()} "
                                    f"NĂM {ctx['year']}", villages["criteria_set"]["name"]], 5)
        header = row
        _row(vs, styles, row, ["STT", "Tên thôn, bản", "Số tiêu chí đạt", "Kết quả", "Còn thiếu"], HEADER)
        for v in villages["rows"]:
            row += 1
            _row(vs, styles, row, [v["stt"], v["name"], f"{v['met']}/{v['total']}", v["result"],
                                   "; ".join(v["missing"])])
        styles.apply(vs.cell(row + 2, 1, villages["text"]), TEXT_BOLD)
        for col, width in zip("ABCDE", (7, 26, 14, 16, 70)):
            vs.column_dimensions[col].width = width
        _landscape(vs, header)
    return wb


def summary_workbook(ctx: dict[str, Any]) -> Workbook:
    wb, styles = Workbook(), CellStyles()
    ws = wb.active
    ws.title = "Tổng hợp"
    ids = [c["id"] + m["mark"] for c, m in zip(ctx["criteria"], ctx["criteria_marks"])]
    grouped = ctx["grouped"]
    extra = ["Nhóm"] if grouped else []
    first = 3 + len(extra)  # the first criterion column
    width = len(ids) + 5 + len(extra)
    unit = ctx["unit_word"]
    legend = "Ký hiệu: x = đạt tiêu chí" + ("; * = tiêu chí có mức đạt chuẩn chưa xác minh" if ctx["unverified_targets"]
                                           else "")
    row = _heading(ws, styles, [f"TỔNG HỢP KẾT QUẢ THỰC HIỆN CÁC TIÊU CHÍ NÔNG THÔN MỚI NĂM {ctx['year']}"
                                + (f" – {ctx['location'].upper()}" if ctx["location"] else ""),
                                ctx["criteria_set"]["name"], legend], width)
    header = row
    _row(ws, styles, row, ["STT", f"Tên {unit}", *extra, *ids, "Số tiêu chí đạt", "Kết quả", "Thôn, bản đạt chuẩn"],
         HEADER)
    for c in ctx["communes"]:
        row += 1
        _row(ws, styles, row, [c["stt"], c["name"], *([c["group"]] if grouped else []), *c["cells"], c["met"],
                               c["result"], f"{c['villages_met']}/{c['villages_total']}"])
        for col in range(3, first + len(ids)):
            styles.apply(ws.cell(row, col), CENTERED)
    row += 1
    _row(ws, styles, row, ["", f"Số {unit} đạt", *([""] if grouped else []),
                           *[c["communes_met"] for c in ctx["criteria"]], "", "", ""], BODY_BOLD)
    for g in ctx["groups"]:
        row += 1
        _row(ws, styles, row, ["", f"{g['name']} ({g['communes']} {unit})", g["id"], *g["criteria_met"],
                               f"{g['communes_all_met']}/{g['communes']}", "", ""], BODY)
    t = ctx["totals"]
    for text in (t["text"], f"Các {unit} đạt đủ tiêu chí: " + (", ".join(t["communes_all_met_names"]) or "không có"),
                 ctx["groups_text"] and f"Theo nhóm: {ctx['groups_text']}", t["villages_text"], ctx["unverified_note"],
                 *[f"Cảnh báo: {w}" for w in ctx["warnings"]]):
        if text:
            row += 1
            ws.cell(row + 1, 1, text)
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 18
    for n in range(len(ids) + len(extra)):
        ws.column_dimensions[get_column_letter(3 + n)].width = 5.5
    _landscape(ws, header)
    if grouped:
        _groups_sheet(wb.create_sheet("Theo nhóm xã"), styles, ctx)
    crit = wb.create_sheet("Tiêu chí")
    row = _heading(crit, styles, ["SỐ XÃ ĐẠT TỪNG TIÊU CHÍ"], 3)
    _row(crit, styles, row, ["Tiêu chí", "Tên tiêu chí", "Số xã đạt"], HEADER)
    for c in ctx["criteria"]:
        row += 1
        _row(crit, styles, row, [c["id"], c["name"], c["communes_met"]])
    crit.column_dimensions["B"].width = 48
    _targets_sheet(wb.create_sheet("Mức đạt chuẩn"), styles, ctx)
    return wb


def _groups_sheet(ws: Worksheet, styles: CellStyles, ctx: dict[str, Any]) -> None:
    """Per commune group: how many communes, how many met everything, how many met each criterion."""
    unit = ctx["unit_word"]
    ids = [c["id"] for c in ctx["criteria"]]
    row = _heading(ws, styles, [f"SỐ {unit.upper()} ĐẠT TỪNG TIÊU CHÍ THEO NHÓM {unit.upper()}"], len(ids) + 4)
    _row(ws, styles, row, ["Nhóm", f"Số {unit}", f"Số {unit} đạt chuẩn", *[f"TC {i}" for i in ids]], HEADER)
    for g in ctx["groups"]:
        row += 1
        _row(ws, styles, row, [g["name"], g["communes"], g["communes_all_met"], *g["criteria_met"]])
    row += 1
    _row(ws, styles, row, ["Tổng số", ctx["totals"]["communes"], ctx["totals"]["communes_all_met"],
                           *[c["communes_met"] for c in ctx["criteria"]]], BODY_BOLD)
    ws.column_dimensions["A"].width = 14


def _targets_sheet(ws: Worksheet, styles: CellStyles, ctx: dict[str, Any]) -> None:
    """Every indicator's target with its confidence mark (what the results above rest on)."""
    row = _heading(ws, styles, [f"MỨC ĐẠT CHUẨN ÁP DỤNG NĂM {ctx['year']} VÀ ĐỘ TIN CẬY",
                                f"{ctx['criteria_set']['name']} ({ctx['criteria_set']['basis']})"], 5)
    _row(ws, styles, row, ["Tiêu chí", "Chỉ tiêu", "Nội dung", "Mức đạt chuẩn", "Độ tin cậy"], HEADER)
    for t in ctx["targets"]:
        row += 1
        _row(ws, styles, row, [t["criterion"], t["id"], t["name"], t["target"],
                               f"{t['confidence']} – {t['confidence_text']}"])
    for col, width in zip("ABCDE", (9, 9, 60, 40, 30)):
        ws.column_dimensions[col].width = width


WRITERS = {"assessment": assessment_workbook, "district-summary": summary_workbook}


def write_xlsx(ctx: dict[str, Any], kind: str, out: str | os.PathLike[str]) -> None:
    write_bytes(out, workbook_bytes(WRITERS[kind](ctx)))
