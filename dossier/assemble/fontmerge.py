"""One embedded font per shipped face instead of one subset per part.

Every part of a dossier embeds its own subset of the same Liberation Serif
faces: LibreOffice as simple TrueType fonts (1-byte codes, a symbolic cmap
mapping each code to a glyph of the subset), WeasyPrint and the page stamps
as Type0 / Identity-H fonts. Each subset holds other glyphs, so the
byte-identical de-duplication of :mod:`.dedupe` cannot merge them; this
module does, in four steps:

1. Walk every content stream (pages, Form XObjects, tiling patterns, Type3
   glyph procedures, annotation appearances), tracking the current font
   through ``Tf``, ``q``/``Q`` and ``gs``, and collect the codes each font
   shows.
2. Identify each embedded TrueType-outline font (simple ``/TrueType`` or
   Type0 ``/Identity-H`` over ``CIDFontType2``, with ``FontFile2``): every
   code shown goes to a glyph of the embedded program (simple fonts: its
   (3,0)/(1,0) cmap, or (3,1) through the encoding's glyph names; Type0:
   CID → GID through ``CIDToGIDMap``) and that glyph must have the same
   outline (composites decomposed) and advance as a glyph of one shipped
   face. Names are never trusted. The PDF width of every code must agree
   with the face within :data:`WIDTH_TOLERANCE`.
3. Per face, embed one Type0 / Identity-H / ``CIDFontType2`` font: a
   fontTools subset of the face with ``retain_gids`` (CID = GID of the full
   face, ``CIDToGIDMap /Identity``), ``/W`` with the sources' own widths,
   a ``ToUnicode`` lifted from the sources' (falling back to the face's
   cmap), a descriptor from the face (but Ascent/Descent of the sources
   showing the most glyphs: text extractors group lines with them) and a
   tag hashed from the glyph set. No hinting: WeasyPrint drops it too, and
   it would double the font bytes for renderers that mostly ignore it.
   The sources do not round widths alike (LibreOffice truncates 722.17 to
   722 and 666.5 to 666, WeasyPrint and the stamps round to 667), and a
   glyph placed with another width moves every glyph after it. So a glyph
   shown with two widths (or two ToUnicode texts) gets one CID per variant:
   the most used keeps CID = GID, the others get CIDs above the face's glyph
   count and ``CIDToGIDMap`` becomes a stream. Positions and extracted text
   stay exactly those of the sources.
4. Re-encode every string shown with a replaced font (``Tj``, ``TJ``,
   ``'``, ``"``) to 2-byte CIDs and point the resource names at the new
   fonts. A content stream shared by pages whose fonts differ is copied.

Each content stream is parsed once (qpdf), however many pages or forms
paint it: steps 1 and 4 replay the operators they track. A rewritten
stream is exactly what :func:`pikepdf.unparse_content_stream` writes for
the parsed stream with the new strings, built line by line from that
unparse (one instruction per line): only text-showing lines change, and
each string or number in them is converted once per font.

Left exactly as they are: fonts of other faces (annexes), Type1, Type3,
CFF or non-embedded fonts, and fonts whose use cannot be rewritten safely:
set by a ``gs`` ExtGState, shown by a form that inherits its font or its
resources, shown in a content stream that does not parse, a simple font
showing a space while word spacing (``Tw``, which never applies to 2-byte
codes) may be non-zero, a code without glyph or width.

Deterministic: fonts, names and glyphs are visited in sorted order, tags are
hashes, and fontTools does not touch timestamps.
"""

from __future__ import annotations

import binascii
import hashlib
import io
import logging
import os
import re
import struct
from array import array
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

from ..paths import FONTS_DIR

WIDTH_TOLERANCE = 1.0  # |PDF width - face advance| allowed, in 1/1000 em
TEXT_SHOW = frozenset({"Tj", "TJ", "'", '"'})
_TRACKED_SET = TEXT_SHOW | {"q", "Q", "Tf", "Tw", "gs", "Do"}
_TRACKED_BYTES = frozenset(op.encode() for op in _TRACKED_SET)
MAX_CID = 0xFFFF
PROGRAM_CACHE = 16  # parsed font programs kept while identifying fonts
SHAPE_CACHE = 20_000  # glyph outlines kept by their data, across fonts (the same glyphs in every subset)
LIKELY_SAMPLE = 24  # glyphs looked at to guess which face to try first
BFCHAR_BLOCK = 100  # entries per beginbfchar block (the CMap limit)

_PDF_OBJECT = type(pikepdf.String(""))  # pikepdf.Object: what strings (and names, arrays...) come back as
_STRING = pikepdf.ObjectType.string
_LITTLE_ENDIAN = array("H", [1]).tobytes() == b"\x01\x00"

ObjGen = tuple[int, int]
Width = int | Decimal
GlyphKey = tuple[int, bytes]  # (advance in font units, hash of the decomposed outline)


def shipped_faces() -> list[Path]:
    """The TrueType faces shipped in ``fonts/``, in name order."""
    return sorted(FONTS_DIR.glob("*.ttf"))


@contextmanager
def _quiet_fonttools() -> Iterator[None]:
    """fontTools logs warnings (e.g. odd timestamps of LibreOffice subsets) in English on stderr."""
    logger = logging.getLogger("fontTools")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


_ON_CURVE = bytes(i & 1 for i in range(256))
_SCALED_COMPONENT_OFFSET = 0x0800
MAX_COMPONENT_DEPTH = 8
Outline = tuple[array, array, list[int], bytes]  # xs, ys, contour ends, on-curve bits


class _GidNames:
    """Stands for the glyf table fontTools decodes a glyph against: components keep their glyph ids."""

    extended = False  # 16-bit glyph ids (fontTools' glyf.extended)

    @staticmethod
    def getGlyphName(gid: int) -> int:  # noqa: N802 (fontTools' name)
        return int(gid)


def open_program(data: bytes, *, names: bool = False):
    """A TTFont over ``data`` whose tables stay raw until asked for.

    ``names``: give glyphs synthetic names (``g<id>``) so that tables that
    name glyphs (cmap) can be read without decoding ``post`` or ``glyf``.
    """
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), lazy=True, recalcTimestamp=False, recalcBBoxes=False)
    if names:
        count = struct.unpack(">H", font.reader["maxp"][4:6])[0]
        font.setGlyphOrder([f"g{i}" for i in range(count)])
    return font


def gid_of_name(name: str) -> int:
    """The glyph id behind a synthetic name of :func:`open_program`."""
    return int(name[1:])


def _points_length(data: bytes, start: int, count: int) -> int:
    """Bytes of a simple glyph's flags and coordinates for ``count`` points, from ``start``."""
    at, seen, size = start, 0, 0
    while seen < count:
        flag = data[at]
        at += 1
        repeat = 1
        if flag & 0x08:
            repeat += data[at]
            at += 1
        size += repeat * ((1 if flag & 0x02 else 0 if flag & 0x10 else 2) + (1 if flag & 0x04 else 0 if flag & 0x20 else 2))
        seen += repeat
    if at + size - start > len(data) - start:
        raise ValueError("glyph data too short")
    return at - start + size


_SHAPE_FLAGS = 0x0001 | 0x0002 | 0x0008 | 0x0040 | 0x0080 | 0x0800 | 0x1000  # not hinting nor metrics bits


