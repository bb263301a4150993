"""Paths named inside data files: relative to the data file's folder, and never
outside it (no '../../etc/passwd', no absolute paths) unless allowed."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import Problem, input_error


def resolve_data_path(base: Path, name: str, *, field: str, source: str, allow_outside: bool = False,
                      must_exist: bool = True) -> Path:
    """Resolve ``name`` (from ``field`` of the data file ``source``) against ``base``."""
    if not name or "\x00" in name:
        raise input_error("Đường dẫn không hợp lệ.", [Problem(f"{source}, trường {field}", "đường dẫn trống hoặc có ký tự lạ")])
    raw = Path(name)
    root = base.resolve()
    target = (raw if raw.is_absolute() else root / raw).resolve()
    if not allow_outside:
        if raw.is_absolute():
            raise input_error(
                "Đường dẫn trong dữ liệu không được là đường dẫn tuyệt đối.",
                [Problem(f"{source}, trường {field}", f"'{name}': hãy ghi đường dẫn tương đối so với thư mục {root}")],
                hint="Dùng tùy chọn --allow-outside nếu thật sự cần lấy tệp ở nơi khác.",
            )
        if os.path.commonpath([root, target]) != str(root):
            raise input_error(
                "Đường dẫn trong dữ liệu trỏ ra ngoài thư mục dữ liệu.",
                [Problem(f"{source}, trường {field}", f"'{name}' nằm ngoài {root}")],
                hint="Chép tệp vào thư mục dữ liệu, hoặc dùng tùy chọn --allow-outside.",
            )
    if must_exist and not target.is_file():
        raise input_error(
            "Không tìm thấy tệp được dẫn trong dữ liệu.",
            [Problem(f"{source}, trường {field}", f"không có tệp '{name}' (tìm tại {target})")],
        )
    return target
