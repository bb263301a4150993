"""The application factory of ``dossier serve``: one Flask app over a data
folder, its pages registered from one module each (datasette style), the
safety checks of :mod:`.security`, the server's own folder and jobs of
:mod:`.jobs`, and one warm LibreOffice shared by every page (:class:`Office`).
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
from pathlib import Path

from flask import Flask, abort, current_app, render_template, request, send_file

from ..errors import DossierError
from . import security
from .jobs import Jobs, Storage
from .uploads import MAX_FILE_BYTES

PAGES = ("documents", "merge", "communes", "dossiers", "checks")  # modules of this package, one blueprint each
MAX_REQUEST_BYTES = MAX_FILE_BYTES + (1 << 20)  # one upload plus the form around it


class Office:
    """One warm LibreOffice converter for the whole server (thread-safe), started on first use."""

    def __init__(self) -> None:
        self._conv = None
        self._lock = threading.Lock()

    @property
    def converter(self):
        with self._lock:
            if self._conv is None:
                from ..convert import Converter

                self._conv = Converter()
            return self._conv

    def convert(self, docx: Path, pdf: Path) -> None:
        from ..pipeline.commune import convert_all

        convert_all([(docx, pdf)], self.converter)

    def close(self) -> None:
        with self._lock:
            if self._conv is not None:
                self._conv.close()
                self._conv = None


def create_app(data_dir: str | Path, *, state_dir: str | Path | None = None, password: str | None = None,
               hosts: tuple[str, ...] | None = (), testing: bool = False) -> Flask:
    """The web application over ``data_dir``.

    ``state_dir``: the server's own folder (uploads, outputs); a new private
    temporary folder by default, removed by :func:`close_app`. ``password``:
    required to log in (given when the server listens beyond the loopback).
    ``hosts``: the host names the browser may use besides the loopback ones;
    None: any (a server on the network, behind its password).
    """
    data_dir = Path(data_dir).resolve()
    if not data_dir.is_dir():
        from ..errors import input_error

        raise input_error(f"Không tìm thấy thư mục dữ liệu {data_dir}.")
    owned = state_dir is None
    root = Path(tempfile.mkdtemp(prefix="dossier-web-")) if owned else Path(state_dir)
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        MAX_FORM_MEMORY_SIZE=4 * 1024 * 1024,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        TESTING=testing,
        DOSSIER_DATA=data_dir,
        DOSSIER_PASSWORD=password,
        DOSSIER_HOSTS=None if hosts is None else set(security.LOOPBACK) | set(hosts),
        DOSSIER_OWNED_STATE=owned,
    )
    app.extensions["dossier"] = {"storage": Storage(root), "jobs": Jobs(), "office": Office(),
                                 "locks": {}, "locks_lock": threading.Lock()}
    security.install(app)
    import importlib

    for name in PAGES:
        importlib.import_module(f"{__package__}.{name}").register(app)

    @app.route("/")
    def home():
        return render_template("web/home.html", jobs=jobs().recent()[:10], data_dir=data_dir)

    @app.route("/tep/<key>")
    def download(key: str):
        found = storage().download(key)
        if found is None:
            abort(404, "Không tìm thấy tệp (có thể máy chủ đã khởi động lại).")
        # only our own PDFs (previews, built dossiers) are ever listed as PDFs; ?tai=1 saves instead of showing
        inline = found.mime == "application/pdf" and not request.args.get("tai")
        return send_file(found.path, mimetype=found.mime, as_attachment=not inline, download_name=found.name,
                         max_age=0)

    @app.route("/viec/<job_id>")
    def job_status(job_id: str):
        job = jobs().get(job_id)
        if job is None:
            abort(404, "Không tìm thấy việc này (có thể máy chủ đã khởi động lại).")
        return render_template("web/_job.html", job=job)

    @app.errorhandler(DossierError)
    def _user_error(exc: DossierError):
        return render_template("web/error.html", message=str(exc), code=400), 400

    for code in (400, 401, 403, 404, 405, 409, 413):
        app.register_error_handler(code, _http_error)
    return app


def _http_error(exc):
    code = getattr(exc, "code", 500) or 500
    messages = {413: "Tệp gửi lên quá lớn (giới hạn {} MB).".format(MAX_FILE_BYTES // (1024 * 1024)),
                404: "Không tìm thấy trang.", 405: "Thao tác không được phép."}
    desc = getattr(exc, "description", "") or ""
    message = desc if desc and not desc.startswith(("The ", "You ", "Bad ", "Request")) else messages.get(code, "Yêu cầu không hợp lệ.")
    return render_template("web/error.html", message=message, code=code), code


def close_app(app: Flask) -> None:
    """Stop the jobs and LibreOffice; remove the server's folder when it made it."""
    ext = app.extensions["dossier"]
    ext["jobs"].shutdown()
    ext["office"].close()
    if app.config["DOSSIER_OWNED_STATE"]:
        shutil.rmtree(ext["storage"].root, ignore_errors=True)


def storage() -> Storage:
    return current_app.extensions["dossier"]["storage"]


def jobs() -> Jobs:
    return current_app.extensions["dossier"]["jobs"]


def office() -> Office:
    return current_app.extensions["dossier"]["office"]


def data_dir() -> Path:
    return current_app.config["DOSSIER_DATA"]


def file_lock(path: Path) -> threading.Lock:
    """One lock per data file, so a compare-and-write is never interleaved."""
    ext = current_app.extensions["dossier"]
    with ext["locks_lock"]:
        return ext["locks"].setdefault(str(path), threading.Lock())
