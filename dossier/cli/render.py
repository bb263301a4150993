"""`dossier render`: one document from a template and a data file."""

from __future__ import annotations

from pathlib import Path

import click

from ..render import builders
from .app import main, run_command


@main.command("render")
@click.argument("template", metavar="MẪU")
@click.argument("data", metavar="DỮ_LIỆU", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
    help="Tệp kết quả; phần mở rộng chọn định dạng: .docx, .pdf hoặc .html.",
)
@run_command
def render_command(template: str, data: Path, output: Path) -> None:
    """Tạo một văn bản từ MẪU và tệp DỮ_LIỆU (YAML hoặc JSON).

    MẪU là tên một mẫu có sẵn (ví dụ cong-van, to-trinh, bao-cao), hoặc đường
    dẫn tới tệp .docx (thẻ Jinja2 gõ trong Word) hoặc .html.
    """
    builders.render(template, data, output)
    click.echo(f"Đã tạo {output}")
