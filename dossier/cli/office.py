"""`dossier office`: the resident LibreOffice servers (see dossier.convert.resident)."""

from __future__ import annotations

import click

from ..convert import resident
from ..pipeline import warm
from .app import main, run_command


@main.group("office")
def office_group() -> None:
    """LibreOffice và Python chạy nền để tạo văn bản nhanh hơn.

    Khi đặt biến DOSSIER_OFFICE_IDLE=<số giây> (Makefile đặt sẵn 600), lệnh
    dossier giữ LibreOffice (và một tiến trình Python đã nạp sẵn thư viện)
    chạy nền sau khi xong việc; lệnh sau dùng lại ngay, không phải chờ khởi
    động (khoảng 2 giây mỗi thứ). Chúng tự tắt khi không dùng quá số giây đó.
    """


@office_group.command("status")
@run_command
def status_command() -> None:
    """Liệt kê các LibreOffice và tiến trình Python đang chạy nền."""
    running = [s for s in resident.servers() if s.running]
    pythons = warm.zygotes()
    if not running and not pythons:
        click.echo("Không có LibreOffice hay tiến trình Python nào chạy nền.")
        return
    click.echo(f"{'Chỗ':<7} {'Tiến trình':>10} {'Bộ nhớ':>10}  Trạng thái")
    for s in running:
        state = "đang dùng" if s.in_use else "đang chờ"
        click.echo(f"{s.slot:<7} {s.pid or '?':>10} {_mb(s.memory_mb):>10}  LibreOffice, {state}")
    for z in pythons:
        click.echo(f"{'-':<7} {z.pid:>10} {_mb(z.memory_mb):>10}  Python đã nạp sẵn (mã {z.key})")


def _mb(value: float) -> str:
    return f"{value:.0f} MB"


@office_group.command("stop")
@run_command
def stop_command() -> None:
    """Tắt mọi LibreOffice và tiến trình Python chạy nền của người dùng này."""
    offices, pythons = resident.stop_servers(), warm.stop_zygotes()
    if not offices and not pythons:
        click.echo("Không có LibreOffice hay tiến trình Python nào chạy nền.")
        return
    click.echo(f"Đã tắt {offices} LibreOffice và {pythons} tiến trình Python chạy nền.")
