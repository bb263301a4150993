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
from .catalogue import CriteriaSet, OverrideFile, SetFile, resolve_set
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
