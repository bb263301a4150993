"""HTML templates to PDF: Jinja2 (sandboxed) + WeasyPrint, locked down.

* Templates are loaded from ``templates/html/`` (or an explicit path) and run
  in the project's sandboxed environment (:mod:`dossier.render.environment`):
  no Python internals, undefined values are errors, every value is escaped, so
  data that looks like HTML or a URL is shown as text.
* WeasyPrint fetches resources through :class:`GuardedFetcher`: ``data:`` URLs,
  and ``file://`` URLs under ``templates/``, ``fonts/`` and the paths a caller
  allows explicitly (annex images). Everything else (network, other local
  files) is refused, and a refusal is an error naming the URL.
* WeasyPrint is imported and its font configuration created once per process,
  after :func:`dossier.fonts.use_project_fonts` has pointed fontconfig at
  ``fonts/`` (Liberation Serif answers for "Times New Roman").
* Output is deterministic: no dates are taken from the clock and the PDF
  identifier is derived from the HTML, so the same input gives the same bytes.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import pickle
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2


from ..errors import Problem, build_error, input_error
from ..files import atomic_path
from ..fonts import use_project_fonts
from ..keyed import Store, key
from ..paths import FONTS_DIR, TEMPLATES_DIR
from .environment import TemplateTimeout, make_environment, template_error, time_limit
from .filters import HTML_FILTERS

HTML_TEMPLATES_DIR = TEMPLATES_DIR / "html"

_lock = threading.RLock()
_weasy: dict[str, Any] = {}


def _weasyprint() -> tuple[Any, Any]:
    """(weasyprint module, shared FontConfiguration), created once per process."""
    with _lock:
        if not _weasy:
            use_project_fonts()
            with _direct_library_names():
                import weasyprint
                from weasyprint.text.fonts import FontConfiguration

            _open_font_arrays()
            _weasy["module"] = weasyprint
            _weasy["fonts"] = FontConfiguration()
        return _weasy["module"], _weasy["fonts"]


@contextlib.contextmanager
def _direct_library_names() -> Iterator[None]:
    """While this thread imports WeasyPrint on Linux, ``ctypes.util.find_library`` finds nothing.

    WeasyPrint opens each C library by trying names in turn ('libgobject-2.0-0',
    'gobject-2.0-0', …, 'libgobject-2.0.so.0'); cffi passes every name that does
    not load as it is to ``find_library``, which on Linux runs ``ldconfig``, then
    ``gcc`` and ``ld`` to look for it: 54 child processes and 0.17 s of CPU at
    every import. The names WeasyPrint tries include each library's Linux soname,
    which the dynamic linker loads from the same places ``ldconfig`` knows.
    Other threads (and other systems) keep the real search."""
    import ctypes.util
    import sys

    real = ctypes.util.find_library
    if not sys.platform.startswith("linux") or getattr(real, "direct_names", False):
        yield
        return
    importing = threading.get_ident()

    def find_library(name: str) -> str | None:
        return None if threading.get_ident() == importing else real(name)

    find_library.direct_names = True  # type: ignore[attr-defined]
    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = real


_SIZED_ARRAY = re.compile(r"(\w+)\[(\d+)\]")


class _OpenArrays:
    """WeasyPrint's cffi, except that ``new("T[N]", items)`` with N items is asked as
    ``new("T[]", items)``: the same array, but cffi parses every new type string with
    pycparser (7 ms), and font subsetting asks for a new N with nearly every font."""

    def __init__(self, ffi: Any) -> None:
        self._ffi = ffi

    def new(self, cdecl: str, init: Any = None) -> Any:
        sized = _SIZED_ARRAY.fullmatch(cdecl)
        if sized and isinstance(init, (list, tuple)) and len(init) == int(sized[2]):
            cdecl = f"{sized[1]}[]"
        return self._ffi.new(cdecl, init)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ffi, name)


def _open_font_arrays() -> None:
    from weasyprint.pdf import fonts

    if not isinstance(getattr(fonts, "ffi", None), (_OpenArrays, type(None))):
        fonts.ffi = _OpenArrays(fonts.ffi)


@functools.lru_cache(maxsize=1)
def _guarded_fetcher_class() -> type:
    weasyprint, _ = _weasyprint()
    from weasyprint.urls import URLFetcher, URLFetchingError

    class GuardedFetcher(URLFetcher):
        """Only ``data:`` and ``file://`` under the allowed roots; nothing else."""

        def __init__(self, roots: Iterable[Path]) -> None:
            super().__init__(timeout=1, allowed_protocols={"data", "file"}, allow_redirects=False)
            self.roots = [Path(r).resolve() for r in roots]
            self.refused: list[str] = []
            self.fetched: list[Path] = []  # files read: what a cached layout depends on besides the HTML

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if any(path == root or path.is_relative_to(root) for root in self.roots) and path.is_file():
                    self.fetched.append(path)
                    return super().fetch(url, headers)
            self.refused.append(url[:200])
            raise URLFetchingError(f"refused by dossier: {url[:200]}")

    return GuardedFetcher


