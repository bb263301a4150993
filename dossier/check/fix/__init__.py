"""`dossier check --fix`: repair what is mechanical in a DOCX.

:func:`fix_docx` checks the file, fixes what the findings ask for when the fix
is certain (paper, margins, font, sizes and bold/italic per element, the
date's leading zeros, the motto's hyphens, the rules under the header lines,
Nơi nhận sizes, page numbers from page 2), writes the result atomically, checks
it again and returns a :class:`FixReport` listing each change and each
finding left to a person, with the reason, in Vietnamese. The words of the
content are never changed.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import input_error
from ...files import atomic_path
from ..docx_reader import open_docx
from .model import Change, FixReport, Refusal, TextEdit

__all__ = ["Change", "FixReport", "Refusal", "TextEdit", "fix_docx"]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and a.samefile(b))
    except OSError:
        return False


def fix_docx(in_path, out_path=None, *, in_place: bool = False) -> FixReport:
    """Fix ``in_path`` (a .docx) into ``out_path``; ``in_place=True`` (and no
    ``out_path``) rewrites ``in_path`` itself. Raises DossierError (exit 2) for
    a PDF, a missing file, a damaged DOCX, or an output that would silently
    overwrite the input."""
    from .. import check_view, read
    from ..recognise import recognise
    from .plan import run_fixes

    in_path = Path(in_path)
    if not in_path.exists():
        raise input_error(f"Không tìm thấy tệp {in_path}.")
    suffix = in_path.suffix.lower()
    if suffix == ".pdf":
        raise input_error(
            f"Không sửa được tệp PDF {in_path.name}: --fix chỉ sửa tệp Word (.docx).",
            hint="Sửa tệp .docx gốc (bản Word) rồi xuất lại PDF; tệp PDF chỉ kiểm tra được, không sửa được.",
        )
    if suffix != ".docx":
        raise input_error(f"Không sửa được tệp {in_path.name}: --fix chỉ nhận tệp .docx.",
                          hint="Với tệp .doc hoặc .odt, mở bằng Word/LibreOffice rồi lưu thành .docx.")
    if out_path is None:
        if not in_place:
            raise input_error("Cần ghi rõ tệp kết quả: -o TỆP_MỚI.docx (hoặc --in-place để ghi đè tệp gốc).")
        out_path = in_path
    out_path = Path(out_path)
    if out_path.suffix.lower() != ".docx":
        raise input_error(f"Tệp kết quả {out_path.name} phải có đuôi .docx.")
    if _same_file(in_path, out_path) and not in_place:
        raise input_error(f"Tệp kết quả {out_path} trùng tệp gốc: không ghi đè tệp gốc.",
                          hint="Chọn tên khác cho -o, hoặc dùng --in-place nếu thật sự muốn ghi đè.")
    view = read(in_path)  # a .docx: its text is always readable
    anatomy = recognise(view)
    before = check_view(view, anatomy)
    doc = open_docx(in_path)
    report = FixReport(str(in_path), str(out_path), before=before)
    run_fixes(doc, view, anatomy, report)
    with atomic_path(out_path) as tmp:
        doc.save(str(tmp))
    after = check_view(read(out_path))
    after.path = str(out_path)
    report.after = after
    counts_before: dict[str, int] = {}
    for f in before.findings:
        counts_before[f.rule] = counts_before.get(f.rule, 0) + 1
    counts_after: dict[str, int] = {}
    for f in after.findings:
        counts_after[f.rule] = counts_after.get(f.rule, 0) + 1
    report.new_rules = sorted(r for r, n in counts_after.items() if n > counts_before.get(r, 0))
    return report
