"""`dossier render`: one document from a template and a data file, or one
document per row of an Excel/CSV list (the mail merge, :mod:`dossier.merge`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import input_error
from ..render import builders
from .app import main, run_command

LIST_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".xls", ".ods")  # the last two: refused with how to save as .xlsx


@main.command("render")
@click.argument("template", metavar="MẪU")
@click.argument("data", metavar="DỮ_LIỆU", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o", "--output", required=True, type=click.Path(path_type=Path),
    help="Tệp kết quả; phần mở rộng chọn định dạng: .docx, .pdf hoặc .html. "
         "Với danh sách Excel/CSV: thư mục kết quả.",
)
@click.option("--sheet", metavar="TÊN", help="Danh sách: tên sheet (mặc định sheet đầu tiên).")
@click.option("--common", type=click.Path(path_type=Path, dir_okay=False), metavar="TỆP",
              help="Danh sách: tệp YAML các trường chung của mọi văn bản (mặc định tệp .yaml cùng tên "
                   "hoặc chung.yaml bên cạnh danh sách).")
@click.option("--name", "name", metavar="MẪU_TÊN",
              help="Danh sách: tên tệp theo một cột hoặc một mẫu, ví dụ \"{stt:02d}-{ten_don_vi}\".")
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf", "both"]), default="both", show_default=True,
              help="Danh sách: định dạng tệp của từng văn bản.")
@click.option("--combined", is_flag=True, help="Danh sách: thêm một tệp PDF gộp mọi văn bản, có mục lục và dấu trang.")
@run_command
def render_command(template: str, data: Path, output: Path, sheet: str | None, common: Path | None,
                   name: str | None, fmt: str, combined: bool) -> None:
    """Tạo một văn bản từ MẪU và tệp DỮ_LIỆU (YAML hoặc JSON), hoặc mỗi dòng
    của danh sách Excel (.xlsx) / CSV một văn bản.

    MẪU là tên một mẫu có sẵn (ví dụ cong-van, to-trinh, bao-cao), hoặc đường
    dẫn tới tệp .docx (thẻ Jinja2 gõ trong Word) hoặc .html.
    """
    if data.suffix.lower() in LIST_SUFFIXES:
        _merge(template, data, output, sheet, common, name, fmt, combined)
        return
    used = [opt for opt, value in (("--sheet", sheet), ("--common", common), ("--name", name),
                                   ("--combined", combined), ("--format", fmt != "both")) if value]
    if used:
        raise input_error(f"Tùy chọn {', '.join(used)} chỉ dùng với danh sách Excel (.xlsx) hoặc CSV.")
    builders.render(template, data, output)
    click.echo(f"Đã tạo {output}")


def _merge(template: str, data: Path, output: Path, sheet: str | None, common: Path | None,
           name: str | None, fmt: str, combined: bool) -> None:
    from ..merge import run_merge

    if output.suffix.lower() in (".docx", ".pdf", ".html") and not output.is_dir():
        raise input_error(f"Với danh sách, -o là thư mục kết quả (mỗi dòng một tệp), không phải tệp {output.name}.",
                          hint=f"Ví dụ: -o {output.with_suffix('')}/")
    formats = ("docx", "pdf") if fmt == "both" else (fmt,)
    tty = sys.stderr.isatty()

    def progress(done: int, total: int, message: str) -> None:
        if tty:
            click.echo(f"\r\033[K{message} ({done}/{total})", nl=False, err=True)

    report = run_merge(template, data, output, sheet=sheet, common=common, name=name, formats=formats,
                       combined=combined, progress=progress)
    if tty:
        click.echo("\r\033[K", nl=False, err=True)
    click.echo(report.summary(detail=False))
    click.echo(f"Báo cáo: {output / 'bao-cao.txt'}, {output / 'bao-cao.json'}")
    sys.exit(report.exit_code)
