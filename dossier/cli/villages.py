"""`dossier villages`, `dossier plan`, `dossier plans`: villages meeting the
province's criteria (per commune and against the programme's target), one
commune's yearly plan, every commune's plan with the district table."""

from __future__ import annotations

from pathlib import Path

import click

from .app import main, run_command

SETTINGS_HELP = "Tệp thiết lập kế hoạch (ví dụ samples/tam-duong/plans/ke-hoach-2025.yaml): năm, nhiệm vụ, kinh phí, người ký, mục tiêu số bản."


def say(message: str) -> None:
    """Progress, printed by whichever process does the work (a warm worker prints on our stdout)."""
    click.echo(f"  … {message}")


@main.command("villages")
@click.argument("folder", metavar="THƯ_MỤC", type=click.Path(path_type=Path, file_okay=False))
@click.option("--settings", type=click.Path(path_type=Path, dir_okay=False), help=SETTINGS_HELP)
@click.option("--target", type=click.IntRange(1, 100000), default=None,
              help="Mục tiêu số bản đạt chuẩn (thay cho mục villages_target trong tệp thiết lập).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Ghi danh sách ra tệp .xlsx.")
@run_command
def villages_command(folder: Path, settings: Path | None, target: int | None, output: Path | None) -> None:
    """Liệt kê các bản đạt chuẩn nông thôn mới theo Bộ tiêu chí của tỉnh, theo từng xã
    và toàn huyện, so với mục tiêu.

    THƯ_MỤC chứa tệp số liệu đánh giá của từng xã (có mục villages).
    """
    from ..pipeline.warm import in_worker

    for line in in_worker("dossier.pipeline.listing:village_list", folder, settings, target, output):
        click.echo(line)
    if output is not None:
        click.echo(f"Đã ghi {output}")


@main.command("plan")
@click.argument("data", metavar="DỮ_LIỆU", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--settings", type=click.Path(path_type=Path, dir_okay=False), help=SETTINGS_HELP)
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Tệp kết quả .docx (để sửa trước khi ký) hoặc .pdf.")
@run_command
def plan_command(data: Path, settings: Path | None, output: Path) -> None:
    """Lập kế hoạch thực hiện Chương trình năm tới của một xã: mỗi tiêu chí chưa đạt
    một mục, có mức còn thiếu, nhiệm vụ, đơn vị chủ trì, thời hạn, kinh phí.

    DỮ_LIỆU là tệp số liệu đánh giá của xã (.yaml hoặc .xlsx).
    """
    from ..pipeline.plans import build_plan

    plan = build_plan(data, output, settings_file=settings)
    missing = ", ".join(s.id for s in plan.sections) or "không có"
    click.echo(f"Đã tạo {output}: kế hoạch năm {plan.year} của {plan.result.label}; tiêu chí chưa đạt: {missing}.")


@main.command("plans")
@click.argument("folder", metavar="THƯ_MỤC", type=click.Path(path_type=Path, file_okay=False))
@click.option("--settings", type=click.Path(path_type=Path, dir_okay=False), help=SETTINGS_HELP)
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Thư mục kết quả (ví dụ build/ke-hoach-2025).")
@click.option("-q", "--quiet", is_flag=True, help="Không in tiến trình.")
@run_command
def plans_command(folder: Path, settings: Path | None, output: Path, quiet: bool) -> None:
    """Lập kế hoạch năm tới của mọi xã trong THƯ_MỤC (Word và PDF) và bảng tổng hợp
    kế hoạch các xã (Word, PDF, Excel)."""
    from ..pipeline.warm import in_worker
    from ..vntext.numbers import vn_number

    result = in_worker("dossier.pipeline.plans:build_plans", folder, output, settings_file=settings,
                       progress=None if quiet else say)
    total = sum(p.total for p in result.facts)
    click.echo(f"Đã tạo {len(result.facts)} kế hoạch và bảng tổng hợp trong {output} "
               f"(tổng kinh phí dự kiến {vn_number(total)} đồng).")
