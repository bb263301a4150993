"""Reusing a dossier already built in the same run.

The district's dossier nests each commune's dossier, built exactly as that
commune's own dossier (the bytes are the same: nothing in a dossier folder
depends on where it is written). When a batch has just built a commune's
dossier, the district's build copies that folder instead of filling,
converting and assembling it a second time.

A copy is taken only when it is provably the same build: same dossier file,
same draft flag, and every input file (data, annexes, photos, templates)
still has the content it had when the folder was built (a fingerprint of
their bytes); the folder's ``ho-so.pdf`` must still match its manifest.
Anything else, and the nested dossier is built again, as without reuse.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from .result import DOSSIER_PDF, DossierResult

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Built:
    """A dossier built in this run: where, from what, and the fingerprint of its inputs."""

    data_file: Path  # resolved
    draft: bool
    result: DossierResult
    fingerprint: str


def fingerprint(inputs: Iterable[Path], *, draft: bool) -> str:
    """sha256 over the draft flag and the name and bytes of every input (a missing one counts too)."""
    digest = hashlib.sha256(f"draft={draft}\n".encode())
    for path in sorted({Path(p).resolve() for p in inputs}):
        digest.update(f"{path}\n".encode())
        try:
            with open(path, "rb") as fh:
                digest.update(hashlib.file_digest(fh, "sha256").digest())
        except OSError:
            digest.update(b"missing")
    return digest.hexdigest()


def record(data_file: Path, result: DossierResult, *, draft: bool) -> Built:
    return Built(Path(data_file).resolve(), draft, result, fingerprint(result.inputs, draft=draft))


def _published(built: Built) -> list[Path] | None:
    """The files of the built folder, if it is still whole (its PDF matches its manifest)."""
    folder = built.result.output.parent
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        with open(built.result.output, "rb") as fh:
            if hashlib.file_digest(fh, "sha256").hexdigest() != manifest.get("sha256"):
                return None
    except (OSError, ValueError):
        return None
    files = [built.result.output, folder / MANIFEST, *built.result.documents]
    # a signed build's signed parts (``--sign``), as its manifest lists them
    files += [folder / n for n in dict.fromkeys(str(r.get("file")) for r in manifest.get("signatures") or ())
              if n != built.result.output.name and Path(n).name == n]
    return files if all(p.is_file() for p in files) else None


def copy_built(prebuilt: Mapping[Path, Built], data_file: Path, out_dir: Path, *, draft: bool) -> DossierResult | None:
    """``data_file``'s dossier copied into ``out_dir`` from an identical build of this run, or None."""
    built = prebuilt.get(Path(data_file).resolve())
    if built is None or built.draft != draft:
        return None
    files = _published(built)
    if files is None or fingerprint(built.result.inputs, draft=draft) != built.fingerprint:
        return None
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in files:
        shutil.copyfile(path, out_dir / path.name)  # a copy, not a link: the two folders live apart
    return replace(built.result, output=out_dir / DOSSIER_PDF,
                   documents=[out_dir / p.name for p in built.result.documents],
                   inputs=list(built.result.inputs), missing=list(built.result.missing),
                   warnings=list(built.result.warnings))


# -- between commands: `make` builds a commune's dossier and the district's in two commands

def _record_file(folder: Path) -> Path:
    """Beside a dossier folder a batch built (hidden, like its lock; the folder's own
    files stay exactly the dossier's)."""
    folder = Path(folder)
    return folder.parent / f".{folder.name}.built.json"


def save(built: Built) -> None:
    """Remember ``built`` in its own folder, for a later command that nests it."""
    from ..files import write_text

    r = built.result
    folder = r.output.parent  # the folder's own files by name: the record is the same wherever it is built
    write_text(_record_file(folder), json.dumps({
        "data_file": str(built.data_file), "draft": built.draft, "fingerprint": built.fingerprint,
        "output": r.output.name, "pages": r.pages, "documents": [p.name for p in r.documents],
        "inputs": [str(p) for p in r.inputs], "missing": r.missing, "warnings": r.warnings,
    }, ensure_ascii=False, indent=1))


def saved(folder: Path) -> Built | None:
    """What :func:`save` remembered in ``folder`` (None: nothing, or not readable).
    :func:`copy_built` still checks the fingerprint and the manifest before using it."""
    try:
        folder = Path(folder)
        d = json.loads(_record_file(folder).read_text(encoding="utf-8"))
        result = DossierResult(folder / d["output"], int(d["pages"]), [folder / p for p in d["documents"]],
                               [Path(p) for p in d["inputs"]], list(d["missing"]), list(d["warnings"]))
        return Built(Path(d["data_file"]), bool(d["draft"]), result, str(d["fingerprint"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def forget(folder: Path) -> None:
    """Remove what :func:`save` left beside ``folder`` (its dossier was built otherwise since)."""
    _record_file(folder).unlink(missing_ok=True)
