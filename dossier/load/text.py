"""Repairing text as it comes in: legacy-encoded Vietnamese (TCVN3, VNI) typed in
old fonts is converted to Unicode NFC, and the conversion is reported as a
warning naming the place. Shared by the Excel form reader (:mod:`.xlsx`) and
the assessment checker (:mod:`dossier.criteria.assessment`)."""

from __future__ import annotations

from ..errors import Problem
from ..vntext import fix_legacy

LEGACY_NAMES = {"tcvn3": "TCVN3 (.VnTime)", "vni": "VNI"}


def fix_text(text: str, where: str, warnings: list[Problem]) -> str:
    """``text`` in Unicode NFC; a legacy encoding found is converted and appended to ``warnings``."""
    fixed, encoding = fix_legacy(text)
    if encoding:
        warnings.append(Problem(where, f"văn bản mã {LEGACY_NAMES.get(encoding, encoding)} đã được chuyển sang "
                                       f"Unicode: “{fixed[:60]}”"))
    return fixed
