"""`dossier preview`: a watermarked draft PDF, once or live (--watch)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import click

from .. import preview as lib
from .app import main, run_command


def _seconds(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def viewer_command(pdf: Path) -> list[str] | None:
    """The system viewer command for ``pdf``, or None when no viewer can be shown
    (no display on Linux, no opener installed, running under pytest)."""
    if os.environ.get("PYTEST_CURRENT_TEST"):
        return None
    if sys.platform == "darwin":
        opener = shutil.which("open")
        return [opener, str(pdf)] if opener else None
    if sys.platform.startswith("win"):
        return None  # handled by os.startfile
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return None
    opener = shutil.which("xdg-open")
    return [opener, str(pdf)] if opener else None


def open_viewer(pdf: Path) -> bool:
    """Open ``pdf`` in the system viewer without waiting for it; False if none."""
    if sys.platform.startswith("win") and not os.environ.get("PYTEST_CURRENT_TEST"):
        try:
            os.startfile(str(pdf))  # type: ignore[attr-defined]
            return True
        except OSError:
            return False
    cmd = viewer_command(pdf)
    if cmd is None:
        return False
    try:
        subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
    except OSError:
        return False
    return True


def _show(pdf: Path, no_open: bool) -> None:
    if no_open or not open_viewer(pdf):
        click.echo(f"Mở tệp để xem: {pdf}")
    else:
        click.echo("Đã mở bản xem trước bằng trình xem PDF của máy.")


def _note_temp_output(source: str, data: Path | None, output: Path) -> None:
    wanted = Path(data) if data is not None else Path(source)
    if output.parent != wanted.parent:
        click.echo(f"Thư mục {wanted.parent} không ghi được; bản xem trước được lưu vào {output.parent}.")


@main.command("preview")
@click.argument("source", metavar="MẪU|DOCX")
@click.argument("data", required=False, metavar="[DỮ-LIỆU]",
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Tệp PDF kết quả (mặc định: <tên>.du-thao.pdf cạnh tệp dữ liệu hoặc tệp .docx).")
@click.option("--watch", "-w", is_flag=True,
              help="Theo dõi mẫu và dữ liệu; tự tạo lại bản xem trước mỗi khi lưu tệp (Ctrl+C để dừng).")
@click.option("--no-open", is_flag=True, help="Không mở trình xem PDF, chỉ in đường dẫn.")
@run_command
def preview_command(source: str, data: Path | None, output: Path | None, watch: bool, no_open: bool) -> None:
    """Xem trước một văn bản dưới dạng PDF có dấu «DỰ THẢO» chéo trên mọi trang.

    MẪU là tên mẫu có sẵn (cong-van, to-trinh, bao-cao…) hoặc tệp mẫu .docx / .html,
    đi cùng tệp DỮ-LIỆU (YAML hoặc JSON). Cũng có thể đưa một tệp .docx đã có
    (không cần dữ liệu) để xem trước.
    """
    out = output or lib.default_output(source, data)
    if output is None:
        _note_temp_output(source, data, out)
    if not watch:
        result = lib.preview(source, data, out)
        click.echo(f"Đã tạo bản xem trước {result.pdf} ({result.pages} trang, {_seconds(result.seconds)} giây)")
        _show(result.pdf, no_open)
        return

    files = ", ".join(str(p) for p in lib.watched_files(source, data))
    click.echo(f"Đang theo dõi {files}; nhấn Ctrl+C để dừng.")
    opened = False

    def report(event: lib.WatchEvent) -> None:
        nonlocal opened
        clock = time.strftime("%H:%M:%S")
        if event.preview is not None:
            verb = "Đã tạo" if event.number == 1 else "Đã cập nhật"
            click.echo(f"[{clock}] {verb} bản xem trước {event.preview.pdf} "
                       f"({event.preview.pages} trang, {_seconds(event.preview.seconds)} giây)")
            if not opened:
                _show(event.preview.pdf, no_open)
                opened = True
            return
        exc = event.error
        from ..errors import DossierError

        if isinstance(exc, DossierError):
            message = f"Lỗi: {exc}"
        else:
            message = f"Lỗi không mong đợi ({type(exc).__name__}): {exc}"
        click.echo(f"[{clock}] {message}", err=True)
        if event.kept is not None and event.kept.exists():
            click.echo(f"[{clock}] Vẫn giữ bản xem trước trước đó: {event.kept}. Sửa lỗi rồi lưu tệp để tạo lại.",
                       err=True)
        else:
            click.echo(f"[{clock}] Chưa có bản xem trước; sửa lỗi rồi lưu tệp để tạo lại.", err=True)

    renders = lib.watch(source, data, out, report=report)
    click.echo(f"Đã dừng theo dõi sau {renders} lần tạo bản xem trước.")
