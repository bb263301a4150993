"""Running the web application: the address (loopback unless asked), the
password beyond it, LibreOffice kept warm, the browser opened."""

from __future__ import annotations

import ipaddress
import os
import secrets
import threading
from collections.abc import Callable
from pathlib import Path

from ..errors import input_error

DEFAULT_PORT = 8765


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(data_dir: Path, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT, password: str | None = None,
          open_browser: bool = True, say: Callable[[str], None] = print,
          on_ready: Callable[[object], None] | None = None) -> None:
    """Serve ``data_dir`` until Ctrl-C (or ``server.shutdown()`` of the server handed to
    ``on_ready``). Another address than the loopback needs a password (one is made and
    printed when none is given)."""
    from werkzeug.serving import make_server

    from .app import close_app, create_app
    from .documents import warm_document
    from .jobs import keep_warm

    if not is_loopback(host):
        if password is None:
            password = secrets.token_urlsafe(9)
            say(f"Mật khẩu đăng nhập (tạo ngẫu nhiên): {password}")
        say(f"CẢNH BÁO: máy chủ nhận kết nối từ các máy khác qua địa chỉ {host}. "
            "Ai biết mật khẩu đều xem và sửa được dữ liệu; chỉ dùng trong mạng nội bộ tin cậy.")
    elif password is not None and not password:
        raise input_error("Mật khẩu không được để trống.")
    os.environ.setdefault("DOSSIER_OFFICE_IDLE", "900")  # the resident LibreOffice outlives each request
    # on the loopback only the loopback names (no DNS rebinding); beyond it any name, behind the password
    app = create_app(data_dir, password=password, hosts=None if not is_loopback(host) else ())
    server = make_server(host, port, app, threaded=True)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{server.server_port}/"
    stop = threading.Event()
    office = app.extensions["dossier"]["office"]
    warm = threading.Thread(target=keep_warm, args=(lambda folder: warm_document(folder, office.convert), stop),
                            daemon=True, name="dossier-warm")
    warm.start()
    say(f"Mở trình duyệt tại địa chỉ: {url}")
    say("Nhấn Ctrl+C để dừng máy chủ.")
    if open_browser and not os.environ.get("PYTEST_CURRENT_TEST"):
        import webbrowser

        threading.Timer(0.5, lambda: webbrowser.open(url)).start()
    if on_ready is not None:
        on_ready(server)
    from .. import signals

    # Ctrl-C/SIGTERM only record a stop (dossier.signals): the loop is asked to end, from
    # another thread (shutdown() waits for serve_forever, which runs in this one)
    def stop_serving(_signum: int) -> None:
        threading.Thread(target=server.shutdown, daemon=True, name="dossier-stop").start()

    try:
        with signals.on_stop(stop_serving):
            server.serve_forever()
        signals.consume()  # stopping is how a server ends: not an interrupted command
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        warm.join(timeout=30)  # a warm-up conversion under way ends before LibreOffice is stopped
        close_app(app)
        say("Đã dừng máy chủ.")
