"""The optional description of a summary (``tong-hop.yaml`` beside a folder of
commune data, or ``dossier summary --info``): the territory it covers and the
body that issues it, as data — so a province's summary after the districts
and a district's before them differ by a file, not by code.

    area: "tỉnh Lai Châu"                 # the territory, as headings write it
    issuer: {superior: "UBND TỈNH LAI CHÂU", name: ["Sở Nông nghiệp", "và Môi trường"]}
    place: "Lai Châu"                     # địa danh of the date line
    symbol: "BC-SNNMT"
    recipients: ["Ủy ban nhân dân tỉnh Lai Châu"]
    signer: {authority: ["KT. GIÁM ĐỐC"], title: "PHÓ GIÁM ĐỐC"}
"""

from __future__ import annotations

from pydantic import Field

from .document import Issuer
from .validation import Schema


class SummarySigner(Schema):
    authority: list[str] = []
    title: str = Field(min_length=1)
    name: str | None = None  # left for the signer to write when absent


class SummaryInfo(Schema):
    area: str = Field(min_length=1)
    issuer: Issuer
    place: str = Field(min_length=1)
    symbol: str = "BC"
    recipients: list[str] = []
    signer: SummarySigner
    distribution: list[str] = []
    archive: str = "VT"
