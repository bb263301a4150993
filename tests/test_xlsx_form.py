"""The clerks' Excel form: template shape, round trip with the YAML, bad workbooks named by sheet and cell."""

from __future__ import annotations

import openpyxl
import pytest

from dossier.criteria import evaluate, load_assessment
from dossier.errors import DossierError
from dossier.report.form import write_form

from .test_assess_helpers import COMMUNES, ROOT

SAMPLE_XLSX = ROOT / "samples" / "tam-duong" / "communes-xlsx" / "son-binh.xlsx"


def _comparable(assessment):
    data = assessment.model_dump()
    for entry in data["indicators"].values():  # the form holds the rate, not its numerator/denominator
        entry.pop("numerator"), entry.pop("denominator")
    return data


def _row_of(ws, ident):
    return next(r for r in range(5, ws.max_row + 1) if ws[f"I{r}"].value == f"chi_tieu:{ident}")


def _fill_from_yaml(blank, assessment):
    """Fill a blank template cell by cell, the way a clerk would (independent of the writer's fill code)."""
    wb = openpyxl.load_workbook(blank)
    info = wb["Thông tin"]
    labels = {info[f"A{r}"].value: r for r in range(4, info.max_row + 1)}
    info[f"B{labels['Tên đơn vị (xã)']}"] = assessment.commune.name
    info[f"B{labels['Mã đơn vị hành chính']}"] = assessment.commune.code
    info[f"B{labels['Huyện']}"] = assessment.district
    info[f"B{labels['Tỉnh']}"] = assessment.province
    info[f"B{labels['Năm đánh giá']}"] = assessment.year
    info[f"B{labels['Diện tích tự nhiên (km²)']}"] = assessment.facts.area_km2
    info[f"B{labels['Dân số (người)']}"] = assessment.facts.population
    info[f"B{labels['Số hộ']}"] = assessment.facts.households
    info[f"B{labels['Số thôn, bản']}"] = assessment.facts.villages
    info[f"B{labels['Các dân tộc']}"] = ", ".join(assessment.facts.ethnic_groups)
    info[f"B{labels['Dữ liệu mẫu']}"] = "Có"
    info[f"B{labels['Ghi chú']}"] = assessment.note
    ws = wb["Tiêu chí"]
    for ident, entry in assessment.indicators.items():
        row = _row_of(ws, ident)
        ws[f"E{row}"] = float(entry.value) if not isinstance(entry.value, str) else entry.value
        ws[f"F{row}"] = entry.self_assessment
        ws[f"G{row}"] = entry.evidence or None
    vs = wb["Thôn bản"]
    for n, village in enumerate(assessment.villages):
        col = openpyxl.utils.get_column_letter(6 + n)
        vs[f"{col}5"], vs[f"{col}6"], vs[f"{col}7"] = village.name, village.households, village.population
        for ident, entry in village.indicators.items():
            row = next(r for r in range(8, vs.max_row + 1) if vs[f"E{r}"].value == f"chi_tieu:{ident}")
            vs[f"{col}{row}"] = float(entry.value) if not isinstance(entry.value, str) else entry.value
    out = blank.with_name("filled.xlsx")
    wb.save(out)
    return out


@pytest.fixture
def blank(tmp_path):
    return write_form(tmp_path / "mau.xlsx", "xa-ntm-2021-2025", "lai-chau-1487-2024")


def test_template_looks_like_the_official_form(blank):
    wb = openpyxl.load_workbook(blank)
    assert wb.sheetnames == ["Thông tin", "Tiêu chí", "Thôn bản"]
    ws = wb["Tiêu chí"]
    assert [ws[f"{c}4"].value for c in "ABCDEFG"] == [
        "STT", "Tên tiêu chí", "Nội dung tiêu chí (chỉ tiêu)", "Mức đạt chuẩn", "Giá trị (kết quả thực hiện)",
        "Tự đánh giá (Đạt/Chưa đạt)", "Ghi chú (hiện trạng, nguồn số liệu)"]
    assert ws.protection.sheet and wb["Thông tin"].protection.sheet
    row = _row_of(ws, "2.2")
    assert ws[f"E{row}"].protection.locked is False and ws[f"C{row}"].protection.locked is True
    assert ws[f"D{row}"].value == "≥ 70%"
    validated = {str(r) for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges}
    assert f"E{row}" in validated
    assert "Chưa xác minh" in ws[f"H{row}"].value


def test_round_trip_template_filled_read_equals_yaml(blank):
    yaml_assessment = load_assessment(COMMUNES / "son-binh.yaml")
    filled = _fill_from_yaml(blank, yaml_assessment)
    from_excel = load_assessment(filled)
    assert _comparable(from_excel) == _comparable(yaml_assessment)
    assert evaluate(from_excel).met_count == 19


