"""Plain-text tables for the terminal, built from the report contexts."""

from __future__ import annotations

from typing import Any


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    line = "  ".join("-" * w for w in widths)
    fmt = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return [fmt(headers), line, *[fmt(r) for r in rows]]


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def assessment_text(ctx: dict[str, Any]) -> str:
    unit = ctx["unit"]["label"]
    head = [f"Kết quả đánh giá {unit}" + (f", {ctx['location']}" if ctx["location"] else "") + f" năm {ctx['year']}",
            f"Bộ tiêu chí: {ctx['criteria_set']['name']} ({ctx['criteria_set']['basis']})"]
    if ctx["sample_data"]:
        head.append(f"({ctx['note'] or 'Dữ liệu mẫu'})")
    missing = {m["stt"]: m for m in ctx["missing"]}
    rows = []
    for group in ctx["groups"]:
        for row in group["rows"]:
            if row["kind"] != "criterion":
                continue
            gap = "; ".join(missing[row["stt"]]["shortfalls"]) if row["stt"] in missing else ""
            rows.append([row["stt"], _cut(row["name"], 40), row["result"], gap])
    lines = head + [""] + _table(["TC", "Tên tiêu chí", "Kết quả", "Còn thiếu"], rows)
    lines += ["", ctx["totals"]["text"]]
    if ctx["disagreements"]:
        lines += ["", "Tự đánh giá khác kết quả tính được:"] + [f"  - {d}" for d in ctx["disagreements"]]
    villages = ctx["villages"]
    if villages["total"]:
        lines += ["", f"Thôn, bản ({villages['criteria_set']['name']}):"]
        vrows = [[str(v["stt"]), v["name"], f"{v['met']}/{v['total']}", v["result"], "; ".join(v["missing"])]
                 for v in villages["rows"]]
        lines += _table(["STT", "Tên thôn, bản", "Đạt", "Kết quả", "Còn thiếu"], vrows)
        lines += [villages["text"]]
    if ctx["unverified_note"]:
        lines += ["", ctx["unverified_note"]]
    return "\n".join(lines)


def summary_text(ctx: dict[str, Any]) -> str:
    ids = [c["id"] for c in ctx["criteria"]]
    head = [f"Tổng hợp kết quả thực hiện các tiêu chí nông thôn mới năm {ctx['year']}"
            + (f" – {ctx['location']}" if ctx["location"] else ""),
            f"Bộ tiêu chí: {ctx['criteria_set']['name']}", ""]
    rows = [[str(c["stt"]), c["name"], *c["cells"], f"{c['met']}/{c['total']}",
             f"{c['villages_met']}/{c['villages_total']}"] for c in ctx["communes"]]
    rows.append(["", "Số xã đạt", *[str(c["communes_met"]) for c in ctx["criteria"]], "", ""])
    lines = head + _table(["STT", "Xã", *ids, "Đạt", "Bản đạt"], rows)
    t = ctx["totals"]
    names = ", ".join(t["communes_all_met_names"]) or "không có"
    lines += ["", t["text"], f"Các xã đạt đủ tiêu chí: {names}", t["villages_text"]]
    if ctx["unverified_note"]:
        lines += [ctx["unverified_note"]]
    return "\n".join(lines)
