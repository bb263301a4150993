"""The mail merge's reading of a list and its mapping of a row to data
(no LibreOffice): headers, cells, Excel dates and numbers, legacy text,
dotted and numbered headers, placeholders, file names, DOCX-only merges."""

from __future__ import annotations

import datetime as dt
import shutil
import unicodedata

import pytest
from docx import Document
from openpyxl import Workbook

from dossier.errors import DossierError
from dossier.merge import read_table, run_merge
from dossier.merge.names import NameMaker, check_name_pattern, safe_name
from dossier.merge.rows import row_data
from dossier.models.document import OfficialDocument
from dossier.vntext import encode_legacy

from .conftest import SAMPLES

LEGACY = "Ủy ban nhân dân xã Sơn Bình đề nghị các thôn bản báo cáo kết quả"


def xlsx(path, rows, title="Danh sách", above=()):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in above:
        ws.append(row)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_header_found_below_a_title_row_and_cells_cleaned(tmp_path):
    path = xlsx(tmp_path / "ds.xlsx", [
        ["stt", "ten", "han", "so", "ghi chu"],
        [1.0, "  Sơn Bình ", dt.datetime(2024, 12, 6), 2.5, None],
        [None, None, None, None, None],
        [2, "Na\u0300 Tăm", dt.datetime(2024, 12, 6, 8, 30), 3.0, encode_legacy(LEGACY.lower(), "tcvn3")],
    ], above=[["DANH SÁCH (dữ liệu mẫu)"]])
    table = read_table(path)
    assert table.sheet == "Danh sách" and table.header_row == 2
    assert [c.letter for c in table.columns] == ["A", "B", "C", "D", "E"]
    first, second = table.rows
    assert first.number == 3 and second.number == 5  # the empty row is skipped, numbers are the sheet's
    assert first.values == {"stt": 1, "ten": "Sơn Bình", "han": dt.date(2024, 12, 6), "so": 2.5}
    assert isinstance(first.values["stt"], int)
    assert second.values["ten"] == "Nà Tăm"  # NFC
    assert second.values["han"] == dt.datetime(2024, 12, 6, 8, 30)
    assert second.values["so"] == 3 and isinstance(second.values["so"], int)
    assert second.values["ghi chu"] == LEGACY.lower()
    assert "TCVN3" in second.warnings[0].message and "ô E5 (cột 'ghi chu')" in second.warnings[0].where


def test_sheet_choice_and_unknown_sheet(tmp_path):
    wb = Workbook()
    wb.active.title = "Khác"
    wb.active.append(["a", "b"])
    ws = wb.create_sheet("Mời")
    ws.append(["x", "y"])
    ws.append([1, 2])
    wb.save(tmp_path / "ds.xlsx")
    assert read_table(tmp_path / "ds.xlsx", "Mời").rows[0].values == {"x": 1, "y": 2}
    with pytest.raises(DossierError) as err:
        read_table(tmp_path / "ds.xlsx", "Không có")
    assert err.value.exit_code == 2 and "'Khác', 'Mời'" in str(err.value)


@pytest.mark.parametrize("content, words", [
    (b"PK\x03\x04 not really a zip", "không phải tệp Excel"),
    (b"", "không phải tệp Excel"),
])
def test_unreadable_list_is_exit_2(tmp_path, content, words):
    bad = tmp_path / "ds.xlsx"
    bad.write_bytes(content)
    with pytest.raises(DossierError) as err:
        read_table(bad)
    assert err.value.exit_code == 2 and words in err.value.message


def test_duplicate_headers_and_empty_list(tmp_path):
    with pytest.raises(DossierError) as err:
        read_table(xlsx(tmp_path / "a.xlsx", [["ten", "ten"], [1, 2]]))
    assert "ô B1" in str(err.value) and "trùng" in str(err.value)
    empty = tmp_path / "b.xlsx"
    Workbook().save(empty)
    with pytest.raises(DossierError, match="trống"):
        read_table(empty)


def test_csv_semicolons_windows_1258_and_integers(tmp_path):
    path = tmp_path / "ds.csv"
    text = "stt;ten;dien_thoai\n1;Sơn Bình;0912345678\n"
    # Windows-1258 holds ơ whole but ì as i + a combining grave accent
    path.write_bytes(b"".join(_cp1258(ch) for ch in text))
    table = read_table(path)
    assert table.sheet is None
    assert table.rows[0].values == {"stt": 1, "ten": "Sơn Bình", "dien_thoai": "0912345678"}
    assert "Windows-1258" in table.warnings[0].message
    assert table.cell(2, "ten") == "ds.csv, dòng 2, ô B2 (cột 'ten')"


