"""Step 2: identify each embedded font against the shipped faces.

An embedded TrueType-outline font (simple ``/TrueType`` or Type0
``/Identity-H`` over ``CIDFontType2``, with ``FontFile2``) is read as a
:class:`SourceFont`: code → glyph of its program (simple fonts: the
(3,0)/(1,0) cmap, or (3,1) through the encoding's glyph names; Type0:
CID → GID through ``CIDToGIDMap``), width and text (``ToUnicode``).
:func:`match_face` accepts a face only if every code shown goes to a glyph
with the same outline and advance, and a PDF width within
:data:`~.faces.WIDTH_TOLERANCE`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import pikepdf
from pikepdf import Name

from .faces import (
    Face, GlyphTable, LIKELY_SAMPLE, MAX_CID, ObjGen, WIDTH_TOLERANCE, Width, _number, gid_of_name,
    open_program,
)


_CMAP_TOKEN = re.compile(rb"<([0-9A-Fa-f\s]*)>|(\[)|(\])|(beginbfchar|endbfchar|beginbfrange|endbfrange)")


def _hex(token: bytes) -> bytes:
    return bytes.fromhex(token.translate(None, b" \t\n\r\f\v").decode("ascii"))  # what \s matches


_CMAP_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")  # _CMAP_TOKEN's strings
_CMAP_BYTES = re.compile(rb"<((?:[0-9A-Fa-f]{2})*)>")  # ...made of whole bytes, nothing else
_CMAP_KEYWORD = re.compile(rb"beginbfchar|endbfchar|beginbfrange|endbfrange")
_BFCHAR_BLOCK = re.compile(rb"beginbfchar(.*?)endbfchar", re.DOTALL)


def _bfchar_only(data: bytes) -> dict[int, str] | None:
    """:func:`parse_to_unicode` for the usual CMap: ``bfchar`` blocks of plain strings; None for any other."""
    if b"bfrange" in data or b"[" in data or b"]" in data:
        return None
    keywords = _CMAP_KEYWORD.findall(data)
    if keywords != [b"beginbfchar", b"endbfchar"] * (len(keywords) // 2):
        return None
    out: dict[int, str] = {}
    for block in _BFCHAR_BLOCK.findall(data):
        strings = _CMAP_BYTES.findall(block)
        if len(strings) != len(_CMAP_HEX.findall(block)):
            return None  # a string with spaces or half a byte
        for src, dst in zip(strings[0::2], strings[1::2]):
            if src and dst and not len(dst) % 4:  # whole UTF-16 units
                try:
                    text = bytes.fromhex(dst.decode("ascii")).decode("utf-16-be")
                except UnicodeDecodeError:
                    continue
                out.setdefault(int(src, 16), text)
    return out


def parse_to_unicode(data: bytes) -> dict[int, str]:
    """Code → text of a ToUnicode CMap (``bfchar`` and ``bfrange``, both forms)."""
    found = _bfchar_only(data)
    if found is not None:
        return found
    out: dict[int, str] = {}
    block = None
    values: list[bytes | list[bytes]] = []
    array_items: list[bytes] | None = None

    def text_of(raw: bytes) -> str | None:
        if not raw or len(raw) % 2:
            return None
        try:
            return raw.decode("utf-16-be")
        except UnicodeDecodeError:
            return None

    for hex_token, open_, close, keyword in _CMAP_TOKEN.findall(data):  # one group each, b"" the others
        if keyword:
            block = keyword[5:] if keyword.startswith(b"begin") else None
            values = []
            continue
        if block is None:
            continue
        if open_:
            array_items = []
            continue
        if close:
            if array_items is not None:
                values.append(array_items)
            array_items = None
        else:  # a hexadecimal string, maybe empty
            try:
                raw = _hex(hex_token)
            except ValueError:
                continue
            if array_items is not None:
                array_items.append(raw)
                continue
            values.append(raw)
        if block == b"bfchar" and len(values) == 2:
            src, dst = values
            values = []
            text = text_of(dst) if isinstance(dst, bytes) else None
            if isinstance(src, bytes) and src and text is not None:
                out.setdefault(int.from_bytes(src, "big"), text)
        elif block == b"bfrange" and len(values) == 3:
            lo, hi, dst = values
            values = []
            if not (isinstance(lo, bytes) and isinstance(hi, bytes) and lo and hi):
                continue
            first, last = int.from_bytes(lo, "big"), int.from_bytes(hi, "big")
            if last < first or last - first > MAX_CID:
                continue
            if isinstance(dst, list):
                for offset, item in enumerate(dst[: last - first + 1]):
                    text = text_of(item)
                    if text is not None:
                        out.setdefault(first + offset, text)
            else:
                text = text_of(dst)
                if text is None:
                    continue
                for offset in range(last - first + 1):  # the last UTF-16 unit counts up (as poppler does)
                    code = ord(text[-1]) + offset
                    if code > 0xFFFF or 0xD800 <= code <= 0xDFFF and len(text) == 1:
                        break
                    out.setdefault(first + offset, text[:-1] + chr(code))
    return out


@lru_cache(maxsize=1)
def _winansi_table() -> dict[int, int]:
    table = {}
    for code in range(0x20, 0x100):
        try:
            table[code] = ord(bytes([code]).decode("cp1252"))
        except UnicodeDecodeError:
            continue
    table[0xA0] = 0x20  # WinAnsiEncoding names 0xA0 "space" and 0xAD "hyphen" (PDF 32000, D.2 notes)
    table[0xAD] = 0x2D
    table.pop(0x7F, None)
    return table


def _glyph_name_unicode(name: str) -> int | None:
    from fontTools import agl

    text = agl.toUnicode(name)
    return ord(text) if len(text) == 1 else None


def _encoding_unicodes(encoding: object) -> dict[int, int] | None:
    """Code → Unicode of a simple font's /Encoding (absent: StandardEncoding), or None if unsupported."""
    from fontTools.encodings.StandardEncoding import StandardEncoding

    def standard() -> dict[int, int]:
        out = {}
        for code, name in enumerate(StandardEncoding):
            u = _glyph_name_unicode(name) if name != ".notdef" else None
            if u is not None:
                out[code] = u
        return out

    if encoding is None:
        return standard()
    base_name, differences = encoding, None
    if isinstance(encoding, pikepdf.Dictionary):
        base_name = encoding.get("/BaseEncoding")
        differences = encoding.get("/Differences")
    if base_name is None:
        table = standard()
    elif base_name == Name.WinAnsiEncoding:
        table = dict(_winansi_table())
    elif base_name == Name.StandardEncoding:
        table = standard()
    else:
        return None  # MacRomanEncoding & co: viewers disagree on the details, leave the font alone
    if differences is not None:
        if not isinstance(differences, pikepdf.Array):
            return None
        code = None
        for item in differences:
            if isinstance(item, int) and not isinstance(item, bool):
                code = item
            elif isinstance(item, pikepdf.Name) and code is not None:
                u = _glyph_name_unicode(str(item)[1:])
                if u is None:
                    table.pop(code, None)
                else:
                    table[code] = u
                code += 1
            else:
                return None
    return table


