"""The official-document schema (công văn, tờ trình, báo cáo, kế hoạch…) and
the view that DOCX templates receive.

Data is validated here, once; templates get a plain dict (``DocumentView``)
with the punctuation rules of Decree 30 left to the template and the
numbering of sections computed here.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from .validation import Schema

# Document kinds: type name (box 5a) and the abbreviation in the symbol (Decree 30, Appendix III).
KINDS: dict[str, tuple[str | None, str | None]] = {
    "cong-van": (None, None),
    "to-trinh": ("Tờ trình", "TTr"),
    "bao-cao": ("Báo cáo", "BC"),
    "ke-hoach": ("Kế hoạch", "KH"),
    "thong-bao": ("Thông báo", "TB"),
    "quyet-dinh": ("Quyết định", "QĐ"),
    "bien-ban": ("Biên bản", "BB"),
}
AUTHORITY_PREFIXES = ("TM.", "KT.", "TL.", "TUQ.", "Q.")
ACADEMIC_TITLES = re.compile(r"^(TS|ThS|PGS|GS|KS|BS|CN|Th\.S|PGS\.TS|GS\.TS)\.?\s", re.IGNORECASE)
SYMBOL = re.compile(r"^[A-Za-zĐđ0-9]+(-[A-Za-zĐđ0-9]+)+$")
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]
POINT_LETTERS = "abcdđeghiklmnopqrstuvxy"  # Vietnamese alphabet for điểm a), b)…


def _lines(value: Any) -> Any:
    if isinstance(value, str):
        return [line.strip() for line in value.split("\n") if line.strip()]
    return value


LEGAL_BASIS_OPENINGS = ("Căn cứ", "Theo", "Xét", "Thực hiện")


def _legal_basis(text: str) -> str:
    """'Luật Tổ chức chính quyền địa phương…' → 'Căn cứ Luật Tổ chức chính quyền địa phương…'."""
    text = _strip_end_punct(text)
    return text if text.startswith(LEGAL_BASIS_OPENINGS) else f"Căn cứ {text}"


def _strip_end_punct(text: str) -> str:
    """Templates add the ';' / '.' a list item ends with; data gives bare text."""
    return re.sub(r"\s*[;.,]+\s*$", "", text.strip()) if not text.rstrip().endswith("./.") else text.strip()


class Issuer(Schema):
    superior: str | None = Field(None, description="cơ quan chủ quản trực tiếp (nếu có)")
    name: list[str] = Field(min_length=1, description="tên cơ quan ban hành, mỗi dòng một phần tử")

    _split = field_validator("name", mode="before")(_lines)


class Signer(Schema):
    authority: list[str] = Field(default_factory=list, description="TM./KT./TL./TUQ./Q. …")
    title: str = Field(min_length=1)
    name: str = Field(min_length=1)

    _split = field_validator("authority", mode="before")(_lines)

    @field_validator("authority")
    @classmethod
    def _prefix(cls, lines: list[str]) -> list[str]:
        for line in lines:
            if not line.upper().startswith(AUTHORITY_PREFIXES):
                raise ValueError(
                    f"thẩm quyền ký '{line}' phải bắt đầu bằng một trong {', '.join(AUTHORITY_PREFIXES)} "
                    "(ví dụ 'KT. CHỦ TỊCH'); chức vụ người ký ghi ở trường title"
                )
        return lines

    @field_validator("name")
    @classmethod
    def _no_titles(cls, name: str) -> str:
        if ACADEMIC_TITLES.match(name):
            raise ValueError(f"không ghi học hàm, học vị trước tên người ký (nhận được '{name}')")
        return name


class Article(Schema):
    """One article (Điều) of a decision: its text and optional clauses (khoản)."""

    text: str = Field(min_length=1)
    clauses: list[str] = Field(default_factory=list)


class Signature(Schema):
    """A plain signature (biên bản: the secretary and the chair)."""

    title: str = Field(min_length=1, description="ví dụ 'Thư ký', 'Chủ trì'")
    name: str = Field(min_length=1)


class OfficialDocument(Schema):
    """One Decree 30 document. Keys are English; values are the document's Vietnamese text."""

    kind: Literal["cong-van", "to-trinh", "bao-cao", "ke-hoach", "thong-bao", "quyet-dinh", "bien-ban"] = "cong-van"
    issuer: Issuer
    number: int | None = Field(None, ge=1, le=999999, description="để trống trước khi ký")
    symbol: str = Field(min_length=3, description="ví dụ UBND-NN hoặc TTr-UBND")
    place: str = Field(min_length=1)
    date: dt.date | None = Field(None, description="để trống trước khi ký")
    year: int | None = Field(None, ge=1945, le=2100)
    subject: str = Field(min_length=1)
    recipients: list[str] = Field(default_factory=list)
    legal_bases: list[str] = Field(default_factory=list)
    body: list[Any] = Field(default_factory=list)
    authority_line: str | None = Field(None, description="quyết định: dòng thẩm quyền ban hành")
    proposal: str | None = Field(None, description="quyết định: 'Theo đề nghị của …'")
    articles: list[Article] = Field(default_factory=list, description="quyết định: các Điều")
    annex: dict[str, Any] | None = Field(None, description="phụ lục: heading, title, reference, table")
    secretary: Signature | None = Field(None, description="biên bản: thư ký")
    chair: Signature | None = Field(None, description="biên bản: chủ trì")
    end_mark: bool = True
    signer: Signer
    distribution: list[str] | None = Field(default_factory=list)
    archive: str = "VT"
    extra: dict[str, Any] = Field(default_factory=dict, description="dữ liệu thêm cho mẫu riêng")

    @field_validator("symbol")
    @classmethod
    def _symbol(cls, value: str) -> str:
        if not SYMBOL.match(value):
            raise ValueError(
                f"ký hiệu '{value}' không đúng dạng: các nhóm chữ viết tắt nối bằng dấu '-', không có khoảng trắng "
                "(ví dụ UBND-NN, TTr-UBND)"
            )
        return value

    @field_validator("body")
    @classmethod
    def _body(cls, blocks: list[Any]) -> list[Any]:
        _check_blocks(blocks, "body")
        return blocks

    @model_validator(mode="after")
    def _dates(self) -> OfficialDocument:
        if self.date is None and self.year is None:
            raise ValueError("cần 'date' (ngày ban hành) hoặc, nếu chưa ký, 'year' (năm) để ghi 'ngày … tháng … năm …'")
        if self.date is not None and self.year is not None and self.date.year != self.year:
            raise ValueError(f"'year' ({self.year}) khác năm của 'date' ({self.date.isoformat()})")
        if self.kind == "quyet-dinh":
            if not self.articles or not self.authority_line or not self.legal_bases:
                raise ValueError("quyết định cần 'authority_line' (thẩm quyền ban hành), 'legal_bases' (căn cứ) và 'articles' (các Điều)")
        elif self.kind == "bien-ban" and not (self.secretary and self.chair):
            raise ValueError("biên bản cần 'secretary' (thư ký) và 'chair' (chủ trì) để ký")
        elif not self.body:
            raise ValueError("cần 'body' (nội dung văn bản)")
        abbr = KINDS[self.kind][1]
        if abbr and not self.symbol.startswith(abbr + "-"):
            raise ValueError(f"ký hiệu của {KINDS[self.kind][0].lower()} phải bắt đầu bằng '{abbr}-' (nhận được '{self.symbol}')")
        return self


