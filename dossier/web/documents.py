"""Văn bản: pick a kind, fill the form generated from the document schema,
watch the PDF preview (DỰ THẢO) follow each change, download DOCX and PDF;
or start from a data file of the data folder.

The preview and the downloads go through the same library as ``dossier
preview`` / ``dossier render`` (:mod:`dossier.preview`,
:mod:`dossier.render.builders`), with the server's warm LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, redirect, render_template, request, session, url_for

from ..errors import DossierError
from ..models.document import KINDS, OfficialDocument
from .app import data_dir, office, storage
from .forms import FormState, data_to_values, fields_for, form_to_data, validate_form

bp = Blueprint("documents", __name__)

KIND_LABELS = {"cong-van": "Công văn", **{k: v[0] for k, v in KINDS.items() if v[0]}}
LABELS: dict[str, tuple[str, str]] = {
    "kind": ("Loại văn bản", ""),
    **{f"kind={k}": (v, "") for k, v in KIND_LABELS.items()},
    "issuer": ("Cơ quan ban hành", ""),
    "issuer.superior": ("Cơ quan chủ quản", "nếu có, ví dụ UBND HUYỆN TAM ĐƯỜNG"),
    "issuer.name": ("Tên cơ quan ban hành", "mỗi dòng một dòng của tên, ví dụ «Ủy ban nhân dân» / «xã Sơn Bình»"),
    "number": ("Số", "để trống khi chưa ký"),
    "symbol": ("Ký hiệu", "ví dụ UBND-NN, TTr-UBND"),
    "place": ("Địa danh", "ví dụ Sơn Bình"),
    "date": ("Ngày ban hành", "để trống khi chưa ký (khi đó ghi năm)"),
    "year": ("Năm", "khi chưa có ngày ban hành"),
    "subject": ("Trích yếu", "công văn in thành «V/v …»"),
    "recipients": ("Kính gửi", "mỗi nơi nhận một dòng"),
    "legal_bases": ("Căn cứ", "mỗi căn cứ một dòng"),
    "body": ("Nội dung", "mỗi dòng một đoạn; «# » phần I, II; «## » đề mục 1, 2; «### » mục a), b); «- » gạch đầu dòng"),
    "authority_line": ("Thẩm quyền ban hành", "quyết định, ví dụ «CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ SƠN BÌNH»"),
    "proposal": ("Theo đề nghị của", "quyết định"),
    "articles": ("Các Điều", "quyết định: mỗi Điều một dòng; khoản của Điều trên dòng «- » ngay dưới"),
    "annex": ("Phụ lục", "nâng cao, dạng YAML"),
    "secretary": ("Thư ký", "biên bản"),
    "secretary.title": ("Chức danh thư ký", ""),
    "secretary.name": ("Họ tên thư ký", ""),
    "chair": ("Chủ trì", "biên bản"),
    "chair.title": ("Chức danh chủ trì", ""),
    "chair.name": ("Họ tên chủ trì", ""),
    "end_mark": ("Dấu kết thúc «./.»", "thêm vào cuối nội dung"),
    "signer": ("Người ký", ""),
    "signer.authority": ("Thẩm quyền ký", "TM., KT., TL., TUQ., Q. — ví dụ «TM. ỦY BAN NHÂN DÂN»; mỗi dòng một dòng"),
    "signer.title": ("Chức vụ", "ví dụ CHỦ TỊCH"),
    "signer.name": ("Họ và tên", "không ghi học hàm, học vị"),
    "distribution": ("Nơi nhận", "mỗi nơi một dòng"),
    "archive": ("Lưu", "ví dụ VT, VP"),
}
FIELDS = fields_for(OfficialDocument, LABELS, long_text=frozenset({"subject"}), skip=frozenset({"extra"}))
# Where a new letter starts: the minimum a valid công văn needs, for the clerk to overwrite.
STARTER = {
    "kind": "cong-van", "issuer": {"name": ["Ủy ban nhân dân", "xã …"]}, "symbol": "UBND-VP", "place": "…",
    "year": dt.date.today().year, "subject": "…", "recipients": ["…"], "body": ["…"],
    "signer": {"authority": ["TM. ỦY BAN NHÂN DÂN"], "title": "CHỦ TỊCH", "name": "…"},
    "distribution": ["Như trên", "Lưu: VT"],
}
# what the kinds with their own parts need besides (Decree 30: quyết định, biên bản)
STARTER_BY_KIND = {
    "quyet-dinh": {"authority_line": "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ …", "body": [],
                   "legal_bases": ["Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025"],
                   "articles": [{"text": "…"}, {"text": "Quyết định này có hiệu lực kể từ ngày ký."}]},
    "bien-ban": {"secretary": {"title": "Thư ký", "name": "…"}, "chair": {"title": "Chủ trì", "name": "…"}},
}
_preview_lock = threading.Lock()


def data_files() -> dict[str, Path]:
    """Letters in the data folder (top level, a ``kind`` the form knows), by file name."""
    from ..load.files import load_mapping

    found = {}
    for path in sorted(data_dir().iterdir()):
        if path.suffix.lower() in (".yaml", ".yml", ".json") and path.is_file():
            try:
                if load_mapping(path).get("kind", "cong-van") in KINDS and not path.name.startswith("ho-so"):
                    found[path.name] = path
            except DossierError:
                continue
    return found


def _page(state: FormState, *, kind: str, source: str | None = None, status: int = 200):
    return render_template("web/documents.html", fields=FIELDS, state=state, kind=kind, kinds=KIND_LABELS,
                           files=list(data_files()), source=source, merge_routes=current_app.view_functions), status


@bp.route("/van-ban")
def page():
    source = request.args.get("tu")
    kind = request.args.get("loai", "cong-van")
    if kind not in KINDS:
        abort(404, "Không có loại văn bản này.")
    if source:
        files = data_files()
        if source not in files:  # a name from our own list, never a path
            abort(404, "Không có tệp dữ liệu này trong thư mục dữ liệu.")
        from ..load.files import load_mapping

        data = load_mapping(files[source])
        kind = data.get("kind", "cong-van")
    else:
        data = {**STARTER, "kind": kind, **STARTER_BY_KIND.get(kind, {})}
        if KINDS[kind][1]:
            data["symbol"] = f"{KINDS[kind][1]}-UBND"
    state = FormState(values=data_to_values(FIELDS, data))
    return _page(state, kind=kind, source=source)


@bp.route("/van-ban/mo", methods=["POST"])
def open_upload():
    """A data file (YAML/JSON) from the clerk's machine, opened in the form."""
    from ..load.files import load_mapping
    from .uploads import MAX_DATA_BYTES, receive

    up = receive(storage(), request.files.get("file"), ("data",), limit=MAX_DATA_BYTES)
    try:
        data = load_mapping(up.path)
    except DossierError as exc:
        exc.message = exc.message.replace(str(up.path), f"«{up.shown_name}»")
        raise
    finally:
        up.path.unlink(missing_ok=True)
    kind = data.get("kind", "cong-van")
    if kind not in KINDS:
        abort(400, f"Tệp «{up.shown_name}» không phải dữ liệu một văn bản (trường kind phải là một trong "
                   f"{', '.join(KINDS)}).")
    return _page(FormState(values=data_to_values(FIELDS, data)), kind=kind, source=up.shown_name)


