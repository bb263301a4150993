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
@click.option("--fix", "fix", is_flag=True, help="Sửa tự động các lỗi thể thức chắc chắn của tệp .docx (cần -o).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Tệp .docx kết quả của --fix (tệp gốc giữ nguyên).")
@click.option("--in-place", is_flag=True, help="Với --fix: ghi đè lên chính tệp gốc.")
@run_command
def check_command(files: tuple[Path, ...], fmt: str, strict: bool, fix: bool, output: Path | None,
                  in_place: bool) -> None:
    """Kiểm tra thể thức văn bản (.docx hoặc .pdf) theo Nghị định 30/2020/NĐ-CP.

    Mỗi sai sót in một dòng: phần tử, trang, vị trí, điều tìm thấy và quy định.
    Với tệp ho-so.pdf do dossier build tạo (có manifest.json bên cạnh), từng văn
    bản trong hồ sơ được kiểm tra riêng; bìa, mục lục, phụ lục và ảnh được bỏ qua.
    Mã thoát: 0 nếu không có lỗi (cảnh báo không tính), 1 nếu có lỗi, 2 nếu không
    đọc được tệp, tệp là bản quét, hoặc lớp chữ của PDF không đọc được.
    Với --fix TỆP.docx -o TỆP_MỚI.docx: sửa những lỗi máy móc, chắc chắn (khổ
    giấy, lề, phông, cỡ chữ, đậm/nghiêng, số 0 của ngày tháng, gạch nối tiêu ngữ,
    đường kẻ, số trang) mà không đổi chữ của nội dung; in danh sách đã sửa và
    những lỗi cần người soạn sửa.
    """
    if fix or output is not None or in_place:
        _fix(files, fmt, fix, output, in_place)
        return
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


def _fix(files: tuple[Path, ...], fmt: str, fix: bool, output: Path | None, in_place: bool) -> None:
    from ..check.fix import fix_docx
    from ..errors import input_error

    if not fix:
        raise input_error("Tùy chọn -o và --in-place chỉ dùng cùng --fix.")
    if len(files) != 1:
        raise input_error("--fix sửa mỗi lần một tệp .docx.")
    if output is not None and in_place:
        raise input_error("Chọn một trong hai: -o TỆP_MỚI.docx hoặc --in-place.")
    report = fix_docx(files[0], output, in_place=in_place)
    click.echo(report.as_json() if fmt == "json" else report.as_text())
    sys.exit(1 if report.after is not None and report.after.failed() else 0)