_BLOCK_KEYS = {"text", "heading", "part", "bullet", "bullets"}


def _check_blocks(blocks: Any, where: str) -> None:
    if not isinstance(blocks, list):
        raise ValueError(f"{where}: cần một danh sách đoạn văn")
    for i, block in enumerate(blocks, 1):
        here = f"{where}[{i}]"
        if isinstance(block, str):
            continue
        if not isinstance(block, dict):
            raise ValueError(f"{here}: mỗi mục là một đoạn văn (chuỗi) hoặc một bảng có khóa {sorted(_BLOCK_KEYS)}")
        keys = set(block) & _BLOCK_KEYS
        unknown = set(block) - _BLOCK_KEYS - {"content"}
        if len(keys) != 1 or unknown:
            raise ValueError(f"{here}: cần đúng một khóa trong {sorted(_BLOCK_KEYS)} (và 'content' nếu có), nhận được {sorted(block)}")
        key = keys.pop()
        if key == "bullets":
            if not isinstance(block["bullets"], list) or not all(isinstance(b, str) for b in block["bullets"]):
                raise ValueError(f"{here}.bullets: cần một danh sách chuỗi")
        elif not isinstance(block[key], str):
            raise ValueError(f"{here}.{key}: cần một chuỗi văn bản")
        if "content" in block:
            _check_blocks(block["content"], f"{here}.content")


