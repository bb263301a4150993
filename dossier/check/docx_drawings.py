"""Drawn horizontal lines in a DOCX and where they are drawn.

Clerks draw the rules under the issuing body, the motto and the subject as
shapes: DrawingML lines, flat rectangles, freeform paths (``a:custGeom``
moveTo/lnTo) and groups of them (``wpg:wgp``), inline or anchored, with a VML
copy for old readers inside ``mc:AlternateContent`` — and, in files from
Word 2003 and WPS, as VML only (``v:line``, ``v:shape`` paths, ``v:rect``,
``v:group``). This module reads one drawing into a :class:`Drawn`: the length
of its longest horizontal line and the offsets that say where it sits
(``positionH``/``positionV`` of an anchor, ``margin-left``/``margin-top`` of
VML). Placing it against the text is the reader's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EMU_MM = 1 / 36000
PT_MM = 25.4 / 72
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
WPS = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}"
WPG = "{http://schemas.microsoft.com/office/word/2010/wordprocessingGroup}"
V = "{urn:schemas-microsoft-com:vml}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MIN_LENGTH_MM = 3.0
MAX_THICKNESS_MM = 1.0
_LINE_PRESETS = {"line", "straightConnector1"}
_FLAT_PRESETS = {"rect", "line", "straightConnector1", "roundRect"}


@dataclass
class Drawn:
    """A horizontal line drawn in a paragraph."""

    length_mm: float
    inline: bool
    x_from: str = "column"  # what the horizontal offset is measured from
    x_mm: float | None = None  # offset of the line's left end
    x_align: str | None = None  # left | center | right (instead of an offset)
    y_from: str = "paragraph"
    y_mm: float | None = None  # offset of the line below the top of y_from
    how: str = "đường kẻ vẽ"  # how the report names it (Vietnamese)


def in_fallback(el, stop) -> bool:
    """True inside an ``mc:Fallback`` whose ``mc:AlternateContent`` also has a
    ``mc:Choice`` (read that one; the fallback is the same drawing again)."""
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == f"{MC}Fallback":
            alt = parent.getparent()
            return alt is not None and alt.find(f"{MC}Choice") is not None
        parent = parent.getparent()
    return False


# --- DrawingML ---------------------------------------------------------------
def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _ext(xfrm) -> tuple[int, int, int, int, int]:
    """(cx, cy, rotation in 1/60000°, child-offset x, child-ext cx) of an a:xfrm."""
    if xfrm is None:
        return 0, 0, 0, 0, 0
    ext = xfrm.find(f"{A}ext")
    ch = xfrm.find(f"{A}chExt")
    return (_int(ext.get("cx")) if ext is not None else 0, _int(ext.get("cy")) if ext is not None else 0,
            _int(xfrm.get("rot")), 0, _int(ch.get("cx")) if ch is not None else 0)


def _horizontal(rot: int) -> bool:
    deg = (rot / 60000) % 180
    return deg < 2 or deg > 178


def _path_span(geom, cx: int) -> float | None:
    """Horizontal extent (in EMU, scaled to ``cx``) of a custGeom whose every
    path is straight and level; None when any part bends or climbs."""
    best = None
    for path in geom.iter(f"{A}path"):
        pts = []
        for seg in path:
            name = seg.tag.rsplit("}", 1)[-1]
            if name in ("moveTo", "lnTo"):
                pt = seg.find(f"{A}pt")
                if pt is None:
                    return None
                pts.append((_int(pt.get("x")), _int(pt.get("y"))))
            elif name != "close":
                return None  # arcs and curves are not rules
        if len(pts) < 2 or len({y for _, y in pts}) != 1:
            if len(pts) >= 2:
                return None
            continue
        w = _int(path.get("w")) or max(x for x, _ in pts) or 1
        span = (max(x for x, _ in pts) - min(x for x, _ in pts)) / w * cx
        best = span if best is None else max(best, span)
    return best


def _shape_line_emu(wsp, scale: float) -> float | None:
    if wsp.find(f"{WPS}txbx") is not None:
        return None
    sppr = wsp.find(f"{WPS}spPr")
    if sppr is None:
        return None
    cx, cy, rot, _, _ = _ext(sppr.find(f"{A}xfrm"))
    if not _horizontal(rot):
        return None
    prst = sppr.find(f"{A}prstGeom")
    if prst is not None:
        name = prst.get("prst")
        if name in _LINE_PRESETS or (name in _FLAT_PRESETS and cy * scale * EMU_MM < MAX_THICKNESS_MM):
            return cx * scale
        return None
    cust = sppr.find(f"{A}custGeom")
    if cust is not None:
        span = _path_span(cust, cx)
        return span * scale if span is not None else None
    return None


def _graphic_line_emu(graphic_data) -> float | None:
    best = None

    def visit(node, scale: float) -> None:
        nonlocal best
        for child in node:
            if child.tag == f"{WPS}wsp":
                length = _shape_line_emu(child, scale)
                if length is not None:
                    best = length if best is None else max(best, length)
            elif child.tag in (f"{WPG}wgp", f"{WPG}grpSp"):
                cx, _, rot, _, ch_cx = _ext(child.find(f"{WPG}grpSpPr/{A}xfrm"))
                if _horizontal(rot):
                    visit(child, scale * (cx / ch_cx if cx and ch_cx else 1.0))

    visit(graphic_data, 1.0)
    return best


def drawing_line(el) -> Drawn | None:
    """A ``wp:inline`` or ``wp:anchor`` that draws a horizontal line."""
    data = el.find(f"{A}graphic/{A}graphicData")
    if data is None:
        return None
    extent = el.find(f"{WP}extent")
    length = _graphic_line_emu(data)
    if length is None:
        return None
    if extent is not None and _int(extent.get("cx")):  # the frame wins: Word scales the shape to it
        frame = _int(extent.get("cx"))
        length = min(length, frame) if length > frame * 1.02 else length
    length_mm = length * EMU_MM
    if length_mm < MIN_LENGTH_MM:
        return None
    if el.tag == f"{WP}inline":
        return Drawn(length_mm, inline=True)
    drawn = Drawn(length_mm, inline=False)
    pos_h, pos_v = el.find(f"{WP}positionH"), el.find(f"{WP}positionV")
    if pos_h is not None:
        drawn.x_from = pos_h.get("relativeFrom") or "column"
        off, align = pos_h.find(f"{WP}posOffset"), pos_h.find(f"{WP}align")
        if off is not None:
            drawn.x_mm = _int(off.text) * EMU_MM
        elif align is not None:
            drawn.x_align = (align.text or "").strip()
    if pos_v is not None:
        drawn.y_from = pos_v.get("relativeFrom") or "paragraph"
        off = pos_v.find(f"{WP}posOffset")
        if off is not None:
            drawn.y_mm = _int(off.text) * EMU_MM
    return drawn


# --- VML -----------------------------------------------------------------------
_LEN = re.compile(r"^\s*(-?[0-9]*\.?[0-9]+)\s*(pt|mm|cm|in|px|emu)?\s*$")
_UNIT_MM = {"pt": PT_MM, "mm": 1.0, "cm": 10.0, "in": 25.4, "px": 25.4 / 96, "emu": EMU_MM}


def vml_length_mm(text: str | None, default_unit: str = "pt") -> float | None:
    if text is None:
        return None
    m = _LEN.match(text)
    if not m:
        return None
    return float(m.group(1)) * _UNIT_MM[m.group(2) or default_unit]


def _style(el) -> dict[str, str]:
    out = {}
    for part in (el.get("style") or "").split(";"):
        if ":" in part:
            key, value = part.split(":", 1)
            out[key.strip().lower()] = value.strip()
    return out


def _pair(text: str | None, unit: str = "pt") -> tuple[float, float] | None:
    parts = (text or "0,0").split(",")
    if len(parts) != 2:
        return None
    x, y = (vml_length_mm(v or "0", unit) for v in parts)
    return None if x is None or y is None else (x, y)


def _vml_path_span(path: str) -> tuple[float, float] | None:
    """(x span, y span) in path units of a VML path made of m/l commands
    (an empty number is 0: 'm,l2105025,e' is a line from 0,0 to 2105025,0)."""
    pts = []
    for cmd, args in re.findall(r"([a-z]+)([^a-z]*)", path.lower()):
        if cmd in ("x", "e", "nf", "ns"):
            continue
        if cmd not in ("m", "l"):
            return None  # curves (c, v, qb …)
        values = [v.strip() for v in args.split(",")]
        if len(values) % 2:
            values.append("")
        try:
            nums = [int(float(v)) if v not in ("", "-") else 0 for v in values]
        except ValueError:
            return None
        pts += list(zip(nums[::2], nums[1::2]))
    if len(pts) < 2:
        return None
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return max(xs) - min(xs), max(ys) - min(ys)


def _vml_group_child_mm(el, scale: float) -> float | None:
    """Length in mm of a level line/shape/rect inside a v:group, whose
    coordinates are unitless; ``scale`` is mm per group unit."""
    if el.tag == f"{V}line":
        a, b = _pair(el.get("from"), "emu"), _pair(el.get("to"), "emu")
        if a is None or b is None:
            return None
        dx, dy = abs(b[0] - a[0]) / EMU_MM, abs(b[1] - a[1]) / EMU_MM  # back to raw units
        return dx * scale if dy * scale <= MAX_THICKNESS_MM else None
    st = _style(el)
    try:
        width = float(st.get("width", "0") or 0) * scale
        height = float(st.get("height", "0") or 0) * scale
    except ValueError:
        return None
    return _level_width(el, width, height)


def _level_width(el, width: float, height: float) -> float | None:
    """Width of a v:rect or v:shape of ``width`` × ``height`` mm when what it draws is level."""
    if not width:
        return None
    path = el.get("path") or ""
    if el.tag == f"{V}rect" or not path:
        return width if height < MAX_THICKNESS_MM else None
    span = _vml_path_span(path)
    if span is None or span[0] <= 0:
        return None
    size = (el.get("coordsize") or "21600,21600").split(",")
    cw = float(size[0] or 21600)
    ch = float(size[1] or 21600) if len(size) > 1 else 21600.0
    if span[1] / ch * height > MAX_THICKNESS_MM:
        return None
    return span[0] / cw * width


def vml_line(pict) -> Drawn | None:
    """A ``w:pict`` that draws a horizontal line (v:line, v:shape, v:rect, v:group)."""
    for el in pict:
        if el.tag not in (f"{V}line", f"{V}shape", f"{V}rect", f"{V}group"):
            continue
        st = _style(el)
        if el.tag == f"{V}group":
            width = vml_length_mm(st.get("width")) or 0.0
            size = (el.get("coordsize") or "1000,1000").split(",")
            scale = width / float(size[0] or 1000) if width else 0.0
            lengths = [_vml_group_child_mm(c, scale) for c in el if c.tag in (f"{V}line", f"{V}shape", f"{V}rect")]
            length = max((x for x in lengths if x), default=None)
        else:
            length = _vml_line_mm(el) if el.tag == f"{V}line" else _vml_shape_pt(el)
        if not length or length < MIN_LENGTH_MM:
            continue
        absolute = st.get("position") == "absolute"
        drawn = Drawn(length, inline=not absolute)
        if absolute:
            rel_v = st.get("mso-position-vertical-relative", "text")
            rel_h = st.get("mso-position-horizontal-relative", "text")
            drawn.y_from = "paragraph" if rel_v in ("text", "line") else rel_v
            drawn.x_from = "column" if rel_h in ("text", "char") else rel_h
            x = vml_length_mm(st.get("margin-left", "0")) or 0.0
            y = vml_length_mm(st.get("margin-top", "0")) or 0.0
            if el.tag == f"{V}line":
                start = _pair(el.get("from"))
                end = _pair(el.get("to"))
                if start and end:
                    x += min(start[0], end[0])
                    y += start[1]
            drawn.x_mm, drawn.y_mm = x, y
            align = st.get("mso-position-horizontal")
            if align in ("left", "center", "right"):
                drawn.x_align = align
        return drawn
    return None


def _vml_line_mm(el) -> float | None:
    a, b = _pair(el.get("from")), _pair(el.get("to"))
    if a is None or b is None or abs(a[1] - b[1]) > MAX_THICKNESS_MM:
        return None
    return abs(b[0] - a[0])


def _vml_shape_pt(el) -> float | None:
    """A v:shape / v:rect outside a group: style sizes in points unless a unit says otherwise."""
    st = _style(el)
    return _level_width(el, vml_length_mm(st.get("width")) or 0.0, vml_length_mm(st.get("height")) or 0.0)
