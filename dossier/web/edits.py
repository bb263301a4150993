"""Changing a clerk's YAML data file from the web page without losing what
the clerk wrote around the data: ruamel.yaml's round-trip mode keeps the
comments, the key order, the quoting and the flow style (``{value: 76, …}``),
so a file read and written back unchanged is the same bytes.

Only files the project's own safe loader has already read are edited here,
and the result is checked by that loader again before it replaces the file
(atomically, :mod:`dossier.files`).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from ..errors import input_error


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def edited_text(path: Path, change: Callable[[Any], None]) -> str:
    """The text of ``path`` after ``change(data)`` mutated its round-trip data in place."""
    y = _yaml()
    try:
        data = y.load(path.read_text(encoding="utf-8-sig"))
    except YAMLError:
        raise input_error(f"Không sửa được {path.name}: tệp YAML sai cú pháp.") from None
    change(data)
    out = io.StringIO()
    y.dump(data, out)
    return out.getvalue()


def flow_map(values: dict[str, Any]) -> CommentedMap:
    """A new mapping written on one line, like the sample files' entries."""
    item = CommentedMap(values)
    item.fa.set_flow_style()
    return item


def ensure_list(parent: Any, key: str) -> CommentedSeq:
    if not isinstance(parent.get(key), list):
        parent[key] = CommentedSeq()
    return parent[key]


def ensure_map(parent: Any, key: str) -> CommentedMap:
    if not isinstance(parent.get(key), dict):
        parent[key] = CommentedMap()
    return parent[key]
