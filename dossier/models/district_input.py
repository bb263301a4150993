"""The district's dossier file (kind ``huyen-ntm``): the district asks the
province to appraise and recognise one or more communes; each commune's own
dossier file is named and built into the district's dossier."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, field_validator

from .document import Issuer, Signer
from .dossier_input import DocRef, Photo
from .validation import Schema


def unique_files(files: list[str]) -> list[str]:
    if len(set(files)) != len(files):
        raise ValueError("một hồ sơ xã được ghi hai lần")
    return files


class Appraisal(Schema):
    """How the district verified the communes (đoàn thẩm tra)."""

    decision: str = Field(description="văn bản thành lập đoàn, ví dụ 'Quyết định số 2150/QĐ-UBND ngày 21/11/2024'")
    date_from: dt.date
    date_to: dt.date
    members: list[str] = Field(min_length=1, description="các cơ quan tham gia đoàn thẩm tra")
    portal_posted: bool = Field(True, description="đã công khai trên cổng thông tin điện tử của huyện")


class DistrictDossierInput(Schema):
    kind: str = "huyen-ntm"
    issuer: Issuer
    place: str
    recipient: str = Field(description="ví dụ 'Ủy ban nhân dân tỉnh Lai Châu'")
    signer: Signer
    legal_bases: list[str] = Field(min_length=1)
    communes: list[str] = Field(min_length=1, description="tệp hồ sơ của từng xã (ho-so-….yaml)")
    documents: dict[str, DocRef] = Field(default_factory=dict)
    appraisal: Appraisal
    agencies: dict[str, str] = Field(default_factory=dict, description="tiêu chí → cơ quan thẩm tra")
    photos: list[Photo] = Field(default_factory=list)
    distribution: list[str] = Field(default_factory=lambda: ["Như trên"])
    archive: str = "VT"

    _unique = field_validator("communes")(lambda cls, files: unique_files(files))
