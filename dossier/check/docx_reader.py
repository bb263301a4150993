"""Read a DOCX (from dossier, Word, LibreOffice…) into a :class:`DocumentView`.

Every paragraph of the body and of table cells becomes a block (split at tabs
when a line holds a left and a right part, as clerks often lay out the
header); formatting is resolved through the style chain; rules under text are
found as paragraph bottom borders, drawn lines (DrawingML, VML) or underlined
text; page numbers are PAGE fields in the section headers and footers. Word
stores no page positions, so pages are estimated (explicit and last-rendered
page breaks first, then line counts from font metrics).
"""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn

from ..errors import input_error
from .docx_styles import StyleSheet, twips_mm
from .view import Block, DocumentView, PageNumberMark, PageSetup, RuleMark, Span

EMU_MM = 1 / 36000
PT_MM = 25.4 / 72
DEFAULT_CELL_MARGIN_MM = 108 * 25.4 / 1440  # Word's default left/right cell padding
PAGE_FIELD = re.compile(r"^\s*PAGE\b")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
V = "{urn:schemas-microsoft-com:vml}"
_ALIGN = {"both": "justify", "distribute": "justify", "center": "center", "right": "right", "end": "right",
          "left": "left", "start": "left"}


def open_docx(path: Path):
    try:
        return Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise input_error(
            f"Không đọc được tệp {path}: đây không phải tệp Word (.docx) hợp lệ hoặc tệp đã bị hỏng.",
            hint="Mở tệp bằng Word hoặc LibreOffice rồi lưu lại dưới dạng .docx.",
        ) from exc
    except Exception as exc:  # noqa: BLE001 - lxml and zip errors of a damaged file
        raise input_error(f"Không đọc được tệp {path}: nội dung tệp .docx bị hỏng ({type(exc).__name__}).") from exc


def read_docx(path: Path) -> DocumentView:
    doc = open_docx(path)
    return _Reader(doc, path).read()


