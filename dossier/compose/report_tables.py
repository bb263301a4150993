"""Word tables for the criteria reports, from the plain report contexts of
``dossier.report.context``: the commune's summary table (biểu tổng hợp) and
the district's communes × criteria matrix. Unverified targets keep their mark."""

from __future__ import annotations

from typing import Any

from ..render.tables import Column, Row, TableSpec

UNVERIFIED_MARK = "*"


def assessment_table(ctx: dict[str, Any]) -> TableSpec:
    """STT | Tên tiêu chí | Chỉ tiêu | Mức đạt chuẩn | Kết quả thực hiện | Kết quả đánh giá | Ghi chú."""
    titles = ctx["columns"]
    widths = (13, 42, 82, 30, 30, 24, 31)
    aligns = ("center", "left", "left", "center", "center", "center", "left")
    columns = tuple(Column(t, w, a) for t, w, a in zip(titles, widths, aligns, strict=True))
    rows: list[Row] = []
    for group in ctx["groups"]:
        rows.append(Row((group["title"],), span=True, shaded=True))
        for r in group["rows"]:
            if r["kind"] == "criterion":
                rows.append(Row((r["stt"], r["name"], "", "", "", r["result"], ""), bold=True))
                continue
            target = r["target"] + ("" if r["verified"] else f" {UNVERIFIED_MARK}")
            note = "; ".join(x for x in (r["gap"], r["confidence_note"]) if x)
            if r.get("disagrees") and r.get("self_assessment"):
                note = "; ".join(x for x in (note, f"tự đánh giá ghi '{r['self_assessment']}'") if x)
            rows.append(Row((r["stt"], "", r["name"], target, r["value"], r["result"], note)))
    rows.append(Row((ctx["totals"]["text"],), span=True, bold=True))
    notes = [f"{UNVERIFIED_MARK} Mức đạt chuẩn chưa được đối chiếu với văn bản gốc (chưa xác minh)."] \
        if ctx["unverified_targets"] else []
    basis = ctx["criteria_set"]
    if basis:
        notes.insert(0, f"Bộ tiêu chí áp dụng: {basis['name']} ({basis['basis']}).")
    if ctx.get("group"):
        notes.insert(1, ctx["group"]["text"] + ".")
    notes += [f"Lưu ý: {w}." for w in ctx.get("warnings", ())]
    return TableSpec(columns, tuple(rows), font_size=11, notes=tuple(notes))


def summary_table(ctx: dict[str, Any]) -> TableSpec:
    """STT | Tên xã | 1 … 19 (x = đạt) | Số tiêu chí đạt | Kết quả, with a totals row per criterion."""
    criteria = ctx["criteria"]
    grouped = ctx.get("grouped", False)
    unit = ctx.get("unit_word", "xã")
    marks = [m["mark"] for m in ctx.get("criteria_marks", ())] or [""] * len(criteria)
    narrow = (160 - (16 if grouped else 0)) / max(len(criteria), 1)
    columns = (
        Column("STT", 11, "center"),
        Column(f"Tên {unit}", 33),
        *((Column("Nhóm", 16, "center"),) if grouped else ()),
        *(Column(c["id"] + m, narrow, "center") for c, m in zip(criteria, marks)),
        Column("Số tiêu chí đạt", 22, "center"),
        Column("Kết quả", 26, "center"),
    )
    group_cell = (lambda c: (c["group"],)) if grouped else (lambda c: ())  # noqa: E731
    rows = [
        Row((str(c["stt"]), c["name"] + (" (!)" if c.get("flagged") else ""), *group_cell(c), *c["cells"],
             f"{c['met']}/{c['total']}", c["result"]))
        for c in ctx["communes"]
    ]
    rows.append(Row(("", f"Số {unit} đạt", *(("",) if grouped else ()), *(str(c["communes_met"]) for c in criteria),
                     "", f"{ctx['totals']['communes_all_met']}/{ctx['totals']['communes']}"), bold=True))
    rows += [Row(("", f"{g['name']} ({g['communes']} {unit})", g["id"], *map(str, g["criteria_met"]), "",
                  f"{g['communes_all_met']}/{g['communes']}")) for g in ctx.get("groups", ())]
    notes = ["Ghi chú: x là tiêu chí đạt chuẩn; " + "; ".join(f"({c['id']}) {c['name']}" for c in criteria) + "."]
    if ctx["unverified_targets"]:
        notes.append(ctx["unverified_note"] + (f" Tiêu chí ghi {UNVERIFIED_MARK} có chỉ tiêu như vậy." if any(marks)
                                               else ""))
    notes += [f"(!) {w}." for w in ctx.get("warnings", ())]
    return TableSpec(columns, tuple(rows), font_size=10, notes=tuple(notes))
