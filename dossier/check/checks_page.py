"""Page-level checks: paper, orientation, margins, fonts, colour, page numbers."""

from __future__ import annotations

import re

from ..layout.rules import margin_range, page_size_mm, rules, size_range, tolerance_mm
from .registry import Context, check
from .style import num

SIDE_VI = {"top": "trên", "bottom": "dưới", "left": "trái", "right": "phải"}


@check("page.size", "page.orientation")
def paper(ctx: Context) -> None:
    width, height = page_size_mm()
    tol = float(rules().page.size_tolerance_mm)
    has_table = any(p.has_grid_table for p in ctx.view.pages)
    for i, p in enumerate(ctx.view.pages):
        dims = sorted((p.width_mm, p.height_mm))
        page = p.first_page if ctx.view.source == "pdf" else (1 if i == 0 else None)
        where = p.label or "toàn văn bản"
        if abs(dims[0] - width) > tol or abs(dims[1] - height) > tol:
            ctx.report("page.size", f"khổ {num(p.width_mm)} × {num(p.height_mm)} mm",
                       f"khổ A4 ({width:.0f} × {height:.0f} mm)", page=page, position=where)
            if ctx.view.source == "pdf":
                break
        if p.landscape and i == 0 and not has_table:
            ctx.report("page.orientation", "trang nằm ngang",
                       "trang đứng (chiều dài); chỉ được trình bày nằm ngang khi có bảng biểu",
                       page=page, position=where)


@check("page.margins")
def margins(ctx: Context) -> None:
    tol = tolerance_mm()
    for i, p in enumerate(ctx.view.pages):
        page = p.first_page if ctx.view.source == "pdf" else (1 if i == 0 else None)
        for side in ("top", "bottom", "left", "right"):
            value = p.margins_mm.get(side)
            if value is None:
                continue
            rng = margin_range(side)
            if p.margins_estimated:
                # a PDF shows where the text is, not the margin setting: text
                # inside the minimum margin is certain; more room is not
                if value < rng.min - tol:
                    ctx.report("page.margins", f"chữ cách mép {SIDE_VI[side]} {num(value)} mm",
                               f"lề {SIDE_VI[side]} {rng} mm (sai số {num(tol)} mm)", page=page, position=p.label,
                               severity="warning" if p.landscape else None)  # as in a DOCX: landscape unspecified
                elif side in ("left", "right") and value > rng.max + 2.0 and _has_full_lines(ctx, p.first_page):
                    ctx.report("page.margins", f"chữ cách mép {SIDE_VI[side]} {num(value)} mm",
                               f"lề {SIDE_VI[side]} {rng} mm", page=page, position=p.label, severity="warning")
                continue
            if not rng.contains(value, tol):
                sev = "warning" if p.landscape else None  # margins on landscape pages: unspecified
                ctx.report("page.margins", f"lề {SIDE_VI[side]} {num(value)} mm",
                           f"lề {SIDE_VI[side]} {rng} mm", page=page, position=p.label or "", severity=sev)


def _text_centre_shift(view, page: int | None) -> float:
    """How far the text-area centre lies right of the page centre (PDF)."""
    for p in view.pages:
        if p.first_page == page and p.margins_mm.get("left") is not None and p.margins_mm.get("right") is not None:
            return (p.margins_mm["left"] - p.margins_mm["right"]) / 2
    return 0.0


def _has_full_lines(ctx: Context, page: int | None) -> bool:
    return any(b.page == page and b.align == "justify" for b in ctx.view.blocks)


