"""What a fix did: the changes made and the findings left to a person, in
Vietnamese; and the context every fixer works in."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from ..docx_styles import StyleSheet
from ..recognise import Anatomy
from ..report import Report
from ..view import Block, DocumentView
from .docxml import body_paragraphs, map_blocks, text_runs


@dataclass
class Change:
    rule: str  # the checker rule the change answers
    element: str  # Vietnamese element label
    what: str  # Vietnamese: what changed, old → new
    how: str = ""  # Vietnamese: in which style, or direct formatting
    where: str = ""  # Vietnamese position (as the checker gives it)

    def as_text(self) -> str:
        how = f" ({self.how})" if self.how else ""
        where = f" [{self.where}]" if self.where else ""
        return f"ĐÃ SỬA  {self.element}: {self.what}{how}{where}"


@dataclass
class Refusal:
    rule: str
    element: str
    found: str
    reason: str  # Vietnamese: why a person must do it

    def as_text(self) -> str:
        return f"KHÔNG TỰ SỬA  {self.element}: {self.found}. Lý do: {self.reason} [{self.rule}]"


@dataclass
class TextEdit:
    """A change to the words of a line (date zeros, motto dashes): old and new line."""

    old: str
    new: str


@dataclass
class FixReport:
    source: str
    output: str
    changes: list[Change] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    text_edits: list[TextEdit] = field(default_factory=list)
    before: Report | None = None
    after: Report | None = None
    new_rules: list[str] = field(default_factory=list)  # rule ids found after but not before

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def as_text(self) -> str:
        lines = [f"Sửa thể thức {self.source} → {self.output}:"]
        lines += [c.as_text() for c in self.changes] or ["  Không có lỗi nào sửa tự động được."]
        lines += [r.as_text() for r in self.refusals]
        if self.before is not None and self.after is not None:
            lines.append(f"Trước khi sửa: {len(self.before.errors)} lỗi, {len(self.before.warnings)} cảnh báo; "
                         f"sau khi sửa: {len(self.after.errors)} lỗi, {len(self.after.warnings)} cảnh báo.")
        if self.new_rules:
            lines.append("Chú ý: sau khi sửa, bộ kiểm tra báo thêm: " + ", ".join(self.new_rules)
                         + ". Hãy mở tệp kiểm tra lại.")
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "output": self.output,
            "changes": [asdict(c) for c in self.changes],
            "refusals": [asdict(r) for r in self.refusals],
            "text_edits": [asdict(t) for t in self.text_edits],
            "before": {"errors": len(self.before.errors), "warnings": len(self.before.warnings)} if self.before else None,
            "after": {"errors": len(self.after.errors), "warnings": len(self.after.warnings)} if self.after else None,
            "remaining": [f.as_dict() for f in self.after.findings] if self.after else [],
            "new_rules": self.new_rules,
        }

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)


class FixContext:
    """The document being fixed, how the checker read it, and the record."""

    def __init__(self, doc, view: DocumentView, anatomy: Anatomy, report: FixReport) -> None:
        self.doc = doc
        self.view = view
        self.anatomy = anatomy
        self.report = report
        self.paragraphs = body_paragraphs(doc.element.body)
        self.block_p = map_blocks(view.blocks, self.paragraphs)

    def paragraphs_of(self, blocks: list[Block | None]) -> list:
        out = []
        for b in blocks:
            if b is None:
                continue
            p = self.block_p.get(b.index)
            if p is not None and all(p is not q for q in out):
                out.append(p)
        return out

    def change(self, rule: str, element: str, what: str, how: str = "", block: Block | None = None) -> None:
        self.report.changes.append(Change(rule, element, what, how, block.where() if block is not None else ""))

    def refuse(self, rule: str, element: str, found: str, reason: str) -> None:
        if not any(r.rule == rule and r.found == found for r in self.report.refusals):
            self.report.refusals.append(Refusal(rule, element, found, reason))

    def current_sizes(self) -> dict[str, float] | None:
        """Sizes of Quốc hiệu, Tiêu ngữ and date as the document now stands."""
        sheet = StyleSheet(self.doc)
        out = {}
        for key, block in (("quoc_hieu", self.anatomy.quoc_hieu), ("tieu_ngu", self.anatomy.tieu_ngu),
                           ("dia_danh_thoi_gian", self.anatomy.date)):
            paras = self.paragraphs_of([block])
            if not paras:
                return None
            weights: dict[float, int] = {}
            for r in text_runs(paras[0]):
                size = sheet.size(sheet.run_rprs(r, paras[0]))
                if size is not None:
                    text = "".join(t.text or "" for t in r.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"))
                    weights[size] = weights.get(size, 0) + len(text.strip())
            if not weights:
                return None
            out[key] = max(weights, key=weights.get)
        return out
