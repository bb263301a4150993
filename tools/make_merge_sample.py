"""Write the mail-merge sample list samples/tam-duong/giay-moi/danh-sach.xlsx
(sample data: an invitation from the district to each commune and to some
villages), from the sample communes' own names.

    .venv/bin/python tools/make_merge_sample.py
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "tam-duong"
OUT = SAMPLES / "giay-moi" / "danh-sach.xlsx"
HEADERS = ["stt", "ten_don_vi", "recipients", "thanh_phan", "so_dai_bieu", "han_bao_cao"]


def rows() -> list[list[object]]:
    communes = []
    for path in sorted((SAMPLES / "communes").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        communes.append((data["commune"]["name"], [v["name"] for v in data.get("villages", [])]))
    out = []
    deadline = dt.datetime(2024, 12, 6)
    for name, _ in communes:
        out.append([f"UBND xã {name}", f"Ủy ban nhân dân xã {name}",
                    "Chủ tịch hoặc Phó Chủ tịch UBND xã và công chức phụ trách nông thôn mới", 2, deadline])
    for i, (name, villages) in enumerate(communes):
        for village in villages[:2 if i < 6 else 1]:
            out.append([f"{village}, xã {name}", f"Trưởng {village[0].lower()}{village[1:]}, xã {name}",
                        "Trưởng bản", 1, deadline])
    return [[n, *row] for n, row in enumerate(out, 1)]


def main() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws["A1"] = "DANH SÁCH ĐƠN VỊ ĐƯỢC MỜI DỰ HỘI NGHỊ (DỮ LIỆU MẪU, không phải danh sách thật)"
    ws["A1"].font = Font(bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.append(HEADERS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    data = rows()
    assert len(data) == 30, len(data)
    for row in data:
        ws.append(row)
        ws.cell(ws.max_row, 6).number_format = "DD/MM/YYYY"
    for col, width in zip("ABCDEF", (5, 34, 44, 50, 12, 14)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    wb.save(buffer)
    OUT.write_bytes(_fixed_zip(buffer.getvalue()))
    print(f"wrote {OUT.relative_to(ROOT)} ({len(data)} rows)")


def _fixed_zip(data: bytes) -> bytes:
    """The workbook with fixed zip timestamps and properties (reproducible bytes)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                import re

                body = re.sub(rb"<dcterms:(created|modified)([^>]*)>[^<]*<", rb"<dcterms:\1\2>2024-12-02T00:00:00Z<", body)
            fixed = zipfile.ZipInfo(info.filename, (2024, 12, 2, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, body)
    return out.getvalue()


if __name__ == "__main__":
    main()
