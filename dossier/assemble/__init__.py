"""Dossier assembly: kinds (which parts, in which order), preflight of the
sources, cover and contents, merge, bookmarks, page-number and draft stamps,
de-duplication, metadata and manifest.

Public API::

    from dossier.assemble import assemble_dossier, DossierSpec, Cover, Source
    from dossier.assemble import load_kind, available_kinds, page_number_convention
"""

from .build import AssemblyResult, PartResult, assemble_dossier
from .kinds import DossierKind, PartDef, available_kinds, load_kind
from .lock import output_lock
from .spec import Cover, DossierSpec, Source
from .stamp import page_number_convention

__all__ = [
    "AssemblyResult", "Cover", "DossierKind", "DossierSpec", "PartDef", "PartResult", "Source",
    "assemble_dossier", "available_kinds", "load_kind", "output_lock", "page_number_convention",
]
