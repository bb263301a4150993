"""Hồ sơ: a dossier file's parts with the completeness check in words,
uploading the annexes and photos it names, building it (final or draft with
DỰ THẢO) as a job with its progress shown, and downloading ``ho-so.pdf`` and
the whole folder as a ZIP.

An upload fills the file a dossier names, at the place it names: that path
comes from the dossier file, resolved inside the data folder by the loader the
CLI uses (:func:`dossier.load.paths.resolve_data_path`), never from the request.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, abort, render_template, request

from ..errors import DossierError
from ..files import atomic_path
from .app import data_dir, file_lock, jobs, office, storage
from .documents import MIMES
from .jobs import zip_folder
from .uploads import receive, sniff

bp = Blueprint("dossiers", __name__)
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")
TYPES_BY_SUFFIX = {".pdf": ("pdf",), ".jpg": ("jpeg",), ".jpeg": ("jpeg",), ".png": ("png",)}


@dataclass(frozen=True)
class Attachment:
    part: str  # part key, or "photos"
    title: str
    name: str  # as written in the dossier file
    path: Path | None  # resolved inside the data folder; None when the dossier file's path is refused
    state: str  # có | chưa có tệp | tệp không đọc được | đường dẫn không hợp lệ


def dossier_files() -> dict[str, Path]:
    return {p.stem.removeprefix("ho-so-"): p for p in sorted(data_dir().glob("ho-so-*.y*ml")) if p.is_file()}


def _file(slug: str) -> Path:
    files = dossier_files()
    if not SLUG.match(slug) or slug not in files:
        abort(404, "Không có hồ sơ này trong thư mục dữ liệu.")
    return files[slug]


def _state(path: Path) -> str:
    if not path.is_file():
        return "chưa có tệp"
    try:
        wanted = TYPES_BY_SUFFIX.get(path.suffix.lower(), ())
        return "có" if sniff(path) in wanted else "tệp không đọc được"
    except DossierError:
        return "tệp không đọc được"


def attachments(path: Path, raw: dict) -> list[Attachment]:
    """Every annex and photo the dossier file names, in order."""
    from ..load.paths import resolve_data_path

    items: list[tuple[str, str, str]] = []
    for part, entries in (raw.get("annexes") or {}).items():
        for e in entries or []:
            if isinstance(e, dict) and isinstance(e.get("file"), str):
                items.append((str(part), str(e.get("title") or ""), e["file"]))
    for e in raw.get("photos") or []:
        if isinstance(e, dict) and isinstance(e.get("file"), str):
            items.append(("photos", str(e.get("caption") or ""), e["file"]))
    out = []
    for part, title, name in items:
        try:
            target = resolve_data_path(path.parent, name, field="file", source=path.name, must_exist=False)
            out.append(Attachment(part, title, name, target, _state(target)))
        except DossierError:
            out.append(Attachment(part, title, name, None, "đường dẫn không hợp lệ"))
    return out


def completeness(path: Path) -> dict:
    """What the page says about a dossier: its kind, parts, attachments, what is missing (in words)."""
    from ..assemble.kinds import load_kind
    from ..load.files import load_mapping

    raw = load_mapping(path)
    kind_name = str(raw.get("kind", "xa-ntm"))
    missing: list[str] = []
    problems: str | None = None
    try:
        kind = load_kind(kind_name)
    except DossierError as exc:
        return {"kind": None, "parts": [], "attachments": [], "missing": [str(exc)], "problems": None, "result": None}
    files = attachments(path, raw)
    parts = []
    for part in kind.parts:
        mine = [a for a in files if a.part == part.key or (part.kind == "photos" and a.part == "photos")]
        if part.kind == "document":
            state = "tạo tự động từ số liệu"
        elif not mine:
            state = "chưa có tệp nào" + (" (bắt buộc)" if part.required else " (không bắt buộc)")
            if part.required:
                missing.append(f"{part.title}: chưa có tệp nào")
        else:
            ready = sum(a.state == "có" for a in mine)
            state = f"{ready}/{len(mine)} tệp đã có"
        parts.append({"key": part.key, "title": part.title, "kind": part.kind, "state": state, "files": mine})
    for a in files:
        if a.state != "có":
            where = next((p["title"] for p in parts if a in p["files"]), a.part)
            missing.append(f"{where}: «{a.title or a.name}» — {a.state} ({a.name})")
    result = None
    if isinstance(raw.get("assessment"), str):
        result, note = _assessment(path, raw["assessment"])
        if note:
            missing.append(note)
    try:
        from ..pipeline.registry import pipeline_for

        pipeline_for(path).load(path)
    except DossierError as exc:
        problems = str(exc)
    return {"kind": kind, "parts": parts, "attachments": files, "missing": missing, "problems": problems,
            "result": result}


def _assessment(path: Path, name: str):
    from ..criteria import evaluate, load_assessment
    from ..load.paths import resolve_data_path

    try:
        result = evaluate(load_assessment(resolve_data_path(path.parent, name, field="assessment", source=path.name)))
    except DossierError as exc:
        return None, f"Số liệu đánh giá tiêu chí: {exc.message}"
    if result.all_met:
        return result, None
    names = "; ".join(f"{c.criterion.id}. {c.criterion.name}" for c in result.missing)
    return result, (f"{result.label} mới đạt {result.met_count}/{result.total} tiêu chí (còn thiếu: {names}) — "
                    "chưa đủ điều kiện đề nghị công nhận")


@bp.route("/ho-so")
def index():
    rows = []
    from ..load.files import load_mapping

    for slug, path in dossier_files().items():
        try:
            raw = load_mapping(path)
            rows.append({"slug": slug, "file": path.name, "kind": raw.get("kind", "xa-ntm"), "error": None})
        except DossierError as exc:
            rows.append({"slug": slug, "file": path.name, "kind": "", "error": str(exc)})
    return render_template("web/dossiers.html", rows=rows)


def _show(slug: str, *, notice: str | None = None, error: str | None = None, job=None, status: int = 200):
    path = _file(slug)
    return render_template("web/dossier.html", slug=slug, path=path, info=completeness(path), notice=notice,
                           error=error, job=job), status


@bp.route("/ho-so/<slug>")
def dossier(slug: str):
    return _show(slug)


@bp.route("/ho-so/<slug>/tep/<int:number>", methods=["POST"])
def upload(slug: str, number: int):
    path = _file(slug)
    from ..load.files import load_mapping

    files = attachments(path, load_mapping(path))
    if not 1 <= number <= len(files) or files[number - 1].path is None:
        abort(404, "Không có tệp đính kèm này trong hồ sơ.")
    target = files[number - 1].path
    allowed = TYPES_BY_SUFFIX.get(target.suffix.lower())
    if not allowed:
        abort(400, "Hồ sơ ghi một tệp đính kèm có phần mở rộng không được hỗ trợ (chỉ PDF, JPEG, PNG).")
    try:
        up = receive(storage(), request.files.get("file"), allowed)
    except DossierError as exc:
        return _show(slug, error=str(exc), status=400)
    with file_lock(target), atomic_path(target) as tmp:
        shutil.copyfile(up.path, tmp)
    up.path.unlink(missing_ok=True)
    return _show(slug, notice=f"Đã lưu «{up.shown_name}» thành {files[number - 1].name}.")


def safe_stem(name: str) -> str:
    """A file name for an added attachment from the clerk's name: ASCII letters, digits and '-' only."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", name.rsplit(".", 1)[0].replace("đ", "d").replace("Đ", "D"))
    ascii_ = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")[:60] or "tep"