class SourceFont:
    """An embedded TrueType-outline font of the PDF: code → glyph, width, text."""

    def __init__(self, font: pikepdf.Dictionary, program, two_byte: bool) -> None:
        self.font = font
        self.program = program
        self.two_byte = two_byte
        self.glyphs = program.glyph_table
        self.upem = self.glyphs.upem
        self.glyph_count = len(self.glyphs)
        to_unicode = font.get("/ToUnicode")
        try:
            self.text = parse_to_unicode(to_unicode.read_bytes()) if isinstance(to_unicode, pikepdf.Stream) else {}
        except pikepdf.PdfError:
            self.text = {}

    def glyph(self, code: int) -> int | None:
        raise NotImplementedError

    def width(self, code: int) -> Width | None:
        raise NotImplementedError


class SimpleFont(SourceFont):
    def __init__(self, font, program, codes_to_glyphs: dict[int, int]) -> None:
        super().__init__(font, program, two_byte=False)
        self._glyphs = codes_to_glyphs
        first = font.get("/FirstChar")
        widths = font.get("/Widths")
        self._first = first if isinstance(first, int) and not isinstance(first, bool) else None
        self._widths = list(widths) if isinstance(widths, pikepdf.Array) else []

    def glyph(self, code: int) -> int | None:
        return self._glyphs.get(code)

    def width(self, code: int) -> Width | None:
        if self._first is None or not 0 <= code - self._first < len(self._widths):
            return None  # MissingWidth: rare enough to leave the font alone
        return _number(self._widths[code - self._first])