@dataclass
class HtmlResult:
    """What a render produced: the PDF bytes and WeasyPrint's warnings."""

    pdf: bytes
    warnings: list[str] = field(default_factory=list)


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "HarfBuzz-Subset" not in message:  # about the machine, not the document
            self.messages.append(message)


@contextlib.contextmanager
def _logged_to(collector: _WarningCollector) -> Iterator[_WarningCollector]:
    """Inside the block, WeasyPrint's warnings go to ``collector`` too."""
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        yield collector
    finally:
        logger.removeHandler(collector)


@contextlib.contextmanager
def _fixed_epoch(epoch: int | None) -> Iterator[None]:
    """Font subsetting (fontTools) stamps fonts with the time unless
    SOURCE_DATE_EPOCH is set: set it for the render when the caller has not."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    if previous is None or epoch is not None:
        os.environ["SOURCE_DATE_EPOCH"] = str(int(epoch if epoch is not None else previous or 0))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def _environment(template_dir: Path, filters: Mapping[str, Callable[..., Any]] | None) -> jinja2.Environment:
    loader = jinja2.FileSystemLoader([str(template_dir), str(HTML_TEMPLATES_DIR)], encoding="utf-8")
    return make_environment({**HTML_FILTERS, **(filters or {})}, loader)


def _resolve_template(template_name_or_path: str | os.PathLike[str]) -> tuple[Path, str]:
    """(folder to load from, template name) for a bundled name or a file path."""
    candidate = Path(template_name_or_path)
    if candidate.suffix and (candidate.is_absolute() or candidate.exists()) and candidate.is_file():
        return candidate.resolve().parent, candidate.name
    name = str(template_name_or_path)
    if not name.endswith(".html"):
        name += ".html"
    if not (HTML_TEMPLATES_DIR / name).is_file():
        raise input_error(
            f"Không tìm thấy mẫu HTML «{template_name_or_path}».",
            hint=f"Các mẫu có sẵn nằm trong {HTML_TEMPLATES_DIR}.",
        )
    return HTML_TEMPLATES_DIR, name


def render_html_string(
    template_name_or_path: str | os.PathLike[str],
    context: Mapping[str, Any],
    *,
    filters: Mapping[str, Callable[..., Any]] | None = None,
) -> str:
    """Fill an HTML template with ``context`` in the sandbox and return the HTML text."""
    folder, name = _resolve_template(template_name_or_path)
    env = _environment(folder, filters)
    try:
        with time_limit():
            return env.get_template(name).render(dict(context))
    except (jinja2.TemplateError, TemplateTimeout) as exc:
        raise template_error(name, exc) from None


def html_to_pdf_bytes(
    html: str,
    *,
    base_dir: Path = HTML_TEMPLATES_DIR,
    allowed_paths: Iterable[str | os.PathLike[str]] = (),
    strict: bool = True,
    label: str = "HTML",
    source_date_epoch: int | None = None,
) -> HtmlResult:
    """Lay out ``html`` with WeasyPrint and return the PDF bytes (no file written).

    Relative URLs resolve against ``base_dir``. With ``strict`` a refused URL
    (network, a file outside the allowed folders) is an error; otherwise it is
    counted in the warnings.
    """
    store, entry = _layout_key(html, base_dir, allowed_paths, strict, label, source_date_epoch)
    found = _cached_layout(store, entry)
    if found is not None:
        return found
    weasyprint, font_config = _weasyprint()
    fetcher = _guarded_fetcher_class()([TEMPLATES_DIR, FONTS_DIR, base_dir, *map(Path, allowed_paths)])
    collector = _WarningCollector()
    try:
        identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
        with _lock, _fixed_epoch(source_date_epoch):
            page, sheets = _bundled_sheets(html, base_dir, fetcher, collector)
            with _logged_to(collector):
                document = weasyprint.HTML(
                    string=page, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher, media_type="print"
                )
                pdf = document.write_pdf(font_config=font_config, pdf_identifier=identifier, stylesheets=sheets)
    except jinja2.TemplateError:
        raise
    except Exception as exc:  # WeasyPrint has no error hierarchy of its own
        raise build_error(f"Không dựng được trang PDF từ {label}: {exc}.") from exc
    if fetcher.refused and strict:
        raise input_error(
            f"Mẫu {label} yêu cầu tài nguyên không được phép tải.",
            [Problem(label, f"địa chỉ bị chặn: {url}") for url in fetcher.refused],
            hint="Mẫu chỉ được dùng tệp trong thư mục templates/, fonts/ và các tệp phụ lục được chỉ định; "
            "không được tải từ mạng.",
        )
    result = HtmlResult(pdf, [*(f"bị chặn: {u}" for u in fetcher.refused), *collector.messages])
    if store is not None and not fetcher.refused:
        files = sorted({(str(p), _digest(p)) for p in fetcher.fetched})
        store.put(entry, pickle.dumps((result.pdf, result.warnings, files), protocol=pickle.HIGHEST_PROTOCOL))
    return result


# -- the bundled style sheet, parsed once per process: WeasyPrint parses a linked sheet for every
# document (its selectors compiled to Python: 6-11 ms of a small page's 12 ms), and a dossier lays
# out a cover, contents, separators and photo pages over the same dossier.css

_BUNDLED_LINK = re.compile(r'<link rel="stylesheet" href="([A-Za-z0-9_-]+\.css)">')
_OTHER_STYLES = re.compile(r"<style|<link|\sstyle\s*=", re.IGNORECASE)
_parsed_sheets: dict[tuple[str, int, int], tuple[Any, list[str]]] = {}


def _bundled_sheets(html: str, base_dir: Path, fetcher: Any, collector: _WarningCollector) -> tuple[str, list]:
    """``html`` without its links to style sheets of ``templates/html/``, and those sheets
    parsed (once per process and version of the file), to be given to WeasyPrint in the
    same order; or ``html`` unchanged and no sheet.

    WeasyPrint cascades sheets given this way as the user's, not the author's: the
    same styles as long as no author style is left to compete with them, so a page
    with any other ``<style>``, ``<link>`` or ``style=`` is left as it is. The sheet
    counts as a file the layout read (a cached layout is dropped when it changes), and
    its parse warnings are reported with every page, as a link's would be."""
    names = _BUNDLED_LINK.findall(html)
    if not names or Path(base_dir).resolve() != HTML_TEMPLATES_DIR.resolve():
        return html, []
    page = _BUNDLED_LINK.sub("", html)
    if _OTHER_STYLES.search(page):
        return html, []
    sheets = []
    for name in names:
        path = (HTML_TEMPLATES_DIR / name).resolve()
        parsed = _parsed_sheet(path)
        if parsed is None:
            return html, []
        sheet, warnings = parsed
        fetcher.fetched.append(path)
        collector.messages += warnings
        sheets.append(sheet)
    return page, sheets


