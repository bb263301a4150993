"""Reading a mail-merge list (Excel .xlsx or .csv) into rows of clean values.

The header row is found (title rows above it are allowed), every cell is
cleaned as a data file is (NFC, control characters, size), legacy TCVN3/VNI
text is converted with a warning, Excel dates become dates and integer-valued
numbers become integers. Every value keeps the cell it came from, so later
errors can name the sheet, the row and the cell (column letter and header).
A list that cannot be read at all is a :class:`~dossier.errors.DossierError`
(exit 2); problems of single rows are left to the caller.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from ..errors import Problem, input_error
from ..load.files import MAX_STRING_CHARS, clean_text, read_data_bytes
from ..load.text import fix_text  # the assessment forms' legacy-text rule

SUFFIXES = (".xlsx", ".xlsm", ".csv")
MAX_ROWS = 10_000  # documents in one list
MAX_COLUMNS = 200
HEADER_SCAN_ROWS = 20  # title rows allowed above the header row
MAX_BLANK_RUN = 1000  # this many empty rows in a row end the list
MAX_EXPANDED_BYTES = 200 * 1024 * 1024  # a workbook's parts once unzipped
EXCEL_ERRORS = ("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!")
_CSV_INTEGER = re.compile(r"^-?(0|[1-9]\d{0,14})$")


@dataclass(frozen=True)
class Column:
    letter: str  # "C"
    header: str  # "signer.name"


@dataclass
class Row:
    """One data row: values by header (empty cells left out), problems and warnings of its cells."""

    number: int  # the row number in the sheet (or line in the CSV)
    values: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class Table:
    source: str  # the list's file name as the clerk gave it
    sheet: str | None  # None for CSV
    header_row: int
    columns: list[Column]
    rows: list[Row]
    warnings: list[Problem] = field(default_factory=list)

    def column(self, header: str) -> Column | None:
        return next((c for c in self.columns if c.header == header), None)

    def place(self, row: int | None = None) -> str:
        """'Sheet 'Danh sách', dòng 5' (or the CSV file and line)."""
        base = f"Sheet '{self.sheet}'" if self.sheet is not None else self.source
        return f"{base}, dòng {row}" if row is not None else base

    def cell(self, row: int, header: str) -> str:
        """'Sheet 'Danh sách', dòng 5, ô C5 (cột 'signer.name')'."""
        col = self.column(header)
        if col is None:
            return self.place(row)
        return f"{self.place(row)}, ô {col.letter}{row} (cột '{header}')"


def read_table(path: str | Path, sheet: str | None = None) -> Table:
    """Read the list at ``path`` (.xlsx or .csv); ``sheet`` names the worksheet (default: the first)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise input_error(f"Không đọc được danh sách {path}: chỉ nhận tệp Excel .xlsx hoặc .csv.",
                          hint="Tệp .xls hoặc .ods: mở bằng Excel hoặc LibreOffice rồi lưu thành .xlsx."
                          if suffix in (".xls", ".ods") else None)
    raw = read_data_bytes(path)
    if suffix == ".csv":
        if sheet is not None:
            raise input_error(f"Tệp {path.name} là tệp .csv, không có sheet '{sheet}'.",
                              hint="Bỏ tùy chọn --sheet, hoặc dùng tệp Excel .xlsx.")
        grid, warnings = _csv_grid(raw, path)
        return _table(grid, path.name, None, warnings)
    name, grid, merged = _xlsx_grid(raw, path, sheet)
    return _table(grid, path.name, name, [], merged)


def _check_zip(raw: bytes, path: Path) -> None:
    """Refuse a workbook that would expand to far more than a list can hold (a "ZIP bomb")."""
    try:
        members = zipfile.ZipFile(io.BytesIO(raw)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # openpyxl says it is not a workbook
    expanded = sum(m.file_size for m in members)
    if expanded > MAX_EXPANDED_BYTES or len(members) > 10_000:
        raise input_error(f"Tệp {path} giải nén ra quá lớn ({expanded} byte, tối đa {MAX_EXPANDED_BYTES} byte).",
                          hint="Danh sách chỉ cần một sheet với các dòng dữ liệu; lưu lại tệp bằng Excel.")


Merged = list[tuple[int, int, int, int]]  # (first row, first column, last row, last column), 1-based
_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})\"")