@bp.route("/ho-so/<slug>/them/<part>", methods=["POST"])
def add(slug: str, part: str):
    """Add an annex (PDF) to a part, or a photo (JPEG/PNG) with its caption: the file goes to
    ``<slug>/phu-luc/`` beside the dossier file and the dossier file lists it (its layout kept)."""
    from ..assemble.kinds import load_kind
    from ..load.files import load_mapping
    from .edits import edited_text, ensure_list, ensure_map, flow_map

    path = _file(slug)
    kind = load_kind(str(load_mapping(path).get("kind", "xa-ntm")))
    parts = {p.key: p for p in kind.parts}
    if part not in parts:
        abort(404, "Hồ sơ loại này không có thành phần đó.")
    photos = parts[part].kind == "photos"
    label = request.form.get("title", "").strip()[:300]
    if photos and not label:
        return _show(slug, error="Ảnh cần có chú thích (ghi dưới ảnh trong hồ sơ).", status=400)
    try:
        up = receive(storage(), request.files.get("file"), ("jpeg", "png") if photos else ("pdf",))
    except DossierError as exc:
        return _show(slug, error=str(exc), status=400)
    folder = path.parent / slug / "phu-luc"
    stem, n = safe_stem(up.shown_name), 1
    while (folder / f"{stem}{'' if n == 1 else f'-{n}'}{up.path.suffix}").exists():
        n += 1
    target = folder / f"{stem}{'' if n == 1 else f'-{n}'}{up.path.suffix}"
    rel = target.relative_to(path.parent).as_posix()

    def change(data):
        if photos:
            ensure_list(data, "photos").append(flow_map({"file": rel, "caption": label}))
        else:
            title = label or up.shown_name.rsplit(".", 1)[0]  # the clerk's own name for it, with its accents
            ensure_list(ensure_map(data, "annexes"), part).append(flow_map({"file": rel, "title": title}))

    with file_lock(path):
        with atomic_path(target) as tmp:
            shutil.copyfile(up.path, tmp)
        up.path.unlink(missing_ok=True)
        try:
            text = edited_text(path, change)
            with atomic_path(path) as trial:  # checked beside the original (same relative paths), then moved
                trial.write_text(text, encoding="utf-8")
                from ..pipeline.registry import pipeline_for

                pipeline_for(trial).load(trial)
        except DossierError as exc:
            target.unlink(missing_ok=True)
            return _show(slug, error=str(exc), status=400)
    what = "ảnh" if photos else "phụ lục"
    return _show(slug, notice=f"Đã thêm {what} «{up.shown_name}» ({rel}) vào phần «{parts[part].title}».")


