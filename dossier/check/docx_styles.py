"""Word's formatting inheritance, resolved the way Word does it:
run → character style → paragraph style → its ``basedOn`` chain → the
document's default paragraph style → ``docDefaults``; theme fonts are looked
up in the theme part. Works on the raw XML so files not made by python-docx
(Word, LibreOffice, WPS) are read the same way.
"""

from __future__ import annotations

from collections.abc import Iterator

from docx.oxml.ns import qn
from lxml import etree

A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
TWIP_MM = 25.4 / 1440


def on_off(el) -> bool | None:
    """A w:b / w:i style toggle: present means on unless val says otherwise."""
    if el is None:
        return None
    val = el.get(qn("w:val"))
    return val is None or val.lower() not in ("0", "false", "off", "none")


class StyleSheet:
    """Style lookups for one document."""

    def __init__(self, document) -> None:
        part = document.part
        self.styles: dict[str, etree._Element] = {}
        self.default_para: etree._Element | None = None
        self.default_char: etree._Element | None = None
        self.default_table: etree._Element | None = None
        try:
            styles_el = document.styles.element
        except Exception:  # noqa: BLE001 - a file without styles.xml
            styles_el = None
        self.doc_rpr = None
        self.doc_ppr = None
        if styles_el is not None:
            for st in styles_el.findall(qn("w:style")):
                sid = st.get(qn("w:styleId"))
                if sid:
                    self.styles[sid] = st
                if st.get(qn("w:default")) in ("1", "true", "on"):
                    kind = st.get(qn("w:type"))
                    if kind == "paragraph":
                        self.default_para = st
                    elif kind == "character":
                        self.default_char = st
                    elif kind == "table":
                        self.default_table = st
            defaults = styles_el.find(qn("w:docDefaults"))
            if defaults is not None:
                self.doc_rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
                self.doc_ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
        self.theme_fonts = _theme_fonts(part)

    # --- chains ----------------------------------------------------------
    def chain(self, style_id: str | None, default: etree._Element | None = None) -> Iterator[etree._Element]:
        """The style and its basedOn ancestors (cycle-safe)."""
        seen: set[str] = set()
        st = self.styles.get(style_id) if style_id else default
        while st is not None:
            sid = st.get(qn("w:styleId")) or ""
            if sid in seen:
                break
            seen.add(sid)
            yield st
            based = st.find(qn("w:basedOn"))
            st = self.styles.get(based.get(qn("w:val"))) if based is not None else None

    def style_name(self, style_id: str | None) -> str | None:
        st = self.styles.get(style_id) if style_id else self.default_para
        if st is None:
            return None
        name = st.find(qn("w:name"))
        return name.get(qn("w:val")) if name is not None else style_id

    def paragraph_pprs(self, p) -> list:
        """pPr elements from most to least specific for paragraph ``p``."""
        out = []
        ppr = p.find(qn("w:pPr"))
        style_id = None
        if ppr is not None:
            out.append(ppr)
            ps = ppr.find(qn("w:pStyle"))
            style_id = ps.get(qn("w:val")) if ps is not None else None
        for st in self.chain(style_id, self.default_para):
            el = st.find(qn("w:pPr"))
            if el is not None:
                out.append(el)
        if self.doc_ppr is not None:
            out.append(self.doc_ppr)
        return out

    def paragraph_style_id(self, p) -> str | None:
        ps = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        return ps.get(qn("w:val")) if ps is not None else None

    def run_rprs(self, r, p) -> list:
        """rPr elements from most to least specific for run ``r`` in paragraph ``p``."""
        out = []
        rpr = r.find(qn("w:rPr")) if r is not None else None
        if rpr is not None:
            out.append(rpr)
            rs = rpr.find(qn("w:rStyle"))
            if rs is not None:
                for st in self.chain(rs.get(qn("w:val"))):
                    el = st.find(qn("w:rPr"))
                    if el is not None:
                        out.append(el)
        for st in self.chain(self.paragraph_style_id(p), self.default_para):
            el = st.find(qn("w:rPr"))
            if el is not None:
                out.append(el)
        if self.doc_rpr is not None:
            out.append(self.doc_rpr)
        return out

    # --- run properties --------------------------------------------------
    @staticmethod
    def first(chain: list, tag: str):
        for el in chain:
            child = el.find(qn(tag))
            if child is not None:
                return child
        return None

    def toggle(self, chain: list, tag: str) -> bool:
        return bool(on_off(self.first(chain, tag)))

    def size(self, chain: list) -> float | None:
        el = self.first(chain, "w:sz")
        if el is None:
            return 10.0  # Word's built-in default when nothing says otherwise
        try:
            return int(el.get(qn("w:val"))) / 2
        except (TypeError, ValueError):
            return None

    def font(self, chain: list, slot: str) -> str | None:
        """The font of one slot ('ascii' or 'hAnsi'); theme references resolved."""
        for el in chain:
            fonts = el.find(qn("w:rFonts"))
            if fonts is None:
                continue
            theme = fonts.get(qn(f"w:{slot}Theme"))
            if theme:
                return self.theme_fonts.get(theme, theme)
            name = fonts.get(qn(f"w:{slot}"))
            if name:
                return name
        return None

    def color(self, chain: list) -> str | None:
        el = self.first(chain, "w:color")
        if el is None:
            return None
        val = (el.get(qn("w:val")) or "auto").upper()
        return None if val in ("AUTO", "000000") else val

    def underline(self, chain: list) -> bool:
        el = self.first(chain, "w:u")
        return el is not None and (el.get(qn("w:val")) or "single") != "none"

    # --- paragraph properties --------------------------------------------
    def ppr_child(self, chain: list, tag: str):
        return self.first(chain, tag)

    def ppr_attr(self, chain: list, tag: str, attr: str) -> str | None:
        """An attribute inherited on its own (e.g. w:spacing/@w:before)."""
        for el in chain:
            child = el.find(qn(tag))
            if child is not None and child.get(qn(attr)) is not None:
                return child.get(qn(attr))
        return None


def twips_mm(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return int(float(value)) * TWIP_MM
    except ValueError:
        return None


def _theme_fonts(part) -> dict[str, str]:
    """minorHAnsi/majorHAnsi… → typeface, from the document's theme part."""
    fonts: dict[str, str] = {}
    try:
        for rel in part.rels.values():
            if rel.reltype.endswith("/theme") and not rel.is_external:
                root = etree.fromstring(rel.target_part.blob)
                for kind in ("minor", "major"):
                    latin = root.find(f".//{{{A_NS}}}{kind}Font/{{{A_NS}}}latin")
                    if latin is not None:
                        face = latin.get("typeface")
                        fonts[f"{kind}HAnsi"] = face
                        fonts[f"{kind}Ascii"] = face
                break
    except Exception:  # noqa: BLE001 - a broken theme only loses theme names
        pass
    return fonts