def _cp1258(ch):
    try:
        return ch.encode("cp1258")
    except UnicodeEncodeError:
        return unicodedata.normalize("NFD", ch).encode("cp1258")


def _row(tmp_path, header, values):
    table = read_table(xlsx(tmp_path / "r.xlsx", [header, values]))
    return table, table.rows[0]


def test_dotted_numbered_and_multiline_headers_follow_the_schema(tmp_path):
    table, row = _row(tmp_path, ["signer.name", "recipients.1", "recipients.2", "distribution", "date", "symbol", "stt"],
                      ["Lò Văn Thắng", "UBND xã A", "UBND xã B", "Như trên\nLưu VT", "05/12/2024", 123, 7])
    common = {"signer": {"title": "CHỦ TỊCH", "name": "ai đó"}, "recipients": ["chung"], "subject": "s"}
    data, problems = row_data(table, row, common, "chung.yaml", OfficialDocument)
    assert not problems
    assert data["signer"] == {"title": "CHỦ TỊCH", "name": "Lò Văn Thắng"}  # nested merge keeps the common title
    assert data["recipients"] == ["UBND xã A", "UBND xã B"]  # the row's list replaces the common one
    assert data["distribution"] == ["Như trên", "Lưu VT"]
    assert data["date"] == dt.date(2024, 12, 5)
    assert data["symbol"] == "123"  # a number in a text field is text
    assert data["extra"] == {"stt": 7}  # not a field of the document: extra, for custom templates


def test_placeholders_fill_common_text_with_formats(tmp_path):
    table, row = _row(tmp_path, ["ten", "han", "so"], ["xã Sơn Bình", dt.datetime(2024, 12, 6), 3])
    common = {"body": ["Đề nghị {ten} gửi trước ngày {han} ({so:02d} bản); {{giữ}}"]}
    data, problems = row_data(table, row, common, "chung.yaml", OfficialDocument)
    assert not problems
    assert data["body"] == ["Đề nghị xã Sơn Bình gửi trước ngày 06/12/2024 (03 bản); {giữ}"]
    _, problems = row_data(table, row, {"subject": "mời {tenn}"}, "chung.yaml", OfficialDocument)
    assert problems[0].where == "chung.yaml, trường subject" and "có phải 'ten'" in problems[0].message


def test_names_pattern_column_sanitised_and_unique(tmp_path):
    table = read_table(xlsx(tmp_path / "n.xlsx", [
        ["stt", "ten"], [1, "UBND xã A/B: \"mới\""], [2, "CON"], [3, "UBND xã A/B: \"mới\""], [1, "ubnd xã a-b- -mới"],
    ]))
    maker = NameMaker(table, "{stt:02d}-{ten}", reserved={"bao-cao.json"})
    names = [maker.name(r, None) for r in table.rows]
    assert names[0] == "01-UBND xã A-B-mới"
    assert names[1] == "02-CON"
    assert len({n.lower() for n in names}) == 4
    assert safe_name("CON") == "_CON" and safe_name(" ..a\tb.. ") == "a b"
    assert NameMaker(table, "ten").name(table.rows[1], None) == "_CON"
    with pytest.raises(DossierError, match="không có cột"):
        check_name_pattern("{so_thu_tu}", table)
    with pytest.raises(DossierError, match="sai cú pháp"):
        check_name_pattern("{stt", table)


