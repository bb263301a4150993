"""The assessment data of one unit (a commune, with its villages): the shape
of a commune YAML file and of what the Excel form reader produces.

Values are checked against the criteria catalogue afterwards
(:func:`dossier.criteria.assessment.check_assessment`), which replaces each raw
value by its canonical form: a ``Decimal`` for numbers, "Đạt"/"Không đạt" or
"Không"/"Có" for yes/no facts.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from .validation import Schema

SELF_ASSESSMENT = {"đạt": "Đạt", "chưa đạt": "Chưa đạt", "không đạt": "Chưa đạt"}


def _self_assessment(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().lower()
    if text not in SELF_ASSESSMENT:
        raise ValueError(f"tự đánh giá chỉ nhận 'Đạt' hoặc 'Chưa đạt', nhận được '{value}'")
    return SELF_ASSESSMENT[text]


def _entries(value: Any) -> Any:
    """Indicator ids must be text ("17.10", not 17.1); a bare value is short for {value: …}."""
    if not isinstance(value, dict):
        return value
    out = {}
    for key, entry in value.items():
        if not isinstance(key, str):
            raise ValueError(f"mã chỉ tiêu {key!r} phải đặt trong dấu ngoặc kép, ví dụ \"17.10\"")
        out[key] = entry if isinstance(entry, dict) else {"value": entry}
    return out


class UnitRef(Schema):
    name: str = Field(min_length=1)
    code: str | None = None  # GSO code, as text ("03413")
    type: str = "xã"

    @field_validator("code", mode="before")
    @classmethod
    def _code_text(cls, value: Any) -> Any:
        if isinstance(value, int):
            raise ValueError("mã đơn vị phải đặt trong dấu ngoặc kép để giữ số 0 ở đầu, ví dụ \"03413\"")
        return value


class Facts(Schema):
    """Facts about the unit that reports reuse (đặc điểm tình hình)."""

    area_km2: float | None = Field(default=None, ge=0)
    population: int | None = Field(default=None, ge=0)
    households: int | None = Field(default=None, ge=0)
    villages: int | None = Field(default=None, ge=0)
    ethnic_groups: list[str] = []


class IndicatorEntry(Schema):
    value: Any = None  # checked against the indicator's unit by the catalogue
    numerator: float | None = Field(default=None, ge=0)  # rate indicators: the count meeting the condition
    denominator: float | None = Field(default=None, gt=0)  # … out of this total
    unit: str | None = None  # optional: must be the indicator's unit if given
    evidence: str = ""  # hiện trạng, căn cứ số liệu
    self_assessment: str | None = None  # typed by the clerk; compared with the computed result

    _self = field_validator("self_assessment", mode="before")(lambda cls, v: _self_assessment(v))


class VillageAssessment(Schema):
    name: str = Field(min_length=1)
    code: str | None = None
    households: int | None = Field(default=None, ge=0)
    population: int | None = Field(default=None, ge=0)
    indicators: dict[str, IndicatorEntry]

    _ids = field_validator("indicators", mode="before")(lambda cls, v: _entries(v))


class Assessment(Schema):
    sample_data: bool = False
    note: str | None = None
    commune: UnitRef
    district: str | None = None  # None where that level does not exist
    province: str | None = None
    year: int = Field(ge=2000, le=2100)
    criteria_set: str | None = None  # None: the set covering ``year`` for the unit's kind
    override: str | None = None  # a province's override of the set's targets
    village_set: str | None = None  # defaults to the one the set/override names
    group: str | None = None  # commune group as classified (sets with commune groups: "1", "2", "3")
    group_facts: dict[str, Any] = {}  # facts that decide the group; keys are the set's (criteria/groups.py)
    facts: Facts = Facts()
    indicators: dict[str, IndicatorEntry]
    criteria_self_assessment: dict[str, str] = {}  # criterion id → "Đạt"/"Chưa đạt", as typed
    villages: list[VillageAssessment] = []

    _ids = field_validator("indicators", mode="before")(lambda cls, v: _entries(v))

    @field_validator("group", mode="before")
    @classmethod
    def _group_text(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("nhóm xã ghi bằng số, ví dụ \"1\", \"2\" hoặc \"3\"")
        if isinstance(value, (int, float)):
            return str(int(value)) if float(value).is_integer() else str(value)
        return value

    @field_validator("criteria_self_assessment", mode="before")
    @classmethod
    def _criteria_self(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        out = {}
        for key, v in value.items():
            if not isinstance(key, str):
                raise ValueError(f"mã tiêu chí {key!r} phải đặt trong dấu ngoặc kép, ví dụ \"17\"")
            checked = _self_assessment(v)
            if checked:
                out[key] = checked
        return out
