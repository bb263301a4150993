"""Target comparators as a table: how a value is held against a target.
Adding a comparator is one more entry in :data:`COMPARATORS`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .units import FLAG, NUMBER, TEXT, Unit

Value = Decimal | str


@dataclass(frozen=True)
class Comparator:
    op: str  # as written in the set files
    kind: str  # the unit kind it works on (NUMBER or FLAG)
    symbol: str  # shown before the threshold: "≥ 70%"
    met: Callable[[Value, "Decimal | tuple[str, ...]"], bool]
    # how far from the target a failing value is: ("thiếu" | "vượt", amount), None if met or not measurable
    gap: Callable[[Value, "Decimal | tuple[str, ...]"], tuple[str, Decimal] | None] = lambda value, threshold: None


def _short_of(value: Decimal, threshold: Decimal) -> tuple[str, Decimal] | None:
    return ("thiếu", threshold - value) if value < threshold else None


def _over(value: Decimal, threshold: Decimal) -> tuple[str, Decimal] | None:
    return ("vượt", value - threshold) if value > threshold else None


def _off(value: Decimal, threshold: Decimal) -> tuple[str, Decimal] | None:
    return _short_of(value, threshold) or _over(value, threshold)


COMPARATORS: dict[str, Comparator] = {
    ">=": Comparator(">=", NUMBER, "≥", lambda v, t: v >= t, _short_of),
    "<=": Comparator("<=", NUMBER, "≤", lambda v, t: v <= t, _over),
    "=": Comparator("=", NUMBER, "", lambda v, t: v == t, _off),
    # yes/no facts: the value must be the unit's "good" answer ("Đạt"; "Không" for must-be-none)
    "dat": Comparator("dat", FLAG, "", lambda v, t: v == "Đạt"),
    "khong": Comparator("khong", FLAG, "", lambda v, t: v == "Không"),
    "one_of": Comparator("one_of", TEXT, "một trong:", lambda v, t: v in t),
}


def comparator(op: str) -> Comparator:
    return COMPARATORS[op]


def fits(op: str, unit: Unit) -> bool:
    """Whether a comparator can judge values of ``unit``."""
    return op in COMPARATORS and COMPARATORS[op].kind == unit.kind