class _Reader:
    def __init__(self, doc, path: Path) -> None:
        self.doc = doc
        self.path = path
        self.sheet = StyleSheet(doc)
        self.blocks: list[Block] = []
        self.fonts: dict[str, int] = {}
        self.colours: dict[str, int] = {}
        self.sections = list(doc.sections)
        self.section_index = 0
        self.table_count = 0
        self.page = 1
        self.used_mm = 0.0
        self.rendered_breaks = doc.element.body.find(f".//{W}lastRenderedPageBreak") is not None
        self.grid_sections: set[int] = set()
        self.last_text: list[Block] = []

    # --- page estimation -------------------------------------------------
    def _section(self):
        return self.sections[min(self.section_index, len(self.sections) - 1)] if self.sections else None

    def _text_width_mm(self) -> float:
        s = self._section()
        if s is None or s.page_width is None:
            return 165.0
        return (s.page_width - (s.left_margin or 0) - (s.right_margin or 0)) * EMU_MM

    def _text_height_mm(self) -> float:
        s = self._section()
        if s is None or s.page_height is None:
            return 257.0
        return (s.page_height - (s.top_margin or 0) - (s.bottom_margin or 0)) * EMU_MM

    def _advance(self, height_mm: float) -> None:
        if self.rendered_breaks:
            return
        if self.used_mm + height_mm > self._text_height_mm() and self.used_mm > 0:
            self.page += 1
            self.used_mm = 0.0
        self.used_mm += height_mm

    def _new_page(self) -> None:
        self.page += 1
        self.used_mm = 0.0

    # --- walking the body ------------------------------------------------
    def read(self) -> DocumentView:
        self._walk(self.doc.element.body, cell=None, width_mm=None, side="full", grid=False)
        pages = [self._page_setup(i, s) for i, s in enumerate(self.sections)]
        for i in self.grid_sections:
            if i < len(pages):
                pages[i].has_grid_table = True
        marks, known = self._page_numbers()
        return DocumentView(
            source="docx",
            path=str(self.path),
            blocks=self.blocks,
            pages=pages,
            page_count=self.page,
            page_numbers=marks,
            fonts=self.fonts,
            colours=self.colours,
            page_numbers_known=known,
        )

    def _walk(self, container, cell, width_mm, side, grid) -> float:
        """Read the paragraphs and tables of a container; return its estimated height."""
        height = 0.0
        for child in container:
            tag = child.tag
            if tag == f"{W}p":
                height += self._paragraph(child, cell, width_mm, side, grid)
            elif tag == f"{W}tbl":
                height += self._table(child, cell, width_mm, grid)
            elif tag in (f"{W}sdt", f"{W}customXml", f"{W}smartTag"):
                content = child.find(f"{W}sdtContent")
                height += self._walk(content if content is not None else child, cell, width_mm, side, grid)
        return height

    def _table(self, tbl, outer_cell, width_mm, outer_grid) -> float:
        top_level = outer_cell is None
        if top_level:
            self.table_count += 1
        grid = outer_grid or _has_borders(tbl, self.sheet)
        if grid:
            self.grid_sections.add(self.section_index)
        pad = _cell_margin_mm(tbl)
        total = 0.0
        for r, tr in enumerate(tbl.findall(f"{W}tr"), 1):
            cells = tr.findall(f"{W}tc")
            row_height = 0.0
            for c, tc in enumerate(cells, 1):
                tcw = tc.find(f"{W}tcPr/{W}tcW")
                cw = None
                if tcw is not None and tcw.get(qn("w:type")) in (None, "dxa"):
                    cw = twips_mm(tcw.get(qn("w:w")))
                inner = (cw - 2 * pad) if cw else (width_mm or self._text_width_mm()) / max(len(cells), 1)
                if len(cells) >= 2:
                    cside = "left" if c == 1 else "right" if c == len(cells) else "full"
                else:
                    cside = "full"
                coords = (self.table_count, r, c) if top_level else outer_cell
                saved = (self.page, self.used_mm)
                h = self._walk(tc, coords, inner, cside if top_level else "full", grid)
                self.page, self.used_mm = saved  # cells of a row share the row's page
                row_height = max(row_height, h)
            total += row_height
            if top_level:
                self._advance(row_height)
        return total

    def _paragraph(self, p, cell, width_mm, side, grid) -> float:
        pprs = self.sheet.paragraph_pprs(p)
        props = self._paragraph_props(pprs)
        if _on(self.sheet.ppr_child(pprs, "w:pageBreakBefore")) and not self.rendered_breaks:
            self._new_page()
        segments: list[list[Span]] = [[]]
        starts_with_tab = False
        page_break_after = False
        rules: list[RuleMark] = []
        run_cache: dict[int, Span] = {}
        for el in p.iter():
            tag = el.tag
            if tag == f"{W}t":
                run = el.getparent()
                if _inside(el, f"{W}txbxContent", p):
                    continue
                proto = run_cache.get(id(run))
                if proto is None:
                    proto = self._span_format(run, p)
                    run_cache[id(run)] = proto
                segments[-1].append(Span(el.text or "", proto.font, proto.size, proto.bold, proto.italic,
                                         proto.underline, proto.color))
            elif tag == f"{W}tab" and el.getparent().tag == f"{W}r":
                if not any(s.text.strip() for seg in segments for s in seg):
                    starts_with_tab = True
                segments.append([])
            elif tag in (f"{W}br", f"{W}cr"):
                if el.get(qn("w:type")) == "page":
                    page_break_after = True
                else:
                    segments[-1].append(Span("\n"))
            elif tag == f"{W}lastRenderedPageBreak":
                if any(s.text.strip() for seg in segments for s in seg) or self.blocks:
                    self.page += 1
            elif tag == f"{W}noBreakHyphen":
                segments[-1].append(Span("-"))
            elif tag in (f"{WP}inline", f"{WP}anchor"):
                mark = _drawn_line(el)
                if mark:
                    rules.append(mark)
            elif tag == f"{V}line":
                mark = _vml_line(el)
                if mark:
                    rules.append(mark)
        container_w = width_mm if width_mm is not None else self._text_width_mm()
        border = _bottom_border(pprs, self.sheet)
        if border:
            left = props["left_indent_mm"] or 0.0
            right = props["right_indent_mm"] or 0.0
            rules.append(RuleMark(container_w - left - right, "viền dưới đoạn văn", left, container_w - right))
        nonempty = [seg for seg in segments if any(s.text.strip() for s in seg)]
        height = self._estimate_height(nonempty, props, container_w)
        self._advance(height)
        page = self.page
        if not nonempty:
            for mark in rules:
                self._attach_rule(mark, cell, container_w)
            self._after_paragraph(pprs, page_break_after)
            return height
        style = self.sheet.style_name(self.sheet.paragraph_style_id(p))
        multi = len(nonempty) >= 2
        for k, seg in enumerate(nonempty):
            if multi:
                seg_side = "left" if k == 0 else "right" if k == len(nonempty) - 1 else "full"
            elif starts_with_tab and side == "full":
                seg_side = "right"
            else:
                seg_side = side
            block = Block(
                spans=seg, index=len(self.blocks), page=page, page_estimated=not self.rendered_breaks,
                side=seg_side, cell=cell, segment=k, style=style, in_grid_table=grid, **props,
                available_mm=None if multi else container_w - (props["left_indent_mm"] or 0) - (props["right_indent_mm"] or 0),
            )
            self.blocks.append(block)
            for s in seg:
                if s.text.strip():
                    n = len(s.text.strip())
                    if s.font:
                        self.fonts[s.font] = self.fonts.get(s.font, 0) + n
                    if s.color:
                        self.colours[s.color] = self.colours.get(s.color, 0) + n
        new = self.blocks[len(self.blocks) - len(nonempty):]
        self.last_text = new
        if rules:  # in a two-part line the rule is taken to be under the last (right) part
            new[-1].rule_below = rules[0]
        self._after_paragraph(pprs, page_break_after)
        return height

    def _after_paragraph(self, pprs, page_break_after: bool) -> None:
        if page_break_after and not self.rendered_breaks:
            self._new_page()

    def _attach_rule(self, mark: RuleMark, cell, width_mm: float) -> None:
        """An empty paragraph carrying a rule: the rule belongs to the text of the
        last paragraph above it in the same container (table cell or body); when
        that paragraph has a left and a right part, to the part it is under."""
        cands = [b for b in self.last_text if b.cell == cell and b.rule_below is None]
        if not cands:
            return
        if mark.x0_mm is not None and mark.x1_mm is not None and len(cands) > 1:
            centre = (mark.x0_mm + mark.x1_mm) / 2
            side = "left" if centre < 0.45 * width_mm else "right" if centre > 0.55 * width_mm else "full"
            for b in cands:
                if b.side == side:
                    b.rule_below = mark
                    return
        cands[0].rule_below = mark

    def _span_format(self, run, p) -> Span:
        chain = self.sheet.run_rprs(run if run.tag == f"{W}r" else None, p)
        return Span(
            "",
            font=self.sheet.font(chain, "hAnsi") or self.sheet.font(chain, "ascii"),
            size=self.sheet.size(chain),
            bold=self.sheet.toggle(chain, "w:b"),
            italic=self.sheet.toggle(chain, "w:i"),
            underline=self.sheet.underline(chain),
            color=self.sheet.color(chain),
        )

    def _paragraph_props(self, pprs) -> dict:
        sheet = self.sheet
        jc = sheet.ppr_attr(pprs, "w:jc", "w:val")
        first = sheet.ppr_attr(pprs, "w:ind", "w:firstLine")
        hanging = sheet.ppr_attr(pprs, "w:ind", "w:hanging")
        left = sheet.ppr_attr(pprs, "w:ind", "w:left") or sheet.ppr_attr(pprs, "w:ind", "w:start")
        right = sheet.ppr_attr(pprs, "w:ind", "w:right") or sheet.ppr_attr(pprs, "w:ind", "w:end")
        before = sheet.ppr_attr(pprs, "w:spacing", "w:before")
        after = sheet.ppr_attr(pprs, "w:spacing", "w:after")
        line = sheet.ppr_attr(pprs, "w:spacing", "w:line")
        rule = sheet.ppr_attr(pprs, "w:spacing", "w:lineRule") or "auto"
        if hanging is not None and first is None:
            first_mm = -(twips_mm(hanging) or 0.0)
        else:
            first_mm = twips_mm(first) if first is not None else 0.0
        lines = pts = None
        if line is not None:
            try:
                value = int(float(line))
                if rule == "auto":
                    lines = value / 240
                else:
                    pts = value / 20
            except ValueError:
                pass
        else:
            lines = 1.0
        return {
            "align": _ALIGN.get(jc or "left", "left"),
            "first_line_indent_mm": first_mm,
            "left_indent_mm": twips_mm(left) if left is not None else 0.0,
            "right_indent_mm": twips_mm(right) if right is not None else 0.0,
            "space_before_pt": int(float(before)) / 20 if before is not None else 0.0,
            "space_after_pt": int(float(after)) / 20 if after is not None else 0.0,
            "line_spacing_lines": lines,
            "line_spacing_pt": pts,
        }

    def _estimate_height(self, segments, props, width_mm) -> float:
        size = 14.0
        chars = 0
        for seg in segments:
            for s in seg:
                if s.size:
                    size = s.size
                chars += len(s.text)
        avg_char_mm = size * 0.45 * PT_MM  # Times New Roman averages ~0.45 em per character
        usable = max(width_mm - (props["left_indent_mm"] or 0) - (props["right_indent_mm"] or 0), 20.0)
        breaks = sum(1 for seg in segments for s in seg if s.text == "\n")
        lines = max(1, math.ceil(chars * avg_char_mm / usable)) + breaks
        if props["line_spacing_pt"]:
            line_h = props["line_spacing_pt"] * PT_MM
        else:
            line_h = size * 1.15 * (props["line_spacing_lines"] or 1.0) * PT_MM
        return lines * line_h + ((props["space_before_pt"] or 0) + (props["space_after_pt"] or 0)) * PT_MM

    # --- sections and page numbers ---------------------------------------
    def _page_setup(self, i: int, s) -> PageSetup:
        def mm(v):
            return v * EMU_MM if v is not None else None

        # A section without w:pgSz is US Letter in Word.
        width = mm(s.page_width) if s.page_width is not None else 215.9
        height = mm(s.page_height) if s.page_height is not None else 279.4
        return PageSetup(
            first_page=1 if i == 0 else None,
            width_mm=width,
            height_mm=height,
            margins_mm={side: mm(getattr(s, f"{side}_margin")) for side in ("top", "bottom", "left", "right")},
            label=f"mục {i + 1}" if len(self.sections) > 1 else "",
        )

    def _page_numbers(self) -> tuple[list[PageNumberMark], bool]:
        marks: list[PageNumberMark] = []
        for i, s in enumerate(self.sections):
            label = f"mục {i + 1}" if len(self.sections) > 1 else ""
            title_pg = s.different_first_page_header_footer
            parts = [("top", "others", s.header), ("bottom", "others", s.footer)]
            if title_pg:
                parts += [("top", "first", s.first_page_header), ("bottom", "first", s.first_page_footer)]
            for where, scope, part in parts:
                if i == 0 and part.is_linked_to_previous:
                    continue
                try:
                    element = part._element
                except Exception:  # noqa: BLE001 - missing header part
                    continue
                found = self._page_field(element)
                if found is None:
                    continue
                size, centred = found
                if scope == "first" or not title_pg:
                    if i == 0:
                        marks.append(PageNumberMark(1, where, "", size, centred, label=label))
                if scope == "others":
                    marks.append(PageNumberMark(None, where, "", size, centred, label=label))
        return marks, True

    def _page_field(self, element) -> tuple[float | None, bool] | None:
        for p in element.iter(f"{W}p"):
            hit = None
            for simple in p.iter(f"{W}fldSimple"):
                if PAGE_FIELD.match(simple.get(qn("w:instr")) or ""):
                    hit = simple.find(f"{W}r")
            for instr in p.iter(f"{W}instrText"):
                if PAGE_FIELD.match(instr.text or ""):
                    hit = instr.getparent()
            if hit is None and not any(True for _ in p.iter(f"{W}fldSimple")):
                continue
            if hit is None:
                continue
            pprs = self.sheet.paragraph_pprs(p)
            jc = self.sheet.ppr_attr(pprs, "w:jc", "w:val") or "left"
            chain = self.sheet.run_rprs(hit if hit.tag == f"{W}r" else None, p)
            return self.sheet.size(chain), _ALIGN.get(jc, "left") == "center"
        return None


