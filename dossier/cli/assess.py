"""`dossier assess`, `dossier summary`, `dossier excel-template`: NTM criteria
assessment of one commune, the district summary, and the blank Excel form."""

from __future__ import annotations

from pathlib import Path

import click

from ..criteria import evaluate, load_assessment, load_folder, registry, summarise
from ..report import assessment_context, assessment_text, export, summary_context, summary_text
from .app import main, run_command

OUTPUT_HELP = "Ghi kết quả ra tệp .xlsx, .docx hoặc .pdf (theo phần mở rộng của tên tệp)."


def _warn(warnings) -> None:
    for w in warnings:
        click.echo(f"Cảnh báo: {w}", err=True)


@main.command("assess")
@click.argument("data", metavar="DỮ_LIỆU", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help=OUTPUT_HELP)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Kiểu kết quả: chữ (cho người đọc) hoặc JSON (cho máy).")
@run_command
def assess_command(data: Path, output: Path | None, fmt: str) -> None:
    """Đánh giá mức độ đạt các tiêu chí nông thôn mới của một xã.

    DỮ_LIỆU là tệp số liệu của xã (.yaml hoặc biểu mẫu Excel .xlsx). Kết quả Đạt/Chưa
    đạt được tính từ số liệu và mức đạt chuẩn của bộ tiêu chí, không nhập tay.
    Với --format json, kết quả (cả các cảnh báo) in ra dạng JSON; thông báo khác vào stderr.
    """
    warnings: list = []
    result = evaluate(load_assessment(data, warnings))
    ctx = assessment_context(result)
    _warn(warnings)
    if fmt == "json":
        from ..report.json_report import assessment_json

        click.echo(assessment_json(result, warnings))
    else:
        click.echo(assessment_text(ctx))
    if output:
        export(ctx, "assessment", output)
        click.echo(f"Đã ghi {output}", err=fmt == "json")


@main.command("summary")
@click.argument("folder", metavar="THƯ_MỤC", type=click.Path(path_type=Path, file_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help=OUTPUT_HELP)
@click.option("--info", "info_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Tệp mô tả báo cáo tổng hợp (địa bàn, cơ quan ban hành, nơi nhận, người ký); mặc định là "
                   "tong-hop.yaml bên cạnh THƯ_MỤC nếu có.")
@run_command
def summary_command(folder: Path, output: Path | None, info_file: Path | None) -> None:
    """Tổng hợp kết quả các tiêu chí của tất cả các xã trong một thư mục.

    THƯ_MỤC chứa một tệp số liệu (.yaml hoặc .xlsx) cho mỗi xã. Với bộ tiêu chí phân
    nhóm xã, kết quả được đếm riêng cho từng nhóm.
    """
    from ..criteria.summary import folder_info, load_info

    warnings: list = []
    results = load_folder(folder, warnings)
    info = load_info(info_file) if info_file else folder_info(folder.parent)
    ctx = summary_context(summarise(results, info))
    _warn(warnings)
    click.echo(summary_text(ctx))
    if output:
        export(ctx, "district-summary", output)
        click.echo(f"Đã ghi {output}")


@main.command("excel-template")
@click.option("--set", "set_id", default=None,
              help="Mã bộ tiêu chí (xem danh sách bằng --list); mặc định: bộ tiêu chí của quy định ghi đè (--override) "
                   "nếu có, nếu không thì bộ tiêu chí áp dụng cho năm --year.")
@click.option("--year", type=click.IntRange(2000, 2100), default=None,
              help="Năm đánh giá, để chọn bộ tiêu chí còn thời hạn áp dụng (mặc định: năm hiện tại).")
@click.option("--override", default=None, help="Mã quy định của tỉnh ghi đè mức đạt chuẩn, ví dụ lai-chau-1487-2024.")
@click.option("--villages", "village_columns", type=click.IntRange(0, 200), default=10, show_default=True,
              help="Số cột thôn, bản trong sheet 'Thôn bản'.")
@click.option("--list", "list_sets", is_flag=True, help="Liệt kê các bộ tiêu chí và quy định của tỉnh rồi thoát.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Tệp .xlsx sẽ tạo.")
@run_command
def excel_template_command(set_id: str | None, year: int | None, override: str | None, village_columns: int,
                           list_sets: bool, output: Path | None) -> None:
    """Tạo biểu mẫu Excel trống để cán bộ xã nhập số liệu đánh giá tiêu chí."""
    from ..errors import input_error
    from ..report.form import form_set, write_form

    sets = registry()
    if list_sets:
        for sid in sets.ids():
            cset = sets.get(sid)
            grouped = "; mức đạt chuẩn theo nhóm xã" if cset.commune_groups else ""
            click.echo(f"{sid}: {cset.name} ({cset.basis}) — {cset.unit_type}, giai đoạn "
                       f"{cset.period[0]}–{cset.period[1]}{grouped}")
        for oid in sets.override_ids():
            o = sets.overrides[oid]
            click.echo(f"{oid} (ghi đè {o.base}): {o.name} ({o.basis})")
        return
    if output is None:
        raise input_error("Thiếu tên tệp kết quả.", hint="Thêm -o TÊN-TỆP.xlsx.")
    if output.suffix.lower() != ".xlsx":
        raise input_error(f"Biểu mẫu phải là tệp .xlsx, nhận được “{output.name}”.")
    if set_id is None:
        set_id = form_set(sets, year, override)
    write_form(output, set_id, override, village_columns=village_columns)
    click.echo(f"Đã tạo biểu mẫu {output}")
