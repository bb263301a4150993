"""One row of a list → the data of one document.

* Headers are field paths: ``subject``, ``signer.name``; a number is a list
  position counted from 1 (``recipients.1``, ``recipients.2``).
* A cell holding several lines (Alt+Enter in Excel) fills a list field one
  item per line (``recipients``, ``distribution``, ``body``).
* Values follow the field's type in the document schema: numbers in a text
  field become text, "05/12/2026" in a date field becomes a date.
* Headers that are not fields of the document (``stt``, ``ten_don_vi``) go to
  ``extra`` (custom templates read them as ``extra.ten_don_vi``) and may be
  used in the common data and in file names as ``{ten_don_vi}``.
* The common data (YAML) gives every document's constant fields; an empty
  cell keeps the common value, a filled cell replaces it.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import re
import string
import types
import typing
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from ..errors import Problem
from .table import Row, Table

# {header} or {header:spec}; {{ and }} are literal braces.
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}:!]+?)(?::([^{}]*))?\}")
_NAME_LIKE = re.compile(r"^[\w.]+$")
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


class RowError(Exception):
    """Problems that refuse one row (the others go on)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


# -- the schema's types, by field path ----------------------------------------
def _unwrap(annotation: Any) -> Any:
    """``X | None`` → X."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def field_type(model: type[BaseModel] | None, path: list[str]) -> Any:
    """The annotation of ``path`` in ``model`` (None when unknown or not in the schema)."""
    annotation: Any = model
    for part in path:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            info = annotation.model_fields.get(part)
            if info is None:
                return None
            annotation = info.annotation
        elif typing.get_origin(annotation) is list and part.isdigit():
            args = typing.get_args(annotation)
            annotation = args[0] if args else Any
        else:
            return None
    return _unwrap(annotation)


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list


def coerce(value: Any, annotation: Any) -> Any:
    """A cell's value as the field's type wants it (pydantic checks the rest)."""
    if annotation is str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, dt.date):
            return text_of(value)
    elif annotation is dt.date:
        if isinstance(value, dt.datetime):
            return value.date() if value.time() == dt.time(0) else value
        if isinstance(value, str) and (m := _DATE.match(value.strip())):
            day, month, year = map(int, m.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                return value  # pydantic says what is wrong with it
    elif _is_list(annotation) and isinstance(value, str):
        item = (typing.get_args(annotation) or (Any,))[0]
        return [coerce(line.strip(), item) for line in value.split("\n") if line.strip()]
    return value


def text_of(value: Any) -> str:
    """A value as it reads inside a sentence: dates dd/mm/yyyy, numbers as typed."""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        from ..vntext.numbers import vn_number

        return vn_number(value)
    return str(value)


# -- placeholders -------------------------------------------------------------
def fill(text: str, values: dict[str, Any], headers: set[str], where: str, problems: list[Problem],
         *, table: Table | None = None, row: int | None = None) -> str:
    """Replace ``{header}`` / ``{header:spec}`` in ``text`` with the row's values."""

    def one(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group(0)[0]  # {{ or }}: one literal brace
        name, spec = match.group(1).strip(), match.group(2)
        if name not in headers:
            if _NAME_LIKE.match(name):
                near = difflib.get_close_matches(name, sorted(headers), n=1)
                hint = f" (có phải '{near[0]}'?)" if near else ""
                problems.append(Problem(where, f"{{{name}}}: danh sách không có cột '{name}'{hint}"))
            return match.group(0)
        if name not in values:
            place = table.cell(row, name) if table is not None and row is not None else name
            if not any(p.where == place for p in problems):  # a cell already refused (#REF!) is said once
                problems.append(Problem(place, f"ô trống nhưng được dùng trong {where}"))
            return ""
        value = values[name]
        if spec:
            try:
                return format(value, spec)
            except (ValueError, TypeError):
                if isinstance(value, str) and value.lstrip("-").isdigit():
                    try:
                        return format(int(value), spec)
                    except ValueError:
                        pass
                problems.append(Problem(where, f"{{{name}:{spec}}}: không định dạng được giá trị {value!r}"))
                return str(value)
        return text_of(value)

    return _PLACEHOLDER.sub(one, text)  # one pass: a value's own braces are never read again


def _fill_tree(value: Any, values: dict[str, Any], headers: set[str], source: str, where: str,
               problems: list[Problem], table: Table, row: int) -> Any:
    if isinstance(value, str):
        if "{" not in value:
            return value
        place = f"{source}, trường {where}" if source else f"trường {where}"
        return fill(value, values, headers, place, problems, table=table, row=row)
    if isinstance(value, dict):
        return {k: _fill_tree(v, values, headers, source, f"{where}.{k}" if where else str(k), problems, table, row)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_fill_tree(v, values, headers, source, f"{where}[{i}]", problems, table, row)
                for i, v in enumerate(value, 1)]
    return value


def check_pattern(pattern: str) -> None:
    """A name pattern Python's formatter can read (raises ValueError otherwise)."""
    list(string.Formatter().parse(pattern))


# -- a row → data ---------------------------------------------------------------
# Vietnamese headers a clerk may already have in a list, for fields of the document
# (only unambiguous ones: "Số" alone may be a row number, so it is not here).
HEADER_ALIASES = {
    "kính gửi": "recipients", "nơi gửi": "recipients", "trích yếu": "subject",
    "số văn bản": "number", "ký hiệu": "symbol", "ngày ban hành": "date", "địa danh": "place",
    "người ký": "signer.name", "chức vụ người ký": "signer.title", "thẩm quyền ký": "signer.authority",
    "nơi nhận": "distribution",
}


def header_path(header: str, model: type[BaseModel] | None) -> list[str]:
    """Where a header's value goes: its dotted path (or the field a Vietnamese
    header such as "Kính gửi" stands for), or ``extra.<header>`` for a header
    that is not a field of the document schema."""
    if model is not None:
        alias = HEADER_ALIASES.get(" ".join(header.lower().split()).rstrip(":"))
        if alias and alias.split(".")[0] in model.model_fields:
            return alias.split(".")
    parts = [p.strip() for p in header.split(".")]
    if model is None or parts[0] in model.model_fields:
        return parts
    return ["extra", header]


def unknown_headers(table: Table, model: type[BaseModel] | None) -> list[Problem]:
    """Warnings for headers that look like a misspelt field of the schema."""
    if model is None:
        return []
    fields = sorted(model.model_fields)
    out = []
    for col in table.columns:
        head = col.header.split(".")[0]
        if head in model.model_fields or header_path(col.header, model)[0] != "extra":
            continue
        near = difflib.get_close_matches(head, fields, n=1, cutoff=0.8)
        if near:
            out.append(Problem(f"{table.place()}, ô {col.letter}{table.header_row}",
                               f"cột '{col.header}' không phải trường của văn bản (có phải '{near[0]}'?); "
                               f"giá trị được đưa vào extra.{col.header}"))
    return out


def _set(data: dict[str, Any], path: list[str], value: Any, fresh: set[tuple[str, ...]]) -> None:
    """Set ``path`` in nested data; numeric parts index lists from 1. A list the
    row writes into replaces the common one (``fresh`` remembers which)."""
    node: Any = data
    for depth, part in enumerate(path):
        last = depth == len(path) - 1
        key: Any = int(part) - 1 if isinstance(node, list) else part
        if last:
            if isinstance(node, list):
                node.extend([None] * (key + 1 - len(node)))
            node[key] = value
            return
        nxt_is_index = path[depth + 1].isdigit()
        prefix = tuple(path[:depth + 1])
        if isinstance(node, list):
            node.extend([None] * (key + 1 - len(node)))
            child = node[key]
        else:
            child = node.get(key)
        if nxt_is_index and (not isinstance(child, list) or prefix not in fresh):
            child = []
            fresh.add(prefix)
        elif not nxt_is_index and not isinstance(child, dict):
            child = {}
        node[key] = child
        node = child


def _compact(value: Any) -> Any:
    if isinstance(value, list):
        return [_compact(v) for v in value if v is not None]
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items()}
    return value