def _merged_ranges(raw: bytes, member: str | None, chunk_size: int = 1 << 20) -> Merged:
    """The sheet's merged ranges, read from its XML in pieces (read-only openpyxl does not
    give them, and a whole sheet's XML may be large)."""
    from openpyxl.utils import column_index_from_string

    if not member:
        return []
    out: Merged = []

    def found(m: re.Match[bytes]) -> None:
        out.append((int(m.group(2)), column_index_from_string(m.group(1).decode()),
                    int(m.group(4)), column_index_from_string(m.group(3).decode())))

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf, zf.open(member.lstrip("/")) as xml:
            tail = b""
            while chunk := xml.read(chunk_size):
                data = tail + chunk
                cut = max(0, len(data) - 200)  # a tag cut at the chunk's end starts after this: read again
                for m in _MERGE_REF.finditer(data):
                    if m.start() < cut:
                        found(m)
                tail = data[cut:]
            for m in _MERGE_REF.finditer(tail):
                found(m)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return []
    return sorted(set(out))


def _xlsx_grid(raw: bytes, path: Path, sheet: str | None) -> tuple[str, list[tuple[int, list[Any]]], Merged]:
    from openpyxl import load_workbook

    _check_zip(raw, path)
    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise input_error(f"Không đọc được {path}: không phải tệp Excel .xlsx hợp lệ ({type(exc).__name__}).",
                          hint="Lưu lại tệp bằng Excel hoặc LibreOffice dưới dạng .xlsx.") from None
    try:
        names = [ws.title for ws in wb.worksheets]
        if not names:
            raise input_error(f"Tệp {path} không có sheet nào.")
        if sheet is None:
            ws = wb.worksheets[0]
        elif sheet in names:
            ws = wb[sheet]
        else:
            raise input_error(f"Tệp {path} không có sheet '{sheet}'.",
                              hint="Các sheet có trong tệp: " + ", ".join(f"'{n}'" for n in names) + ".")
        grid = []
        blank_run = 0
        try:
            for number, values in enumerate(ws.iter_rows(values_only=True, max_col=MAX_COLUMNS), 1):
                if all(_is_blank(v) for v in values):
                    blank_run += 1
                    if blank_run > MAX_BLANK_RUN and grid:
                        break  # formatted but empty rows down to the sheet's end
                    continue
                blank_run = 0
                grid.append((number, list(values)))
                if len(grid) > MAX_ROWS + HEADER_SCAN_ROWS:
                    _too_many(path)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
            raise input_error(f"Không đọc được sheet '{ws.title}' của {path} ({type(exc).__name__}).",
                              hint="Lưu lại tệp bằng Excel hoặc LibreOffice dưới dạng .xlsx.") from None
        return ws.title, grid, _merged_ranges(raw, getattr(ws, "_worksheet_path", None))
    finally:
        wb.close()


def _too_many(path: Path) -> None:
    raise input_error(f"Danh sách {path} quá dài: tối đa {MAX_ROWS} dòng.",
                      hint="Tách danh sách thành nhiều tệp nhỏ hơn.")


def _csv_grid(raw: bytes, path: Path) -> tuple[list[tuple[int, list[Any]]], list[Problem]]:
    warnings = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's plain "CSV" on a Vietnamese Windows writes Windows-1258.
        text = raw.decode("cp1258", errors="replace")
        warnings.append(Problem(path.name, "tệp không phải UTF-8; đã đọc theo bảng mã Windows-1258 "
                                           "(nên lưu lại bằng \"CSV UTF-8\")"))
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    grid = []
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), 1):
            grid.append((number, [_csv_value(v) for v in values[:MAX_COLUMNS]]))
            if len(grid) > MAX_ROWS + HEADER_SCAN_ROWS:
                _too_many(path)
    except csv.Error as exc:
        raise input_error(f"Tệp CSV {path} sai cú pháp: {exc}.") from None
    return grid, warnings


def _csv_value(text: str) -> Any:
    text = text.strip()
    if _CSV_INTEGER.match(text):
        return int(text)  # "0912…" (leading zero) stays text
    return text


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _find_header(grid: list[tuple[int, list[Any]]]) -> int:
    """Index in ``grid`` of the header row: the first of the top rows with at
    least two texts and nothing else (title rows hold one merged cell)."""
    for index, (_number, values) in enumerate(grid[:HEADER_SCAN_ROWS]):
        filled = [v for v in values if not _is_blank(v)]
        if len(filled) >= 2 and all(isinstance(v, str) for v in filled):
            return index
    for index, (_number, values) in enumerate(grid[:HEADER_SCAN_ROWS]):
        if any(not _is_blank(v) for v in values):
            return index  # a one-column list
    return -1


