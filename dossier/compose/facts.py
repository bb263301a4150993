"""What the documents need to know about a commune's assessment, independent
of how the assessment is stored or evaluated."""

from __future__ import annotations

from dataclasses import dataclass

from ..render.tables import TableSpec


@dataclass(frozen=True)
class CriterionResult:
    number: str
    name: str
    met: bool
    shortfall: str = ""  # what is missing, in words ("2.2: 65 %, cần ≥ 70 %")


@dataclass(frozen=True)
class CommuneFacts:
    commune: str  # "Sơn Bình"
    unit_type: str  # "xã"
    district: str | None  # None where the district level no longer exists
    province: str | None
    year: int
    set_name: str  # "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021-2025"
    set_basis: str  # "Quyết định số 318/QĐ-TTg ngày 08/3/2022 …"
    criteria: tuple[CriterionResult, ...]
    table: TableSpec  # the summary table (biểu tổng hợp)
    unverified_targets: int = 0
    area_km2: float | None = None
    population: int | None = None
    households: int | None = None
    villages: int | None = None

    @property
    def met(self) -> int:
        return sum(c.met for c in self.criteria)

    @property
    def total(self) -> int:
        return len(self.criteria)

    @property
    def all_met(self) -> bool:
        return self.met == self.total

    @property
    def unit(self) -> str:
        return f"{self.unit_type} {self.commune}"

    @property
    def location(self) -> str:
        """'huyện Tam Đường, tỉnh Lai Châu' — only the levels the data has."""
        parts = []
        if self.district:
            parts.append(self.district)
        if self.province:
            parts.append(self.province)
        return ", ".join(parts)