def _on(el) -> bool:
    if el is None:
        return False
    val = el.get(qn("w:val"))
    return val is None or val.lower() not in ("0", "false", "off")


def _inside(el, tag: str, stop) -> bool:
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _bottom_border(pprs, sheet) -> bool:
    for ppr in pprs:
        bdr = ppr.find(f"{W}pBdr")
        if bdr is not None:
            bottom = bdr.find(f"{W}bottom")
            if bottom is None:
                continue
            return (bottom.get(qn("w:val")) or "nil") not in ("nil", "none")
    return False


def _has_borders(tbl, sheet) -> bool:
    """True for a data table with visible borders (not a layout table)."""
    tbl_pr = tbl.find(f"{W}tblPr")
    borders = tbl_pr.find(f"{W}tblBorders") if tbl_pr is not None else None
    if borders is None and tbl_pr is not None:
        style = tbl_pr.find(f"{W}tblStyle")
        if style is not None:
            for st in sheet.chain(style.get(qn("w:val"))):
                borders = st.find(f"{W}tblPr/{W}tblBorders")
                if borders is not None:
                    break
    if borders is None:
        return False
    return any((e.get(qn("w:val")) or "nil") not in ("nil", "none") for e in borders)


def _cell_margin_mm(tbl) -> float:
    mar = tbl.find(f"{W}tblPr/{W}tblCellMar/{W}left")
    if mar is None:
        mar = tbl.find(f"{W}tblPr/{W}tblCellMar/{W}start")
    if mar is not None and mar.get(qn("w:type")) in (None, "dxa"):
        return twips_mm(mar.get(qn("w:w"))) or 0.0
    return DEFAULT_CELL_MARGIN_MM


