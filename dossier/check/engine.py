"""Run every registered check over one document view.

Importing the ``checks_*`` modules registers their functions in
:mod:`.registry`; the registry itself imports none of them, and nothing here
imports the package, so ``dossier.check`` and its modules form no cycle."""

from __future__ import annotations

from .checks_body import annexes, body, decision, kinh_gui
from .checks_closing import noi_nhan, signature
from .checks_header import co_quan, date_line, quoc_hieu, size_consistency, so, tieu_ngu, type_and_subject, vv
from .checks_page import colour, fonts, margins, page_numbers, paper
from .recognise import Anatomy, recognise
from .registry import CHECKS, Context, Finding
from .report import Report
from .view import DocumentView

# the checks, in the order they run (importing them is what registers them)
REGISTERED = (kinh_gui, body, decision, annexes, signature, noi_nhan, quoc_hieu, tieu_ngu, size_consistency,
              co_quan, so, date_line, type_and_subject, vv, paper, margins, fonts, colour, page_numbers)
# what needs no reading of the words: run even when a PDF's text layer is unreadable
PAGE_LEVEL = (paper, margins, fonts, colour, page_numbers)
PARTY_NOTE = ("Văn bản của Đảng (Đảng Cộng sản Việt Nam) trình bày theo hướng dẫn riêng của Văn phòng Trung ương "
              "Đảng, không kiểm tra theo Nghị định 30/2020/NĐ-CP.")


def registered_ids() -> set[str]:
    """Every rule id some check may report."""
    return {rule for ids, _ in CHECKS for rule in ids}


def run_checks(view: DocumentView, anatomy: Anatomy) -> tuple[list[Finding], list[str]]:
    """The findings of every check, and the notes they made."""
    ctx = Context(view, anatomy)
    for _, func in CHECKS:
        if view.text_unreadable and func not in PAGE_LEVEL:
            continue  # only paper, margins, fonts and page numbers
        func(ctx)
    return ctx.findings, ctx.notes


def check_view(view: DocumentView, anatomy: Anatomy | None = None) -> Report:
    """The findings on ``view``; ``anatomy``: :func:`recognise`'s result when the caller has it."""
    if anatomy is None:
        anatomy = recognise(view) if not view.text_unreadable else Anatomy()
    if anatomy.party:
        return Report(view.path, view.source, "party", [], [PARTY_NOTE])
    findings, notes = run_checks(view, anatomy)
    notes = list(view.notes) + notes
    if view.source == "docx" and view.page_count and view.page_count > 1:
        notes.append("Số trang của tệp .docx là ước lượng; kiểm tra tệp PDF để có vị trí chính xác.")
    if view.source == "pdf":
        notes.append("Lề trang của tệp PDF được suy ra từ vị trí chữ.")
    order = {"error": 0, "warning": 1}
    findings.sort(key=lambda f: (f.page or 0, order[f.severity]))
    return Report(view.path, view.source, anatomy.kind, findings, notes, unreadable=view.text_unreadable)
