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
from .docx_drawings import Drawn, drawing_line, in_fallback, vml_line
from .docx_styles import StyleSheet, twips_mm
from .view import Block, DocumentView, PageNumberMark, PageSetup, RuleMark, Span

EMU_MM = 1 / 36000
PT_MM = 25.4 / 72
DEFAULT_CELL_MARGIN_MM = 108 * 25.4 / 1440  # Word's default left/right cell padding
PAGE_FIELD = re.compile(r"^\s*PAGE\b")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
LOOK_BACK = 40  # blocks searched for the text a drawn rule is under
_SO_LABEL = re.compile(r"^\s*S[ốo]\s*:?\s*$")
_UNDERSCORES = re.compile(r"^_{5,}$")
_LEAD_SPACES = re.compile(r"^[ \u00a0]{12,}\S")
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
        self.default_tab_mm = _default_tab_mm(doc)
        self.spans_x: dict[int, tuple[float, float]] = {}  # id(block) -> its column, mm from the left margin

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
        self._walk(self.doc.element.body, cell=None, width_mm=None, side="full", grid=False, x0=0.0)
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

    def _walk(self, container, cell, width_mm, side, grid, x0) -> float:
        """Read the paragraphs and tables of a container whose text starts ``x0`` mm
        right of the left margin; return its estimated height."""
        height = 0.0
        for child in container:
            tag = child.tag
            if tag == f"{W}p":
                height += self._paragraph(child, cell, width_mm, side, grid, x0)
            elif tag == f"{W}tbl":
                height += self._table(child, cell, width_mm, grid, x0)
            elif tag in (f"{W}sdt", f"{W}customXml", f"{W}smartTag"):
                content = child.find(f"{W}sdtContent")
                height += self._walk(content if content is not None else child, cell, width_mm, side, grid, x0)
        return height

    def _table(self, tbl, outer_cell, width_mm, outer_grid, x0) -> float:
        top_level = outer_cell is None
        if top_level:
            self.table_count += 1
        grid = outer_grid or _has_borders(tbl, self.sheet)
        if grid:
            self.grid_sections.add(self.section_index)
        pad = _cell_margin_mm(tbl)
        container_w = width_mm or self._text_width_mm()
        cols = [twips_mm(g.get(qn("w:w"))) or 0.0 for g in tbl.findall(f"{W}tblGrid/{W}gridCol")]
        ind = tbl.find(f"{W}tblPr/{W}tblInd")
        table_x = x0 + ((twips_mm(ind.get(qn("w:w"))) or 0.0) if ind is not None and ind.get(qn("w:type")) in (None, "dxa") else 0.0)
        jc = tbl.find(f"{W}tblPr/{W}jc")
        if jc is not None and jc.get(qn("w:val")) == "center" and cols:
            table_x = x0 + (container_w - sum(cols)) / 2
        total = 0.0
        for r, tr in enumerate(tbl.findall(f"{W}tr"), 1):
            cells = tr.findall(f"{W}tc")
            row_height = 0.0
            before = tr.find(f"{W}trPr/{W}gridBefore")
            k = int(before.get(qn("w:val")) or 0) if before is not None else 0
            for c, tc in enumerate(cells, 1):
                span_el = tc.find(f"{W}tcPr/{W}gridSpan")
                span = int(span_el.get(qn("w:val")) or 1) if span_el is not None else 1
                start = sum(cols[:k]) if len(cols) >= k + span else None
                grid_w = sum(cols[k:k + span]) if start is not None else None
                k += span
                tcw = tc.find(f"{W}tcPr/{W}tcW")
                cw = None
                if tcw is not None and tcw.get(qn("w:type")) in (None, "dxa"):
                    cw = twips_mm(tcw.get(qn("w:w")))
                cw = cw or grid_w
                inner = (cw - 2 * pad) if cw else container_w / max(len(cells), 1)
                cell_x = table_x + (start if start is not None else (c - 1) * (inner + 2 * pad)) + pad
                if len(cells) >= 2:
                    cside = "left" if c == 1 else "right" if c == len(cells) else "full"
                else:
                    cside = "full"
                coords = (self.table_count, r, c) if top_level else outer_cell
                saved = (self.page, self.used_mm)
                h = self._walk(tc, coords, inner, cside if top_level else "full", grid, cell_x)
                self.page, self.used_mm = saved  # cells of a row share the row's page
                row_height = max(row_height, h)
            total += row_height
            if top_level:
                self._advance(row_height)
        return total

    def _paragraph(self, p, cell, width_mm, side, grid, x0) -> float:
        pprs = self.sheet.paragraph_pprs(p)
        props = self._paragraph_props(pprs)
        line_rule = props.pop("line_rule")
        if _on(self.sheet.ppr_child(pprs, "w:pageBreakBefore")) and not self.rendered_breaks:
            self._new_page()
        segments: list[list[Span]] = [[]]
        starts_with_tab = False
        page_break_after = False
        drawn: list[Drawn] = []
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
            elif tag in (f"{WP}inline", f"{WP}anchor", f"{W}pict"):
                if _inside(el, f"{W}txbxContent", p) or in_fallback(el, p):
                    continue
                mark = drawing_line(el) if tag != f"{W}pict" else vml_line(el)
                if mark:
                    drawn.append(mark)
        container_w = width_mm if width_mm is not None else self._text_width_mm()
        left = props["left_indent_mm"] or 0.0
        right = props["right_indent_mm"] or 0.0
        nonempty = [seg for seg in segments if any(s.text.strip() for s in seg)]
        if len(nonempty) >= 2 and _SO_LABEL.match("".join(s.text for s in nonempty[0])):
            # "Số:<tab>/BC-UBND": the blank left for the number is a tab, not a new column
            nonempty[:2] = [nonempty[0] + [Span(" ", nonempty[0][-1].font, nonempty[0][-1].size)] + nonempty[1]]
        typed = "".join(s.text for seg in nonempty for s in seg).strip()
        if len(nonempty) == 1 and _UNDERSCORES.match(typed):
            drawn.append(_typed_rule(typed, nonempty[0]))  # a line of underscores prints as a rule
            nonempty = []
        height = self._estimate_height(nonempty, props, container_w)
        self._advance(height)
        page = self.page
        first_new = len(self.blocks)
        tab_to = _tab_mm(p, self.sheet, left + (props["first_line_indent_mm"] or 0.0), self.default_tab_mm) \
            if starts_with_tab else 0.0
        if line_rule == "atLeast" and props["line_spacing_pt"] is not None:
            size = next((s.size for seg in nonempty for s in seg if s.size and s.text.strip()), 13.0)
            if props["line_spacing_pt"] <= size * 1.2:  # "at least" less than one line: single spacing
                props["line_spacing_pt"], props["line_spacing_lines"] = None, 1.0
        style = self.sheet.style_name(self.sheet.paragraph_style_id(p)) if nonempty else None
        multi = len(nonempty) >= 2
        for k, seg in enumerate(nonempty):
            if multi:
                seg_side = "left" if k == 0 else "right" if k == len(nonempty) - 1 else "full"
            elif starts_with_tab and side == "full" and tab_to > 0.3 * container_w:
                seg_side = "right"
            elif side == "full" and _LEAD_SPACES.match("".join(s.text for s in seg)):
                seg_side = "right"  # pushed right with spaces, as clerks place a signature block
            else:
                seg_side = side
            block = Block(
                spans=seg, index=len(self.blocks), page=page, page_estimated=not self.rendered_breaks,
                side=seg_side, cell=cell, segment=k, style=style, in_grid_table=grid, **props,
                available_mm=None if multi else container_w - left - right,
            )
            if starts_with_tab and not multi and seg_side == "full":
                block.first_line_indent_mm = tab_to - left  # a clerk's indent made with a tab
            self.blocks.append(block)
            part = (container_w - left - right) / len(nonempty)
            self.spans_x[id(block)] = (x0 + left + k * part, x0 + left + (k + 1) * part)
            for s in seg:
                if s.text.strip():
                    n = len(s.text.strip())
                    if s.font:
                        self.fonts[s.font] = self.fonts.get(s.font, 0) + n
                    if s.color:
                        self.colours[s.color] = self.colours.get(s.color, 0) + n
        new = self.blocks[first_new:]
        if _bottom_border(pprs, self.sheet):
            mark = RuleMark(container_w - left - right, "viền dưới đoạn văn", x0 + left, x0 + container_w - right)
            if new:
                new[-1].rule_below = new[-1].rule_below or mark
            else:
                self._give_rule(mark, first_new)
        line_h = self._line_height_mm(nonempty, props)
        for d in drawn:
            mark = self._rule_mark(d, x0, container_w, props)
            if d.inline:
                above = not new
            elif d.y_from in ("paragraph", "line") and d.y_mm is not None:
                gap = (props["space_before_pt"] or 0.0) * PT_MM if d.y_from == "paragraph" else 0.0
                above = not new or d.y_mm < gap + 0.5 * line_h  # drawn in the gap above the text
            else:
                above = not new
            if above:
                self._give_rule(mark, first_new)
            else:
                centre = (mark.x0_mm + mark.x1_mm) / 2
                target = next((b for b in new if self.spans_x[id(b)][0] - 1 <= centre <= self.spans_x[id(b)][1] + 1), new[-1])
                target.rule_below = target.rule_below or mark
        self._after_paragraph(pprs, page_break_after, p)
        return height

    def _rule_mark(self, d: Drawn, x0: float, container_w: float, props: dict) -> RuleMark:
        """Where a drawn line lies across the page (mm from the left margin)."""
        left = props["left_indent_mm"] or 0.0
        right = props["right_indent_mm"] or 0.0
        if d.inline:
            align = props["align"]
            span = container_w - left - right
            offset = (span - d.length_mm) / 2 if align == "center" else span - d.length_mm if align == "right" else 0.0
            start = x0 + left + max(offset, 0.0)
        else:
            base = {"page": -self._left_margin_mm(), "margin": 0.0 if self._in_body(x0) else x0,
                    "leftMargin": -self._left_margin_mm()}.get(d.x_from, x0)
            width = container_w if d.x_from not in ("page",) else container_w + 2 * self._left_margin_mm()
            if d.x_mm is not None:
                start = base + d.x_mm
            elif d.x_align == "center":
                start = base + (width - d.length_mm) / 2
            elif d.x_align == "right":
                start = base + width - d.length_mm
            else:
                start = base
        return RuleMark(d.length_mm, d.how, start, start + d.length_mm)

    def _in_body(self, x0: float) -> bool:
        return abs(x0) < 0.01

    def _left_margin_mm(self) -> float:
        s = self._section()
        return (s.left_margin or 0) * EMU_MM if s is not None else 30.0

    def _give_rule(self, mark: RuleMark, before: int) -> None:
        """A rule drawn above a paragraph's text (or in an empty paragraph) belongs
        to the nearest text above it in the same column, wherever that is (the
        row above in a header table, the previous paragraph of the body)."""
        centre = (mark.x0_mm + mark.x1_mm) / 2
        for b in reversed(self.blocks[max(0, before - LOOK_BACK):before]):
            x0, x1 = self.spans_x.get(id(b), (None, None))
            if x0 is not None and x0 - 1 <= centre <= x1 + 1:
                if b.rule_below is None:
                    b.rule_below = mark
                return

    def _line_height_mm(self, segments, props) -> float:
        size = next((s.size for seg in segments for s in seg if s.size and s.text.strip()), 13.0)
        if props["line_spacing_pt"]:
            return props["line_spacing_pt"] * PT_MM
        return size * 1.15 * PT_MM

    def _after_paragraph(self, pprs, page_break_after: bool, p=None) -> None:
        sect = p.find(f"{W}pPr/{W}sectPr") if p is not None else None
        if sect is not None:  # this paragraph ends a section: what follows is laid out by the next one
            self.section_index += 1
            if (self._section_type(self.section_index) or "nextPage") != "continuous":
                page_break_after = True
        if page_break_after and not self.rendered_breaks:
            self._new_page()

    def _section_type(self, index: int) -> str | None:
        """w:type of section ``index`` (it says how that section starts)."""
        if index >= len(self.sections):
            return None
        el = self.sections[index]._sectPr.find(f"{W}type")
        return el.get(qn("w:val")) if el is not None else None

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
            "line_rule": rule,
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
                distance = s.header_distance if where == "top" else s.footer_distance
                edge = distance * EMU_MM if distance is not None else None
                if scope == "first" or not title_pg:
                    if i == 0:
                        marks.append(PageNumberMark(1, where, "", size, centred, label=label, edge_mm=edge))
                if scope == "others":
                    marks.append(PageNumberMark(None, where, "", size, centred, label=label, edge_mm=edge))
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


