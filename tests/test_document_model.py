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


def test_messages_are_vietnamese_for_every_pydantic_error_and_long_values_are_cut():
    from dossier.models.validation import _MESSAGES, Schema

    class Model(Schema):
        n: int
        d: dict[str, int] = {}

    # every error kind YAML/JSON/Excel data can trigger in our schemas has a Vietnamese text
    data_kinds = {"missing", "extra_forbidden", "invalid_key", "string_type", "string_too_short", "string_too_long",
                  "string_pattern_mismatch", "int_type", "int_parsing", "int_parsing_size", "int_from_float",
                  "float_type", "float_parsing", "finite_number", "bool_type", "bool_parsing", "date_type",
                  "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "list_type",
                  "dict_type", "model_type", "literal_error", "enum", "greater_than", "greater_than_equal",
                  "less_than", "less_than_equal", "too_short", "too_long", "union_tag_invalid",
                  "union_tag_not_found", "value_error"}
    assert data_kinds <= set(_MESSAGES) | {"value_error"}, sorted(data_kinds - set(_MESSAGES))
    with pytest.raises(DossierError) as info:
        validate(Model, {1: 2, "n": "x" * 5000, "d": {3: 4}}, "xa.yaml")
    text = str(info.value)
    assert "xa.yaml (tên khóa 1): tên trường phải là chữ" in text
    assert "trường d (tên khóa 3): cần một chuỗi văn bản" in text
    assert "cần một số nguyên, nhận được 'xxxx" in text and "… (5000 ký tự)" in text
    assert len(text) < 600  # the 5,000 characters are not repeated
    assert "should" not in text and "Input" not in text
