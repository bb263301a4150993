"""openpyxl workbooks, styled cheaply and saved as reproducible bytes.

Styling: setting ``cell.font = ...`` makes openpyxl look the font up in the
workbook's font list, hashing it field by field, which costs more than the
rest of writing the cell. :class:`CellStyles` sets each :class:`Look` that way
once per workbook and gives the other cells a copy of the resulting style.

Saving: document dates from the data (or SOURCE_DATE_EPOCH) and fixed zip
timestamps, never the clock."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, fields

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection
from openpyxl.styles.cell_style import StyleArray
from openpyxl.writer.excel import ExcelWriter

from ..render.docx_package import normalise_zip, source_date


@dataclass(frozen=True, eq=False)
class Look:
    """Style objects to set on a cell, as ``cell.font = font`` and so on would;
    None leaves that part of the cell's style as it is. Looks compare by
    identity (build each once, as a constant), so finding one costs no hashing."""

    border: Border | None = None
    alignment: Alignment | None = None
    fill: PatternFill | None = None
    font: Font | None = None
    protection: Protection | None = None


_LOOK_PARTS = tuple(f.name for f in fields(Look))


class CellStyles:
    """One workbook's cell styles: what each look makes of each style a cell
    had before. The first time, the look's parts are set one by one, which
    files them in the workbook's style lists; after that a cell gets a copy of
    the style array that gave, the very indices setting them again would give
    (style lists only grow, and looks' style objects are never changed)."""

    def __init__(self) -> None:
        self._after: dict[tuple[tuple[int, ...] | None, Look], StyleArray] = {}

    def apply(self, cell: Cell, look: Look) -> None:
        key = (None if cell._style is None else tuple(cell._style), look)
        after = self._after.get(key)
        if after is None:
            after = self._after[key] = _set_one_by_one(cell, look)
        cell._style = StyleArray(after)


def _set_one_by_one(cell: Cell, look: Look) -> StyleArray:
    for part in _LOOK_PARTS:
        value = getattr(look, part)
        if value is not None:
            setattr(cell, part, value)
    return StyleArray(cell._style)


def workbook_bytes(wb: Workbook, when: dt.datetime | None = None) -> bytes:
    when = when or source_date()
    wb.properties.creator = "dossier"
    wb.properties.created = wb.properties.modified = when
    return normalise_zip(_stored_package(wb))


def _stored_package(wb: Workbook) -> bytes:
    """The workbook's parts in an uncompressed zip, as ``wb.save`` writes them
    but without stamping the clock as the modified date; normalise_zip then
    compresses each part once."""
    raw = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED)).save()
    return raw.getvalue()
