"""The project's own documents pass `dossier check` with 0 errors: every
bundled template rendered with sample data (the công văn samples as they are,
the named templates with the seed letter's data turned into that kind), as
DOCX and as PDF through LibreOffice."""

from __future__ import annotations

import copy

import pytest
import yaml

from dossier.check import check_file
from dossier.paths import SAMPLES_DIR
from dossier.render.builders import bundled_templates, render

from .test_check_build import convert

SEED = SAMPLES_DIR / "tam-duong" / "cong-van-ubnd-huyen.yaml"
ABBR = {"to-trinh": "TTr", "bao-cao": "BC", "ke-hoach": "KH", "thong-bao": "TB", "quyet-dinh": "QĐ", "bien-ban": "BB"}


def sample_for(kind: str) -> dict:
    """The seed letter's data as a document of ``kind``, dated and numbered."""
    data = copy.deepcopy(yaml.safe_load(SEED.read_text(encoding="utf-8")))
    if kind == "cong-van":
        return data
    data.update(kind=kind, symbol=f"{ABBR[kind]}-UBND", number=7, date="2024-10-31", year=2024,
                subject="Kết quả thực hiện Chương trình MTQG xây dựng nông thôn mới năm 2024")
    data["recipients"] = ["Ủy ban nhân dân tỉnh Lai Châu"] if kind in ("to-trinh", "bao-cao") else []
    if kind == "quyet-dinh":
        data.update(
            subject="Về việc công nhận xã Sơn Bình đạt chuẩn nông thôn mới năm 2024",
            authority_line="Chủ tịch Ủy ban nhân dân huyện Tam Đường",
            legal_bases=["Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
                         "Căn cứ Quyết định số 18/2022/QĐ-TTg ngày 02 tháng 8 năm 2022 của Thủ tướng Chính phủ"],
            proposal="Theo đề nghị của Trưởng phòng Nông nghiệp và Phát triển nông thôn huyện",
            articles=[{"text": "Công nhận xã Sơn Bình đạt chuẩn nông thôn mới năm 2024."},
                      {"text": "Quyết định này có hiệu lực kể từ ngày ký."},
                      {"text": "Chánh Văn phòng HĐND và UBND huyện, Chủ tịch UBND xã Sơn Bình chịu trách nhiệm thi hành."}],
            body=[],
        )
        data["signer"] = {"authority": "TM. ỦY BAN NHÂN DÂN", "title": "CHỦ TỊCH", "name": "Nguyễn Văn An"}
        data["distribution"] = ["Như Điều 3"]
        data["archive"] = "VT, NN."
    if kind == "bien-ban":
        data["secretary"] = {"title": "Thư ký", "name": "Lò Thị Hoa"}
        data["chair"] = {"title": "Chủ trì", "name": "Nguyễn Văn An"}
        data["distribution"] = None
    return data


CASES = [(name, sample) for name in bundled_templates()
         for sample in (["cong-van-ubnd-huyen", "cong-van-son-binh"] if name == "cong-van" else ["seed"])]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated")
    files = {}
    for name, sample in CASES:
        if sample == "seed":
            data_file = out / f"{name}.yaml"
            data_file.write_text(yaml.safe_dump(sample_for(name), allow_unicode=True), encoding="utf-8")
        else:
            data_file = SAMPLES_DIR / "tam-duong" / f"{sample}.yaml"
        files[(name, sample)] = render(name, data_file, out / f"{name}-{sample}.docx")
    return files, out


@pytest.mark.parametrize(("name", "sample"), CASES, ids=[f"{n}-{s}" for n, s in CASES])
def test_generated_docx_has_no_errors(rendered, name, sample):
    files, _ = rendered
    report = check_file(files[(name, sample)])
    assert report.errors == [], report.as_text()
    expected_kind = name.replace("-", "_")
    assert report.kind == expected_kind, report.as_text()


@pytest.mark.libreoffice
@pytest.mark.parametrize(("name", "sample"), CASES, ids=[f"{n}-{s}" for n, s in CASES])
def test_generated_pdf_has_no_errors(rendered, name, sample):
    files, out = rendered
    pdf_dir = out / "pdf"
    pdf_dir.mkdir(exist_ok=True)
    pdf = convert(files[(name, sample)], "pdf", pdf_dir)
    report = check_file(pdf)
    assert report.errors == [], report.as_text()
