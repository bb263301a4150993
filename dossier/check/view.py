"""The neutral "document view" both readers (DOCX, PDF) produce and every
recogniser and check reads: text blocks with their resolved formatting and,
when known, their page and position; page setups; page-number marks.

Lengths in millimetres, sizes in points. ``None`` means "the source does not
say" (a PDF has no paragraph styles, a DOCX has no computed positions), and
checks skip what they cannot see.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


def clean(text: str) -> str:
    """NFC, non-breaking spaces and tabs as spaces, runs of spaces collapsed."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\t", " ")
    return " ".join(text.split())


@dataclass
class Span:
    """A run of text with one formatting."""

    text: str
    font: str | None = None
    size: float | None = None
    bold: bool = False
    italic: bool = False
    underline: bool = False
    color: str | None = None  # "000000"-style hex, None = automatic/black


@dataclass
class RuleMark:
    """A horizontal line drawn under a text block."""

    length_mm: float
    how: str  # Vietnamese: "viền dưới đoạn", "đường vẽ", "đường kẻ"
    x0_mm: float | None = None
    x1_mm: float | None = None


@dataclass(eq=False)
class Block:
    """One paragraph (DOCX) or one line segment (PDF), in reading order. Blocks
    compare by identity: two paragraphs with the same words are two paragraphs."""

    spans: list[Span]
    index: int = 0
    page: int | None = None  # 1-based; estimated for DOCX
    page_estimated: bool = False
    side: str = "full"  # left | right | full: which column of the page layout
    cell: tuple[int, int, int] | None = None  # (table, row, column), 1-based, DOCX
    segment: int = 0  # tab-separated part of one DOCX paragraph
    align: str | None = None  # left | center | right | justify
    first_line_indent_mm: float | None = None
    left_indent_mm: float | None = None
    right_indent_mm: float | None = None
    space_before_pt: float | None = None
    space_after_pt: float | None = None
    line_spacing_lines: float | None = None  # "auto" spacing as a multiple
    line_spacing_pt: float | None = None  # "exact"/"at least" spacing
    style: str | None = None
    x0_mm: float | None = None
    x1_mm: float | None = None
    top_mm: float | None = None
    bottom_mm: float | None = None
    lines: list[tuple[float, float, float]] = field(default_factory=list)  # PDF: (x0, x1, top) per line
    rule_below: RuleMark | None = None
    available_mm: float | None = None  # DOCX: width the text can use (container minus indents)
    in_grid_table: bool = False  # a data table (bordered), not a layout table

    # --- derived text and formatting -------------------------------------
    @property
    def text(self) -> str:
        return clean("".join(s.text for s in self.spans))

    @property
    def raw_text(self) -> str:
        return unicodedata.normalize("NFC", "".join(s.text for s in self.spans))

    def visible(self) -> list[Span]:
        return [s for s in self.spans if s.text.strip()]

    @property
    def sizes(self) -> set[float]:
        return {round(s.size * 2) / 2 for s in self.visible() if s.size is not None}

    @property
    def size(self) -> float | None:
        """The size of most of the text."""
        weights: dict[float, int] = {}
        for s in self.visible():
            if s.size is not None:
                key = round(s.size * 2) / 2
                weights[key] = weights.get(key, 0) + len(s.text.strip())
        return max(weights, key=weights.get) if weights else None

    @property
    def all_bold(self) -> bool:
        vis = self.visible()
        return bool(vis) and all(s.bold for s in vis)

    @property
    def any_bold(self) -> bool:
        return any(s.bold for s in self.visible())

    @property
    def all_italic(self) -> bool:
        vis = self.visible()
        return bool(vis) and all(s.italic for s in vis)

    @property
    def any_italic(self) -> bool:
        return any(s.italic for s in self.visible())

    @property
    def any_underline(self) -> bool:
        return any(s.underline for s in self.visible())

    def where(self) -> str:
        """Position for a report, in Vietnamese."""
        parts = []
        if self.cell:
            t, r, c = self.cell
            parts.append(f"bảng {t}, hàng {r}, cột {c}")
        if self.top_mm is not None and self.x0_mm is not None:
            parts.append(f"cách mép trên {self.top_mm:.0f} mm, mép trái {self.x0_mm:.0f} mm")
        elif self.cell is None:
            parts.append(f"đoạn thứ {self.index + 1}")
        return "; ".join(parts)


@dataclass
class PageSetup:
    """One DOCX section, or one PDF page."""

    first_page: int | None  # first page it applies to, when known
    width_mm: float
    height_mm: float
    margins_mm: dict[str, float | None]  # top/bottom/left/right; None = unknown
    margins_estimated: bool = False  # PDF: inferred from where the text is
    label: str = ""  # "mục 1" / "trang 2"
    has_grid_table: bool = False

    @property
    def landscape(self) -> bool:
        return self.width_mm > self.height_mm


@dataclass
class PageNumberMark:
    """A page number (DOCX: a PAGE field in a header/footer; PDF: digits in a margin)."""

    page: int | None  # the page it shows on; None = "every page from 2" (DOCX)
    where: str  # top | bottom
    text: str = ""
    size: float | None = None
    centred: bool | None = None
    offset_mm: float | None = None  # PDF: distance of the centre from the text-area centre
    edge_mm: float | None = None  # distance from the paper edge it is nearest (DOCX: header distance)
    label: str = ""


@dataclass
class DocumentView:
    source: str  # "docx" | "pdf"
    path: str
    blocks: list[Block]
    pages: list[PageSetup]
    page_count: int | None
    page_numbers: list[PageNumberMark]
    fonts: dict[str, int] = field(default_factory=dict)  # font name -> characters
    colours: dict[str, int] = field(default_factory=dict)  # non-black colour -> characters
    page_numbers_known: bool = True  # DOCX: header parts were read
    notes: list[str] = field(default_factory=list)
    text_unreadable: bool = False  # PDF: the text layer does not say what the pages show