class CIDFont(SourceFont):
    def __init__(self, font, program, descendant: pikepdf.Dictionary, cid_to_gid: bytes | None) -> None:
        super().__init__(font, program, two_byte=True)
        self._map = cid_to_gid
        default = _number(descendant.get("/DW", 1000))
        self._default = default if default is not None else 1000
        self._widths: dict[int, Width] = {}
        w = descendant.get("/W")
        items = list(w) if isinstance(w, pikepdf.Array) else []
        i = 0
        while i + 1 < len(items):
            first, second = items[i], items[i + 1]
            if not isinstance(first, int) or isinstance(first, bool):
                break
            if isinstance(second, pikepdf.Array):
                for offset, value in enumerate(second):
                    number = _number(value)
                    if number is not None:
                        self._widths.setdefault(first + offset, number)
                i += 2
            elif i + 2 < len(items) and isinstance(second, int):
                number = _number(items[i + 2])
                if number is not None and 0 <= second - first <= MAX_CID:
                    for cid in range(first, second + 1):
                        self._widths.setdefault(cid, number)
                i += 3
            else:
                break

    def glyph(self, code: int) -> int | None:
        if self._map is None:
            gid = code
        elif 2 * code + 2 <= len(self._map):
            gid = int.from_bytes(self._map[2 * code:2 * code + 2], "big")
        else:
            return None
        return gid if gid < self.glyph_count else None

    def width(self, code: int) -> Width | None:
        return self._widths.get(code, self._default)


def _font_kind(font: pikepdf.Object) -> str | None:
    """'simple' or 'cid' for a candidate font (embedded TrueType outlines), else None."""
    if not isinstance(font, pikepdf.Dictionary):
        return None
    subtype = font.get("/Subtype")
    if subtype == Name.TrueType:
        descriptor = font.get("/FontDescriptor")
        kind = "simple"
    elif subtype == Name.Type0 and font.get("/Encoding") == Name("/Identity-H"):
        descendants = font.get("/DescendantFonts")
        if not isinstance(descendants, pikepdf.Array) or len(descendants) != 1:
            return None
        cid_font = descendants[0]
        if not isinstance(cid_font, pikepdf.Dictionary) or cid_font.get("/Subtype") != Name.CIDFontType2:
            return None
        descriptor = cid_font.get("/FontDescriptor")
        kind = "cid"
    else:
        return None
    if not isinstance(descriptor, pikepdf.Dictionary) or not isinstance(descriptor.get("/FontFile2"), pikepdf.Stream):
        return None
    return kind


def _symbolic_glyphs(program) -> dict[int, int] | None:
    """Code → glyph of a symbolic simple TrueType font: (3,0) (code or 0xF000 + code) or (1,0).

    Where viewers could pick different glyphs (both subtables, or code and
    0xF000 + code, disagreeing), return None.
    """
    cmap = program["cmap"]
    t30, t10 = cmap.getcmap(3, 0), cmap.getcmap(1, 0)
    if t30 is None and t10 is None:
        return None
    out: dict[int, int] = {}
    for code in range(256):
        found = set()
        if t30 is not None:
            for u in (code, 0xF000 + code, 0xF100 + code, 0xF200 + code):
                if u in t30.cmap:
                    found.add(t30.cmap[u])
        if t10 is not None and code in t10.cmap:
            found.add(t10.cmap[code])
        if len(found) > 1:
            return None
        if found:
            out[code] = gid_of_name(found.pop())
    return out


