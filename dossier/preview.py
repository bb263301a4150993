"""Draft previews: a template + data (or an existing .docx) to a PDF watermarked
``DỰ THẢO`` on every page, once or every time an input changes.

The PDF comes from the same path as ``dossier render`` (DOCX through
LibreOffice, HTML through WeasyPrint), so the preview is what the clerk will
get; the watermark is the dossier draft stamp of :mod:`dossier.assemble.stamp`
(one shared Form XObject), drawn here without the dossier page numbers.

The output is written atomically: a failed render never touches the last good
preview, which is what lets :func:`watch` keep the viewer showing it.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from . import signals
from .assemble.stamp import A4, DRAFT_RESOURCE, Stamper, display_matrix
from .errors import build_error, input_error
from .files import atomic_path
from .render import builders

SUFFIX = ".du-thao.pdf"
TEMP_FOLDER = "dossier-xem-truoc"


@dataclass(frozen=True)
class Preview:
    """One finished preview."""

    pdf: Path
    seconds: float  # wall-clock time of the whole preview (render + convert + watermark)
    pages: int


# --------------------------------------------------------------------------- watermark


def add_draft_watermark(pdf: pikepdf.Pdf) -> int:
    """Draw the dossier's diagonal ``DỰ THẢO`` on every page of ``pdf``; return the page count.

    Adapter over :class:`dossier.assemble.stamp.Stamper`: its ``stamp()`` always
    adds the dossier's ``Trang n/N``, which a single document's preview must not
    carry, so this reuses the Stamper's font, draft XObject and ``q`` stream and
    places only the draft, the same way (upright on rotated/cropped pages).
    """
    stamper = Stamper(pdf, draft=True)
    for page in pdf.pages:
        matrix, width, height = display_matrix(page)
        scale = min(width / A4[0], height / A4[1])
        ox, oy = (width - A4[0] * scale) / 2, (height - A4[1] * scale) / 2
        cm = " ".join(f"{v:.4f}".rstrip("0").rstrip(".") for v in matrix)
        ops = f"\nQ q {cm} cm q {scale:.5f} 0 0 {scale:.5f} {ox:.2f} {oy:.2f} cm {DRAFT_RESOURCE} Do Q Q\n"
        resources = page.obj.get("/Resources")
        if resources is None:
            inherited = page._get_inherited("/Resources")
            page.obj.Resources = resources = inherited if inherited is not None else pikepdf.Dictionary()
        xobjects = resources.get("/XObject")
        if xobjects is None:
            resources.XObject = xobjects = pikepdf.Dictionary()
        xobjects[DRAFT_RESOURCE] = stamper.draft_obj
        contents = page.obj.get("/Contents")
        parts = pikepdf.Array() if contents is None else pikepdf.Array(
            list(contents) if isinstance(contents, pikepdf.Array) else [contents])
        parts.insert(0, stamper.save_state)
        parts.append(pdf.make_indirect(pikepdf.Stream(pdf, ops.encode())))
        page.obj.Contents = parts
    return len(pdf.pages)


def watermark_file(src: Path, out: Path) -> int:
    """Write ``src`` watermarked to ``out`` (atomically); return the page count."""
    with pikepdf.open(src) as pdf:
        pages = add_draft_watermark(pdf)
        with atomic_path(out) as tmp:
            pdf.save(tmp, deterministic_id=True)
    return pages


# --------------------------------------------------------------------------- one preview


def is_docx_source(source: str | Path, data: Path | None) -> bool:
    """An existing .docx previewed as it is (no data file)."""
    return data is None and Path(source).suffix.lower() == ".docx"


def default_output(source: str | Path, data: Path | None) -> Path:
    """``<name>.du-thao.pdf`` next to the data file (or the .docx); in a temp
    folder when that folder cannot be written."""
    base = Path(data) if data is not None else Path(source)
    name = base.name[: -len(base.suffix)] if base.suffix else base.name
    folder = base.parent if str(base.parent) else Path(".")
    if not os.access(folder, os.W_OK | os.X_OK):
        folder = Path(tempfile.gettempdir()) / TEMP_FOLDER
    return folder / (name + SUFFIX)


def watched_files(source: str | Path, data: Path | None) -> list[Path]:
    """The files whose change calls for a new preview (template or .docx, data)."""
    files: list[Path] = []
    if is_docx_source(source, data):
        files.append(Path(source))
    else:
        try:
            files.append(builders.resolve_template(source))
        except Exception:  # noqa: BLE001 - a missing template is reported by the render itself
            files.append(Path(source))
    if data is not None:
        files.append(Path(data))
    return files


Convert = Callable[[Path, Path], None]


def _default_convert(docx: Path, pdf: Path) -> None:
    from .convert import to_pdf

    to_pdf(docx, pdf)


def preview(source: str | Path, data: str | Path | None = None, out: str | Path | None = None,
            *, convert: Convert | None = None) -> Preview:
    """Render ``source`` (bundled template name, .docx/.html template, or an
    existing .docx when ``data`` is None) to a watermarked PDF at ``out``.

    Raises :class:`dossier.errors.DossierError` (nothing written) on bad input.
    ``convert(docx, pdf)`` may be given to reuse a running LibreOffice.
    """
    start = time.perf_counter()
    data_path = Path(data) if data is not None else None
    target = Path(out) if out is not None else default_output(source, data_path)
    if target.suffix.lower() != ".pdf":
        raise input_error(f"Bản xem trước là tệp PDF; không ghi được vào '{target.name}'.",
                          hint="Đặt tên tệp kết quả có đuôi .pdf.")
    convert = convert or _default_convert
    with tempfile.TemporaryDirectory(prefix="dossier-preview-") as tmp:
        stage = Path(tmp)
        plain = stage / "ban-xem-truoc.pdf"
        if data_path is None:
            src = Path(source)
            if src.suffix.lower() != ".docx":
                raise input_error(
                    f"Thiếu tệp dữ liệu cho mẫu '{source}'.",
                    hint="Ghi: dossier preview MẪU DỮ-LIỆU.yaml, hoặc đưa một tệp .docx đã có để xem trước.",
                )
            if not src.is_file():
                raise input_error(f"Không tìm thấy tệp {src}.", hint="Kiểm tra lại đường dẫn.")
            convert(src, plain)
        else:
            job = builders.prepare(source, data_path)  # validate before any work
            if job.template.suffix.lower() == ".docx":
                docx = stage / "ban-xem-truoc.docx"
                builders.render(source, data_path, docx)
                convert(docx, plain)
            else:
                builders.render(source, data_path, plain)
        if not plain.is_file():
            raise build_error("Không tạo được bản PDF để xem trước.",
                              hint="Kiểm tra LibreOffice (soffice) đã được cài đặt và tệp Word mở được.")
        try:
            pages = watermark_file(plain, target)
        except pikepdf.PdfError as exc:
            raise build_error(f"Không đọc được bản PDF vừa tạo: {exc}") from exc
    return Preview(target, time.perf_counter() - start, pages)


# --------------------------------------------------------------------------- watch


@dataclass(frozen=True)
class WatchEvent:
    """One render of the watch loop: ``preview`` on success, ``error`` otherwise."""

    number: int  # 1 for the first render
    changed: tuple[Path, ...]  # files that changed since the previous render (all, the first time)
    preview: Preview | None = None
    error: Exception | None = None
    kept: Path | None = None  # on error: the previous good preview, still in place

    @property
    def ok(self) -> bool:
        return self.error is None


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


@dataclass
class _Snapshot:
    files: list[Path]
    values: dict[Path, tuple[int, int, int] | None] = field(default_factory=dict)

    def take(self) -> dict[Path, tuple[int, int, int] | None]:
        return {p: _signature(p) for p in self.files}


def _open_converter() -> tuple[Convert, Callable[[], None]]:
    """A long-lived LibreOffice for the watch loop when the converter offers one,
    so each re-render skips LibreOffice's start-up (started on first use)."""
    from .convert import Converter, conversion_error

    holder: dict[str, object] = {}

    def convert(docx: Path, pdf: Path) -> None:
        if "conv" not in holder:
            holder["conv"] = Converter()
        results = holder["conv"].convert([(docx, pdf)])  # type: ignore[attr-defined]
        failed = [r for r in results if not r.ok]
        if failed:
            raise conversion_error(failed)

    def close() -> None:
        conv = holder.pop("conv", None)
        if conv is not None:
            conv.close()  # type: ignore[attr-defined]

    return convert, close


