"""Đánh giá xã: the communes of the data folder with their result (N/19,
N/10…), one commune's criteria table with what is missing, editing its values
or uploading its filled Excel form, re-evaluated at once.

Edits are written atomically (:mod:`dossier.files`) and only when the file is
still the one the page was opened on: the page carries the file's version (a
hash of its bytes); a change made since (another tab, another clerk, Excel)
is shown as a conflict, never overwritten.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, abort, render_template, request, send_file

from ..criteria import evaluate, load_assessment
from ..criteria.summary import data_files
from ..errors import DossierError, Problem
from ..files import write_bytes, write_text
from ..vntext.numbers import plain_number
from .app import data_dir, file_lock, storage
from .documents import MIMES
from .uploads import receive

bp = Blueprint("communes", __name__)
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")


def communes_dir() -> Path:
    return data_dir() / "communes"


def commune_files() -> dict[str, Path]:
    folder = communes_dir()
    return {p.stem: p for p in data_files(folder)} if folder.is_dir() else {}


def _file(slug: str) -> Path:
    files = commune_files()
    if not SLUG.match(slug) or slug not in files:  # a name from our listing, never a path
        abort(404, "Không có xã này trong thư mục dữ liệu.")
    return files[slug]


def version(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:20]


def _evaluate(path: Path):
    warnings: list[Problem] = []
    return evaluate(load_assessment(path, warnings)), warnings


def _group(result) -> str:
    """The group a unit is judged in: the commune group when its set has groups (2026–2030:
    "Nhóm 2 — …"), and always the criteria set (era, level)."""
    group = getattr(result, "group", None)
    if group is None:
        return result.criteria_set.name
    return f"{group.group_name} — {result.criteria_set.name}"


@bp.route("/xa")
def index():
    rows = []
    for slug, path in commune_files().items():
        try:
            result, _ = _evaluate(path)
            rows.append({"slug": slug, "file": path.name, "result": result, "group": _group(result), "error": None})
        except DossierError as exc:
            rows.append({"slug": slug, "file": path.name, "result": None, "group": "", "error": str(exc)})
    return render_template("web/communes.html", rows=rows)


def _show(slug: str, path: Path, *, result=None, warnings=(), error: str | None = None, notice: str | None = None,
          conflict: dict | None = None, uploaded: dict | None = None, status: int = 200):
    if result is None and error is None:
        try:
            result, warnings = _evaluate(path)
        except DossierError as exc:
            error = str(exc)
    entries = _entries(path) if path.suffix.lower() in (".yaml", ".yml", ".json") else None
    return render_template("web/commune.html", slug=slug, path=path, result=result, warnings=warnings, error=error,
                           notice=notice, conflict=conflict, uploaded=uploaded, entries=entries,
                           version=version(path), editable=entries is not None), status


def _entries(path: Path) -> dict[str, dict[str, Any]]:
    from ..load.files import load_mapping

    indicators = load_mapping(path).get("indicators") or {}
    return {str(k): (v if isinstance(v, dict) else {"value": v}) for k, v in indicators.items()}


@bp.route("/xa/<slug>")
def commune(slug: str):
    return _show(slug, _file(slug))


NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")


def _value(text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    if NUMBER.match(text):
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            return text
        return int(number) if number == number.to_integral_value() and "." not in text and "," not in text \
            else float(number)
    return text


FIELDS = (("value", "v"), ("numerator", "n"), ("denominator", "d"))


def apply_form(data: Any, form) -> list[str]:
    """Put the form's values into the commune's data (in place); the indicator ids changed."""
    indicators = data.get("indicators") or {}
    changed = []
    for key in list(indicators):
        entry = indicators[key]
        if not isinstance(entry, dict):  # "5": 78.5: a bare value
            name = f"v-{key}"
            if name in form and _value(str(form.get(name, ""))[:200]) != entry:
                indicators[key] = _value(str(form.get(name, ""))[:200])
                changed.append(str(key))
            continue
        before = dict(entry)
        for field, prefix in FIELDS:
            name = f"{prefix}-{key}"
            if name in form:
                value = _value(str(form.get(name, ""))[:200])
                if value is None:
                    entry.pop(field, None)
                elif entry.get(field) != value:
                    entry[field] = value
        if dict(entry) != before:
            changed.append(str(key))
    return changed


def new_text(path: Path, change) -> str:
    """The file's text after ``change(data)``: YAML keeps its comments and layout (.edits), JSON is rewritten."""
    if path.suffix.lower() == ".json":
        import json

        from ..load.files import load_mapping

        data = load_mapping(path)
        change(data)
        return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    from .edits import edited_text

    return edited_text(path, change)


def _write_checked(path: Path, text: str) -> None:
    """Check the new data like the CLI would read it, then replace the file atomically."""
    trial = storage().new_dir("trial") / path.name
    trial.write_text(text, encoding="utf-8")
    evaluate(load_assessment(trial))  # raises with Vietnamese problems naming the fields
    write_text(path, text)