def _font_key(name: str) -> str:
    """A font name without separators: 'Liberation-Serif', 'Times New Roman,Bold' and
    'TimesNewRomanPSMT' compare by their letters."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _font_ok_pdf(name: str) -> bool:
    key = _font_key(name)
    return any(key.startswith(_font_key(a)) for a in rules().font.pdf_accepted)


@check("font.family")
def fonts(ctx: Context) -> None:
    family = str(rules().font.family)
    if ctx.view.source == "pdf":
        bad = {f: n for f, n in ctx.view.fonts.items() if not _font_ok_pdf(f)}
    else:
        bad = {f: n for f, n in ctx.view.fonts.items() if _font_key(f) != _font_key(family)}
    if bad:
        listing = ", ".join(f"{f} ({n} ký tự)" for f, n in sorted(bad.items(), key=lambda x: -x[1])[:4])
        first = next((b for b in ctx.view.blocks if any(s.font in bad for s in b.visible())), None)
        ctx.report("font.family", f"phông {listing}", f"phông chữ {family} cho toàn bộ văn bản", first)


@check("font.color")
def colour(ctx: Context) -> None:
    if ctx.view.colours:
        listing = ", ".join(f"màu {c} ({n} ký tự)" for c, n in list(ctx.view.colours.items())[:3])
        first = next((b for b in ctx.view.blocks if any(s.color for s in b.visible())), None)
        ctx.report("font.color", listing, "chữ màu đen", first)


@check("page_number.first_page", "page_number.missing", "page_number.position", "page_number.size")
def page_numbers(ctx: Context) -> None:
    view = ctx.view
    rng = size_range("page_number")
    tol = float(rules().page_number.centre_tolerance_mm)
    for m in view.page_numbers:
        if m.page == 1:
            ctx.report("page_number.first_page", f"trang 1 có số trang ({'đầu' if m.where == 'top' else 'cuối'} trang)",
                       "không hiển thị số trang ở trang thứ nhất", page=1, position=m.label)
    later = [m for m in view.page_numbers if m.page != 1]
    if view.source == "docx":
        shown = [m for m in later if m.page is None]
        if not any(m.where == "top" for m in shown) and (view.page_count or 1) >= 2:
            ctx.report("page_number.missing", f"không có số trang (văn bản ước khoảng {view.page_count} trang)",
                       "đánh số trang từ trang 2, giữa lề trên", page=2)
    else:
        if (view.page_count or 1) >= 2:
            top_pages = {m.page for m in later if m.where == "top"}
            missing = [n for n in range(2, (view.page_count or 1) + 1) if n not in top_pages]
            if missing:
                ctx.report("page_number.missing", f"trang {', '.join(map(str, missing[:5]))} không có số trang ở lề trên",
                           "đánh số trang từ trang 2, giữa lề trên", page=missing[0])
    for m in later:
        page = m.page if m.page is not None else 2
        if m.where != "top":
            ctx.report("page_number.position", "số trang ở lề dưới (chân trang)",
                       "số trang canh giữa trong phần lề trên", page=page, position=m.label)
        elif m.centred is False or (m.offset_mm is not None and min(abs(m.offset_mm), abs(m.offset_mm - _text_centre_shift(view, m.page))) > tol):
            found = "số trang không canh giữa" if m.offset_mm is None else f"số trang lệch {num(abs(m.offset_mm))} mm so với giữa trang"
            ctx.report("page_number.position", found, "số trang canh giữa theo chiều ngang trong lề trên",
                       page=page, position=m.label)
        if m.where == "top" and m.edge_mm is not None and m.edge_mm < float(rules().page_number.min_edge_mm):
            ctx.report("page_number.position", f"số trang sát mép trên tờ giấy (cách mép {num(max(m.edge_mm, 0.0))} mm)",
                       "số trang nằm trong phần lề trên, cách mép giấy khoảng "
                       f"{num(float(rules().page_number.header_distance_mm.usual))} mm", page=page, position=m.label)
        if m.size is not None and not rng.contains(m.size, 0.26):
            ctx.report("page_number.size", f"số trang cỡ {num(m.size)} pt", f"cỡ chữ {rng} pt", page=page,
                       position=m.label)
        if view.source == "pdf":
            break  # one finding for the position/size of PDF numbers is enough