def test_docx_only_merge_refuses_bad_rows_by_cell_and_keeps_the_others(tmp_path):
    shutil.copy(SAMPLES / "giay-moi" / "chung.yaml", tmp_path / "chung.yaml")
    path = xlsx(tmp_path / "moi.xlsx", [
        ["stt", "ten_don_vi", "recipients", "thanh_phan", "so_dai_bieu", "han_bao_cao", "number", "signer.name"],
        [1, "UBND xã Sơn Bình", "Ủy ban nhân dân xã Sơn Bình", "Chủ tịch", 2.0, dt.datetime(2024, 12, 6), None, None],
        [2, "UBND xã Nà Tăm", "Ủy ban nhân dân xã Nà Tăm", "Chủ tịch", None, dt.datetime(2024, 12, 6), "abc", None],
        [3, "UBND xã Bình Lư", "Ủy ban nhân dân xã Bình Lư", "Chủ tịch", 2, "#REF!", None, "TS. Nguyễn Văn A"],
        [4, "UBND xã Bản Bo", encode_legacy(LEGACY.lower(), "tcvn3"), "Chủ tịch", 1, "06/12/2024", 15, None],
    ], title="Mời")
    report = run_merge("cong-van", path, tmp_path / "out", common=tmp_path / "chung.yaml",
                       name="{stt:02d}-{ten_don_vi}", formats=("docx",))
    assert report.exit_code == 1
    assert [m.row for m in report.made] == [2, 5]
    assert [(r.row, r.sheet) for r in report.refused] == [(3, "Mời"), (4, "Mời")]
    r3, r4 = report.refused
    assert r3.cell == "Sheet 'Mời', dòng 3, ô E3 (cột 'so_dai_bieu')" and "ô trống" in r3.message
    assert any("ô G3 (cột 'number')" in p.where and "cần một số nguyên" in p.message for p in r3.problems)
    assert "#REF!" in r4.message
    assert any("ô H4 (cột 'signer.name')" in p.where and "học hàm" in p.message for p in r4.problems)
    assert any("TCVN3" in w.message and "ô C5" in w.where for w in report.warnings)
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["01-UBND xã Sơn Bình.docx", "04-UBND xã Bản Bo.docx",
                                                      "bao-cao.json", "bao-cao.txt"]
    text = "\n".join(p.text for p in Document(out / "01-UBND xã Sơn Bình.docx").paragraphs)
    assert "Đại diện UBND xã Sơn Bình: Chủ tịch (2 người)." in text
    assert "trước ngày 06/12/2024" in text
    doc = Document(out / "04-UBND xã Bản Bo.docx")
    legacy = "\n".join([p.text for p in doc.paragraphs] +
                       [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert LEGACY.lower() in legacy and "15/UBND-NN" in legacy
    report_text = (out / "bao-cao.txt").read_text(encoding="utf-8")
    assert "từ chối 2 dòng" in report_text and "ô G3 (cột 'number')" in report_text


def test_rerun_removes_only_files_the_previous_merge_made(tmp_path):
    shutil.copy(SAMPLES / "giay-moi" / "chung.yaml", tmp_path / "chung.yaml")
    header = ["stt", "ten_don_vi", "recipients", "thanh_phan", "so_dai_bieu", "han_bao_cao"]
    rows = [[n, f"UBND xã {n}", f"Ủy ban nhân dân xã {n}", "Chủ tịch", 2, dt.datetime(2024, 12, 6)] for n in (1, 2, 3)]
    out = tmp_path / "out"
    out.mkdir()
    (out / "cua-toi.docx").write_bytes(b"the clerk's own file")
    path = xlsx(tmp_path / "ds.xlsx", [header, *rows])
    report = run_merge("cong-van", path, out, name="ten_don_vi", formats=("docx",))
    assert report.exit_code == 0 and len(report.made) == 3
    rows[1][4] = None  # row 3 now refused: its old letter must not stay beside the new report
    xlsx(path, [header, *rows])
    report = run_merge("cong-van", path, out, name="ten_don_vi", formats=("docx",))
    assert [r.row for r in report.refused] == [3]
    assert sorted(p.name for p in out.iterdir()) == ["UBND xã 1.docx", "UBND xã 3.docx", "bao-cao.json",
                                                      "bao-cao.txt", "cua-toi.docx"]


def test_vietnamese_headers_stand_for_fields(tmp_path):
    table, row = _row(tmp_path, ["STT", "Kính gửi", "Người ký", "Ngày ban hành", "Tên đơn vị"],
                      [1, "UBND xã A\nUBND xã B", "Lò Văn Thắng", "05/12/2024", "xã A"])
    data, problems = row_data(table, row, {"signer": {"title": "CHỦ TỊCH"}}, "chung.yaml", OfficialDocument)
    assert not problems
    assert data["recipients"] == ["UBND xã A", "UBND xã B"]
    assert data["signer"] == {"title": "CHỦ TỊCH", "name": "Lò Văn Thắng"}
    assert data["date"] == dt.date(2024, 12, 5)
    assert data["extra"] == {"STT": 1, "Tên đơn vị": "xã A"}
    maker = NameMaker(table, "{STT:02d}-{Tên đơn vị}")
    assert maker.name(row, None) == "01-xã A"


def test_csv_list_and_hostile_cells_print_as_text(tmp_path):
    shutil.copy(SAMPLES / "giay-moi" / "chung.yaml", tmp_path / "ds.yaml")
    path = tmp_path / "ds.csv"
    path.write_text("stt,ten_don_vi,recipients,thanh_phan,so_dai_bieu,han_bao_cao\n"
                    "1,{so_dai_bieu} <script>,\"{{ config }}\nfile:///etc/passwd\",Chủ tịch,2,06/12/2024\n",
                    encoding="utf-8")
    report = run_merge("cong-van", path, tmp_path / "out", formats=("docx",))
    assert report.exit_code == 0, report.summary()
    doc = Document(tmp_path / "out" / f"{report.made[0].name}.docx")
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Đại diện {so_dai_bieu} <script>: Chủ tịch (2 người)." in text  # a cell's braces are never read
    assert "{{ config }}" in text and "file:///etc/passwd" in text
    assert "trước ngày 06/12/2024" in text


def test_a_mistake_in_the_common_file_is_said_once(tmp_path):
    common = (SAMPLES / "giay-moi" / "chung.yaml").read_text(encoding="utf-8").replace("UBND-NN", "UBND NN")
    (tmp_path / "chung.yaml").write_text(common, encoding="utf-8")
    header = ["stt", "ten_don_vi", "recipients", "thanh_phan", "so_dai_bieu", "han_bao_cao"]
    rows = [[n, f"UBND xã {n}", f"Ủy ban nhân dân xã {n}", "Chủ tịch", 2, dt.datetime(2024, 12, 6)] for n in (1, 2)]
    report = run_merge("cong-van", xlsx(tmp_path / "ds.xlsx", [header, *rows]), tmp_path / "out", formats=("docx",))
    assert report.exit_code == 1 and len(report.refused) == 2
    assert report.refused[0].cell == "chung.yaml, trường symbol"
    summary = report.summary()
    assert summary.count("ký hiệu 'UBND NN' không đúng dạng") == 1
    assert "Lỗi trong phần chung chung.yaml" in summary
    with pytest.raises(DossierError, match="là một tệp"):
        run_merge("cong-van", tmp_path / "ds.xlsx", tmp_path / "chung.yaml")


def test_zip_bomb_and_old_formats_are_refused(tmp_path):
    import io
    import zipfile

    bomb = tmp_path / "bom.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (210 * 1024 * 1024))
    bomb.write_bytes(buffer.getvalue())
    with pytest.raises(DossierError, match="giải nén ra quá lớn"):
        read_table(bomb)
    old = tmp_path / "ds.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(DossierError) as err:
        read_table(old)
    assert "lưu thành .xlsx" in str(err.value)


def test_common_kind_must_match_the_bundled_template(tmp_path):
    shutil.copy(SAMPLES / "giay-moi" / "chung.yaml", tmp_path / "chung.yaml")
    path = xlsx(tmp_path / "ds.xlsx", [["stt", "recipients"], [1, "UBND xã A"]])
    with pytest.raises(DossierError) as err:
        run_merge("to-trinh", path, tmp_path / "out")
    assert err.value.exit_code == 2 and "loại 'cong-van' nhưng mẫu là 'to-trinh'" in err.value.message
    assert not (tmp_path / "out").exists()


def test_merged_cells_give_their_value_to_every_row_they_cover(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Danh sách (dữ liệu mẫu)"])
    ws.merge_cells("A1:C1")  # a title above the header: not data
    ws.append(["xa", "ban", "so"])
    ws.append(["Sơn Bình", "Bản Nà Bó", 1])
    ws.append([None, "Bản Hua Bó", 2])
    ws.append([None, "Bản Sơn Thàng", 3])
    ws.append(["Nà Tăm", "Bản Nà Tăm 1", 4])
    ws.merge_cells("A3:A5")
    wb.save(tmp_path / "gop.xlsx")
    table = read_table(tmp_path / "gop.xlsx")
    assert table.header_row == 2
    assert [r.values.get("xa") for r in table.rows] == ["Sơn Bình", "Sơn Bình", "Sơn Bình", "Nà Tăm"]
    assert [r.values["ban"] for r in table.rows] == ["Bản Nà Bó", "Bản Hua Bó", "Bản Sơn Thàng", "Bản Nà Tăm 1"]


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
def test_merged_ranges_read_in_pieces_lose_none(chunk):
    import io
    import zipfile

    from dossier.merge.table import _merged_ranges

    refs = [f"A{r}:B{r + 1}" for r in range(3, 300, 2)]
    xml = ("<worksheet><sheetData/><mergeCells>" + "".join(f'<mergeCell ref="{r}"/>' for r in refs)
           + "</mergeCells></worksheet>").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("xl/worksheets/sheet1.xml", xml)
    found = _merged_ranges(buffer.getvalue(), "xl/worksheets/sheet1.xml", chunk_size=chunk)
    assert found == [(r, 1, r + 1, 2) for r in range(3, 300, 2)]
