"""Turning pydantic validation errors into Vietnamese problems that name the
file and the field path. The one schema layer for every data file."""

from __future__ import annotations

import os
from pathlib import Path
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
}


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
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
    base = _MESSAGES.get(kind, err["msg"])
    ctx = err.get("ctx") or {}
    if kind == "literal_error" and "expected" in ctx:
        base += f"; chỉ nhận: {ctx['expected']}"
    if kind in ("greater_than_equal", "less_than_equal") and ctx:
        base += f" (giới hạn {next(iter(ctx.values()))})"
    if "input" in err and kind not in ("missing", "extra_forbidden") and not isinstance(err["input"], (dict, list)):
        base += f", nhận được {err['input']!r}"
    return base


def problems_from(exc: ValidationError, source: str) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        field = _path(loc)
        where = f"{source}, trường {field}" if field else source
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