@bp.route("/ho-so/<slug>/tao", methods=["POST"])
def build(slug: str):
    path = _file(slug)
    draft = request.form.get("draft") == "1"
    out = storage().new_dir("builds") / slug
    store, conv = storage(), office().converter
    title = f"{'Bản dự thảo' if draft else 'Hồ sơ'} {path.name}"

    def work(job):
        from ..pipeline.registry import pipeline_for

        job.messages.append("đọc và kiểm tra dữ liệu")
        result = pipeline_for(path).build(path, out, draft=draft, converter=conv, progress=job.messages.append)
        job.messages.append("nén thư mục kết quả")
        archive = zip_folder(out, out.parent / f"{slug}.zip")
        lines = [f"Đã tạo ho-so.pdf ({result.pages} trang)."]
        if result.missing:
            lines.append("Bản dự thảo còn thiếu: " + "; ".join(result.missing))
        lines += [f"Cảnh báo: {w}" for w in result.warnings]
        return {"lines": lines, "downloads": [
            ("Xem / tải ho-so.pdf", store.offer(out / "ho-so.pdf", "ho-so.pdf", MIMES["pdf"])),
            ("Tải cả thư mục (.zip)", store.offer(archive, f"ho-so-{slug}.zip", MIMES["zip"]))]}

    job = jobs().start(title, work)
    if request.headers.get("HX-Request"):
        return render_template("web/_job.html", job=job)
    return _show(slug, job=job, status=202)


def register(app: Flask) -> None:
    app.register_blueprint(bp)

