"""One PDF holding every letter of a merge: a contents page (the dossier's own
contents template), one bookmark per letter, «Trang n/N» on every page, fonts
merged across letters (assembly's font merge), reproducible bytes."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pikepdf
from pikepdf import Dictionary, Name, OutlineItem

from ..assemble.build import MAX_FRONT_PASSES, link_contents, pdf_date
from ..assemble.dedupe import dedupe_objects
from ..assemble.fontmerge import merge_font_subsets
from ..assemble.stamp import stamp_pages
from ..errors import build_error
from ..render.html import render_html_bytes

COLUMN_TITLE = "Văn bản"
ENTRIES_PER_PAGE = 26  # one-line entries on an A4 contents page (measured: 200 letters, 8 pages)


def _contents(title: str, titles: list[str], sizes: list[int], epoch: int) -> tuple[pikepdf.Pdf, list[int]]:
    """The contents pages and each letter's first page in the final file; the
    contents' own length moves every letter, so repeat until it is stable."""
    # A first guess of the contents' length saves a WeasyPrint pass (seconds for
    # hundreds of letters); the loop still checks it.
    contents_pages = max(1, math.ceil(len(titles) / ENTRIES_PER_PAGE))
    for _ in range(MAX_FRONT_PASSES):
        firsts, page = [], contents_pages + 1
        for size in sizes:
            firsts.append(page)
            page += size
        entries = [{"number": i, "level": 0, "title": t, "page": p}
                   for i, (t, p) in enumerate(zip(titles, firsts, strict=True), 1)]
        context = {"title": title, "entries": entries, "total": page - 1, "column_title": COLUMN_TITLE}
        contents = pikepdf.open(io.BytesIO(render_html_bytes("contents", context, source_date_epoch=epoch).pdf))
        if len(contents.pages) == contents_pages:
            return contents, firsts
        contents_pages = len(contents.pages)
    raise build_error("Không dàn được trang mục lục (số trang không ổn định).")


def combine(letters: list[tuple[str, Path]], out: Path, *, title: str, author: str = "", epoch: int = 0) -> int:
    """Write ``out``: contents, then each ``(title, pdf)`` in order. Returns the page count."""
    pdfs = [pikepdf.open(path) for _, path in letters]
    try:
        titles = [t for t, _ in letters]
        contents, firsts = _contents(title, titles, [len(p.pages) for p in pdfs], epoch)
        merged = pikepdf.new()
        merged.pages.extend(contents.pages)
        for pdf in pdfs:
            merged.pages.extend(pdf.pages)
        link_contents(merged, range(len(contents.pages)))
        with merged.open_outline() as outline:
            outline.root.clear()
            for number, (text, first) in enumerate(zip(titles, firsts, strict=True), 1):
                outline.root.append(OutlineItem(f"{number}. {text}", first - 1))
        stamp_pages(merged)
        merge_font_subsets(merged)
        dedupe_objects(merged)
        info = {"/Title": title, "/Author": author or "dossier", "/Creator": "dossier",
                "/Producer": "dossier (pikepdf/qpdf, WeasyPrint)",
                "/CreationDate": pdf_date(epoch), "/ModDate": pdf_date(epoch)}
        merged.trailer.Info = merged.make_indirect(Dictionary({k: pikepdf.String(v) for k, v in info.items()}))
        merged.Root.Lang = pikepdf.String("vi")
        merged.Root.PageMode = Name.UseOutlines
        for key in ("/Metadata", "/AcroForm", "/Names", "/OpenAction", "/StructTreeRoot", "/MarkInfo"):
            if key in merged.Root:
                del merged.Root[key]
        buffer = io.BytesIO()
        merged.save(buffer, deterministic_id=True, compress_streams=True,
                    object_stream_mode=pikepdf.ObjectStreamMode.generate, fix_metadata_version=False)
        out.write_bytes(buffer.getvalue())
        return len(merged.pages)
    finally:
        for pdf in pdfs:
            pdf.close()
