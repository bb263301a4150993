"""Make a PDF's text layer say what its pages show, before it is read.

Three things real PDFs get wrong, repaired in memory (the file is untouched):

* **Fonts without a usable ToUnicode map.** Word embeds TrueType subsets as
  Identity-H CID fonts whose codes are glyph ids; Ghostscript drops their
  ToUnicode maps, and Word 2010 writes wrong ones (glyph "ư" as U+01A3).
  Each glyph's character is recovered from the embedded font itself — its
  ``cmap`` table, else its ``post`` glyph names — or from another subset of
  the same face in the file that still has a map (Ghostscript splits one face
  into several, keeping the glyph ids). A map that contradicts the font's own
  ``cmap`` is corrected.
* **Signature and form-field widgets.** E-office systems stamp the number
  and the day as widget appearances; they are flattened into the page so
  the reader sees what is printed.
* What cannot be recovered is reported (:attr:`Repair.unreadable_fonts`), so
  the reader can say "text layer unreadable" instead of reporting garbage.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from fontTools.agl import toUnicode

_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]*)>")
_SUBSET = re.compile(r"^[A-Z]{6}\+")
_GLYPH_N = re.compile(r"^(glyph|g)?[0-9]+$|^\.notdef$|^\.null$|^nonmarkingreturn$")


@dataclass
class Repair:
    data: bytes
    unreadable_fonts: set[str] = field(default_factory=set)  # base names as in the file (subset tag kept)
    widgets: int = 0
    pages: int = 0
    stamp_fonts: set[str] = field(default_factory=set)  # fonts of widget appearances (e-office stamps), as named
    ocr_pages: int = 0  # pages that are a picture with invisible (OCR) text over it


def face(name: str) -> str:
    """'ABCDEF+TimesNewRomanPSMT' -> 'TimesNewRomanPSMT'."""
    return _SUBSET.sub("", name)


def _utf16(hexdigits: bytes) -> str:
    raw = bytes.fromhex(hexdigits.decode("ascii"))
    try:
        return raw.decode("utf-16-be")
    except UnicodeDecodeError:
        return ""


def parse_tounicode(data: bytes) -> dict[int, str]:
    """code -> text of a ToUnicode CMap (bfchar and bfrange entries)."""
    out: dict[int, str] = {}
    for block in _BFCHAR.findall(data):
        vals = _HEX.findall(block)
        for src, dst in zip(vals[::2], vals[1::2]):
            if src:
                out[int(src, 16)] = _utf16(dst)
    for block in _BFRANGE.findall(data):
        for line in re.finditer(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]*>)", block):
            lo, hi, dst = int(line.group(1), 16), int(line.group(2), 16), line.group(3)
            if hi - lo > 0xFFFF:
                continue
            if dst.startswith(b"["):
                for k, item in enumerate(_HEX.findall(dst)):
                    out[lo + k] = _utf16(item)
            else:
                base = _utf16(dst[1:-1])
                if not base:
                    continue
                for k in range(hi - lo + 1):
                    out[lo + k] = base[:-1] + chr(ord(base[-1]) + k)
    return out


def build_tounicode(mapping: dict[int, str], one_byte: bool = False) -> bytes:
    """A ToUnicode CMap for two-byte codes (CID fonts) or one-byte codes (simple fonts)."""
    width = 2 if one_byte else 4
    items = sorted((c, t) for c, t in mapping.items() if t and 0 <= c < 16 ** width)
    space = b"<00> <FF>" if one_byte else b"<0000> <FFFF>"
    parts = [b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
             b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
             b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
             b"1 begincodespacerange\n" + space + b"\nendcodespacerange\n"]
    for k in range(0, len(items), 100):
        chunk = items[k:k + 100]
        parts.append(f"{len(chunk)} beginbfchar\n".encode())
        for code, text in chunk:
            parts.append(f"<{code:0{width}X}> <{text.encode('utf-16-be').hex().upper()}>\n".encode())
        parts.append(b"endbfchar\n")
    parts.append(b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
    return b"".join(parts)


def _font_glyph_text(font_file: bytes) -> dict[int, str]:
    """glyph id -> character, from an embedded TrueType's cmap, else its post names."""
    from fontTools.ttLib import TTFont

    try:
        tt = TTFont(io.BytesIO(font_file), lazy=True)
        order = tt.getGlyphOrder()
        out: dict[int, str] = {}
        if "cmap" in tt:
            ids = {name: i for i, name in enumerate(order)}
            for table in tt["cmap"].tables:
                if not table.isUnicode():
                    continue
                for code, name in sorted(table.cmap.items(), reverse=True):
                    if name in ids and code >= 0x20:
                        out[ids[name]] = chr(code)  # the lowest code point wins
        if not out:
            for i, name in enumerate(order):
                if not _GLYPH_N.match(name):
                    text = toUnicode(name)
                    if text and all(ord(ch) >= 0x20 for ch in text):
                        out[i] = text
        return out
    except Exception:  # noqa: BLE001 - a damaged embedded font only loses its own map
        return {}


