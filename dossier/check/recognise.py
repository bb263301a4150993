"""Find the elements of the Decree 30 form in a document view, whatever the
layout (header table, tabs, plain paragraphs, PDF lines).

The result, :class:`Anatomy`, names the blocks of each element; checks read
it and never search the document themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..layout.rules import rules
from .text import bare, fold_tone, is_upper
from .view import Block, DocumentView

HEADER_SCAN = 30  # the header lies within the first blocks
_SO = re.compile(r"^S[ốo]\s*(?::|[0-9]|/|\s*$)", re.I)
# "<place>, ngày … tháng … năm …" (blanks allowed: a draft) or "<place>, 05/3/2024" — the
# whole line, so that a body sentence "Hôm nay, ngày 26/5/2026 tại …" is not taken for it
_DATE = re.compile(r"^[^,]{1,60},\s*(ngày\b[\s0-9./…_-]*(tháng[\s0-9./…_-]*)?(năm[\s0-9…_.]*)?"
                   r"|[0-9]{1,2}\s*[/.-][\s0-9/.-]*)$")
_VV = re.compile(r"^[Vv]\s*/\s*[Vv]\b")
_PREFIX = re.compile(r"^(TM|KT|TL|TUQ|Q|T/M|K/T|T/L)(\s*[.:]|\s)")
_KINH_GUI = re.compile(r"^Kính\s*g[ửở]i\b")  # 'Kính gởi' is the old spelling
_NOI_NHAN = re.compile(r"^Nơi nhận")
_DIEU = re.compile(r"^Điều\s+[0-9]+")
_PHU_LUC = re.compile(r"^Phụ lục(\s+[IVXLC0-9]+)?\s*$", re.I)
_CAN_CU = re.compile(r"^(Căn cứ|Theo đề nghị|Xét đề nghị)")
# Words of official titles: a line made only of other words is a person's name.
TITLE_WORDS = set(
    "CHỦ TỊCH PHÓ TRƯỞNG GIÁM ĐỐC ỦY UỶ BAN NHÂN DÂN CHÁNH VĂN PHÒNG THƯ KÝ TỌA HỘI ĐỒNG BÍ "
    "QUYỀN THỨ BỘ CỤC VIỆN HIỆU SỞ PHÒNG TM. KT. TL. TUQ. Q. XÃ HUYỆN TỈNH ĐOÀN THỂ CHỦ NHIỆM".split()
)


def heading_kind(text: str) -> str | None:
    """The document kind whose type name ``text`` is ("GIẤY MỜI HỌP" → giay_moi):
    the longest heading the upper-case line equals or starts with."""
    text = fold_tone(text.strip()).upper()
    if not is_upper(text) or text.endswith(":") or len(text) > 90:
        return None
    best = None
    for key, t in rules().document_types.items():
        heading = fold_tone(str(t.get("heading", ""))).upper()
        if heading and (text == heading or text.startswith(heading + " ")):
            if best is None or len(heading) > best[0]:
                best = (len(heading), key)
    return best[1] if best else None


def _looks_like_type_name(b: Block) -> bool:
    """An upper-case, bold, centred short line: where a type name goes."""
    text = b.text
    return is_upper(text) and b.any_bold and b.align in ("center", None) and 3 <= len(text) <= 60 \
        and not text.endswith(":") and b.side != "left"


@dataclass
class Anatomy:
    kind: str = "unknown"  # key of rules().document_types, or "unknown"
    party: bool = False
    quoc_hieu: Block | None = None
    tieu_ngu: Block | None = None
    superior: list[Block] = field(default_factory=list)
    issuer: list[Block] = field(default_factory=list)
    so: Block | None = None
    date: Block | None = None
    ten_loai: Block | None = None
    trich_yeu: list[Block] = field(default_factory=list)
    vv: Block | None = None
    kinh_gui: Block | None = None
    kinh_gui_items: list[Block] = field(default_factory=list)
    can_cu: list[Block] = field(default_factory=list)
    quyet_dinh_label: Block | None = None
    dieu: list[Block] = field(default_factory=list)
    body: list[Block] = field(default_factory=list)
    signature: list[Block] = field(default_factory=list)
    signer_name: Block | None = None
    noi_nhan: Block | None = None
    noi_nhan_items: list[Block] = field(default_factory=list)
    phu_luc: list[Block] = field(default_factory=list)
    first_body: Block | None = None


def text_lines(block: Block) -> list[str]:
    """A block's visual lines as far as the source tells (DOCX line breaks)."""
    from .view import clean

    return [clean(t) for t in block.raw_text.split("\n") if clean(t)]


