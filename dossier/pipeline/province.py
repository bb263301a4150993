"""The province's recognition dossier under two-level government (kind
``tinh-ntm``), from ``ho-so-tinh-….yaml``: each named commune's dossier is
built and nested, the standing agency's appraisal report and the chairman's
decision are composed from the communes' data, and everything is assembled
into one ``ho-so.pdf``. Same contract as :func:`dossier.pipeline.commune.build`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..assemble.kinds import load_kind
from ..compose.province import ProvinceCase, compose_all
from ..load.files import load_mapping
from ..models.province_input import ProvinceDossierInput
from ..models.validation import validate
from .commune import DossierResult, Progress
from .district import build_with_nested, commune_cases, dossier_photos
from .documents import gather_sources
from .reuse import Built


@dataclass(frozen=True)
class Loaded:
    data_file: Path
    case: ProvinceCase
    commune_files: list[Path]
    photos: list[tuple[Path, str]]
    warnings: tuple[str, ...]


def load(data_file: Path, *, allow_outside: bool = False) -> Loaded:
    """Read and check the province file, the unit data and every commune dossier it names; write nothing."""
    from ..units import bundled_units, party
    from ..units.fill import reference_day

    data_file = Path(data_file)
    data = load_mapping(data_file)
    inp = validate(ProvinceDossierInput, data, str(data_file))
    kind = load_kind(inp.kind)
    files, cases, warnings = commune_cases(data_file, inp.communes, allow_outside=allow_outside)
    day = reference_day(data) or inp.council.date
    units = bundled_units()
    unit = units.find(inp.unit, day)
    own = party(units, unit, kind.route_to("recipient"), day, f"{data_file}, unit")
    parties = {p.key: party(units, unit, dict(p.issuer), day, f"dossier/assemble/kinds/{kind.name}.yaml, {p.key}")
               for p in kind.documents()}
    warnings += [f"Người ký của {p.name} lấy từ dữ liệu mẫu về đơn vị hành chính: cần thay bằng người ký thật."
                 for key, p in parties.items() if p.signer_is_sample and key not in inp.signers]
    if kind.basis is not None and not kind.basis.verified:
        warnings.append(f"Căn cứ trình tự, thủ tục ({kind.basis.text}) chưa được xác minh. {kind.basis.check}")
    photos = dossier_photos(data_file, inp.photos, allow_outside=allow_outside)
    return Loaded(data_file, ProvinceCase(inp, cases, kind, parties, own), files, photos,
                  tuple(dict.fromkeys(warnings)))


def build(data_file: Path, out_dir: Path, *, draft: bool = False, converter=None,
          allow_outside: bool = False, progress: Progress | None = None,
          prebuilt: Mapping[Path, Built] | None = None) -> DossierResult:
    """Build the province's dossier described by ``data_file`` into ``out_dir``."""
    say = progress or (lambda _msg: None)
    loaded = load(data_file, allow_outside=allow_outside)
    pc = loaded.case
    documents = compose_all(pc)
    result = build_with_nested(
        loaded.data_file, loaded.commune_files, pc.cases, [p for p, _ in loaded.photos], documents,
        {p.key: p.file for p in pc.kind.documents()}, out_dir,
        lambda docs, pairs, nested, output: _assemble(loaded, docs, pairs, nested, output, draft),
        draft=draft, converter=converter, allow_outside=allow_outside, say=say, prebuilt=prebuilt,
        warnings=loaded.warnings)
    result.warnings = list(dict.fromkeys(result.warnings))
    return result


def _assemble(loaded: Loaded, documents, pairs, nested, output: Path, draft: bool):
    from ..assemble import Cover, DossierSpec, Source, assemble_dossier
    from ..vntext import vn_upper

    pc = loaded.case
    photo_part = next((p.key for p in pc.kind.parts if p.kind == "photos"), "hinh_anh")
    nest_part = next(p.key for p in pc.kind.parts if p.kind == "annex-pdf")
    sources = gather_sources(documents, pairs, {}, loaded.photos, photo_part)
    sources[nest_part] = [Source(pdf, title) for pdf, title in nested]
    first = pc.cases[0].facts
    cover = Cover(
        title=vn_upper(f"Thẩm định, công nhận {pc.names}\nđạt chuẩn nông thôn mới năm {pc.year}"),
        year=pc.year, agencies=[vn_upper(pc.province.name)], province=first.province, place=pc.province.place,
    )
    spec = DossierSpec(kind=pc.kind.name, cover=cover, sources=sources, output=output, draft=draft,
                       author=pc.province.name, keywords=("nông thôn mới", pc.names, str(pc.year)))
    return assemble_dossier(spec)
