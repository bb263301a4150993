"""One font per shipped face (dossier/assemble/fontmerge.py), checked with real
readers: pdffonts, pdftotext, pdftoppm renderings compared byte for byte.

The Sơn Bình dossier is built once for real (LibreOffice, WeasyPrint, stamps);
the PDF as it was just before the merge is kept, so merged and unmerged files
come from the same build. Small synthetic PDFs then pin down each piece:
LibreOffice-like symbolic simple fonts, WinAnsi simple fonts, WeasyPrint
Type0 fonts, foreign fonts, word spacing, shared streams, forms, ExtGState."""

from __future__ import annotations

import io
import re
import subprocess
import time
from pathlib import Path

import pikepdf
import pytest
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable
from pikepdf import Array, Dictionary, Name

from dossier.assemble import build as build_module
from dossier.assemble.dedupe import dedupe_objects
from dossier.assemble.fontmerge import merge_font_subsets, parse_to_unicode, shipped_faces
from dossier.paths import FONTS_DIR

from .conftest import SAMPLES, pdftotext

REGULAR = FONTS_DIR / "LiberationSerif-Regular.ttf"
BOLD = FONTS_DIR / "LiberationSerif-Bold.ttf"
ITALIC = FONTS_DIR / "LiberationSerif-Italic.ttf"
FACE_NAMES = {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationSerif-BoldItalic"}
VIETNAMESE = "Ủy ban nhân dân xã Sơn Bình đạt chuẩn nông thôn mới"


# --------------------------------------------------------------------------- readers


def pdffonts(pdf: Path) -> list[dict[str, str]]:
    """pdffonts' table, one dict per font (columns cut where the dashes line says)."""
    lines = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()
    spans = [m.span() for m in re.finditer(r"-+", lines[1])]
    keys = ["name", "type", "encoding", "emb", "sub", "uni", "object", "gen"]
    return [{k: line[a:b + 1].strip() if i < len(spans) - 1 else line[a:].strip()
             for i, (k, (a, b)) in enumerate(zip(keys, spans))} for line in lines[2:] if line.strip()]


def renderings(pdf: Path, tmp: Path, dpi: int = 60) -> list[bytes]:
    """Every page rasterised by pdftoppm (PPM bytes, comparable byte for byte)."""
    out = tmp / f"ppm-{pdf.stem}-{dpi}"
    out.mkdir()
    subprocess.run(["pdftoppm", "-r", str(dpi), str(pdf), str(out / "p")], check=True)
    return [p.read_bytes() for p in sorted(out.glob("*.ppm"))]


def font_program_bytes(pdf: Path) -> int:
    """Stored (compressed) bytes of every embedded font program, each object counted once."""
    with pikepdf.open(pdf) as doc:
        seen: set[tuple[int, int]] = set()
        total = 0
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == Name.FontDescriptor:
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    stream = obj.get(key)
                    if isinstance(stream, pikepdf.Stream) and stream.objgen not in seen:
                        seen.add(stream.objgen)
                        total += len(stream.read_raw_bytes())
        return total


def merge_file(src: Path, dst: Path) -> int:
    with pikepdf.open(src) as pdf:
        count = merge_font_subsets(pdf)
        pdf.save(dst, deterministic_id=True)
    return count


def fingerprint(font: pikepdf.Object) -> tuple:
    """What identifies a font across saves (object numbers change): type, name, program bytes."""
    holder = font.DescendantFonts[0] if font.Subtype == Name.Type0 else font
    descriptor = holder.get("/FontDescriptor")
    program = descriptor.get("/FontFile2") if descriptor is not None else None
    return str(font.Subtype), str(font.BaseFont), program.read_bytes() if program is not None else None


def page_fonts(pdf: Path, index: int = 0) -> dict[str, tuple]:
    """Resource name → fingerprint of the fonts of one page."""
    with pikepdf.open(pdf) as doc:
        return {str(k): fingerprint(v) for k, v in doc.pages[index].obj.Resources.Font.items()}


# --------------------------------------------------------------------------- the real dossier


@pytest.fixture(scope="module")
def sonbinh(tmp_path_factory):
    """The Sơn Bình dossier built for real, and the same PDF just before the merge."""
    from dossier.pipeline import commune

    out = tmp_path_factory.mktemp("fontmerge") / "son-binh"
    before: list[bytes] = []
    seconds: list[float] = []
    real = build_module.merge_font_subsets

    def spy(pdf, *args, **kwargs):
        buffer = io.BytesIO()
        pdf.save(buffer)
        before.append(buffer.getvalue())
        start = time.perf_counter()
        try:
            return real(pdf, *args, **kwargs)
        finally:
            seconds.append(time.perf_counter() - start)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(build_module, "merge_font_subsets", spy)
        commune.build(SAMPLES / "ho-so-son-binh.yaml", out)
    assert len(before) == 1
    # what the build writes with the merge left out: the same pages, de-duplicated, saved alike
    unmerged = out.parent / "unmerged.pdf"
    with pikepdf.open(io.BytesIO(before[0])) as pdf:
        dedupe_objects(pdf)
        pdf.save(unmerged, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return {"merged": out / "ho-so.pdf", "unmerged": unmerged, "before": before[0], "seconds": seconds[0]}


@pytest.mark.libreoffice
def test_one_embedded_font_per_face(sonbinh):
    unmerged = pdffonts(sonbinh["unmerged"])
    assert len(unmerged) > 8  # one subset per face and part before the merge
    fonts = pdffonts(sonbinh["merged"])
    faces = [f["name"].split("+", 1)[1] for f in fonts]
    assert sorted(faces) == sorted(FACE_NAMES)  # exactly one per face, nothing else
    for font in fonts:
        assert re.fullmatch(r"[A-Z]{6}\+\S+", font["name"])
        assert font["type"] == "CID TrueType" and font["encoding"] == "Identity-H"
        assert font["emb"] == font["sub"] == font["uni"] == "yes"


@pytest.mark.libreoffice
def test_text_extraction_is_unchanged(sonbinh):
    merged, unmerged = pdftotext(sonbinh["merged"]), pdftotext(sonbinh["unmerged"])
    assert merged == unmerged
    assert "Ủy ban nhân dân xã Sơn Bình" in merged and "nông thôn mới" in merged
    assert "Trang 3/" in merged  # the stamps, now drawn with the documents' regular face
    for option in ("-layout", "-raw"):
        assert pdftotext(sonbinh["merged"], option) == pdftotext(sonbinh["unmerged"], option)


@pytest.mark.libreoffice
def test_every_page_renders_identically(sonbinh, tmp_path):
    # Every page at 60 dpi: cover and contents (WeasyPrint), the documents (LibreOffice:
    # bold, italic, bold italic Vietnamese), photo captions, and the page-number stamps
    # on all of them. Glyph outlines and advances are the sources' own, so the rasters
    # are byte-identical: no tolerance is needed.
    merged = renderings(sonbinh["merged"], tmp_path)
    unmerged = renderings(sonbinh["unmerged"], tmp_path)
    assert len(merged) == len(unmerged) > 20
    different = [i + 1 for i, (a, b) in enumerate(zip(merged, unmerged)) if a != b]
    assert different == []
    # the rasters compared do show every face: each merged font is used on some page
    with pikepdf.open(sonbinh["merged"]) as pdf:
        used = {str(font.BaseFont).split("+")[1] for page in pdf.pages
                for font in page.obj.Resources.Font.values()}
    assert used == FACE_NAMES


@pytest.mark.libreoffice
def test_file_and_fonts_are_much_smaller(sonbinh):
    merged, unmerged = sonbinh["merged"], sonbinh["unmerged"]
    fonts_after, fonts_before = font_program_bytes(merged), font_program_bytes(unmerged)
    assert fonts_after * 4 < fonts_before, (fonts_after, fonts_before)  # measured: 22 KB vs 238 KB
    size_after, size_before = merged.stat().st_size, unmerged.stat().st_size
    assert size_before - size_after > 0.8 * (fonts_before - fonts_after), (size_after, size_before)
    assert sonbinh["seconds"] < 5  # measured ≈ 0.5 s for 28 pages


@pytest.mark.libreoffice
def test_merge_is_deterministic(sonbinh, tmp_path):
    outputs = []
    for _ in range(2):
        with pikepdf.open(io.BytesIO(sonbinh["before"])) as pdf:
            merge_font_subsets(pdf)
            dedupe_objects(pdf)
            buffer = io.BytesIO()
            pdf.save(buffer, deterministic_id=True, compress_streams=True,
                     object_stream_mode=pikepdf.ObjectStreamMode.generate)
            outputs.append(buffer.getvalue())
    assert outputs[0] == outputs[1]


@pytest.mark.libreoffice
def test_two_builds_are_byte_identical(sonbinh, tmp_path):
    from dossier.pipeline import commune

    commune.build(SAMPLES / "ho-so-son-binh.yaml", tmp_path / "again")
    assert (tmp_path / "again" / "ho-so.pdf").read_bytes() == sonbinh["merged"].read_bytes()


@pytest.mark.libreoffice
def test_merging_a_merged_dossier_changes_nothing_visible(sonbinh, tmp_path):
    # a commune dossier inside a district one is merged again: still one font per face
    again = tmp_path / "again.pdf"
    assert merge_file(sonbinh["merged"], again) == 4
    assert sorted(f["name"].split("+")[1] for f in pdffonts(again)) == sorted(FACE_NAMES)
    assert pdftotext(again) == pdftotext(sonbinh["merged"])
    assert renderings(again, tmp_path) == renderings(sonbinh["merged"], tmp_path)


# --------------------------------------------------------------------------- synthetic PDFs


def weasy_pdf(path: Path, body: str, faces: dict[str, Path] | None = None, size: str = "A5") -> Path:
    """A WeasyPrint PDF; ``faces``: CSS weight/style → font file of family T."""
    import weasyprint

    faces = faces or {"normal normal": REGULAR, "bold normal": BOLD, "normal italic": ITALIC}
    rules = "".join(
        f'@font-face {{ font-family: T; font-weight: {key.split()[0]}; font-style: {key.split()[1]};'
        f' src: url("{file.as_uri()}"); }}'
        for key, file in faces.items())
    html = (f"<html><head><style>{rules} @page {{ size: {size}; margin: 15mm }}"
            f" body {{ font-family: T; font-size: 13pt }}</style></head><body>{body}</body></html>")
    weasyprint.HTML(string=html).write_pdf(path)
    return path


def concat(out: Path, *parts: Path) -> Path:
    pdf = pikepdf.new()
    for part in parts:
        pdf.pages.extend(pikepdf.open(part).pages)
    pdf.save(out)
    return out


def _subset_font(face: Path, text: str) -> TTFont:
    """A subset with renumbered glyphs, hinting and the face's head table kept, as LibreOffice makes them.

    The head's bounding box matters to pixel identity: poppler turns sub-pixel
    glyph positioning off when the font's box is tall in pixels, so a subset
    box recomputed to fewer glyphs renders large text a shade differently.
    """
    font = TTFont(str(face), recalcBBoxes=False)
    options = subset.Options()
    options.notdef_outline = True
    options.layout_features = []
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted({ord(c) for c in text}))
    subsetter.subset(font)
    return font


def simple_font(pdf: pikepdf.Pdf, face: Path, text: str, *, encoding: str = "symbolic",
                name: str = "BAAAAA+LiberationSerif") -> tuple[pikepdf.Object, dict[str, int]]:
    """A simple /TrueType font (1-byte codes) for ``text``; return it and char → code.

    ``symbolic``: codes 1, 2, ... in order of appearance and a (1,0) cmap, no
    /Encoding, widths truncated to whole units (LibreOffice's way);
    ``symbolic30``: the same with a (3,0) cmap at 0xF000 + code;
    ``winansi``: /WinAnsiEncoding over the (3,1) cmap, widths rounded.
    """
    font = _subset_font(face, text)
    best = font.getBestCmap()
    chars = list(dict.fromkeys(text))
    if encoding == "winansi":
        codes = {c: c.encode("cp1252")[0] for c in chars}
    else:
        codes = {c: i + 1 for i, c in enumerate(chars)}
        table = CmapSubtable.newSubtable(6 if encoding == "symbolic" else 4)
        table.platformID, table.platEncID, table.language = (1, 0, 0) if encoding == "symbolic" else (3, 0, 0)
        offset = 0 if encoding == "symbolic" else 0xF000
        table.cmap = {offset + code: best[ord(c)] for c, code in codes.items()}
        font["cmap"].tables = [table]
    buffer = io.BytesIO()
    font.save(buffer)
    upem = font["head"].unitsPerEm
    first, last = min(codes.values()), max(codes.values())
    widths = [0] * (last - first + 1)
    for c, code in codes.items():
        exact = font["hmtx"][best[ord(c)]][0] * 1000 / upem
        widths[code - first] = round(exact) if encoding == "winansi" else int(exact)
    cmap = "\n".join(f"<{code:02X}> <{c.encode('utf-16-be').hex().upper()}>" for c, code in codes.items())
    to_unicode = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def "
                  b"1 begincodespacerange <00> <FF> endcodespacerange "
                  + f"{len(codes)} beginbfchar\n{cmap}\nendbfchar".encode()
                  + b" endcmap CMapName currentdict /CMap defineresource pop end end")
    descriptor = Dictionary(
        Type=Name.FontDescriptor, FontName=Name("/" + name), Flags=32 if encoding == "winansi" else 4,
        FontBBox=Array([-543, -303, 1277, 981]), ItalicAngle=0, Ascent=0, Descent=0, CapHeight=981, StemV=80,
        FontFile2=pdf.make_stream(buffer.getvalue()),
    )
    obj = Dictionary(Type=Name.Font, Subtype=Name.TrueType, BaseFont=Name("/" + name), FirstChar=first,
                     LastChar=last, Widths=Array(widths), FontDescriptor=pdf.make_indirect(descriptor),
                     ToUnicode=pdf.make_stream(to_unicode))
    if encoding == "winansi":
        obj.Encoding = Name.WinAnsiEncoding
    return pdf.make_indirect(obj), codes