def _tab_mm(p, sheet, start_mm: float, default_mm: float) -> float:
    """Where text after a leading tab starts, in mm from the paragraph's indent
    start: the first tab stop past ``start_mm`` (explicit, else the default grid)."""
    stops = []
    for ppr in sheet.paragraph_pprs(p):
        tabs = ppr.find(f"{W}tabs")
        if tabs is None:
            continue
        for t in tabs.findall(f"{W}tab"):
            pos = twips_mm(t.get(qn("w:pos")))
            if pos is not None and t.get(qn("w:val")) not in ("clear", "bar"):
                stops.append(pos)
        break
    past = sorted(x for x in stops if x > start_mm + 0.1)
    if past:
        return past[0]
    step = default_mm if default_mm > 0 else 12.7
    return (math.floor(start_mm / step + 1e-6) + 1) * step


def _default_tab_mm(doc) -> float:
    try:
        el = doc.settings.element.find(f"{W}defaultTabStop")
    except Exception:  # noqa: BLE001 - a file without settings.xml
        el = None
    return (twips_mm(el.get(qn("w:val"))) or 12.7) if el is not None else 12.7


def _typed_rule(text: str, spans: list[Span]) -> Drawn:
    """A paragraph of underscores, as wide as its glyphs print."""
    from ..layout.metrics import text_width_mm

    size = next((sp.size for sp in spans if sp.size), 13.0)
    return Drawn(text_width_mm(text, size), inline=True, how="dòng gạch dưới (_) gõ tay")
