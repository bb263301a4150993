"""Reading the clerks' Excel assessment form into assessment data.

The reader checks that the workbook still has the form's shape (sheets,
headers, labels, row keys, no merged input cells) and reads every input cell.
It returns plain data plus a locator that turns a data path into the sheet
and cell it came from, so every later error names the cell:
"Sheet 'Tiêu chí', ô E23: cần một số phần trăm, nhận được 'khoảng 80'".
Text typed in the legacy TCVN3/VNI encodings is converted, with a warning.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import Problem, input_error
from ..load.files import read_data_bytes
from . import xlsx_layout as L
from .text import fix_text

Locate = Callable[[tuple[Any, ...]], str]


class _Sheet:
    """A worksheet with merged-range lookup and a problem list."""

    def __init__(self, ws: Worksheet, problems: list[Problem], warnings: list[Problem]):
        self.ws = ws
        self.name = ws.title
        self.problems = problems
        self.warnings = warnings
        self.merged = {c: str(r) for r in ws.merged_cells.ranges for row in r.cells for c in [row]}

    def where(self, cell: str) -> str:
        return L.where(self.name, cell)

    def problem(self, cell: str, message: str) -> None:
        self.problems.append(Problem(self.where(cell), message))

    def label(self, cell: str) -> str:
        value = self.ws[cell].value
        return "" if value is None else str(value).strip()

    def expect(self, cell: str, text: str, what: str) -> bool:
        found = self.label(cell)
        if found != text:
            self.problem(cell, f"cần {what} “{text}”, nhận được “{found}” — biểu mẫu đã bị sửa "
                               "(dòng, cột bị chèn, xóa hoặc di chuyển); hãy dùng lại biểu mẫu gốc")
            return False
        return True

    def value(self, cell: str) -> Any:
        """An input cell's value: text trimmed and converted from legacy encodings, % cells as percent."""
        ws_cell = self.ws[cell]
        coord = (ws_cell.row, ws_cell.column)
        if coord in self.merged:
            self.problem(cell, f"ô nhập liệu nằm trong vùng ô gộp {self.merged[coord]} — hãy bỏ gộp ô")
            return None
        value = ws_cell.value
        if isinstance(value, str):
            value = fix_text(value.strip(), self.where(cell), self.warnings)
            return value or None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (ws_cell.number_format or ""):
            return value * 100  # a cell formatted as percent holds 0.8 for 80%
        return value


def _open(path: Path):
    read_data_bytes(path)  # existence and size checks, Vietnamese messages
    try:
        return load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise input_error(f"Không đọc được {path}: không phải tệp Excel .xlsx hợp lệ ({type(exc).__name__}).",
                          hint="Lưu lại tệp bằng Excel hoặc LibreOffice dưới dạng .xlsx.") from None