def flatten_body(blocks: list[Any], end_mark: bool) -> list[dict[str, str]]:
    """Turn nested blocks into paragraphs with kinds and computed numbering:
    parts I., II.; headings 1., 2. (restarting in each part and each heading);
    headings inside a heading a), b)."""
    out: list[dict[str, str]] = []

    def walk(items: list[Any], depth: int) -> None:
        counters = {"part": 0, "heading": 0}
        for block in items:
            if isinstance(block, str):
                out.append({"kind": "text", "text": block})
                continue
            if "text" in block:
                out.append({"kind": "text", "text": block["text"]})
            elif "bullet" in block:
                out.append({"kind": "bullet", "text": "- " + block["bullet"].lstrip("-–• ").strip()})
            elif "bullets" in block:
                out.extend({"kind": "bullet", "text": "- " + b.lstrip("-–• ").strip()} for b in block["bullets"])
            elif "part" in block:
                counters["part"] += 1
                counters["heading"] = 0
                out.append({"kind": "part", "text": f"{ROMAN[counters['part'] - 1]}. {block['part'].upper()}"})
            elif "heading" in block:
                counters["heading"] += 1
                n = counters["heading"]
                label = f"{n}." if depth == 0 else f"{POINT_LETTERS[(n - 1) % len(POINT_LETTERS)]})"
                out.append({"kind": "heading", "text": f"{label} {block['heading']}"})
            if isinstance(block, dict) and "content" in block:
                walk(block["content"], depth + (1 if "heading" in block else 0))

    walk(blocks, 0)
    if end_mark and out and not out[-1]["text"].rstrip().endswith("./."):
        last = out[-1]
        last["text"] = re.sub(r"[.;,]?\s*$", "", last["text"]) + "./."
    return out


def _signature(sig: Signature | None) -> dict[str, Any] | None:
    return {"lines": [sig.title], "name": sig.name} if sig else None


def document_view(doc: OfficialDocument) -> dict[str, Any]:
    """The context every bundled DOCX template receives."""
    type_name, _ = KINDS[doc.kind]
    return {
        "kind": doc.kind,
        "type_name": type_name or "",
        "issuer": {"superior": doc.issuer.superior, "name": doc.issuer.name},
        "number": doc.number,
        "symbol": doc.symbol,
        "place": doc.place,
        "date": doc.date,
        "year": doc.year or (doc.date.year if doc.date else None),
        "subject": doc.subject,
        "recipients": [_strip_end_punct(r) for r in doc.recipients],
        "legal_bases": [_legal_basis(c) for c in doc.legal_bases],
        "body": flatten_body(doc.body, doc.end_mark),
        "signer": {
            "authority": doc.signer.authority,
            "title": doc.signer.title,
            "name": doc.signer.name,
            "lines": [*doc.signer.authority, doc.signer.title],
        },
        "distribution": None if doc.distribution is None else [_strip_end_punct(d) for d in doc.distribution],
        "archive": doc.archive.strip().removeprefix("Lưu:").strip(),
        "authority_line": doc.authority_line or "",
        "proposal": _strip_end_punct(doc.proposal) if doc.proposal else "",
        "articles": [
            {"label": f"Điều {i}.", "text": a.text, "clauses": [f"{j}. {c}" for j, c in enumerate(a.clauses, 1)]}
            for i, a in enumerate(doc.articles, 1)
        ],
        "annex": doc.annex,
        "secretary": _signature(doc.secretary),
        "chair": _signature(doc.chair),
        "extra": doc.extra,
    }
