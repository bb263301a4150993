"""The shipped faces, read once per process, and the glyph data every step compares.

A :class:`Face` is one TrueType file of ``fonts/``: its glyph outlines
(composites decomposed) and advances, keyed so that a subset's glyph can be
found in the face by shape, never by name (:class:`GlyphTable`), its
descriptor values and its cmap. Also the types and constants the other steps
share (``ObjGen``, ``Width``, the text-showing operators)."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import struct
from array import array
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pikepdf

from ...paths import FONTS_DIR


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
