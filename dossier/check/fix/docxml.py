"""WordprocessingML helpers for the fixer: the body's paragraphs in the order
the checker reads them, the checker's blocks mapped back to their paragraphs,
runs with visible text, and text edits that keep every run's formatting."""

from __future__ import annotations

import difflib
import re

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ...layout.wordml import RANKS, insert_in_order
from ..view import Block, clean

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SKIP_ANCESTORS = (f"{W}txbxContent", "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback")


def inside(el, tags: tuple[str, ...], stop=None) -> bool:
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def body_paragraphs(body) -> list:
    """Every w:p of the body and its tables (not those inside text boxes)."""
    return [p for p in body.iter(f"{W}p") if not inside(p, _SKIP_ANCESTORS)]


def segments(p) -> list[str]:
    """The paragraph's text cut at tabs, as the checker's DOCX reader cuts it."""
    out = [""]
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen"):
        if el.tag == f"{W}t":
            if not inside(el, (f"{W}txbxContent",), p):
                out[-1] += el.text or ""
        elif el.tag == f"{W}tab":
            if el.getparent().tag == f"{W}r":
                out.append("")
        elif el.tag == f"{W}noBreakHyphen":
            out[-1] += "-"
        else:
            out[-1] += "\n"
    return [clean(s) for s in out]


def paragraph_text(p) -> str:
    return clean(" ".join(segments(p)))


def map_blocks(blocks: list[Block], paragraphs: list) -> dict[int, object]:
    """Block index → the w:p it was read from (blocks and paragraphs are both
    in document order; a paragraph cut at tabs gives several blocks)."""
    found: dict[int, object] = {}
    texts = [segments(p) for p in paragraphs]
    k = 0
    for b in blocks:
        text = b.text
        if not text:
            continue
        for j in range(k, len(paragraphs)):
            if text in texts[j] or (len(texts[j]) == 1 and text == texts[j][0]):
                found[b.index] = paragraphs[j]
                k = j
                break
    return found


def text_runs(p) -> list:
    """The w:r of paragraph ``p`` that carry visible text (not in text boxes)."""
    runs = []
    for r in p.iter(f"{W}r"):
        if inside(r, _SKIP_ANCESTORS, p):
            continue
        if any((t.text or "").strip() for t in r.findall(f"{W}t")):
            runs.append(r)
    return runs


def child(parent, name: str, first: bool = True):
    """The child ``w:name`` of ``parent``, created when missing: in its schema
    place in a property element (:mod:`dossier.layout.wordml`), elsewhere first
    or last."""
    el = parent.find(qn(f"w:{name}"))
    if el is None:
        el = OxmlElement(f"w:{name}")
        if parent.tag.split("}")[-1] in RANKS:
            insert_in_order(parent, el)
        elif first:
            parent.insert(0, el)
        else:
            parent.append(el)
    return el


def rpr(r):
    return child(r, "rPr")


# --- text edits -----------------------------------------------------------
def _chars(p) -> list[tuple[object, str]]:
    """(w:t node or None, character) for the paragraph's text; tabs are None nodes."""
    out: list[tuple[object, str]] = []
    for el in p.iter(f"{W}t", f"{W}tab"):
        if inside(el, _SKIP_ANCESTORS, p):
            continue
        if el.tag == f"{W}t":
            out += [(el, ch) for ch in el.text or ""]
        elif el.getparent().tag == f"{W}r":
            out.append((None, "\t"))
    return out


def raw_text(p) -> str:
    return "".join(ch for _, ch in _chars(p))


def find_segment(p, text: str) -> tuple[int, int] | None:
    """Where the (cleaned) ``text`` of a block lies in the paragraph's raw text."""
    words = text.split()
    if not words:
        return None
    pattern = r"[ \u00a0]*".join(re.escape(w) for w in words)
    m = re.search(pattern, raw_text(p))
    return (m.start(), m.end()) if m else None


def replace_span(p, start: int, end: int, new: str) -> str:
    """Replace raw characters ``start:end`` of ``p`` by ``new`` with the least
    change: untouched characters keep their run, new ones take the run of the
    characters they replace. Returns the old text."""
    chars = _chars(p)
    old = "".join(ch for _, ch in chars[start:end])
    if old == new:
        return old
    out: list[tuple[object, str]] = list(chars[:start])
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += chars[start + i1:start + i2]
            continue
        if op in ("replace", "insert"):
            if op == "replace":
                node = chars[start + i1][0]
            elif start + i1 > 0 and chars[start + i1 - 1][0] is not None:
                node = chars[start + i1 - 1][0]
            else:
                node = chars[start + i1][0] if start + i1 < len(chars) else None
            out += [(node, ch) for ch in new[j1:j2]]
    out += chars[end:]
    texts: dict[int, list[str]] = {}
    nodes: dict[int, object] = {}
    for node, _ in chars:
        if node is not None:
            texts.setdefault(id(node), [])
            nodes[id(node)] = node
    for node, ch in out:
        if node is not None:
            texts[id(node)].append(ch)
    for key, node in nodes.items():
        value = "".join(texts[key])
        if value != (node.text or ""):
            node.text = value
            node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return old


def next_sibling_paragraphs(p) -> list:
    """The w:p that follow ``p`` in the same container (body or table cell)."""
    out = []
    sib = p.getnext()
    while sib is not None:
        if sib.tag == f"{W}p":
            out.append(sib)
        sib = sib.getnext()
    return out


def has_text(p) -> bool:
    return any((t.text or "").strip() for t in p.iter(f"{W}t") if not inside(t, _SKIP_ANCESTORS, p))