def row_data(table: Table, row: Row, common: dict[str, Any], common_name: str,
             model: type[BaseModel] | None) -> tuple[dict[str, Any], list[Problem]]:
    """The data of one document (the common data with the row's placeholders
    filled, then the row's cells on top) and the problems met on the way; the
    caller still validates the data, so a row's every problem is reported at once."""
    problems = list(row.problems)
    headers = {c.header for c in table.columns}
    data = _fill_tree(copy.deepcopy(common), row.values, headers, common_name, "", problems, table, row.number)
    fresh: set[tuple[str, ...]] = set()
    for col in table.columns:
        if col.header not in row.values:
            continue
        path = header_path(col.header, model)
        if any(not p for p in path) or (path[0] != "extra" and any(p.isdigit() and int(p) < 1 for p in path)):
            problems.append(Problem(table.cell(row.number, col.header), "tên cột không phải đường dẫn trường hợp lệ"))
            continue
        if path[-1].isdigit() and len(path) > 1 and int(path[-1]) > 1000:
            problems.append(Problem(table.cell(row.number, col.header), "vị trí trong danh sách quá lớn (tối đa 1000)"))
            continue
        value = coerce(row.values[col.header], field_type(model, path) if path[0] != "extra" else None)
        _set(data, path, value, fresh)
    return _compact(data), problems


def locator(table: Table, row: Row, model: type[BaseModel] | None,
            common_paths: Callable[[tuple[Any, ...]], bool]) -> Callable[[tuple[Any, ...], str], str | None]:
    """For pydantic errors: the cell a field came from (the longest header
    that is a prefix of the error's path), else the row (or the common file
    when the row did not give that field)."""
    spans = []
    for col in table.columns:
        if col.header not in row.values:
            continue
        path = tuple(int(p) - 1 if p.isdigit() else p for p in header_path(col.header, model))
        spans.append((path, col.header))
    spans.sort(key=lambda s: len(s[0]), reverse=True)

    def locate(loc: tuple[Any, ...], field: str) -> str | None:
        for path, header in spans:
            if tuple(loc[:len(path)]) == path or (len(loc) < len(path) and tuple(path[:len(loc)]) == loc and loc):
                return table.cell(row.number, header)
        if loc and common_paths(loc):
            return None  # the caller's source (the common file) names it
        suffix = f", trường {field}" if field else ""
        return f"{table.place(row.number)}{suffix}"

    return locate