def _parsed_sheet(path: Path) -> tuple[Any, list[str]] | None:
    """(WeasyPrint CSS, its parse warnings) of a bundled style sheet, or None: not a file,
    or it reads other files (an ``@import`` or ``@font-face`` is fetched as it is parsed)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    version = (str(path), stat.st_mtime_ns, stat.st_size)
    if version not in _parsed_sheets:
        weasyprint, font_config = _weasyprint()
        fetcher = _guarded_fetcher_class()([TEMPLATES_DIR, FONTS_DIR])
        with _logged_to(_WarningCollector()) as collector:
            sheet = weasyprint.CSS(filename=str(path), url_fetcher=fetcher, media_type="print",
                                   font_config=font_config)
        if fetcher.fetched or fetcher.refused:
            return None
        _parsed_sheets[version] = (sheet, collector.messages)
    return _parsed_sheets[version]


# -- layouts remembered (dossier.keyed): the cover, contents and photo pages of a dossier
# rebuilt after one number changed are mostly the same HTML, over the same files

def _layout_key(html: str, base_dir: Path, allowed: Iterable, strict: bool, label: str,
                epoch: int | None) -> tuple[Store | None, str]:
    store = Store.open("html")
    if store is None:
        return None, ""
    settings = json.dumps([str(base_dir), sorted(map(str, allowed)), strict, label, epoch,
                           os.environ.get("SOURCE_DATE_EPOCH"), _engine()])
    return store, key(html, settings)


@functools.lru_cache(maxsize=1)
def _engine() -> str:
    """The layout engine and the faces it embeds: WeasyPrint's and pydyf's versions, the fonts' bytes."""
    from importlib.metadata import version

    h = hashlib.sha256(f"{version('weasyprint')} {version('pydyf')}".encode())
    for font in sorted(FONTS_DIR.rglob("*")):
        if font.is_file():
            h.update(font.name.encode() + hashlib.sha256(font.read_bytes()).digest())
    return h.hexdigest()


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def _cached_layout(store: Store | None, entry: str) -> HtmlResult | None:
    """The layout kept for this HTML, if every file it read still has the same bytes."""
    data = store.get(entry) if store is not None else None
    if data is None:
        return None
    try:
        pdf, warnings, files = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a torn or foreign entry: lay out again
        return None
    if any(_digest(Path(name)) != digest for name, digest in files):
        return None  # a photo or a style sheet changed since
    return HtmlResult(pdf, list(warnings))


