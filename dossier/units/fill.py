"""Filling a dossier file's addressing from the unit data: a file that names
``unit: "<code>"`` may leave out its issuer, place, recipient, the agency it
goes through and its signer; what it gives itself always wins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..errors import Problem, input_error
from .parties import party
from .registry import Units, bundled_units


def reference_day(data: Mapping[str, Any]) -> dt.date | None:
    """The day the dossier's units are looked up on: its meeting, else its latest document date."""
    meeting = data.get("meeting")
    if isinstance(meeting, Mapping) and isinstance(meeting.get("date"), dt.date):
        return meeting["date"]
    dates = [ref.get("date") for ref in (data.get("documents") or {}).values() if isinstance(ref, Mapping)]
    dates = [d for d in dates if isinstance(d, dt.date)]
    return max(dates) if dates else None


def fill_from_units(data: dict[str, Any], routes: Mapping[str, Mapping[str, str] | None], source: str,
                    units: Units | None = None) -> tuple[dict[str, Any], list[str]]:
    """``data`` with the missing addressing filled from its ``unit``; and warnings (sample signers)."""
    code = data.get("unit")
    if code is None:
        return data, []
    day = reference_day(data)
    if day is None:
        raise input_error(f"{source}: cần ngày họp (meeting.date) hoặc ngày của một văn bản để tra đơn vị hành chính.",
                          [Problem(f"{source}, trường unit", f"mã {code}")])
    units = units or bundled_units()
    unit = units.find(str(code), day)
    own = party(units, unit, None, day)
    out = dict(data)
    out.setdefault("issuer", own.issuer)
    out.setdefault("place", own.place)
    warnings = []
    if "signer" not in out:
        out["signer"] = own.signer()
        if own.signer_is_sample:
            warnings.append(f"Người ký của {own.name} lấy từ dữ liệu mẫu về đơn vị hành chính: cần thay bằng người ký thật.")
    if routes.get("recipient") is not None:
        out.setdefault("recipient", party(units, unit, routes["recipient"], day, f"{source}, route.recipient").name)
    if routes.get("through") is not None:
        out.setdefault("through", party(units, unit, routes["through"], day, f"{source}, route.through").name)
    if not unit.verified:
        warnings.append(f"Thông tin đơn vị {unit.full_name} (mã {unit.code}) chưa xác minh: {unit.row.mark}.")
    return out, warnings
