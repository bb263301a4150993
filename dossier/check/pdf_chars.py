"""Characters, words and drawn lines of a PDF page, read with PDFium.

PDFium (through pypdfium2) reads a
30-page Word PDF in well under a second where a pure-Python parser needs
several; the reader asks it only for what it uses: each character's text,
box, font name, size and fill colour, and the paths that are horizontal or
vertical strokes (rules, table borders). Coordinates are in points from the
page's top-left corner, like pdfplumber's (``top``/``bottom``), so the rest
of the reader is independent of the library.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

X_TOLERANCE = 1.5  # pt: a wider gap between two letters starts a new word
Y_TOLERANCE = 3.0  # pt: letters whose bottoms differ less sit on one line
PT_MM = 25.4 / 72


@dataclass
class PageContent:
    width: float
    height: float
    words: list[dict] = field(default_factory=list)  # text x0 x1 top bottom fontname size colour fonts
    chars: int = 0
    hlines: list[tuple[float, float, float]] = field(default_factory=list)  # x0, x1, y (top-down)
    vlines: list[tuple[float, float, float]] = field(default_factory=list)  # x, top, bottom
    paths: int = 0


def open_pdf(data: bytes):
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(data)


_C = None


def _c():
    """Private prototypes of the few PDFium calls made per character: handles
    as plain integers (no ctypes pointer objects to build and compare)."""
    global _C
    if _C is None:
        import pypdfium2_raw.bindings as bindings

        lib = bindings._libs["pdfium"]
        vp, i, d = ctypes.c_void_p, ctypes.c_int, ctypes.c_double

        def proto(name, restype, *args):
            fn = ctypes.CFUNCTYPE(restype, *args)((name, lib))
            return fn

        rect = ctypes.POINTER(_RectF)
        uint = ctypes.POINTER(ctypes.c_uint)
        _C = {
            "text_object": proto("FPDFText_GetTextObject", vp, vp, i),
            "loose_box": proto("FPDFText_GetLooseCharBox", i, vp, i, rect),
            "font_size": proto("FPDFText_GetFontSize", d, vp, i),
            "origin": proto("FPDFText_GetCharOrigin", i, vp, i, ctypes.POINTER(d), ctypes.POINTER(d)),
            "get_text": proto("FPDFText_GetText", i, vp, i, i, ctypes.c_char_p),
            "count": proto("FPDFText_CountChars", i, vp),
            "font": proto("FPDFTextObj_GetFont", vp, vp),
            "base_name": proto("FPDFFont_GetBaseFontName", ctypes.c_size_t, vp, ctypes.c_char_p, ctypes.c_size_t),
            "fill": proto("FPDFPageObj_GetFillColor", i, vp, uint, uint, uint, uint),
        }
    return _C


class _RectF(ctypes.Structure):
    _fields_ = [("left", ctypes.c_float), ("top", ctypes.c_float), ("right", ctypes.c_float),
                ("bottom", ctypes.c_float)]


def page_content(page) -> PageContent:
    c = _c()
    width, height = page.get_size()
    out = PageContent(width, height)
    textpage = page.get_textpage()
    tp = ctypes.cast(textpage.raw, ctypes.c_void_p).value
    count = c["count"](tp)
    buf = ctypes.create_string_buffer(2 * (count + 1))
    c["get_text"](tp, 0, count, buf)
    text = buf.raw[: 2 * count].decode("utf-16-le", "replace")
    objects: dict[int, tuple[str, str | None]] = {}
    chars = []
    box = _RectF()
    pbox = ctypes.byref(box)
    text_object, loose_box, font_size = c["text_object"], c["loose_box"], c["font_size"]
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    name_buf = ctypes.create_string_buffer(256)
    last_obj, info = None, ("", None)
    ox, oy = ctypes.c_double(), ctypes.c_double()
    pox, poy = ctypes.byref(ox), ctypes.byref(oy)
    origin = c["origin"]
    for i, ch in enumerate(text):
        if ch in "\r\n\ufffe\uffff\x00":
            continue
        obj = text_object(tp, i)
        if obj != last_obj:
            info = objects.get(obj or 0)
            if info is None:
                name, colour = "", None
                if obj:
                    font = c["font"](obj)
                    if font and c["base_name"](font, name_buf, 256):
                        name = name_buf.value.decode("latin-1", "replace")
                    if c["fill"](obj, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)):
                        vals = (r.value, g.value, b.value)
                        if max(vals) >= 64:
                            colour = "#" + "".join(f"{v:02X}" for v in vals)
                info = (name, colour)
                objects[obj or 0] = info
            last_obj = obj
        if not obj and ch.isspace():
            chars.append((" ", 0.0, 0.0, -1e9, -1e9, "", 0.0, None))  # a space PDFium put between words
            continue
        if not loose_box(tp, i, pbox) or not origin(tp, i, pox, poy):
            continue
        raw_size = font_size(tp, i)
        size = round(raw_size * 2) / 2
        # a box one em tall standing on the baseline: gaps between lines and paragraphs are
        # measured baseline to baseline, whatever the glyphs and the fonts' ascent and descent
        bottom = height - oy.value
        chars.append((ch, box.left, box.right, bottom - raw_size, bottom, info[0], size, info[1]))
    textpage.close()
    chars = [ch for ch in chars if ch[3] > -1e8]
    out.chars = sum(1 for ch in chars if not ch[0].isspace())
    out.words = _words(chars)
    _paths(page, out)
    return out


def _words(chars: list[tuple]) -> list[dict]:
    """Letters into words: one line (same bottom), left to right, cut at spaces and
    gaps; a space another text is drawn over (a stamped number) cuts nothing."""
    rows: list[list[tuple]] = []
    for ch in sorted(chars, key=lambda c: c[4]):
        if rows and ch[4] - rows[-1][0][4] <= Y_TOLERANCE:
            rows[-1].append(ch)
        else:
            rows.append([ch])
    words: list[dict] = []
    for row in rows:
        row.sort(key=lambda c: c[1])
        current: list[tuple] = []
        last = len(row) - 1
        for k, ch in enumerate(row):
            if ch[0].isspace():
                near = (row[k - 1] if k else None, row[k + 1] if k < last else None)
                if any(s is not None and not s[0].isspace() and s[1] < ch[2] - 0.5 and s[2] > ch[1] + 0.5
                       for s in near):
                    continue  # covered by a stamp
                if current:
                    words.append(_word(current))
                current = []
                continue
            if current and ch[1] - current[-1][2] > X_TOLERANCE:
                words.append(_word(current))
                current = []
            current.append(ch)
        if current:
            words.append(_word(current))
    return words


def _word(chars: list[tuple]) -> dict:
    first = chars[0]
    if all(c[5] == first[5] and c[6] == first[6] and c[7] == first[7] for c in chars):
        return {"text": "".join(c[0] for c in chars), "x0": first[1], "x1": max(c[2] for c in chars),
                "top": min(c[3] for c in chars), "bottom": max(c[4] for c in chars), "fontname": first[5],
                "size": first[6], "colour": first[7], "fonts": {first[5]: len(chars)}}
    fonts: dict[str, int] = {}
    sizes: dict[float, int] = {}
    colours: dict[str | None, int] = {}
    for c in chars:
        fonts[c[5]] = fonts.get(c[5], 0) + 1
        sizes[c[6]] = sizes.get(c[6], 0) + 1
        colours[c[7]] = colours.get(c[7], 0) + 1
    return {
        "text": "".join(c[0] for c in chars),
        "x0": min(c[1] for c in chars), "x1": max(c[2] for c in chars),
        "top": min(c[3] for c in chars), "bottom": max(c[4] for c in chars),
        "fontname": max(fonts, key=fonts.get), "size": max(sizes, key=sizes.get),
        "colour": max(colours, key=colours.get), "fonts": fonts,
    }


def _paths(page, out: PageContent) -> None:
    """Thin horizontal and vertical path objects (a white fill painted behind a line of
    text is not a stroke)."""
    import pypdfium2.raw as raw

    height = out.height
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=2):
        out.paths += 1
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        if raw.FPDFPath_GetDrawMode(obj.raw, fill, stroke) and not stroke.value:
            if not fill.value:
                continue
            if raw.FPDFPageObj_GetFillColor(obj.raw, r, g, b, a) and min(r.value, g.value, b.value) > 200:
                continue  # a white (background) fill
        if h < 2.0 and w > 3 / PT_MM:
            out.hlines.append((left, right, height - top))
        elif w < 2.0 and h > 3 / PT_MM:
            out.vlines.append(((left + right) / 2, height - top, height - bottom))
        elif stroke.value and w > 3 / PT_MM and h > 3 / PT_MM:  # a stroked rectangle: four edges
            out.hlines += [(left, right, height - top), (left, right, height - bottom)]
            out.vlines += [(left, height - top, height - bottom), (right, height - top, height - bottom)]


def ruled_tables(content: PageContent) -> list[tuple[float, float, float, float]]:
    """Boxes (x0, top, x1, bottom) of tables drawn with borders: groups of at least
    two horizontal and two vertical strokes that cross or touch."""
    if len(content.hlines) + len(content.vlines) < 8:
        return []
    segs = [("h", x0, x1, y, y) for x0, x1, y in content.hlines] + [("v", x, x, t, b) for x, t, b in content.vlines]
    parent = list(range(len(segs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    tol = 2.0
    hs = [i for i, s in enumerate(segs) if s[0] == "h"]
    vs = [i for i, s in enumerate(segs) if s[0] == "v"]
    for i in hs:
        _, x0, x1, y, _ = segs[i]
        for j in vs:
            _, x, _, t, b = segs[j]
            if x0 - tol <= x <= x1 + tol and t - tol <= y <= b + tol:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(segs)):
        groups.setdefault(find(i), []).append(i)
    boxes = []
    for members in groups.values():
        if sum(segs[i][0] == "h" for i in members) >= 2 and sum(segs[i][0] == "v" for i in members) >= 2:
            boxes.append((min(segs[i][1] for i in members), min(segs[i][3] for i in members),
                          max(segs[i][2] for i in members), max(segs[i][4] for i in members)))
    return boxes
