"""The order WordprocessingML requires of property elements, in one place.

ECMA-376 Part 1 defines rPr, pPr, sectPr, tblPr, tcPr and trPr as sequences:
a child out of its place makes the document schema-invalid, and Word answers
such a file with "unreadable content". Every builder that adds such a child
(the template blocks, the fixer) goes through :func:`insert_in_order` or
:func:`set_child`; :func:`order_errors` is what the tests check documents with.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{" + W_NS + "}"

# Each sequence lists its children in schema order; names joined by "|" share a
# place (an xsd:choice that may repeat, in any order among themselves).
_SEQUENCES: dict[str, tuple[str, ...]] = {
    # CT_RPr / CT_ParaRPr (17.3.2.28, 17.3.1.29): the revision marks of a
    # paragraph mark first, then EG_RPrBase, then the change record.
    "rPr": ("ins", "del", "moveFrom", "moveTo",
            "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
            "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
            "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
            "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath", "rPrChange"),
    # CT_PPr (17.3.1.26): CT_PPrBase, then rPr, sectPr, pPrChange.
    "pPr": ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
            "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"),
    # CT_SectPr (17.6.17): header/footer references in any order, then the rest.
    "sectPr": ("headerReference|footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc",
               "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg",
               "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange"),
    # CT_TblPr (17.4.60)
    "tblPr": ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
              "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
              "tblCaption", "tblDescription", "tblPrChange"),
    # CT_TcPr (17.4.70)
    "tcPr": ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
             "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge",
             "tcPrChange"),
    # CT_TrPr (17.4.82): CT_TrPrBase is a repeating choice, then ins, del, trPrChange.
    "trPr": ("cnfStyle|divId|gridBefore|gridAfter|wBefore|wAfter|cantSplit|trHeight|tblHeader|tblCellSpacing"
             "|jc|hidden", "ins", "del", "trPrChange"),
    # CT_Style (17.7.4.17), where the fixer adds rPr and basedOn.
    "style": ("name", "aliases", "basedOn", "next", "link", "autoRedefine", "uiPriority", "semiHidden",
              "unhideWhenUsed", "qFormat", "locked", "personal", "personalCompose", "personalReply", "rsid",
              "pPr", "rPr", "tblPr", "trPr", "tcPr", "tblStylePr"),
}

RANKS: dict[str, dict[str, int]] = {
    parent: {name: rank for rank, names in enumerate(seq) for name in names.split("|")}
    for parent, seq in _SEQUENCES.items()
}
CHECKED = ("rPr", "pPr", "sectPr", "tblPr", "tcPr", "trPr")


def _local(el) -> str | None:
    tag = el.tag
    if not isinstance(tag, str) or not tag.startswith(_W):
        return None  # comments, processing instructions, other namespaces (w14: extensions)
    return tag[len(_W):]


def insert_in_order(parent, el):
    """Put ``el`` among ``parent``'s children where its schema sequence wants it
    (after every child of the same or an earlier place) and return it. An
    element the sequence does not know goes last."""
    ranks = RANKS.get(_local(parent), {})
    rank = ranks.get(_local(el))
    if rank is None:
        parent.append(el)
        return el
    after = None
    for sib in parent:
        name = _local(sib)
        if name in ranks and ranks[name] <= rank:
            after = sib
        elif name in ranks:
            break
    if after is None:
        parent.insert(0, el)
    else:
        after.addnext(el)
    return el


def get_or_add(parent, name: str):
    """The child ``w:name`` of ``parent``, created in its schema place when missing."""
    el = parent.find(qn(f"w:{name}"))
    return el if el is not None else insert_in_order(parent, OxmlElement(f"w:{name}"))


def set_child(parent, name: str, attrs: dict[str, str] | None):
    """Set (``attrs``, replacing the old ones) or remove (None) the child ``w:name``
    of a property element, created in schema order."""
    el = parent.find(qn(f"w:{name}"))
    if attrs is None:
        if el is not None:
            parent.remove(el)
        return None
    if el is None:
        el = insert_in_order(parent, OxmlElement(f"w:{name}"))
    for key in list(el.attrib):
        del el.attrib[key]
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    return el


# children a property sequence may hold more than once (trPr is a repeatable choice as a whole)
_REPEATABLE = frozenset({"headerReference", "footerReference"})


def order_errors(root, parents: tuple[str, ...] = CHECKED) -> list[str]:
    """Every property element under ``root`` (an lxml element of any part)
    whose children are out of schema order or not in the schema, as messages."""
    errors = []
    for parent in root.iter(*(_W + p for p in parents)):
        ranks = RANKS[_local(parent)]
        holder = parent.getparent()
        where = f"w:{_local(parent)}" + ("" if holder is None else f" in {holder.tag.split('}')[-1]}")
        last, last_name = -1, None
        for child in parent:
            name = _local(child)
            if name is None:
                continue
            if name not in ranks:
                errors.append(f"{where}: w:{name} is not allowed")
            elif ranks[name] < last:
                errors.append(f"{where}: w:{name} after w:{last_name}")
            elif name == last_name and name not in _REPEATABLE and _local(parent) != "trPr":
                errors.append(f"{where}: w:{name} twice")
            else:
                last, last_name = ranks[name], name
    return errors