def _first(blocks: list[Block], pred, start: int = 0, stop: int | None = None) -> Block | None:
    for b in blocks[start:stop]:
        if pred(b):
            return b
    return None


def _pos(blocks: list[Block], block: Block | None) -> int:
    return blocks.index(block) if block is not None else -1


def recognise(view: DocumentView) -> Anatomy:
    blocks = [b for b in view.blocks if b.text]
    a = Anatomy()
    head = blocks[:HEADER_SCAN]
    party_text = bare(rules().party_documents.detect.header_text)
    party_no = re.compile(rules().party_documents.detect.number_regex)
    if any(party_text in bare(b.text) for b in head) or any(party_no.match(b.text) for b in head):
        a.party = True
        return a
    a.quoc_hieu = _first(head, lambda b: "CONG HOA XA HOI CHU NGHIA VIET NAM" in bare(b.text)
                         or bare(b.text).startswith("CONG HOA XA HOI"))
    qh = _pos(blocks, a.quoc_hieu)
    a.tieu_ngu = _first(blocks, lambda b: "DOC LAP" in bare(b.text) and "HANH PHUC" in bare(b.text),
                        max(qh, 0), max(qh, 0) + 6 if qh >= 0 else HEADER_SCAN)
    a.so = _first(head, lambda b: bool(_SO.match(b.text)) and len(b.text) < 60)
    a.date = _first(head, lambda b: bool(_DATE.match(b.text)) and b is not a.so)
    so_i = _pos(blocks, a.so)
    a.vv = _first(blocks, lambda b: bool(_VV.match(b.text)), max(so_i, 0), (so_i + 6) if so_i >= 0 else HEADER_SCAN)
    _issuer(a, blocks, head)
    header_items = [x for x in (a.quoc_hieu, a.tieu_ngu, a.so, a.date, a.vv, *a.issuer, *a.superior) if x]
    end = max((_pos(blocks, x) for x in header_items), default=-1) + 1
    # continuation lines of the V/v subject (PDF lines, or extra paragraphs in the same cell)
    if a.vv is not None and a.vv.cell is not None:
        k = _pos(blocks, a.vv) + 1
        while k < len(blocks) and k <= end + 3 and blocks[k].cell == a.vv.cell:
            k += 1
        end = max(end, k)
    _type_and_subject(a, blocks, end)
    if a.ten_loai is not None:
        end = max(end, _pos(blocks, a.ten_loai) + 1 + len(a.trich_yeu))
    a.kind = _kind(a)
    _signature_and_recipients(a, blocks, end)
    _body(a, blocks, end)
    if a.kind == "unknown" and a.kinh_gui is not None:
        a.kind = "cong_van"
    return a


def _issuer(a: Anatomy, blocks: list[Block], head: list[Block]) -> None:
    """Box 2: upper-case lines on the left before the Số line."""
    stop = _pos(blocks, a.so) if a.so is not None else len(head)
    title = next((i for i, b in enumerate(blocks[:stop]) if heading_kind(b.text)), None)
    if title is not None:
        stop = title  # the type name ("BIÊN BẢN LÀM VIỆC") is not an issuing body
    taken = {id(x) for x in (a.quoc_hieu, a.tieu_ngu, a.date) if x}
    cands = [b for b in blocks[:stop] if id(b) not in taken and b.side != "right" and is_upper(b.text)
             and len(b.text) > 2 and "CONG HOA" not in bare(b.text) and not b.in_grid_table]  # not a table's "STT"
    if any(b.side == "left" for b in cands):
        cands = [b for b in cands if b.side == "left"]
    if not cands:
        return
    # keep the lines up to the Số line, in one run
    if any(b.any_bold for b in cands):
        first_bold = next(i for i, b in enumerate(cands) if b.any_bold)
        a.superior = cands[:first_bold]
        a.issuer = cands[first_bold:]
    elif len(cands) >= 2 and a.so is not None and all(b.cell is not None or b.side == "left" for b in cands):
        # nothing bold: the last line is taken as the issuer, the lines above as the superior body
        a.superior, a.issuer = cands[:-1], cands[-1:]
    else:
        a.issuer = cands


