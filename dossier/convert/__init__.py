"""DOCX → PDF through a warm, supervised, headless LibreOffice.

* :func:`to_pdf` — one document; raises a build error naming it on failure.
* :class:`Converter` — many documents with ``workers`` warm LibreOffice
  processes; one :class:`ConversionResult` per document, never raising for one
  bad document.
* :func:`find_soffice` — the LibreOffice binary, or a Vietnamese error saying
  how to install it.

Every LibreOffice runs with a private profile and the project's fonts
(``dossier.fonts``); outputs are reproducible (``.normalize``) and atomic.

The names are imported on first use: a command that only asks whether
resident servers are on (``.resident``) does not load pikepdf for ``.normalize``.
"""

from __future__ import annotations

from ..lazy import lazy_names

_WHERE = {"ConversionResult": "converter", "Converter": "converter", "conversion_error": "converter",
          "to_pdf": "converter", "find_soffice": "soffice"}

__all__ = sorted(_WHERE)
__getattr__ = lazy_names(__name__, _WHERE)
