"""Assembling a dossier: preflight, two passes (count, then cover + contents
with real page numbers), merge, bookmarks, stamps, one font per shipped face,
de-duplication, metadata, manifest; written atomically under a folder lock,
byte-reproducible."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem

from ..errors import Problem, build_error, input_error
from ..files import TMP_PREFIX
from ..render.html import render_html_bytes
from ..signals import checkpoint, held
from .dedupe import dedupe_objects
from .fontmerge import merge_font_subsets
from .kinds import DossierKind, PartDef, load_kind
from .lock import output_lock
from .photos import photos_pdf
from .probe import IMAGE_FORMATS, probe_files
from .spec import DossierSpec, Source
from .stamp import page_number_convention, stamp_pages

MANIFEST_NAME = "manifest.json"
MISSING_MARK = "(còn thiếu)"
LINK_SCHEME = "dossier-page:"
MAX_FRONT_PASSES = 4

# A step the caller may wrap around every assembly (``dossier build --sign``: dossier.sign.dossier):
# ``before(spec) -> spec`` sees the sources first (signs the documents, hands back what to merge);
# ``after(spec, pdf_bytes) -> (pdf_bytes, manifest_extra)`` sees the assembled file before it is published.
ASSEMBLY_HOOK: ContextVar = ContextVar("dossier_assembly_hook", default=None)


@dataclass
class Segment:
    """A run of pages from one source file (or one photo)."""

    source: Source
    pdf: pikepdf.Pdf
    page_indexes: list[int]  # pages of ``pdf`` to take
    first_page: int = 0  # 1-based page in the dossier, set when laid out

    @property
    def pages(self) -> int:
        return len(self.page_indexes)


@dataclass
class PartResult:
    """A part as laid out: first/last page in the dossier (0 when missing)."""

    key: str
    title: str
    required: bool
    missing: bool
    kind: str = "document"  # document | annex-pdf | photos
    segments: list[Segment] = field(default_factory=list)
    first_page: int = 0
    last_page: int = 0
    separator: Segment | None = None

    @property
    def pages(self) -> int:
        return sum(s.pages for s in self.segments) + (self.separator.pages if self.separator else 0)

    dropped: list[Source] = field(default_factory=list)  # draft: sources left out, listed as missing

    def nested(self) -> list[Segment]:
        """Segments listed under the part: a document's annexes, every annex or photo."""
        return self.segments[1:] if self.kind == "document" else self.segments


@dataclass
class AssemblyResult:
    """What was written: the paths, the page layout, the conventions used."""

    pdf_path: Path
    manifest_path: Path
    pages: int
    sha256: str
    parts: list[PartResult]
    missing: list[str]  # titles of missing parts (draft only)
    warnings: list[str]
    page_number_convention: str
    written: bool  # False when the output was already identical


