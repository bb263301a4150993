"""The layout of the clerks' Excel assessment form — shared by the writer
(``dossier excel-template``) and the reader, so both agree on every cell."""

from __future__ import annotations

from dataclasses import dataclass

INFO_SHEET = "Thông tin"
CRITERIA_SHEET = "Tiêu chí"
VILLAGE_SHEET = "Thôn bản"

HEADER_ROW = 4  # column headers of the two tables
FIRST_ROW = 5  # first data row of the criteria table

# The criteria table (sheet 'Tiêu chí'): column letter → header
CRITERIA_COLUMNS = {
    "A": "STT",
    "B": "Tên tiêu chí",
    "C": "Nội dung tiêu chí (chỉ tiêu)",
    "D": "Mức đạt chuẩn",
    "E": "Giá trị (kết quả thực hiện)",
    "F": "Tự đánh giá (Đạt/Chưa đạt)",
    "G": "Ghi chú (hiện trạng, nguồn số liệu)",
    "H": "Độ tin cậy của mức đạt chuẩn",
}
VALUE_COL, SELF_COL, NOTE_COL, MARK_COL = "E", "F", "G", "H"
KEY_COL = "I"  # hidden: what the row is ("chi_tieu:2.2", "tieu_chi:2", "nhom:II")

# The village table (sheet 'Thôn bản'): fixed columns, then one column per village
VILLAGE_COLUMNS = {"A": "STT", "B": "Tên tiêu chí", "C": "Nội dung tiêu chí (chỉ tiêu)", "D": "Mức đạt chuẩn"}
VILLAGE_KEY_COL = "E"  # hidden, like KEY_COL
VILLAGE_FIRST_COL = 6  # column F: the first village
VILLAGE_NAME_ROW = 5
VILLAGE_HOUSEHOLDS_ROW = 6
VILLAGE_POPULATION_ROW = 7
VILLAGE_FIRST_ROW = 8
DEFAULT_VILLAGE_COLUMNS = 10

KIND_GROUP = "nhom"
KIND_CRITERION = "tieu_chi"
KIND_INDICATOR = "chi_tieu"


@dataclass(frozen=True)
class InfoField:
    key: str  # dotted path in the assessment data
    label: str
    hint: str = ""
    locked: bool = False  # filled by the template, not by the clerk
    kind: str = "text"  # text | int | number | list | flag


INFO_FIELDS = (
    InfoField("commune.name", "Tên đơn vị (xã)", "Ví dụ: Sơn Bình"),
    InfoField("commune.code", "Mã đơn vị hành chính", "Mã của Tổng cục Thống kê, ví dụ 03413"),
    InfoField("commune.type", "Loại đơn vị", "xã, phường hoặc thị trấn"),
    InfoField("district", "Huyện", "Để trống nếu không còn cấp huyện"),
    InfoField("province", "Tỉnh"),
    InfoField("year", "Năm đánh giá", "Ví dụ: 2024", kind="int"),
    InfoField("criteria_set", "Bộ tiêu chí (mã)", "Do phần mềm ghi, không sửa", locked=True),
    InfoField("override", "Quy định của tỉnh (mã)", "Do phần mềm ghi, không sửa", locked=True),
    InfoField("village_set", "Bộ tiêu chí thôn, bản (mã)", "Do phần mềm ghi, không sửa", locked=True),
    InfoField("facts.area_km2", "Diện tích tự nhiên (km²)", kind="number"),
    InfoField("facts.population", "Dân số (người)", kind="int"),
    InfoField("facts.households", "Số hộ", kind="int"),
    InfoField("facts.villages", "Số thôn, bản", kind="int"),
    InfoField("facts.ethnic_groups", "Các dân tộc", "Cách nhau bởi dấu phẩy", kind="list"),
    InfoField("sample_data", "Dữ liệu mẫu", "Có hoặc Không", kind="flag"),
    InfoField("note", "Ghi chú"),
)
INFO_HEADERS = {"A": "Nội dung", "B": "Giá trị", "C": "Hướng dẫn"}
INFO_HEADER_ROW = 3
INFO_FIRST_ROW = 4

# Sets with commune groups: after the fixed fields, one row for the group and one per fact that
# decides it (the facts come from the set). Column D (hidden) keys them: "nhom_xa:group",
# "nhom_xa:group_facts.agriculture_share_pct".
INFO_KEY_COL = "D"
KIND_GROUP_FIELD = "nhom_xa"
GROUP_LABEL = "Nhóm xã"


def info_row(index: int) -> int:
    return INFO_FIRST_ROW + index


def where(sheet: str, cell: str) -> str:
    """How a place in a workbook is named in messages."""
    return f"Sheet '{sheet}', ô {cell}"
