"""Văn bản hàng loạt: one document per row of an Excel (or CSV) list — a
list of the data folder or an uploaded one — through the same mail merge as
``dossier render TEMPLATE list.xlsx -o OUT/`` (:func:`dossier.merge.run_merge`),
run as a job; the rows made and the rows refused (sheet, row, cell, why) are
listed, the folder downloads as a ZIP, the combined PDF on its own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, render_template, request

from ..errors import DossierError, input_error
from ..render.builders import bundled_templates
from .app import data_dir, jobs, storage
from .documents import KIND_LABELS, MIMES
from .jobs import zip_folder
from .uploads import receive

bp = Blueprint("merge", __name__)
LIST_SUFFIXES = (".xlsx", ".csv")


def data_lists() -> dict[str, Path]:
    """Lists in the data folder's subfolders (not the communes' assessment forms), by relative name."""
    root = data_dir()
    found = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("communes", "."))):
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in LIST_SUFFIXES and path.is_file() and not path.name.startswith("~$"):
                found[f"{folder.name}/{path.name}"] = path
    return found


def common_files() -> dict[str, Path]:
    """YAML files that may hold the fields every document shares, by relative name."""
    root = data_dir()
    found = {}
    for path in sorted([*root.glob("*.yaml"), *root.glob("*/*.yaml")]):
        rel = path.relative_to(root).as_posix()
        if not rel.startswith(("communes", "ho-so", "plans")) and path.is_file():
            found[rel] = path
    return found


@bp.route("/van-ban/hang-loat")
def page():
    return _page()


def _page(job=None, error: str | None = None, status: int = 200):
    return render_template("web/merge.html", templates=bundled_templates(), labels=KIND_LABELS, lists=data_lists(),
                           commons=common_files(), job=job, error=error), status


def _choice(name: str, options: dict[str, Path]) -> Path | None:
    value = request.form.get(name, "")
    if not value:
        return None
    if value not in options:  # names from our own listing, never a path
        abort(400, "Lựa chọn không hợp lệ.")
    return options[value]


@bp.route("/van-ban/hang-loat", methods=["POST"])
def start():
    template = request.form.get("template", "")
    if template not in bundled_templates():
        abort(400, "Không có mẫu văn bản này.")
    formats = tuple(f for f in ("docx", "pdf") if request.form.get(f"format-{f}"))
    combined = bool(request.form.get("combined"))
    name = request.form.get("name", "").strip()[:200] or None
    sheet = request.form.get("sheet", "").strip()[:100] or None
    work_dir = storage().new_dir("merge")
    try:
        common = _choice("common", common_files())
        chosen = _choice("list", data_lists())
        upload = request.files.get("file")
        if upload is not None and upload.filename:
            up = receive(storage(), upload, ("xlsx",))
            table = work_dir / "danh-sach.xlsx"
            shutil.move(up.path, table)
            shown = up.shown_name
        elif chosen is not None:
            table, shown = chosen, chosen.name
        else:
            raise input_error("Chưa chọn danh sách: chọn một danh sách trong thư mục dữ liệu hoặc nộp tệp Excel.")
        if not formats and not combined:
            raise input_error("Chọn ít nhất một loại kết quả: Word, PDF hoặc một tệp PDF gộp.")
    except DossierError as exc:
        return _page(error=str(exc), status=400)
    out = work_dir / "ket-qua"
    store, app = storage(), current_app._get_current_object()

    def work(job):
        from ..merge import run_merge

        def progress(done: int, total: int, message: str) -> None:
            line = f"{done}/{total}: {message}"
            if job.messages and job.messages[-1][:1].isdigit():
                job.messages[-1] = line
            else:
                job.messages.append(line)

        report = run_merge(template, table, out, sheet=sheet, common=common, name=name, formats=formats or ("docx",),
                           combined=combined, progress=progress)
        archive = zip_folder(out, work_dir / "van-ban.zip")
        downloads = [("Tải tất cả (.zip)", store.offer(archive, f"{Path(shown).stem}.zip", MIMES["zip"]))]
        if report.combined:
            downloads.append(("Tệp PDF gộp", store.offer(out / report.combined, report.combined, MIMES["pdf"])))
        with app.test_request_context():
            html = render_template("web/_merge_result.html", report=report)
        return {"downloads": downloads, "html": html,
                "lines": [f"Đã tạo {len(report.made)} văn bản từ «{shown}»; {len(report.refused)} dòng không tạo được."]}

    job = jobs().start(f"Văn bản hàng loạt từ «{shown}»", work)
    return _page(job=job, status=202)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
