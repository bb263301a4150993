"""`dossier serve`: the local web application for clerks (dossier.web)."""

from __future__ import annotations

from pathlib import Path

import click

from .app import main, run_command


@main.command("serve")
@click.argument("data_dir", metavar="[THƯ_MỤC_DỮ_LIỆU]", required=False, default=".",
                type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Địa chỉ nghe. Mặc định chỉ máy này; địa chỉ khác cần mật khẩu.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Cổng.")
@click.option("--password", envvar="DOSSIER_WEB_PASSWORD", default=None,
              help="Mật khẩu đăng nhập (bắt buộc khi nghe địa chỉ khác 127.0.0.1; không có thì tự tạo).")
@click.option("--no-browser", is_flag=True, help="Không tự mở trình duyệt.")
@run_command
def serve_command(data_dir: Path, host: str, port: int, password: str | None, no_browser: bool) -> None:
    """Mở trang web soạn văn bản, đánh giá xã, tạo hồ sơ và kiểm tra thể thức
    cho thư mục dữ liệu (mặc định: thư mục hiện tại), trong trình duyệt của máy này.
    """
    from ..web import serve

    serve(data_dir, host=host, port=port, password=password, open_browser=not no_browser, say=click.echo)
