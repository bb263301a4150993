"""The village recognition dossier file (``ho-so-ban-….yaml``, kind ``ban-ntm``):
what a commune adds to its assessment data to ask for its villages (bản) to be
recognised as meeting the province's NTM criteria, and what the recognising
authority needs to issue the decision.

Who recognises villages is a provincial rule (ntm-domain §4.5); nothing here
assumes a district: the decision's issuer, authority line and signer are data."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from .document import Issuer, Signer
from .dossier_input import AnnexFile, DocRef, Person, Photo, _annex_items
from .validation import Schema
from pydantic import field_validator


class VillageMeeting(Schema):
    """The meeting of a village's households that asks for recognition."""

    date: dt.date
    start: str = Field("08 giờ 00", description="ví dụ '08 giờ 00'")
    end: str = Field("10 giờ 30")
    place: str | None = Field(None, description="mặc định: nhà văn hóa bản")
    chair: Person
    secretary: Person
    households_total: int = Field(ge=1, description="tổng số hộ của bản")
    households_present: int = Field(ge=1, description="số hộ dự họp")
    agree: int = Field(ge=0, description="số hộ đồng ý đề nghị công nhận")
    attendees: list[str] = Field(default_factory=list, description="thành phần dự họp khác (khách mời)")
    discussion: list[str] = Field(default_factory=list)
    number: int | None = Field(None, ge=1, description="số biên bản (để trống trước khi ký)")

    @model_validator(mode="after")
    def _counts(self) -> VillageMeeting:
        if self.households_present > self.households_total:
            raise ValueError(f"số hộ dự họp ({self.households_present}) lớn hơn tổng số hộ ({self.households_total})")
        if self.agree > self.households_present:
            raise ValueError(f"số hộ đồng ý ({self.agree}) lớn hơn số hộ dự họp ({self.households_present})")
        return self


class CommuneSide(Schema):
    """The requesting commune: its People's Committee signs the tờ trình and the report."""

    issuer: Issuer
    place: str
    signer: Signer
    recipient: str = Field(description="nơi nhận tờ trình, ví dụ 'Ủy ban nhân dân huyện Tam Đường'")
    legal_bases: list[str] = Field(min_length=1)
    distribution: list[str] = Field(default_factory=lambda: ["Như trên"])
    archive: str = "VT"


class DecisionSide(Schema):
    """The recognising authority and its decision (quyết định công nhận)."""

    issuer: Issuer
    place: str
    authority_line: str = Field(description="ví dụ 'Chủ tịch Ủy ban nhân dân huyện Tam Đường'")
    signer: Signer
    legal_bases: list[str] = Field(min_length=1)
    proposal: str | None = Field(None, description="'Theo đề nghị của …'; mặc định: Ủy ban nhân dân xã tại tờ trình")
    executors: list[str] = Field(min_length=1, description="các cơ quan, cá nhân chịu trách nhiệm thi hành (Điều cuối)")
    distribution: list[str] = Field(default_factory=lambda: ["Như Điều 3"])
    archive: str = "VT"
    symbol: str = Field("QĐ-UBND")


class VillageDossierInput(Schema):
    """``ho-so-ban-….yaml``: the commune's request to recognise its villages."""

    kind: str = Field("ban-ntm", description="loại hồ sơ (xem dossier/assemble/kinds)")
    assessment: str = Field(description="tệp đánh giá tiêu chí của xã (có các bản), đường dẫn tương đối")
    villages: list[str] = Field(default_factory=list,
                                description="các bản đề nghị công nhận; để trống: mọi bản đạt đủ tiêu chí")
    commune: CommuneSide
    decision: DecisionSide
    meetings: dict[str, VillageMeeting] = Field(default_factory=dict, description="biên bản họp của từng bản")
    documents: dict[str, DocRef] = Field(default_factory=dict,
                                         description="số, ngày của to_trinh, bao_cao_ket_qua, quyet_dinh")
    photos: list[Photo] = Field(default_factory=list)
    annexes: dict[str, list[AnnexFile]] = Field(default_factory=dict)

    _annexes = field_validator("annexes", mode="before")(_annex_items)

    @field_validator("villages")
    @classmethod
    def _unique(cls, names: list[str]) -> list[str]:
        seen = {n for n in names if names.count(n) > 1}
        if seen:
            raise ValueError(f"bản bị lặp lại: {', '.join(sorted(seen))}")
        return names
