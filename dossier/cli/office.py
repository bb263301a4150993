"""`dossier office`: the resident LibreOffice servers (see dossier.convert.resident)."""

from __future__ import annotations

import click

from ..convert import resident
from .app import main, run_command


@main.group("office")
def office_group() -> None:
    """LibreOffice chạy nền để chuyển PDF nhanh hơn.

    Khi đặt biến DOSSIER_OFFICE_IDLE=<số giây> (Makefile đặt sẵn 600), lệnh
    dossier giữ LibreOffice chạy nền sau khi xong việc; lệnh sau dùng lại
    ngay, không phải chờ LibreOffice khởi động (khoảng 2 giây). LibreOffice
    tự tắt khi không dùng quá số giây đó.
    """


@office_group.command("status")
@run_command
def status_command() -> None:
    """Liệt kê các LibreOffice đang chạy nền."""
    running = [s for s in resident.servers() if s.running]
    if not running:
        click.echo("Không có LibreOffice nào chạy nền.")
        return
    click.echo(f"{'Chỗ':<5} {'Tiến trình':>10} {'Bộ nhớ':>10}  Trạng thái")
    for s in running:
        state = "đang dùng" if s.in_use else "đang chờ"
        memory = f"{s.memory_mb:.0f} MB".replace(".", ",")
        click.echo(f"{s.slot:<5} {s.pid or '?':>10} {memory:>10}  {state}")


@office_group.command("stop")
@run_command
def stop_command() -> None:
    """Tắt mọi LibreOffice chạy nền của người dùng này."""
    stopped = resident.stop_servers()
    click.echo(f"Đã tắt {stopped} LibreOffice chạy nền." if stopped else "Không có LibreOffice nào chạy nền.")
