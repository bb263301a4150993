"""Reports of assessments: plain contexts (for DOCX templates and every
writer), terminal tables, XLSX outputs and the clerks' Excel form."""

from __future__ import annotations

from .context import assessment_context, summary_context
from .export import export
from .terminal import assessment_text, summary_text

__all__ = ["assessment_context", "assessment_text", "export", "summary_context", "summary_text"]