@bp.route("/xa/<slug>/sua", methods=["POST"])
def edit(slug: str):
    path = _file(slug)
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        abort(400, "Số liệu của xã này là tệp Excel: hãy nộp lại biểu mẫu đã sửa.")
    with file_lock(path):
        current = version(path)
        changed: list[str] = []
        text = new_text(path, lambda data: changed.extend(apply_form(data, request.form)))
        if request.form.get("version") != current:
            return _show(slug, path, conflict={"changed": changed, "form": request.form}, status=409)
        if not changed:
            return _show(slug, path, notice="Không có giá trị nào thay đổi.")
        try:
            _write_checked(path, text)
        except DossierError as exc:
            return _show(slug, path, error=str(exc).replace(str(storage().root), "…"), status=400)
    return _show(slug, path, notice=f"Đã lưu và đánh giá lại ({len(changed)} chỉ tiêu thay đổi: {', '.join(changed)}).")


@bp.route("/xa/<slug>/bieu-mau", methods=["POST"])
def upload(slug: str):
    """An uploaded filled form: evaluated at once and shown; saved for the commune on request."""
    path = _file(slug)
    up = receive(storage(), request.files.get("file"), ("xlsx",))
    try:
        result, warnings = _evaluate(up.path)
    except DossierError as exc:
        message = str(exc).replace(str(up.path), f"«{up.shown_name}»")
        return _show(slug, path, error=message, status=400)
    key = storage().offer(up.path, up.shown_name, MIMES["xlsx"])
    other = _other_unit(path, result)
    return _show(slug, path, result=result, warnings=warnings, error=other,
                 uploaded=None if other else {"key": key, "name": up.shown_name},
                 notice=f"Kết quả tính từ biểu mẫu «{up.shown_name}» (chưa lưu vào số liệu của xã).")


def _other_unit(path: Path, uploaded) -> str | None:
    """Why a form may not be saved for this commune: it is another unit's (by code, else by name)."""
    try:
        mine, _ = _evaluate(path)
    except DossierError:
        return None
    same = (mine.code == uploaded.code) if (mine.code and uploaded.code) else \
        (mine.name.casefold() == uploaded.name.casefold())
    if same:
        return None
    return (f"Biểu mẫu này là của {uploaded.label}{f' (mã {uploaded.code})' if uploaded.code else ''}, "
            f"không phải {mine.label}: không lưu được cho {mine.label}.")


@bp.route("/xa/<slug>/luu-bieu-mau", methods=["POST"])
def save_upload(slug: str):
    path = _file(slug)
    found = storage().download(request.form.get("upload", ""))
    if found is None:
        abort(404, "Không còn tệp đã nộp; hãy nộp lại.")
    with file_lock(path):
        if request.form.get("version") != version(path):
            return _show(slug, path, conflict={"changed": ["(toàn bộ biểu mẫu)"], "form": {}}, status=409)
        uploaded = load_assessment(found.path)
        result = evaluate(uploaded)
        other = _other_unit(path, result)
        if other:
            return _show(slug, path, error=other, status=400)
        if path.suffix.lower() == ".xlsx":
            write_bytes(path, found.path.read_bytes())
        else:
            entries = uploaded.indicators
            _write_checked(path, new_text(path, lambda data: _put_entries(data, entries)))
    kept = "" if path.suffix.lower() == ".xlsx" else " (các chỉ tiêu của xã; số liệu thôn, bản trong tệp giữ nguyên)"
    return _show(slug, path, notice=f"Đã lưu số liệu từ biểu mẫu «{found.name}» cho xã{kept} và đánh giá lại.")


def _put_entries(data: Any, entries) -> None:
    """The indicators of an uploaded form into the commune's data, entry by entry (its layout kept)."""
    from .edits import ensure_map, flow_map

    indicators = ensure_map(data, "indicators")
    for key, entry in entries.items():
        new = {k: plain_number(v) for k, v in entry.model_dump(exclude_none=True, exclude_defaults=True).items()}
        old = indicators.get(key)
        if isinstance(old, dict) and _same_rate(old, new):
            kept = {k: old[k] for k in ("value", "numerator", "denominator") if k in old}
            new = {**kept, **{k: v for k, v in new.items() if k != "value"}}
        if isinstance(old, dict):
            for field in [f for f in old if f not in new]:
                del old[field]
            for field, value in new.items():
                if old.get(field) != value:
                    old[field] = value
        else:
            indicators[key] = flow_map(new)


def _same_rate(old: dict, new: dict) -> bool:
    """The form gives the rate a count pair (741/925) stands for: keep the pair (and the value
    written beside it, which the pair confirms)."""
    try:
        rate = float(old["numerator"]) / float(old["denominator"]) * 100
        if "value" not in new:
            return False
        # the form shows the value written beside the pair (64.2 for 594/925), else the rate
        return new["value"] == old.get("value") or abs(rate - float(new["value"])) <= 0.05
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return False


@bp.route("/xa/<slug>/bieu-mau.xlsx")
def form(slug: str):
    """The Excel form for this commune: blank (``?trong=1``) or filled with its current data."""
    from ..report.form import write_form

    path = _file(slug)
    out = storage().new_path("out", ".xlsx")
    assessment = load_assessment(path)
    if request.args.get("trong"):
        write_form(out, assessment.criteria_set, assessment.override)
        name = "bieu-mau-trong.xlsx"
    else:
        write_form(out, assessment=assessment)
        name = f"{slug}.xlsx"
    return send_file(out, mimetype=MIMES["xlsx"], as_attachment=True, download_name=name)


def register(app: Flask) -> None:
    app.register_blueprint(bp)

