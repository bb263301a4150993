"""`dossier check`: check the layout of a DOCX or PDF against Decree 30/2020."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..check import check_path
from .app import main, run_command


@main.command("check")
@click.argument("files", metavar="TỆP...", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Kiểu kết quả: chữ (cho người đọc) hoặc JSON (cho máy).")
@click.option("--strict", is_flag=True, help="Coi cả cảnh báo là lỗi (mã thoát 1).")
@run_command
def check_command(files: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """Kiểm tra thể thức văn bản (.docx hoặc .pdf) theo Nghị định 30/2020/NĐ-CP.

    Mỗi sai sót in một dòng: phần tử, trang, vị trí, điều tìm thấy và quy định.
    Với tệp ho-so.pdf do dossier build tạo (có manifest.json bên cạnh), từng văn
    bản trong hồ sơ được kiểm tra riêng; bìa, mục lục, phụ lục và ảnh được bỏ qua.
    Mã thoát: 0 nếu không có lỗi (cảnh báo không tính), 1 nếu có lỗi, 2 nếu không
    đọc được tệp, tệp là bản quét, hoặc lớp chữ của PDF không đọc được.
    """
    reports = [report for path in files for report in check_path(path)]
    if fmt == "json":
        if len(reports) == 1:
            click.echo(reports[0].as_json())
        else:
            click.echo("[" + ",\n".join(r.as_json() for r in reports) + "]")
    else:
        click.echo("\n\n".join(r.as_text() for r in reports))
    if any(r.unreadable for r in reports):
        sys.exit(2)  # the text layer could not be read: what was checked is only part of the form
    sys.exit(1 if any(r.failed(strict) for r in reports) else 0)
