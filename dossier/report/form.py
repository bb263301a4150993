"""The clerks' Excel assessment form, laid out like the official reporting
table: labels locked under sheet protection, yellow input cells with data
validation, Vietnamese headers. Blank (``dossier excel-template``) or filled
from an assessment (the sample workbook, round-trip tests)."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..criteria.catalogue import CriteriaSet
from ..criteria.registry import registry
from ..files import write_bytes
from ..load import xlsx_layout as L
from ..models.assessment import Assessment
from .xlsx_package import CellStyles, Look, workbook_bytes

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
GROUP_FILL = PatternFill("solid", fgColor="EDEDED")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
UNLOCKED = Protection(locked=False)
BOLD = Font(bold=True)

# How the form's cells look (CellStyles sets each look's style objects once per workbook)
HEADER = Look(BOX, CENTER, HEADER_FILL, BOLD)
INPUT = Look(BOX, WRAP, INPUT_FILL, protection=UNLOCKED)
TEXT = Look(BOX, WRAP)
LOCKED_VALUE = Look(border=BOX)
GROUP_ROW = Look(BOX, fill=GROUP_FILL, font=BOLD)
CRITERION_ROW = Look(BOX, WRAP, font=BOLD)
LABEL = Look(font=BOLD)


def _title(ws: Worksheet, text: str, last_col: str, row: int = 1, bold: bool = True) -> None:
    ws[f"A{row}"] = text
    ws[f"A{row}"].font = Font(bold=bold, size=13 if row == 1 else 11)
    ws[f"A{row}"].alignment = Alignment(wrap_text=True, horizontal="center" if row == 1 else "left")
    ws.merge_cells(f"A{row}:{last_col}{row}")


def _headers(ws: Worksheet, styles: CellStyles, row: int, headers: dict[str, str]) -> None:
    for col, text in headers.items():
        cell = ws[f"{col}{row}"]
        cell.value = text
        styles.apply(cell, HEADER)


def _input(styles: CellStyles, cell, value=None) -> None:
    styles.apply(cell, INPUT)
    if value is not None:
        cell.value = float(value) if isinstance(value, Decimal) else value


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # clerks may widen columns and rows
    ws.protection.formatRows = False


class _Validations:
    """One data-validation rule per kind of input cell."""

    def __init__(self, ws: Worksheet):
        self.ws = ws
        self.rules: dict[str, DataValidation] = {}

    def add(self, kind: str, cell: str) -> None:
        if kind not in self.rules:
            rule = _RULES[kind]()
            rule.showErrorMessage = True
            rule.errorTitle = "Giá trị không hợp lệ"
            self.ws.add_data_validation(rule)
            self.rules[kind] = rule
        self.rules[kind].add(cell)

    def add_list(self, cell: str, choices: list[str], message: str) -> None:
        """A list rule of its own (choices that come from the set)."""
        key = "list:" + ",".join(choices)
        if key not in self.rules:
            rule = _list_rule(choices, message)()
            rule.showErrorMessage = True
            rule.errorTitle = "Giá trị không hợp lệ"
            self.ws.add_data_validation(rule)
            self.rules[key] = rule
        self.rules[key].add(cell)


def _list_rule(choices: list[str], message: str):
    return lambda: DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                                  error=message)


_RULES = {
    "pct": lambda: DataValidation(type="decimal", operator="between", formula1="0", formula2="100",
                                  allow_blank=True, error="Nhập một số phần trăm từ 0 đến 100 (không kèm dấu %)."),
    "number": lambda: DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                     error="Nhập một số không âm."),
    "int": lambda: DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                  error="Nhập một số nguyên không âm."),
    "year": lambda: DataValidation(type="whole", operator="between", formula1="2000", formula2="2100",
                                   allow_blank=False, error="Nhập năm đánh giá, ví dụ 2024."),
    "dat": _list_rule(["Đạt", "Không đạt"], "Chọn Đạt hoặc Không đạt."),
    "khong": _list_rule(["Không", "Có"], "Chọn Không hoặc Có."),
    "self": _list_rule(["Đạt", "Chưa đạt"], "Chọn Đạt hoặc Chưa đạt."),
    "flag": _list_rule(["Có", "Không"], "Chọn Có hoặc Không."),
}


def _value_rule(unit_code: str) -> str | None:
    if unit_code in ("pct", "dat", "khong"):
        return unit_code
    return "number" if unit_code in ("trieu_dong_nguoi", "m2_nguoi", "count") else None


def _info_value(assessment: Assessment | None, key: str, defaults: dict[str, object]):
    if assessment is None:
        return defaults.get(key)
    value: object = assessment
    for part in key.split("."):
        value = getattr(value, part, None)
    if isinstance(value, list):
        return ", ".join(value) or None
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return value


def _info_sheet(ws: Worksheet, styles: CellStyles, cset: CriteriaSet, village_set: CriteriaSet | None,
                assessment: Assessment | None) -> None:
    ws.title = L.INFO_SHEET
    _title(ws, "THÔNG TIN CHUNG VỀ ĐƠN VỊ ĐÁNH GIÁ", "C")
    _title(ws, "Chỉ nhập vào các ô màu vàng. Kết quả Đạt/Chưa đạt do phần mềm tính từ số liệu, không nhập tay.",
           "C", row=2, bold=False)
    _headers(ws, styles, L.INFO_HEADER_ROW, L.INFO_HEADERS)
    defaults = {"commune.type": cset.unit_type, "criteria_set": cset.id, "override": cset.override_id,
                "village_set": village_set.id if village_set else None, "sample_data": "Không"}
    rules = _Validations(ws)
    for n, fld in enumerate(L.INFO_FIELDS):
        row = L.info_row(n)
        ws[f"A{row}"] = fld.label
        ws[f"C{row}"] = fld.hint
        for col in "AC":
            styles.apply(ws[f"{col}{row}"], TEXT)
        value = _info_value(assessment, fld.key, defaults)
        cell = ws[f"B{row}"]
        if fld.locked:
            cell.value = value
            styles.apply(cell, LOCKED_VALUE)
        else:
            _input(styles, cell, value)
            kind = {"int": "year" if fld.key == "year" else "int", "number": "number", "flag": "flag"}.get(fld.kind)
            if kind:
                rules.add(kind, f"B{row}")
        if fld.key == "commune.code":
            cell.number_format = "@"
    if cset.commune_groups is not None:
        _group_rows(ws, styles, cset, assessment, rules, L.info_row(len(L.INFO_FIELDS)))
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 44
    _protect(ws)


def _group_of(cset: CriteriaSet, assessment: Assessment | None) -> str | None:
    """The commune group of a filled form (its targets are then that group's), None for a blank one."""
    if assessment is None or cset.commune_groups is None:
        return None
    from ..criteria.groups import GroupUndecided, decide, parse_facts

    groups = cset.commune_groups
    facts, _ = parse_facts(groups, assessment.group_facts)
    declared = groups.normalise(assessment.group) if assessment.group is not None else None
    try:
        return decide(groups, declared, facts).group_id
    except GroupUndecided:
        return None


def _group_rows(ws: Worksheet, styles: CellStyles, cset: CriteriaSet, assessment: Assessment | None,
                rules: _Validations, row: int) -> None:
    """The commune group and the facts that decide it (keyed in the hidden column)."""
    groups = cset.commune_groups
    facts = assessment.group_facts if assessment else {}
    lines = [("group", L.GROUP_LABEL, f"Một trong: {groups.listed}; để trống nếu chỉ ghi các thông tin dưới đây",
              assessment.group if assessment else None, "group")]
    for fact in groups.facts:
        value = facts.get(fact.key)
        shown = fact.text(value) if value is not None else None
        hint = {"pct": "Số phần trăm, không kèm dấu %", "flag": "Có hoặc Không",
                "choice": "Một trong: " + ", ".join(fact.choices)}.get(fact.kind, "")
        lines.append((f"group_facts.{fact.key}", fact.label, hint,
                      float(value) if fact.kind in ("pct", "number") and value is not None else shown, fact))
    for n, (key, label, hint, value, kind) in enumerate(lines):
        r = row + n
        ws[f"A{r}"] = label
        ws[f"C{r}"] = hint
        ws[f"{L.INFO_KEY_COL}{r}"] = f"{L.KIND_GROUP_FIELD}:{key}"
        for col in "AC":
            styles.apply(ws[f"{col}{r}"], TEXT)
        _input(styles, ws[f"B{r}"], value)
        if kind == "group":
            rules.add_list(f"B{r}", groups.ordered_ids, "Chọn nhóm xã.")
        elif kind.kind == "flag":
            rules.add("flag", f"B{r}")
        elif kind.kind == "pct":
            rules.add("pct", f"B{r}")
        elif kind.kind == "choice":
            rules.add_list(f"B{r}", list(kind.choices), hint + ".")
    ws.column_dimensions[L.INFO_KEY_COL].hidden = True


def _table_rows(ws: Worksheet, styles: CellStyles, cset: CriteriaSet, first_row: int, key_col: str,
                year: int | None, columns: list[str], on_indicator, on_criterion=None, group: str | None = None) -> int:
    """Write groups / criteria / indicators from ``first_row``; return the next free row."""
    row = first_row
    for group in cset.groups:
        ws[f"A{row}"] = group.id
        ws[f"B{row}"] = group.name
        ws[f"{key_col}{row}"] = f"{L.KIND_GROUP}:{group.id}"
        for col in columns:
            styles.apply(ws[f"{col}{row}"], GROUP_ROW)
        row += 1
        for crit in group.criteria:
            ws[f"A{row}"] = crit.id
            ws[f"B{row}"] = crit.name
            ws[f"{key_col}{row}"] = f"{L.KIND_CRITERION}:{crit.id}"
            for col in columns:
                styles.apply(ws[f"{col}{row}"], CRITERION_ROW)
            if on_criterion:
                on_criterion(row, crit)
            row += 1
            for ind in crit.indicators:
                ws[f"A{row}"] = ind.id
                ws[f"C{row}"] = ind.name
                ws[f"D{row}"] = ind.target.text(ind.unit, year, group)
                ws[f"{key_col}{row}"] = f"{L.KIND_INDICATOR}:{ind.id}"
                for col in columns:
                    styles.apply(ws[f"{col}{row}"], TEXT)
                on_indicator(row, ind)
                row += 1
    return row


def _criteria_sheet(ws: Worksheet, styles: CellStyles, cset: CriteriaSet, assessment: Assessment | None) -> None:
    year = assessment.year if assessment else None
    _title(ws, "BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN CÁC TIÊU CHÍ", "H")
    _title(ws, f"{cset.display_name} ({cset.display_basis})", "H", row=2, bold=False)
    _title(ws, "Nhập số liệu vào cột E (tỷ lệ ghi số phần trăm, không kèm dấu %; chỉ tiêu Có/Không chọn trong danh "
               "sách), tự đánh giá vào cột F nếu có, căn cứ số liệu vào cột G. Mức đạt chuẩn ghi “chưa xác minh” là "
               "mức chưa được đối chiếu với văn bản gốc.", "H", row=3, bold=False)
    ws.row_dimensions[3].height = 45
    _headers(ws, styles, L.HEADER_ROW, L.CRITERIA_COLUMNS)
    rules = _Validations(ws)
    entries = assessment.indicators if assessment else {}
    crit_self = assessment.criteria_self_assessment if assessment else {}

    def indicator(row: int, ind) -> None:
        entry = entries.get(ind.id)
        _input(styles, ws[f"{L.VALUE_COL}{row}"], entry.value if entry else None)
        _input(styles, ws[f"{L.SELF_COL}{row}"], entry.self_assessment if entry else None)
        _input(styles, ws[f"{L.NOTE_COL}{row}"], (entry.evidence or None) if entry else None)
        ws[f"{L.MARK_COL}{row}"] = f"{ind.confidence} – {ind.confidence_text}"
        kind = _value_rule(ind.unit.code)
        if kind:
            rules.add(kind, f"{L.VALUE_COL}{row}")
        rules.add("self", f"{L.SELF_COL}{row}")

    def criterion(row: int, crit) -> None:
        _input(styles, ws[f"{L.SELF_COL}{row}"], crit_self.get(crit.id))
        rules.add("self", f"{L.SELF_COL}{row}")

    _table_rows(ws, styles, cset, L.FIRST_ROW, L.KEY_COL, year, list(L.CRITERIA_COLUMNS), indicator, criterion,
                _group_of(cset, assessment))
    for col, width in zip("ABCDEFGH", (7, 24, 52, 16, 16, 14, 36, 20)):
        ws.column_dimensions[col].width = width
    ws.column_dimensions[L.KEY_COL].hidden = True
    ws.freeze_panes = f"A{L.FIRST_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.print_title_rows = f"{L.HEADER_ROW}:{L.HEADER_ROW}"
    _protect(ws)


def _village_sheet(ws: Worksheet, styles: CellStyles, vset: CriteriaSet, assessment: Assessment | None,
                   columns: int) -> None:
    year = assessment.year if assessment else None
    villages = list(assessment.villages) if assessment else []
    columns = max(columns, len(villages))
    last = get_column_letter(L.VILLAGE_FIRST_COL + columns - 1)
    _title(ws, "KẾT QUẢ THỰC HIỆN CÁC TIÊU CHÍ CỦA THÔN, BẢN", last)
    _title(ws, f"{vset.display_name} ({vset.display_basis})", last, row=2, bold=False)
    _title(ws, "Mỗi cột là một thôn, bản: ghi tên ở dòng 5, số liệu ở các dòng chỉ tiêu. Cột không có tên được bỏ qua.",
           last, row=3, bold=False)
    headers = dict(L.VILLAGE_COLUMNS)
    headers.update({get_column_letter(L.VILLAGE_FIRST_COL + i): f"Thôn, bản {i + 1}" for i in range(columns)})
    _headers(ws, styles, L.HEADER_ROW, headers)
    rules = _Validations(ws)
    labels = {L.VILLAGE_NAME_ROW: ("Tên thôn, bản", None, "name"),
              L.VILLAGE_HOUSEHOLDS_ROW: ("Số hộ", "int", "households"),
              L.VILLAGE_POPULATION_ROW: ("Số nhân khẩu", "int", "population")}
    for row, (label, kind, attr) in labels.items():
        ws[f"C{row}"] = label
        styles.apply(ws[f"C{row}"], LABEL)
        ws[f"{L.VILLAGE_KEY_COL}{row}"] = f"ban:{attr}"
        for i in range(columns):
            col = get_column_letter(L.VILLAGE_FIRST_COL + i)
            _input(styles, ws[f"{col}{row}"], getattr(villages[i], attr) if i < len(villages) else None)
            if kind:
                rules.add(kind, f"{col}{row}")
    village_cols = [get_column_letter(L.VILLAGE_FIRST_COL + i) for i in range(columns)]

    def indicator(row: int, ind) -> None:
        kind = _value_rule(ind.unit.code)
        for i, col in enumerate(village_cols):
            entry = villages[i].indicators.get(ind.id) if i < len(villages) else None
            _input(styles, ws[f"{col}{row}"], entry.value if entry else None)
            if kind:
                rules.add(kind, f"{col}{row}")

    _table_rows(ws, styles, vset, L.VILLAGE_FIRST_ROW, L.VILLAGE_KEY_COL, year, list(L.VILLAGE_COLUMNS) + village_cols,
                indicator)
    for col, width in zip("ABCD", (7, 22, 46, 14)):
        ws.column_dimensions[col].width = width
    for col in village_cols:
        ws.column_dimensions[col].width = 14
    ws.column_dimensions[L.VILLAGE_KEY_COL].hidden = True
    ws.freeze_panes = f"{get_column_letter(L.VILLAGE_FIRST_COL)}{L.VILLAGE_FIRST_ROW}"
    ws.page_setup.orientation = "landscape"
    _protect(ws)


def form_workbook(cset: CriteriaSet, village_set: CriteriaSet | None = None, assessment: Assessment | None = None,
                  village_columns: int = L.DEFAULT_VILLAGE_COLUMNS) -> Workbook:
    wb, styles = Workbook(), CellStyles()
    _info_sheet(wb.active, styles, cset, village_set, assessment)
    _criteria_sheet(wb.create_sheet(L.CRITERIA_SHEET), styles, cset, assessment)
    if village_set is not None:
        _village_sheet(wb.create_sheet(L.VILLAGE_SHEET), styles, village_set, assessment, village_columns)
    wb.properties.title = f"Biểu đánh giá tiêu chí – {cset.display_name}"
    return wb


def form_set(sets, year: int | None, override: str | None) -> str:
    """The set of a blank form when none is named: the override's base, else the set covering
    ``year`` (this year when None) among the default ones."""
    if override is not None and override in sets.overrides:
        return sets.overrides[override].base
    import datetime as dt

    return sets.choose(year or dt.date.today().year, None)


def write_form(out: str | os.PathLike[str], set_id: str | None = None, override: str | None = None, *,
               assessment: Assessment | None = None, village_columns: int = L.DEFAULT_VILLAGE_COLUMNS) -> Path:
    """Write the form for ``set_id`` (+ ``override``) — blank, or filled from ``assessment``."""
    sets = registry()
    if assessment is not None:
        set_id, override = assessment.criteria_set, assessment.override
    if set_id is None:
        raise ValueError("set_id or assessment is required")
    cset = sets.get(set_id, override)
    vset_id = (assessment.village_set if assessment else None) or cset.sub_unit_set
    vset = sets.get(vset_id) if vset_id else None
    wb = form_workbook(cset, vset, assessment, village_columns)
    out = Path(out)
    write_bytes(out, workbook_bytes(wb))
    return out
