"""Finding criteria sets: every ``*.yaml`` in the package's ``sets/`` folder
(and in the folders named by ``DOSSIER_CRITERIA_DIRS``) is a set or a
province override. A new period's set is one more file, no code change."""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import Problem, input_error
from ..load.files import load_mapping
from ..models.validation import validate
from .catalogue import CriteriaSet, OverrideFile, SetFile, group_target_problem, resolve_set
from .comparators import fits

ENV_DIRS = "DOSSIER_CRITERIA_DIRS"


def package_sets_dir() -> Path:
    return Path(str(resources.files(__package__).joinpath("sets")))


class Registry:
    """The set and override files found in ``folders`` (later folders may add, not replace)."""

    def __init__(self, folders: list[Path]):
        self.folders = [Path(f) for f in folders]
        self.sets: dict[str, SetFile] = {}
        self.overrides: dict[str, OverrideFile] = {}
        self.files: dict[str, Path] = {}
        for folder in self.folders:
            for path in sorted(folder.glob("*.yaml")):
                self._add(path)

    def _add(self, path: Path) -> None:
        data = load_mapping(path)
        model = OverrideFile if data.get("kind") == "override" else SetFile
        spec = validate(model, data, str(path))
        if spec.id in self.files:
            raise input_error(
                f"Mã bộ tiêu chí '{spec.id}' bị trùng.",
                [Problem(str(self.files[spec.id]), "khai báo lần đầu"), Problem(str(path), "khai báo lại")],
            )
        self.files[spec.id] = path
        (self.overrides if isinstance(spec, OverrideFile) else self.sets)[spec.id] = spec

    def ids(self) -> list[str]:
        return sorted(self.sets)

    def override_ids(self, base: str | None = None) -> list[str]:
        return sorted(k for k, o in self.overrides.items() if base is None or o.base == base)

    def get(self, set_id: str, override: str | None = None) -> CriteriaSet:
        """The set ``set_id`` with ``override`` applied; Vietnamese errors for unknown ids."""
        if set_id not in self.sets:
            if set_id in self.overrides:
                base = self.overrides[set_id].base
                raise input_error(
                    f"'{set_id}' là quy định của tỉnh ghi đè bộ tiêu chí '{base}', không phải một bộ tiêu chí.",
                    hint=f"Ghi criteria_set: {base} và override: {set_id}.",
                )
            raise input_error(f"Không có bộ tiêu chí '{set_id}'.", hint=f"Các bộ tiêu chí có: {', '.join(self.ids())}.")
        spec = self.sets[set_id]
        if override is None:
            return resolve_set(spec)
        if override not in self.overrides:
            raise input_error(
                f"Không có quy định ghi đè '{override}'.",
                hint=f"Các quy định có: {', '.join(self.override_ids()) or 'không có'}.",
            )
        over = self.overrides[override]
        if over.base != set_id:
            raise input_error(f"Quy định '{override}' ghi đè bộ tiêu chí '{over.base}', không phải '{set_id}'.")
        self._check_override(spec, over)
        return resolve_set(spec, over)

    def _periods(self, unit_type: str | None = None) -> list[Problem]:
        """Every set (of ``unit_type`` first), each with its unit kind and period, for messages."""
        specs = sorted(self.sets.values(), key=lambda s: (s.unit_type != unit_type, s.unit_type, s.period.start, s.id))
        return [Problem(s.id, f"{s.name} — {s.unit_type}, giai đoạn {s.period.start}–{s.period.end}") for s in specs]

    def covering(self, year: int, unit_type: str | None) -> list[str]:
        """Ids of the sets for ``unit_type`` (any, if None) whose period covers ``year``."""
        return sorted(k for k, s in self.sets.items()
                      if unit_type in (None, s.unit_type) and s.period.start <= year <= s.period.end)

    def choose(self, year: int, unit_type: str | None) -> str:
        """The set for a unit whose data names none: the one covering ``year`` for its kind
        (among several, the one marked ``default``). A year no set covers is an error naming every set."""
        ids = self.covering(year, unit_type)
        if len(ids) > 1:
            ids = [k for k in ids if self.sets[k].default] or ids
        if len(ids) == 1:
            return ids[0]
        whom = f"cho {unit_type} " if unit_type else ""
        if not ids:
            raise input_error(
                f"Không có bộ tiêu chí nào áp dụng {whom}năm {year}. Các bộ tiêu chí hiện có:",
                self._periods(unit_type),
                hint=("Kiểm tra lại năm đánh giá (year) và loại đơn vị (commune.type), hoặc ghi criteria_set để chọn "
                      "một bộ tiêu chí (kết quả sẽ kèm cảnh báo nếu năm nằm ngoài giai đoạn của bộ)." if unit_type else
                      "Kiểm tra lại năm, hoặc chọn bộ tiêu chí bằng --set."),
            )
        raise input_error(
            f"Có nhiều bộ tiêu chí {whom}năm {year}; cần chọn một:",
            [p for p in self._periods(unit_type) if p.where in ids],
            hint="Ghi criteria_set: <mã bộ tiêu chí> trong dữ liệu.",
        )

    def period_warning(self, cset: CriteriaSet, year: int) -> str | None:
        """A warning when ``year`` is outside the period of ``cset`` (naming the set that covers it, if any)."""
        start, end = cset.period
        if start <= year <= end:
            return None
        state = "đã hết thời hạn áp dụng" if year > end else "chưa đến thời hạn áp dụng"
        text = (f"Năm đánh giá {year} nằm ngoài giai đoạn {start}–{end} của {cset.name} ({state}); "
                f"kết quả chỉ để tham khảo, không dùng làm căn cứ công nhận")
        others = self.covering(year, cset.unit_type)
        if others:
            text += f". Bộ tiêu chí áp dụng cho năm {year}: " + ", ".join(f"{self.sets[k].name} ({k})" for k in others)
        return text

    def _check_override(self, spec: SetFile, over: OverrideFile) -> None:
        units = {i.id: i.unit for g in spec.groups for c in g.criteria for i in c.indicators}
        from .units import UNITS

        where = str(self.files[over.id])
        problems = [Problem(f"{where}, trường targets.{k}", f"bộ tiêu chí '{spec.id}' không có chỉ tiêu này")
                    for k in over.targets if k not in units]
        problems += [
            Problem(f"{where}, trường targets.{k}", f"phép so sánh '{t.target.op}' không dùng được với đơn vị '{units[k]}'")
            for k, t in over.targets.items() if k in units and not fits(t.target.op, UNITS[units[k]])
        ]
        group_ids = [g.id for g in spec.commune_groups.groups] if spec.commune_groups else []
        problems += [Problem(f"{where}, trường targets.{k}", p) for k, t in over.targets.items()
                     if (p := group_target_problem(t.target, group_ids))]
        if over.village_set and over.village_set not in self.sets:
            problems.append(Problem(f"{where}, trường village_set", f"không có bộ tiêu chí '{over.village_set}'"))
        if problems:
            raise input_error(f"Quy định ghi đè {where} không hợp lệ:", problems)


def default_folders() -> list[Path]:
    extra = [Path(p) for p in os.environ.get(ENV_DIRS, "").split(os.pathsep) if p]
    return [package_sets_dir(), *extra]


@lru_cache(maxsize=8)
def _registry(folders: tuple[Path, ...]) -> Registry:
    return Registry(list(folders))


def registry() -> Registry:
    """The registry for the current folders (cached per folder list)."""
    return _registry(tuple(default_folders()))


def criteria_set(set_id: str, override: str | None = None) -> CriteriaSet:
    return registry().get(set_id, override)