def _type_and_subject(a: Anatomy, blocks: list[Block], end: int) -> None:
    window = blocks[end:end + 8]
    found = next((b for b in window if heading_kind(b.text)), None)
    if found is not None:
        a.ten_loai, a.kind = found, heading_kind(found.text) or "unknown"
    elif a.vv is None:
        # a type name that is none of the decree's kinds ("PHIẾU TRÌNH", "SỔ THEO DÕI")
        other = next((b for b in window if _looks_like_type_name(b) and not _CAN_CU.match(b.text)), None)
        if other is None:
            return
        a.ten_loai, a.kind = other, "other"
    else:
        return
    b = a.ten_loai
    k = _pos(blocks, b) + 1
    while k < len(blocks) and len(a.trich_yeu) < 4:
        nxt = blocks[k]
        if is_upper(nxt.text) or _CAN_CU.match(nxt.text) or _KINH_GUI.match(nxt.text) or nxt.side != b.side:
            break
        if not nxt.any_bold and a.trich_yeu:
            break
        if not nxt.any_bold and nxt.align != "center":
            break
        a.trich_yeu.append(nxt)
        k += 1


def _kind(a: Anatomy) -> str:
    if a.kind != "unknown":
        return a.kind
    if a.vv is not None:
        return "cong_van"
    return "unknown"


def _signature_and_recipients(a: Anatomy, blocks: list[Block], end: int) -> None:
    rest = blocks[end:]
    a.noi_nhan = _first(rest, lambda b: bool(_NOI_NHAN.match(b.text)))
    # the signer: a line with an authority prefix, else the upper-case bold line level with "Nơi nhận"
    start = None
    for i, b in enumerate(rest):
        if _PREFIX.match(b.text) and b.side != "left" and not b.in_grid_table and (
                is_upper(b.text) or b.side == "right" or b.align in ("right", "center")) and len(b.text) < 80:
            start = i  # upper case, or a sentence-case title set right ("TL. Hiệu trưởng")
    if start is None and a.noi_nhan is not None:
        n = rest.index(a.noi_nhan)
        order = list(range(n + 1, min(n + 12, len(rest)))) + list(range(n - 1, max(n - 4, -1), -1))
        for i in order:
            b = rest[i]
            if is_upper(b.text) and b.any_bold and b.side == "right" and not b.in_grid_table:
                start = i
                while start > 0 and _same_column(b, rest[start - 1]) and is_upper(rest[start - 1].text) \
                        and rest[start - 1].any_bold:
                    start -= 1
                break
    if start is None:
        # signer with no prefix at the end of the document: last upper-case bold right-side lines
        for i in range(len(rest) - 1, -1, -1):
            b = rest[i]
            if b.side == "right" and is_upper(b.text) and b.any_bold and not b.in_grid_table:
                start = i
                while start > 0 and rest[start - 1].side == "right" and is_upper(rest[start - 1].text):
                    start -= 1
                break
    if start is not None:
        first = rest[start]
        group = [first]
        for b in rest[start + 1:]:
            if not _same_column(first, b):
                continue
            if is_upper(b.text) and not (_looks_like_name(b.text) and (b.space_before_pt or 0) >= 24):
                group.append(b)
                continue
            if not is_upper(first.text) and _has_title_word(b.text):
                group.append(b)  # "Phó Hiệu trưởng" under "TL. Hiệu trưởng"
                continue
            break
        # an upper-case name closes the block: split it off
        name = None
        after = rest[rest.index(group[-1]) + 1:]
        for b in after:
            if not _same_column(first, b):
                continue
            if b.text.startswith("(") or b.text.startswith("["):
                continue
            if not is_upper(b.text) or _looks_like_name(b.text):
                name = b
            break
        if name is None and len(group) >= 2 and _looks_like_name(group[-1].text):
            name = group.pop()
        a.signature = group
        a.signer_name = name
    if a.noi_nhan is not None:
        n = rest.index(a.noi_nhan)
        for b in rest[n + 1:]:
            if a.noi_nhan.cell is not None and b.cell != a.noi_nhan.cell:
                if b.cell is None or b.cell[:2] != a.noi_nhan.cell[:2]:
                    break
                continue
            if a.noi_nhan.cell is None and b.side not in (a.noi_nhan.side, "full") and a.noi_nhan.side != "full":
                continue
            if b in a.signature or b is a.signer_name:
                continue
            if b.text.startswith("-") or (a.noi_nhan_items and b.side == a.noi_nhan.side and b.size == a.noi_nhan_items[-1].size):
                a.noi_nhan_items.append(b)
                continue
            break