def _fill_merged(grid: list[tuple[int, list[Any]]], merged: Merged, header_row: int) -> None:
    """A merged range of data cells (a commune's name beside each of its villages) gives
    its value to every cell it covers, as the clerk sees it in Excel."""
    rows = {number: values for number, values in grid}
    for r1, c1, r2, c2 in merged:
        if r1 <= header_row or r1 not in rows or c1 > MAX_COLUMNS:
            continue
        first = rows[r1]
        value = first[c1 - 1] if c1 - 1 < len(first) else None
        if _is_blank(value):
            continue
        for number in range(r1, min(r2, r1 + MAX_ROWS) + 1):
            values = rows.get(number)
            if values is None:
                continue  # a row empty but for the merged range is no row of the list
            values.extend([None] * (min(c2, MAX_COLUMNS) - len(values)))
            for col in range(c1, min(c2, MAX_COLUMNS) + 1):
                if _is_blank(values[col - 1]):
                    values[col - 1] = value


def _table(grid: list[tuple[int, list[Any]]], source: str, sheet: str | None, warnings: list[Problem],
           merged: Merged = ()) -> Table:
    where = f"Sheet '{sheet}'" if sheet is not None else source
    index = _find_header(grid)
    if index < 0:
        raise input_error(f"Danh sách {source} trống: không có dòng tiêu đề và dữ liệu.",
                          hint="Dòng đầu tiên ghi tên các cột (ví dụ recipients, signer.name), "
                               "mỗi dòng dưới là một văn bản.")
    header_row, header_values = grid[index]
    if merged:
        _fill_merged(grid, list(merged), header_row)
    columns: list[tuple[int, Column]] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for i, value in enumerate(header_values):
        if _is_blank(value):
            continue
        letter = get_column_letter(i + 1)
        header = clean_text(str(value)).strip()
        if header in seen:
            problems.append(Problem(f"{where}, ô {letter}{header_row}",
                                    f"tiêu đề cột '{header}' trùng với cột {seen[header]}"))
            continue
        seen[header] = letter
        columns.append((i, Column(letter, header)))
    if problems:
        raise input_error(f"Dòng tiêu đề của danh sách {source} có lỗi:", problems,
                          hint="Mỗi cột một tên riêng.")
    known = {i for i, _ in columns}
    rows = []
    for number, values in grid[index + 1:]:
        if all(_is_blank(v) for v in values):
            continue
        row = Row(number, {})
        for i, value in enumerate(values):
            if _is_blank(value):
                continue
            if i not in known:
                letter = get_column_letter(i + 1)
                warning = Problem(f"{where}, cột {letter}", "cột có dữ liệu nhưng không có tiêu đề: bỏ qua")
                if warning not in warnings:
                    warnings.append(warning)
                continue
        for i, col in columns:
            value = values[i] if i < len(values) else None
            cleaned = _cell_value(value, f"{where}, dòng {number}, ô {col.letter}{number} (cột '{col.header}')", row)
            if cleaned is not None:
                row.values[col.header] = cleaned
        if row.values or row.problems:
            rows.append(row)
    if len(rows) > MAX_ROWS:
        _too_many(Path(source))
    return Table(source, sheet, header_row, [c for _, c in columns], rows, warnings)


def _cell_value(value: Any, where: str, row: Row) -> Any:
    """A cell as data: text cleaned (legacy encodings converted), dates as dates,
    integer-valued numbers as integers; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text in EXCEL_ERRORS:
            row.problems.append(Problem(where, f"ô có lỗi công thức Excel {text}"))
            return None
        if len(text) > MAX_STRING_CHARS:
            row.problems.append(Problem(where, f"chuỗi dài {len(text)} ký tự, tối đa {MAX_STRING_CHARS} ký tự"))
            return None
        return fix_text(clean_text(text), where, row.warnings).strip() or None
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            row.problems.append(Problem(where, "số không hợp lệ"))
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    return value  # int, date, time