def _file_kind(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return "pdf"
    if suffix in IMAGE_FORMATS:
        return "image"
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _preflight(spec: DossierSpec, kind: DossierKind) -> tuple[dict[str, list[Source]], list[Problem], list[Problem]]:
    """(readable sources per part, missing-part problems, unreadable-file problems)."""
    unknown = [k for k in spec.sources if k not in {p.key for p in kind.parts}]
    if unknown:
        raise input_error(
            f"Hồ sơ loại {kind.name} không có thành phần: {', '.join(unknown)}.",
            hint="Các thành phần hợp lệ: " + ", ".join(p.key for p in kind.parts) + ".",
        )
    wanted: list[tuple[Path, str]] = []
    bad: list[Problem] = []
    per_part: dict[str, list[Source]] = {}
    for part in kind.parts:
        sources = [Source.of(s) for s in spec.sources.get(part.key, ())]
        per_part[part.key] = sources
        for source in sources:
            file_kind = _file_kind(source.path)
            if file_kind is None:
                bad.append(Problem(str(source.path), "định dạng không hỗ trợ (chỉ nhận PDF, JPEG, PNG)"))
            elif part.kind == "document" and source is sources[0] and file_kind != "pdf":
                bad.append(Problem(str(source.path), f"văn bản «{part.title}» phải là tệp PDF"))
            else:
                wanted.append((source.path, file_kind))
    probes, problems = probe_files(list(dict.fromkeys(wanted)))
    bad += problems
    bad_paths = {p.where for p in bad}
    readable: dict[str, list[Source]] = {}
    missing: list[Problem] = []
    for part in kind.parts:
        sources = [s for s in per_part[part.key] if str(s.path) not in bad_paths and s.path in probes]
        first_bad = part.kind == "document" and per_part[part.key] and str(per_part[part.key][0].path) in bad_paths
        if first_bad:
            sources = []
        readable[part.key] = sources
        if not sources and part.required:
            reason = "tệp không đọc được" if per_part[part.key] else "chưa có tệp"
            missing.append(Problem(part.title, f"thiếu ({reason})"))
    return readable, missing, bad


def _open_pdf(source: Source) -> pikepdf.Pdf:
    try:
        return pikepdf.open(source.path)
    except (pikepdf.PdfError, OSError) as exc:  # checked by the probe; changed since?
        raise build_error("Không mở được tệp PDF.", [Problem(str(source.path), str(exc)[:150])]) from None


def _segments(part: PartDef, sources: list[Source], epoch: int) -> list[Segment]:
    """The part's pages: PDFs as they are, runs of photos laid out on A4 pages."""
    segments: list[Segment] = []
    photos: list[Source] = []

    def flush() -> None:
        if photos:
            pdf = pikepdf.open(io.BytesIO(photos_pdf(part.title, photos, epoch=epoch)))
            per = len(pdf.pages) // len(photos)
            for i, photo in enumerate(photos):
                last = len(pdf.pages) if i == len(photos) - 1 else (i + 1) * per
                segments.append(Segment(photo, pdf, list(range(i * per, last))))
            photos.clear()

    for source in sources:
        if _file_kind(source.path) == "image":
            photos.append(source)
            continue
        flush()
        pdf = _open_pdf(source)
        segments.append(Segment(source, pdf, list(range(len(pdf.pages)))))
    flush()
    return segments


def _cover_pdf(spec: DossierSpec, epoch: int) -> pikepdf.Pdf:
    cover = spec.cover
    context = {
        "agencies": list(cover.agencies), "label": cover.label, "title": cover.title,
        "subtitle": cover.subtitle, "draft": spec.draft, "address": cover.address(),
        "place_year": cover.place_year(),
    }
    return pikepdf.open(io.BytesIO(render_html_bytes("cover", context, source_date_epoch=epoch).pdf))


def _contents_entries(parts: list[PartResult]) -> list[dict]:
    entries = []
    for number, part in enumerate(parts, 1):
        entries.append({"number": number, "level": 0, "title": part.title,
                        "page": part.first_page if not part.missing else None})
        nested = part.nested()
        for index, segment in enumerate(nested, 1):
            entries.append({"number": f"{number}.{index}", "level": 1,
                            "title": segment.source.display_title(), "page": segment.first_page})
        for index, source in enumerate(part.dropped, len(nested) + 1):
            entries.append({"number": f"{number}.{index}", "level": 1, "title": source.display_title(), "page": None})
    return entries


def _layout(parts: list[PartResult], front_pages: int) -> int:
    """Give every part and segment its first page; return the dossier's page count."""
    page = front_pages + 1
    for part in parts:
        if part.missing:
            continue
        part.first_page = page
        if part.separator:
            part.separator.first_page = page
            page += part.separator.pages
        for segment in part.segments:
            segment.first_page = page
            page += segment.pages
        part.last_page = page - 1
    return page - 1


def _front_matter(spec: DossierSpec, kind: DossierKind, parts: list[PartResult], epoch: int) -> tuple[pikepdf.Pdf, pikepdf.Pdf, int]:
    """Cover and contents whose page numbers are those of the final file.

    The contents' own length moves every part, so lay out, render, and repeat
    until the contents' page count is stable (court-bundle tools' dummy pass).
    """
    cover = _cover_pdf(spec, epoch)
    contents_pages = 1
    for _ in range(MAX_FRONT_PASSES):
        total = _layout(parts, len(cover.pages) + contents_pages)
        context = {"title": " ".join(f"{spec.cover.label} {spec.cover.title}".split()), "entries": _contents_entries(parts), "total": total}
        contents = pikepdf.open(io.BytesIO(render_html_bytes("contents", context, source_date_epoch=epoch).pdf))
        if len(contents.pages) == contents_pages:
            return cover, contents, total
        contents_pages = len(contents.pages)
    raise build_error("Không dàn được trang mục lục (số trang không ổn định).")


def _separator(part: PartDef, number: int, epoch: int) -> Segment:
    pdf = pikepdf.open(io.BytesIO(render_html_bytes(
        "separator", {"number": f"Phần {number}", "title": part.title}, source_date_epoch=epoch).pdf))
    return Segment(Source(Path("separator.html"), part.title), pdf, list(range(len(pdf.pages))))


def link_contents(pdf: pikepdf.Pdf, contents_range: range) -> None:
    """Turn the contents' ``dossier-page:N`` links into jumps inside the file."""
    for index in contents_range:
        page = pdf.pages[index]
        for annot in page.obj.get("/Annots", []):
            action = annot.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if uri.startswith(LINK_SCHEME) and uri[len(LINK_SCHEME):].isdigit():
                target = int(uri[len(LINK_SCHEME):]) - 1
                if 0 <= target < len(pdf.pages):
                    del annot["/A"]
                    annot.Dest = Array([pdf.pages[target].obj, Name.XYZ, None, None, None])


MAX_SOURCE_OUTLINE_DEPTH = 4


def _target_index(pdf: pikepdf.Pdf, item: OutlineItem) -> int | None:
    """The source page an outline item points at (explicit, named or GoTo), or None."""
    dest = None
    try:
        resolved = item.resolved_destination(pdf)
        dest = resolved.to_array() if resolved is not None else None
        if dest is None and item.action is not None and item.action.get("/S") == Name.GoTo:
            dest = item.action.get("/D")
        if isinstance(dest, (pikepdf.String, pikepdf.Name)):
            named = pikepdf.NameTree(pdf.Root.Names.Dests).get(str(dest)) if "/Names" in pdf.Root else None
            dest = named.get("/D", named) if isinstance(named, pikepdf.Dictionary) else named
        if isinstance(dest, pikepdf.Array) and len(dest):
            first = dest[0]
            return int(first) if isinstance(first, int) else pikepdf.Page(first).index
    except (pikepdf.PdfError, ValueError, TypeError, AttributeError, KeyError, IndexError):
        return None
    return None


def _source_outline(segment: Segment) -> list[OutlineItem]:
    """The source file's own bookmarks, moved to the pages they now occupy
    (e.g. a commune dossier's parts inside the district dossier)."""
    pdf = segment.pdf
    if "/Outlines" not in pdf.Root:
        return []
    positions = {index: pos for pos, index in enumerate(segment.page_indexes)}
    try:
        root = pikepdf.Outline(pdf, max_depth=MAX_SOURCE_OUTLINE_DEPTH).root
    except (pikepdf.PdfError, ValueError, TypeError, RecursionError):
        return []

    def convert(items: list[OutlineItem], depth: int) -> list[OutlineItem]:
        out = []
        for item in items:
            index = _target_index(pdf, item)
            children = convert(item.children, depth + 1) if depth < MAX_SOURCE_OUTLINE_DEPTH else []
            if index in positions:
                new = OutlineItem(str(item.title), segment.first_page - 1 + positions[index])
                new.children.extend(children)
                out.append(new)
            else:
                out.extend(children)  # an item without a usable target: keep its children
        return out

    return convert(list(root), 0)


def _outline(pdf: pikepdf.Pdf, parts: list[PartResult], contents_first: int) -> None:
    """Bìa, Mục lục, one item per part; a document's annexes, an annex part's
    files and each photo nested under their part; sources' own bookmarks kept."""
    with pdf.open_outline() as outline:
        outline.root.clear()
        outline.root.append(OutlineItem("Bìa hồ sơ", 0))
        outline.root.append(OutlineItem("Mục lục", contents_first - 1))
        for number, part in enumerate(parts, 1):
            if part.missing:
                continue
            item = OutlineItem(f"{number}. {part.title}", part.first_page - 1)
            if part.kind == "document" and part.segments:
                item.children.extend(_source_outline(part.segments[0]))
            for index, segment in enumerate(part.nested(), 1):
                child = OutlineItem(f"{number}.{index}. {segment.source.display_title()}", segment.first_page - 1)
                child.children.extend(_source_outline(segment))
                item.children.append(child)
            outline.root.append(item)


def pdf_date(epoch: int) -> str:
    return time.strftime("D:%Y%m%d%H%M%S+00'00'", time.gmtime(epoch))


def _metadata(pdf: pikepdf.Pdf, spec: DossierSpec, kind: DossierKind, epoch: int) -> dict[str, str]:
    title = " ".join(f"{spec.cover.label} {spec.cover.title}".split())
    author = spec.author or (spec.cover.agencies[-1] if spec.cover.agencies else kind.sender)
    subject = spec.subject or kind.title
    keywords = ", ".join(spec.keywords) if spec.keywords else "nông thôn mới, hồ sơ, " + kind.name
    info = {"/Title": title, "/Author": author, "/Subject": subject, "/Keywords": keywords,
            "/Creator": "dossier", "/Producer": "dossier (pikepdf/qpdf, WeasyPrint)",
            "/CreationDate": pdf_date(epoch), "/ModDate": pdf_date(epoch)}
    pdf.trailer.Info = pdf.make_indirect(Dictionary({k: pikepdf.String(v) for k, v in info.items()}))
    pdf.Root.Lang = pikepdf.String("vi")
    pdf.Root.PageMode = Name.UseOutlines
    pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    for key in ("/Metadata", "/AcroForm", "/Names", "/OpenAction", "/StructTreeRoot", "/MarkInfo"):
        if key in pdf.Root:
            del pdf.Root[key]
    return {k.lstrip("/").lower(): v for k, v in info.items()}


def _assemble_pdf(
    spec: DossierSpec, kind: DossierKind, readable: dict[str, list[Source]], epoch: int
) -> tuple[bytes, list[PartResult], int, dict[str, str]]:
    parts: list[PartResult] = []
    for number, part_def in enumerate(kind.parts, 1):
        sources = readable[part_def.key]
        if not sources and not part_def.required:
            continue  # optional and absent: not listed at all
        part = PartResult(part_def.key, part_def.title, part_def.required, missing=not sources, kind=part_def.kind)
        # draft: files left out (missing or unreadable) are still listed in the contents, marked
        kept = {s.path for s in sources}
        part.dropped = [s for s in map(Source.of, spec.sources.get(part_def.key, ())) if s.path not in kept]
        if part_def.kind == "document" and not sources:
            part.dropped = part.dropped[1:]  # the document itself is the missing part
        checkpoint()
        if sources:
            part.segments = _segments(part_def, sources, epoch)
            if spec.separators:
                part.separator = _separator(part_def, len(parts) + 1, epoch)
        parts.append(part)

    checkpoint()
    cover, contents, total = _front_matter(spec, kind, parts, epoch)
    checkpoint()
    out = pikepdf.new()
    out.pages.extend(cover.pages)
    contents_first = len(out.pages) + 1
    out.pages.extend(contents.pages)
    for part in parts:
        for segment in ([part.separator] if part.separator else []) + part.segments:
            if segment.pages == len(segment.pdf.pages):
                out.pages.extend(segment.pdf.pages)
            else:
                for i in segment.page_indexes:
                    out.pages.append(segment.pdf.pages[i])
    if len(out.pages) != total:
        raise build_error(f"Lỗi dàn trang: tính {total} trang nhưng ghép được {len(out.pages)} trang.")
    link_contents(out, range(contents_first - 1, contents_first - 1 + len(contents.pages)))
    _outline(out, parts, contents_first)
    checkpoint()
    stamp_pages(out, draft=spec.draft)
    if spec.dedupe:
        checkpoint()
        merge_font_subsets(out)  # every part's Liberation Serif subsets → one font per face
        checkpoint()
        dedupe_objects(out)
    checkpoint()
    metadata = _metadata(out, spec, kind, epoch)
    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate, fix_metadata_version=False)
    return buffer.getvalue(), parts, total, metadata


