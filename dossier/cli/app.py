"""The Click group and the single place where errors become messages and exit codes."""

from __future__ import annotations

import datetime as _dt
import functools
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from .. import __version__, signals
from ..errors import EXIT_INTERNAL, DossierError
from ..signals import Terminated, interrupted_by
from . import i18n

i18n.install()


class _Command(click.Command):
    """A command whose usage line reads in Vietnamese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[TÙY CHỌN]")
        super().__init__(*args, **kwargs)


class _Group(click.Group):
    """A group whose commands are imported only when used: ``dossier batch`` does not
    pay for importing WeasyPrint or the checker (``lazy`` maps command → module)."""

    command_class = _Command
    lazy: dict[str, str] = {}

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            import importlib

            importlib.import_module(self.lazy[cmd_name])  # registers its commands on main
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(self.lazy))


@click.group(
    cls=_Group,
    options_metavar="[TÙY CHỌN]",
    subcommand_metavar="LỆNH [THAM SỐ]...",
    context_settings={"help_option_names": ["-h", "--help"]},
    help="dossier: tạo văn bản hành chính (Nghị định 30/2020/NĐ-CP) và hồ sơ "
    "nông thôn mới từ dữ liệu.",
    add_help_option=False,
)
@click.help_option("-h", "--help", help="Hiện hướng dẫn này rồi thoát.")
@click.version_option(__version__, message="dossier %(version)s", help="Hiện phiên bản rồi thoát.")
def main() -> None:
    pass


def _log_traceback() -> Path:
    folder = Path(os.environ.get("DOSSIER_LOG_DIR") or tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"dossier-loi-{stamp}-{os.getpid()}.log"
    path.write_text(traceback.format_exc(), encoding="utf-8")
    return path


EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_TERMINATED = 143  # 128 + SIGTERM


def _stopped(exc: KeyboardInterrupt) -> NoReturn:
    click.echo("Đã dừng theo yêu cầu; các tệp kết quả cũ được giữ nguyên, tệp tạm đã được xóa.", err=True)
    sys.exit(EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED)


def run_command(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a command: user errors print a Vietnamese message and exit with
    their code; Ctrl-C and SIGTERM unwind (temporaries removed, old outputs kept);
    anything unexpected prints a short message and logs the traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with signals.installed():
                return func(*args, **kwargs)
        except DossierError as exc:
            click.echo(f"Lỗi: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt as exc:
            _stopped(exc)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - the one catch-all, by design
            interrupt = interrupted_by(exc)  # Ctrl-C wrapped by Python on its way out
            if interrupt is not None:
                _stopped(interrupt)
            log = _log_traceback()
            click.echo(
                f"Lỗi không mong đợi ({type(exc).__name__}): {exc}\n"
                f"Chi tiết kỹ thuật đã được lưu vào {log}. Vui lòng gửi tệp này cho bộ phận hỗ trợ.",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)

    return wrapper
