"""Converted PDFs remembered by content.

dossier's DOCX files are byte-reproducible, and the same DOCX converted by
the same LibreOffice, with the same fonts, PDF options and normalisation,
gives the same PDF bytes (:mod:`.normalize`). So a conversion is looked up
by a key over all of that before LibreOffice is asked: after one commune's
number changes, the eleven unchanged plans and the nested copy of a commune's
dossier inside the district's are not converted again.

``DOSSIER_CACHE_DIR`` names the folder (default ``$XDG_CACHE_HOME/dossier/pdf``
or ``~/.cache/dossier/pdf``); ``off`` turns the cache off. The folder must
belong to the user and be closed to others, else it is not used. It is kept
under :data:`MAX_BYTES` by removing the least recently used entries.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
import tempfile
import time
from pathlib import Path

from ..paths import FONTS_DIR
from .options import PDF_OPTIONS

ENV_CACHE = "DOSSIER_CACHE_DIR"
MAX_BYTES = 500 * 1024 * 1024
PRUNE_EVERY = 64  # stores between two size checks


def caches_off() -> bool:
    """``DOSSIER_CACHE_DIR=off`` (or 0, no, false): nothing is kept for later processes."""
    return os.environ.get(ENV_CACHE, "").strip().lower() in ("off", "0", "no", "false")


def cache_root() -> Path | None:
    if caches_off():
        return None
    value = os.environ.get(ENV_CACHE, "").strip()
    return private_folder(Path(value)) if value else user_cache_folder("pdf")


def user_cache_folder(name: str) -> Path | None:
    """``$XDG_CACHE_HOME/dossier/<name>`` (or ``~/.cache/dossier/<name>``) when private."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return private_folder(Path(base) / "dossier" / name)


def private_folder(root: Path) -> Path | None:
    """``root``, created if needed, when it is a folder of this user closed to others; else None."""
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(root)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        return None
    return root


@functools.lru_cache(maxsize=4)
def fingerprint(soffice: str) -> str:
    """Everything besides the DOCX that decides the PDF's bytes."""
    h = hashlib.sha256()
    program = Path(os.path.realpath(soffice)).parent
    h.update(str(program).encode())
    for name in ("versionrc", "soffice.bin", "libmergedlo.so", "libswlo.so"):  # LibreOffice's build
        path = program / name
        if path.exists():
            st = path.stat()
            h.update(f"{name}:{st.st_size}:{st.st_mtime_ns}".encode())
    h.update(json.dumps(PDF_OPTIONS, sort_keys=True).encode())
    here = Path(__file__).parent
    for module in ("normalize.py", "options.py", "uno_helper.py", "cache.py"):
        h.update(hashlib.sha256((here / module).read_bytes()).digest())
    for font in sorted(FONTS_DIR.iterdir()):
        if font.is_file():
            h.update(font.name.encode() + hashlib.sha256(font.read_bytes()).digest())
    return h.hexdigest()


class PdfCache:
    """``get``/``put`` PDFs by the key of their DOCX (see :meth:`key`)."""

    def __init__(self, root: Path, soffice: str):
        self.root = root
        self.prefix = fingerprint(soffice)
        self.hits = 0
        self._stores = 0

    @classmethod
    def open(cls, soffice: str) -> PdfCache | None:
        root = cache_root()
        return cls(root, soffice) if root is not None else None

    def key(self, src: Path, when: str) -> str:
        h = hashlib.sha256(self.prefix.encode())
        h.update(when.encode())
        h.update(Path(src).read_bytes())
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pdf"

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
            path.unlink(missing_ok=True)  # a torn or foreign file: forget it
            return None
        try:
            os.utime(path)  # recently used: pruned last
        except OSError:
            pass
        self.hits += 1
        return data

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(mode=0o700, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pdf")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except OSError:
            return  # a full disk or a read-only cache only costs speed
        self._stores += 1
        if self._stores % PRUNE_EVERY == 1:
            prune(self.root)


def prune(root: Path, max_bytes: int = MAX_BYTES) -> int:
    """Remove the least recently used PDFs until the cache is under ``max_bytes``."""
    entries = []
    for path in root.glob("*/*.pdf"):
        try:
            st = path.stat()
        except OSError:
            continue
        entries.append((st.st_mtime, st.st_size, path))
    total = sum(size for _, size, _ in entries)
    removed = 0
    for _, size, path in sorted(entries):
        if total <= max_bytes:
            break
        path.unlink(missing_ok=True)
        total -= size
        removed += 1
    for stale in root.glob("*/.tmp-*"):  # left by a killed process more than an hour ago
        try:
            if stale.stat().st_mtime < time.time() - 3600:
                stale.unlink()
        except OSError:
            pass
    return removed
