"""The schema of the administrative-unit data files (``dossier/units/data/*.yaml``).

A unit is a row: its official code, its type word as the law writes it
("tỉnh", "xã", "phường" …), its name, its parent's code, the day it took effect
and the last day it existed, and the codes of the units it was formed from.
How many levels there are, and what they are called, is only in the data."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from ..models.validation import Schema


class UnitSigner(Schema):
    authority: list[str] | str = Field(default_factory=list, description="TM./KT. …")
    title: str = Field(min_length=1)
    name: str = Field(min_length=1)
    sample: bool = Field(False, description="tên người ký là dữ liệu mẫu")

    def as_signer(self) -> dict:
        authority = [self.authority] if isinstance(self.authority, str) else list(self.authority)
        return {"authority": authority, "title": self.title, "name": self.name}


class Period(Schema):
    from_: dt.date | None = Field(None, alias="from", description="ngày có hiệu lực")
    until: dt.date | None = Field(None, description="ngày cuối cùng còn hiệu lực")

    @model_validator(mode="after")
    def _order(self) -> Period:
        if self.from_ and self.until and self.until < self.from_:
            raise ValueError("ngày hết hiệu lực (until) trước ngày có hiệu lực (from)")
        return self

    def covers(self, day: dt.date) -> bool:
        return (self.from_ is None or self.from_ <= day) and (self.until is None or day <= self.until)


class Agency(Period):
    """A body under a unit's People's Committee (e.g. the standing agency of the programme)."""

    key: str = Field(min_length=1, description="tên dùng trong loại hồ sơ, ví dụ 'thuong-truc-ntm'")
    name: str = Field(min_length=1)
    role: str = ""
    symbol: str = Field("", description="chữ viết tắt trong ký hiệu văn bản, ví dụ 'SNNMT'")
    signer: UnitSigner | None = None


class UnitRow(Period):
    code: str = Field(min_length=1, max_length=20)
    type: str = Field(min_length=1, max_length=40, description="loại đơn vị, ví dụ 'xã', 'phường', 'tỉnh'")
    name: str = Field(min_length=1, max_length=120)
    parent: str | None = Field(None, description="mã đơn vị cấp trên trực tiếp")
    predecessors: list[str] = Field(default_factory=list, description="mã các đơn vị tiền thân")
    basis: str = Field("", description="văn bản thành lập, sắp xếp")
    office: str = ""
    note: str = ""
    mark: str = Field("", description="'chưa xác minh' khi mã hoặc thông tin chưa được đối chiếu")
    signer: UnitSigner | None = None
    agencies: list[Agency] = Field(default_factory=list)


class UnitsFile(Schema):
    source: str = ""
    units: list[UnitRow] = Field(min_length=1)
