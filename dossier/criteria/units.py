"""Units of indicator values, as a table: how a value is written, read and
compared. A new unit is one more entry in :data:`UNITS`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..errors import DossierError
from ..vntext.numbers import to_decimal

NUMBER = "number"
FLAG = "flag"
TEXT = "text"  # free text judged against a list (one_of)


class ValueProblem(ValueError):
    """A value that cannot be read for its unit; the text is Vietnamese."""


@dataclass(frozen=True)
class Unit:
    code: str  # as written in the set files: pct, dat, ...
    kind: str  # NUMBER or FLAG
    label: str  # shown after a number ("%") or as the unit column ("Đạt/Không đạt")
    expect: str  # "cần …" in error messages
    gap_word: str = ""  # "thiếu 5 điểm %"
    spellings: tuple[str, ...] = ()  # unit suffixes accepted after a number in text
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    choices: tuple[tuple[str, str], ...] = ()  # FLAG: (written form, canonical value)
    yes: str = ""  # FLAG: canonical "good" value
    from_bool: tuple[str, str] = ()  # FLAG: canonical values for true / false
    from_count: tuple[str, str] = ()  # FLAG: canonical values for 0 / more than 0

    def format(self, value: Decimal | str | None) -> str:
        from ..vntext import vn_number

        if value is None:
            return ""
        if self.kind != NUMBER:
            return str(value)
        return f"{vn_number(value)}{self.suffix}"

    @property
    def suffix(self) -> str:
        return "%" if self.label == "%" else f" {self.label}"

    def canonical_choices(self) -> list[str]:
        return list(dict.fromkeys(c for _, c in self.choices))

    def parse(self, raw: Any) -> Decimal | str:
        """The canonical value for ``raw`` (a number, or text as typed); raises ValueProblem."""
        if self.kind == FLAG:
            return self._parse_flag(raw)
        if self.kind == TEXT:
            if raw is None or not str(raw).strip():
                raise ValueProblem(f"cần {self.expect}, nhận được {_shown(raw)}")
            return str(raw).strip()
        return self._check_range(self._parse_number(raw), raw)

    def _parse_flag(self, raw: Any) -> str:
        if isinstance(raw, bool) and self.from_bool:
            return self.from_bool[0] if raw else self.from_bool[1]
        if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool) and self.from_count and raw >= 0:
            return self.from_count[0] if raw == 0 else self.from_count[1]
        text = str(raw).strip().lower() if raw is not None else ""
        for written, canonical in self.choices:
            if text == written:
                return canonical
        raise ValueProblem(f"cần {self.expect}, nhận được {_shown(raw)}")

    def _parse_number(self, raw: Any) -> Decimal:
        if isinstance(raw, bool) or raw is None:
            raise ValueProblem(f"cần {self.expect}, nhận được {_shown(raw)}")
        if isinstance(raw, str):
            text = raw.strip()
            for spelling in sorted(self.spellings, key=len, reverse=True):
                if text.lower().endswith(spelling):
                    text = text[: -len(spelling)].strip()
                    break
            else:
                other = _other_unit(text, self)
                if other is not None:
                    raise ValueProblem(
                        f"sai đơn vị: chỉ tiêu tính bằng {self.label}, nhận được {_shown(raw)} ({other.label})"
                    )
            raw = text
        try:
            return to_decimal(raw)
        except DossierError:
            raise ValueProblem(f"cần {self.expect}, nhận được {_shown(raw)}") from None

    def _check_range(self, value: Decimal, raw: Any) -> Decimal:
        if self.minimum is not None and value < self.minimum or self.maximum is not None and value > self.maximum:
            low = "" if self.minimum is None else _plain(self.minimum)
            high = "" if self.maximum is None else _plain(self.maximum)
            span = f"từ {low} đến {high}" if high else f"không nhỏ hơn {low}"
            raise ValueProblem(f"giá trị {_shown(raw)} ngoài khoảng cho phép ({span} {self.label})")
        return value


def _plain(value: Decimal) -> str:
    from ..vntext import vn_number

    return vn_number(value)


def _shown(raw: Any) -> str:
    if raw is None or raw == "":
        return "ô trống" if raw == "" else "giá trị trống"
    return f"'{raw}'"


def _other_unit(text: str, unit: Unit) -> Unit | None:
    lowered = text.lower()
    for other in UNITS.values():
        if other is not unit and any(lowered.endswith(s) for s in other.spellings):
            return other
    return None


ZERO = Decimal(0)

UNITS: dict[str, Unit] = {
    "pct": Unit(
        "pct", NUMBER, "%", "một số phần trăm", "điểm %", spellings=("%", "phần trăm"),
        minimum=ZERO, maximum=Decimal(100),
    ),
    "trieu_dong_nguoi": Unit(
        "trieu_dong_nguoi", NUMBER, "triệu đồng/người/năm", "một số tiền (triệu đồng/người/năm)",
        "triệu đồng/người/năm", spellings=("triệu đồng/người/năm", "triệu đồng/người", "triệu đồng", "triệu"),
        minimum=ZERO,
    ),
    "m2_nguoi": Unit(
        "m2_nguoi", NUMBER, "m²/người", "một số (m²/người)", "m²/người",
        spellings=("m²/người", "m2/người", "m²", "m2"), minimum=ZERO,
    ),
    "count": Unit("count", NUMBER, "đơn vị", "một số lượng", "đơn vị", minimum=ZERO),
    "text": Unit("text", TEXT, "", "một nội dung bằng chữ"),
    "dat": Unit(
        "dat", FLAG, "Đạt/Không đạt", "'Đạt' hoặc 'Không đạt'",
        choices=(("đạt", "Đạt"), ("có", "Đạt"), ("x", "Đạt"), ("không đạt", "Không đạt"),
                 ("chưa đạt", "Không đạt"), ("không", "Không đạt")),
        yes="Đạt", from_bool=("Đạt", "Không đạt"),
    ),
    "khong": Unit(
        "khong", FLAG, "Không/Có", "'Không' hoặc 'Có'",
        choices=(("không", "Không"), ("không có", "Không"), ("có", "Có")),
        yes="Không", from_count=("Không", "Có"),
    ),
}


def unit(code: str) -> Unit:
    return UNITS[code]