def render_html_bytes(
    template_name_or_path: str | os.PathLike[str],
    context: Mapping[str, Any],
    *,
    filters: Mapping[str, Callable[..., Any]] | None = None,
    allowed_paths: Iterable[str | os.PathLike[str]] = (),
    strict: bool = True,
    source_date_epoch: int | None = None,
) -> HtmlResult:
    """Fill a template and lay it out; return the PDF bytes and warnings."""
    folder, name = _resolve_template(template_name_or_path)
    html = render_html_string(template_name_or_path, context, filters=filters)
    return html_to_pdf_bytes(html, base_dir=folder, allowed_paths=allowed_paths, strict=strict, label=name,
                             source_date_epoch=source_date_epoch)


def render_html_pdf(
    template_name_or_path: str | os.PathLike[str],
    context: Mapping[str, Any],
    out_pdf: str | os.PathLike[str],
    *,
    filters: Mapping[str, Callable[..., Any]] | None = None,
    allowed_paths: Iterable[str | os.PathLike[str]] = (),
    strict: bool = True,
    source_date_epoch: int | None = None,
) -> list[str]:
    """Render an HTML template to ``out_pdf`` (atomically); return WeasyPrint's warnings.

    ``template_name_or_path``: a name under ``templates/html/`` (``"cover"`` or
    ``"cover.html"``) or a path to an HTML file. ``context``: the template's
    variables. ``filters``: extra Jinja filters on top of the project's HTML
    filters. ``allowed_paths``: extra files or folders the template may load
    (e.g. annex images); nothing else outside templates/ and fonts/ is read.
    ``strict``: a refused URL is an error (else a warning). ``source_date_epoch``:
    fixes the timestamps font subsetting writes (default: SOURCE_DATE_EPOCH or 0).
    """
    result = render_html_bytes(
        template_name_or_path, context, filters=filters, allowed_paths=allowed_paths, strict=strict,
        source_date_epoch=source_date_epoch,
    )
    with atomic_path(out_pdf) as tmp:
        tmp.write_bytes(result.pdf)
    return result.warnings
