"""Stamping speed: dossier's page stamps vs a naive pypdf ``merge_page`` per page.

    .venv/bin/python benchmarks/bench_stamp.py [--pages 1000] [--baseline-pages 1000]

Builds a synthetic dossier (text pages, every tenth page stored landscape +
/Rotate 90, some with an offset CropBox), then in the same run:

* dossier: ``Trang n/N`` on every page + one bookmark per 10 pages, saved;
* baseline: the same text drawn on an overlay page per page number and
  ``PageObject.merge_page`` onto each page (what pypdf's docs show), saved.

Prints pages/s for both and the ratio. Target: dossier ≥ 150 pages/s.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pikepdf  # noqa: E402
import pypdf  # noqa: E402
from pikepdf import Dictionary, Name, OutlineItem  # noqa: E402

from dossier.assemble.stamp import stamp_font, stamp_pages  # noqa: E402


def synthetic(pages: int) -> bytes:
    pdf = pikepdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name("/Times-Roman")))
    for i in range(pages):
        landscape = i % 10 == 9
        w, h = (842, 595) if landscape else (595, 842)
        page = pdf.add_blank_page(page_size=(w, h))
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
        lines = " ".join(f"BT /F1 12 Tf 72 {h - 80 - 16 * k} Td (Dong {k} cua trang {i + 1}) Tj ET" for k in range(30))
        page.obj.Contents = pdf.make_stream(lines.encode())
        if landscape:
            page.obj.Rotate = 90
        if i % 7 == 3:
            page.obj.CropBox = pikepdf.Array([10, 12, w - 5, h - 8])
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def run_dossier(data: bytes) -> tuple[float, int]:
    start = time.perf_counter()
    pdf = pikepdf.open(io.BytesIO(data))
    stamp_pages(pdf)
    with pdf.open_outline() as outline:
        for i in range(0, len(pdf.pages), 10):
            outline.root.append(OutlineItem(f"Phần {i // 10 + 1}", i))
    out = io.BytesIO()
    pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return time.perf_counter() - start, len(out.getvalue())


def overlay_page(number: int, total: int) -> pypdf.PageObject:
    """A one-page PDF with the page number, as people make with reportlab."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name("/Times-Roman"))
    page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(f"BT /F1 8 Tf 520 25 Td (Trang {number}/{total}) Tj ET".encode())
    buf = io.BytesIO()
    pdf.save(buf)
    return pypdf.PdfReader(io.BytesIO(buf.getvalue())).pages[0]


def run_baseline(data: bytes, limit: int) -> tuple[float, int, int]:
    start = time.perf_counter()
    reader = pypdf.PdfReader(io.BytesIO(data))
    writer = pypdf.PdfWriter()
    total = len(reader.pages)
    count = min(limit, total)
    for i in range(count):
        page = writer.add_page(reader.pages[i])
        page.merge_page(overlay_page(i + 1, total))
        if i % 10 == 0:
            writer.add_outline_item(title=f"Phần {i // 10 + 1}", page_number=len(writer.pages) - 1)
    out = io.BytesIO()
    writer.write(out)
    return time.perf_counter() - start, len(out.getvalue()), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--baseline-pages", type=int, default=1000)
    args = parser.parse_args()
    stamp_font()  # the one-off font subset (≈0.3 s) is not per-page work
    data = synthetic(args.pages)
    seconds, size = run_dossier(data)
    b_seconds, b_size, b_pages = run_baseline(data, args.baseline_pages)
    ours, theirs = args.pages / seconds, b_pages / b_seconds
    print(f"synthetic dossier: {args.pages} pages, {len(data) / 1e6:.2f} MB")
    print(f"dossier stamp+bookmarks+save : {seconds:6.2f} s  {ours:8.0f} pages/s  output {size / 1e6:.2f} MB")
    print(f"pypdf merge_page baseline    : {b_seconds:6.2f} s  {theirs:8.0f} pages/s  output {b_size / 1e6:.2f} MB"
          f"  ({b_pages} pages)")
    print(f"ratio: {ours / theirs:.1f}x faster; target ≥ 150 pages/s: {'met' if ours >= 150 else 'NOT met'}")


if __name__ == "__main__":
    main()
