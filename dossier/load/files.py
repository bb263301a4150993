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
# Bounds on the data *after* YAML aliases are expanded ("billion laughs": a few
# hundred bytes that expand to 10^9 strings), and on its shape.
MAX_VALUES = 1_000_000  # strings, numbers, lists and mappings in one file
MAX_TOTAL_CHARS = 20_000_000
MAX_DEPTH = 64
MAX_ABS_NUMBER = 10**21  # far above any amount in đồng; bigger is a typo or an attack

# C0/C1 controls except tab and newline, lone surrogates (JSON "\ud800" escapes:
# not encodable in UTF-8 or XML) and the non-characters Word cannot hold.
_CONTROL = (
    {c for c in range(0x20) if c not in (0x09, 0x0A)}
    | set(range(0x7F, 0xA0))
    | set(range(0xD800, 0xE000))
    | {0xFFFE, 0xFFFF}
)
_CONTROL_TABLE = {c: None for c in _CONTROL}


def clean_text(value: str) -> str:
    """NFC-normalise and drop control characters (CR becomes a line break)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", value).translate(_CONTROL_TABLE)


class _Budget:
    """What one data file may expand to, counted while it is cleaned."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.values = 0
        self.chars = 0

    def where(self, where: str) -> str:
        if self.source and where:
            return f"{self.source}, trường {where}"
        return self.source or where

    def take(self, chars: int, where: str) -> None:
        self.values += 1
        self.chars += chars
        if self.values > MAX_VALUES or self.chars > MAX_TOTAL_CHARS:
            raise input_error(
                "Dữ liệu quá lớn sau khi mở rộng các tham chiếu YAML (&neo / *tham-chiếu).",
                [Problem(self.where(where), f"vượt quá {MAX_VALUES} giá trị hoặc {MAX_TOTAL_CHARS} ký tự")],
                hint="Ghi dữ liệu trực tiếp, không dùng tham chiếu lồng nhau nhiều tầng.",
            )


def clean_tree(value: Any, where: str = "", *, source: str = "") -> Any:
    """Apply :func:`clean_text` to every string (keys included) in nested data,
    and bound what it may contain: string length, number of values after YAML
    aliases are expanded, nesting depth, numbers (no NaN, infinity or absurdly
    large values) and types (no binary data)."""
    return _clean(value, where, 0, _Budget(source))


def _clean(value: Any, where: str, depth: int, budget: _Budget) -> Any:
    if isinstance(value, str):
        if len(value) > MAX_STRING_CHARS:
            raise input_error(
                "Dữ liệu quá lớn.",
                [Problem(budget.where(where), f"chuỗi dài {len(value)} ký tự, tối đa {MAX_STRING_CHARS} ký tự")],
            )
        budget.take(len(value), where)
        return clean_text(value)
    if depth > MAX_DEPTH:
        raise input_error(
            "Dữ liệu lồng nhau quá sâu.",
            [Problem(budget.where(where), f"quá {MAX_DEPTH} tầng danh sách / bảng lồng nhau")],
        )
    if isinstance(value, dict):
        budget.take(0, where)
        out = {}
        for k, v in value.items():
            key = _clean(k, where, depth + 1, budget)
            out[key] = _clean(v, f"{where}.{key}" if where else str(key), depth + 1, budget)
        return out
    if isinstance(value, (list, tuple, set, frozenset)):
        budget.take(0, where)
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return [_clean(v, f"{where}[{i}]", depth + 1, budget) for i, v in enumerate(items, 1)]
    budget.take(0, where)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            raise input_error("Số không hợp lệ.", [Problem(budget.where(where), "không nhận giá trị vô cực hoặc NaN")])
        if abs(value) >= MAX_ABS_NUMBER:
            raise input_error(
                "Số quá lớn.",
                [Problem(budget.where(where), f"giá trị tuyệt đối phải nhỏ hơn 10^21 (số có {len(str(int(abs(value))))} chữ số)")],
            )
        return value
    if isinstance(value, (bytes, bytearray)):
        raise input_error(
            "Dữ liệu nhị phân không được hỗ trợ.",
            [Problem(budget.where(where), "chỉ nhận văn bản, số, ngày, danh sách và bảng khóa: giá trị")],
        )
    return value


class _SafeLoader(yaml.SafeLoader):
    """SafeLoader with fewer surprises: YAML 1.1 booleans like 'no'/'yes' stay
    text (only the canonical true/false spellings are booleans); a value its
    constructor rejects (2024-13-45, an integer of 5000 digits) is a YAML error
    with its line and column, not a bare ValueError; no binary data."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError, TypeError) as exc:
            written = str(getattr(node, "value", ""))[:40]
            if node.tag.endswith(":timestamp"):
                problem = f"'{written}' không phải ngày / giờ có thật (ghi dạng YYYY-MM-DD)"
            elif "digits" in str(exc):
                problem = f"số '{written}…' có quá nhiều chữ số"
            else:
                problem = f"giá trị '{written}' không hợp lệ"
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None


_SafeLoader.yaml_constructors = {
    tag: fn for tag, fn in yaml.SafeLoader.yaml_constructors.items() if tag != "tag:yaml.org,2002:binary"
}


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


# libyaml's parser, when PyYAML has it, is about ten times faster on the criteria
# catalogue. It is only a fast path: whatever it refuses (it is stricter about
# some escapes) is read again by the Python parser, whose answer (the data or
# the error with its line) is the one that counts.
_FastLoader = type("_FastLoader", (yaml.CSafeLoader, _SafeLoader), {}) if yaml.__with_libyaml__ else None


def load_yaml_text(text: str) -> Any:
    if _FastLoader is not None:
        try:
            return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - SafeLoader subclass
        except yaml.YAMLError:
            pass
    return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - SafeLoader subclass


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
            data = load_yaml_text(text)
        else:
            raise input_error(f"Không đọc được {path}: chỉ nhận tệp .yaml, .yml hoặc .json.")
    except json.JSONDecodeError as exc:
        raise input_error(f"Tệp JSON {path} sai cú pháp ở dòng {exc.lineno}, cột {exc.colno}: {exc.msg}.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" ở dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
        problem = _yaml_problem(getattr(exc, "problem", None) or str(exc))
        raise input_error(f"Tệp YAML {path} sai cú pháp{where}: {problem}.") from None
    except RecursionError:
        raise input_error(
            f"Tệp {path} có dữ liệu lồng nhau quá sâu.",
            hint=f"Dữ liệu chỉ được lồng tối đa {MAX_DEPTH} tầng danh sách / bảng.",
        ) from None
    except ValueError:  # json: an integer of more than 4300 digits
        raise input_error(f"Tệp {path} có một số quá nhiều chữ số, không đọc được.") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise input_error(f"Tệp {path} phải chứa một bảng khóa: giá trị ở cấp ngoài cùng.")
    return clean_tree(data, source=str(path))


def _yaml_problem(problem: str) -> str:
    """PyYAML's explanation, in Vietnamese for the cases a clerk meets."""
    if problem.startswith("could not determine a constructor for the tag"):
        tag = problem.split("tag", 1)[1].strip().strip("'")
        return (f"thẻ YAML '{tag}' không được hỗ trợ (chỉ nhận văn bản, số, ngày, danh sách "
                "và bảng khóa: giá trị; không nhận đối tượng Python hay dữ liệu nhị phân)")
    if problem.startswith("found undefined alias"):
        return "tham chiếu " + problem.split("alias", 1)[1].strip() + " chưa được định nghĩa (thiếu &neo tương ứng)"
    return problem
