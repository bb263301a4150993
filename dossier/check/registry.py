"""The check registry: each check is a function registered with the rule ids
it may report; severities and element names come from ``decree30.yaml``.

The registry imports none of the checks it registers: :mod:`.engine` imports
the ``checks_*`` modules (which register themselves here) and runs them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from ..layout.rules import check_info, check_severity
from .recognise import Anatomy
from .view import Block, DocumentView


@dataclass
class Finding:
    rule: str
    severity: str  # error | warning
    element: str  # Vietnamese
    page: int | None
    position: str
    found: str
    expected: str
    # where on the page (x0, top, x1, bottom in mm from the top-left), when the reader knows it (PDF):
    # for marking findings on page images; not part of the JSON report
    box: tuple[float, float, float, float] | None = field(default=None, compare=False, repr=False)

    def as_dict(self) -> dict:
        out = asdict(self)
        del out["box"]
        return out


@dataclass
class Context:
    view: DocumentView
    anatomy: Anatomy
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said to the reader, not counted as findings

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def report(self, rule: str, found: str, expected: str, block: Block | None = None, *,
               page: int | None = None, position: str = "", severity: str | None = None) -> None:
        info = check_info(rule)
        box = None
        if block is not None:
            page = page if page is not None else block.page
            position = position or block.where()
            edges = (block.x0_mm, block.top_mm, block.x1_mm, block.bottom_mm)
            box = edges if None not in edges and not block.page_estimated else None
        self.findings.append(Finding(rule, severity or check_severity(rule), str(info.element), page, position,
                                     found, expected, box))


CheckFn = Callable[[Context], None]
CHECKS: list[tuple[tuple[str, ...], CheckFn]] = []


def check(*rule_ids: str) -> Callable[[CheckFn], CheckFn]:
    """Register a check function that may report the given rule ids."""
    for rule_id in rule_ids:
        check_info(rule_id)  # fails at import when the YAML lacks the id

    def register(func: CheckFn) -> CheckFn:
        CHECKS.append((rule_ids, func))
        return func

    return register
