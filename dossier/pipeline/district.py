"""The district's dossier to the province (kind ``huyen-ntm``), from
``ho-so-huyen-….yaml``: each named commune's dossier is built (nested, with
its own cover, contents and bookmarks), the district's tờ trình and appraisal
report are composed from the communes' data, and everything is assembled into
one ``ho-so.pdf``. Same contract as :func:`dossier.pipeline.commune.build`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..compose.assessment_facts import facts_for
from ..compose.district import CommuneCase, compose_all
from ..load.files import load_mapping
from ..load.paths import resolve_data_path
from ..models.district_input import DistrictDossierInput
from ..models.validation import validate
from ..staging import staged
from . import commune
from .commune import DOSSIER_PDF, DossierResult, Progress, convert_all, own_converter
from .documents import gather_sources, render_documents, template_inputs
from .reuse import Built, copy_built

FILE_NAMES = commune.file_names("huyen-ntm")
COMMUNES_DIR = "xa"


def build_nested(files: list[Path], cases: list[CommuneCase], stage: Path, result: DossierResult,
                 inputs: list[Path], *, prebuilt, draft: bool, converter, allow_outside: bool, say) -> list:
    """Build (or copy, when this run already built it) each commune's dossier into ``stage/xa/``;
    return the (ho-so.pdf, title) pairs to nest. Inputs and warnings are added to ``result``/``inputs``."""
    nested = []
    for file, case in zip(files, cases, strict=True):
        say(f"hồ sơ {case.facts.unit}")
        where = stage / COMMUNES_DIR / file.stem.removeprefix("ho-so-")
        built = copy_built(prebuilt or {}, file, where, draft=draft) or commune.build(
            file, where, draft=draft, converter=converter, allow_outside=allow_outside)
        nested.append((built.output, f"Hồ sơ đề nghị của Ủy ban nhân dân {case.facts.unit}"))
        inputs += built.inputs
        result.warnings += built.warnings
    return nested


@dataclass(frozen=True)
class Loaded:
    data_file: Path
    input: DistrictDossierInput
    commune_files: list[Path]
    cases: list[CommuneCase]
    photos: list[tuple[Path, str]]


def load(data_file: Path, *, allow_outside: bool = False) -> Loaded:
    """Read and check the district file and every commune dossier it names; write nothing."""
    data_file = Path(data_file)
    inp = validate(DistrictDossierInput, load_mapping(data_file), str(data_file))
    files, cases, _warnings = commune_cases(data_file, inp.communes, allow_outside=allow_outside)
    return Loaded(data_file, inp, files, cases, dossier_photos(data_file, inp.photos, allow_outside=allow_outside))


def commune_cases(data_file: Path, names, *, allow_outside: bool) -> tuple[list[Path], list[CommuneCase], list[str]]:
    """The commune dossier files a district's or province's file names (``communes[i]``),
    each loaded and checked, and the warnings their loading gave."""
    from ..criteria import evaluate, load_assessment
    from ..report.context import assessment_context

    files = [resolve_data_path(data_file.parent, name, field=f"communes[{i}]", source=str(data_file),
                               allow_outside=allow_outside) for i, name in enumerate(names, 1)]
    cases, warnings = [], []
    for file in files:
        loaded = commune.load(file, allow_outside=allow_outside)
        context = assessment_context(evaluate(load_assessment(loaded.assessment_file)))
        cases.append(CommuneCase(loaded.input, facts_for(loaded.assessment_file), context))
        warnings += loaded.warnings
    return files, cases, warnings


def dossier_photos(data_file: Path, photos, *, allow_outside: bool) -> list[tuple[Path, str]]:
    """The photos a district's or province's file lists (``photos[i].file``), with their captions."""
    return [(resolve_data_path(data_file.parent, p.file, field=f"photos[{i}].file", source=str(data_file),
                               allow_outside=allow_outside, must_exist=False), p.caption)
            for i, p in enumerate(photos, 1)]


def build(data_file: Path, out_dir: Path, *, draft: bool = False, converter=None,
          allow_outside: bool = False, progress: Progress | None = None,
          prebuilt: Mapping[Path, Built] | None = None) -> DossierResult:
    """Build the district's dossier described by ``data_file`` into ``out_dir``.

    ``prebuilt``: commune dossiers this run already built (by resolved data file);
    an identical one is copied instead of built again (:mod:`.reuse`)."""
    say = progress or (lambda _msg: None)
    loaded = load(data_file, allow_outside=allow_outside)
    documents = compose_all(loaded.input, loaded.cases)
    return build_with_nested(loaded.data_file, loaded.commune_files, loaded.cases, [p for p, _ in loaded.photos],
                             documents, FILE_NAMES, out_dir,
                             lambda docs, pairs, nested, output: _assemble(loaded, docs, pairs, nested, output, draft),
                             draft=draft, converter=converter, allow_outside=allow_outside, say=say, prebuilt=prebuilt)


def build_with_nested(data_file: Path, files: list[Path], cases: list[CommuneCase], photos: list[Path],
                      documents, names: Mapping[str, str], out_dir: Path, assemble, *, draft: bool, converter,
                      allow_outside: bool, say, prebuilt, warnings: tuple[str, ...] = ()) -> DossierResult:
    """The steps of a dossier that nests communes' dossiers: build them, render and convert its own
    ``documents`` (file names by part in ``names``), then ``assemble(documents, pairs, nested, output)``."""
    out_dir = Path(out_dir)
    result = DossierResult(out_dir / DOSSIER_PDF)
    result.warnings += list(warnings)
    inputs: list[Path] = []
    with own_converter(converter) as conv:
        with staged(out_dir) as stage:
            nested = build_nested(files, cases, stage, result, inputs, prebuilt=prebuilt,
                                  draft=draft, converter=conv, allow_outside=allow_outside, say=say)
            pairs = render_documents(documents, [names[d.key] for d in documents], stage, say)
            say("chuyển sang PDF")
            convert_all(pairs, conv)
            say("ghép hồ sơ")
            assembled = assemble(documents, pairs, nested, stage / DOSSIER_PDF)
            result.pages = assembled.pages
            result.missing = list(assembled.missing)
            result.warnings += list(assembled.warnings)
            result.documents = [out_dir / p.name for pair in pairs for p in pair]
    result.inputs = [data_file, *inputs, *photos, *template_inputs(documents)]
    return result


def _assemble(loaded: Loaded, documents, pairs, nested, output: Path, draft: bool):
    from ..assemble import Cover, DossierSpec, Source, assemble_dossier
    from ..vntext import vn_upper

    sources = gather_sources(documents, pairs, {}, loaded.photos, "hinh_anh_huyen")
    sources["ho_so_xa"] = [Source(pdf, title) for pdf, title in nested]
    inp, first = loaded.input, loaded.cases[0].facts
    issuer = inp.issuer
    agencies = [vn_upper(issuer.superior)] if issuer.superior else []
    agencies.append(vn_upper(" ".join(issuer.name)))
    names = ", ".join(c.facts.unit for c in loaded.cases)
    cover = Cover(
        title=vn_upper(f"Đề nghị thẩm định, xét, công nhận {names}\nđạt chuẩn nông thôn mới năm {first.year}"),
        year=first.year, agencies=agencies, district=first.district, province=first.province, place=inp.place,
    )
    spec = DossierSpec(kind=inp.kind, cover=cover, sources=sources, output=output, draft=draft,
                       author=" ".join(issuer.name), keywords=("nông thôn mới", names, str(first.year)))
    return assemble_dossier(spec)