def _set_path(data: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


def _info_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "list":
        return [v.strip() for v in str(value).split(",") if v.strip()]
    if kind == "flag":
        return {"có": True, "không": False}.get(str(value).strip().lower(), value)
    if kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind == "text" and isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value


def _read_info(sheet: _Sheet, data: dict[str, Any], places: dict[tuple, str]) -> None:
    for col, text in L.INFO_HEADERS.items():
        sheet.expect(f"{col}{L.INFO_HEADER_ROW}", text, "tiêu đề cột")
    for n, fld in enumerate(L.INFO_FIELDS):
        row = L.info_row(n)
        if not sheet.expect(f"A{row}", fld.label, "nhãn"):
            continue
        cell = f"B{row}"
        places[tuple(fld.key.split("."))] = sheet.where(cell)
        value = _info_value(fld.kind, sheet.value(cell))
        if value is not None:
            _set_path(data, fld.key, value)
    for row in range(L.info_row(len(L.INFO_FIELDS)), sheet.ws.max_row + 1):
        kind, _, key = sheet.label(f"{L.INFO_KEY_COL}{row}").partition(":")
        if kind != L.KIND_GROUP_FIELD or not key:
            continue
        cell = f"B{row}"
        places[tuple(key.split("."))] = sheet.where(cell)
        value = _info_value("text" if key == "group" else "raw", sheet.value(cell))
        if key.startswith("group_facts."):
            data.setdefault("group_facts", {})
        if value is not None:
            _set_path(data, key, value)


def _row_keys(sheet: _Sheet, key_col: str, first_row: int) -> list[tuple[int, str, str]]:
    """(row, kind, id) for every keyed row; unkeyed rows with data are errors."""
    out = []
    for row in range(first_row, sheet.ws.max_row + 1):
        key = sheet.label(f"{key_col}{row}")
        if not key:
            continue
        kind, _, ident = key.partition(":")
        out.append((row, kind, ident))
    return out


def _stray_rows(sheet: _Sheet, keyed: set[int], first_row: int, input_cols: list[str], known: set[str]) -> None:
    for row in range(first_row, sheet.ws.max_row + 1):
        if row in keyed:
            continue
        filled = [c for c in input_cols if sheet.ws[f"{c}{row}"].value not in (None, "")]
        if not filled:
            continue
        ident = sheet.label(f"A{row}")
        if ident and ident not in known:
            sheet.problem(f"A{row}", f"không có chỉ tiêu '{ident}' trong bộ tiêu chí của biểu mẫu")
        else:
            sheet.problem(f"{filled[0]}{row}", "dòng này không thuộc biểu mẫu (dòng được chèn thêm) — "
                                               "hãy nhập số liệu vào đúng dòng của chỉ tiêu")


def _check_stt(sheet: _Sheet, row: int, ident: str) -> bool:
    found = sheet.label(f"A{row}")
    if found != ident:
        sheet.problem(f"A{row}", f"cần mã “{ident}”, nhận được “{found}” — dòng của biểu mẫu đã bị sửa hoặc di chuyển")
        return False
    return True


def _read_criteria(sheet: _Sheet, data: dict[str, Any], places: dict[tuple, str]) -> None:
    for col, text in L.CRITERIA_COLUMNS.items():
        sheet.expect(f"{col}{L.HEADER_ROW}", text, "tiêu đề cột")
    rows = _row_keys(sheet, L.KEY_COL, L.FIRST_ROW)
    indicators: dict[str, dict[str, Any]] = {}
    crit_self: dict[str, Any] = {}
    seen: dict[str, int] = {}
    for row, kind, ident in rows:
        if kind == L.KIND_GROUP or not _check_stt(sheet, row, ident):
            continue
        if kind == L.KIND_CRITERION:
            places[("criteria_self_assessment", ident)] = sheet.where(f"{L.SELF_COL}{row}")
            value = sheet.value(f"{L.SELF_COL}{row}")
            if value is not None:
                crit_self[ident] = value
            continue
        if ident in seen:
            sheet.problem(f"A{row}", f"chỉ tiêu {ident} xuất hiện hai lần (dòng {seen[ident]} và dòng {row})")
            continue
        seen[ident] = row
        places[("indicators", ident)] = f"Sheet '{sheet.name}', dòng {row}"
        for field, col in (("value", L.VALUE_COL), ("self_assessment", L.SELF_COL), ("evidence", L.NOTE_COL)):
            places[("indicators", ident, field)] = sheet.where(f"{col}{row}")
        entry = {"value": sheet.value(f"{L.VALUE_COL}{row}")}
        self_value = sheet.value(f"{L.SELF_COL}{row}")
        if self_value is not None:
            entry["self_assessment"] = self_value
        note = sheet.value(f"{L.NOTE_COL}{row}")
        if note is not None:
            entry["evidence"] = str(note)
        indicators[ident] = entry
    _stray_rows(sheet, {r for r, _, _ in rows}, L.FIRST_ROW, [L.VALUE_COL, L.SELF_COL, L.NOTE_COL], set(seen))
    data["indicators"] = indicators
    if crit_self:
        data["criteria_self_assessment"] = crit_self


def _village_columns(sheet: _Sheet) -> list[str]:
    cols = []
    col = L.VILLAGE_FIRST_COL
    while sheet.label(f"{get_column_letter(col)}{L.HEADER_ROW}").startswith("Thôn, bản"):
        cols.append(get_column_letter(col))
        col += 1
    return cols


def _read_villages(sheet: _Sheet, data: dict[str, Any], places: dict[tuple, str]) -> None:
    for col, text in L.VILLAGE_COLUMNS.items():
        sheet.expect(f"{col}{L.HEADER_ROW}", text, "tiêu đề cột")
    for row, text in ((L.VILLAGE_NAME_ROW, "Tên thôn, bản"), (L.VILLAGE_HOUSEHOLDS_ROW, "Số hộ"),
                      (L.VILLAGE_POPULATION_ROW, "Số nhân khẩu")):
        sheet.expect(f"C{row}", text, "nhãn")
    rows = [(r, k, i) for r, k, i in _row_keys(sheet, L.VILLAGE_KEY_COL, L.VILLAGE_FIRST_ROW) if k == L.KIND_INDICATOR]
    rows = [(r, k, i) for r, k, i in rows if _check_stt(sheet, r, i)]
    columns = _village_columns(sheet)
    villages = []
    for col in columns:
        name = sheet.value(f"{col}{L.VILLAGE_NAME_ROW}")
        values = {ident: sheet.value(f"{col}{row}") for row, _, ident in rows}
        if name is None:
            filled = [row for row, _, ident in rows if values[ident] is not None]
            if filled:
                sheet.problem(f"{col}{L.VILLAGE_NAME_ROW}", "cột có số liệu nhưng chưa ghi tên thôn, bản")
            continue
        n = len(villages)
        places[("villages", n)] = sheet.where(f"{col}{L.VILLAGE_NAME_ROW}")
        places[("villages", n, "name")] = sheet.where(f"{col}{L.VILLAGE_NAME_ROW}")
        places[("villages", n, "households")] = sheet.where(f"{col}{L.VILLAGE_HOUSEHOLDS_ROW}")
        places[("villages", n, "population")] = sheet.where(f"{col}{L.VILLAGE_POPULATION_ROW}")
        for row, _, ident in rows:
            places[("villages", n, "indicators", ident)] = sheet.where(f"{col}{row}")
            places[("villages", n, "indicators", ident, "value")] = sheet.where(f"{col}{row}")
        village: dict[str, Any] = {"name": str(name), "indicators": {i: {"value": v} for i, v in values.items()}}
        for attr, row in (("households", L.VILLAGE_HOUSEHOLDS_ROW), ("population", L.VILLAGE_POPULATION_ROW)):
            value = _info_value("int", sheet.value(f"{col}{row}"))
            if value is not None:
                village[attr] = value
        villages.append(village)
    _stray_rows(sheet, {r for r, _, _ in _row_keys(sheet, L.VILLAGE_KEY_COL, L.VILLAGE_FIRST_ROW)},
                L.VILLAGE_FIRST_ROW, columns, {i for _, _, i in rows})
    data["villages"] = villages


def locator(places: dict[tuple, str], fallback: str) -> Locate:
    """The cell for a data path: the longest known prefix of the path."""

    def locate(path: tuple[Any, ...]) -> str:
        for end in range(len(path), 0, -1):
            if path[:end] in places:
                return places[path[:end]]
        if path[:1] == ("indicators",):
            return f"Sheet '{L.CRITERIA_SHEET}'"
        if path[:1] == ("villages",):
            return f"Sheet '{L.VILLAGE_SHEET}'"
        return fallback

    return locate


def read_form(path: str | Path, warnings: list[Problem]) -> tuple[dict[str, Any], Locate]:
    """The assessment data in a filled form, and where each datum came from."""
    path = Path(path)
    wb = _open(path)
    missing = [name for name in (L.INFO_SHEET, L.CRITERIA_SHEET) if name not in wb.sheetnames]
    if missing:
        raise input_error(
            f"Tệp {path} không phải biểu mẫu đánh giá tiêu chí: thiếu sheet " + ", ".join(f"'{m}'" for m in missing) + ".",
            hint="Tạo biểu mẫu bằng lệnh 'dossier excel-template' rồi nhập số liệu vào đó.",
        )
    problems: list[Problem] = []
    data: dict[str, Any] = {}
    places: dict[tuple, str] = {}
    _read_info(_Sheet(wb[L.INFO_SHEET], problems, warnings), data, places)
    _read_criteria(_Sheet(wb[L.CRITERIA_SHEET], problems, warnings), data, places)
    if L.VILLAGE_SHEET in wb.sheetnames:
        _read_villages(_Sheet(wb[L.VILLAGE_SHEET], problems, warnings), data, places)
    if problems:
        raise input_error(f"Biểu mẫu {path} có {len(problems)} lỗi:", problems)
    return data, locator(places, f"{path}")
