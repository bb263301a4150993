"""The plan settings file (``kind: ke-hoach-ntm``): what the communes' yearly
implementation plans need beyond the assessments — the plan year, legal bases,
which agency guides each criterion, proposed tasks, responsible bodies,
deadlines and funding per criterion (defaults for every commune, overridable
per commune), each commune's signer, the district's summary table and the
programme's village target.

Everything is optional but the year: a criterion with no data gets tasks
derived from its failing indicators (see :mod:`dossier.compose.plans`)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from .document import Issuer, Signer
from .dossier_input import DocRef
from .validation import Schema


class Task(Schema):
    text: str = Field(min_length=1, description="nội dung nhiệm vụ")
    responsible: str | None = Field(None, description="đơn vị, người chủ trì")
    coordinate: str | None = Field(None, description="đơn vị phối hợp")
    deadline: dt.date | None = None
    funding: int | None = Field(None, ge=0, description="kinh phí dự kiến (đồng)")
    source: str | None = Field(None, description="nguồn vốn")


class CriterionPlan(Schema):
    """Defaults for one criterion; a field left empty falls back to the level above."""

    tasks: list[Task] = Field(default_factory=list, description="để trống: lập từ các chỉ tiêu chưa đạt")
    responsible: str | None = None
    agency: str | None = Field(None, description="cơ quan cấp trên hướng dẫn, phối hợp (ví dụ phòng chuyên môn huyện)")
    deadline: dt.date | None = None
    funding: int | None = Field(None, ge=0, description="kinh phí dự kiến cả tiêu chí (đồng), khi nhiệm vụ không ghi")
    source: str | None = None


class CommunePlan(Schema):
    signer: Signer | None = None
    document: DocRef = DocRef()
    criteria: dict[str, CriterionPlan] = Field(default_factory=dict)


class SummaryDocument(Schema):
    """The district's table of plans (issued by whoever collects the plans)."""

    issuer: Issuer
    place: str
    signer: Signer
    recipients: list[str] = Field(default_factory=list)
    document: DocRef = DocRef()
    distribution: list[str] = Field(default_factory=lambda: ["Như trên"])
    archive: str = "VT"


class VillageTargetSpec(Schema):
    count: int = Field(ge=1, description="số bản phấn đấu đạt chuẩn")
    year: int = Field(ge=2000, le=2100)
    communes: list[str] = Field(default_factory=list, description="chỉ tính bản của các xã này (để trống: mọi xã)")
    scope: str = ""


class PlanSettings(Schema):
    kind: Literal["ke-hoach-ntm"] = "ke-hoach-ntm"
    year: int = Field(ge=2000, le=2100, description="năm của kế hoạch")
    legal_bases: list[str] = Field(default_factory=list)
    deadline: dt.date | None = Field(None, description="thời hạn mặc định; mặc định 30/11 năm kế hoạch")
    responsible: str = Field("Ủy ban nhân dân xã", description="đơn vị chủ trì mặc định ở xã")
    source: str = Field("Vốn Chương trình mục tiêu quốc gia xây dựng nông thôn mới và vốn lồng ghép",
                        description="nguồn vốn mặc định")
    report_to: str | None = Field(None, description="nơi nhận báo cáo kết quả, ví dụ Phòng Nông nghiệp và PTNT huyện")
    report_by: dt.date | None = None
    agencies: dict[str, str] = Field(default_factory=dict, description="mã tiêu chí → cơ quan phụ trách")
    criteria: dict[str, CriterionPlan] = Field(default_factory=dict)
    communes: dict[str, CommunePlan] = Field(default_factory=dict, description="theo tên xã")
    distribution: list[str] = Field(default_factory=list)
    archive: str = "VT"
    summary: SummaryDocument | None = None
    villages_target: VillageTargetSpec | None = None

    @model_validator(mode="after")
    def _deadline_in_year(self) -> PlanSettings:
        if self.deadline is not None and self.deadline.year != self.year:
            raise ValueError(f"thời hạn mặc định ({self.deadline.isoformat()}) không thuộc năm kế hoạch {self.year}")
        return self

    @property
    def default_deadline(self) -> dt.date:
        return self.deadline or dt.date(self.year, 11, 30)
