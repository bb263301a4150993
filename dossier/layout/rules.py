"""Typed, read-only access to the Decree 30/2020 rule data in ``decree30.yaml``.

Both the template builder and ``dossier check`` read the layout numbers from
here, so the ranges exist once. Two ways in:

* attribute access on the loaded tree::

      from dossier.layout.rules import rules
      rules().page.margins_mm.top.min          # 20
      rules().elements.quoc_hieu.size_pt.max   # 13
      rules()["elements"]["tieu_ngu"]["text"]  # plain mapping access works too

* helper functions returning :class:`Range` objects::

      margin_range("left")        # Range(min=30.0, max=35.0)
      size_range("noi_nhan_list") # Range(min=11.0, max=11.0)
      margin_range("left").contains(29.7, tolerance_mm())  # True

Sizes are in points, lengths in millimetres.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..load.files import load_yaml_text

RULES_FILE = Path(__file__).with_name("decree30.yaml")
SIDES = ("top", "bottom", "left", "right")


class Node(Mapping):
    """A read-only mapping whose keys are also attributes (``node.page.size_mm``)."""

    __slots__ = ("_data", "_path")

    def __init__(self, data: Mapping[str, Any], path: str = "") -> None:
        object.__setattr__(self, "_data", dict(data))
        object.__setattr__(self, "_path", path)

    def _wrap(self, key: str, value: Any) -> Any:
        where = f"{self._path}.{key}" if self._path else str(key)
        if isinstance(value, Mapping):
            return Node(value, where)
        if isinstance(value, list):
            return tuple(Node(v, where) if isinstance(v, Mapping) else v for v in value)
        return value

    def __getitem__(self, key: str) -> Any:
        return self._wrap(key, self._data[key])

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(f"decree30.yaml has no '{self._path + '.' if self._path else ''}{key}'") from None

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("layout rules are read-only")

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Node({self._path or 'root'}: {sorted(self._data)})"

    def plain(self) -> dict[str, Any]:
        """A deep copy as plain dicts and lists."""
        import copy

        return copy.deepcopy(self._data)


@dataclass(frozen=True)
class Range:
    """A closed range of allowed values (points or millimetres)."""

    min: float
    max: float

    def contains(self, value: float, tolerance: float = 0.0) -> bool:
        return self.min - tolerance <= value <= self.max + tolerance

    def __str__(self) -> str:
        return _num(self.min) if self.min == self.max else f"{_num(self.min)}–{_num(self.max)}"


def _num(value: float) -> str:
    """12.0 -> '12', 12.7 -> '12,7' (Vietnamese decimal comma)."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


@functools.lru_cache(maxsize=1)
def rules() -> Node:
    """The whole rule tree (loaded once per process)."""
    return Node(load_yaml_text(RULES_FILE.read_text(encoding="utf-8")))  # libyaml: 7 ms instead of 53


def margin_range(side: str) -> Range:
    """Allowed margin in mm for ``side`` (top, bottom, left, right)."""
    if side not in SIDES:
        raise ValueError(f"unknown margin side {side!r}; use one of {SIDES}")
    m = rules().page.margins_mm[side]
    return Range(float(m.min), float(m.max))


def tolerance_mm() -> float:
    """Rounding allowance when comparing lengths (twips/points → mm)."""
    return float(rules().page.checker_tolerance_mm)


def page_size_mm() -> tuple[float, float]:
    """(width, height) of the required paper, portrait."""
    size = rules().page.size_mm
    return float(size.width), float(size.height)


def element(name: str) -> Node:
    """The typography rules of one element (``quoc_hieu``, ``noi_nhan_list`` …)."""
    try:
        return rules().elements[name]
    except KeyError:
        raise KeyError(f"decree30.yaml has no element {name!r}") from None


def size_range(name: str) -> Range:
    """Allowed font size in points for element ``name`` (``body`` and
    ``page_number`` are accepted too)."""
    if name == "body":
        node = rules().body.size_pt
    else:
        node = element(name).size_pt
    return Range(float(node.min), float(node.max))


def usual_size(name: str) -> float:
    """The size the decree's templates use for element ``name``."""
    node = rules().body.size_pt if name == "body" else element(name).size_pt
    return float(node.usual)


def first_line_indents_mm() -> tuple[float, ...]:
    """The two allowed first-line indents of body text (1 cm, 1.27 cm)."""
    return tuple(float(v) for v in rules().body.first_line_indent_mm.allowed)


def regex(path: str) -> re.Pattern[str]:
    """A compiled pattern named by a dotted path, e.g. ``regex('date.regex')``."""
    return _compile(path)


@functools.lru_cache(maxsize=64)
def _compile(path: str) -> re.Pattern[str]:
    node: Any = rules()
    for part in path.split("."):
        node = node[part]
    return re.compile(node)


def severity_of(confidence: str) -> str:
    """'error' for rules the decree states, 'warning' for template/practice ones."""
    return str(rules().severity.get(confidence, "warning"))


def check_info(check_id: str) -> Node:
    """The registry entry of one check: element label and confidence."""
    return rules().checks[check_id]


def check_severity(check_id: str) -> str:
    return severity_of(check_info(check_id).confidence)
