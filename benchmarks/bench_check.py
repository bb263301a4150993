"""`dossier check` speed: a 30-page DOCX and its PDF, on one core.

    .venv/bin/python benchmarks/bench_check.py             # 30 pages, best of 3
    .venv/bin/python benchmarks/bench_check.py --pages 60

Builds a 30-page administrative document here (header table with drawn
rules, justified body, Nơi nhận/signature table, page numbers), converts it
to PDF once with LibreOffice, pins the process to one core, and measures in
the same run:

* ``check`` — :func:`dossier.check.check_file` on the DOCX and on the PDF
  (reading, recognition, every check), best of N;
* the baseline — the least any checker must do with the same file: load it
  and pull its text out (python-docx paragraphs and cells; pdfplumber's
  ``extract_text`` on every page).

Prints seconds, pages/s, the ratio check/baseline and whether the goal
(under 2 s for 30 pages) is met.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docx import Document  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.oxml import parse_xml  # noqa: E402
from docx.shared import Mm, Pt  # noqa: E402

from dossier.check import check_file  # noqa: E402
from dossier.convert import find_soffice  # noqa: E402
from dossier.convert.soffice import office_env  # noqa: E402

GOAL_S = 2.0
PARA = ("Ủy ban nhân dân xã tiếp tục chỉ đạo các thôn, bản rà soát từng tiêu chí, chỉ tiêu xã nông thôn mới "
        "nâng cao; huy động các nguồn lực, lồng ghép các chương trình, dự án trên địa bàn để hoàn thành các "
        "tiêu chí còn thiếu, bảo đảm chất lượng, bền vững, không chạy theo thành tích, gắn với phát triển "
        "sản xuất, nâng cao thu nhập và đời sống vật chất, tinh thần của Nhân dân.")
LINE = ('<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="2" behindDoc="0" '
        'locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:align>center</wp:align></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>10000</wp:posOffset></wp:positionV>'
        '<wp:extent cx="{cx}" cy="0"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        '<wp:docPr id="{id}" name="Line {id}"/><wp:cNvGraphicFramePr/><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvCnPr/>'
        '<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="0"/></a:xfrm><a:prstGeom prst="line">'
        '<a:avLst/></a:prstGeom><a:ln w="9525"><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln></wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData>'
        '</a:graphic></wp:anchor></w:drawing></w:r>')


def _run(para, text, size=14, bold=False, italic=False):
    run = para.add_run(text)
    run.font.name, run.font.size, run.bold, run.italic = "Times New Roman", Pt(size), bold, italic
    return run


def build_docx(path: Path, pages: int) -> Path:
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(20), Mm(20), Mm(30), Mm(15)
    sec.different_first_page_header_footer = True
    head = sec.header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        run = _run(head, "")
        if kind:
            run._r.append(parse_xml(f'<w:fldChar xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                                    f'2006/main" w:fldCharType="{kind}"/>'))
        else:
            run._r.append(parse_xml(f'<w:instrText xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                                    f'2006/main" xml:space="preserve">{text}</w:instrText>'))
    table = doc.add_table(rows=2, cols=2)
    cells = [["ỦY BAN NHÂN DÂN\nXÃ SƠN BÌNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"],
             ["Số: 15/BC-UBND", "Sơn Bình, ngày 05 tháng 3 năm 2026"]]
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            cell = table.rows[r].cells[c]
            for k, line in enumerate(text.split("\n")):
                para = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _run(para, line, 13 if (r, c) != (0, 1) or k == 0 else 14, bold=r == 0 and not (c == 0 and k == 0),
                     italic=(r, c) == (1, 1))
    for k, (cell, length) in enumerate(((table.rows[1].cells[0], 12), (table.rows[1].cells[1], 60))):
        cell.paragraphs[0]._p.append(parse_xml(LINE.replace("{cx}", str(length * 36000)).replace("{id}", str(k + 5))))
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, "BÁO CÁO", bold=True)
    subject = doc.add_paragraph()
    subject.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(subject, "Kết quả xây dựng nông thôn mới năm 2025", bold=True)
    rule = doc.add_paragraph()
    rule._p.append(parse_xml(LINE.replace("{cx}", str(40 * 36000)).replace("{id}", "9")))
    for k in range(pages * 15 // 2):
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt = para.paragraph_format
        fmt.first_line_indent, fmt.space_before, fmt.line_spacing = Mm(12.7), Pt(6), 1.0
        _run(para, PARA + (" Trân trọng./." if k == pages * 15 // 2 - 1 else ""))
    sig = doc.add_table(rows=1, cols=2)
    left, right = sig.rows[0].cells
    _run(left.paragraphs[0], "Nơi nhận:", 12, bold=True, italic=True)
    for text in ("- UBND huyện;", "- Lưu: VT, VP."):
        _run(left.add_paragraph(), text, 11)
    for k, text in enumerate(("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "", "", "Lò Văn Minh")):
        para = right.paragraphs[0] if k == 0 else right.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(para, text, 14, bold=True)
    doc.save(path)
    return path


def to_pdf(docx: Path, outdir: Path) -> Path:
    profile = outdir / "profile"
    subprocess.run([find_soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(outdir), str(docx)], check=True, env=office_env(), capture_output=True,
                   timeout=300)
    return outdir / (docx.stem + ".pdf")


def baseline_docx(path: Path) -> None:
    doc = Document(str(path))
    text = [p.text for p in doc.paragraphs]
    text += [c.text for t in doc.tables for row in t.rows for c in row.cells]


def baseline_pdf(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            page.extract_text()


def best(func, path: Path, runs: int) -> tuple[float, float]:
    """(CPU seconds, wall seconds), best of ``runs``: CPU time is what one core spends,
    whatever else the machine is doing; wall time is what the clerk waits."""
    cpu, wall = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        func(path)
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    return min(cpu), min(wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        docx = build_docx(Path(tmp) / "bao-cao.docx", args.pages)
        pdf = to_pdf(docx, Path(tmp))
        import pdfplumber

        with pdfplumber.open(str(pdf)) as doc:
            pdf_pages = len(doc.pages)
        check_file(docx), check_file(pdf)  # imports and caches are not per-file work
        print(f"`dossier check` on one core, best of {args.runs} (document of {pdf_pages} pages as PDF)")
        print(f"{'file':6} {'check CPU':>10} {'(wall)':>8} {'pages/s':>8} {'baseline CPU':>13} {'check/baseline':>15}"
              f"  goal < {GOAL_S:.0f} s CPU")
        for label, path, base in (("DOCX", docx, baseline_docx), ("PDF", pdf, baseline_pdf)):
            ours, ours_wall = best(check_file, path, args.runs)
            theirs, _ = best(base, path, args.runs)
            report = check_file(path)
            print(f"{label:6} {ours:9.2f}s {ours_wall:7.2f}s {pdf_pages / ours:8.1f} {theirs:12.2f}s {ours / theirs:14.2f}×  "
                  f"{'met' if ours < GOAL_S * args.pages / 30 else 'NOT met'}"
                  f"  ({len(report.errors)} lỗi, {len(report.warnings)} cảnh báo)")
        print("baseline: load the file and extract its text (python-docx; pdfplumber extract_text, the reader "
              "dossier check used before)")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: compare the ratios within one run")


if __name__ == "__main__":
    main()
