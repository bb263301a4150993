"""Checked data remembered by the bytes of its file.

Every district-wide command (the summary, the village list, the plans, the
district's dossier) reads and checks every commune's file again: YAML parsing,
validation and the catalogue checks cost more than the rest of a one-commune
rebuild. So the checked result is kept (:class:`dossier.keyed.Store`, in the
private cache folder) under a key over the file's path and bytes and the code
that reads it: after one commune changes, the others are read from the cache,
and a changed file or another version of dossier is read again. Only
successful reads are kept, with their warnings, which are given again on
every read.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..keyed import Store, key

FOLDER = "parsed"


def cached(path: Path, warnings: list, read: Callable[[Path, list], Any]) -> Any:
    """``read(path, warnings)``, or what it returned for the same bytes before
    (its warnings appended to ``warnings`` again)."""
    store = Store.open(FOLDER)
    try:
        data = Path(path).read_bytes() if store is not None else None
    except OSError:
        data = None  # let the reader say what is wrong
    if store is None or data is None:
        return read(path, warnings)
    entry = key(str(Path(path).resolve()), data)
    found = store.get(entry)
    if found is not None:
        try:
            value, noted = pickle.loads(found)
        except Exception:  # noqa: BLE001 - a torn or foreign entry: read the file again
            pass
        else:
            warnings.extend(noted)
            return value
    mine: list = []
    value = read(path, mine)
    warnings.extend(mine)
    try:
        store.put(entry, pickle.dumps((value, mine), protocol=pickle.HIGHEST_PROTOCOL))
    except (pickle.PicklingError, TypeError, AttributeError):
        pass
    return value
