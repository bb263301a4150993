"""The layout pass after filling a DOCX.

1. Size the short rules (the line under
the issuing body, under the tiêu ngữ, under a subject line) to the text above
them, as Decree 30 asks: 1/3–1/2 of the issuing body's line, exactly as long as
the tiêu ngữ. A rule is a paragraph in one of the rule styles carrying a bottom
border; its indents set its length, so it stays editable in Word.
2. Keep the signature block on the same page as the end of the text: the
   paragraph before a layout table is kept with it (no lone signature page).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.styles import BabelFish
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from ..layout import profile as P
from ..layout.metrics import text_width_mm

RULE_STYLES = {P.ELEMENTS[key].name: ratio for key, ratio in P.RULES.items()}


def _style_value(style, attr: str):
    while style is not None:
        value = getattr(style.font, attr)
        if value is not None:
            return value
        style = style.base_style
    return None


def _font_of(paragraph: Paragraph) -> tuple[float, bool]:
    size = bold = None
    for run in paragraph.runs:
        if run.text.strip():
            size = run.font.size.pt if run.font.size else None
            bold = run.font.bold
            break
    if size is None:
        value = _style_value(paragraph.style, "size")
        size = value.pt if value is not None else 14.0
    if bold is None:
        bold = bool(_style_value(paragraph.style, "bold"))
    return size, bool(bold)


def _container_width_mm(paragraph: Paragraph, section_width_mm: float) -> float:
    tc = paragraph._p.getparent()
    if tc is not None and tc.tag == qn("w:tc"):
        width = tc.find(qn("w:tcPr") + "/" + qn("w:tcW"))
        if width is not None and width.get(qn("w:type")) == "dxa":
            return int(width.get(qn("w:w"))) / 56.6929 - 2 * P.CELL_PADDING_MM
    return section_width_mm


_P, _PPR, _PSTYLE, _VAL, _T = qn("w:p"), qn("w:pPr"), qn("w:pStyle"), qn("w:val"), qn("w:t")
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def style_ids(doc: DocumentObject, names: Iterable[str]) -> dict[str, str]:
    """``{name: doc.styles[name].style_id}`` for those of ``names`` the document
    has, found as ``doc.styles[name]`` finds them; ``name in doc.styles`` would
    build a python-docx object for each of the template's styles."""
    styles = doc.styles.element
    found = {name: styles.get_by_name(BabelFish.ui2internal(name)) for name in names}
    return {name: style.styleId for name, style in found.items() if style is not None}


def _has_text(p) -> bool:
    return any(t.text and t.text.strip() for t in p.iter(_T))


def _rule_paragraphs(body, ids: Iterable[str]) -> list:
    """The paragraphs in one of the styles ``ids``, in document order (an XPath in C: a
    report's criteria table has hundreds of paragraphs, and few are rules)."""
    ids = list(ids)
    if not ids:
        return []
    return _rules_xpath(len(ids))(body, **{f"s{n}": value for n, value in enumerate(ids)})


# the paragraphs before one in document order (those containing it included, as a text box's
# paragraph is inside one), within the body, that have a text element
_BEFORE = etree.XPath("(preceding::w:p | ancestor::w:p)[ancestor::w:body][.//w:t]", namespaces={"w": _W_NS})


@functools.lru_cache(maxsize=8)
def _rules_xpath(count: int) -> etree.XPath:
    test = " or ".join(f"@w:val = $s{n}" for n in range(count))
    return etree.XPath(f".//w:p[w:pPr/w:pStyle[{test}]]", namespaces={"w": _W_NS})


def fit_rules(doc: DocumentObject) -> int:
    """Set every rule paragraph's length from the text above it; return how many.

    The text above a rule is the last paragraph before it with text, in document
    order (tables included). Found with XPath from each rule: a report's criteria
    table has hundreds of paragraphs, and reading each one in Python (python-docx
    makes an object per element) cost more than the rest of the filling.
    """
    section = doc.sections[0]
    section_width_mm = (section.page_width - section.left_margin - section.right_margin) / 36000
    # compare style ids (cheap) rather than names (python-docx resolves a name per call)
    ids = style_ids(doc, RULE_STYLES)
    ratios = {ids[name]: r for name, r in RULE_STYLES.items() if name in ids}
    fitted = 0
    for p in _rule_paragraphs(doc.element.body, ratios):
        ratio = ratios.get(p.find(f"{_PPR}/{_PSTYLE}").get(_VAL))
        previous = next((q for q in reversed(_BEFORE(p)) if _has_text(q)), None)
        if ratio is None or previous is None:
            continue
        above = Paragraph(previous, doc)
        para = Paragraph(p, doc)
        size, bold = _font_of(above)
        width = _container_width_mm(para, section_width_mm)
        # a line that wraps is at most as long as its column
        longest = min(max(text_width_mm(line, size, bold) for line in above.text.split("\n")), width)
        length = longest * ratio
        side = max((width - length) / 2, 0)
        para.paragraph_format.left_indent = Mm(side)
        para.paragraph_format.right_indent = Mm(side)
        para.paragraph_format.first_line_indent = Mm(0)
        fitted += 1
    return fitted


def keep_tables_with_text(doc: DocumentObject) -> None:
    """The last text paragraph before each top-level table keeps with it."""
    previous: Paragraph | None = None
    for block in doc.iter_inner_content():
        if isinstance(block, Table):
            if previous is not None:
                previous.paragraph_format.keep_with_next = True
        elif block.text.strip():
            previous = block


def apply(doc: DocumentObject) -> None:
    fit_rules(doc)
    keep_tables_with_text(doc)
