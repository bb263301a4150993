"""The province's recognition file (kind ``tinh-ntm``, two-level government):
the standing agency appraises the communes' dossiers (báo cáo thẩm định),
the province's appraisal council votes, and the provincial chairman decides
(quyết định công nhận). Issuers, places and signers come from the unit data
(``unit``: the province's code) unless given here."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, field_validator, model_validator

from .district_input import unique_files
from .document import Signer
from .dossier_input import DocRef, Photo
from .validation import Schema


class Council(Schema):
    """The province's appraisal council (Hội đồng thẩm định) and its vote."""

    decision: str = Field(description="văn bản thành lập Hội đồng, ví dụ 'Quyết định số 15/QĐ-UBND ngày 05/01/2026'")
    chair: str = Field(description="ví dụ 'Phó Chủ tịch Ủy ban nhân dân tỉnh'")
    date: dt.date = Field(description="ngày họp Hội đồng")
    present: int = Field(ge=1)
    total: int = Field(ge=1)
    agree: int = Field(ge=0)

    @model_validator(mode="after")
    def _counts(self) -> Council:
        if self.present > self.total or self.agree > self.present:
            raise ValueError("số thành viên dự họp / đồng ý không hợp lệ")
        return self


class FieldCheck(Schema):
    """The field survey (kiểm tra thực tế) of the standing agency's working group."""

    date_from: dt.date
    date_to: dt.date
    members: list[str] = Field(min_length=1, description="các sở, ngành tham gia")


class ProvinceDossierInput(Schema):
    kind: str = "tinh-ntm"
    unit: str = Field(description="mã đơn vị hành chính của tỉnh (dossier/units)")
    communes: list[str] = Field(min_length=1, description="tệp hồ sơ của từng xã (ho-so-….yaml)")
    legal_bases: list[str] = Field(min_length=1, description="căn cứ của quyết định công nhận")
    documents: dict[str, DocRef] = Field(default_factory=dict)
    council: Council
    field_check: FieldCheck
    agencies: dict[str, str] = Field(default_factory=dict, description="tiêu chí → sở, ngành thẩm định")
    signers: dict[str, Signer] = Field(default_factory=dict, description="thành phần → người ký (nếu khác dữ liệu đơn vị)")
    distribution: dict[str, list[str]] = Field(default_factory=dict, description="thành phần → nơi nhận")
    executors: list[str] = Field(min_length=1, description="các cơ quan thi hành quyết định")
    photos: list[Photo] = Field(default_factory=list)
    archive: str = "VT"

    _unique = field_validator("communes")(lambda cls, files: unique_files(files))
