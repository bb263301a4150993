"""Kiểm tra thể thức: upload a DOCX or PDF, see the findings of
:func:`dossier.check.check_file` listed and marked on page images (PNG from
``pdftoppm``; a DOCX is converted to PDF by the server's LibreOffice first),
download the fixed file when the checker can fix it (``dossier.check.fix``,
the library of ``dossier check --fix``).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from flask import Blueprint, Flask, render_template, request

from ..errors import DossierError, build_error
from .app import jobs, office, storage
from .documents import MIMES
from .uploads import receive

bp = Blueprint("checks", __name__)
PAGE_DPI = 60
MAX_PAGES_SHOWN = 20


def page_images(pdf: Path, folder: Path) -> list[dict]:
    """PNG of each page (up to MAX_PAGES_SHOWN) with its size in mm, for marking findings."""
    import pikepdf

    with pikepdf.open(pdf) as doc:
        sizes = []
        for page in doc.pages[:MAX_PAGES_SHOWN]:
            box = [float(v) for v in page.mediabox]
            rotated = int(page.obj.get("/Rotate", 0)) % 180 == 90
            w, h = (box[2] - box[0]) * 25.4 / 72, (box[3] - box[1]) * 25.4 / 72
            sizes.append((h, w) if rotated else (w, h))
    try:
        subprocess.run(["pdftoppm", "-png", "-r", str(PAGE_DPI), "-l", str(len(sizes)), str(pdf),
                        str(folder / "trang")], check=True, capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        raise build_error("Không tạo được ảnh các trang (cần poppler-utils: pdftoppm).") from None
    images = sorted(folder.glob("trang-*.png"))
    return [{"number": n, "png": png, "width_mm": w, "height_mm": h}
            for n, (png, (w, h)) in enumerate(zip(images, sizes), 1)]


def _marks(findings, pages: list[dict]) -> dict[int, list[dict]]:
    by_page: dict[int, list[dict]] = {p["number"]: [] for p in pages}
    sizes = {p["number"]: (p["width_mm"], p["height_mm"]) for p in pages}
    for n, f in enumerate(findings, 1):
        if f.page not in by_page:
            continue
        mark = {"n": n, "severity": f.severity, "box": None}
        if f.box is not None:
            w, h = sizes[f.page]
            x0, top, x1, bottom = f.box
            mark["box"] = {"left": max(0.0, x0 / w * 100), "top": max(0.0, top / h * 100),
                           "width": max(1.0, (x1 - x0) / w * 100), "height": max(1.0, (bottom - top) / h * 100)}
        by_page[f.page].append(mark)
    return by_page


def run_check(up, store, convert) -> dict:
    """The job: check the file, render its pages, mark the findings; the page fragment to show."""
    from ..check import check_file

    report = check_file(up.path)
    report.path = up.shown_name
    folder = store.new_dir("pages")
    pdf = up.path
    if up.kind == "docx":
        pdf = folder / "ban-xem.pdf"
        convert(up.path, pdf)
    pages = page_images(pdf, folder)
    for p in pages:
        p["key"] = store.offer(p["png"], p["png"].name, "image/png")
    downloads, fixed_report = [], None
    if up.kind == "docx":
        from ..check.fix import fix_docx

        fixed = folder / "da-sua.docx"
        try:
            fixed_report = fix_docx(up.path, fixed)
        except DossierError as exc:
            fixed_report = None
            report.notes.append(f"Không sửa tự động được: {exc.message}")
        if fixed_report is not None and fixed_report.changed:
            stem = up.shown_name.rsplit(".", 1)[0]
            downloads.append(("Tải tệp đã sửa thể thức (.docx)", store.offer(fixed, f"{stem}.da-sua.docx",
                                                                               MIMES["docx"])))
    html = render_template("web/_check_result.html", report=report, pages=pages,
                           marks=_marks(report.findings, pages), estimated=up.kind == "docx", fixed=fixed_report)
    return {"html": html, "downloads": downloads,
            "lines": [f"{report.path}: {len(report.errors)} lỗi, {len(report.warnings)} cảnh báo "
                      f"({report.kind_label()})."]}


@bp.route("/kiem-tra", methods=["GET", "POST"])
def page():
    if request.method == "GET":
        return render_template("web/checks.html", job=None, error=None)
    try:
        up = receive(storage(), request.files.get("file"), ("docx", "pdf"))
    except DossierError as exc:
        return render_template("web/checks.html", job=None, error=str(exc)), 400
    store, convert, app = storage(), office().convert, _app()

    def work(job):
        job.messages.append("đọc và kiểm tra thể thức")
        with app.test_request_context():  # the result fragment is rendered with the app's templates
            return run_check(up, store, convert)

    job = jobs().start(f"Kiểm tra thể thức «{up.shown_name}»", work)
    return render_template("web/checks.html", job=job, error=None), 202


def _app():
    from flask import current_app

    return current_app._get_current_object()


def register(app: Flask) -> None:
    app.register_blueprint(bp)
