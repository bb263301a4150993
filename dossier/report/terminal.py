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
    if ctx.get("group"):
        head.append(ctx["group"]["text"])
    head += [f"Cảnh báo: {w}" for w in ctx.get("warnings", ())]
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
    ids = [c["id"] + m["mark"] for c, m in zip(ctx["criteria"], ctx["criteria_marks"])]
    head = [f"Tổng hợp kết quả thực hiện các tiêu chí nông thôn mới năm {ctx['year']}"
            + (f" – {ctx['location']}" if ctx["location"] else ""),
            f"Bộ tiêu chí: {ctx['criteria_set']['name']}", ""]
    grouped = ctx["grouped"]
    group_col = (lambda c: [c["group"]]) if grouped else (lambda c: [])  # noqa: E731
    rows = [[str(c["stt"]), c["name"] + (" (!)" if c["flagged"] else ""), *group_col(c), *c["cells"],
             f"{c['met']}/{c['total']}", f"{c['villages_met']}/{c['villages_total']}"] for c in ctx["communes"]]
    rows.append(["", f"Số {ctx['unit_word']} đạt", *([""] if grouped else []),
                 *[str(c["communes_met"]) for c in ctx["criteria"]], "", ""])
    for g in ctx["groups"]:
        rows.append(["", f"– {g['name']} ({g['communes']})", g["id"], *map(str, g["criteria_met"]),
                     f"{g['communes_all_met']}/{g['communes']}", ""])
    lines = head + _table(["STT", ctx["unit_word"].capitalize(), *(["Nhóm"] if grouped else []), *ids, "Đạt",
                           "Bản đạt"], rows)
    t = ctx["totals"]
    names = ", ".join(t["communes_all_met_names"]) or "không có"
    lines += ["", t["text"], f"Các {ctx['unit_word']} đạt đủ tiêu chí: {names}", t["villages_text"]]
    if grouped:
        lines += [f"Theo nhóm: {ctx['groups_text']}"]
    if ctx["unverified_note"]:
        lines += [ctx["unverified_note"] + " Tiêu chí có dấu * có chỉ tiêu như vậy."]
    lines += [f"Cảnh báo (!) {w}" for w in ctx["warnings"]]
    return "\n".join(lines)
