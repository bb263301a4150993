"""Dossier assembly: kinds (which parts, in which order), preflight of the
sources, cover and contents, merge, bookmarks, page-number and draft stamps,
de-duplication, metadata and manifest.

Public API::

    from dossier.assemble import assemble_dossier, DossierSpec, Cover, Source
    from dossier.assemble import load_kind, available_kinds, page_number_convention

The names are imported on first use, so the annex probe's child process
(``python -m dossier.assemble.probe``) starts without the whole assembler.
"""

from __future__ import annotations

from ..lazy import lazy_names

_WHERE = {
    "AssemblyResult": "build", "PartResult": "build", "assemble_dossier": "build",
    "DossierKind": "kinds", "PartDef": "kinds", "available_kinds": "kinds", "load_kind": "kinds",
    "output_lock": "lock",
    "Cover": "spec", "DossierSpec": "spec", "Source": "spec",
    "page_number_convention": "stamp",
}

__all__ = sorted(_WHERE)
__getattr__ = lazy_names(__name__, _WHERE)