def _encoded_glyphs(font: pikepdf.Dictionary, program) -> dict[int, int] | None:
    """Code → glyph of a non-symbolic simple TrueType font: encoding → Unicode → (3,1)."""
    t31 = program["cmap"].getcmap(3, 1)
    unicodes = _encoding_unicodes(font.get("/Encoding"))
    if t31 is None or unicodes is None:
        return None
    return {code: gid_of_name(t31.cmap[u]) for code, u in unicodes.items() if u in t31.cmap}


def analyse_font(font: pikepdf.Dictionary, programs: dict[ObjGen, object] | None = None) -> SourceFont | None:
    """Read an embedded TrueType-outline font; None when it is not one this module can merge."""
    kind = _font_kind(font)
    if kind is None:
        return None
    descendant = font.DescendantFonts[0] if kind == "cid" else None
    descriptor = (descendant if descendant is not None else font).FontDescriptor
    stream = descriptor.FontFile2
    cache = programs if programs is not None else {}
    key = stream.objgen if stream.is_indirect else (id(stream), 0)
    if key not in cache:
        try:
            program = open_program(stream.read_bytes(), names=kind == "simple")
            program.glyph_table = GlyphTable(program)
            if kind == "simple":
                program["cmap"]  # parsed now: a broken table leaves the font alone
        except Exception:  # not a TrueType program fontTools can read
            program = None
        cache[key] = program
    program = cache[key]
    if program is None:
        return None
    try:
        if kind == "cid":
            mapping = descendant.get("/CIDToGIDMap")
            if mapping is None or mapping == Name.Identity:
                table = None
            elif isinstance(mapping, pikepdf.Stream):
                table = mapping.read_bytes()
            else:
                return None
            return CIDFont(font, program, descendant, table)
        flags = descriptor.get("/Flags", 0)
        symbolic = bool(int(flags) & 4) if isinstance(flags, int) else True
        if symbolic:
            if font.get("/Encoding") is not None:
                return None  # an encoding over a symbolic cmap: viewers differ
            glyphs = _symbolic_glyphs(program)
        else:
            glyphs = _encoded_glyphs(font, program)
        return SimpleFont(font, program, glyphs) if glyphs is not None else None
    except Exception:  # a malformed cmap, map or widths
        return None


def match_face(source: SourceFont, codes: Sequence[int], faces: Sequence[Face]) -> tuple[int, dict[int, tuple[int, Width, str | None]]] | None:
    """(face index, code → (face glyph, width, text)) if every code's glyph is one of a face's, else None."""
    used = {}
    for code in codes:
        gid = source.glyph(code)
        width = source.width(code)
        if gid is None or width is None or source.glyphs.signature(gid) is None:
            return None
        used[code] = (gid, width, source.text.get(code))

    sample = [(source.glyphs.signature(gid), gid, text) for gid, _, text in list(used.values())[:LIKELY_SAMPLE]]

    def likely(face: Face) -> int:  # glyphs whose hinted glyph has the same advance and box: cheap
        signature = face.glyphs.signature
        return sum(any(signature(h) == wanted for h in face.hints(gid, text)) for wanted, gid, text in sample)

    for index in sorted(range(len(faces)), key=lambda i: (-likely(faces[i]), i)):
        face = faces[index]
        if face.upem != source.upem:
            continue
        mapped: dict[int, tuple[int, Width, str | None]] = {}
        for code, (gid, width, text) in used.items():
            found = face.find(source.glyphs, gid, face.hints(gid, text))
            if found is None:
                break
            if abs(float(width) - face.width(found)) > WIDTH_TOLERANCE:
                return None  # the outlines are the face's but the widths are not: leave it alone
            mapped[code] = (found, width, text)
        else:
            return index, mapped
    return None
