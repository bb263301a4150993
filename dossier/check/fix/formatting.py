"""Character formatting of one element of the form (size, bold, italic,
underline, font), fixed where it comes from.

A value set on the run itself is changed on the run. A value inherited from a
paragraph style is changed in that style when only this element's paragraphs
use it; otherwise the element gets a style of its own (the name dossier's own
templates use, e.g. "VB Danh sách nơi nhận", based on the paragraph's style),
so the document stays editable in Word and is not flattened to direct
formatting. Whatever a style cannot reach (a character style in between) is
set on the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn

from ...layout import profile as P
from ...layout.wordml import set_child
from ..docx_styles import StyleSheet
from .docxml import W, body_paragraphs, child, rpr, text_runs

# A wanted value from the current one: the new value, or None when it is right.
Want = Callable[[object], object]


@dataclass
class Prop:
    """One run property: how to read it from an rPr chain and write it."""

    name: str  # size | bold | italic | underline
    label: str  # Vietnamese, for the list of changes

    def read(self, sheet: StyleSheet, chain: list):
        if self.name == "size":
            return sheet.size(chain)
        if self.name == "underline":
            return sheet.underline(chain)
        return sheet.toggle(chain, "w:b" if self.name == "bold" else "w:i")

    def tag(self) -> str:
        return {"size": "w:sz", "bold": "w:b", "italic": "w:i", "underline": "w:u"}[self.name]

    def write(self, rpr_el, value) -> None:
        if self.name == "size":
            half = str(int(round(float(value) * 2)))
            set_child(rpr_el, "sz", {"val": half})
            if rpr_el.find(qn("w:szCs")) is not None:
                set_child(rpr_el, "szCs", {"val": half})
        elif self.name == "underline":
            set_child(rpr_el, "u", {"val": "single" if value else "none"})
        else:
            local = "b" if self.name == "bold" else "i"
            set_child(rpr_el, local, {} if value else {"val": "0"})
            if rpr_el.find(qn(f"w:{local}Cs")) is not None:
                set_child(rpr_el, f"{local}Cs", {} if value else {"val": "0"})

    def show(self, value) -> str:
        if self.name == "size":
            return f"{float(value):g}".replace(".", ",") + " pt"
        yes = {"bold": "in đậm", "italic": "in nghiêng", "underline": "gạch chân"}[self.name]
        no = {"bold": "không đậm", "italic": "chữ đứng", "underline": "không gạch chân"}[self.name]
        return yes if value else no


PROPS = {name: Prop(name, label) for name, label in
         (("size", "cỡ chữ"), ("bold", "chữ đậm"), ("italic", "chữ nghiêng"), ("underline", "gạch chân"))}


@dataclass
class Outcome:
    styles: list[str] = field(default_factory=list)  # style names changed or created
    runs: int = 0  # runs given direct formatting
    before: set = field(default_factory=set)
    after: object = None

    def any(self) -> bool:
        return bool(self.styles or self.runs)


def _source(rpr_el):
    """Who holds an rPr of the chain: 'run', a style id, or 'defaults'."""
    parent = rpr_el.getparent()
    if parent.tag == f"{W}r":
        return "run", parent
    if parent.tag == f"{W}style":
        return parent.get(qn("w:styleId")), parent
    return "defaults", None


def _holder(prop: Prop, chain: list):
    tag = qn(prop.tag())
    for el in chain:
        if el.find(tag) is not None:
            return el
    return None


class Formatter:
    """Fixes run properties of element paragraphs in one document."""

    def __init__(self, doc) -> None:
        self.doc = doc
        self.sheet = StyleSheet(doc)
        self.paragraphs = body_paragraphs(doc.element.body)
        for part in self._header_footer_parts():
            self.paragraphs += list(part.iter(f"{W}p"))

    def _header_footer_parts(self):
        for rel in self.doc.part.rels.values():
            if rel.reltype.endswith(("/header", "/footer")) and not rel.is_external:
                element = getattr(rel.target_part, "_element", None)
                if element is not None:
                    yield element

    def refresh(self) -> None:
        self.sheet = StyleSheet(self.doc)

    def _users(self, style_id: str) -> list:
        """Paragraphs with text whose paragraph style chain includes ``style_id``."""
        out = []
        for p in self.paragraphs:
            ids = {st.get(qn("w:styleId")) for st in self.sheet.chain(self.sheet.paragraph_style_id(p),
                                                                       self.sheet.default_para)}
            if style_id in ids and text_runs(p):
                out.append(p)
        return out

    def apply(self, paras: list, prop: Prop, want: Want, element_key: str | None) -> Outcome:
        """Make ``want`` hold for ``prop`` on every text run of ``paras``."""
        outcome = Outcome()
        todo = []  # (p, r, new, source_kind)
        for p in paras:
            for r in text_runs(p):
                chain = self.sheet.run_rprs(r, p)
                current = prop.read(self.sheet, chain)
                new = want(current)
                if new is None:
                    continue
                outcome.before.add(current)
                holder = _holder(prop, chain)
                kind = _source(holder)[0] if holder is not None else "defaults"
                todo.append((p, r, new, kind))
        if not todo:
            return outcome
        ids = {id(p) for p in paras}
        char_styles = {sid for sid, st in self.sheet.styles.items() if st.get(qn("w:type")) == "character"}
        by_style: dict[tuple[str, object], list] = {}
        for p, r, new, kind in todo:
            if kind == "run" or kind in char_styles:
                prop.write(rpr(r), new)
                outcome.runs += 1
                outcome.after = new
            else:
                by_style.setdefault((kind, new), []).append((p, r))
        for (kind, new), items in by_style.items():
            outcome.after = new
            if kind != "defaults" and all(id(u) in ids for u in self._users(kind)) \
                    and not self._is_default_style(kind):
                st = self.sheet.styles[kind]
                prop.write(_style_rpr(st), new)
                outcome.styles.append(_style_name(st))
                continue
            if element_key is None:
                for _, r in items:
                    prop.write(rpr(r), new)
                    outcome.runs += 1
                continue
            for base, group in _group_by_style(self.sheet, items).items():
                st = self._element_style(element_key, base)
                prop.write(_style_rpr(st), new)
                for p in group:
                    _set_pstyle(p, st.get(qn("w:styleId")))
                if _style_name(st) not in outcome.styles:
                    outcome.styles.append(_style_name(st))
        self.refresh()
        # a character style or an odd chain can still win over the new style: set those runs directly
        for p in paras:
            for r in text_runs(p):
                new = want(prop.read(self.sheet, self.sheet.run_rprs(r, p)))
                if new is not None:
                    prop.write(rpr(r), new)
                    outcome.runs += 1
        return outcome

    def _is_default_style(self, style_id: str) -> bool:
        st = self.sheet.styles.get(style_id)
        return st is not None and st.get(qn("w:default")) in ("1", "true", "on")

    def _element_style(self, element_key: str, base_id: str | None):
        """The element's own paragraph style based on ``base_id`` (created once)."""
        name = P.ELEMENTS[element_key].name
        styles = self.doc.styles
        existing = {(_style_name(st), _based_on(st)): st for st in self.sheet.styles.values()}
        candidate, n = name, 1
        while True:
            st = existing.get((candidate, base_id))
            if st is not None:
                return st
            if not any(_style_name(s) == candidate for s in self.sheet.styles.values()):
                break
            n += 1
            candidate = f"{name} {n}"
        style = styles.add_style(candidate, WD_STYLE_TYPE.PARAGRAPH)
        el = style.element
        if base_id is not None:
            based = el.find(qn("w:basedOn"))
            if based is None:
                from docx.oxml import OxmlElement

                based = OxmlElement("w:basedOn")
                name_el = el.find(qn("w:name"))
                name_el.addnext(based)
            based.set(qn("w:val"), base_id)
        style.quick_style = True
        self.sheet.styles[el.get(qn("w:styleId"))] = el
        return el


def _style_rpr(st):
    return child(st, "rPr", first=False)


def _style_name(st) -> str:
    name = st.find(qn("w:name"))
    return name.get(qn("w:val")) if name is not None else st.get(qn("w:styleId"))


def _based_on(st) -> str | None:
    based = st.find(qn("w:basedOn"))
    return based.get(qn("w:val")) if based is not None else None


def _group_by_style(sheet: StyleSheet, items: list) -> dict[str | None, list]:
    groups: dict[str | None, list] = {}
    for p, _ in items:
        sid = sheet.paragraph_style_id(p)
        if sid is None and sheet.default_para is not None:
            sid = sheet.default_para.get(qn("w:styleId"))
        if all(q is not p for q in groups.get(sid, [])):
            groups.setdefault(sid, []).append(p)
    return groups


def _set_pstyle(p, style_id: str) -> None:
    child(child(p, "pPr"), "pStyle").set(qn("w:val"), style_id)