def _drawn_line(el) -> RuleMark | None:
    """A DrawingML shape that is a horizontal line (or a very flat rectangle)."""
    extent = el.find(f"{WP}extent")
    if extent is None:
        return None
    try:
        cx, cy = int(extent.get("cx")), int(extent.get("cy"))
    except (TypeError, ValueError):
        return None
    geom = el.find(f".//{A}prstGeom")
    is_line = geom is not None and geom.get("prst") in ("line", "straightConnector1")
    flat = cx > 0 and cy * EMU_MM < 1.0
    if (is_line or (geom is not None and flat)) and cx * EMU_MM > 3 and cy * EMU_MM < 2:
        return RuleMark(cx * EMU_MM, "đường kẻ vẽ")
    return None


_VML_LEN = re.compile(r"(-?[0-9.]+)\s*(pt|mm|cm|in|px)?")


def _vml_length_mm(text: str) -> float | None:
    m = _VML_LEN.match(text.strip())
    if not m:
        return None
    value = float(m.group(1))
    unit = m.group(2) or "pt"
    return value * {"pt": PT_MM, "mm": 1.0, "cm": 10.0, "in": 25.4, "px": 25.4 / 96}[unit]


def _vml_line(el) -> RuleMark | None:
    try:
        x0, y0 = (_vml_length_mm(v) for v in (el.get("from") or "0,0").split(","))
        x1, y1 = (_vml_length_mm(v) for v in (el.get("to") or "0,0").split(","))
    except ValueError:
        return None
    if None in (x0, x1, y0, y1) or abs(y1 - y0) > 1.0 or abs(x1 - x0) < 3:
        return None
    return RuleMark(abs(x1 - x0), "đường kẻ vẽ")
