"""Reading data files (YAML, JSON) into plain Python data, NFC-normalised.

This is the edge of the pipeline: everything read here is Unicode NFC, free of
control characters, and bounded in size. Errors name the file and the place.
"""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, input_error

MAX_DATA_BYTES = int(os.environ.get("DOSSIER_MAX_DATA_BYTES", 20 * 1024 * 1024))
MAX_STRING_CHARS = 200_000

# C0/C1 controls except tab and newline, plus separators Word cannot hold.
_CONTROL = {c for c in range(0x20) if c not in (0x09, 0x0A)} | set(range(0x7F, 0xA0)) | {0xFFFE, 0xFFFF}
_CONTROL_TABLE = {c: None for c in _CONTROL}


def clean_text(value: str) -> str:
    """NFC-normalise and drop control characters (CR becomes a line break)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", value).translate(_CONTROL_TABLE)


def clean_tree(value: Any, where: str = "") -> Any:
    """Apply :func:`clean_text` to every string (keys included) in nested data."""
    if isinstance(value, str):
        if len(value) > MAX_STRING_CHARS:
            raise input_error(
                "Dữ liệu quá lớn.",
                [Problem(where, f"chuỗi dài {len(value)} ký tự, tối đa {MAX_STRING_CHARS} ký tự")],
            )
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_tree(k, where): clean_tree(v, f"{where}.{k}" if where else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_tree(v, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


class _SafeLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as written strings out of the way of
    surprises: YAML 1.1 booleans like 'no'/'yes' stay booleans only for the
    canonical true/false spellings."""


# Only true/false are booleans ("Có"/"Không" or "no" in Vietnamese data must stay text).
_SafeLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
_SafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    __import__("re").compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def read_data_bytes(path: Path) -> bytes:
    if not path.exists():
        raise input_error(f"Không tìm thấy tệp dữ liệu {path}.", hint="Kiểm tra lại đường dẫn.")
    if not path.is_file():
        raise input_error(f"{path} không phải là một tệp.")
    size = path.stat().st_size
    if size > MAX_DATA_BYTES:
        raise input_error(
            f"Tệp dữ liệu {path} quá lớn ({size} byte, tối đa {MAX_DATA_BYTES} byte).",
            hint="Tách dữ liệu thành nhiều tệp nhỏ hơn.",
        )
    return path.read_bytes()


def load_mapping(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Load a YAML or JSON file whose top level is a mapping; NFC-clean it."""
    path = Path(path)
    raw = read_data_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise input_error(
            f"Tệp {path} không phải văn bản UTF-8 (byte lỗi ở vị trí {exc.start}).",
            hint="Lưu lại tệp với mã hóa UTF-8.",
        ) from None
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            data = json.loads(text)
        elif suffix in (".yaml", ".yml"):
            data = yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - SafeLoader subclass
        else:
            raise input_error(f"Không đọc được {path}: chỉ nhận tệp .yaml, .yml hoặc .json.")
    except json.JSONDecodeError as exc:
        raise input_error(f"Tệp JSON {path} sai cú pháp ở dòng {exc.lineno}, cột {exc.colno}: {exc.msg}.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" ở dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise input_error(f"Tệp YAML {path} sai cú pháp{where}: {problem}.") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise input_error(f"Tệp {path} phải chứa một bảng khóa: giá trị ở cấp ngoài cùng.")
    return clean_tree(data)
