"""The document schema: validation messages and the view templates receive."""

from __future__ import annotations

import pytest

from dossier.errors import DossierError
from dossier.load.files import load_mapping
from dossier.models.document import OfficialDocument, document_view, flatten_body
from dossier.models.validation import validate

from .conftest import SAMPLES


def minimal(**overrides):
    data = {
        "issuer": {"name": ["Ủy ban nhân dân", "xã Sơn Bình"]},
        "symbol": "UBND-VP",
        "place": "Sơn Bình",
        "date": "2024-11-04",
        "subject": "báo cáo",
        "recipients": ["Ủy ban nhân dân huyện Tam Đường"],
        "body": ["Nội dung."],
        "signer": {"authority": "TM. ỦY BAN NHÂN DÂN", "title": "CHỦ TỊCH", "name": "Lò Văn Thắng"},
    }
    data.update(overrides)
    return data


def problems(data):
    with pytest.raises(DossierError) as info:
        validate(OfficialDocument, data, "du-lieu.yaml")
    assert info.value.exit_code == 2
    return [str(p) for p in info.value.problems]


def test_samples_validate():
    for name in ("cong-van-ubnd-huyen.yaml", "cong-van-son-binh.yaml"):
        validate(OfficialDocument, load_mapping(SAMPLES / name), name)


def test_missing_and_mistyped_fields_each_named():
    data = minimal(number="năm")
    del data["signer"]["name"]
    found = problems(data)
    assert any("du-lieu.yaml, trường signer.name: thiếu trường bắt buộc" in p for p in found)
    assert any("trường number: cần một số nguyên" in p for p in found)
    assert len(found) == 2


def test_unknown_field_is_reported_not_ignored():
    found = problems(minimal(subjet="lỗi chính tả"))
    assert any("subjet" in p and "không được hỗ trợ" in p for p in found)


def test_signer_prefix_and_academic_title():
    found = problems(minimal(signer={"authority": "THAY MẶT", "title": "CHỦ TỊCH", "name": "TS. Nguyễn Văn A"}))
    assert any("TM., KT., TL., TUQ., Q." in p for p in found)
    assert any("học hàm, học vị" in p for p in found)


def test_symbol_shape():
    found = problems(minimal(symbol="UBND NN"))
    assert any("ký hiệu 'UBND NN'" in p for p in found)


def test_blank_date_needs_year():
    found = problems(minimal(date=None))
    assert any("'year'" in p for p in found)
    validate(OfficialDocument, minimal(date=None, year=2024), "x")


def test_named_kind_symbol_must_match_type():
    found = problems(minimal(kind="to-trinh", symbol="BC-UBND"))
    assert any("TTr-" in p for p in found)


def test_body_numbering_and_end_mark():
    body = [
        "Mở đầu.",
        {"part": "Kết quả", "content": [
            {"heading": "Chỉ đạo", "content": [{"heading": "Ban hành văn bản"}, {"heading": "Kiểm tra"}]},
            {"heading": "Nguồn lực", "content": [{"bullets": ["- Vốn;", "Công"]}]},
        ]},
        {"part": "Kiến nghị", "content": [{"heading": "Với huyện"}]},
        "Kết thúc",
    ]
    texts = [p["text"] for p in flatten_body(body, end_mark=True)]
    assert texts == [
        "Mở đầu.", "I. KẾT QUẢ", "1. Chỉ đạo", "a) Ban hành văn bản", "b) Kiểm tra",
        "2. Nguồn lực", "- Vốn;", "- Công", "II. KIẾN NGHỊ", "1. Với huyện", "Kết thúc./.",
    ]


def test_end_mark_not_doubled_and_punctuation_left_to_template():
    view = document_view(validate(OfficialDocument, minimal(
        body=["Thực hiện./."], recipients=["A;", "B."], distribution=["Như trên;"], archive="Lưu: VT."
    ), "x"))
    assert view["body"][-1]["text"] == "Thực hiện./."
    assert view["recipients"] == ["A", "B"]
    assert view["distribution"] == ["Như trên"]
    assert view["archive"] == "VT."
    assert view["signer"]["lines"] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
