"""Letters from a spreadsheet (mail merge): one document per row of an Excel
or CSV list, named from the row, as DOCX and/or PDF, plus one combined PDF.

Public API::

    from dossier.merge import run_merge, MergeReport
    report = run_merge("cong-van", "danh-sach.xlsx", "ket-qua/", combined=True)
    report.made, report.refused, report.exit_code

Modules: ``table`` (reading the list), ``rows`` (a row → a document's data),
``names`` (file names), ``run`` (the merge), ``combined`` (the combined PDF).
"""

from __future__ import annotations

from ..lazy import lazy_names

_WHERE = {"run_merge": "run", "MergeReport": "run", "MadeRow": "run", "RefusedRow": "run",
          "REPORT_JSON": "run", "REPORT_TEXT": "run", "read_table": "table", "Table": "table"}

__all__ = sorted(_WHERE)
__getattr__ = lazy_names(__name__, _WHERE)
