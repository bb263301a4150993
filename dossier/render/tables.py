"""Tables in DOCX documents: a neutral table description (``TableSpec``) that
views put in the context, turned into a docxtpl sub-document when the template
is filled. Columns can be as many as the data needs (criteria × communes)."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field
from typing import Any

import docx
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.shared import Mm
from docxtpl.subdoc import Subdoc
from lxml import etree

from ..layout import profile as P
from ..layout.docx_blocks import grid_table
from .layout_pass import style_ids

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
          italic: bool, shaded: bool):
    # children are appended in schema order (dossier.layout.wordml; tests/test_wordml_order.py checks)
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
    return tc


class _Cells:
    """Cells by look (everything but the text): the first cell of each look is
    built, the others are copies of it with their own text. A criteria table has
    thousands of cells in a handful of looks, and a C copy is ~5× faster."""

    def __init__(self) -> None:
        self._built: dict[tuple, Any] = {}

    def add(self, tr, text: str, *look: Any) -> None:
        built = self._built.get(look)
        if built is None:
            self._built[look] = _cell(tr, text, *look)
            return
        tc = copy.deepcopy(built)
        tc[-1][-1][-1].text = text  # w:tc/w:p/w:r/w:t, as _cell builds it
        tr.append(tc)


def _row(tbl, header: bool = False):
    tr = _el(tbl, "tr")
    tr_pr = _el(tr, "trPr")
    _el(tr_pr, "cantSplit")
    if header:
        _el(tr_pr, "tblHeader")
    return tr


@functools.lru_cache(maxsize=1)
def _blank_document_xml() -> bytes:
    return etree.tostring(docx.Document().element)


def _new_subdoc(tpl) -> Subdoc:
    """``tpl.new_subdoc()`` without loading python-docx's default package (its
    styles and all) for each table: a Subdoc only uses that package's empty body,
    and the template's part for styles and relationships."""
    sub = Subdoc.__new__(Subdoc)
    sub.tpl = tpl
    sub.docx = tpl.get_docx()
    sub.subdocx = DocumentObject(parse_xml(_blank_document_xml()), sub.docx.part)
    return sub


def build_subdoc(tpl, spec: TableSpec):
    """A docxtpl Subdoc holding ``spec`` as a bordered table with a repeated header row."""
    sub = _new_subdoc(tpl)
    widths = [c.width_mm for c in spec.columns]
    table = grid_table(sub, widths, rows=1)  # borders, grid, layout; rows are written below
    tbl = table._tbl
    tbl.remove(tbl.tr_lst[0])
    head_name, text_name = P.ELEMENTS["table_head"].name, P.ELEMENTS["table_text"].name
    ids = style_ids(sub, (head_name, text_name))
    head_style, text_style = ids[head_name], ids[text_name]
    cells = _Cells()
    tr = _row(tbl, header=True)
    for col in spec.columns:
        cells.add(tr, col.title, col.width_mm, 1, head_style, "center", spec.font_size, True, False, True)
    for row in spec.rows:
        tr = _row(tbl)
        if row.span:
            text = " ".join(c for c in row.cells if c)
            cells.add(tr, text, sum(widths), len(widths), text_style, "left", spec.font_size, True, row.italic,
                      row.shaded)
            continue
        for col, text in zip(spec.columns, row.cells, strict=True):
            cells.add(tr, text, col.width_mm, 1, text_style, col.align, spec.font_size, row.bold, row.italic,
                      row.shaded)
    # notes under the table read as body text, in italic (the style looked up once: see style_ids)
    body_style = sub.part.get_style_id(P.ELEMENTS["body"].name, WD_STYLE_TYPE.PARAGRAPH) if spec.notes else None
    for note in spec.notes:
        para = sub.add_paragraph(note)
        para._p.style = body_style  # what add_paragraph(note, style=…) sets
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