def _validated(form) -> tuple[OfficialDocument | None, dict, FormState]:
    data, state = form_to_data(FIELDS, form)
    doc = validate_form(OfficialDocument, FIELDS, data, state)
    return doc, data, state


def _write_data(data: dict) -> Path:
    path = storage().new_path("out", ".json")
    path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    return path


@bp.route("/van-ban/xem-truoc", methods=["POST"])
def preview():
    """htmx: validate; when valid, a new watermarked preview. Returns the errors and the preview pane."""
    from .. import preview as lib

    doc, data, state = _validated(request.form)
    shown = None
    seconds = None
    if doc is not None:
        data_file = _write_data(data)
        out = data_file.with_suffix(".pdf")
        started = time.perf_counter()
        try:
            with _preview_lock:
                lib.preview(doc.kind, data_file, out, convert=office().convert)
            seconds = time.perf_counter() - started
            shown = storage().offer(out, "du-thao.pdf", "application/pdf")
            _forget_previous(data_file)
        except DossierError as exc:
            state.general.append(str(exc))
    return render_template("web/_document_check.html", fields=FIELDS, state=state, preview=shown, seconds=seconds)


def _forget_previous(data_file: Path) -> None:
    """Remove this browser's previous preview (a clerk typing makes one a second)."""
    previous = session.get("preview")
    session["preview"] = data_file.stem
    if previous and re.fullmatch(r"[0-9a-f]{32}", previous) and previous != data_file.stem:
        for old in data_file.parent.glob(previous + ".*"):
            old.unlink(missing_ok=True)


@bp.route("/van-ban/tai-ve/<fmt>", methods=["POST"])
def download(fmt: str):
    if fmt not in ("docx", "pdf"):
        abort(404)
    doc, data, state = _validated(request.form)
    if doc is None:
        return _page(state, kind=str(data.get("kind", "cong-van")), status=400)
    out = make_document(doc.kind, data, fmt)
    return redirect(url_for("download", key=storage().offer(out, f"{doc.kind}.{fmt}", MIMES[fmt]), tai=1), code=303)


MIMES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "pdf": "application/pdf", "zip": "application/zip",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def make_document(kind: str, data: dict, fmt: str) -> Path:
    """The final DOCX or PDF (no watermark) through :func:`dossier.render.builders.render`'s steps."""
    from ..render import builders
    from ..render.docx import render_docx

    data_file = _write_data(data)
    job = builders.prepare(kind, data_file)
    docx = data_file.with_suffix(".docx")
    render_docx(job.template, job.context, docx, title=job.title, author=job.author, date=job.date)
    if fmt == "docx":
        return docx
    pdf = data_file.with_suffix(".pdf")
    office().convert(docx, pdf)
    return pdf


def warm_document(folder: Path, convert) -> None:
    """Render and convert one small letter (keeps LibreOffice and the templates warm)."""
    from ..render import builders
    from ..render.docx import render_docx

    data_file = folder / "warm.json"
    sample = {**STARTER, "place": "Sơn Bình", "subject": "Khởi động", "signer": {**STARTER["signer"], "name": "A"}}
    data_file.write_text(json.dumps(sample, ensure_ascii=False), encoding="utf-8")
    job = builders.prepare("cong-van", data_file)
    render_docx(job.template, job.context, folder / "warm.docx", title="", author="", date=None)
    convert(folder / "warm.docx", folder / "warm.pdf")


def register(app: Flask) -> None:
    app.register_blueprint(bp)

