"""Assembling a dossier, checked with real readers (pypdf, pdftotext, pdfplumber)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pdfplumber
import pikepdf
import pypdf
import pytest

from dossier.assemble import Cover, DossierSpec, Source, assemble_dossier, page_number_convention
from dossier.errors import EXIT_BUILD_FAILED, DossierError

ROOT = Path(__file__).resolve().parent.parent
ANNEXES = ROOT / "samples" / "tam-duong" / "son-binh" / "phu-luc"
MM = 72 / 25.4


def fake_document(path: Path, title: str, pages: int) -> Path:
    """A stand-in for a DOCX-derived PDF: its own page number top-centre from page 2 (Decree 30)."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name("/Times-Roman")))
    for i in range(pages):
        page = pdf.add_blank_page(page_size=(595.276, 841.89))
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        own = f"BT /F1 13 Tf 293 800 Td ({i + 1}) Tj ET " if i else ""
        page.obj.Contents = pdf.make_stream(f"{own}BT /F1 14 Tf 85 700 Td ({title} p{i + 1}) Tj ET".encode())
    pdf.save(path, deterministic_id=True)
    return path


def cover() -> Cover:
    return Cover(
        title="ĐỀ NGHỊ XÉT, CÔNG NHẬN XÃ SƠN BÌNH\nĐẠT CHUẨN NÔNG THÔN MỚI NĂM 2024", year=2024,
        agencies=["ỦY BAN NHÂN DÂN HUYỆN TAM ĐƯỜNG", "ỦY BAN NHÂN DÂN XÃ SƠN BÌNH"],
        commune="xã Sơn Bình", district="huyện Tam Đường", province="tỉnh Lai Châu",
    )


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> dict[str, list]:
    d = tmp_path_factory.mktemp("docs")
    return {
        "to_trinh": [fake_document(d / "to-trinh.pdf", "To trinh", 2)],
        "bao_cao_ket_qua": [fake_document(d / "bao-cao.pdf", "Bao cao ket qua", 4),
                            Source(ANNEXES / "ban-do-quy-hoach.pdf", "Sơ đồ quy hoạch xã"),
                            Source(ANNEXES / "bang-ke-cat-xen.pdf", "Bảng kê công trình")],
        "bao_cao_tong_hop_y_kien": [fake_document(d / "y-kien.pdf", "Tong hop y kien", 2),
                                    Source(ANNEXES / "y-kien-mttq.pdf", "Ý kiến của Ủy ban MTTQ xã")],
        "bien_ban_hop": [fake_document(d / "bien-ban.pdf", "Bien ban", 3),
                         Source(ANNEXES / "bien-ban-kiem-tra-xoay.pdf", "Biên bản kiểm tra đường giao thông")],
        "bao_cao_no_dong_xdcb": [fake_document(d / "no-dong.pdf", "No dong XDCB", 1)],
        "hinh_anh": [Source(ANNEXES / "anh-duong-lien-ban.jpg", "Đường liên bản"),
                     Source(ANNEXES / "anh-nha-van-hoa.jpg", "Nhà văn hóa bản Nà Bỏ"),
                     ANNEXES / "anh-truong-hoc.png"],
    }


def spec(docs, output: Path, **kw) -> DossierSpec:
    return DossierSpec(kind="xa-ntm", cover=cover(), sources=docs, output=output, source_date_epoch=1732060800, **kw)


@pytest.fixture(scope="module")
def built(docs, tmp_path_factory):
    out = tmp_path_factory.mktemp("build") / "ho-so.pdf"
    return assemble_dossier(spec(docs, out))


