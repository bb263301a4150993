"""The result of checking one file, as Vietnamese text or JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..layout.rules import rules
from .registry import Finding

LABEL = {"error": "LỖI", "warning": "CẢNH BÁO"}


@dataclass
class Report:
    path: str
    source: str  # docx | pdf
    kind: str  # document kind key, "party" or "unknown"
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unreadable: bool = False  # the text layer could not be read: only page-level checks ran (exit 2)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))

    def rule_ids(self) -> set[str]:
        return {f.rule for f in self.findings}

    def kind_label(self) -> str:
        if self.kind == "party":
            return "văn bản của Đảng"
        if self.unreadable:
            return "lớp chữ không đọc được"
        if self.kind == "other":
            return "không thuộc các loại văn bản của Nghị định 30"
        if self.kind in rules().document_types:
            return str(rules().document_types[self.kind].label)
        return "chưa xác định"

    def as_text(self) -> str:
        lines = [f"Kiểm tra thể thức {self.path} ({self.kind_label()}) theo {rules().meta.short}:"]
        lines += [f"  {n}" for n in self.notes]
        for f in self.findings:
            where = f"trang {f.page}" if f.page else "toàn văn bản"
            pos = f" (vị trí: {f.position})" if f.position else ""
            lines.append(f"{LABEL[f.severity]}  {where}, {f.element}: tìm thấy {f.found}, quy định: {f.expected}"
                         f"{pos} [{f.rule}]")
        lines.append(f"Kết quả: {len(self.errors)} lỗi, {len(self.warnings)} cảnh báo.")
        return "\n".join(lines)

    def as_json(self) -> str:
        return json.dumps({
            "file": self.path,
            "source": self.source,
            "kind": self.kind,
            "text_unreadable": self.unreadable,
            "standard": str(rules().meta.standard),
            "notes": self.notes,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [f.as_dict() for f in self.findings],
        }, ensure_ascii=False, indent=2)