def _same_column(first: Block, b: Block) -> bool:
    if first.cell is not None:
        return b.cell == first.cell
    return b.side == first.side


def _has_title_word(text: str) -> bool:
    return any(w.upper() in TITLE_WORDS for w in text.replace(".", ". ").split())


def _looks_like_name(text: str) -> bool:
    words = text.replace(".", ". ").split()
    return 2 <= len(words) <= 6 and not any(w.upper() in TITLE_WORDS for w in words)


def _body(a: Anatomy, blocks: list[Block], end: int) -> None:
    used = {id(x) for x in (a.kinh_gui, a.ten_loai, a.noi_nhan, a.signer_name) if x}
    used |= {id(x) for x in (*a.trich_yeu, *a.signature, *a.noi_nhan_items)}
    stop = len(blocks)
    for x in (a.noi_nhan, *(a.signature[:1])):
        if x is not None:
            stop = min(stop, _pos(blocks, x))
    region = blocks[end:stop]
    a.kinh_gui = _first(region, lambda b: bool(_KINH_GUI.match(b.text)))
    if a.kinh_gui is not None:
        k = region.index(a.kinh_gui) + 1
        cell = a.kinh_gui.cell
        if cell is not None and ":" in a.kinh_gui.text and not a.kinh_gui.text.split(":", 1)[1].strip():
            # "Kính gửi:" alone in a cell, the recipients in the next cell of the row
            while k < len(region) and region[k].cell is not None and region[k].cell[:2] == cell[:2] \
                    and region[k].cell[2] > cell[2]:
                a.kinh_gui_items.append(region[k])
                k += 1
        in_cells = bool(a.kinh_gui_items)
        while not in_cells and k < len(region) and region[k].align != "justify" and (
                region[k].text.startswith("-") or (region[k].left_indent_mm or 0) >= 20 or region[k].side != "full"):
            a.kinh_gui_items.append(region[k])
            k += 1
        # a PDF line or DOCX paragraph that continues the last recipient
        used |= {id(a.kinh_gui)} | {id(x) for x in a.kinh_gui_items}
    a.quyet_dinh_label = _first(region, lambda b: fold_tone(b.text).replace(" ", "") == "QUYẾTĐỊNH:")
    q = region.index(a.quyet_dinh_label) if a.quyet_dinh_label is not None else -1
    if a.kind == "quyet_dinh":
        for b in region[:q if q >= 0 else len(region)]:
            if _CAN_CU.match(b.text):
                a.can_cu.append(b)
    elif a.ten_loai is not None and a.kind != "other":
        # a list of bases at the head of a named document's body (kế hoạch, thông báo …):
        # two or more "Căn cứ …" paragraphs of their own, ending in ';', ',' or '.'
        run = []
        for b in region:
            if id(b) in used:
                continue
            if not _CAN_CU.match(b.text) or not b.text.endswith((";", ",", ".")):
                break
            run.append(b)
        if len(run) >= 2 and any(b.text.endswith(";") for b in run):
            a.can_cu = run
    used |= {id(x) for x in a.can_cu}
    if a.quyet_dinh_label is not None:
        used.add(id(a.quyet_dinh_label))
    for b in blocks[end:]:
        if _PHU_LUC.match(b.text):
            a.phu_luc.append(b)
    annex_start = _pos(blocks, a.phu_luc[0]) if a.phu_luc else len(blocks)
    for b in region:
        if id(b) in used or b.in_grid_table or _pos(blocks, b) >= annex_start:
            continue
        if _DIEU.match(b.text):
            a.dieu.append(b)
        if not any(ch.isalnum() for ch in b.text):
            continue  # a typed line of dashes or stars is decoration, not a paragraph
        if b.side == "full" and b.cell is None and not (is_upper(b.text) and b.align == "center"):
            a.body.append(b)
    a.first_body = a.body[0] if a.body else None
