"""The one Jinja2 environment every template runs in: sandboxed (no Python
internals, no file system), undefined variables are errors, values escaped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..errors import Problem, input_error


def make_environment(
    filters: dict[str, Callable[..., Any]],
    loader: jinja2.BaseLoader | None = None,
) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(filters)
    return env


def template_error(template: str, exc: Exception) -> Exception:
    """A Jinja error in a template, as a Vietnamese user error that names it."""
    if isinstance(exc, jinja2.UndefinedError):
        return input_error(
            f"Mẫu {template} dùng một giá trị không có trong dữ liệu: {_undefined_name(exc)}.",
            hint="Bổ sung trường này vào tệp dữ liệu, hoặc sửa tên biến trong mẫu.",
        )
    if isinstance(exc, jinja2.sandbox.SecurityError):
        return input_error(
            f"Mẫu {template} dùng một thao tác không được phép ({exc}).",
            hint="Mẫu chỉ được dùng biến, bộ lọc và câu lệnh if/for của Jinja2.",
        )
    if isinstance(exc, jinja2.TemplateSyntaxError):
        context = " ".join(s.strip() for s in getattr(exc, "docx_context", []) if s.strip())[:200]
        where = [Problem("", f"gần đoạn: «{context}»")] if context else []
        return input_error(
            f"Mẫu {template} có thẻ Jinja sai cú pháp: {exc.message}.",
            where,
            hint="Mỗi {% if %} / {% for %} cần {% endif %} / {% endfor %}; trong Word, gõ cả thẻ trong một lần, "
            "không đổi định dạng giữa chừng.",
        )
    if isinstance(exc, jinja2.TemplateError):
        return input_error(f"Mẫu {template} không hiển thị được: {exc}.")
    return exc


def _undefined_name(exc: jinja2.UndefinedError) -> str:
    msg = exc.message or str(exc)
    # "'dict object' has no attribute 'superior'" / "'number' is undefined"
    if "has no attribute" in msg:
        return "trường " + msg.split("has no attribute", 1)[1].strip()
    if "is undefined" in msg:
        return "biến " + msg.split("is undefined", 1)[0].strip()
    return msg
