"""Text widths from the shipped font's metrics (Liberation Serif has the same
advance widths as Times New Roman), so rules can be drawn as long as a line."""

from __future__ import annotations

import functools
import unicodedata

from fontTools.ttLib import TTFont

from ..paths import FONTS_DIR

_FILES = {
    (False, False): "LiberationSerif-Regular.ttf",
    (True, False): "LiberationSerif-Bold.ttf",
    (False, True): "LiberationSerif-Italic.ttf",
    (True, True): "LiberationSerif-BoldItalic.ttf",
}
PT_PER_MM = 72 / 25.4


@functools.lru_cache(maxsize=4)
def _advances(bold: bool, italic: bool) -> tuple[dict[int, int], int, int]:
    font = TTFont(FONTS_DIR / _FILES[(bold, italic)], lazy=True)
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    widths = {cp: hmtx[name][0] for cp, name in cmap.items()}
    return widths, font["head"].unitsPerEm, hmtx[".notdef"][0]


def text_width_pt(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """Width of one line of ``text`` at ``size`` points, in points."""
    widths, upm, notdef = _advances(bold, italic)
    text = unicodedata.normalize("NFC", text)
    return sum(widths.get(ord(ch), notdef) for ch in text) * size / upm


def text_width_mm(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    return text_width_pt(text, size, bold, italic) / PT_PER_MM
