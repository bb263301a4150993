"""Steps every dossier pipeline shares: render the composed documents into the
staging folder, and gather the assembler's sources part by part."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..compose.commune import Composed
from ..paths import TEMPLATES_DIR
from ..render.docx import render_docx
from ..signals import checkpoint


def render_documents(documents: list[Composed], names: list[str], stage: Path,
                     say: Callable[[str], None]) -> list[tuple[Path, Path]]:
    """Write each document as ``stage/<name>.docx``; return the (docx, pdf) pairs to convert."""
    pairs = []
    for doc, name in zip(documents, names, strict=True):
        checkpoint()
        say(f"soạn {name}.docx")
        docx = stage / f"{name}.docx"
        render_docx(TEMPLATES_DIR / f"{doc.template}.docx", doc.view, docx, title=doc.title,
                    author=" ".join(doc.document.issuer.name), date=doc.document.date)
        pairs.append((docx, docx.with_suffix(".pdf")))
    return pairs


def gather_sources(documents: list[Composed], pairs: list[tuple[Path, Path]],
                   annexes: dict[str, list[tuple[Path, str | None]]], photos: list[tuple[Path, str]],
                   photo_part: str) -> dict[str, list]:
    """Part key → sources in order: the document(s), then the annexes named in the data, then photos."""
    from ..assemble import Source

    sources: dict[str, list] = {}
    for doc, (_docx, pdf) in zip(documents, pairs, strict=True):
        sources.setdefault(doc.key, []).append(Source(pdf, doc.title))
    for part, items in annexes.items():
        sources.setdefault(part, []).extend(Source(p, t) for p, t in items)
    if photos:
        sources.setdefault(photo_part, []).extend(Source(p, c) for p, c in photos)
    return sources


def template_inputs(documents: list[Composed]) -> list[Path]:
    return list(dict.fromkeys(TEMPLATES_DIR / f"{d.template}.docx" for d in documents))
