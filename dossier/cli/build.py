"""`dossier build`: a commune's recognition dossier from its dossier file."""

from __future__ import annotations

from pathlib import Path

import click

from ..pipeline.registry import pipeline_for
from .app import main, run_command


@main.command("build")
@click.argument("data", metavar="DỮ_LIỆU", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Thư mục kết quả (ví dụ build/son-binh/ho-so).")
@click.option("--draft", is_flag=True,
              help="Dự thảo: vẫn ghép khi còn thiếu thành phần, đánh dấu phần thiếu trong mục lục "
                   "và đóng dấu 'DỰ THẢO' trên mọi trang.")
@click.option("--allow-outside", is_flag=True,
              help="Cho phép dữ liệu dẫn tới tệp nằm ngoài thư mục chứa tệp hồ sơ.")
@click.option("--depfile", type=click.Path(path_type=Path, dir_okay=False),
              help="Ghi danh sách tệp đầu vào (cho make) vào tệp này.")
@click.option("-q", "--quiet", is_flag=True, help="Không in tiến trình.")
@click.option("--sign", "sign_config", type=click.Path(path_type=Path, dir_okay=False),
              help="Ký số hồ sơ theo tệp cấu hình (YAML: người ký từng văn bản, khóa và con dấu của cơ quan): "
                   "mỗi văn bản được ký và giữ lại (*.ky-so.pdf), ho-so.pdf được ký là bản sao điện tử.")
@run_command
def build_command(data: Path, output: Path, draft: bool, allow_outside: bool, depfile: Path | None,
                  quiet: bool, sign_config: Path | None) -> None:
    """Tạo hồ sơ đề nghị xét, công nhận từ tệp hồ sơ DỮ_LIỆU (ví dụ ho-so.yaml):
    mọi văn bản (Word và PDF) và tệp ho-so.pdf có bìa, mục lục, dấu trang, số trang.
    """
    progress = None if quiet else (lambda msg: click.echo(f"  … {msg}"))
    if sign_config is not None:
        from .sign import build_signed

        if draft:
            from ..errors import input_error

            raise input_error("Không ký số bản dự thảo.", hint="Bỏ --draft, hoặc bỏ --sign.")

        result = build_signed(sign_config, lambda: pipeline_for(data).build(
            data, output, draft=draft, allow_outside=allow_outside, progress=progress))
    else:
        result = pipeline_for(data).build(data, output, draft=draft, allow_outside=allow_outside,
                                          progress=progress)
    if depfile:
        from ..depfile import write_depfile

        write_depfile(depfile, result.output, result.inputs)
    if result.missing:
        click.echo("Bản dự thảo còn thiếu: " + "; ".join(result.missing))
    for warning in result.warnings:
        click.echo(f"Cảnh báo: {warning}", err=True)
    click.echo(f"Đã tạo {result.output} ({result.pages} trang).")