def _components(data: bytes) -> list[tuple[int, bytes, int]]:
    """A composite glyph's records: (flags that change the shape, offsets and transform, glyph id)."""
    records, at = [], 10
    while True:
        flags, gid = struct.unpack(">HH", data[at:at + 4])
        size = (4 if flags & 0x0001 else 2) + (2 if flags & 0x0008 else 4 if flags & 0x0040 else 8 if flags & 0x0080 else 0)
        if at + 4 + size > len(data):
            raise ValueError("composite glyph too short")
        records.append((flags & _SHAPE_FLAGS, data[at + 4:at + 4 + size], gid))
        at += 4 + size
        if not flags & 0x0020:  # MORE_COMPONENTS
            return records


def _shape(data: bytes) -> tuple[tuple[int, ...], bytes | list | None]:
    """(bounding box, what to compare without decoding) of a glyph's data (10 bytes or more)."""
    contours, *box = struct.unpack(">h4h", data[:10])
    if contours > 0:
        at = 10 + 2 * contours
        count = struct.unpack(">H", data[at - 2:at])[0] + 1
        start = at + 2 + struct.unpack(">H", data[at:at + 2])[0]  # after the instructions
        shape: bytes | list | None = data[:at] + data[start:start + _points_length(data, start, count)]
    elif contours < 0:
        shape = _components(data)
    else:
        shape = None
    return tuple(box), shape


_SHAPES: dict[bytes, tuple[tuple[int, ...], bytes | list | None]] = {}  # glyph data → _shape(data)
_UNSET = object()


class GlyphTable:
    """The glyphs of one TrueType program, compared by outline and advance.

    Read straight from the raw ``head``, ``maxp``, ``hhea``, ``hmtx``,
    ``loca`` and ``glyf`` tables; a glyph is decoded (fontTools) only when
    compared, composites decomposed with their components' transforms, and
    every result is cached.
    """

    def __init__(self, font) -> None:
        reader = font.reader
        head, hhea = reader["head"], reader["hhea"]
        self.upem = struct.unpack(">H", head[18:20])[0]
        long_offsets = struct.unpack(">h", head[50:52])[0] == 1
        self.count = struct.unpack(">H", reader["maxp"][4:6])[0]
        metrics = min(struct.unpack(">H", hhea[34:36])[0], self.count)
        hmtx = reader["hmtx"]
        if metrics < 1 or len(hmtx) < 4 * metrics:
            raise ValueError("hmtx too short")
        self._hmtx, self._metrics = hmtx, metrics
        loca = array("I" if long_offsets else "H", reader["loca"][:(self.count + 1) * (4 if long_offsets else 2)])
        if _LITTLE_ENDIAN:
            loca.byteswap()
        if len(loca) != self.count + 1:
            raise ValueError("loca too short")
        self.offsets = loca if long_offsets else array("I", map((2).__mul__, loca))
        self.glyf = reader["glyf"]
        self._raw: dict[int, tuple[tuple[int, ...], bytes | list | None] | None] = {}
        self._boxes: dict[int, tuple[int, ...] | None] = {}
        self._keys: dict[int, GlyphKey | None] = {}
        self._outlines: dict[int, Outline] = {}

    def __len__(self) -> int:
        return self.count

    def advance(self, gid: int) -> int:
        """Advance width in font units (glyphs past numberOfHMetrics repeat the last one)."""
        return struct.unpack_from(">H", self._hmtx, 4 * min(gid, self._metrics - 1))[0]

    def _raw_data(self, gid: int) -> bytes:
        start, end = self.offsets[gid], self.offsets[gid + 1]
        if not start <= end <= len(self.glyf):
            raise ValueError("glyph outside the glyf table")
        return self.glyf[start:end]

    def _header(self, gid: int) -> tuple[tuple[int, ...], bytes | list | None] | None:
        """(advance and bounding box, what to compare without decoding, or None).

        A simple glyph: its encoded points (contour ends, flags, coordinates)
        without the hinting instructions or the padding. A composite: its
        component records (flags that change the shape, offsets, transform,
        component glyph id), to be compared component by component.
        """
        header = self._raw.get(gid, _UNSET)
        if header is not _UNSET:
            return header
        try:
            advance = self.advance(gid)
            data = self._raw_data(gid)
            if len(data) < 10:
                header = ((advance,), b"")
            else:
                found = _SHAPES.get(data)  # the same glyph, in another subset of the same face
                if found is None:
                    found = _shape(data)
                    if len(_SHAPES) >= SHAPE_CACHE:
                        _SHAPES.clear()
                    _SHAPES[data] = found
                header = ((advance, *found[0]), found[1])
        except (ValueError, IndexError, struct.error):
            header = None
        self._raw[gid] = header
        return header

    def signature(self, gid: int) -> tuple[int, ...] | None:
        """Advance and bounding box from the glyph header: a cheap pre-filter."""
        box = self._boxes.get(gid, _UNSET)
        if box is _UNSET:
            box = None
            if 0 <= gid < self.count:
                start, end = self.offsets[gid], self.offsets[gid + 1]
                if end - start < 10:
                    box = (self.advance(gid),) if start <= end <= len(self.glyf) else None
                elif end <= len(self.glyf):
                    box = (self.advance(gid), *struct.unpack(">4h", self.glyf[start + 2:start + 10]))
            self._boxes[gid] = box
        return box

    def _outline(self, gid: int, depth: int = 0) -> Outline:
        if gid in self._outlines:
            return self._outlines[gid]
        if depth > MAX_COMPONENT_DEPTH or not 0 <= gid < self.count:
            raise ValueError("bad component")
        from fontTools.ttLib.tables._g_l_y_f import Glyph

        glyph = Glyph(self._raw_data(gid))
        glyph.expand(_GidNames)
        if glyph.numberOfContours == 0:
            outline: Outline = (array("d"), array("d"), [], b"")
        elif glyph.numberOfContours > 0:
            coords = glyph.coordinates.array
            outline = (coords[0::2], coords[1::2], list(glyph.endPtsOfContours), bytes(glyph.flags).translate(_ON_CURVE))
        else:
            xs, ys, ends, on = array("d"), array("d"), [], bytearray()
            for component in glyph.components:
                cxs, cys, cends, con = self._outline(component.glyphName, depth + 1)
                transform = getattr(component, "transform", None)
                if transform is not None:
                    (xx, xy), (yx, yy) = transform
                    cxs, cys = (array("d", [x * xx + y * yx for x, y in zip(cxs, cys)]),
                                array("d", [x * xy + y * yy for x, y in zip(cxs, cys)]))
                if hasattr(component, "firstPt"):  # placed by matching two points
                    dx, dy = xs[component.firstPt] - cxs[component.secondPt], ys[component.firstPt] - cys[component.secondPt]
                else:
                    dx, dy = component.x, component.y
                    if transform is not None and component.flags & _SCALED_COMPONENT_OFFSET:
                        dx, dy = dx * xx + dy * yx, dx * xy + dy * yy
                base = len(xs)
                xs.extend(x + dx for x in cxs)
                ys.extend(y + dy for y in cys)
                ends.extend(e + base for e in cends)
                on += con
            outline = (array("d", [x + 0.0 for x in xs]), array("d", [y + 0.0 for y in ys]), ends, bytes(on))
        self._outlines[gid] = outline
        return outline

    def key(self, gid: int) -> GlyphKey | None:
        """Advance and hash of the decomposed outline, or None if the glyph cannot be read."""
        if gid not in self._keys:
            header = self._header(gid) if 0 <= gid < self.count else None
            key = None
            if header is not None:
                try:
                    xs, ys, ends, on = self._outline(gid)
                    digest = hashlib.blake2b(xs.tobytes(), digest_size=16)
                    digest.update(ys.tobytes())
                    digest.update(array("i", ends).tobytes())
                    digest.update(on)
                    key = (header[0][0], digest.digest() if ends else b"")
                except Exception:  # a malformed or cyclic glyph: fontTools raises anything
                    key = None
            self._keys[gid] = key
        return self._keys[gid]

    def _same_shape(self, gid: int, other: GlyphTable, other_gid: int, depth: int = 0) -> bool:
        """Whether the two glyphs are encoded alike (components compared alike, whatever their ids)."""
        a, b = self._header(gid), other._header(other_gid)
        if a is None or b is None or a[0][1:] != b[0][1:]:
            return False
        return self._same_encoding(a[1], other, b[1], depth)

    def _same_encoding(self, shape: bytes | list | None, other: GlyphTable, other_shape: bytes | list | None,
                       depth: int) -> bool:
        if shape is None or other_shape is None:
            return False
        if isinstance(shape, bytes) or isinstance(other_shape, bytes):
            return shape == other_shape
        return (depth < MAX_COMPONENT_DEPTH and len(shape) == len(other_shape)
                and all(x[:2] == y[:2] and self._same_shape(x[2], other, y[2], depth + 1)
                        for x, y in zip(shape, other_shape)))

    def same(self, gid: int, other: GlyphTable, other_gid: int) -> bool:
        """Whether two glyphs have the same advance and outline."""
        a, b = self._header(gid), other._header(other_gid)
        if a is None or b is None or a[0] != b[0]:
            return False
        if self._same_encoding(a[1], other, b[1], 0):
            return True  # encoded alike: no need to decode them
        key = self.key(gid)
        return key is not None and key == other.key(other_gid)


