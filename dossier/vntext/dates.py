"""Dates of issue as Decree 30/2020/NĐ-CP writes them: "ngày 04 tháng 11 năm 2024".

Days below 10 and the months 1 and 2 take a leading zero; months 3–12 do not.
Before signing the day and month are left blank: "ngày      tháng      năm 2024".
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..errors import input_error
from .case import nfc

BLANK_GAP = " " * 6  # as in the unsigned seed letter
_DMY = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
_HINT = "Ghi ngày dạng 2024-11-04 (năm-tháng-ngày) hoặc 04/11/2024 (ngày/tháng/năm)."


def to_date(value: Any) -> dt.date:
    """A date from a date, datetime, ISO text '2024-11-04' or '04/11/2024'."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = nfc(value).strip()
        try:
            match = _DMY.fullmatch(text)
            if match:
                day, month, year = (int(g) for g in match.groups())
                return dt.date(year, month, day)
            return dt.datetime.fromisoformat(text).date() if "T" in text or " " in text \
                else dt.date.fromisoformat(text)
        except ValueError:
            pass
    if value is None or value == "":
        raise input_error("Thiếu ngày tháng.", hint=_HINT)
    raise input_error(f"Không đọc được ngày “{value}”.", hint=_HINT)


def _year(year: Any) -> int:
    try:
        number = int(str(year).strip())
    except ValueError:
        number = 0
    if isinstance(year, bool) or not 1 <= number <= 9999:
        raise input_error(f"Năm không hợp lệ: “{year}”.", hint="Ghi năm bằng 4 chữ số, ví dụ 2024.")
    return number


def vn_date_blank(year: Any) -> str:
    """'ngày      tháng      năm 2024': the form left for the signer to fill in."""
    return f"ngày{BLANK_GAP}tháng{BLANK_GAP}năm {_year(year)}"


def vn_date(value: Any, blank: bool = False) -> str:
    """'ngày 04 tháng 11 năm 2024'. ``blank=True`` keeps only the year of
    ``value`` (a date, or just a year): 'ngày      tháng      năm 2024'."""
    if blank:
        if isinstance(value, (int, str)) and not isinstance(value, bool) and str(value).strip().isdigit():
            return vn_date_blank(value)
        return vn_date_blank(to_date(value).year)
    date = to_date(value)
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return f"ngày {date.day:02d} tháng {month} năm {date.year}"


def vn_place_date(value: Any, place: str, year: Any = None) -> str:
    """'Tam Đường, ngày 04 tháng 11 năm 2024'. With no date (None or "") and a
    ``year``: 'Tam Đường, ngày      tháng      năm 2024'."""
    where = nfc(place).strip()
    if not where:
        raise input_error("Thiếu địa danh trước ngày tháng (ví dụ “Tam Đường, ngày …”).")
    if value is None or value == "":
        if year is None or year == "":
            raise input_error("Thiếu ngày tháng, hoặc năm để in mẫu “ngày … tháng … năm …”.", hint=_HINT)
        return f"{where}, {vn_date_blank(year)}"
    return f"{where}, {vn_date(value)}"