def test_committed_sample_workbook_matches_the_yaml():
    from_excel = evaluate(load_assessment(SAMPLE_XLSX))
    from_yaml = evaluate(load_assessment(COMMUNES / "son-binh.yaml"))
    assert (from_excel.met_count, from_excel.villages_met) == (from_yaml.met_count, from_yaml.villages_met) == (19, 2)


def _broken(tmp_path, change):
    wb = openpyxl.load_workbook(SAMPLE_XLSX)
    change(wb)
    out = tmp_path / "hong.xlsx"
    wb.save(out)
    with pytest.raises(DossierError) as exc:
        load_assessment(out)
    return str(exc.value)


def test_wrong_cell_type_names_sheet_and_cell(tmp_path):
    def change(wb):
        ws = wb["Tiêu chí"]
        ws[f"E{_row_of(ws, '2.2')}"] = "khoảng 80"
    row = _row_of(openpyxl.load_workbook(SAMPLE_XLSX)["Tiêu chí"], "2.2")
    assert f"Sheet 'Tiêu chí', ô E{row}: cần một số phần trăm, nhận được 'khoảng 80'" in _broken(tmp_path, change)


def test_out_of_range_value(tmp_path):
    def change(wb):
        ws = wb["Tiêu chí"]
        ws[f"E{_row_of(ws, '4.2')}"] = 104
    assert "ngoài khoảng cho phép (từ 0 đến 100 %)" in _broken(tmp_path, change)


def test_unknown_indicator_row(tmp_path):
    def change(wb):
        ws = wb["Tiêu chí"]
        r = ws.max_row + 1
        ws[f"A{r}"], ws[f"E{r}"] = "19.3", "Đạt"
    text = _broken(tmp_path, change)
    assert "Sheet 'Tiêu chí', ô A" in text and "không có chỉ tiêu '19.3'" in text


def test_moved_rows_and_columns(tmp_path):
    text = _broken(tmp_path, lambda wb: wb["Tiêu chí"].insert_cols(3))
    assert "Sheet 'Tiêu chí', ô C4: cần tiêu đề cột" in text
    text = _broken(tmp_path, lambda wb: wb["Thông tin"].insert_rows(6))
    assert "Sheet 'Thông tin', ô A6: cần nhãn" in text


def test_merged_input_cells(tmp_path):
    row = _row_of(openpyxl.load_workbook(SAMPLE_XLSX)["Tiêu chí"], "2.2")
    text = _broken(tmp_path, lambda wb: wb["Tiêu chí"].merge_cells(f"E{row - 1}:E{row}"))
    assert f"Sheet 'Tiêu chí', ô E{row}: ô nhập liệu nằm trong vùng ô gộp E{row - 1}:E{row}" in text


def test_missing_value_and_unnamed_village(tmp_path):
    def change(wb):
        ws = wb["Tiêu chí"]
        ws[f"E{_row_of(ws, '17.4')}"] = None
    row = _row_of(openpyxl.load_workbook(SAMPLE_XLSX)["Tiêu chí"], "17.4")
    assert f"Sheet 'Tiêu chí', ô E{row}: chưa có giá trị (cần một số (m²/người))" in _broken(tmp_path, change)
    text = _broken(tmp_path, lambda wb: wb["Thôn bản"].__setitem__("F5", None))
    assert "Sheet 'Thôn bản', ô F5: cột có số liệu nhưng chưa ghi tên thôn, bản" in text


def test_not_a_form(tmp_path):
    path = tmp_path / "khac.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(DossierError, match="không phải biểu mẫu đánh giá tiêu chí"):
        load_assessment(path)
    (tmp_path / "hong.xlsx").write_bytes(b"not a zip")
    with pytest.raises(DossierError, match="không phải tệp Excel"):
        load_assessment(tmp_path / "hong.xlsx")


def test_legacy_text_in_a_cell_is_converted_with_a_warning(tmp_path):
    wb = openpyxl.load_workbook(SAMPLE_XLSX)
    ws = wb["Tiêu chí"]
    row = _row_of(ws, "1.1")
    ws[f"G{row}"] = "§· cã quy ho¹ch chung x©y dùng x· ®\xadîc phª duyÖt"
    out = tmp_path / "tcvn3.xlsx"
    wb.save(out)
    warnings = []
    a = load_assessment(out, warnings)
    assert a.indicators["1.1"].evidence == "Đã có quy hoạch chung xây dựng xã được phê duyệt"
    assert warnings[0].where == f"Sheet 'Tiêu chí', ô G{row}" and "TCVN3" in warnings[0].message


def test_percent_formatted_cell_is_read_as_percent(tmp_path):
    wb = openpyxl.load_workbook(SAMPLE_XLSX)
    ws = wb["Tiêu chí"]
    row = _row_of(ws, "2.2")
    ws[f"E{row}"] = 0.7
    ws[f"E{row}"].number_format = "0%"
    out = tmp_path / "pct.xlsx"
    wb.save(out)
    assert float(load_assessment(out).indicators["2.2"].value) == pytest.approx(70)
