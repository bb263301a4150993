"""Who issues, receives and signs, found from the unit data by a kind's
routing spec (data such as ``{unit_type: tỉnh, agency: thuong-truc-ntm}``):
the nearest unit of that type above (or the unit itself when no type is
named), then, if named, one of its agencies. The header lines, the place of
the date line and the signer follow from the party."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import Problem, input_error
from .model import Agency
from .registry import Unit, Units

ROUTE_KEYS = ("unit_type", "agency")


@dataclass(frozen=True)
class Party:
    unit: Unit
    agency: Agency | None = None

    @property
    def name(self) -> str:
        """'Ủy ban nhân dân tỉnh Lai Châu' or 'Sở Nông nghiệp và Môi trường'."""
        return self.agency.name if self.agency else self.unit.committee

    @property
    def issuer(self) -> dict[str, Any]:
        """The Decree 30 header: an agency carries its unit's committee as the superior line."""
        if self.agency:  # the superior line in its usual short form: "UBND tỉnh Lai Châu"
            return {"superior": f"UBND {self.unit.full_name}", "name": [self.agency.name]}
        return {"superior": None, "name": ["Ủy ban nhân dân", self.unit.full_name]}

    @property
    def place(self) -> str:
        return self.unit.place

    @property
    def symbol(self) -> str:
        """The issuing body's part of a document symbol ('UBND', 'SNNMT')."""
        return (self.agency.symbol if self.agency and self.agency.symbol else "UBND")

    def signer(self) -> dict[str, Any]:
        holder = self.agency.signer if self.agency else self.unit.row.signer
        if holder is None:
            where = f"agencies «{self.agency.key}»" if self.agency else "signer"
            raise input_error(f"Chưa có người ký của {self.name} trong dữ liệu đơn vị hành chính.",
                              [Problem(self.unit.source, f"đơn vị mã {self.unit.code}: thêm {where}")],
                              hint="Ghi «signer» trong tệp dữ liệu, hoặc trong dữ liệu đơn vị hành chính.")
        return holder.as_signer()

    @property
    def signer_is_sample(self) -> bool:
        holder = self.agency.signer if self.agency else self.unit.row.signer
        return bool(holder and holder.sample)


def party(units: Units, unit: Unit, route: Mapping[str, Any] | None, day: dt.date, where: str = "") -> Party:
    """The party ``route`` names, seen from ``unit`` on ``day``."""
    route = dict(route or {})
    unknown = sorted(set(route) - set(ROUTE_KEYS))
    if unknown:
        raise input_error(f"Cách gửi hồ sơ không hợp lệ ({where}).",
                          [Problem(where, f"khóa không hỗ trợ: {', '.join(unknown)}; chỉ nhận {', '.join(ROUTE_KEYS)}")])
    target = units.ancestor(unit, str(route["unit_type"]), day) if route.get("unit_type") else unit
    agency = target.agency(str(route["agency"]), day) if route.get("agency") else None
    return Party(target, agency)