def show(codes: dict[str, int], text: str) -> str:
    return "<" + "".join(f"{codes[c]:02X}" for c in text) + ">"


def one_page(path: Path, fonts: dict[str, tuple[Path, str, str]], body: str) -> Path:
    """A page whose content is ``body`` with {F1:text} placeholders shown in the named fonts."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(420, 595))
    made = {name: simple_font(pdf, face, text, encoding=enc) for name, (face, text, enc) in fonts.items()}
    content = re.sub(r"\{(\w+):([^}]*)\}", lambda m: show(made[m.group(1)][1], m.group(2)), body)
    page.obj.Resources = Dictionary(Font=Dictionary({f"/{n}": f for n, (f, _) in made.items()}))
    page.obj.Contents = pdf.make_stream(content.encode())
    pdf.save(path)
    return path


def assert_same_look_and_text(a: Path, b: Path, tmp: Path, dpi: int = 100) -> None:
    assert pdftotext(a) == pdftotext(b)
    assert renderings(a, tmp, dpi) == renderings(b, tmp, dpi)


def test_two_weasyprint_pdfs_share_one_font_per_face(tmp_path):
    a = weasy_pdf(tmp_path / "a.pdf", f"<p>{VIETNAMESE}</p><p><b>Biên bản họp</b> <i>ngày 19/11/2024</i></p>")
    b = weasy_pdf(tmp_path / "b.pdf", "<p>Tờ trình số 15 — “kính trình” fi ffi</p><p><b>QUYẾT ĐỊNH</b></p>")
    both = concat(tmp_path / "both.pdf", a, b)
    assert len(pdffonts(both)) == 5
    merged = tmp_path / "merged.pdf"
    assert merge_file(both, merged) == 5
    fonts = pdffonts(merged)
    assert sorted(f["name"].split("+")[1] for f in fonts) == ["LiberationSerif", "LiberationSerif-Bold",
                                                             "LiberationSerif-Italic"]
    assert_same_look_and_text(both, merged, tmp_path)
    assert font_program_bytes(merged) < font_program_bytes(both)


@pytest.mark.parametrize("encoding", ["symbolic", "symbolic30", "winansi"])
def test_simple_truetype_fonts_are_merged_with_type0_ones(tmp_path, encoding):
    text = "Sơn Bình đạt chuẩn" if encoding != "winansi" else "Café, résumé à Noël"
    simple = one_page(tmp_path / "simple.pdf", {"F1": (REGULAR, text + " 0123", encoding)},
                      f"BT /F1 14 Tf 30 500 Td {{F1:{text}}} Tj 0 -20 Td [{{F1:0123}} -250 {{F1:{text[:3]}}}] TJ ET")
    weasy = weasy_pdf(tmp_path / "weasy.pdf", f"<p>{text} 0123</p>")
    both = concat(tmp_path / "both.pdf", simple, weasy)
    # the synthetic font reads right
    assert "".join(pdftotext(simple).split()) == "".join((text + "0123" + text[:3]).split())
    merged = tmp_path / "merged.pdf"
    assert merge_file(both, merged) == 2
    assert [f["name"].split("+")[1] for f in pdffonts(merged)] == ["LiberationSerif"]
    assert page_fonts(merged, 0)["/F1"] == next(iter(page_fonts(merged, 1).values()))
    assert_same_look_and_text(both, merged, tmp_path)


def test_glyph_shown_with_two_widths_keeps_both_positions(tmp_path):
    # "m" is 1593/2048 em = 777.8: LibreOffice-like fonts say 777, WeasyPrint 778
    simple = one_page(tmp_path / "s.pdf", {"F1": (REGULAR, "mmmmmmmmmm", "symbolic")},
                      "BT /F1 40 Tf 10 500 Td {F1:mmmmmmmmmm} Tj ET")
    weasy = weasy_pdf(tmp_path / "w.pdf", '<p style="font-size: 40pt">mmmmmmmmmm</p>')
    both = concat(tmp_path / "both.pdf", simple, weasy)
    merged = tmp_path / "merged.pdf"
    merge_file(both, merged)
    with pikepdf.open(merged) as pdf:
        font = pdf.pages[0].obj.Resources.Font.F1
        cid_font = font.DescendantFonts[0]
        table = cid_font.CIDToGIDMap.read_bytes()
        w = list(cid_font.W)
        widths = {}
        for i in range(0, len(w), 2):
            for k, value in enumerate(w[i + 1]):
                widths[int(w[i]) + k] = int(value)
        gid_m = TTFont(str(REGULAR)).getGlyphID("m")
        cids = sorted(c for c in widths if int.from_bytes(table[2 * c:2 * c + 2], "big") == gid_m)
        assert sorted(widths[c] for c in cids) == [777, 778]
        text = parse_to_unicode(font.ToUnicode.read_bytes())
        assert [text[c] for c in cids] == ["m", "m"]
    assert_same_look_and_text(both, merged, tmp_path)


def test_foreign_fonts_are_left_as_they_are(tmp_path):
    # a face named Liberation Serif whose "a" differs by one unit: identified by outlines, not names
    fake = TTFont(str(REGULAR))
    glyph = fake["glyf"]["a"]
    glyph.coordinates[0] = (glyph.coordinates[0][0] + 1, glyph.coordinates[0][1])
    fake.save(tmp_path / "fake.ttf")
    with_a = weasy_pdf(tmp_path / "with-a.pdf", "<p>Ban hành quy chế</p>", {"normal normal": tmp_path / "fake.ttf"})
    without_a = weasy_pdf(tmp_path / "no-a.pdf", "<p>Sơn Bình</p>", {"normal normal": tmp_path / "fake.ttf"})
    real = weasy_pdf(tmp_path / "real.pdf", "<p>Sơn Bình đạt chuẩn</p>")
    # and a standard Type1 font, not embedded
    helvetica = pikepdf.new()
    page = helvetica.add_blank_page(page_size=(420, 595))
    page.obj.Resources = Dictionary(Font=Dictionary(H=helvetica.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica, Encoding=Name.WinAnsiEncoding))))
    page.obj.Contents = helvetica.make_stream(b"BT /H 14 Tf 30 500 Td (Helvetica stays) Tj ET")
    helvetica.save(tmp_path / "helvetica.pdf")
    both = concat(tmp_path / "all.pdf", with_a, without_a, real, tmp_path / "helvetica.pdf")
    merged = tmp_path / "merged.pdf"
    assert merge_file(both, merged) == 2  # the fake font without "a" shows only real glyphs, and the real one
    for index in range(4):  # pages 1 (fake "a") and 4 (Helvetica) keep their fonts and their content
        assert (page_fonts(both, index) == page_fonts(merged, index)) is (index in (0, 3))
    with pikepdf.open(both) as before, pikepdf.open(merged) as after:
        for index in (0, 3):
            assert after.pages[index].obj.Contents.read_bytes() == before.pages[index].obj.Contents.read_bytes()
    assert_same_look_and_text(both, merged, tmp_path)
    names = sorted(f["name"] for f in pdffonts(merged))
    assert "Helvetica" in names and sum(n.endswith("+LiberationSerif") for n in names) == 1


def test_word_spacing_keeps_a_simple_font(tmp_path):
    # Tw widens the 1-byte code 32 of simple fonts only, never a CID: a font showing code 32
    # while Tw is not 0 must stay; with LibreOffice-like codes the space is not code 32
    text = "a b c d"
    path = one_page(tmp_path / "tw.pdf", {"F1": (REGULAR, text, "winansi"), "F2": (BOLD, "ef gh", "symbolic"),
                                          "F3": (ITALIC, "ij kl", "winansi")},
                    f"BT /F1 14 Tf 6 Tw 30 500 Td {{F1:{text}}} Tj /F2 14 Tf 0 -20 Td {{F2:ef gh}} Tj "
                    f"0 Tw /F3 14 Tf 0 -20 Td {{F3:ij kl}} Tj ET")
    merged = tmp_path / "merged.pdf"
    assert merge_file(path, merged) == 2
    before, after = page_fonts(path), page_fonts(merged)
    assert after["/F1"] == before["/F1"]
    assert after["/F2"][0] == after["/F3"][0] == "/Type0"
    assert_same_look_and_text(path, merged, tmp_path)


def test_shared_content_stream_is_copied_when_fonts_differ(tmp_path):
    # two pages draw the same stream, but /F1 is a different subset (other codes) on each
    pdf = pikepdf.new()
    fonts = []
    for text in ("Sơn Bình", "Bình Sơn"):
        page = pdf.add_blank_page(page_size=(420, 595))
        font, codes = simple_font(pdf, REGULAR, text)
        fonts.append(codes)
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
    shown = show(fonts[0], "Sơn Bình")
    second = {code: c for c, code in fonts[1].items()}
    expected = ["Sơn Bình", "".join(second[int(shown[i:i + 2], 16)] for i in range(1, len(shown) - 1, 2))]
    shared = pdf.make_stream(f"BT /F1 24 Tf 30 500 Td {shown} Tj ET".encode())
    for page in pdf.pages:
        page.obj.Contents = shared
    pdf.save(tmp_path / "shared.pdf")
    merged = tmp_path / "merged.pdf"
    assert merge_file(tmp_path / "shared.pdf", merged) == 2
    with pikepdf.open(merged) as doc:
        streams = [page.obj.Contents for page in doc.pages]
        streams = [s[0] if isinstance(s, pikepdf.Array) else s for s in streams]
        assert streams[0].objgen != streams[1].objgen
    assert [pdftotext(merged, "-f", str(n), "-l", str(n)).strip() for n in (1, 2)] == expected
    assert_same_look_and_text(tmp_path / "shared.pdf", merged, tmp_path)


def test_forms_and_graphics_states(tmp_path):
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(420, 595))
    in_form, form_codes = simple_font(pdf, REGULAR, "Biểu mẫu")
    by_gs, gs_codes = simple_font(pdf, BOLD, "Đậm")
    inherited, inherited_codes = simple_font(pdf, ITALIC, "Nghiêng")
    form = pdf.make_stream(f"BT /F1 18 Tf 0 0 Td {show(form_codes, 'Biểu mẫu')} Tj ET".encode(), Dictionary(
        Type=Name.XObject, Subtype=Name.Form, BBox=Array([0, 0, 300, 50]),
        Resources=Dictionary(Font=Dictionary(F1=in_form))))
    # a form without resources: its /F3 is whatever the page calls /F3
    bare = pdf.make_stream(f"BT /F3 18 Tf 0 0 Td {show(inherited_codes, 'Nghiêng')} Tj ET".encode(), Dictionary(
        Type=Name.XObject, Subtype=Name.Form, BBox=Array([0, 0, 300, 50])))
    page.obj.Resources = Dictionary(
        Font=Dictionary(F3=inherited),
        XObject=Dictionary(Fm=form, Bare=bare),
        ExtGState=Dictionary(G=Dictionary(Type=Name.ExtGState, Font=Array([by_gs, 18]))),
    )
    page.obj.Contents = pdf.make_stream(
        (f"q 1 0 0 1 30 500 cm /Fm Do Q q 1 0 0 1 30 450 cm /Bare Do Q "
         f"BT /G gs 30 400 Td {show(gs_codes, 'Đậm')} Tj ET").encode())
    pdf.save(tmp_path / "forms.pdf")
    merged = tmp_path / "merged.pdf"
    assert merge_file(tmp_path / "forms.pdf", merged) == 1  # only the form's own font
    with pikepdf.open(merged) as doc:
        resources = doc.pages[0].obj.Resources
        assert resources.XObject.Fm.Resources.Font.F1.Subtype == Name.Type0
        assert resources.Font.F3.Subtype == Name.TrueType  # shown by a form that borrows the page's names
        assert resources.ExtGState.G.Font[0].Subtype == Name.TrueType  # set by gs
    assert "Biểu mẫu" in pdftotext(merged)
    assert_same_look_and_text(tmp_path / "forms.pdf", merged, tmp_path)


def test_parse_to_unicode_reads_every_form():
    cmap = b"""/CIDInit /ProcSet findresource begin 12 dict begin begincmap
    /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
    1 begincodespacerange <0000> <FFFF> endcodespacerange
    2 beginbfchar <0003> <0020> <0010> <0066 0069> endbfchar
    2 beginbfrange <0020> <0022> <1EA0> <0030> <0031> [<00E1> <D835DC00>] endbfrange
    endcmap CMapName currentdict /CMap defineresource pop end end"""
    assert parse_to_unicode(cmap) == {3: " ", 16: "fi", 32: "Ạ", 33: "ạ", 34: "Ả", 48: "á", 49: "\U0001d400"}


def test_shipped_faces_are_the_four_liberation_serif_files():
    assert [p.name for p in shipped_faces()] == [
        "LiberationSerif-Bold.ttf", "LiberationSerif-BoldItalic.ttf",
        "LiberationSerif-Italic.ttf", "LiberationSerif-Regular.ttf"]
