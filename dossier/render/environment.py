"""The one Jinja2 environment every template runs in: sandboxed (no Python
internals, no file system), undefined variables are errors, values escaped.

On top of Jinja2's own sandbox:

* ``{% include %}``, ``{% import %}``, ``{% from %}`` and ``{% extends %}`` are
  refused when the template is read: a template is one file and reads no other
  (a shared template could otherwise pull in any file beside it, or a symlink
  to ``/etc/passwd``).
* Values a template can blow up in memory are bounded: ``'a' * 10**9``,
  ``10 ** 10 ** 10``, ``'%0999999999d' % 1``, padding filters and methods
  (``center``, ``indent``, ``ljust``…) and ``range`` beyond Jinja's limit are
  refused with a message instead of exhausting the machine or crashing.
* Time is bounded too (:func:`time_limit`): nested loops over big ranges
  (``range(100000)`` in ``range(100000)``) stop after
  ``DOSSIER_TEMPLATE_SECONDS`` (60 s) with a message naming the template.
"""

from __future__ import annotations

import os
import re
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import jinja2
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment, SecurityError

from ..errors import Problem, input_error

MAX_SIZE = 1_000_000  # longest string or list an operator or padding may produce
ENV_SECONDS = "DOSSIER_TEMPLATE_SECONDS"
DEFAULT_SECONDS = 60.0  # a 1,000-page dossier's templates fill in a few seconds
_REFUSED_TAGS = {"include", "import", "from", "extends"}
# A width or precision of 5+ digits, or one taken from an argument ("%*d", "{:>{w}}").
_BIG_WIDTH = re.compile(r"%[-+ #0]*(\d{5,}|\*)|%[-+ #0]*\d*\.(\d{5,}|\*)|\{[^{}]*:[^{}]*?(\d{5,}|\{)")
_PADDING_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs"}
_PADDING_FILTERS = ("center", "indent", "wordwrap", "truncate", "format")


class _NoOtherFiles(Extension):
    """Refuse the tags that read another template (or any file) at parse time."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        previous = None
        for token in stream:
            if previous is not None and previous.type == "block_begin" and token.type == "name" \
                    and token.value in _REFUSED_TAGS:
                raise SecurityError(
                    f"thẻ {{% {token.value} %}} ở dòng {token.lineno}: mẫu không được đọc mẫu hay tệp khác"
                )
            previous = token
            yield token


def _too_big(what: str) -> SecurityError:
    return SecurityError(f"{what} tạo ra giá trị quá lớn (tối đa {MAX_SIZE} phần tử)")


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


class _Environment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if _size(seq) and isinstance(n, int) and _size(seq) * n > MAX_SIZE:
                    raise _too_big("phép nhân chuỗi / danh sách")
        elif operator == "**":
            if isinstance(left, (int, float)) and isinstance(right, (int, float)) and abs(left) > 1 \
                    and abs(right) > 1000:
                raise _too_big("phép lũy thừa")
        elif operator == "%" and isinstance(left, str) and _BIG_WIDTH.search(left):
            raise _too_big("định dạng chuỗi")
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None and _BIG_WIDTH.search(value.__self__):
            def refuse(*args: Any, **kwargs: Any) -> str:
                raise _too_big("định dạng chuỗi")

            return refuse
        return wrapped

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        name = getattr(__obj, "__name__", "")
        if isinstance(getattr(__obj, "__self__", None), str) and name in _PADDING_METHODS \
                and any(isinstance(a, int) and a > MAX_SIZE for a in (*args, *kwargs.values())):
            raise _too_big(f"phương thức {name}")
        try:
            return super().call(__context, __obj, *args, **kwargs)
        except OverflowError:  # Jinja's sandboxed range() past MAX_RANGE
            raise SecurityError(f"range() quá lớn (tối đa {MAX_RANGE} phần tử)") from None


def _bounded(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = (*args, *kwargs.values())
        if any(isinstance(a, int) and not isinstance(a, bool) and a > MAX_SIZE for a in values) or (
            name == "format" and args and isinstance(args[0], str) and _BIG_WIDTH.search(args[0])
        ):
            raise _too_big(f"bộ lọc {name}")
        return fn(*args, **kwargs)

    for attr in ("jinja_pass_arg",):
        if hasattr(fn, attr):
            setattr(wrapper, attr, getattr(fn, attr))
    wrapper.__name__ = getattr(fn, "__name__", name)
    return wrapper


def make_environment(
    filters: dict[str, Callable[..., Any]],
    loader: jinja2.BaseLoader | None = None,
) -> ImmutableSandboxedEnvironment:
    env = _Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        auto_reload=False,
        extensions=[_NoOtherFiles],
    )
    for name in _PADDING_FILTERS:
        env.filters[name] = _bounded(name, env.filters[name])
    env.filters.update(filters)
    return env


class TemplateTimeout(Exception):
    """Raised inside a template that ran past its time limit."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def limit_seconds() -> float:
    raw = os.environ.get(ENV_SECONDS, "").strip()
    try:
        seconds = float(raw) if raw else DEFAULT_SECONDS
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 24 * 3600:
        raise input_error(f"Biến {ENV_SECONDS}={raw!r} không hợp lệ: cần số giây lớn hơn 0.")
    return seconds


@contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Raise :class:`TemplateTimeout` in the body after ``seconds`` (SIGALRM).

    Only the main thread receives signals, so elsewhere (and inside an outer
    limit, which then governs) the body runs unbounded. The CLI and every
    batch worker process fill templates in their main thread.
    """
    seconds = limit_seconds() if seconds is None else seconds
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer") \
            or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise TemplateTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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
    if isinstance(exc, TemplateTimeout):
        return input_error(
            f"Mẫu {template} chạy quá {exc.seconds:g} giây nên đã bị dừng.",
            hint="Kiểm tra các vòng lặp {% for %} lồng nhau trong mẫu; nếu văn bản thật sự rất lớn, "
                 f"đặt biến {ENV_SECONDS} lớn hơn.",
        )
    return exc


def _undefined_name(exc: jinja2.UndefinedError) -> str:
    msg = exc.message or str(exc)
    # "'dict object' has no attribute 'superior'" / "'number' is undefined"
    if "has no attribute" in msg:
        return "trường " + msg.split("has no attribute", 1)[1].strip()
    if "is undefined" in msg:
        return "biến " + msg.split("is undefined", 1)[0].strip()
    return msg
