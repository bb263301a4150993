"""The dossier file: what a commune adds to its assessment data to build the
recognition dossier — document numbers and dates, signers, the meeting, the
consultation, construction debts, photos and scanned annexes."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, field_validator, model_validator

from .document import Issuer, Signer
from .validation import Schema


class DocRef(Schema):
    number: int | None = Field(None, ge=1, description="để trống trước khi ký")
    date: dt.date | None = None


class Person(Schema):
    name: str = Field(min_length=1)
    title: str = Field(min_length=1, description="chức vụ, ví dụ 'Chủ tịch UBND xã'")


class Meeting(Schema):
    date: dt.date
    start: str = Field(description="ví dụ '08 giờ 00'")
    end: str
    place: str
    chair: Person
    secretary: Person
    present: int = Field(ge=1)
    total: int = Field(ge=1)
    agree: int = Field(ge=0)
    attendees: list[str] = Field(min_length=1, description="thành phần dự họp")
    discussion: list[str] = Field(default_factory=list, description="ý kiến thảo luận")

    @model_validator(mode="after")
    def _counts(self) -> Meeting:
        if self.present > self.total:
            raise ValueError(f"số người dự họp ({self.present}) lớn hơn tổng số thành viên ({self.total})")
        if self.agree > self.present:
            raise ValueError(f"số người đồng ý ({self.agree}) lớn hơn số người dự họp ({self.present})")
        return self


class OrganisationOpinion(Schema):
    name: str
    document: str | None = Field(None, description="văn bản góp ý, ví dụ 'Văn bản số 12/MTTQ-BTT ngày 10/11/2024'")
    agrees: bool = True
    suggestions: list[str] = Field(default_factory=list)


class Survey(Schema):
    households_asked: int = Field(ge=1)
    households_satisfied: int = Field(ge=0)

    @model_validator(mode="after")
    def _counts(self) -> Survey:
        if self.households_satisfied > self.households_asked:
            raise ValueError("số hộ hài lòng lớn hơn số hộ được lấy ý kiến")
        return self


class Consultation(Schema):
    posted_from: dt.date
    posted_to: dt.date
    broadcasts: int = Field(ge=0, description="số lần thông báo trên hệ thống truyền thanh")
    places: list[str] = Field(min_length=1)
    organisations: list[OrganisationOpinion] = Field(min_length=1)
    people_opinions: int = Field(0, ge=0)
    people_summary: list[str] = Field(default_factory=list)
    survey: Survey

    @model_validator(mode="after")
    def _period(self) -> Consultation:
        if self.posted_to < self.posted_from:
            raise ValueError("ngày kết thúc công khai trước ngày bắt đầu")
        return self


class Project(Schema):
    name: str
    investor: str
    years: str = Field(description="năm khởi công - hoàn thành, ví dụ '2022-2023'")
    total: int = Field(ge=0, description="tổng mức đầu tư (đồng)")
    completed: int = Field(ge=0, description="giá trị khối lượng hoàn thành (đồng)")
    paid: int = Field(ge=0, description="vốn đã bố trí, giải ngân (đồng)")
    note: str = ""

    @property
    def owed(self) -> int:
        return max(self.completed - self.paid, 0)


class Debts(Schema):
    as_of: dt.date
    projects: list[Project] = Field(default_factory=list)


class FundingSource(Schema):
    source: str
    amount: int = Field(ge=0, description="đồng")


class Photo(Schema):
    file: str
    caption: str


class AnnexFile(Schema):
    file: str
    title: str | None = Field(None, description="tên hiện trong mục lục; mặc định lấy từ tên tệp")


def _annex_items(value: object) -> object:
    if isinstance(value, dict):
        return {k: [{"file": v} if isinstance(v, str) else v for v in (items or [])] if isinstance(items, list) else items
                for k, items in value.items()}
    return value


class CommuneDossierInput(Schema):
    """``ho-so.yaml``: the commune's recognition dossier."""

    kind: str = Field("xa-ntm", description="loại hồ sơ (xem dossier/assemble/kinds)")
    assessment: str = Field(description="tệp đánh giá tiêu chí của xã (YAML hoặc Excel), đường dẫn tương đối")
    issuer: Issuer
    place: str
    recipient: str = Field(description="cơ quan nhận hồ sơ, ví dụ 'Ủy ban nhân dân huyện Tam Đường'")
    through: str | None = Field(None, description="cơ quan tiếp nhận hồ sơ (cơ quan thường trực), nếu có")
    unit: str | None = Field(None, description="mã đơn vị hành chính (dossier/units): lấy cơ quan ban hành, "
                                               "địa danh, nơi nhận và người ký từ dữ liệu đơn vị")
    signer: Signer
    legal_bases: list[str] = Field(min_length=1)
    documents: dict[str, DocRef] = Field(default_factory=dict)
    funding: list[FundingSource] = Field(default_factory=list)
    highlights: list[str] = Field(default_factory=list, description="kết quả nổi bật, mô hình điển hình")
    meeting: Meeting
    consultation: Consultation
    debts: Debts
    photos: list[Photo] = Field(default_factory=list)
    annexes: dict[str, list[AnnexFile]] = Field(default_factory=dict, description="tệp đính kèm theo từng phần hồ sơ")
    distribution: list[str] = Field(default_factory=lambda: ["Như trên"])
    archive: str = "VT"

    _annexes = field_validator("annexes", mode="before")(_annex_items)
