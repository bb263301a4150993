"""Tables in DOCX documents: a neutral table description (``TableSpec``) that
views put in the context, turned into a docxtpl sub-document when the template
is filled. Columns can be as many as the data needs (criteria × communes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from ..layout import profile as P
from ..layout.docx_blocks import grid_table

_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT}


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


def _shade(cell) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), "E7E6E6")
    tc_pr.append(shd)


def _write(cell, text: str, style_id: str, align: str, size: float, bold: bool, italic: bool) -> None:
    para = cell.paragraphs[0]
    para._p.style = style_id  # by id: setting by name makes python-docx scan every style, per cell
    para.alignment = _ALIGN[align]
    run = para.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.italic = italic or None
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def build_subdoc(tpl, spec: TableSpec):
    """A docxtpl Subdoc holding ``spec`` as a bordered table with a repeated header row."""
    sub = tpl.new_subdoc()
    table = grid_table(sub, [c.width_mm for c in spec.columns], rows=1 + len(spec.rows))
    head_style = sub.styles[P.ELEMENTS["table_head"].name].style_id
    text_style = sub.styles[P.ELEMENTS["table_text"].name].style_id
    for cell, col in zip(table.rows[0].cells, spec.columns, strict=True):
        _write(cell, col.title, head_style, "center", spec.font_size, True, False)
        _shade(cell)
    for tr, row in zip(table.rows[1:], spec.rows, strict=True):
        cells = tr.cells
        if row.span:
            merged = cells[0].merge(cells[-1]) if len(cells) > 1 else cells[0]
            _write(merged, " ".join(c for c in row.cells if c), text_style, "left", spec.font_size, True, row.italic)
            if row.shaded:
                _shade(merged)
            continue
        for cell, col, text in zip(cells, spec.columns, row.cells, strict=True):
            _write(cell, text, text_style, col.align, spec.font_size, row.bold, row.italic)
            if row.shaded:
                _shade(cell)
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


