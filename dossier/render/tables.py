"""Tables in DOCX documents: a neutral table description (``TableSpec``) that
views put in the context, turned into a docxtpl sub-document when the template
is filled. Columns can be as many as the data needs (criteria × communes)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree

from ..layout import profile as P
from ..layout.docx_blocks import grid_table

@dataclass(frozen=True)
class Column:
    title: str
    width_mm: float
    align: str = "left"


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    bold: bool = False
    italic: bool = False
    shaded: bool = False
    span: bool = False  # one text across the whole row (a group heading)


@dataclass(frozen=True)
class TableSpec:
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    font_size: float = 12.0
    notes: tuple[str, ...] = field(default_factory=tuple)  # lines under the table

    def scaled_to(self, width_mm: float) -> TableSpec:
        total = sum(c.width_mm for c in self.columns)
        if total <= width_mm:
            return self
        k = width_mm / total
        cols = tuple(Column(c.title, c.width_mm * k, c.align) for c in self.columns)
        return TableSpec(cols, self.rows, self.font_size, self.notes)


@functools.lru_cache(maxsize=None)
def _w(name: str) -> str:
    return qn(f"w:{name}")


def _el(parent, tag: str, **attrs: str):
    """A ``w:`` child element with ``w:`` attributes (lxml directly: python-docx's
    cell API walks the whole table on every access, quadratic on big tables)."""
    return etree.SubElement(parent, _w(tag), {_w(k): v for k, v in attrs.items()})


def _twips(mm: float) -> str:
    return str(int(Mm(mm)) // 635)  # as python-docx writes widths: EMU → twentieths of a point


def _cell(tr, text: str, width_mm: float, span: int, style_id: str, align: str, size: float, bold: bool,
          italic: bool, shaded: bool) -> None:
    tc = _el(tr, "tc")
    tc_pr = _el(tc, "tcPr")
    _el(tc_pr, "tcW", w=_twips(width_mm), type="dxa")
    if span > 1:
        _el(tc_pr, "gridSpan", val=str(span))
    if shaded:
        _el(tc_pr, "shd", val="clear", color="auto", fill="E7E6E6")
    _el(tc_pr, "vAlign", val="center")
    p = _el(tc, "p")
    p_pr = _el(p, "pPr")
    _el(p_pr, "pStyle", val=style_id)
    _el(p_pr, "jc", val=align)
    r = _el(p, "r")
    r_pr = _el(r, "rPr")
    if bold:
        _el(r_pr, "b")
    if italic:
        _el(r_pr, "i")
    _el(r_pr, "sz", val=str(int(round(size * 2))))
    t = _el(r, "t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _row(tbl, header: bool = False):
    tr = _el(tbl, "tr")
    tr_pr = _el(tr, "trPr")
    _el(tr_pr, "cantSplit")
    if header:
        _el(tr_pr, "tblHeader")
    return tr


def build_subdoc(tpl, spec: TableSpec):
    """A docxtpl Subdoc holding ``spec`` as a bordered table with a repeated header row."""
    sub = tpl.new_subdoc()
    widths = [c.width_mm for c in spec.columns]
    table = grid_table(sub, widths, rows=1)  # borders, grid, layout; rows are written below
    tbl = table._tbl
    tbl.remove(tbl.tr_lst[0])
    head_style = sub.styles[P.ELEMENTS["table_head"].name].style_id
    text_style = sub.styles[P.ELEMENTS["table_text"].name].style_id
    tr = _row(tbl, header=True)
    for col in spec.columns:
        _cell(tr, col.title, col.width_mm, 1, head_style, "center", spec.font_size, True, False, True)
    for row in spec.rows:
        tr = _row(tbl)
        if row.span:
            text = " ".join(c for c in row.cells if c)
            _cell(tr, text, sum(widths), len(widths), text_style, "left", spec.font_size, True, row.italic,
                  row.shaded)
            continue
        for col, text in zip(spec.columns, row.cells, strict=True):
            _cell(tr, text, col.width_mm, 1, text_style, col.align, spec.font_size, row.bold, row.italic,
                  row.shaded)
    for note in spec.notes:  # notes under the table read as body text, in italic
        para = sub.add_paragraph(note, style=P.ELEMENTS["body"].name)
        para.runs[0].font.italic = True
    return sub


def materialise(tpl, context: dict[str, Any]) -> dict[str, Any]:
    """Replace every TableSpec value (top level or one dict deep) with a Subdoc."""
    tpl.init_docx()
    section = tpl.docx.sections[-1]
    width = (section.page_width - section.left_margin - section.right_margin) / 36000

    def convert(value: Any) -> Any:
        if isinstance(value, TableSpec):
            return build_subdoc(tpl, value.scaled_to(width))
        return value

    out = {}
    for key, value in context.items():
        if isinstance(value, dict):
            out[key] = {k: convert(v) for k, v in value.items()}
        else:
            out[key] = convert(value)
    return out


