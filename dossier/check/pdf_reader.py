"""Read a PDF (from Word, LibreOffice, dossier…) into a :class:`DocumentView`.

Characters become words, words become lines (same baseline), lines are cut
into left/right parts at wide gaps (two-column header and signature rows),
and consecutive lines of one paragraph are joined into a block. Horizontal
lines and flat rectangles become rules attached to the text just above them.
Margins are inferred from where the text sits; page numbers are digit-only
lines in the top or bottom margin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import input_error
from .pdf_chars import open_pdf, page_content, ruled_tables
from .view import Block, DocumentView, PageNumberMark, PageSetup, RuleMark, Span, clean

PT_MM = 25.4 / 72
COLUMN_GAP_MM = 10.0  # a wider gap between words splits a line into two parts
PAGE_NUMBER = re.compile(r"^[-–]?\s*[0-9]{1,4}\s*[-–]?$")
_SUBSET = re.compile(r"^[A-Z]{6}\+")
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.I)
_ITALIC = re.compile(r"italic|oblique", re.I)


def font_family(fontname: str) -> str:
    """'ABCDEF+LiberationSerif-Bold' -> 'LiberationSerif-Bold'."""
    return _SUBSET.sub("", fontname or "")


@dataclass
class _Line:
    page: int
    words: list[dict]
    top: float = 0.0
    bottom: float = 0.0
    x0: float = 0.0
    x1: float = 0.0
    size: float = 0.0
    spans: list[Span] = field(default_factory=list)

    def finish(self) -> _Line:
        self.words.sort(key=lambda w: w["x0"])
        self.top = min(w["top"] for w in self.words)
        self.bottom = max(w["bottom"] for w in self.words)
        self.x0 = min(w["x0"] for w in self.words)
        self.x1 = max(w["x1"] for w in self.words)
        sizes = [w["size"] for w in self.words]
        self.size = max(set(sizes), key=sizes.count)
        spans: list[Span] = []
        own = [w for w in self.words if not w.get("stamp")]
        for k, w in enumerate(self.words):
            name = font_family(w.get("fontname", ""))
            style = name
            if w.get("stamp") and own:  # a stamped number or day takes the style of the line it fills in
                style = font_family(min(own, key=lambda o: abs(o["x0"] - w["x0"])).get("fontname", ""))
            span = Span(w["text"], name, round(float(w["size"]) * 2) / 2, bool(_BOLD.search(style)),
                        bool(_ITALIC.search(style)), False, w.get("colour"))
            if k:
                spans.append(Span(" ", name, span.size, span.bold, span.italic))
            spans.append(span)
        self.spans = spans
        return self

    @property
    def text(self) -> str:
        return clean("".join(s.text for s in self.spans))


def _inside(line, box: tuple[float, float, float, float], slack: float = 1.0) -> bool:
    x0, top, x1, bottom = box
    return line.x0 >= x0 - slack and line.x1 <= x1 + slack and line.top >= top - slack and line.bottom <= bottom + slack


SCAN_NOTE = ("Tệp PDF {path} là bản quét (ảnh chụp các trang, lớp chữ nhận dạng tự động OCR nằm ẩn bên dưới), "
             "nên không kiểm tra được thể thức: vị trí, cỡ chữ và phông của lớp OCR không phải của văn bản.")
UNREADABLE_SHARE = 0.05  # more unreadable characters than this: the text is not checked


def read_pdf(path: Path | str, data: bytes | None = None) -> DocumentView:
    """Read ``path`` (or ``data``, a PDF in memory that ``path`` only names in messages)."""
    from .pdf_fonts import repair

    try:
        raw = data if data is not None else Path(path).read_bytes()
        fixed = repair(raw)
        pdf = open_pdf(fixed.data)
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many types for a bad file
        raise input_error(
            f"Không đọc được tệp {path}: đây không phải tệp PDF hợp lệ hoặc tệp đã bị hỏng.",
            hint="Xuất lại tệp PDF từ Word hoặc LibreOffice.",
        ) from exc
    if fixed.ocr_pages and fixed.ocr_pages * 2 >= fixed.pages:
        pdf.close()
        raise input_error(SCAN_NOTE.format(path=path),
                          hint="Kiểm tra tệp .docx gốc, hoặc tệp PDF xuất trực tiếp từ Word/LibreOffice.")
    try:
        return _read(pdf, path, fixed.unreadable_fonts, fixed.stamp_fonts)
    except Exception as exc:  # noqa: BLE001
        from ..errors import DossierError

        if isinstance(exc, DossierError):
            raise
        raise input_error(f"Không đọc được nội dung tệp PDF {path} ({type(exc).__name__}).") from exc
    finally:
        pdf.close()


def _read(pdf, path: Path, unreadable_fonts: set[str] | None = None,
          stamp_fonts: set[str] | None = None) -> DocumentView:
    blocks: list[Block] = []
    pages: list[PageSetup] = []
    marks: list[PageNumberMark] = []
    fonts: dict[str, int] = {}
    colours: dict[str, int] = {}
    unreadable = total = 0
    if not len(pdf):
        raise input_error(f"Tệp PDF {path} không có trang nào.")
    for number in range(1, len(pdf) + 1):
        page = pdf[number - 1]
        found = page_content(page)
        page.close()
        width_mm, height_mm = found.width * PT_MM, found.height * PT_MM
        words = found.words
        for w in words:
            w["stamp"] = w["fontname"] in (stamp_fonts or ())
            if w["colour"]:
                colours[w["colour"]] = colours.get(w["colour"], 0) + len(w["text"])
        for w in words:
            for fontname, n in w["fonts"].items():
                name = font_family(fontname)
                fonts[name] = fonts.get(name, 0) + n
                total += n
                if unreadable_fonts and fontname in unreadable_fonts:
                    unreadable += n
            if "(cid:" in w["text"]:
                unreadable += w["text"].count("(cid:")
        lines = _lines(words, number)
        numbers = [ln for ln in lines if PAGE_NUMBER.match(ln.text) and
                   (ln.bottom * PT_MM < 20.0 or ln.top * PT_MM > height_mm - 20.0)]
        for ln in numbers:
            centre = (ln.x0 + ln.x1) / 2 * PT_MM
            marks.append(PageNumberMark(
                page=number, where="top" if ln.top * PT_MM < height_mm / 2 else "bottom", text=ln.text,
                size=ln.size, offset_mm=centre - width_mm / 2, label=f"trang {number}",
                edge_mm=ln.top * PT_MM if ln.top * PT_MM < height_mm / 2 else height_mm - ln.bottom * PT_MM,
            ))
        content = [ln for ln in lines if ln not in numbers]
        margins: dict[str, float | None] = {"top": None, "bottom": None, "left": None, "right": None}
        if content:
            margins = {
                "top": min(ln.top for ln in content) * PT_MM,
                "bottom": height_mm - max(ln.bottom for ln in content) * PT_MM,
                "left": _edge([ln.x0 for ln in content], lowest=True) * PT_MM,
                "right": width_mm - _edge([ln.x1 for ln in content], lowest=False) * PT_MM,
            }
        pages.append(PageSetup(number, width_mm, height_mm, margins, margins_estimated=True, label=f"trang {number}",
                               has_grid_table=found.paths > 12))
        text_left = margins["left"] or 30.0
        text_right = width_mm - (margins["right"] or 15.0)
        # Text inside ruled tables (criteria tables, matrices) is table content, not body
        # paragraphs; the header and signature tables are borderless and stay.
        grids = ruled_tables(found)
        prose = [ln for ln in content if not any(_inside(ln, box) for box in grids)]
        page_blocks = _paragraphs(prose, number, text_left, text_right, width_mm)
        _attach_rules(found.hlines, page_blocks)
        for b in page_blocks:
            b.index = len(blocks)
            blocks.append(b)
    if not blocks:
        raise input_error(
            f"Tệp PDF {path} không có lớp chữ (có thể là bản quét), nên không kiểm tra được thể thức.",
            hint="Kiểm tra tệp .docx gốc, hoặc tệp PDF xuất trực tiếp từ Word/LibreOffice.",
        )
    view = DocumentView(
        source="pdf", path=str(path), blocks=blocks, pages=pages, page_count=len(pages), page_numbers=marks,
        fonts=fonts, colours=colours,
    )
    if total and unreadable > UNREADABLE_SHARE * total:
        view.text_unreadable = True
        names = ", ".join(sorted({font_family(f) for f in unreadable_fonts or ()})) or "một số phông"
        view.notes.append(
            f"Lớp chữ của tệp không đọc được ({unreadable} trong {total} ký tự): phông {names} được nhúng "
            "không kèm bảng mã Unicode (thường gặp khi tệp đã qua Ghostscript), nên chữ trích ra không phải chữ "
            "in trên trang. Chỉ kiểm tra khổ giấy, lề, phông chữ và số trang; hãy kiểm tra tệp .docx gốc "
            "hoặc tệp PDF xuất trực tiếp từ Word.")
    return view




EDGE_SLACK_PT = 1.5  # lines within this of each other share an edge
OUTLIER_PT = 3.0 / PT_MM  # a lone line this little beyond the others' edge is an outlier


def _edge(values: list[float], lowest: bool) -> float:
    """Where the text area ends on one side: the outermost position at least
    three lines share (justified lines end together). A lone line a little
    beyond it (a layout table's negative indent, one long line) does not move
    the edge; text far beyond it does (it really is in the margin)."""
    ordered = sorted(values, reverse=not lowest)
    extreme = ordered[0]
    for v in ordered:
        if abs(v - extreme) > OUTLIER_PT:
            break
        if sum(1 for x in ordered if abs(x - v) <= EDGE_SLACK_PT) >= 3:
            return v
    return extreme


def _lines(words: list[dict], page: int) -> list[_Line]:
    """Group words by baseline, then cut each line at wide gaps."""
    rows: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (round(w["bottom"]), w["x0"])):
        tol = max(2.0, 0.25 * float(w["size"]))
        home = None
        for row in reversed(rows):  # rows start in increasing order: only the last few can match
            if w["bottom"] - row[0]["bottom"] > tol + 2.0:
                break
            if abs(row[0]["bottom"] - w["bottom"]) < tol:
                home = row
        if home is None:
            rows.append([w])
        else:
            home.append(w)
    out: list[_Line] = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        part = [row[0]]
        for prev, w in zip(row, row[1:]):
            if (w["x0"] - prev["x1"]) * PT_MM > COLUMN_GAP_MM:
                out.append(_Line(page, part).finish())
                part = []
            part.append(w)
        out.append(_Line(page, part).finish())
    out.sort(key=lambda ln: (round(ln.bottom), ln.x0))
    return out


def _side(line: _Line, left: float, right: float) -> str:
    centre = (line.x0 + line.x1) / 2 * PT_MM
    width = right - left
    if line.x1 * PT_MM < left + 0.55 * width and centre < left + 0.4 * width:
        return "left"
    if line.x0 * PT_MM > left + 0.35 * width and centre > left + 0.55 * width:
        return "right"
    return "full"


def _joins(prev: _Line, cur: _Line, prev_side: str, side: str, right: float, left: float) -> bool:
    """Does ``cur`` continue the paragraph whose last line is ``prev``?"""
    if side != prev_side or abs(cur.size - prev.size) > 0.4:
        return False
    pitch = (cur.bottom - prev.bottom)
    if pitch <= 0 or pitch > 1.45 * cur.size:
        return False
    text = cur.text
    if re.match(r"^(- |[0-9]+\. |[a-zđ]\) |Điều [0-9]|Nơi nhận|Kính gửi|(TM|KT|TL|TUQ|Q)\. )", text):
        return False
    if _upper(prev.text) != _upper(text):  # "QUYẾT ĐỊNH" over "Về việc …"
        return False
    prev_bold = all(s.bold for s in prev.spans if s.text.strip())
    cur_bold = all(s.bold for s in cur.spans if s.text.strip())
    if prev_bold != cur_bold:
        return False
    # justified body text: the previous line is full, this one starts at the margin
    if side == "full" and prev.x1 * PT_MM > right - 3 and abs(cur.x0 * PT_MM - left) < 3:
        return True
    # centred lines (issuer name, V/v, subject): same centre
    c_prev, c_cur = (prev.x0 + prev.x1) / 2, (cur.x0 + cur.x1) / 2
    return abs(c_prev - c_cur) * PT_MM < 3 and side != "full" or (
        side == "full" and abs(c_prev - c_cur) * PT_MM < 3 and prev.x1 * PT_MM < right - 3 and prev.x0 * PT_MM > left + 3)


def _upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch == ch.upper() for ch in letters)


def _paragraphs(lines: list[_Line], page: int, left: float, right: float, width_mm: float) -> list[Block]:
    blocks: list[Block] = []
    last_by_side: dict[str, tuple[Block, _Line]] = {}
    previous: tuple[Block, _Line] | None = None
    for ln in lines:
        side = _side(ln, left, right)
        target = None
        # the last, shorter line of a justified paragraph
        if previous is not None and previous[0].side == "full" and _joins(previous[1], ln, "full", "full", right, left):
            target = previous
        else:
            prev = last_by_side.get(side)
            if prev is not None and (prev[0] is blocks[-1] or _is_same_row_neighbour(prev, blocks, ln)):
                if _joins(prev[1], ln, side, side, right, left):
                    target = prev
        if target is not None:
            block, prev_line = target
            block.spans.append(Span("\n", prev_line.spans[-1].font, ln.size))
            block.spans.extend(ln.spans)
            block.x0_mm = min(block.x0_mm, ln.x0 * PT_MM)
            block.x1_mm = max(block.x1_mm, ln.x1 * PT_MM)
            block.bottom_mm = ln.bottom * PT_MM
            block.lines.append((ln.x0 * PT_MM, ln.x1 * PT_MM, ln.top * PT_MM))
            last_by_side[block.side] = (block, ln)
            previous = (block, ln)
            continue
        block = Block(
            spans=list(ln.spans), page=page, side=side, x0_mm=ln.x0 * PT_MM, x1_mm=ln.x1 * PT_MM,
            top_mm=ln.top * PT_MM, bottom_mm=ln.bottom * PT_MM,
            lines=[(ln.x0 * PT_MM, ln.x1 * PT_MM, ln.top * PT_MM)],
        )
        gap = None
        if blocks and blocks[-1].bottom_mm is not None:
            gap = (ln.top * PT_MM - blocks[-1].bottom_mm) / PT_MM
        block.space_before_pt = gap
        blocks.append(block)
        last_by_side[side] = (block, ln)
        previous = (block, ln)
    for b in blocks:
        b.align = _alignment(b, left, right)
        if b.side == "full":
            b.first_line_indent_mm = b.lines[0][0] - (min(x0 for x0, _, _ in b.lines[1:]) if len(b.lines) > 1 else left)
    return blocks


def _is_same_row_neighbour(prev, blocks, ln) -> bool:
    """Two-column rows interleave left and right lines: let a column continue
    when the blocks in between are all on the other side."""
    block = prev[0]
    try:
        pos = blocks.index(block)
    except ValueError:
        return False
    return all(b.side != block.side and b.side != "full" for b in blocks[pos + 1:])


def _alignment(b: Block, left: float, right: float) -> str:
    rows = b.lines
    if len(rows) >= 2:
        full = [x1 for _, x1, _ in rows[:-1]]
        if all(x1 > right - 2.5 for x1 in full):
            return "justify"
        centres = [(x0 + x1) / 2 for x0, x1, _ in rows]
        if max(centres) - min(centres) < 3:
            return "center"
        if all(abs(x0 - rows[1][0]) < 2 for x0, _, _ in rows[1:]):
            return "left"
        return "left"
    x0, x1, _ = rows[0]
    if abs(x1 - right) < 2 and x0 > left + 15:
        return "right"
    if x1 > right - 3:
        return "justify"
    if abs((x0 + x1) / 2 - (left + right) / 2) < 3 and x0 > left + 5:
        return "center"
    return "left"


def _attach_rules(segments: list[tuple[float, float, float]], blocks: list[Block]) -> None:
    """Horizontal lines and flat rectangles become the rule of the text above."""
    for x0, x1, top in segments:
        length = (x1 - x0) * PT_MM
        if length < 3:
            continue
        mid = (x0 + x1) / 2 * PT_MM
        best = None
        for b in blocks:
            if b.bottom_mm is None or b.x0_mm is None:
                continue
            gap = top * PT_MM - b.bottom_mm
            if -1.0 <= gap <= 8.0 and b.x0_mm - 5 <= mid <= b.x1_mm + 5:
                if best is None or gap < best[0]:
                    best = (gap, b)
        if best is not None and best[1].rule_below is None:
            best[1].rule_below = RuleMark(length, "đường kẻ", x0 * PT_MM, x1 * PT_MM)
