"""Administrative units as data: load and check the unit files, then answer
"which unit is code C on day D", its chain of parents, its People's Committee,
the header lines of a document it issues, its place name and its signer.

Codes may be reused across time (a merged commune keeps one predecessor's
code), so a unit is always looked up on a day. Nothing here knows what the
levels are called or how many there are: a chain is as long as the data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import Problem, input_error
from ..load.files import clean_tree, load_mapping, load_yaml_text
from ..models.validation import validate
from .model import Agency, UnitRow, UnitsFile

COMMITTEE = "Ủy ban nhân dân"


@dataclass(frozen=True)
class Unit:
    row: UnitRow
    source: str  # the data file it came from

    @property
    def code(self) -> str:
        return self.row.code

    @property
    def name(self) -> str:
        return self.row.name

    @property
    def type(self) -> str:
        return self.row.type

    @property
    def full_name(self) -> str:
        """'xã Bình Lư'."""
        return f"{self.row.type} {self.row.name}"

    @property
    def committee(self) -> str:
        """'Ủy ban nhân dân xã Bình Lư'."""
        return f"{COMMITTEE} {self.full_name}"

    @property
    def place(self) -> str:
        """The place name of the date line (Decree 30: the unit where the body sits)."""
        return self.row.name

    @property
    def verified(self) -> bool:
        return not self.row.mark

    def agency(self, key: str, day: dt.date) -> Agency:
        for agency in self.row.agencies:
            if agency.key == key and agency.covers(day):
                return agency
        raise input_error(f"{self.committee} không có cơ quan «{key}» vào ngày {day:%d/%m/%Y}.",
                          [Problem(self.source, f"thêm «{key}» vào agencies của đơn vị mã {self.code}")])


class Units:
    """Every unit of the loaded files."""

    def __init__(self, units: list[Unit]):
        self.units = units

    def find(self, code: str, day: dt.date) -> Unit:
        """The unit with ``code`` on ``day``; an error naming what exists otherwise."""
        code = str(code).strip()
        found = [u for u in self.units if u.code == code and u.row.covers(day)]
        if len(found) == 1:
            return found[0]
        same = [u for u in self.units if u.code == code]
        if not same:
            raise input_error(f"Không có đơn vị hành chính mã «{code}» trong dữ liệu đơn vị hành chính.",
                              hint="Dữ liệu ở dossier/units/data/*.yaml.")
        periods = "; ".join(f"{u.full_name}: {_period(u.row)}" for u in same)
        raise input_error(f"Mã «{code}» không ứng với đơn vị nào vào ngày {day:%d/%m/%Y}.",
                          [Problem(same[0].source, f"mã {code}: {periods}")])

    def by_name(self, name: str, day: dt.date) -> list[Unit]:
        """Units called ``name`` ('Bình Lư' or 'xã Bình Lư') on ``day``."""
        key = name.strip().casefold()
        return [u for u in self.units if u.row.covers(day) and key in (u.name.casefold(), u.full_name.casefold())]

    def parent(self, unit: Unit, day: dt.date) -> Unit | None:
        return self.find(unit.row.parent, day) if unit.row.parent else None

    def chain(self, unit: Unit, day: dt.date) -> list[Unit]:
        """The unit, its parent, its parent's parent … up to the top of the data."""
        out = [unit]
        while (up := self.parent(out[-1], day)) is not None:
            if up in out:
                raise input_error(f"Dữ liệu đơn vị hành chính có vòng lặp cấp trên tại mã {up.code}.")
            out.append(up)
        return out

    def ancestor(self, unit: Unit, unit_type: str, day: dt.date) -> Unit:
        """The nearest unit of type ``unit_type`` in the chain (the unit itself included)."""
        for u in self.chain(unit, day):
            if u.type == unit_type:
                return u
        chain = " → ".join(u.full_name for u in self.chain(unit, day))
        raise input_error(f"{unit.full_name} không trực thuộc đơn vị loại «{unit_type}» vào ngày {day:%d/%m/%Y}.",
                          [Problem(unit.source, f"chuỗi cấp trên: {chain}")])

    def predecessors(self, unit: Unit) -> list[Unit]:
        """The units ``unit`` was formed from, as they were the day before it took effect."""
        if not unit.row.predecessors:
            return []
        day = unit.row.from_ - dt.timedelta(days=1) if unit.row.from_ else None
        if day is None:
            raise input_error(f"{unit.full_name} có đơn vị tiền thân nhưng không có ngày có hiệu lực (from).",
                              [Problem(unit.source, f"mã {unit.code}")])
        return [self.find(code, day) for code in unit.row.predecessors]


def _period(row: UnitRow) -> str:
    start = f"từ {row.from_:%d/%m/%Y}" if row.from_ else ""
    end = f"đến {row.until:%d/%m/%Y}" if row.until else "đến nay"
    return " ".join(p for p in (start, end) if p)


def _check(units: list[Unit]) -> list[Problem]:
    problems = []
    for i, a in enumerate(units):
        for b in units[i + 1:]:
            if a.code == b.code and _overlap(a.row, b.row):
                problems.append(Problem(b.source, f"mã {a.code} dùng cho hai đơn vị cùng thời gian "
                                                  f"({a.full_name}, {b.full_name})"))
    index = Units(units)
    for u in units:
        day = u.row.from_ or u.row.until or dt.date(2000, 1, 1)
        try:
            if u.row.parent:
                index.find(u.row.parent, day)
            index.predecessors(u)
        except Exception as exc:  # noqa: BLE001 - a DossierError: collected into one report
            problems.append(Problem(u.source, f"đơn vị mã {u.code} ({u.full_name}): {getattr(exc, 'message', exc)}"))
    return problems


def _overlap(a: UnitRow, b: UnitRow) -> bool:
    lo, hi = dt.date.min, dt.date.max
    return max(a.from_ or lo, b.from_ or lo) <= min(a.until or hi, b.until or hi)


def _parse(text_or_path, source: str) -> list[Unit]:
    if isinstance(text_or_path, Path):
        data = load_mapping(text_or_path)
    else:
        data = clean_tree(load_yaml_text(text_or_path), source=source)
    parsed = validate(UnitsFile, data, source)
    return [Unit(row, source) for row in parsed.units]


def _bundled_files() -> list:
    folder = resources.files(__package__).joinpath("data")
    return sorted((e for e in folder.iterdir() if e.name.endswith(".yaml")), key=lambda e: e.name)


def load_units(*extra: Path) -> Units:
    """The bundled unit files (``dossier/units/data``) plus any ``extra`` files, checked together."""
    units: list[Unit] = []
    for entry in _bundled_files():
        units += _parse(entry.read_text(encoding="utf-8"), f"dossier/units/data/{entry.name}")
    for path in extra:
        units += _parse(Path(path), str(path))
    problems = _check(units)
    if problems:
        raise input_error("Dữ liệu đơn vị hành chính không hợp lệ.", problems)
    return Units(units)


@lru_cache(maxsize=1)
def bundled_units() -> Units:
    return load_units()
