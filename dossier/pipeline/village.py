"""A village recognition dossier (kind ``ban-ntm``), from ``ho-so-ban-….yaml``
to ``ho-so.pdf``: load + validate → evaluate the commune's villages → compose
(tờ trình, each village's minutes, the evaluation report, the decision) →
render DOCX → convert to PDF (one LibreOffice batch) → assemble (cover,
contents, bookmarks, page numbers) → publish the folder atomically.

Same contract as :func:`dossier.pipeline.commune.build`; nothing is written
until every input has been read and checked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..compose.commune import Composed
from ..compose.villages import VillageCase, case_for, compose_all, village_label
from ..errors import Problem, input_error
from ..load.files import load_mapping
from ..load.paths import resolve_data_path
from ..models.validation import validate
from ..models.village_input import VillageDossierInput
from ..staging import staged
from .commune import DOSSIER_PDF, DossierResult, Progress, convert_all, own_converter, resolve_attachments
from .documents import gather_sources, render_documents, template_inputs


@dataclass(frozen=True)
class Loaded:
    data_file: Path
    input: VillageDossierInput
    assessment_file: Path
    case: VillageCase
    annexes: dict[str, list[tuple[Path, str | None]]]
    photos: list[tuple[Path, str]]

    def files(self) -> list[Path]:
        return [self.data_file, self.assessment_file, *(p for items in self.annexes.values() for p, _ in items),
                *(p for p, _ in self.photos)]


def load(data_file: Path, *, allow_outside: bool = False) -> Loaded:
    """Read and check the dossier file, the assessment and every path named; write nothing."""
    from ..criteria import evaluate, load_assessment

    data_file = Path(data_file)
    src = str(data_file)
    inp = validate(VillageDossierInput, load_mapping(data_file), src)

    def resolve(name: str, field: str, must_exist: bool = True) -> Path:
        return resolve_data_path(data_file.parent, name, field=field, source=src, allow_outside=allow_outside,
                                 must_exist=must_exist)

    assessment = resolve(inp.assessment, "assessment")
    case = case_for(evaluate(load_assessment(assessment)), list(inp.villages), src)
    _check_meetings(inp, case, src)
    annexes, photos = resolve_attachments(inp, data_file, allow_outside=allow_outside)
    return Loaded(data_file, inp, assessment, case, annexes, photos)


def _check_meetings(inp: VillageDossierInput, case: VillageCase, src: str) -> None:
    """Every requested village has its meeting; no meeting names an unknown village."""
    names = {v.name for v in case.requested}
    problems = [Problem(f"{src}, trường meetings", f"thiếu biên bản họp của {name}")
                for name in sorted(names - set(inp.meetings))]
    problems += [Problem(f"{src}, trường meetings.{name}", "không phải bản được đề nghị công nhận "
                         f"(các bản đề nghị: {', '.join(sorted(names))})")
                 for name in sorted(set(inp.meetings) - names)]
    if problems:
        raise input_error("Biên bản họp các bản chưa khớp với danh sách bản đề nghị công nhận:", problems)


def _file_name(index: int, doc: Composed, village_no: int) -> str:
    stems = {"to_trinh": "to-trinh", "bao_cao_ket_qua": "bao-cao-ket-qua", "quyet_dinh": "quyet-dinh"}
    stem = stems.get(doc.key) or f"bien-ban-hop-ban-{village_no}"
    return f"{index:02d}-{stem}"


def build(data_file: Path, out_dir: Path, *, draft: bool = False, converter=None,
          allow_outside: bool = False, progress: Progress | None = None) -> DossierResult:
    """Build the village recognition dossier described by ``data_file`` into ``out_dir``."""
    say = progress or (lambda _msg: None)
    loaded = load(data_file, allow_outside=allow_outside)
    documents = compose_all(loaded.input, loaded.case)
    out_dir = Path(out_dir)
    result = DossierResult(out_dir / DOSSIER_PDF)
    with staged(out_dir) as stage, own_converter(converter) as conv:
        names, village_no = [], 0
        for index, doc in enumerate(documents, 1):
            if doc.key == "bien_ban_hop_ban":
                village_no += 1
            names.append(_file_name(index, doc, village_no))
        pairs = render_documents(documents, names, stage, say)
        say("chuyển sang PDF")
        convert_all(pairs, conv)
        say("ghép hồ sơ")
        assembled = assemble(loaded, documents, pairs, stage / DOSSIER_PDF, draft)
        result.pages = assembled.pages
        result.missing = list(assembled.missing)
        result.documents = [out_dir / p.name for pair in pairs for p in pair]
    result.inputs = [*loaded.files(), *template_inputs(documents)]
    return result


def assemble(loaded: Loaded, documents: list[Composed], pairs, output: Path, draft: bool):
    from ..assemble import Cover, DossierSpec, assemble_dossier
    from ..vntext import vn_upper

    case = loaded.case
    sources = gather_sources(documents, pairs, loaded.annexes, loaded.photos, "hinh_anh")
    issuer = loaded.input.commune.issuer
    agencies = [vn_upper(issuer.superior)] if issuer.superior else []
    agencies.append(vn_upper(" ".join(issuer.name)))
    what = "các bản" if case.several else village_label(case.requested[0].name, case.requested[0].unit_type)
    cover = Cover(
        title=vn_upper(f"Xét, công nhận {what} thuộc {case.unit}\nđạt chuẩn nông thôn mới năm {case.year}"),
        year=case.year, agencies=agencies, commune=case.unit, district=case.district, province=case.province,
        place=loaded.input.commune.place,
        subtitle=", ".join(v.name for v in case.requested) if case.several else None,
    )
    spec = DossierSpec(kind="ban-ntm", cover=cover, sources=sources, output=output, draft=draft,
                       author=" ".join(issuer.name),
                       keywords=("nông thôn mới", "bản", case.commune.name, str(case.year)))
    return assemble_dossier(spec)
