"""DOCX → PDF through a warm, supervised, headless LibreOffice.

* :func:`to_pdf` — one document; raises a build error naming it on failure.
* :class:`Converter` — many documents with ``workers`` warm LibreOffice
  processes; one :class:`ConversionResult` per document, never raising for one
  bad document.
* :func:`find_soffice` — the LibreOffice binary, or a Vietnamese error saying
  how to install it.

Every LibreOffice runs with a private profile and the project's fonts
(``dossier.fonts``); outputs are reproducible (``.normalize``) and atomic.
"""

from .converter import ConversionResult, Converter, conversion_error, to_pdf
from .soffice import find_soffice

__all__ = ["ConversionResult", "Converter", "conversion_error", "find_soffice", "to_pdf"]
