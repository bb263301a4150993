"""What building a dossier returns: light on purpose, so a batch's parent process
can receive it from a worker without importing the pipeline that built it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DOSSIER_PDF = "ho-so.pdf"


@dataclass
class DossierResult:
    output: Path
    pages: int = 0
    documents: list[Path] = field(default_factory=list)
    inputs: list[Path] = field(default_factory=list)  # everything read: for make's dependency files
    missing: list[str] = field(default_factory=list)  # draft: parts still missing
    warnings: list[str] = field(default_factory=list)  # draft: files left out, and why
