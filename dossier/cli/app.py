"""The Click group and the single place where errors become messages and exit codes."""

from __future__ import annotations

import functools
import os
import sys
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

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help`` without importing the command modules: each
        short help is read from its module's source (:func:`_listed`)."""
        original = self.get_command
        self.get_command = lambda ctx, name: self.commands.get(name) or _listed(self.lazy.get(name), name) \
            or original(ctx, name)  # type: ignore[method-assign]
        try:
            super().format_commands(ctx, formatter)
        finally:
            del self.get_command

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        if args is None:  # run as the program (arguments from sys.argv), not by a test's CliRunner
            signals.install_for_process()  # a stop after the command (exit, cleanup) is a request too
            from ..proc import collect_less

            collect_less()
        return super().main(args, *rest, **kwargs)


def _listed(module: str | None, name: str) -> click.Command | None:
    """A stand-in for command ``name`` of ``module`` with the help and flags its
    ``@main.command("name", ...)`` (or ``@main.group``) decorator and docstring give,
    read from the source; None when the source does not say plainly (then the
    module is imported)."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec(module) if module else None
    if spec is None or not spec.origin:
        return None
    try:
        tree = ast.parse(Path(spec.origin).read_bytes())
    except (OSError, SyntaxError):
        return None
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for deco in node.decorator_list:
            if not (isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute)
                    and isinstance(deco.func.value, ast.Name) and deco.func.value.id == "main"
                    and deco.func.attr in ("command", "group")):
                continue
            try:
                args = [ast.literal_eval(a) for a in deco.args]
                kwargs = {k.arg: ast.literal_eval(k.value) for k in deco.keywords
                          if k.arg in ("name", "short_help", "hidden", "help", "deprecated")}
            except ValueError:
                return None  # a value computed at import: ask the module itself
            if (args[:1] or [kwargs.get("name")])[0] != name:
                continue
            kwargs.pop("name", None)
            kwargs.setdefault("help", ast.get_docstring(node))
            return click.Command(name, **kwargs)
    return None


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
    import datetime as _dt  # only when something went wrong: `dossier --help` stays quick
    import tempfile
    import traceback

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
        with signals.installed():
            try:
                result = func(*args, **kwargs)
                signals.checkpoint()  # asked to stop while the last step ran: say so, exit 130/143
                return result
            except DossierError as exc:
                if signals.requested() is not None:  # e.g. a LibreOffice that the stop itself ended
                    _stopped(signals.stop_exception())
                click.echo(f"Lỗi: {exc}", err=True)
                sys.exit(exc.exit_code)
            except KeyboardInterrupt as exc:
                _stopped(exc)
            except (click.exceptions.Exit, click.ClickException, SystemExit):
                raise
            except Exception as exc:  # noqa: BLE001 - the one catch-all, by design
                interrupt = interrupted_by(exc) or signals.stop_exception()  # a stop wrapped or caused on the way
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
