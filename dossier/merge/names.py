"""File names of merged documents: from a column or a pattern such as
``{stt:02d}-{ten_don_vi}``, made safe for every file system (Windows
included) and unique within the output folder."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..errors import Problem, input_error
from .rows import RowError, check_pattern, fill
from .table import Row, Table

MAX_NAME_CHARS = 100
_UNSAFE = re.compile(r'\s*[<>:"/\\|?*\x00-\x1f\x7f]+\s*')
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def safe_name(text: str) -> str:
    """A file name (without extension) that any system accepts; '' when nothing is left."""
    text = unicodedata.normalize("NFC", text)
    text = " ".join(text.split())  # tabs, line breaks, runs of spaces
    text = _UNSAFE.sub("-", text)
    text = re.sub(r"-{2,}", "-", text).strip(" .-")
    if len(text) > MAX_NAME_CHARS:
        text = text[:MAX_NAME_CHARS].rstrip(" .-")
    if text.split(".")[0].lower() in _WINDOWS_RESERVED:
        text = "_" + text
    return text


def check_name_pattern(pattern: str | None, table: Table) -> None:
    """Refuse (exit 2) a pattern that is not readable or names no column of the list."""
    if pattern is None:
        return
    headers = {c.header for c in table.columns}
    if "{" not in pattern and "}" not in pattern:
        if pattern not in headers:
            raise input_error(f"Tùy chọn --name '{pattern}': danh sách không có cột này.",
                              hint="Ghi tên một cột, hoặc một mẫu như \"{stt:02d}-{ten_don_vi}\". "
                                   "Các cột có: " + ", ".join(sorted(headers)) + ".")
        return
    try:
        check_pattern(pattern)
    except ValueError as exc:
        raise input_error(f"Mẫu tên tệp --name '{pattern}' sai cú pháp: {exc}.",
                          hint="Ghi tên cột trong ngoặc nhọn, ví dụ \"{stt:02d}-{ten_don_vi}\".") from None
    problems: list[Problem] = []
    fill(pattern, {h: 0 for h in headers}, headers, "--name", problems)
    unknown = [p for p in problems if "không có cột" in p.message]
    if unknown:
        raise input_error(f"Mẫu tên tệp --name '{pattern}' dùng cột không có trong danh sách:", unknown,
                          hint="Các cột có: " + ", ".join(sorted(headers)) + ".")


class NameMaker:
    """One unique, safe name per row (case-insensitively unique, like Windows)."""

    def __init__(self, table: Table, pattern: str | None, reserved: set[str] = frozenset()) -> None:
        self.table = table
        self.headers = {c.header for c in table.columns}
        if pattern is not None and "{" not in pattern and "}" not in pattern:
            pattern = "{" + pattern + "}"
        self.pattern = pattern
        self.width = max(2, len(str(len(table.rows))))
        self.count = 0
        self.taken = {r.rsplit(".", 1)[0].lower() for r in reserved if r}

    def name(self, row: Row, job: Any) -> str:
        self.count += 1
        if self.pattern is None:
            recipients = job.context.get("recipients") if isinstance(job.context, dict) else None
            first = recipients[0] if isinstance(recipients, list) and recipients else ""
            text = f"{self.count:0{self.width}d}" + (f"-{first}" if isinstance(first, str) and first else "")
        else:
            problems: list[Problem] = []
            text = fill(self.pattern, row.values, self.headers, "--name", problems, table=self.table, row=row.number)
            if problems:
                raise RowError([Problem(p.where, f"{p.message} (tên tệp)") for p in problems])
        base = safe_name(text) or f"van-ban-{row.number}"
        name, n = base, 1
        while name.lower() in self.taken:
            n += 1
            name = f"{base}-{n}"
        self.taken.add(name.lower())
        return name