def pdftotext(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def outline_pages(pdf: Path) -> dict[str, int]:
    reader = pypdf.PdfReader(pdf)
    found: dict[str, int] = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found[item.title] = reader.get_destination_page_number(item) + 1
    walk(reader.outline)
    return found


def test_page_count_is_cover_contents_and_parts(built, docs):
    source_pages = 2 + 4 + 1 + 1 + 2 + 2 + 3 + 1 + 1 + 3  # documents + annexes + one page per photo
    assert built.pages == len(pypdf.PdfReader(built.pdf_path).pages) == source_pages + 2


def test_bookmarks_point_at_each_part_and_nest_annexes(built):
    reader = pypdf.PdfReader(built.pdf_path)
    top = [o for o in reader.outline if not isinstance(o, list)]
    assert [o.title for o in top][:2] == ["Bìa hồ sơ", "Mục lục"]
    assert len(top) == 2 + 6
    pages = outline_pages(built.pdf_path)
    for number, part in enumerate(built.parts, 1):
        assert pages[f"{number}. {part.title}"] == part.first_page
        for index, segment in enumerate(part.nested(), 1):
            assert pages[f"{number}.{index}. {segment.source.display_title()}"] == segment.first_page
    # the annexes are children of their part
    nested = reader.outline[reader.outline.index(top[3]) + 1]
    assert isinstance(nested, list) and [o.title for o in nested] == ["2.1. Sơ đồ quy hoạch xã", "2.2. Bảng kê công trình"]
    # each part's first page really is that document: its text is there
    assert "To trinh p1" in pdftotext(built.pdf_path, "-f", "3", "-l", "3")


def test_contents_numbers_match_the_real_pages(built):
    pages = outline_pages(built.pdf_path)
    by_number = {title.split(" ", 1)[0].rstrip("."): page for title, page in pages.items() if title[0].isdigit()}
    with pdfplumber.open(built.pdf_path) as pdf:
        rows = [r for t in pdf.pages[1].extract_tables() for r in t]
    listed = {row[0].strip(): int(row[2]) for row in rows if row[0] and row[0].strip()[0].isdigit()}
    assert listed == by_number
    assert len(listed) == 6 + 2 + 1 + 1 + 3


def test_contents_entries_link_to_their_pages(built):
    pdf = pikepdf.open(built.pdf_path)
    targets = []
    for annot in pdf.pages[1].obj.get("/Annots", []):
        dest = annot.get("/Dest")
        if dest is not None:
            targets.append(pikepdf.Page(dest[0]).index + 1)
    assert sorted(set(targets)) == sorted({p.first_page for p in built.parts} | {s.first_page for p in built.parts for s in p.nested()})


def test_every_page_is_stamped_with_its_number(built):
    total = built.pages
    for n in range(1, total + 1):
        text = pdftotext(built.pdf_path, "-f", str(n), "-l", str(n))
        assert f"Trang {n}/{total}" in text, n


def test_unstamp_gives_back_each_page_without_its_number(built):
    from dossier.assemble.stamp import unstamp

    with pikepdf.open(built.pdf_path) as pdf:
        for page in pdf.pages:
            assert unstamp(page) == 1
            assert unstamp(page) == 0  # only our own stamp layer, once
        pdf.save(built.pdf_path.with_name("unstamped.pdf"))
    text = pdftotext(built.pdf_path.with_name("unstamped.pdf"))
    assert not re.search(r"Trang \d+/\d+", text) and "HỒ SƠ" in text  # numbers gone, pages kept


def _display_size(page: pypdf.PageObject) -> tuple[float, float]:
    box = page.cropbox
    w, h = float(box.width), float(box.height)
    return (h, w) if page.rotation % 180 else (w, h)


def test_stamps_are_upright_bottom_right_on_rotated_cropped_and_landscape_pages(built):
    reader = pypdf.PdfReader(built.pdf_path)
    kinds = {"rotated": 0, "cropped": 0, "landscape": 0}
    for n, page in enumerate(reader.pages, 1):
        width, height = _display_size(page)
        if page.rotation:
            kinds["rotated"] += 1
        if [float(v) for v in page.cropbox] != [float(v) for v in page.mediabox]:
            kinds["cropped"] += 1
        if width > height:
            kinds["landscape"] += 1
        xml = pdftotext(built.pdf_path, "-cropbox", "-bbox-layout", "-f", str(n), "-l", str(n))
        words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', xml)
        stamp = [tuple(map(float, w[:4])) for i, w in enumerate(words) if w[4] == f"{n}/{built.pages}" and words[i - 1][4] == "Trang"]
        assert len(stamp) == 1, n
        x0, y0, x1, y1 = stamp[0]
        assert x1 - x0 > y1 - y0, f"page {n}: stamp is not horizontal as displayed"
        assert abs((width - x1) - 12 * MM) < 3, f"page {n}: not 12 mm from the right edge"
        assert 5 * MM < height - y1 < 12 * MM, f"page {n}: not near the bottom edge"
    assert kinds["rotated"] >= 1 and kinds["cropped"] >= 1 and kinds["landscape"] >= 1


def test_stamp_never_meets_the_documents_own_number(built):
    # documents number themselves top-centre; the dossier number is bottom-right
    with pdfplumber.open(built.pdf_path) as pdf:
        page = pdf.pages[3]  # page 2 of the tờ trình
        own = [w for w in page.extract_words() if w["text"] == "2" and w["top"] < page.height / 4]
        stamp = [w for w in page.extract_words() if w["text"] == f"4/{built.pages}"]
    assert own and stamp and stamp[0]["top"] > page.height * 0.9


def test_photos_are_upright_on_a4_pages_with_captions(built):
    photos = next(p for p in built.parts if p.key == "hinh_anh")
    reader = pypdf.PdfReader(built.pdf_path)
    for index, segment in enumerate(photos.segments, 1):
        page = reader.pages[segment.first_page - 1]
        assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842
        text = pdftotext(built.pdf_path, "-f", str(segment.first_page), "-l", str(segment.first_page))
        assert f"Ảnh {index}. {segment.source.display_title()}" in text
    # the cultural house was stored sideways with EXIF orientation 6: placed upright (wider than tall)
    with pdfplumber.open(built.pdf_path) as pdf:
        image = pdf.pages[photos.segments[1].first_page - 1].images[0]
    assert image["srcsize"][0] > image["srcsize"][1]
    assert image["x1"] - image["x0"] > image["bottom"] - image["top"]


def test_metadata(built):
    reader = pypdf.PdfReader(built.pdf_path)
    meta = reader.metadata
    assert meta.title.startswith("HỒ SƠ ĐỀ NGHỊ XÉT, CÔNG NHẬN XÃ SƠN BÌNH")
    assert meta.author == "ỦY BAN NHÂN DÂN XÃ SƠN BÌNH"
    assert meta.subject and "nông thôn mới" in meta.keywords
    assert reader.trailer["/Root"]["/Lang"] == "vi"
    assert meta["/CreationDate"] == "D:20241120000000+00'00'"


def test_manifest(built):
    manifest = json.loads(built.manifest_path.read_text(encoding="utf-8"))
    assert manifest["sha256"] == hashlib.sha256(built.pdf_path.read_bytes()).hexdigest()
    assert manifest["pages"] == built.pages and manifest["metadata"]["lang"] == "vi"
    assert [p["key"] for p in manifest["parts"]] == [
        "to_trinh", "bao_cao_ket_qua", "bao_cao_tong_hop_y_kien", "bien_ban_hop", "bao_cao_no_dong_xdcb", "hinh_anh"]
    first = manifest["parts"][1]
    assert first["pages"] == [5, 10]
    mttq = manifest["parts"][2]["sources"][1]
    assert mttq["file"] == "y-kien-mttq.pdf"
    assert mttq["sha256"] == hashlib.sha256((ANNEXES / "y-kien-mttq.pdf").read_bytes()).hexdigest()
    assert manifest["page_numbers"] == page_number_convention()


def test_fonts_are_embedded_and_stamp_font_shared(built):
    fonts = subprocess.run(["pdffonts", str(built.pdf_path)], capture_output=True, text=True, check=True).stdout
    stamp_fonts = [line for line in fonts.splitlines() if "+LiberationSerif " in line + " "]
    assert len(stamp_fonts) == 1  # one stamp font object for every page


def test_reproducible(docs, built, tmp_path):
    again = assemble_dossier(spec(docs, tmp_path / "ho-so.pdf"))
    assert again.sha256 == built.sha256
    assert (tmp_path / "ho-so.pdf").read_bytes() == built.pdf_path.read_bytes()
    assert (tmp_path / "manifest.json").read_bytes() == built.manifest_path.read_bytes()


def test_rebuild_unchanged_does_not_rewrite(docs, tmp_path):
    first = assemble_dossier(spec(docs, tmp_path / "ho-so.pdf"))
    second = assemble_dossier(spec(docs, tmp_path / "ho-so.pdf"))
    assert first.written and not second.written


def test_missing_parts_are_all_listed_and_nothing_written(docs, tmp_path):
    partial = {k: v for k, v in docs.items() if k not in ("bien_ban_hop", "bao_cao_no_dong_xdcb")}
    out = tmp_path / "out" / "ho-so.pdf"
    with pytest.raises(DossierError) as info:
        assemble_dossier(spec(partial, out))
    error = info.value
    assert error.exit_code == EXIT_BUILD_FAILED
    text = str(error)
    assert "Biên bản cuộc họp" in text and "nợ đọng xây dựng cơ bản" in text
    assert len(error.problems) == 2
    assert not out.exists() and not (out.parent / "manifest.json").exists()
    assert not [p for p in out.parent.glob("*") if p.name != ".dossier.lock"] if out.parent.exists() else True


def test_optional_part_may_be_absent(docs, tmp_path):
    without = {k: v for k, v in docs.items() if k != "hinh_anh"}
    result = assemble_dossier(spec(without, tmp_path / "ho-so.pdf"))
    assert [p.key for p in result.parts][-1] == "bao_cao_no_dong_xdcb"


def test_draft_marks_missing_parts_and_stamps_every_page(docs, tmp_path):
    partial = {k: v for k, v in docs.items() if k != "bien_ban_hop"}
    result = assemble_dossier(spec(partial, tmp_path / "du-thao.pdf", draft=True))
    assert result.missing == ["Biên bản cuộc họp đề nghị xét, công nhận xã đạt chuẩn nông thôn mới"]
    with pdfplumber.open(result.pdf_path) as pdf:
        rows = [r for t in pdf.pages[1].extract_tables() for r in t]
    missing_row = next(r for r in rows if r[0] == "4")
    assert missing_row[2] == "(còn thiếu)"
    with pdfplumber.open(result.pdf_path) as pdf:
        for page in pdf.pages:  # the watermark: big diagonal grey letters on every page
            big = [c for c in page.chars if c["size"] > 50]
            assert "".join(c["text"] for c in big).replace(" ", "") == "DỰTHẢO", page.page_number
            assert abs(big[0]["matrix"][1]) > 0.5  # diagonal: the text matrix has a rotation
    assert "Bản dự thảo" in pdftotext(result.pdf_path, "-f", "1", "-l", "1")
    manifest = json.loads(result.manifest_path.read_text(encoding="utf-8"))
    assert manifest["draft"] is True and manifest["parts"][3]["missing"] is True


def test_unknown_part_key_is_an_input_error(docs, tmp_path):
    with pytest.raises(DossierError) as info:
        assemble_dossier(spec({**docs, "bao_cao_la": docs["to_trinh"]}, tmp_path / "x.pdf"))
    assert "bao_cao_la" in str(info.value) and info.value.exit_code == 2


def test_dedupe_shrinks_repeated_fonts_and_images(docs, tmp_path):
    # the same annex repeated in several parts: its image and fonts are stored once
    repeated = {k: list(v) for k, v in docs.items()}
    for key in ("to_trinh", "bien_ban_hop", "bao_cao_no_dong_xdcb"):
        repeated[key] = [*repeated[key], ANNEXES / "y-kien-mttq.pdf"]
    merged = assemble_dossier(spec(repeated, tmp_path / "a" / "ho-so.pdf"))
    plain = assemble_dossier(spec(repeated, tmp_path / "b" / "ho-so.pdf", dedupe=False))
    small, big = merged.pdf_path.stat().st_size, plain.pdf_path.stat().st_size
    assert small < big * 0.8, (small, big)
    assert merged.pages == plain.pages


def test_district_dossier_nests_the_commune_dossier(built, docs, tmp_path):
    result = assemble_dossier(DossierSpec(
        kind="huyen-ntm", cover=Cover(title="ĐỀ NGHỊ THẨM ĐỊNH, XÉT, CÔNG NHẬN XÃ SƠN BÌNH", year=2024,
                                      district="huyện Tam Đường", province="tỉnh Lai Châu"),
        sources={"to_trinh_huyen": docs["to_trinh"], "bao_cao_tham_tra": docs["bao_cao_no_dong_xdcb"],
                 "ho_so_xa": [Source(built.pdf_path, "Hồ sơ xã Sơn Bình")]},
        output=tmp_path / "huyen" / "ho-so.pdf", source_date_epoch=0))
    inner = next(p for p in result.parts if p.key == "ho_so_xa").segments[0]
    offset = inner.first_page - 1
    pages = outline_pages(result.pdf_path)
    commune = outline_pages(built.pdf_path)
    for number, part in enumerate(built.parts, 1):  # the commune's bookmarks moved to their new pages
        assert pages[f"{number}. {part.title}"] == commune[f"{number}. {part.title}"] + offset
    # the inner pages keep the commune numbering its contents refer to; the district's sits above it
    n = inner.first_page + 5
    text = pdftotext(result.pdf_path, "-f", str(n), "-l", str(n))
    assert f"Trang {n}/{result.pages}" in text and f"Trang 6/{built.pages}" in text
    assert text.index(f"Trang {n}/") < text.index(f"Trang 6/{built.pages}")


def test_watermark_only_stamp_for_previews(tmp_path):
    from dossier.assemble.stamp import already_stamped, stamp_pages

    pdf = pikepdf.open(fake_document(tmp_path / "a.pdf", "Xem truoc", 2))
    stamp_pages(pdf, draft=True, numbers=False)
    pdf.save(tmp_path / "b.pdf")
    text = pdftotext(tmp_path / "b.pdf")
    assert "Trang" not in text and "Xem truoc p2" in text
    with pdfplumber.open(tmp_path / "b.pdf") as doc:
        assert all("".join(c["text"] for c in p.chars if c["size"] > 50) == "DỰ THẢO" for p in doc.pages)
    assert not any(already_stamped(p) for p in pikepdf.open(tmp_path / "b.pdf").pages)
