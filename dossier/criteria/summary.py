"""The summary of a folder of communes (a district's, or a province's after
the districts): every commune against the same criteria set — the communes ×
criteria matrix and its totals, counted per commune group when the set's
targets depend on the group. What the summary covers and who issues it come
from the data (``tong-hop.yaml``, :class:`~dossier.models.summary_input.SummaryInfo`)
or, without it, from the communes' own data."""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from ..errors import DossierError, Problem, input_error
from ..models.summary_input import SummaryInfo
from ..vntext import vn_sort
from .assessment import LOADERS, load_assessment
from .catalogue import CriteriaSet, Criterion
from .evaluate import UnitResult, evaluate
from .registry import Registry


SUMMARY_INFO = "tong-hop.yaml"  # beside the communes' folder: what the summary covers, who issues it


@dataclass(frozen=True)
class GroupCount:
    """The communes of one commune group and what they met."""

    id: str
    name: str
    communes: tuple[UnitResult, ...]
    criteria: tuple[Criterion, ...]

    @property
    def count(self) -> int:
        return len(self.communes)

    @property
    def all_met(self) -> int:
        return sum(r.all_met for r in self.communes)

    def meeting(self, criterion_id: str) -> int:
        return sum(c.met for r in self.communes for c in r.criteria if c.criterion.id == criterion_id)


@dataclass(frozen=True)
class DistrictSummary:
    district: str | None
    province: str | None
    year: int
    criteria_set: CriteriaSet
    communes: tuple[UnitResult, ...]  # in Vietnamese dictionary order
    info: SummaryInfo | None = None

    @property
    def groups(self) -> tuple[GroupCount, ...]:
        """Per commune group (sets with groups only), in the groups' numbering order."""
        groups = self.criteria_set.commune_groups
        if groups is None:
            return ()
        ids = groups.ordered_ids
        return tuple(GroupCount(g, groups.get(g).name,
                                tuple(r for r in self.communes if r.group and r.group.group_id == g), self.criteria)
                     for g in ids)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Each commune's warnings (period, group), once, with the commune named."""
        return tuple(dict.fromkeys(f"{r.label}: {w}" for r in self.communes for w in r.warnings))

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        return self.criteria_set.criteria

    def communes_meeting(self, criterion_id: str) -> int:
        return sum(c.met for r in self.communes for c in r.criteria if c.criterion.id == criterion_id)

    @property
    def communes_all_met(self) -> tuple[UnitResult, ...]:
        return tuple(r for r in self.communes if r.all_met)

    @property
    def average_criteria(self) -> Decimal:
        """Average number of criteria met per commune, to one decimal."""
        if not self.communes:
            return Decimal(0)
        mean = Decimal(sum(r.met_count for r in self.communes)) / len(self.communes)
        return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def villages_total(self) -> int:
        return sum(len(r.villages) for r in self.communes)

    @property
    def villages_met(self) -> int:
        return sum(r.villages_met for r in self.communes)

    @property
    def unverified_targets(self) -> int:
        """How many distinct targets used (commune and village sets) are not verified."""
        used = {(r.criteria_set.id, i.id) for r in self.communes for i in r.unverified}
        used |= {(v.criteria_set.id, i.id) for r in self.communes for v in r.villages for i in v.unverified}
        return len(used)


def data_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in LOADERS and not p.name.startswith(("~$", ".")))


def load_folder(folder: str | os.PathLike[str], warnings: list[Problem] | None = None,
                sets: Registry | None = None) -> list[UnitResult]:
    """Load and evaluate every assessment file in ``folder``; one error lists every problem."""
    folder = Path(folder)
    if not folder.is_dir():
        raise input_error(f"Không tìm thấy thư mục {folder}.", hint="Kiểm tra lại đường dẫn.")
    files = data_files(folder)
    if not files:
        raise input_error(f"Thư mục {folder} không có tệp dữ liệu đánh giá (.yaml, .json, .xlsx).")
    problems: list[Problem] = []
    results: list[tuple[Path, UnitResult]] = []
    for path in files:
        try:
            results.append((path, evaluate(load_assessment(path, warnings), sets)))
        except DossierError as exc:
            problems += exc.problems or [Problem(str(path), exc.message)]
    problems += _duplicates(results)
    if problems:
        raise input_error(f"Dữ liệu các xã trong {folder} có {len(problems)} lỗi:", problems)
    return [r for _, r in results]


def _duplicates(results: list[tuple[Path, UnitResult]]) -> list[Problem]:
    seen: dict[str, Path] = {}
    problems = []
    for path, result in results:
        key = f"mã {result.code}" if result.code else result.name.lower()
        if key in seen:
            problems.append(Problem(str(path), f"{result.label} ({key}) trùng với dữ liệu trong {seen[key]}"))
        else:
            seen[key] = path
    return problems


def load_info(path: str | os.PathLike[str]) -> SummaryInfo:
    from ..load.files import load_mapping
    from ..models.validation import validate

    return validate(SummaryInfo, load_mapping(Path(path)), str(path))


def folder_info(data_dir: str | os.PathLike[str]) -> SummaryInfo | None:
    """``tong-hop.yaml`` of a data folder, if it has one."""
    path = Path(data_dir) / SUMMARY_INFO
    return load_info(path) if path.is_file() else None


def summarise(results: list[UnitResult], info: SummaryInfo | None = None) -> DistrictSummary:
    """The summary of evaluated communes, all on one criteria set and year."""
    if not results:
        raise input_error("Không có xã nào để tổng hợp.")
    first = results[0]
    problems = []
    for r in results[1:]:
        if r.criteria_set.id != first.criteria_set.id:
            problems.append(Problem(r.label, f"dùng bộ tiêu chí '{r.criteria_set.id}', khác '{first.criteria_set.id}'"))
        if r.year != first.year:
            problems.append(Problem(r.label, f"năm đánh giá {r.year}, khác năm {first.year}"))
    places = {(r.assessment.district, r.assessment.province) for r in results if r.assessment is not None}
    if len(places) > 1:
        problems.append(Problem("", "các xã thuộc nhiều huyện/tỉnh khác nhau: "
                                    + "; ".join(", ".join(p for p in pl if p) for pl in sorted(places, key=str))))
    if problems:
        raise input_error("Không tổng hợp được: dữ liệu các xã không cùng một bộ tiêu chí, năm hoặc địa bàn.", problems)
    district, province = next(iter(places)) if places else (None, None)
    return DistrictSummary(district, province, first.year, first.criteria_set,
                           tuple(vn_sort(results, attribute="name")), info)


Summary = DistrictSummary  # the same summary for any territory
