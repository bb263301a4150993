"""Turning pydantic validation errors into Vietnamese problems that name the
file and the field path. The one schema layer for every data file."""

from __future__ import annotations

import os
from pathlib import Path
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import Problem, input_error

M = TypeVar("M", bound=BaseModel)


class Schema(BaseModel):
    """Base for every data schema: unknown fields are errors (typos are caught)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False)


_MESSAGES = {
    "missing": "thiếu trường bắt buộc",
    "extra_forbidden": "trường không được hỗ trợ (kiểm tra lỗi chính tả)",
    "string_type": "cần một chuỗi văn bản",
    "string_too_short": "không được để trống",
    "string_too_long": "quá dài",
    "int_type": "cần một số nguyên",
    "int_parsing": "cần một số nguyên",
    "int_from_float": "cần một số nguyên",
    "float_type": "cần một số",
    "float_parsing": "cần một số",
    "bool_type": "cần true hoặc false",
    "bool_parsing": "cần true hoặc false",
    "date_type": "cần một ngày dạng YYYY-MM-DD",
    "date_parsing": "cần một ngày dạng YYYY-MM-DD",
    "date_from_datetime_parsing": "cần một ngày dạng YYYY-MM-DD",
    "list_type": "cần một danh sách",
    "dict_type": "cần một bảng khóa: giá trị",
    "model_type": "cần một bảng khóa: giá trị",
    "model_attributes_type": "cần một bảng khóa: giá trị",
    "literal_error": "giá trị không hợp lệ",
    "enum": "giá trị không hợp lệ",
    "greater_than_equal": "giá trị quá nhỏ",
    "less_than_equal": "giá trị quá lớn",
    "too_short": "danh sách quá ngắn",
    "too_long": "danh sách quá dài",
    "union_tag_invalid": "loại không hợp lệ",
    "union_tag_not_found": "thiếu trường cho biết loại",
    "invalid_key": "tên trường phải là chữ (không phải số hay danh sách)",
    "string_pattern_mismatch": "không đúng dạng",
    "string_unicode": "cần một chuỗi văn bản",
    "int_parsing_size": "số quá nhiều chữ số",
    "greater_than": "giá trị quá nhỏ",
    "less_than": "giá trị quá lớn",
    "finite_number": "cần một số hữu hạn",
    "multiple_of": "giá trị không hợp lệ",
    "tuple_type": "cần một danh sách",
    "set_type": "cần một danh sách",
    "frozen_set_type": "cần một danh sách",
    "set_item_not_hashable": "phần tử trong danh sách không hợp lệ",
    "iterable_type": "cần một danh sách",
    "mapping_type": "cần một bảng khóa: giá trị",
    "dataclass_type": "cần một bảng khóa: giá trị",
    "none_required": "phải để trống",
    "date_from_datetime_inexact": "cần một ngày dạng YYYY-MM-DD (không kèm giờ)",
    "datetime_type": "cần ngày giờ dạng YYYY-MM-DD HH:MM",
    "datetime_parsing": "cần ngày giờ dạng YYYY-MM-DD HH:MM",
    "datetime_from_date_parsing": "cần ngày giờ dạng YYYY-MM-DD HH:MM",
    "time_type": "cần giờ dạng HH:MM",
    "time_parsing": "cần giờ dạng HH:MM",
    "decimal_type": "cần một số",
    "decimal_parsing": "cần một số",
    "decimal_max_digits": "số quá nhiều chữ số",
    "decimal_max_places": "số quá nhiều chữ số sau dấu phẩy",
    "decimal_whole_digits": "số quá nhiều chữ số",
    "url_type": "cần một địa chỉ web",
    "url_parsing": "địa chỉ web không hợp lệ",
    "url_scheme": "địa chỉ web không hợp lệ",
    "recursion_loop": "dữ liệu tự tham chiếu vòng tròn",
    "assertion_error": "giá trị không hợp lệ",
}
SHOWN_CHARS = 60  # a bad value is quoted up to this many characters, then "…"


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for i, part in enumerate(loc):
        if part == "[key]":
            continue  # pydantic's marker: the part before it is a mapping key, not a value
        if i + 1 < len(loc) and loc[i + 1] == "[key]":
            out += f" (tên khóa {_shown(part)})"
        elif isinstance(part, int):
            out += f"[{part + 1}]"  # clerks count from 1
        else:
            out += ("." if out else "") + str(part)
    return out


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    if kind == "value_error":
        # our own validators raise ValueError with a Vietnamese text
        msg = str(err.get("ctx", {}).get("error", err["msg"]))
        return msg
    base = _MESSAGES.get(kind, f"giá trị không hợp lệ (mã lỗi {kind})")  # never pydantic's English
    ctx = err.get("ctx") or {}
    if kind == "literal_error" and "expected" in ctx:
        base += f"; chỉ nhận: {ctx['expected']}"
    if kind in ("greater_than_equal", "less_than_equal") and ctx:
        base += f" (giới hạn {next(iter(ctx.values()))})"
    if "input" in err and kind not in ("missing", "extra_forbidden") and not isinstance(err["input"], (dict, list)):
        base += f", nhận được {_shown(err['input'])}"
    return base


def _shown(value: Any) -> str:
    """A bad value as quoted in a message: long text cut (its length said), never the whole of it."""
    text = repr(value)
    if len(text) <= SHOWN_CHARS:
        return text
    length = len(value) if isinstance(value, str) else len(text)
    return f"{text[:SHOWN_CHARS]}… ({length} ký tự)"


def problems_from(exc: ValidationError, source: str,
                  locate: Callable[[tuple[Any, ...], str], str | None] | None = None) -> list[Problem]:
    """One Problem per error. ``locate(loc, field)`` may name the place of a field
    itself (e.g. the spreadsheet cell it came from); None falls back to ``source``."""
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        if err["type"] == "invalid_key" and loc:  # the key itself is the last part of loc
            loc, err = loc[:-1] + (loc[-1], "[key]"), {k: v for k, v in err.items() if k != "input"}
        field = _path(loc).strip()
        where = locate(loc, field) if locate else None
        if not where:
            where = f"{source}, trường {field}" if field and not field.startswith("(") else \
                f"{source} {field}".rstrip()
        out.append(Problem(where, _message(err)))
    return out


def validate(model: type[M], data: Any, source: str | os.PathLike[str]) -> M:
    """Validate ``data`` against ``model``; raise one DossierError listing every problem."""
    source = str(Path(source)) if not isinstance(source, str) else source
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = problems_from(exc, source)
        raise input_error(f"Dữ liệu trong {source} không hợp lệ ({len(problems)} lỗi):", problems) from None