def _cid_to_gid(desc) -> dict[int, int] | None:
    """None for /Identity (CID = glyph id)."""
    import pikepdf

    m = desc.get("/CIDToGIDMap")
    if m is None or (isinstance(m, pikepdf.Name) and m == "/Identity"):
        return None
    try:
        raw = m.read_bytes()
    except Exception:  # noqa: BLE001
        return None
    return {k // 2: (raw[k] << 8) | raw[k + 1] for k in range(0, len(raw) - 1, 2)}


def repair(data: bytes) -> Repair:
    """The PDF ``data`` with widgets flattened and ToUnicode maps recovered."""
    import pikepdf

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - let the reader report the damaged file
        return Repair(data)
    result = Repair(data)
    changed = False
    with pdf:
        fonts = {}
        for page in pdf.pages:
            _collect_fonts(page.obj.get("/Resources"), fonts, set())
        for font in fonts.values():
            changed |= _simple_font_map(pdf, font)
        by_face: dict[str, dict[int, str]] = {}  # glyph maps from subsets that have one
        info = {}
        for key, font in fonts.items():
            if font.get("/Subtype") != "/Type0" or str(font.get("/Encoding", "")) != "/Identity-H":
                continue
            try:
                desc = font.DescendantFonts[0]
                file = desc.FontDescriptor.get("/FontFile2")
                own = _font_glyph_text(file.read_bytes()) if file is not None else {}
                cid_gid = _cid_to_gid(desc)
                mapping = parse_tounicode(font.ToUnicode.read_bytes()) if "/ToUnicode" in font else {}
            except Exception:  # noqa: BLE001 - an odd font dictionary: leave it as it is
                continue
            name = face(str(font.get("/BaseFont", "")).lstrip("/"))
            info[key] = (font, name, own, cid_gid, mapping)
            if mapping:
                gids = by_face.setdefault(name, {})
                for cid, text in mapping.items():
                    gids.setdefault(cid_gid.get(cid, cid) if cid_gid else cid, text)
        by_family: dict[tuple[str, bool], dict[int, str]] = {}
        for name, gids in by_face.items():
            merged = by_family.setdefault(family(name), {})
            for gid, text in gids.items():
                merged.setdefault(gid, text)
        for key, (font, name, own, cid_gid, mapping) in info.items():
            fixed = dict(mapping)
            sibling = {}
            if not mapping and not own:
                sibling = by_face.get(name) or _checked(by_family.get(family(name), {}), font, name, cid_gid)
            used = _used_cids(mapping, own, sibling, cid_gid)
            for cid in used:
                gid = cid_gid.get(cid, cid) if cid_gid else cid
                text = fixed.get(cid)
                truth = own.get(gid)
                if truth and text != truth and (not text or not _same_glyph(text, truth)):
                    fixed[cid] = truth
                elif not text and gid in sibling:
                    fixed[cid] = sibling[gid]
            if fixed != mapping:
                font.ToUnicode = pdf.make_stream(build_tounicode(fixed))
                changed = True
            if not fixed or (not mapping and not own and not _covers(fixed, font, cid_gid)):
                # nothing, or too little, says what its glyphs are
                result.unreadable_fonts.add(str(font.get("/BaseFont", "")).lstrip("/"))
        result.pages = len(pdf.pages)
        result.ocr_pages = sum(_is_ocr_page(page) for page in pdf.pages)
        result.widgets = _flatten_widgets(pdf, result.stamp_fonts)
        changed = changed or bool(result.widgets)
        if changed:
            out = io.BytesIO()
            pdf.save(out)
            result.data = out.getvalue()
    return result


_STYLE = re.compile(r"[-, ]?(bold|italic|oblique|regular|roman|semibold|medium|light|black)", re.I)


def family(name: str) -> tuple[str, bool]:
    """(family, italic) of a font name: faces of one family that share a glyph
    order (Word's Times New Roman: regular = bold, italic = bold italic)."""
    italic = bool(re.search(r"italic|oblique", name, re.I))
    base = _STYLE.sub("", face(name))
    base = re.sub(r"(PS)?MT$|PS$", "", base.replace(" ", "").replace("-", "").replace(",", ""))
    return base.lower(), italic


def _checked(candidate: dict[int, str], font, name: str, cid_gid) -> dict[int, str]:
    """A glyph map borrowed from another face of the family, kept only when the
    font's widths agree with it (a family whose metrics the shipped faces share)."""
    if not candidate:
        return {}
    try:
        from ..layout.metrics import _advances

        bold = bool(re.search(r"bold|black|heavy", name, re.I))
        italic = bool(re.search(r"italic|oblique", name, re.I))
        widths, upm, _ = _advances(bold, italic)
        cid_widths = _cid_widths(font.DescendantFonts[0])
    except Exception:  # noqa: BLE001
        return {}
    back = {g: c for c, g in cid_gid.items()} if cid_gid else None
    checked = agree = 0
    for gid, text in candidate.items():
        cid = back.get(gid) if back is not None else gid
        if cid is None or cid not in cid_widths or len(text) != 1 or ord(text) not in widths:
            continue
        checked += 1
        agree += abs(cid_widths[cid] - widths[ord(text)] * 1000 / upm) <= 2
    return candidate if checked >= 10 and agree >= 0.9 * checked else {}


def _cid_widths(desc) -> dict[int, float]:
    """CID -> advance width (1/1000 em) from a CIDFont's /W array."""
    out: dict[int, float] = {}
    w = list(desc.get("/W", []))
    k = 0
    while k < len(w):
        first = int(w[k])
        if k + 1 < len(w) and isinstance(w[k + 1], __import__("pikepdf").Array):
            for j, value in enumerate(w[k + 1]):
                out[first + j] = float(value)
            k += 2
        elif k + 2 < len(w):
            for cid in range(first, int(w[k + 1]) + 1):
                out[cid] = float(w[k + 2])
            k += 3
        else:
            break
    return out


_BASE_ENCODINGS = {"/WinAnsiEncoding": "cp1252", "/MacRomanEncoding": "mac_roman"}


def _simple_font_map(pdf, font) -> bool:
    """A one-byte font without ToUnicode gets one from the encoding it declares
    (WinAnsi, MacRoman, and their /Differences): readers otherwise guess from the
    embedded font's own tables, and Ghostscript's subsets send them to MacRoman."""
    if font.get("/Subtype") not in ("/TrueType", "/Type1", "/MMType1") or "/ToUnicode" in font:
        return False
    enc = font.get("/Encoding")
    if enc is None:
        if font.get("/Subtype") != "/TrueType" or re.search(r"symbol|dings|webdings", str(font.get("/BaseFont", "")), re.I):
            return False
        enc = __import__("pikepdf").Name.WinAnsiEncoding  # what poppler and pdfminer read it as
    base, differences = enc, None
    if not isinstance(enc, __import__("pikepdf").Name):
        base, differences = enc.get("/BaseEncoding"), enc.get("/Differences")
    codec = _BASE_ENCODINGS.get(str(base)) if base is not None else "cp1252"
    if codec is None:
        return False
    mapping = {}
    for code in range(32, 256):
        try:
            mapping[code] = bytes([code]).decode(codec)
        except UnicodeDecodeError:
            continue
    code = None
    for item in list(differences or []):
        if isinstance(item, int):
            code = int(item)
            continue
        if code is None:
            continue
        text = toUnicode(str(item).lstrip("/"))
        if text:
            mapping[code] = text
        code += 1
    font.ToUnicode = pdf.make_stream(build_tounicode(mapping, one_byte=True))
    return True


def _covers(mapping: dict[int, str], font, cid_gid) -> bool:
    """Does ``mapping`` name (nearly) every glyph the font's widths list (the glyphs a subset holds)?"""
    try:
        used = set(_cid_widths(font.DescendantFonts[0]))
    except Exception:  # noqa: BLE001
        return bool(mapping)
    return not used or len(used & set(mapping)) >= 0.95 * len(used)


def _same_glyph(text: str, truth: str) -> bool:
    """A ligature or decomposed form the map spells out is not a contradiction."""
    import unicodedata

    return unicodedata.normalize("NFC", text) == unicodedata.normalize("NFC", truth) or len(text) > 1


def _used_cids(mapping, own, sibling, cid_gid) -> set[int]:
    if cid_gid:
        back = {g: c for c, g in cid_gid.items()}
        return set(mapping) | {back[g] for g in (*own, *sibling) if g in back}
    return set(mapping) | set(own) | set(sibling)


def _collect_fonts(resources, out: dict, seen: set) -> None:
    """Every font dictionary reachable from a page's resources (forms included)."""
    if resources is None:
        return
    try:
        fonts = resources.get("/Font")
        if fonts is not None:
            for _, font in fonts.items():
                out.setdefault(font.objgen if font.is_indirect else id(font), font)
        xobjects = resources.get("/XObject")
        if xobjects is not None:
            for _, xo in xobjects.items():
                if xo.objgen in seen or xo.get("/Subtype") != "/Form":
                    continue
                seen.add(xo.objgen)
                _collect_fonts(xo.get("/Resources"), out, seen)
    except Exception:  # noqa: BLE001 - broken resources: read what the page has
        return


STAMP_MAX_HEIGHT_PT = 36.0  # a stamped number or day is one line of text; a seal or signature picture is taller


def _flatten_widgets(pdf, stamp_fonts: set[str]) -> int:
    """Draw the one-line widget appearances (the number and day an e-office system
    stamps when signing, filled form fields) into the page; taller ones (the seal,
    the signature picture with its "Ký bởi…" text) stay annotations, outside the text."""
    import pikepdf

    count = 0
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if not annots:
            continue
        for annot in annots:
            try:
                flags = int(annot.get("/F", 0))
                rect = [float(v) for v in annot.get("/Rect", [0, 0, 0, 0])]
                line = annot.get("/Subtype") == "/Widget" and "/AP" in annot and "/N" in annot.AP \
                    and abs(rect[3] - rect[1]) <= STAMP_MAX_HEIGHT_PT
                annot.F = (flags | 4) if line else (flags & ~4)  # "print" marks what gets flattened
                if line:
                    count += 1
                    found: dict = {}
                    _collect_fonts(annot.AP.N.get("/Resources"), found, set())
                    stamp_fonts.update(str(f.get("/BaseFont", "")).lstrip("/") for f in found.values())
            except (pikepdf.PdfError, ValueError, TypeError, AttributeError):
                continue
    if count:
        try:
            pdf.flatten_annotations("print")
        except Exception:  # noqa: BLE001 - an appearance qpdf cannot place: read the page without it
            return 0
    return count


def _is_ocr_page(page) -> bool:
    """A page image covering most of the page with invisible text (render mode 3) drawn over it:
    a scan with an OCR layer. The text is a guess at the picture, not the document's text."""
    import pikepdf

    try:
        box = [float(v) for v in page.mediabox]
        area = abs(box[2] - box[0]) * abs(box[3] - box[1]) or 1.0
        invisible = visible = 0
        big_image = False
        ctm_stack = [[1.0, 0.0, 0.0, 1.0, 0.0, 0.0]]
        mode = 0
        images = {k for k, xo in (page.obj.get("/Resources", {}).get("/XObject", {}) or {}).items()
                  if xo.get("/Subtype") == "/Image"}
        if not images:
            return False  # no picture to cover the page: not a scan (and no content stream to parse)
        for operands, op in pikepdf.parse_content_stream(page):
            name = str(op)
            if name == "q":
                ctm_stack.append(list(ctm_stack[-1]))
            elif name == "Q" and len(ctm_stack) > 1:
                ctm_stack.pop()
            elif name == "cm" and len(operands) == 6:
                a, b, c, d, e, f = (float(v) for v in operands)
                m = ctm_stack[-1]
                ctm_stack[-1] = [a * m[0] + b * m[2], a * m[1] + b * m[3], c * m[0] + d * m[2],
                                 c * m[1] + d * m[3], e * m[0] + f * m[2] + m[4], e * m[1] + f * m[3] + m[5]]
            elif name == "Do" and operands and str(operands[0]) in images:
                m = ctm_stack[-1]
                if abs(m[0] * m[3] - m[1] * m[2]) >= 0.6 * area:
                    big_image = True
            elif name == "Tr" and operands:
                mode = int(operands[0])
            elif name in ("Tj", "TJ", "'", '"'):
                if mode in (3, 7):
                    invisible += 1
                else:
                    visible += 1
        return big_image and invisible > 0 and invisible >= 4 * visible
    except Exception:  # noqa: BLE001 - an unreadable content stream is not evidence of a scan
        return False
