"""`dossier merge-communes`: the merged commune's data file from its predecessors' files."""

from __future__ import annotations

from pathlib import Path

import click

from .app import main, run_command


@main.command("merge-communes")
@click.argument("files", metavar="TỆP_XÃ_CŨ…", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("--into", required=True, metavar="TÊN", help="Tên đơn vị mới, ví dụ \"Bình Lư\".")
@click.option("--code", required=True, metavar="MÃ", help="Mã đơn vị hành chính mới, ví dụ 03390.")
@click.option("--type", "unit_type", default="xã", metavar="LOẠI", show_default=True, help="Loại đơn vị mới (xã, phường…).")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Tệp số liệu của đơn vị mới (.yaml).")
@click.option("--thu-thap-lai", "recollect", is_flag=True,
              help="Chỉ tiêu tỷ lệ chỉ có số % (không có tử số, mẫu số): đưa vào danh sách cần thu thập lại "
                   "thay vì dừng.")
@run_command
def merge_communes_command(files: tuple[Path, ...], into: str, code: str, unit_type: str, output: Path,
                           recollect: bool) -> None:
    """Hợp nhất số liệu của các xã cũ thành số liệu của xã mới sau sắp xếp.

    Số đếm được cộng, tỷ lệ tính lại từ tử số và mẫu số, chỉ tiêu có/không lấy theo
    xã yếu nhất; mỗi giá trị ghi rõ nguồn. In danh sách những gì cần thu thập lại.
    """
    from ..criteria.merge_write import merge_communes

    result = merge_communes(list(files), into, code, output, unit_type=unit_type, recollect=recollect)
    for warning in result.warnings:
        click.echo(f"Cảnh báo: {warning}", err=True)
    m = result.merged
    click.echo(f"Đã ghi {result.output}: {m.unit_type} {m.name} (mã {m.code}) từ {len(m.predecessors)} đơn vị, "
               f"{len(m.indicators)} chỉ tiêu tính được.")
    if m.collect_again:
        click.echo("Cần thu thập lại:")
        for what, why in m.collect_again:
            click.echo(f"  - {what}: {why}")
