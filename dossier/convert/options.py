"""The PDF export options every conversion uses (writer_pdf_Export FilterData)."""

from __future__ import annotations

PDF_OPTIONS: dict[str, bool | int] = {
    "UseTaggedPDF": True,  # structure tags: measured free at this size, helps screen readers and checkers
    "EmbedStandardFonts": True,  # every font embedded (subset), never a viewer's own Times
    "ExportBookmarks": True,  # headings become PDF outlines
    "ExportNotes": False,
    "ReduceImageResolution": False,
    "Quality": 90,  # JPEG quality for photos
    "SelectPdfVersion": 0,  # plain PDF 1.6; PDF/A is the assembler's business
}
