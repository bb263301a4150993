"""`dossier batch`: every commune of a district, in parallel, then the summary."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

import click

from ..depfile import write_depfile, write_stamp
from ..errors import build_error
from ..pipeline import batch
from ..vntext import vn_number
from .app import main, run_command


@main.command("batch")
@click.argument("data_dir", metavar="THƯ_MỤC_DỮ_LIỆU", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Thư mục kết quả (ví dụ build/).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=batch.default_jobs, show_default=True,
              help="Số tiến trình chạy song song (mỗi tiến trình giữ một LibreOffice).")
@click.option("--only", "only", multiple=True, metavar="XÃ",
              help="Chỉ tạo cho xã này (tên tệp không có phần mở rộng, ví dụ son-binh); dùng nhiều lần được.")
@click.option("--no-summary", is_flag=True, help="Không tạo báo cáo tổng hợp của huyện.")
@click.option("--summary-only", is_flag=True, help="Chỉ tạo báo cáo tổng hợp của huyện.")
@click.option("--draft", is_flag=True, help="Tạo hồ sơ dạng dự thảo (vẫn ghép khi còn thiếu thành phần).")
@click.option("--depfile", type=click.Path(path_type=Path, dir_okay=False),
              help="Ghi danh sách tệp đầu vào cho make (dùng với --stamp).")
@click.option("--stamp", type=click.Path(path_type=Path, dir_okay=False),
              help="Tệp đánh dấu hoàn thành, ghi khi mọi xã đều thành công (cho make).")
@click.option("--sign", "sign_config", type=click.Path(path_type=Path, dir_okay=False),
              help="Ký số mọi hồ sơ như 'dossier build --sign' (tệp cấu hình YAML); mật khẩu của mỗi khóa "
                   "chỉ hỏi một lần cho cả đợt.")
@run_command
def batch_command(data_dir: Path, output: Path, jobs: int, only: tuple[str, ...], no_summary: bool,
                  summary_only: bool, draft: bool, depfile: Path | None, stamp: Path | None,
                  sign_config: Path | None) -> None:
    """Tạo kết quả cho mọi xã trong THƯ_MỤC_DỮ_LIỆU: báo cáo đánh giá tiêu chí (xlsx,
    docx, pdf), hồ sơ đề nghị xét, công nhận (khi có tệp ho-so-*.yaml), rồi báo cáo
    tổng hợp của huyện. Xã lỗi được báo cáo, các xã khác vẫn tiếp tục."""
    if summary_only:
        for path in batch.run_summary(data_dir, output):
            click.echo(f"Đã tạo {path}")
        return
    units = batch.discover(data_dir)
    if only:
        unknown = sorted(set(only) - {u.slug for u in units})
        if unknown:
            raise build_error(f"Không có xã: {', '.join(unknown)}.",
                              hint="Các xã có dữ liệu: " + ", ".join(u.slug for u in units) + ".")
        units = [u for u in units if u.slug in only]
    with _signing(sign_config, draft, any(u.dossiers for u in units)) as signing:
        _run(units, data_dir, output, jobs, only, no_summary, draft, depfile, stamp, signing)


def _signing(sign_config: Path | None, draft: bool, has_dossiers: bool):
    """Every key of the signing file opened (each password asked once) before any work, or nothing."""
    if sign_config is None or not (has_dossiers or draft):
        return contextlib.nullcontext()
    from ..sign import Secrets
    from ..sign.batch import batch_signing
    from .sign import prompt_secret

    return batch_signing(sign_config, Secrets(prompt_secret), draft=draft)


def _run(units, data_dir: Path, output: Path, jobs: int, only, no_summary: bool, draft: bool,
         depfile: Path | None, stamp: Path | None, signing) -> None:
    start = time.perf_counter()
    outcomes = []
    summary_of = None if no_summary or only else data_dir  # built by a worker, alongside the communes
    summary_error = ""
    with click.progressbar(length=len(units) + bool(summary_of), label=f"Đang tạo ({len(units)} xã, {jobs} tiến trình)",
                           show_pos=True, item_show_func=lambda o: o and f"{o.slug} {_seconds(o.seconds)}",
                           file=sys.stderr) as bar:
        for outcome in batch.run(units, output, jobs=jobs, draft=draft, summary_of=summary_of, signing=signing):
            if summary_of is not None and outcome.slug == batch.SUMMARY_DIR:
                summary_error = "" if outcome.ok else outcome.error or "lỗi"
            else:
                outcomes.append(outcome)
            bar.update(1, outcome)
    _table(sorted(outcomes, key=lambda o: o.slug), summary_error, no_summary or bool(only))
    failed = [o for o in outcomes if not o.ok]
    elapsed = time.perf_counter() - start
    click.echo(f"Xong {len(outcomes) - len(failed)}/{len(outcomes)} xã trong {_seconds(elapsed)}.")
    if signing is not None:
        click.echo(f"Đã ký số {sum(o.signatures for o in outcomes)} chữ ký.")
    if depfile:
        write_depfile(depfile, stamp or output, [p for o in outcomes for p in o.inputs])
    if failed or summary_error:
        raise build_error(f"Có {len(failed) + bool(summary_error)} mục không tạo được (xem bảng trên).")
    if stamp:
        write_stamp(stamp, "".join(f"{o.slug}\n" for o in outcomes))


def _seconds(value: float) -> str:
    return f"{vn_number(round(value, 1))} giây"


def _table(outcomes, summary_error: str, summary_skipped: bool) -> None:
    click.echo(f"{'Xã':<14} {'Kết quả':<10} {'Thời gian':>11}  Ghi chú")
    for o in outcomes:
        status = "đã tạo" if o.ok else "LỖI"
        note = f"hồ sơ {o.pages} trang" if o.pages else ""
        if not o.ok:
            note = o.error.splitlines()[0] if o.error else ""
        click.echo(f"{o.slug:<14} {status:<10} {_seconds(o.seconds):>11}  {note}")
        if not o.ok:
            for line in o.error.splitlines()[1:6]:
                click.echo(f"{'':<38}{line}")
    if not summary_skipped:
        click.echo(f"{'tổng hợp':<14} {'LỖI' if summary_error else 'đã tạo':<10} {'':>11}  {summary_error.splitlines()[0] if summary_error else ''}")