def watch(source: str | Path, data: str | Path | None = None, out: str | Path | None = None, *,
          report: Callable[[WatchEvent], None], interval: float = 0.25, debounce: float = 0.3,
          max_renders: int | None = None, timeout: float | None = None,
          stop: threading.Event | None = None, convert: Convert | None = None,
          extra_files: Iterable[Path] = ()) -> int:
    """Render once, then re-render whenever a watched file changes.

    Polls the template (the bundled template file for a bundled name, or the
    .docx) and the data file every ``interval`` seconds; after a change waits
    for ``debounce`` seconds without further change (an editor saving in
    several writes) before rendering. Every render, good or bad, goes to
    ``report``; a failed render leaves the last good PDF in place. Returns the
    number of renders, on KeyboardInterrupt, when ``stop`` is set, after
    ``max_renders`` renders or after ``timeout`` seconds.
    """
    data_path = Path(data) if data is not None else None
    target = Path(out) if out is not None else default_output(source, data_path)
    snap = _Snapshot([*watched_files(source, data_path), *map(Path, extra_files)])
    own_close: Callable[[], None] = lambda: None  # noqa: E731
    if convert is None:
        convert, own_close = _open_converter()
    deadline = None if timeout is None else time.monotonic() + timeout
    stop = stop or threading.Event()
    renders = 0
    good = False

    def finished() -> bool:
        return (stop.is_set() or signals.requested() is not None  # Ctrl-C: checked at each poll
                or (max_renders is not None and renders >= max_renders)
                or (deadline is not None and time.monotonic() >= deadline))

    def render(changed: tuple[Path, ...]) -> None:
        nonlocal renders, good
        renders += 1
        try:
            result = preview(source, data_path, target, convert=convert)
        except Exception as exc:  # noqa: BLE001 - a watch loop reports every failure and keeps going
            report(WatchEvent(renders, changed, error=exc, kept=target if good or target.exists() else None))
        else:
            good = True
            report(WatchEvent(renders, changed, preview=result))

    try:
        snap.values = snap.take()
        render(tuple(snap.files))
        while not finished():
            stop.wait(interval)
            current = snap.take()
            if current == snap.values:
                continue
            # debounce: wait until the files stay unchanged for `debounce` seconds
            quiet_since = time.monotonic()
            while not stop.is_set() and signals.requested() is None:
                stop.wait(min(interval, debounce))
                later = snap.take()
                if later != current:
                    current, quiet_since = later, time.monotonic()
                elif time.monotonic() - quiet_since >= debounce:
                    break
            if stop.is_set() or signals.requested() is not None:
                break
            changed = tuple(p for p in snap.files if current.get(p) != snap.values.get(p))
            snap.values = current
            render(changed)
    except KeyboardInterrupt:
        pass
    finally:
        own_close()
    signals.consume()  # Ctrl-C is how a watch ends: not an interrupted command
    return renders