# --------------------------------------------------------------------------- faces


class Face:
    """A shipped TrueType face, its glyphs hashed on demand."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data = path.read_bytes()
        font = open_program(self.data, names=True)
        self.font = font
        self.glyphs = GlyphTable(font)
        self.glyph_count = len(self.glyphs)
        self.upem = self.glyphs.upem
        self.advances = [self.glyphs.advance(gid) for gid in range(self.glyph_count)]
        self.by_advance: dict[int, list[int]] = {}
        for gid, advance in enumerate(self.advances):
            self.by_advance.setdefault(advance, []).append(gid)
        cmap = font.getBestCmap() or {}
        self.gid_of_char = {u: gid_of_name(n) for u, n in cmap.items()}
        self.char_of_gid: dict[int, int] = {}
        for u in sorted(cmap):
            self.char_of_gid.setdefault(self.gid_of_char[u], u)  # the lowest code point
        names = font["name"]
        ps_name = names.getDebugName(6) if names else None
        self.ps_name = re.sub(r"[^A-Za-z0-9._-]", "", ps_name or path.stem) or "Font"
        self._scanned: dict[GlyphKey, int | None] = {}

    def hints(self, gid: int, text: str | None) -> list[int]:
        """Likely glyphs: the same glyph id (WeasyPrint and stamp subsets keep ids), the text's glyph."""
        found = [gid]
        if text and len(text) == 1 and ord(text) in self.gid_of_char:
            found.append(self.gid_of_char[ord(text)])
        return found

    def find(self, source: GlyphTable, gid: int, hints: Sequence[int] = ()) -> int | None:
        """The glyph of this face with the same advance and outline as ``source``'s ``gid``, or None.

        The hinted glyphs first; else every glyph with the same advance and
        bounding box, compared by decoded outline.
        """
        signature = source.signature(gid)
        if signature is None:
            return None
        for candidate in hints:
            if self.glyphs.signature(candidate) == signature and source.same(gid, self.glyphs, candidate):
                return candidate
        key = source.key(gid)
        if key is None:
            return None
        if key not in self._scanned:
            self._scanned[key] = next((g for g in self.by_advance.get(key[0], ())
                                       if self.glyphs.signature(g) == signature and self.glyphs.key(g) == key), None)
        return self._scanned[key]

    def width(self, gid: int) -> float:
        """Advance in 1/1000 em."""
        return self.advances[gid] * 1000 / self.upem

    def descriptor(self) -> dict:
        """FontDescriptor values (1/1000 em) from the face's tables."""
        font = self.font
        scale = 1000 / self.upem
        head, os2 = font["head"], font["OS/2"]
        italic_angle, fixed_pitch = struct.unpack(">i4xI", font.reader["post"][4:16])  # post's names are not needed
        angle = italic_angle / 65536
        serif = 2 <= os2.panose.bSerifStyle <= 10 or (os2.sFamilyClass >> 8) in (1, 2, 3, 4, 5, 7)
        flags = 4 | (2 if serif else 0) | (64 if angle or head.macStyle & 2 else 0) | (1 if fixed_pitch else 0)
        cap = getattr(os2, "sCapHeight", 0) or os2.sTypoAscender * 0.7  # OS/2 version < 2: a guess
        return {
            "Flags": flags,
            "FontBBox": [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
            "ItalicAngle": Decimal(f"{angle:.2f}").normalize() if angle else 0,
            "Ascent": round(os2.sTypoAscender * scale),
            "Descent": round(os2.sTypoDescender * scale),
            "CapHeight": round(cap * scale),
            "StemV": 140 if os2.usWeightClass >= 600 else 80,  # conventional: viewers do not use it for TrueType
        }


@lru_cache(maxsize=16)
def _face(path: str, mtime_ns: int, size: int) -> Face:
    with _quiet_fonttools():
        return Face(Path(path))


def load_face(path: Path | str) -> Face:
    """The face at ``path``, parsed once per process (and again if the file changes)."""
    stat = os.stat(path)
    return _face(str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def subset_program(face: Face, gids: frozenset[int], hinting: bool) -> bytes:
    """A TrueType subset of ``face`` with glyph ids unchanged (``retain_gids``)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    with _quiet_fonttools():
        font = TTFont(io.BytesIO(face.data), recalcTimestamp=False, recalcBBoxes=False)  # same outlines, same boxes
        dropped = ["FFTM", "GPOS", "GSUB", "GDEF", "kern", "DSIG", "JSTF", "BASE", "MATH"]
        for tag in dropped:
            if tag in font:
                del font[tag]  # never parsed: the subset needs no layout tables
        options = subset.Options()
        options.retain_gids = True  # glyph ids stay those of the full face: CID = GID
        options.notdef_outline = True
        options.name_IDs = []
        options.hinting = hinting
        options.drop_tables += dropped
        subsetter = subset.Subsetter(options)
        subsetter.populate(gids=sorted(gids | {0}))
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)  # recalcTimestamp=False above: same bytes every run
    return out.getvalue()


# --------------------------------------------------------------------------- new Type0 fonts


def font_tag(face: Face, glyphs: Mapping[int, tuple[int, Width, str | None]]) -> str:
    """Six uppercase letters hashed from the face and the glyph set (subset prefix)."""
    digest = hashlib.sha256(face.ps_name.encode())
    for cid in sorted(glyphs):
        gid, width, text = glyphs[cid]
        digest.update(f"{cid}:{gid}:{width}:{text or ''};".encode())
    return "".join(chr(65 + b % 26) for b in digest.digest()[:6])


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be", "surrogatepass").hex().upper()


def to_unicode_cmap(texts: Mapping[int, str]) -> bytes:
    """A ToUnicode CMap for 2-byte codes (CIDs) → text."""
    pairs = sorted((cid, text) for cid, text in texts.items() if text)
    lines = [
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    for start in range(0, len(pairs), BFCHAR_BLOCK):
        block = pairs[start:start + BFCHAR_BLOCK]
        lines.append(f"{len(block)} beginbfchar".encode())
        lines.extend(f"<{cid:04X}> <{_utf16_hex(text)}>".encode() for cid, text in block)
        lines.append(b"endbfchar")
    lines.append(b"endcmap CMapName currentdict /CMap defineresource pop end end")
    return b"\n".join(lines)


def _widths_array(glyphs: Mapping[int, tuple[int, Width, str | None]]) -> Array:
    """``/W`` in runs of consecutive CIDs: ``c [w1 w2 ...]``."""
    out = Array()
    run: list[Width] = []
    first = previous = -2
    for cid in sorted(glyphs):
        if cid != previous + 1 and run:
            out.extend([first, Array(run)])
            run = []
        if not run:
            first = cid
        run.append(glyphs[cid][1])
        previous = cid
    if run:
        out.extend([first, Array(run)])
    return out


def embed_type0_font(
    pdf: pikepdf.Pdf, face: Face, glyphs: Mapping[int, tuple[int, Width, str | None]], *,
    hinting: bool = False, tag: str | None = None, vertical: tuple[Width, Width] | None = None,
) -> pikepdf.Object:
    """Add a Type0 / Identity-H font of ``face`` to ``pdf``; return the indirect font dictionary.

    ``glyphs``: CID → (glyph id in the full face, width in 1/1000 em, text
    for ToUnicode or None for the face's cmap). CID = glyph id everywhere
    gives ``CIDToGIDMap /Identity``; otherwise the map is a stream.
    ``vertical``: (Ascent, Descent) for the descriptor instead of the face's.
    """
    tag = tag or font_tag(face, glyphs)
    base = Name(f"/{tag}+{face.ps_name}")
    program = subset_program(face, frozenset(gid for gid, _, _ in glyphs.values()), hinting)
    values = face.descriptor()
    if vertical is not None:
        values["Ascent"], values["Descent"] = vertical
    descriptor = pdf.make_indirect(Dictionary(
        Type=Name.FontDescriptor, FontName=base, Flags=values["Flags"], FontBBox=Array(values["FontBBox"]),
        ItalicAngle=values["ItalicAngle"], Ascent=values["Ascent"], Descent=values["Descent"],
        CapHeight=values["CapHeight"], StemV=values["StemV"], FontFile2=pikepdf.Stream(pdf, program),
    ))
    if all(cid == gid for cid, (gid, _, _) in glyphs.items()):
        cid_to_gid: pikepdf.Object = Name.Identity
    else:
        table = bytearray(2 * (max(glyphs) + 1))  # unused CIDs map to glyph 0
        for cid, (gid, _, _) in glyphs.items():
            table[2 * cid:2 * cid + 2] = gid.to_bytes(2, "big")
        cid_to_gid = pdf.make_stream(bytes(table))
    cid_font = pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=base,
        CIDSystemInfo=Dictionary(Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0),
        FontDescriptor=descriptor, W=_widths_array(glyphs), DW=1000, CIDToGIDMap=cid_to_gid,
    ))
    texts = {}
    for cid, (gid, _, text) in glyphs.items():
        if text is None and gid in face.char_of_gid:
            text = chr(face.char_of_gid[gid])
        if text:
            texts[cid] = text
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type0, BaseFont=base, Encoding=Name("/Identity-H"),
        DescendantFonts=Array([cid_font]), ToUnicode=pikepdf.Stream(pdf, to_unicode_cmap(texts)),
    ))


# --------------------------------------------------------------------------- source fonts

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


def _number(value: object) -> Width | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    if isinstance(value, float):
        return int(value) if value.is_integer() else Decimal(repr(value))
    return None


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


# --------------------------------------------------------------------------- content streams


class _Unreadable(Exception):
    pass


_INHERITED = "inherited"  # the font a form inherits from whoever paints it


@dataclass
class _FormInfo:
    inherits_font: bool = False  # shows text before setting a font
    inherits_resources: bool = False  # no /Resources of its own...
    shows_text: bool = False  # ...and sets a font or shows text


@dataclass
class _Plan:
    """How one replaced font's strings are re-encoded."""

    def __init__(self, face: int, cids: dict[int, int], two_byte: bool) -> None:
        self.face = face
        self.two_byte = two_byte
        self._codes = {code: cid.to_bytes(2, "big") for code, cid in cids.items()}
        self._cache: dict[bytes, pikepdf.String] = {}  # the same words come back again and again

    def encode(self, data: bytes) -> pikepdf.String:
        found = self._cache.get(data)
        if found is None:
            if self.two_byte:
                codes = array("H", data)
                if _LITTLE_ENDIAN:
                    codes.byteswap()
            else:
                codes = data
            found = self._cache[data] = pikepdf.String(b"".join(map(self._codes.__getitem__, codes)))
        return found


# Events of a parsed content stream: the operators the walk tracks, in order.
_PUSH, _POP, _FONT, _SPACING, _STATE, _PAINT, _SHOW = range(7)
_SHOW_BYTES = frozenset(op.encode() for op in TEXT_SHOW)
_PUSH_EVENT, _POP_EVENT = (_PUSH,), (_POP,)

# The items of an operand list as unparse writes them, one space apart: only
# literal strings (every parenthesis in them escaped) may hold a space.
_ITEM = re.compile(rb"\([^\\()]*+(?:\\.[^\\()]*+)*+\)|[^ ]++", re.DOTALL)


def _is_string(value: object) -> bool:
    # numbers come back as int/Decimal; a cheap type test, then the PDF type of the rest
    return type(value) is _PDF_OBJECT and value._type_code == _STRING


class _Text:
    """The strings of one text-showing operation, and what they show in each kind of font (computed once)."""

    __slots__ = ("strings", "parts", "_cid", "_simple")

    def __init__(self, strings: tuple[bytes, ...] | None,
                 parts: tuple[bytes, list[bytes], bytes] | None = None) -> None:
        self.strings = strings  # None: nothing a font could show (no operand, TJ without an array)
        self.parts = parts  # (head, items, tail) of the line when every item is a string or a number
        self._cid: tuple[bool, frozenset[int], int] | None = None
        self._simple: tuple[bool, frozenset[int], int] | None = None

    def cid(self) -> tuple[bool, frozenset[int], int]:
        """(a dangling byte, the 2-byte codes, how many) for a Type0 font."""
        if self._cid is None:
            strings = self.strings
            dangling = any(len(data) % 2 for data in strings)
            whole = (data[:len(data) // 2 * 2] for data in strings) if dangling else strings
            pairs = array("H", b"".join(whole))
            if _LITTLE_ENDIAN:
                pairs.byteswap()
            self._cid = (dangling, frozenset(pairs), len(pairs))
        return self._cid

    def simple(self) -> tuple[bool, frozenset[int], int]:
        """(a code 32, the 1-byte codes, how many) for a simple font."""
        if self._simple is None:
            data = b"".join(self.strings)
            self._simple = (32 in data, frozenset(data), len(data))
        return self._simple


def _shown_strings(op: str, operands: Sequence) -> tuple[bytes, ...] | None:
    if not operands:
        return None
    last = operands[-1]
    if op == "TJ":
        if not isinstance(last, pikepdf.Array):
            return None
        items = list(last)
    else:
        items = [last]
    return tuple(bytes(item) for item in items if _is_string(item))


def _show_items(line: bytes, spaced: bool = False) -> tuple[bytes, list[bytes], bytes] | None:
    """(head, items, tail) of an unparsed ``[ ... ] TJ``, or ``Tj`` / ``'`` with one operand; else None.

    Items are one space apart; ``spaced``: literal strings may hold spaces
    too (else a literal string cut at a space is not an item that
    :func:`_item_value` reads).
    """
    if line.endswith(b" ] TJ") and line.startswith(b"[ "):
        head, body, tail = b"[ ", line[2:-5], b" ] TJ"
    elif line.endswith((b" Tj", b" '")):
        cut = line.rfind(b" ")
        head, body, tail = b"", line[:cut], line[cut:]
    else:
        return None
    items = _ITEM.findall(body) if spaced else body.split(b" ")
    if not items or b"" in items or (not head and len(items) != 1) or (spaced and b" ".join(items) != body):
        return None
    return head, items, tail


_ESCAPED = re.compile(rb"\\([0-7]{1,3}|.)", re.DOTALL)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}
_NUMBER = re.compile(rb"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")


def _unescape(match: re.Match) -> bytes:
    code = match.group(1)
    found = _ESCAPES.get(code)
    if found is not None:
        return found
    if not code.isdigit():
        raise ValueError("not an escape unparse writes")
    return bytes([int(code, 8) & 0xFF])


def _item_value(item: bytes) -> bytes | None:
    """The bytes of an unparsed string item, None for a number; ValueError for anything else.

    Strings as unparse writes them: hexadecimal, or literal with the
    escapes of PDF 32000 7.3.4.2 (never a raw end of line).
    """
    first = item[:1]
    if first == b"(":
        body = item[1:-1]
        if len(item) < 2 or not item.endswith(b")") or (len(body) - len(body.rstrip(b"\\"))) % 2:
            raise ValueError("a literal string cut at a space")  # its last parenthesis is escaped
        return _ESCAPED.sub(_unescape, body) if b"\\" in body else body
    if first == b"<" and item.endswith(b">") and len(item) > 1 and item[1:2] != b"<":
        return binascii.unhexlify(item[1:-1])  # binascii.Error is a ValueError
    if _NUMBER.fullmatch(item):
        return None
    raise ValueError("neither a string nor a number")


def _spacing(operand: object) -> float | None:
    number = _number(operand)
    return float(number) if number is not None else None


def _reencode(instruction: pikepdf.ContentStreamInstruction, plan: _Plan) -> pikepdf.ContentStreamInstruction:
    """``instruction`` (text showing, with the operand it shows) with its strings re-encoded by ``plan``."""
    op = str(instruction.operator)
    operands = instruction.operands
    last = operands[-1]
    items = list(last) if op == "TJ" else [last]
    for i, item in enumerate(items):
        if _is_string(item):
            items[i] = plan.encode(bytes(item))
    return pikepdf.ContentStreamInstruction([*operands[:-1], Array(items) if op == "TJ" else items[0]],
                                            instruction.operator)


def _unparse_lines(instructions: list) -> list[bytes]:
    """Each instruction as unparse writes it in a content stream."""
    lines = pikepdf.unparse_content_stream(instructions).split(b"\n")
    if len(lines) != len(instructions):
        lines = [pikepdf.unparse_content_stream([instruction]) for instruction in instructions]
    return lines


def _unparse_items(values: list) -> list[bytes] | None:
    """Each value as unparse writes it in an array, or None if the array cannot be split back."""
    line = pikepdf.unparse_content_stream([pikepdf.ContentStreamInstruction([Array(values)], pikepdf.Operator("TJ"))])
    for spaced in (False, True):  # as many items as values: none cut at a space
        parts = _show_items(line, spaced)
        if parts is not None and len(parts[1]) == len(values):
            return parts[1]
    return None


class _Stream:
    """A content stream parsed once for both walks, shared streams included.

    ``events``: the tracked operators, state-independent (``Tf`` keeps the
    resource name, looked up again for each page that paints the stream).
    ``text``: the stream as :func:`pikepdf.unparse_content_stream` writes
    it, one instruction per line, kept when it shows strings: a rewrite then
    builds the lines that change only (same bytes as unparsing the whole
    stream). None when lines are not instructions (inline images): such a
    stream is parsed again to be rewritten.
    """

    __slots__ = ("events", "text")

    def __init__(self, events: list[tuple], text: bytes | None) -> None:
        self.events = events
        self.text = text


class _Streams:
    """Content streams as parsed by qpdf, and the items of their strings, shared by the survey and the rewrite."""

    def __init__(self) -> None:
        self.streams: dict[ObjGen, _Stream | None] = {}
        self.texts: dict[bytes, _Text] = {}  # line → its strings: the same words come back on many pages
        self.items: dict[bytes, bytes | None] = {}  # unparsed item → its bytes (a string) or None (a number)
        self._scratch: pikepdf.Pdf | None = None

    def get(self, stream: pikepdf.Stream) -> _Stream:
        og = stream.objgen
        if og in self.streams:
            parsed = self.streams[og]
        else:
            parsed = self._parse(stream)
            if og != (0, 0):
                self.streams[og] = parsed
        if parsed is None:
            raise _Unreadable
        return parsed

    def reparse(self, lines: list[bytes]) -> list | None:
        """The instructions of these unparsed lines, or None if they do not come back exactly as they were."""
        data = b"\n".join(lines)
        if self._scratch is None:
            self._scratch = pikepdf.new()  # not the dossier: nothing is added to it
        try:
            instructions = pikepdf.parse_content_stream(pikepdf.Stream(self._scratch, data), "")
            if len(instructions) != len(lines) or pikepdf.unparse_content_stream(instructions) != data:
                return None
        except (pikepdf.PdfError, ValueError, TypeError):
            return None
        return instructions

    def _text(self, line: bytes, instruction: pikepdf.ContentStreamInstruction) -> _Text:
        """The strings ``instruction`` (unparsed: ``line``) shows, each item decoded once."""
        parts = _show_items(line)
        strings = self._strings(parts[1]) if parts is not None else None
        if strings is None and parts is not None and b"(" in line:  # a literal string with a space?
            parts = _show_items(line, spaced=True)
            strings = self._strings(parts[1]) if parts is not None else None
        if strings is not None:
            return _Text(strings, parts)
        return _Text(_shown_strings(str(instruction.operator), instruction.operands))  # as pikepdf reads it

    def _strings(self, items: list[bytes]) -> tuple[bytes, ...] | None:
        """The strings among these items (empty ones left out: they show nothing), None if one is not read."""
        table = self.items
        try:
            for item in set(items).difference(table):
                table[item] = _item_value(item)
        except ValueError:
            return None
        return tuple(filter(None, map(table.__getitem__, items)))

    def _parse(self, stream: pikepdf.Stream) -> _Stream | None:
        try:
            instructions = pikepdf.parse_content_stream(stream, "")
        except (pikepdf.PdfError, ValueError, TypeError):
            return None
        try:
            data = pikepdf.unparse_content_stream(instructions)
        except (pikepdf.PdfError, ValueError, TypeError):
            return self._parse_instructions(instructions)
        lines = data.split(b"\n")
        if len(lines) != len(instructions):  # inline images
            return self._parse_instructions(instructions)
        events: list[tuple] = []
        shows: list[tuple[int, int, bytes]] = []  # (position in events, instruction, line)
        tracked = [i for i, line in enumerate(lines) if line[line.rfind(b" ") + 1:] in _TRACKED_BYTES]  # op last
        for index in tracked:
            line = lines[index]
            op = line[line.rfind(b" ") + 1:]
            if op == b"q":
                events.append(_PUSH_EVENT)
            elif op == b"Q":
                events.append(_POP_EVENT)
            elif op in _SHOW_BYTES:
                if op == b'"':
                    operands = instructions[index].operands
                    events.append((_SPACING, _spacing(operands[0]) if len(operands) == 3 else None))
                shows.append((len(events), index, line))
                events.append(())
            elif op == b"Tf" and line.startswith(b"/") and b"#" not in line[:line.find(b" ")]:
                events.append((_FONT, line[:line.find(b" ")].decode("ascii")))  # the name as written: no escape
            else:
                events.append(_event(str(instructions[index].operator), instructions[index].operands))
        if not shows:
            return _Stream(events, None)
        texts = self.texts
        for position, index, line in shows:
            text = texts.get(line)
            if text is None:
                text = texts[line] = self._text(line, instructions[index])
            events[position] = (_SHOW, index, text)
        return _Stream(events, data)

    @staticmethod
    def _parse_instructions(instructions: list) -> _Stream:
        """Events from the instructions themselves (no line per instruction)."""
        events: list[tuple] = []
        for index, instruction in enumerate(instructions):
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                continue
            op = str(instruction.operator)
            if op not in _TRACKED_SET:
                continue
            operands = instruction.operands
            if op in TEXT_SHOW:
                if op == '"':
                    events.append((_SPACING, _spacing(operands[0]) if len(operands) == 3 else None))
                events.append((_SHOW, index, _Text(_shown_strings(op, operands))))
            else:
                events.append(_event(op, operands))
        return _Stream(events, None)


def _event(op: str, operands: Sequence) -> tuple:
    """The event of a tracked operator other than text showing."""
    if op == "q":
        return (_PUSH,)
    if op == "Q":
        return (_POP,)
    if op == "Tf":
        name = operands[0] if operands else None
        return (_FONT, str(name) if isinstance(name, pikepdf.Name) else None)
    if op == "Tw":
        return (_SPACING, _spacing(operands[0]) if operands else None)
    return (_STATE if op == "gs" else _PAINT, operands[0] if operands else None)  # gs, Do


class _Walk:
    """Visits every content stream once, tracking the font and the word spacing.

    Without plans it collects the codes each candidate font shows and the
    fonts that must stay; with plans it re-encodes their strings.
    """

    def __init__(self, pdf: pikepdf.Pdf, plans: dict[ObjGen, _Plan] | None = None,
                 parsed: _Streams | None = None) -> None:
        self.pdf = pdf
        self.plans = plans
        self.parsed = parsed if parsed is not None else _Streams()  # each stream parsed once for both walks
        self._lines: dict[tuple[ObjGen, _Text], bytes] = {}  # (font, strings shown) → the line re-encoded
        self._tokens: dict[ObjGen, dict[bytes, bytes | None]] = {}  # font → item → the item re-encoded
        self._numbers: dict[bytes, bytes | None] = {}  # number item → as pikepdf writes it back
        self.usage: dict[ObjGen, set[int]] = {}
        self.shown: Counter[ObjGen] = Counter()  # glyphs shown per font
        self.fonts: dict[ObjGen, pikepdf.Object] = {}
        self.kinds: dict[ObjGen, str | None] = {}
        self.pinned: set[ObjGen] = set()
        self.forms: dict[ObjGen, _FormInfo] = {}
        self.assigned: dict[ObjGen, bytes | None] = {}  # page content stream → its (new) content
        self.writes: list[tuple[pikepdf.Stream, bytes]] = []
        self.contents: list[tuple[pikepdf.Dictionary, Array]] = []  # pages given copies of shared streams
        self.font_dicts: list[pikepdf.Dictionary] = []
        self._seen_font_dicts: set[ObjGen] = set()

    # ------------------------------------------------------------ contexts

    def run(self) -> None:
        for page in self.pdf.pages:
            self._page(page)

    def _fonts(self, resources: object) -> dict[str, pikepdf.Object]:
        fonts = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
        if not isinstance(fonts, pikepdf.Dictionary):
            return {}
        if fonts.is_indirect:
            if fonts.objgen not in self._seen_font_dicts:
                self._seen_font_dicts.add(fonts.objgen)
                self.font_dicts.append(fonts)
        else:
            self.font_dicts.append(fonts)
        return {str(name): fonts[name] for name in sorted(fonts.keys())}

    def _track(self, font: object) -> ObjGen | None:
        if not isinstance(font, pikepdf.Dictionary) or not font.is_indirect:
            return None
        og = font.objgen
        if og not in self.kinds:
            self.kinds[og] = _font_kind(font)
            self.fonts[og] = font
        return og

    def _pin_all(self, fonts: dict[str, pikepdf.Object]) -> None:
        for font in fonts.values():
            og = self._track(font)
            if og is not None:
                self.pinned.add(og)

    def _page(self, page: pikepdf.Page) -> None:
        obj = page.obj
        resources = obj.get("/Resources")
        if resources is None:
            resources = page._get_inherited("/Resources")
        fonts = self._fonts(resources)
        contents = obj.get("/Contents")
        if isinstance(contents, pikepdf.Stream):
            streams = [contents]
        elif isinstance(contents, pikepdf.Array):
            streams = [s for s in contents if isinstance(s, pikepdf.Stream)]
        else:
            streams = []
        state: tuple = (None, 0.0)
        stack: list[tuple] = []
        replaced: dict[int, pikepdf.Stream] = {}
        for index, stream in enumerate(streams):
            try:
                result, state = self._content(stream, resources, fonts, state, stack, None)
            except _Unreadable:
                self._pin_all(fonts)
                result, state = None, (None, None)
            if self.plans is None:
                continue
            og = stream.objgen
            if og not in self.assigned:
                self.assigned[og] = result
                if result is not None:
                    self.writes.append((stream, result))
            elif self.assigned[og] != result:  # shared with a page whose fonts differ: a copy of its own
                replaced[index] = self.pdf.make_stream(result if result is not None else stream.read_bytes())
        if replaced:
            self.contents.append((obj, Array([replaced.get(i, s) for i, s in enumerate(streams)])))
        annots = obj.get("/Annots")
        for annot in annots if isinstance(annots, pikepdf.Array) else ():
            appearances = annot.get("/AP") if isinstance(annot, pikepdf.Dictionary) else None
            if not isinstance(appearances, pikepdf.Dictionary):
                continue
            for key in ("/N", "/R", "/D"):
                value = appearances.get(key)
                if isinstance(value, pikepdf.Stream):
                    self._form(value, appearance=True)
                elif isinstance(value, pikepdf.Dictionary):
                    for state_name in sorted(value.keys()):
                        if isinstance(value[state_name], pikepdf.Stream):
                            self._form(value[state_name], appearance=True)
        self._children(resources, fonts)

    def _children(self, resources: object, fonts: dict[str, pikepdf.Object]) -> None:
        """Forms, tiling patterns and Type3 glyph procedures listed in ``resources``."""
        if not isinstance(resources, pikepdf.Dictionary):
            return
        for category in ("/XObject", "/Pattern"):
            entries = resources.get(category)
            if not isinstance(entries, pikepdf.Dictionary):
                continue
            for name in sorted(entries.keys()):
                item = entries[name]
                if isinstance(item, pikepdf.Stream) and (item.get("/Subtype") == Name.Form or category == "/Pattern"):
                    self._form(item, parent_fonts=fonts)
        for font in fonts.values():
            if isinstance(font, pikepdf.Dictionary) and font.get("/Subtype") == Name.Type3:
                procs = font.get("/CharProcs")
                if isinstance(procs, pikepdf.Dictionary):
                    own = font.get("/Resources")
                    for name in sorted(procs.keys()):
                        if isinstance(procs[name], pikepdf.Stream):
                            self._form(procs[name], parent_fonts=fonts, resources_of=own)

    def _form(self, stream: pikepdf.Stream, *, parent_fonts: dict | None = None,
              appearance: bool = False, resources_of: object = ...) -> _FormInfo:
        og = stream.objgen
        info = self.forms.get(og)
        if info is None:
            info = self.forms[og] = _FormInfo()  # before walking: a form painting itself stops here
            resources = stream.get("/Resources") if resources_of is ... else resources_of
            info.inherits_resources = resources is None and not appearance
            fonts = self._fonts(resources)
            initial = (None, 0.0) if appearance else (_INHERITED, None)  # appearances start from the default state
            try:
                result, _ = self._content(stream, resources, fonts, initial, [], info)
            except _Unreadable:
                self._pin_all(fonts)
                result = None
            if self.plans is not None and result is not None:
                self.writes.append((stream, result))
            self._children(resources, fonts)
        if info.inherits_resources and info.shows_text and parent_fonts:
            self._pin_all(parent_fonts)  # its names are looked up in whatever paints it
        return info

    # ------------------------------------------------------------ operators

    def _content(self, stream: pikepdf.Stream, resources: object, fonts: dict[str, pikepdf.Object],
                 state: tuple, stack: list[tuple], info: _FormInfo | None) -> tuple[bytes | None, tuple]:
        """Walk one content stream from ``state``; return (new content or None, state at the end)."""
        parsed = self.parsed.get(stream)
        font, tw = state
        changes: list[tuple[int, ObjGen, _Text]] = []
        resolved: dict[str | None, ObjGen | None] = {}  # resource name → font
        for event in parsed.events:
            kind = event[0]
            if kind == _PUSH:
                stack.append((font, tw))
            elif kind == _POP:
                if stack:
                    font, tw = stack.pop()
            elif kind == _SHOW:
                if self._show(event[2], font, tw, info):
                    changes.append((event[1], font, event[2]))
            elif kind == _FONT:
                if info is not None:
                    info.shows_text = True
                name = event[1]
                if name in resolved:
                    font = resolved[name]
                else:
                    font = resolved[name] = self._track(fonts.get(name)) if name is not None else None
            elif kind == _SPACING:
                tw = event[1]
            elif kind == _STATE:
                font = self._graphics_state(resources, event[1], font)
            else:
                self._do(resources, event[1], fonts, font)
        result = self._rewrite(stream, parsed, changes) if changes else None
        return result, (font, tw)

    def _graphics_state(self, resources: object, name: object, font: object) -> object:
        states = resources.get("/ExtGState") if isinstance(resources, pikepdf.Dictionary) else None
        if not isinstance(states, pikepdf.Dictionary) or not isinstance(name, pikepdf.Name) or name not in states:
            return font
        gs = states[name]
        value = gs.get("/Font") if isinstance(gs, pikepdf.Dictionary) else None
        if not isinstance(value, pikepdf.Array) or len(value) < 1:
            return font
        og = self._track(value[0])
        if og is not None:
            self.pinned.add(og)  # rewriting the ExtGState too is not worth it: keep that font
        return og

    def _do(self, resources: object, name: object, fonts: dict, font: object) -> None:
        xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
        if not isinstance(xobjects, pikepdf.Dictionary) or not isinstance(name, pikepdf.Name) or name not in xobjects:
            return
        xobject = xobjects[name]
        if not isinstance(xobject, pikepdf.Stream) or xobject.get("/Subtype") != Name.Form:
            return
        info = self._form(xobject, parent_fonts=fonts)
        if info.inherits_font and isinstance(font, tuple):
            self.pinned.add(font)  # the form shows text in the font of this content

    def _show(self, text: _Text, font: object, tw: float | None, info: _FormInfo | None) -> bool:
        """Collect (no plans) one text-showing operation, or tell whether it is to be re-encoded (plans)."""
        if info is not None:
            info.shows_text = True
            if font == _INHERITED:
                info.inherits_font = True
        if not isinstance(font, tuple) or text.strings is None:
            return False
        kind = self.kinds.get(font)
        if kind is None:
            return False
        if self.plans is not None:
            return font in self.plans
        codes = self.usage.setdefault(font, set())
        if kind == "cid":
            dangling, shown, count = text.cid()
            if dangling:
                self.pinned.add(font)  # a dangling byte: viewers differ
        else:
            space, shown, count = text.simple()
            if tw != 0 and space:
                self.pinned.add(font)  # Tw applies to 1-byte code 32 only, never to CIDs
        codes |= shown
        self.shown[font] += count
        return False

    # ------------------------------------------------------------ re-encoding

    def _rewrite(self, stream: pikepdf.Stream, parsed: _Stream, changes: list[tuple[int, ObjGen, _Text]]) -> bytes:
        """The content of ``stream`` with the strings of the instructions ``changes`` lists re-encoded.

        Exactly what unparsing the whole stream would give, but only the
        lines that change are built, each once per font.
        """
        if parsed.text is None:  # inline images: parse it all again
            instructions = pikepdf.parse_content_stream(stream, "")
            for index, font, _ in changes:
                instructions[index] = _reencode(instructions[index], self.plans[font])
            return pikepdf.unparse_content_stream(instructions)
        lines = parsed.text.split(b"\n")
        built = self._lines
        pending = [change for change in changes if (change[1], change[2]) not in built]
        if pending:
            self._build(stream, lines, pending)
        for index, font, text in changes:
            lines[index] = built[(font, text)]
        return b"\n".join(lines)

    def _build(self, stream: pikepdf.Stream, lines: list[bytes], pending: list[tuple[int, ObjGen, _Text]]) -> None:
        """Re-encode these lines: item by item where every item is a string or a number.

        The items of a line are written one space apart, each as it would be
        alone: each string is re-encoded, and each number converted, once
        per font (by pikepdf, as for the whole line).
        """
        unknown: dict[ObjGen, set[bytes]] = {}
        for _, font, text in pending:
            if text.parts is not None:
                absent = set(text.parts[1]).difference(self._tokens.setdefault(font, {}))
                if absent:
                    unknown.setdefault(font, set()).update(absent)
        for font, items in unknown.items():
            self._convert(font, items)
        slow: dict[tuple[ObjGen, _Text], int] = {}
        for index, font, text in pending:
            key = (font, text)
            if text.parts is not None:
                head, items, tail = text.parts
                try:
                    self._lines[key] = head + b" ".join(map(self._tokens[font].__getitem__, items)) + tail
                    continue
                except TypeError:  # an item that could not be converted: the slow way
                    pass
            slow.setdefault(key, index)
        if slow:
            instructions = self.parsed.reparse([lines[index] for index in slow.values()])
            if instructions is None:  # never seen: take the instructions from the stream itself
                everything = pikepdf.parse_content_stream(stream, "")
                instructions = [everything[index] for index in slow.values()]
            rewritten = _unparse_lines([_reencode(instruction, self.plans[font])
                                        for (font, _), instruction in zip(slow, instructions)])
            self._lines.update(zip(slow, rewritten))

    def _convert(self, font: ObjGen, items: set[bytes]) -> None:
        """Each item (unparsed string or number) as :func:`_reencode` would write it for ``font``, or None.

        Strings re-encoded by the font's plan, numbers read and written back
        by pikepdf (``1.`` becomes ``1``), all unparsed in one array.
        """
        table = self._tokens[font]
        table.update(dict.fromkeys(items))  # None until converted below
        values = self.parsed.items
        strings = sorted(item for item in items if values[item] is not None)
        numbers = sorted(item for item in items if values[item] is None)
        if strings:
            plan = self.plans[font]
            converted = _unparse_items([plan.encode(values[item]) for item in strings])
            if converted is not None:
                table.update(zip(strings, converted))
        if numbers:
            unknown = [item for item in numbers if item not in self._numbers]
            if unknown:
                found = self.parsed.reparse([b"[ " + b" ".join(unknown) + b" ] TJ"])
                operands = found[0].operands if found is not None else ()
                read = list(operands[0]) if len(operands) == 1 and isinstance(operands[0], pikepdf.Array) else []
                converted = _unparse_items(read) if len(read) == len(unknown) else None
                self._numbers.update(zip(unknown, converted if converted is not None else [None] * len(unknown)))
            table.update((item, self._numbers[item]) for item in numbers)

    # ------------------------------------------------------------ results

    def apply(self, new_fonts: dict[ObjGen, pikepdf.Object]) -> None:
        """Write the new contents and point the font names at the new fonts (nothing changes before)."""
        for stream, data in self.writes:
            stream.write(data)
        for page, contents in self.contents:
            page.Contents = contents
        for fonts in self.font_dicts:
            for name in sorted(fonts.keys()):
                value = fonts[name]
                if isinstance(value, pikepdf.Dictionary) and value.is_indirect and value.objgen in new_fonts:
                    fonts[name] = new_fonts[value.objgen]


# --------------------------------------------------------------------------- entry point


def _assign_cids(face: Face, uses: list[tuple[int, Width, str | None]]) -> dict[tuple[int, Width, str | None], int]:
    """CID of each (glyph, width, text) variant: the most used variant of a glyph keeps CID = GID."""
    counts = Counter(uses)
    by_glyph: dict[int, list[tuple[int, Width, str | None]]] = {}
    for variant in counts:
        by_glyph.setdefault(variant[0], []).append(variant)
    cids: dict[tuple[int, Width, str | None], int] = {}
    extra: list[tuple[int, Width, str | None]] = []
    for gid in sorted(by_glyph):
        variants = sorted(by_glyph[gid], key=lambda v: (-counts[v], abs(float(v[1]) - face.width(gid)), float(v[1]), v[2] or ""))
        cids[variants[0]] = gid
        extra.extend(variants[1:])
    next_cid = face.glyph_count
    for variant in sorted(extra, key=lambda v: (v[0], float(v[1]), v[2] or "")):
        cids[variant] = next_cid
        next_cid += 1
    return cids


def _vertical_metrics(fonts: list[tuple[pikepdf.Dictionary, int]]) -> tuple[Width, Width] | None:
    """(Ascent, Descent) of the source descriptors showing the most glyphs.

    Text extractors build lines from them (poppler takes 0 as "unknown" and
    uses its defaults), so keeping the sources' values keeps pdftotext's
    output what it was, where the face's own values would regroup table cells.
    """
    votes: Counter[tuple[Width, Width]] = Counter()
    for font, shown in fonts:
        holder = font.DescendantFonts[0] if font.get("/Subtype") == Name.Type0 else font
        descriptor = holder.get("/FontDescriptor")
        if isinstance(descriptor, pikepdf.Dictionary):
            ascent, descent = _number(descriptor.get("/Ascent")), _number(descriptor.get("/Descent"))
            if ascent is not None and descent is not None:
                votes[(ascent, descent)] += shown
    if not votes:
        return None
    return max(sorted(votes), key=lambda pair: votes[pair])  # ties: the smallest pair, for stable output


def merge_font_subsets(pdf: pikepdf.Pdf, faces: Sequence[Path] | None = None) -> int:
    """Replace the embedded subsets of ``faces`` (default: the shipped fonts) by one font per face.

    ``pdf`` is changed in place: new font objects are added, then content
    streams and font resources are rewritten in one last step; the old fonts
    are left unreferenced (qpdf does not write them). Returns the number of
    font dictionaries replaced (0: nothing changed).
    """
    with _quiet_fonttools():
        loaded = [load_face(path) for path in (faces if faces is not None else shipped_faces())]
        if not loaded:
            return 0
        survey = _Walk(pdf)
        survey.run()
        programs: dict[ObjGen, object] = {}  # font programs shared by several font dictionaries
        matched: dict[ObjGen, tuple[int, dict[int, tuple[int, Width, str | None]]]] = {}
        for og in sorted(survey.usage):
            codes = survey.usage[og]
            if og in survey.pinned or not codes or survey.kinds.get(og) is None:
                continue
            source = analyse_font(survey.fonts[og], programs)
            if len(programs) > PROGRAM_CACHE:
                programs.clear()  # a thousand-page dossier holds hundreds of subsets: keep memory flat
            if source is None:
                continue
            found = match_face(source, sorted(codes), loaded)
            if found is not None:
                matched[og] = found
        if not matched:
            return 0
        plans: dict[ObjGen, _Plan] = {}
        new_by_face: dict[int, pikepdf.Object] = {}
        for index, face in enumerate(loaded):
            fonts = [og for og in sorted(matched) if matched[og][0] == index]
            if not fonts:
                continue
            uses = [matched[og][1][code] for og in fonts for code in sorted(matched[og][1])]
            cids = _assign_cids(face, uses)
            if max(cids.values()) > MAX_CID:
                continue  # more width/text variants than 2-byte codes: leave this face's fonts alone
            glyphs = {cid: variant for variant, cid in cids.items()}
            new_by_face[index] = embed_type0_font(pdf, face, glyphs, vertical=_vertical_metrics(
                [(survey.fonts[og], survey.shown[og]) for og in fonts]))
            for og in fonts:
                mapping = matched[og][1]
                plans[og] = _Plan(index, {code: cids[mapping[code]] for code in mapping},
                                  two_byte=survey.kinds[og] == "cid")
        rewrite = _Walk(pdf, plans, survey.parsed)  # the streams as the survey parsed them
        rewrite.run()
        rewrite.apply({og: new_by_face[plan.face] for og, plan in plans.items()})
    return len(plans)


__all__ = [
    "Face", "analyse_font", "embed_type0_font", "font_tag", "load_face", "match_face",
    "merge_font_subsets", "parse_to_unicode", "shipped_faces", "subset_program", "to_unicode_cmap",
]