def _manifest(spec: DossierSpec, kind: DossierKind, parts: list[PartResult], pdf_bytes: bytes, total: int,
              metadata: dict[str, str], warnings: list[str], extra: dict | None = None) -> bytes:
    doc = {
        "dossier": spec.output.name,
        "kind": kind.name,
        "title": metadata["title"],
        "draft": spec.draft,
        "pages": total,
        "sha256": hashlib.sha256(pdf_bytes).hexdigest(),
        "metadata": {k: metadata[k] for k in ("title", "author", "subject", "keywords", "creationdate")} | {"lang": "vi"},
        "page_numbers": page_number_convention(),
        "parts": [
            {
                "key": p.key, "title": p.title, "kind": p.kind, "required": p.required, "missing": p.missing,
                "pages": [p.first_page, p.last_page] if not p.missing else None,
                "sources": [
                    {"file": s.source.path.name, "title": s.source.display_title(),
                     "sha256": _sha256(s.source.path), "pages": [s.first_page, s.first_page + s.pages - 1]}
                    for s in p.segments
                ],
            }
            for p in parts
        ],
        "warnings": warnings,
        **(extra or {}),
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _write_temp(target: Path, data: bytes) -> Path:
    fd, name = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=target.suffix, dir=target.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(name, 0o644)
    return Path(name)


def _publish(outputs: list[tuple[Path, bytes]]) -> bool:
    """Write all outputs as one step: every temporary is complete before the
    first rename, and SIGINT/SIGTERM wait until the renames are done, so the
    folder holds either the old PDF and manifest or the new ones. Unchanged
    files are not rewritten (make stays incremental). Returns whether anything changed."""
    changed = [(t, d) for t, d in outputs if not (t.exists() and t.read_bytes() == d)]
    if not changed:
        return False
    temps: list[Path] = []
    try:
        for target, data in changed:
            target.parent.mkdir(parents=True, exist_ok=True)
            temps.append(_write_temp(target, data))
        checkpoint()
        with held():
            for tmp, (target, _) in zip(temps, changed):
                os.replace(tmp, target)
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
    return True


def assemble_dossier(spec: DossierSpec) -> AssemblyResult:
    """Build ``spec.output`` (the dossier PDF) and ``manifest.json`` beside it.

    Preflight first: every source is inspected in a bounded child process;
    a missing required part or an unreadable file stops a final build with one
    :class:`~dossier.errors.DossierError` (exit 1) listing every problem, and
    nothing is written. A draft builds what exists: missing parts are marked
    "(còn thiếu)" in the contents, unreadable files are left out (and listed in
    the warnings and the manifest), and every page is stamped "DỰ THẢO".

    Then: parts are opened and counted; cover and contents are rendered with
    WeasyPrint showing each part's real first page; everything is merged in the
    kind's order; bookmarks (annexes and photos nested under their part) and
    contents links are added; every page is stamped ``Trang n/N`` (see
    :func:`~dossier.assemble.stamp.page_number_convention`); the subsets of
    the shipped Liberation Serif faces that every part embeds (LibreOffice,
    WeasyPrint, the stamps) become one font per face, identified by glyph
    outlines, with the text re-encoded (:mod:`~dossier.assemble.fontmerge`;
    other fonts are left as they are); identical objects (fonts, images) are
    then stored once; metadata (title, author, subject, keywords, /Lang
    vi, dates from ``spec.epoch()``) are set and the file ID is a hash of the
    content, so the same inputs give the same bytes. The PDF and the manifest
    are written atomically while holding the output folder's lock.
    """
    kind = load_kind(spec.kind)
    spec.output = Path(spec.output)
    hook = ASSEMBLY_HOOK.get()
    if hook is not None:
        spec = hook.before(spec)
    epoch = spec.epoch()
    readable, missing, bad = _preflight(spec, kind)
    warnings = [str(p) for p in bad]
    if (missing or bad) and not spec.draft:
        problems = missing + bad
        raise build_error(
            f"Hồ sơ chưa đầy đủ: {len(missing)} thành phần còn thiếu, {len(bad)} tệp không dùng được. Chưa ghi tệp nào.",
            problems,
            hint="Bổ sung hoặc thay các tệp trên rồi dựng lại; hoặc dùng --draft để dựng bản dự thảo.",
        )
    pdf_bytes, parts, total, metadata = _assemble_pdf(spec, kind, readable, epoch)
    extra = None
    if hook is not None:
        pdf_bytes, extra = hook.after(spec, pdf_bytes)
    manifest = _manifest(spec, kind, parts, pdf_bytes, total, metadata, warnings, extra)
    manifest_path = spec.output.with_name(MANIFEST_NAME)
    with output_lock(spec.output.parent, timeout=spec.lock_timeout):
        written = _publish([(spec.output, pdf_bytes), (manifest_path, manifest)])
    return AssemblyResult(
        pdf_path=spec.output, manifest_path=manifest_path, pages=total,
        sha256=hashlib.sha256(pdf_bytes).hexdigest(), parts=parts,
        missing=[p.title for p in parts if p.missing], warnings=warnings,
        page_number_convention=page_number_convention(), written=written,
    )
