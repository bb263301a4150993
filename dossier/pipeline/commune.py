"""One commune's recognition dossier, from ``ho-so.yaml`` to ``ho-so.pdf``:

load + validate → assessment facts → compose the documents → render DOCX →
convert to PDF (one LibreOffice batch) → assemble (cover, contents, bookmarks,
page numbers, annexes) → publish the folder atomically.

Nothing is written until every input has been read and checked; a failure
leaves the previous outputs of the folder as they were."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..assemble.kinds import DossierKind, load_kind
from ..compose.commune import Composed, basis_note, compose_all
from ..compose.facts import CommuneFacts
from ..load.files import load_mapping
from ..load.paths import resolve_data_path
from ..models.dossier_input import CommuneDossierInput
from ..models.validation import validate
from ..staging import staged
from .documents import gather_sources, render_documents, template_inputs
from .result import DOSSIER_PDF, DossierResult

Progress = Callable[[str], None]



def file_names(kind_name: str) -> dict[str, str]:
    """Dossier part → file name (without suffix) of its document, from the kind's data."""
    return {p.key: p.file for p in load_kind(kind_name).documents()}


# The 2021-2025 commune dossier's file names (the kind xa-ntm's data).
FILE_NAMES = file_names("xa-ntm")


@dataclass(frozen=True)
class Loaded:
    data_file: Path
    input: CommuneDossierInput
    assessment_file: Path
    annexes: dict[str, list[tuple[Path, str | None]]]
    photos: list[tuple[Path, str]]
    kind: DossierKind
    warnings: tuple[str, ...] = ()

    def files(self) -> list[Path]:
        return [self.data_file, self.assessment_file, *(p for items in self.annexes.values() for p, _ in items),
                *(p for p, _ in self.photos)]


Attachments = tuple[dict[str, list[tuple[Path, str | None]]], list[tuple[Path, str]]]


def resolve_attachments(inp, data_file: Path, *, allow_outside: bool = False) -> Attachments:
    """The annexes and photos a dossier file names, resolved inside its folder.

    They may be missing: completeness is judged by the assembler (an error listing
    every missing part, or a draft that marks them)."""
    def resolve(name: str, field_name: str) -> Path:
        return resolve_data_path(data_file.parent, name, field=field_name, source=str(data_file),
                                 allow_outside=allow_outside, must_exist=False)

    annexes = {
        part: [(resolve(a.file, f"annexes.{part}[{i}].file"), a.title) for i, a in enumerate(items, 1)]
        for part, items in inp.annexes.items()
    }
    photos = [(resolve(p.file, f"photos[{i}].file"), p.caption) for i, p in enumerate(inp.photos, 1)]
    return annexes, photos


def load(data_file: Path, *, allow_outside: bool = False) -> Loaded:
    """Read and check ``ho-so.yaml`` and every path it names; write nothing."""
    from ..units.fill import fill_from_units

    data_file = Path(data_file)
    data = load_mapping(data_file)
    kind = load_kind(str(data.get("kind", "xa-ntm")))
    data, warnings = fill_from_units(data, {k: kind.route_to(k) for k in ("recipient", "through")}, str(data_file))
    inp = validate(CommuneDossierInput, data, str(data_file))
    assessment = resolve_data_path(data_file.parent, inp.assessment, field="assessment", source=str(data_file),
                                   allow_outside=allow_outside)
    annexes, photos = resolve_attachments(inp, data_file, allow_outside=allow_outside)
    warnings += [n.removeprefix("Ghi chú (cần kiểm tra trước khi ký): ") for n in basis_note(kind)]
    return Loaded(data_file, inp, assessment, annexes, photos, kind, tuple(warnings))


def compose(loaded: Loaded) -> tuple[CommuneFacts, list[Composed]]:
    from ..compose.assessment_facts import facts_for

    facts = facts_for(loaded.assessment_file)
    return facts, compose_all(loaded.input, facts, loaded.kind)


def build(data_file: Path, out_dir: Path, *, draft: bool = False, converter=None,
          allow_outside: bool = False, progress: Progress | None = None) -> DossierResult:
    """Build the dossier described by ``data_file`` into ``out_dir``."""
    say = progress or (lambda _msg: None)
    loaded = load(data_file, allow_outside=allow_outside)
    facts, documents = compose(loaded)
    out_dir = Path(out_dir)
    result = DossierResult(out_dir / DOSSIER_PDF)
    with staged(out_dir) as stage, own_converter(converter) as conv:
        names = {p.key: p.file for p in loaded.kind.documents()}
        pairs = render_documents(documents, [names[d.key] for d in documents], stage, say)
        say("chuyển sang PDF")
        convert_all(pairs, conv)
        say("ghép hồ sơ")
        assembled = assemble(loaded, facts, documents, pairs, stage / DOSSIER_PDF, draft)
        result.pages = assembled.pages
        result.missing = list(assembled.missing)
        result.warnings = [*loaded.warnings, *assembled.warnings]
        result.documents = [out_dir / p.name for pair in pairs for p in pair]
    result.inputs = [*loaded.files(), *template_inputs(documents)]
    return result


@contextlib.contextmanager
def own_converter(converter=None) -> Iterator:
    """The caller's converter, or a new one started at once in the background
    (its start-up overlaps the rendering) and closed at the end."""
    if converter is not None:
        yield converter
        return
    from ..convert import Converter

    conv = Converter()
    conv.warm()
    try:
        yield conv
    finally:
        conv.close()


def convert_all(pairs: list[tuple[Path, Path]], converter=None) -> None:
    """Convert every (docx, pdf) pair in one LibreOffice batch; one error names every failure."""
    from ..convert import Converter, conversion_error

    own = converter is None
    conv = converter or Converter()
    try:
        failed = [r for r in conv.convert(pairs) if not r.ok]
    finally:
        if own:
            conv.close()
    if failed:
        raise conversion_error(failed)


def assemble(loaded: Loaded, facts: CommuneFacts, documents: list[Composed], pairs, output: Path, draft: bool):
    from ..assemble import Cover, DossierSpec, assemble_dossier
    from ..vntext import vn_upper

    sources = gather_sources(documents, pairs, loaded.annexes, loaded.photos, "hinh_anh")
    issuer = loaded.input.issuer
    agencies = [vn_upper(issuer.superior)] if issuer.superior else []
    agencies.append(vn_upper(" ".join(issuer.name)))
    cover = Cover(
        title=vn_upper(f"Đề nghị xét, công nhận {facts.unit}\nđạt chuẩn nông thôn mới năm {facts.year}"),
        year=facts.year,
        agencies=agencies,
        commune=facts.unit,
        district=facts.district,
        province=facts.province,
        place=loaded.input.place,
    )
    spec = DossierSpec(kind=loaded.input.kind, cover=cover, sources=sources, output=output, draft=draft,
                       author=" ".join(issuer.name), keywords=("nông thôn mới", facts.commune, str(facts.year)))
    return assemble_dossier(spec)
