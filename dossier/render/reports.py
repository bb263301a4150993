"""The criteria reports as Decree 30 documents: a commune's self-assessment
(báo cáo with its summary table) and the district summary (communes ×
criteria), both landscape so the table fits. Called by ``dossier.report.export``."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from ..compose.report_tables import assessment_table, summary_table
from ..models.document import OfficialDocument, document_view
from ..models.validation import validate
from ..paths import TEMPLATES_DIR
from .docx import render_docx

TEMPLATE = TEMPLATES_DIR / "bang-tong-hop.docx"
UNSIGNED = "………………………"  # the clerk writes the signer's name before signing


def _assessment(ctx: dict[str, Any]) -> tuple[OfficialDocument, Any]:
    unit = ctx["unit"]
    totals = ctx["totals"]
    body: list[Any] = [
        f"Năm {ctx['year']}, {unit['label']} tự đánh giá theo {ctx['criteria_set']['name']} "
        f"({ctx['criteria_set']['basis']}): {totals['text'].lower()}.",
    ]
    if ctx.get("group"):
        body.append(ctx["group"]["text"] + ".")
    body += [f"Lưu ý: {w}." for w in ctx.get("warnings", ())]
    if ctx["missing"]:
        body.append({"heading": "Các tiêu chí chưa đạt", "content": [{"bullets": [
            f"Tiêu chí số {m['stt']} ({m['name']}): " + "; ".join(m["shortfalls"]) for m in ctx["missing"]
        ]}]})
    if ctx["disagreements"]:
        body.append({"heading": "Tự đánh giá khác kết quả tính toán", "content": [{"bullets": list(ctx["disagreements"])}]})
    if ctx["villages"]["total"]:
        body.append(ctx["villages"]["text"] + ".")
    if ctx["unverified_note"]:
        body.append(ctx["unverified_note"])
    if ctx["sample_data"]:
        body.append("Dữ liệu mẫu, không phải số liệu chính thức.")
    data = {
        "kind": "bao-cao",
        "issuer": {"name": ["Ủy ban nhân dân", unit["label"]]},
        "symbol": "BC-UBND",
        "place": unit["name"],
        "year": ctx["year"],
        "subject": f"Kết quả tự đánh giá mức độ đạt các tiêu chí nông thôn mới năm {ctx['year']} của {unit['label']}",
        "recipients": [f"Ủy ban nhân dân huyện {ctx['district']}"] if ctx["district"] else [],
        "body": body,
        "signer": {"authority": "TM. ỦY BAN NHÂN DÂN", "title": "CHỦ TỊCH", "name": UNSIGNED},
        "distribution": ["Như trên"] if ctx["district"] else [],
        "archive": "VT",
        "end_mark": False,  # the table follows the text
    }
    return validate(OfficialDocument, data, "báo cáo đánh giá"), assessment_table(ctx)


def _summary(ctx: dict[str, Any]) -> tuple[OfficialDocument, Any]:
    totals = ctx["totals"]
    unit = ctx["unit_word"]
    names = ", ".join(totals["communes_all_met_names"]) or "chưa có"
    body: list[Any] = [
        f"Tổng hợp kết quả tự đánh giá năm {ctx['year']} của {totals['communes']} {unit} theo "
        f"{ctx['criteria_set']['name']} ({ctx['criteria_set']['basis']}):",
        {"bullets": [
            f"{totals['text']}",
            f"{unit.capitalize()} đạt đủ các tiêu chí: {names}",
            *([totals["villages_text"]] if totals["villages_total"] else []),
            *[f"{g['text']} (số {unit} đạt từng tiêu chí: xem dòng {g['name']} của bảng)" for g in ctx["groups"]],
        ]},
    ]
    if ctx["warnings"]:
        body.append({"heading": "Các điểm cần kiểm tra lại", "content": [{"bullets": list(ctx["warnings"])}]})
    if ctx["unverified_note"]:
        body.append(ctx["unverified_note"])
    body.append("Chi tiết tại bảng tổng hợp dưới đây.")
    if ctx["info"]:
        return _summary_document(ctx, body, ctx["info"]), summary_table(ctx)
    where = ctx["district"] or ctx["province"] or ""
    if ctx["district"]:
        issuer = {"superior": f"UBND huyện {ctx['district']}",
                  "name": ["Phòng Nông nghiệp", "và Phát triển nông thôn"]}
        recipients = [f"Ủy ban nhân dân huyện {ctx['district']}"]
        symbol = "BC-NN"
    else:
        issuer = {"name": ["Ủy ban nhân dân", f"tỉnh {ctx['province']}" if ctx["province"] else ""]}
        recipients, symbol = [], "BC-UBND"
    data = {
        "kind": "bao-cao",
        "issuer": issuer,
        "symbol": symbol,
        "place": where or "…",
        "year": ctx["year"],
        "subject": f"Tổng hợp kết quả thực hiện các tiêu chí nông thôn mới năm {ctx['year']}"
                   + (f" trên địa bàn {ctx['location']}" if ctx["location"] else ""),
        "recipients": recipients,
        "body": body,
        "signer": {"title": "TRƯỞNG PHÒNG" if ctx["district"] else "CHỦ TỊCH", "name": UNSIGNED},
        "distribution": ["Như trên"] if recipients else [],
        "archive": "VT",
        "end_mark": False,  # the table follows the text
    }
    return validate(OfficialDocument, data, "báo cáo tổng hợp"), summary_table(ctx)


def _summary_document(ctx: dict[str, Any], body: list[Any], info: dict[str, Any]) -> OfficialDocument:
    """The summary as issued by the body the data names (tong-hop.yaml)."""
    signer = info["signer"]
    data = {
        "kind": "bao-cao",
        "issuer": {k: v for k, v in info["issuer"].items() if v},
        "symbol": info["symbol"],
        "place": info["place"],
        "year": ctx["year"],
        "subject": f"Tổng hợp kết quả thực hiện các tiêu chí nông thôn mới năm {ctx['year']} trên địa bàn "
                   f"{info['area']}",
        "recipients": info["recipients"],
        "body": body,
        "signer": {"authority": signer["authority"], "title": signer["title"], "name": signer["name"] or UNSIGNED},
        "distribution": info["distribution"] or (["Như trên"] if info["recipients"] else []),
        "archive": info["archive"],
        "end_mark": False,  # the table follows the text
    }
    return validate(OfficialDocument, data, "báo cáo tổng hợp")


BUILDERS = {"assessment": _assessment, "district-summary": _summary}


def render_report_docx(kind: str, ctx: dict[str, Any], out: str | Path) -> Path:
    """Write the report of ``kind`` for ``ctx`` as a DOCX."""
    doc, table = BUILDERS[kind](ctx)
    view = document_view(doc)
    view["table"] = table
    render_docx(TEMPLATE, view, Path(out), title=doc.subject, author=" ".join(doc.issuer.name))
    return Path(out)


def render_report(kind: str, ctx: dict[str, Any], out: str | Path, *, converter=None) -> Path:
    """Write the report of ``kind`` for ``ctx`` as .docx, or .pdf through that DOCX
    (with ``converter``'s warm LibreOffice when given)."""
    out = Path(out)
    if out.suffix.lower() == ".docx":
        return render_report_docx(kind, ctx, out)
    from ..convert import conversion_error, to_pdf

    with tempfile.TemporaryDirectory(prefix="dossier-report-") as tmp:
        docx = render_report_docx(kind, ctx, Path(tmp) / (out.stem + ".docx"))
        if converter is None:
            to_pdf(docx, out)
        else:
            failed = [r for r in converter.convert([(docx, out)]) if not r.ok]
            if failed:
                raise conversion_error(failed)
    return out
