"""The DOCX builder: a docxtpl template (Jinja2 typed in Word) filled with a
context in the sandboxed environment, rules sized, saved reproducibly."""

from __future__ import annotations

import io
import pickle
import re
import zipfile
from pathlib import Path
from typing import Any

import jinja2

from ..errors import input_error
from ..files import write_bytes
from ..keyed import Store, key
from ..paths import TEMPLATES_DIR
from .docx_package import docx_bytes, set_properties, source_date
from .environment import TemplateTimeout, make_environment, template_error, time_limit
from .filters import DOCX_FILTERS
from .template_cache import CachedDocxTemplate, compile_once, precompile, warm_up
from . import layout_pass, tables

_ENV = None


def environment():
    global _ENV
    if _ENV is None:
        _ENV = compile_once(make_environment(DOCX_FILTERS))
    return _ENV


def warm_up_bundled() -> int:
    """Compile the bundled templates (templates/*.docx) ahead of their first fill."""
    return warm_up(_bundled(), environment())


def precompile_bundled() -> int:
    """Compile the bundled templates for every later process (set-up: tools/precompile_templates.py)."""
    return precompile(_bundled(), environment())


def _bundled() -> list[bytes]:
    return [p.read_bytes() for p in sorted(TEMPLATES_DIR.glob("*.docx"))]


def open_template(template: Path) -> CachedDocxTemplate:
    if not template.exists():
        raise input_error(f"Không tìm thấy mẫu {template}.")
    if not zipfile.is_zipfile(template):
        raise input_error(
            f"Mẫu {template} không phải tệp Word .docx hợp lệ.",
            hint="Mở mẫu bằng Word và lưu lại dưới dạng 'Word Document (*.docx)'.",
        )
    data = template.read_bytes()  # read once: the checks, the cache key and the package
    _refuse_external_links(template, data)
    try:
        return CachedDocxTemplate(data)
    except Exception as exc:  # python-docx raises many kinds for a broken package
        raise input_error(f"Không mở được mẫu {template}: {exc}.") from None


_EXTERNAL = re.compile(r'<Relationship\b[^>]*TargetMode="External"[^>]*>')
_HYPERLINK = "/relationships/hyperlink"


def _refuse_external_links(template: Path, data: bytes) -> None:
    """A template may link web pages, nothing else outside itself: an external image,
    frame or OLE link would make LibreOffice pull a local file into the PDF."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if not name.endswith(".rels"):
                continue
            for rel in _EXTERNAL.findall(package.read(name).decode("utf-8", "replace")):
                if _HYPERLINK not in rel:
                    target = re.search(r'Target="([^"]*)"', rel)
                    raise input_error(
                        f"Mẫu {template.name} liên kết tới một tệp bên ngoài "
                        f"({target.group(1) if target else '?'}); mẫu không được lấy nội dung ngoài chính nó.",
                        hint="Trong Word, chèn ảnh vào mẫu (Insert > Pictures) thay vì liên kết tới tệp.",
                    )


def missing_variables(tpl: CachedDocxTemplate, context: dict[str, Any]) -> set[str]:
    """Top-level variables the template uses that the context does not have."""
    try:
        names = tpl.undeclared_variables(environment())
    except jinja2.TemplateError:
        return set()  # the render reports the syntax error with its location
    return {n for n in names if n not in context and n not in ("loop",)}


def render_docx_document(template: Path, context: dict[str, Any]):
    """Fill ``template``; return the python-docx Document (not yet saved)."""
    tpl = open_template(template)
    missing = missing_variables(tpl, context)
    if missing:
        raise input_error(
            f"Mẫu {template.name} dùng các giá trị không có trong dữ liệu: {', '.join(sorted(missing))}.",
            hint="Bổ sung các trường này vào tệp dữ liệu, hoặc sửa tên biến trong mẫu.",
        )
    context = tables.materialise(tpl, context)
    try:
        with time_limit():
            tpl.render(context, jinja_env=environment(), autoescape=True)
    except (jinja2.TemplateError, TemplateTimeout) as exc:
        raise template_error(template.name, exc) from None
    layout_pass.apply(tpl.docx)
    return tpl.docx


def render_docx(template: Path, context: dict[str, Any], out: Path, *, title: str = "", author: str = "",
                date=None) -> bool:
    """Fill ``template`` with ``context`` and write ``out`` atomically.
    Returns False when ``out`` already had exactly these bytes."""
    when = source_date(date)
    store, entry = _rendered(Path(template), context, title, author, when)
    data = store.get(entry) if store is not None else None
    if data is None:
        doc = render_docx_document(Path(template), context)
        set_properties(doc, title=title, subject=title, author=author, when=when)
        data = docx_bytes(doc)
        if store is not None:
            store.put(entry, data)
    return write_bytes(out, data)


def _rendered(template: Path, context: dict[str, Any], *parts: Any) -> tuple[Store | None, str]:
    """Where a DOCX rendered from these exact inputs is kept (:mod:`dossier.keyed`):
    the template's bytes and the pickled context (a context that does not pickle,
    or a template that cannot be read, is simply rendered)."""
    store = Store.open("docx")
    if store is None:
        return None, ""
    try:
        return store, key(template.read_bytes(), pickle.dumps((context, parts), protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return None, ""
