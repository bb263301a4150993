"""Results remembered by the bytes they were made from, in the private cache folder.

:mod:`dossier.convert.cache` keeps converted PDFs by their DOCX; the same
folder (``DOSSIER_CACHE_DIR``, ``off`` turns all of it off) keeps, in one
sub-folder each, what else is costly to make again and a pure function of
bytes: the checked data of a commune's file (:mod:`dossier.load.parsed`),
each rendered DOCX (:func:`dossier.render.docx.render_docx`) and each
WeasyPrint layout with the files it read
(:func:`dossier.render.html.html_to_pdf_bytes`). A key always covers every
file of the ``dossier`` package (:func:`package_digest`), so a new version
of the code never reads an older result. A miss, a torn entry or an
unwritable folder only costs the time to make the result again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import tempfile
from pathlib import Path

from .paths import PACKAGE_DIR

KEEP = 2000  # entries kept per sub-folder (the most recently used)
CHECK_EVERY = 64  # stores into one sub-folder between two counts of its entries
_stores: dict[Path, int] = {}  # per sub-folder, in this process (Store.open makes a new Store each call)


@functools.lru_cache(maxsize=1)
def package_digest() -> str:
    """sha256 over the name and bytes of every file of the ``dossier`` package."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(f"file {path.relative_to(PACKAGE_DIR)}\0".encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def key(*parts: bytes | str) -> str:
    """A hex key over the package and ``parts`` (each length-prefixed: no two lists collide)."""
    h = hashlib.sha256(package_digest().encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(f"\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


class Store:
    """``get``/``put`` bytes by key in the cache folder's sub-folder ``name``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def open(cls, name: str) -> Store | None:
        from .convert.cache import cache_root  # the private folder of the PDF cache

        root = cache_root()
        if root is None:
            return None
        folder = root / name
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
        except OSError:
            return None
        return cls(folder)

    def get(self, key: str) -> bytes | None:
        entry = self.folder / key
        try:
            data = entry.read_bytes()
        except OSError:
            return None
        with contextlib.suppress(OSError):
            os.utime(entry)  # recently used: removed last
        return data

    def put(self, key: str, data: bytes) -> None:
        try:
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, self.folder / key)
            count = _stores[self.folder] = _stores.get(self.folder, 0) + 1
            if count % CHECK_EVERY != 1:
                return  # the first store of a process counts the entries, then every CHECK_EVERY-th
            names = os.listdir(self.folder)
        except OSError:
            return  # a full disk or a read-only cache only costs speed
        if len(names) > KEEP * 1.25:
            self._prune(names)

    def _prune(self, names: list[str]) -> None:
        dated = []
        for name in names:
            with contextlib.suppress(OSError):
                dated.append((os.stat(self.folder / name).st_mtime, name))
        for _, name in sorted(dated)[: len(dated) - KEEP]:
            (self.folder / name).unlink(missing_ok=True)
